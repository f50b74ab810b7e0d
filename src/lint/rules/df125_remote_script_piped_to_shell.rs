//! DF125: a script downloaded and executed in one go — `curl ... | sh`, `wget -O- ... | bash`,
//! `sh -c "$(curl ...)"`, `bash <(curl ...)`. Nothing checks what was downloaded before it runs.
//! POSIX shells only (PowerShell `iex (iwr ...)` is a Windows rule).

use crate::dockerfile::shell::{Command, Dialect};
use crate::lint::helpers::general::pipelines;
use crate::lint::{Emitter, LintContext};

/// curl/wget writing the download to stdout.
fn downloads_to_stdout(cmd: &Command) -> bool {
    let args = cmd.args();
    match cmd.name().as_str() {
        "curl" => !args.iter().any(|w| {
            let t = w.text.as_str();
            t == "-o"
                || t == "-O"
                || t.starts_with("--output")
                || t == "--remote-name"
                || t == "--remote-name-all"
                || (t.starts_with('-')
                    && !t.starts_with("--")
                    && (t.ends_with('o') || t.contains('O')))
        }),
        "wget" => args.iter().enumerate().any(|(k, w)| {
            let t = w.text.as_str();
            t == "-O-"
                || t == "--output-document=-"
                || (t.starts_with('-') && !t.starts_with("--") && t.ends_with("O-"))
                || ((t == "-O"
                    || t == "--output-document"
                    || (t.starts_with('-') && !t.starts_with("--") && t.ends_with('O')))
                    && args.get(k + 1).is_some_and(|n| n.text == "-"))
        }),
        _ => false,
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];
const INTERPRETERS: &[&str] = &[
    "python", "python2", "python3", "perl", "ruby", "node", "php",
];

/// A command that executes its standard input as a script. Returns the interpreter name.
fn executes_stdin(cmd: &Command) -> Option<String> {
    let mut words = cmd.words.iter().map(|w| w.text.as_str()).peekable();
    let mut name = crate::dockerfile::shell::program_name(words.next()?);
    // sudo [-E] [-u user] sh / env [VAR=x] bash
    while name == "sudo" || name == "env" {
        let mut next = None;
        while let Some(w) = words.next() {
            if w == "-u" || w == "-g" {
                words.next();
                continue;
            }
            if w.starts_with('-') || w.contains('=') {
                continue;
            }
            next = Some(w);
            break;
        }
        name = crate::dockerfile::shell::program_name(next?);
    }
    let rest: Vec<&str> = words.collect();
    if SHELLS.contains(&name.as_str()) {
        if rest.contains(&"-c") {
            return None;
        }
        // a script file argument means stdin is not the script (unless -s)
        let file_arg = rest.iter().any(|a| !a.starts_with('-') && *a != "-");
        if file_arg && !rest.iter().any(|a| *a == "-s" || *a == "-") {
            return None;
        }
        return Some(name.into_owned());
    }
    if INTERPRETERS.contains(&name.as_str()) {
        if rest.is_empty() || rest.first() == Some(&"-") {
            return Some(name.into_owned());
        }
        return None;
    }
    None
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        if s.script.dialect != Dialect::Posix {
            continue;
        }
        let cmds = &s.script.commands;
        for p in pipelines(&s.script) {
            let members: Vec<&Command> = cmds
                .get(p.clone())
                .unwrap_or(&[])
                .iter()
                .filter(|c| c.depth == cmds.get(*p.start()).map_or(0, |f| f.depth))
                .collect();
            // download | [tee/cat/decompress ...] | interpreter
            for (k, a) in members.iter().enumerate() {
                if !downloads_to_stdout(a) {
                    continue;
                }
                let passthrough = |c: &Command| {
                    matches!(
                        c.name().as_str(),
                        "tee" | "cat" | "gunzip" | "zcat" | "bunzip2" | "xzcat" | "dos2unix"
                    ) || (c.name() == "gzip" && c.has_arg(&["-d", "-dc", "-cd"]))
                };
                let rest = members.get(k + 1..).unwrap_or(&[]);
                let Some(b) = rest.iter().find(|c| !passthrough(c)) else {
                    continue;
                };
                let Some(interp) = executes_stdin(b) else {
                    continue;
                };
                out.emit(
                    s.span(a.range.start..b.range.end),
                    format!(
                        "`{}` output is piped straight into `{interp}`: download to a file, verify its SHA-256 against a pinned value, then run it",
                        a.name()
                    ),
                );
                break;
            }
        }
        // sh -c "$(curl ...)" and bash <(curl ...)
        for c in cmds {
            let name = c.name();
            if !SHELLS.contains(&name.as_str()) {
                continue;
            }
            let hit = c.args().iter().any(|w| {
                let t = w.text.replace(' ', "");
                t.contains("$(curl")
                    || t.contains("$(wget")
                    || t.contains("`curl")
                    || t.contains("`wget")
                    || t.starts_with("<(curl")
                    || t.starts_with("<(wget")
            });
            if hit {
                out.emit(
                    s.span(c.range.clone()),
                    format!("a downloaded script is executed directly by `{name}`: download to a file, verify its SHA-256 against a pinned value, then run it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::shell::{Connector, ShWord};

    fn cmd(words: &[&str]) -> Command {
        Command {
            words: words
                .iter()
                .map(|t| ShWord {
                    text: (*t).to_string(),
                    range: 0..0,
                })
                .collect(),
            range: 0..0,
            connector: Connector::Pipe,
            depth: 0,
        }
    }

    #[test]
    fn downloads() {
        assert!(downloads_to_stdout(&cmd(&[
            "curl",
            "-fsSL",
            "https://x/i.sh"
        ])));
        assert!(!downloads_to_stdout(&cmd(&[
            "curl",
            "-fsSLo",
            "/tmp/i.sh",
            "https://x"
        ])));
        assert!(!downloads_to_stdout(&cmd(&[
            "curl",
            "-O",
            "https://x/i.sh"
        ])));
        assert!(downloads_to_stdout(&cmd(&["wget", "-qO-", "https://x"])));
        assert!(downloads_to_stdout(&cmd(&["wget", "-O", "-", "https://x"])));
        assert!(!downloads_to_stdout(&cmd(&["wget", "https://x/i.sh"])));
    }

    #[test]
    fn interpreters() {
        assert_eq!(executes_stdin(&cmd(&["sh"])).as_deref(), Some("sh"));
        assert_eq!(
            executes_stdin(&cmd(&["sudo", "-E", "bash", "-"])).as_deref(),
            Some("bash")
        );
        assert_eq!(
            executes_stdin(&cmd(&["bash", "-s", "--", "--channel", "x"])).as_deref(),
            Some("bash")
        );
        assert_eq!(
            executes_stdin(&cmd(&["python3", "-"])).as_deref(),
            Some("python3")
        );
        assert!(executes_stdin(&cmd(&["sh", "-c", "cat"])).is_none());
        assert!(executes_stdin(&cmd(&["sh", "script.sh"])).is_none());
        assert!(executes_stdin(&cmd(&["python3", "-c", "import json"])).is_none());
        assert!(executes_stdin(&cmd(&["tar", "-xz"])).is_none());
    }
}
