//! DF105: `cd` (or `Set-Location`) inside RUN instead of WORKDIR.
//!
//! Not reported: `cd` nested in a subshell/block (`(cd x && make)`), `cd` without a target,
//! and changing into a scratch directory that the same RUN creates under a temp path or
//! deletes again (`mkdir /tmp/b && cd /tmp/b && ... && rm -rf /tmp/b`) — WORKDIR would leave
//! that directory behind in the image.

use crate::dockerfile::shell::{Command, Dialect};
use crate::lint::{Emitter, LintContext};

fn is_cd(cmd: &Command, dialect: Dialect) -> bool {
    let name = cmd.name();
    match dialect {
        Dialect::Posix => name == "cd" || name == "pushd",
        Dialect::Cmd => matches!(name.as_str(), "cd" | "chdir" | "pushd"),
        Dialect::PowerShell => matches!(
            name.as_str(),
            "cd" | "chdir" | "sl" | "set-location" | "pushd" | "push-location"
        ),
    }
}

fn target(cmd: &Command) -> Option<&str> {
    cmd.args()
        .iter()
        .map(|w| w.text.as_str())
        .find(|t| !(t.starts_with('-') || t.eq_ignore_ascii_case("/d")))
}

fn temp_like(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.starts_with("/tmp")
        || l.starts_with("/var/tmp")
        || l.contains("$tmp")
        || l.contains("${tmp")
        || l.contains("mktemp")
        || l.contains("$env:temp")
        || l.contains("%temp%")
        || l.contains("$(")
        || l == "-"
        || l == ".."
        || l == "/"
        || l == "~"
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let dialect = s.script.dialect;
        let cmds = &s.script.commands;
        for (k, cmd) in cmds.iter().enumerate() {
            if cmd.depth > 0 || !is_cd(cmd, dialect) {
                continue;
            }
            let Some(t) = target(cmd) else { continue };
            if temp_like(t) {
                continue;
            }
            // removed again later in the same RUN: a throwaway build directory
            let trimmed = t.trim_end_matches(['/', '\\']);
            let removed = cmds.iter().skip(k + 1).any(|c| {
                let n = c.name();
                matches!(n.as_str(), "rm" | "rmdir" | "remove-item" | "rd" | "del")
                    && c.args().iter().any(|a| {
                        let a = a.text.trim_end_matches(['/', '\\', '*']);
                        !a.is_empty()
                            && !a.starts_with('-')
                            && (trimmed == a || trimmed.starts_with(&format!("{a}/")))
                    })
            });
            // pushd ... popd: the change is scoped like a subshell
            let popped = matches!(cmd.name().as_str(), "pushd" | "push-location")
                && cmds
                    .iter()
                    .skip(k + 1)
                    .any(|c| matches!(c.name().as_str(), "popd" | "pop-location"));
            if removed || popped {
                continue;
            }
            let Some(first) = cmd.words.first() else {
                continue;
            };
            let span = s
                .span(cmd.range.start..cmd.args().first().map_or(first.range.end, |w| w.range.end));
            out.emit(
                span,
                format!("`{} {t}` inside RUN: set the directory with `WORKDIR {t}` instead, so later instructions see it too", first.text),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_dirs() {
        assert!(temp_like("/tmp/build"));
        assert!(temp_like("$(mktemp -d)"));
        assert!(temp_like("$env:TEMP"));
        assert!(!temp_like("/src"));
    }
}
