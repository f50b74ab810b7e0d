//! DF105: `cd` (or `Set-Location`) inside RUN instead of WORKDIR.
//!
//! Not reported: `cd` nested in a subshell/block (`(cd x && make)`), `cd` without a target,
//! and changing into a scratch directory that the same RUN creates under a temp path or
//! deletes again (`mkdir /tmp/b && cd /tmp/b && ... && rm -rf /tmp/b`) — WORKDIR would leave
//! that directory behind in the image.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::{Command, Dialect};
use crate::lint::rules::df104_relative_workdir::is_absolute_or_unknown;
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

/// The working directory at instruction `at`: the stage's WORKDIRs up to it, joined; `None`
/// when the stage sets none (the base image's is not known here) or uses a variable.
fn workdir_before(cx: &LintContext<'_>, at: usize) -> Option<String> {
    let mut wd: Option<String> = None;
    for (idx, inst) in cx.instructions() {
        if idx >= at {
            break;
        }
        match inst.kind {
            InstructionKind::From => wd = None,
            InstructionKind::Workdir => {
                let v = inst.args.text.trim().trim_matches(['"', '\'']);
                wd = if v.contains(['$', '%']) {
                    None
                } else if is_absolute_or_unknown(v) {
                    Some(v.to_string())
                } else {
                    wd.map(|w| join(&w, v))
                };
            }
            _ => {}
        }
    }
    wd
}

/// `dir` + `rel` with the separator `dir` uses.
fn join(dir: &str, rel: &str) -> String {
    let sep = if dir.contains('\\') { '\\' } else { '/' };
    format!("{}{sep}{}", dir.trim_end_matches(['/', '\\']), rel.trim_start_matches("./"))
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
            // WORKDIR takes an absolute path (DF104): a relative `cd` is joined to the
            // directory the RUN starts in when the stage set one.
            let suggested = if is_absolute_or_unknown(t) {
                format!("`WORKDIR {t}`")
            } else {
                match workdir_before(cx, s.instruction) {
                    Some(wd) => format!("`WORKDIR {}`", join(&wd, t)),
                    None => format!("WORKDIR with the absolute path of `{t}`"),
                }
            };
            out.emit(
                span,
                format!("`{} {t}` inside RUN: set the directory with {suggested} instead, so later instructions see it too", first.text),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ScanOptions, scan};
    use crate::source::{Date, SourceFile};

    fn messages(dockerfile: &str) -> Vec<String> {
        let files = [SourceFile::new("Dockerfile", dockerfile)];
        let today = Date::parse("2026-11-22").expect("date");
        scan(&files, &Default::default(), &ScanOptions::new(today))
            .findings
            .into_iter()
            .filter(|f| f.rule == "DF105")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn suggests_an_absolute_workdir() {
        let m = messages("FROM alpine:3.20\nWORKDIR /src\nWORKDIR app\nRUN cd x && make\n");
        assert!(m[0].contains("`WORKDIR /src/app/x`"), "{m:?}");
        let m = messages("FROM alpine:3.20\nRUN cd /opt/app && make\n");
        assert!(m[0].contains("`WORKDIR /opt/app`"), "{m:?}");
        // No WORKDIR in this stage (the previous stage's does not carry over).
        let m = messages("FROM alpine:3.20 AS a\nWORKDIR /a\nFROM alpine:3.20\nRUN cd x && make\n");
        assert!(m[0].contains("WORKDIR with the absolute path of `x`"), "{m:?}");
        let m = messages(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\src\nRUN cd tools && build.cmd\n",
        );
        assert!(m[0].contains("`WORKDIR C:\\src\\tools`"), "{m:?}");
    }

    #[test]
    fn temp_dirs() {
        assert!(temp_like("/tmp/build"));
        assert!(temp_like("$(mktemp -d)"));
        assert!(temp_like("$env:TEMP"));
        assert!(!temp_like("/src"));
    }
}
