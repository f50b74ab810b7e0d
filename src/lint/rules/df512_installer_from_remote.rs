//! DF512: an installer run straight from a URL or UNC share: `msiexec /i https://…` or
//! `msiexec /i \\server\share\x.msi` (any msiexec argument), `Start-Process` / `saps` / cmd
//! `start` whose file (or msiexec argument list) is a URL or UNC path, and a command whose name
//! is a UNC path (`\\server\share\setup.exe /quiet`, `& '\\server\share\setup.exe'`) in
//! PowerShell or cmd scripts.

use std::ops::Range;

use crate::dockerfile::shell::{Dialect, program_name};
use crate::lint::helpers::packages::{
    Invocation, OptSpec, invocations, is_remote_url, is_unc, parse_args, redact_url,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv, s.script.dialect) {
            out.emit(s.span(range), msg);
        }
    }
}

const START_PROCESS: OptSpec = OptSpec::powershell(&[
    "Wait",
    "NoNewWindow",
    "PassThru",
    "UseNewEnvironment",
    "LoadUserProfile",
    "WhatIf",
    "Confirm",
]);

/// A URL or UNC path inside a word (argument lists are often one string: `'/i https://x/a.msi /qn'`).
fn remote_token(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '\'' | '"' | '(' | ')' | '@'))
        .map(|t| {
            t.strip_prefix("/i:")
                .or_else(|| t.strip_prefix("/package:"))
                .unwrap_or(t)
        })
        .find(|t| is_remote_url(t) || is_unc(t))
}

fn message(what: &str, target: &str) -> String {
    let kind = if is_unc(target) {
        "a network share"
    } else {
        "a URL"
    };
    let target = redact_url(target);
    format!(
        "{what} runs `{target}` straight from {kind}: nothing verifies what gets installed; download it, check its SHA-256 (Get-FileHash) or Authenticode signature, then install the local file"
    )
}

fn inspect(inv: &Invocation<'_>, dialect: Dialect) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let name = inv.name();
    let windows_dialect = matches!(dialect, Dialect::PowerShell | Dialect::Cmd);
    match name.as_str() {
        "msiexec" => {
            for w in inv.args {
                if let Some(t) = remote_token(&w.text) {
                    out.push((w.range.clone(), message("`msiexec`", t)));
                    break;
                }
            }
        }
        "start-process" | "saps" | "start" if windows_dialect || name != "start" => {
            let args = if name == "start" {
                // cmd `start [/wait] [/b] ["title"] program args`
                let rest: Vec<_> = inv
                    .args
                    .iter()
                    .filter(|w| !w.text.starts_with('/'))
                    .collect();
                let file = rest.first().copied();
                let prog_args: Vec<_> = rest.iter().skip(1).copied().collect();
                (file, prog_args)
            } else {
                let p = parse_args(inv.args, &START_PROCESS);
                let file = p
                    .value(&["FilePath"])
                    .map(|v| v.word)
                    .or_else(|| p.operands.first().copied());
                let mut rest: Vec<_> = p
                    .values(&["ArgumentList", "Args"])
                    .into_iter()
                    .map(|v| v.word)
                    .collect();
                rest.extend(p.operands.iter().skip(1).copied());
                (file, rest)
            };
            let (Some(file), rest) = args else { return out };
            if let Some(t) = remote_token(&file.text) {
                out.push((
                    file.range.clone(),
                    message(&format!("`{}`", inv.name_word.text), t),
                ));
            } else if program_name(&file.text) == "msiexec" {
                // `-ArgumentList '/i', 'https://…'` may be split over several words.
                let mut hit = None;
                for w in &rest {
                    if let Some(t) = remote_token(&w.text) {
                        hit = Some((w.range.clone(), t.to_string()));
                        break;
                    }
                }
                if hit.is_none() {
                    // Words after -ArgumentList that the parser left as operands.
                    let after: Vec<_> = inv
                        .args
                        .iter()
                        .skip_while(|w| !w.text.eq_ignore_ascii_case("-ArgumentList"))
                        .skip(1)
                        .collect();
                    for w in after {
                        if let Some(t) = remote_token(&w.text) {
                            hit = Some((w.range.clone(), t.to_string()));
                            break;
                        }
                    }
                }
                if let Some((range, t)) = hit {
                    out.push((
                        range,
                        message(&format!("`{}` of msiexec", inv.name_word.text), &t),
                    ));
                }
            }
        }
        _ if windows_dialect && is_unc(&inv.name_word.text) => {
            let lower = inv.name_word.text.to_ascii_lowercase();
            if [".exe", ".msi", ".cmd", ".bat", ".ps1", ".msu"]
                .iter()
                .any(|e| lower.ends_with(e))
            {
                out.push((
                    inv.name_word.range.clone(),
                    message("The RUN", &inv.name_word.text),
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str, d: Dialect) -> Vec<String> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap(), d)
            .into_iter()
            .map(|(r, _)| line[r].to_string())
            .collect()
    }

    #[test]
    fn msiexec() {
        assert_eq!(
            run("msiexec /i https://dl.example.com/a.msi /qn", Dialect::Cmd),
            vec!["https://dl.example.com/a.msi"]
        );
        assert_eq!(
            run(
                "msiexec.exe /qn /i \\\\fs01\\installers\\agent.msi",
                Dialect::PowerShell
            ),
            vec!["\\\\fs01\\installers\\agent.msi"]
        );
        assert!(run("msiexec /i C:\\install\\a.msi /qn", Dialect::Cmd).is_empty());
    }

    #[test]
    fn start_process() {
        assert_eq!(
            run(
                "Start-Process \\\\fs01\\share\\setup.exe -ArgumentList '/quiet' -Wait",
                Dialect::PowerShell
            ),
            vec!["\\\\fs01\\share\\setup.exe"]
        );
        assert_eq!(
            run(
                "Start-Process -FilePath https://x/setup.exe -Wait",
                Dialect::PowerShell
            ),
            vec!["https://x/setup.exe"]
        );
        assert_eq!(
            run(
                "Start-Process msiexec.exe -ArgumentList '/i','https://x/a.msi','/qn' -Wait",
                Dialect::PowerShell
            ),
            vec!["'/i','https://x/a.msi','/qn'"]
        );
        assert_eq!(
            run(
                "start /wait \\\\fs01\\share\\setup.exe /quiet",
                Dialect::Cmd
            ),
            vec!["\\\\fs01\\share\\setup.exe"]
        );
        assert!(
            run(
                "Start-Process msiexec.exe -ArgumentList '/i C:\\a.msi /qn' -Wait",
                Dialect::PowerShell
            )
            .is_empty()
        );
        assert!(
            run(
                "Start-Process C:\\setup.exe -ArgumentList '/quiet' -Wait",
                Dialect::PowerShell
            )
            .is_empty()
        );
    }

    #[test]
    fn unc_command() {
        assert_eq!(
            run("\\\\fs01\\share\\setup.exe /quiet", Dialect::Cmd),
            vec!["\\\\fs01\\share\\setup.exe"]
        );
        assert!(run("\\\\fs01\\share\\setup.exe /quiet", Dialect::Posix).is_empty());
    }
}
