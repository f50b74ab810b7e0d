//! DF106: CMD / ENTRYPOINT in shell form: the command runs as a child of the shell, which is
//! PID 1 and does not forward SIGTERM, so `docker stop` waits and then kills.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::ShellKind;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (idx, inst) in cx.instructions() {
        if !matches!(
            inst.kind,
            InstructionKind::Cmd | InstructionKind::Entrypoint
        ) {
            continue;
        }
        // Invalid JSON that fell back to shell form is DF121's finding.
        if inst.json_fallback.is_some() {
            continue;
        }
        let Some(text) = inst.shell_text() else {
            continue;
        };
        let cmd = text.text.trim();
        // JSON-looking text that is not a string array is a parse error (DF100), not style.
        if cmd.is_empty() || cmd.starts_with('[') {
            continue;
        }
        let posix = matches!(
            cx.model.shell_at.get(idx).map(|s| &s.kind),
            Some(ShellKind::Posix { .. }) | None
        );
        // `exec app` replaces the shell: signals reach the app.
        if posix && (cmd.starts_with("exec ") || cmd.starts_with("exec\t")) {
            continue;
        }
        let kw = inst.kind.as_str();
        let words: Vec<String> = cmd.split_whitespace().map(|w| format!("{w:?}")).collect();
        let suggestion =
            if words.len() <= 6 && !cmd.contains(['$', '&', '|', ';', '>', '<', '%', '\'', '"']) {
                format!("`{kw} [{}]`", words.join(", "))
            } else {
                "the JSON exec form".to_string()
            };
        let leading = text.text.len() - text.text.trim_start().len();
        let span = text.span(leading, leading + cmd.len());
        let why = match cx.model.shell_at.get(idx).map(|s| &s.kind) {
            Some(ShellKind::Cmd) => {
                "is wrapped in `cmd /S /C`, so the container's main process is cmd.exe, not your program"
            }
            Some(ShellKind::PowerShell { .. }) => {
                "is wrapped in a PowerShell process, so the container's main process is the shell, not your program"
            }
            _ => {
                "runs under `/bin/sh -c`, which is PID 1 and does not forward SIGTERM to your program"
            }
        };
        out.emit(span, format!("{kw} in shell form {why}: use {suggestion}"));
    }
}
