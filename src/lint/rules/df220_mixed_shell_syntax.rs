//! DF220: RUN written for another shell after SHELL switched mid-stage.

use crate::dockerfile::shell::program_name;
use crate::dockerfile::stages::{Os, ShellKind};
use crate::dockerfile::{Form, InstructionKind};
use crate::lint::{Emitter, LintContext};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Cmd,
    Ps,
}

fn kind_of(k: &ShellKind) -> Option<Kind> {
    match k {
        ShellKind::Cmd => Some(Kind::Cmd),
        ShellKind::PowerShell { .. } => Some(Kind::Ps),
        _ => None,
    }
}

const VERBS: &[&str] = &[
    "add",
    "clear",
    "compress",
    "convertfrom",
    "convertto",
    "copy",
    "disable",
    "enable",
    "expand",
    "export",
    "get",
    "import",
    "install",
    "invoke",
    "move",
    "new",
    "out",
    "register",
    "remove",
    "rename",
    "resolve",
    "restart",
    "select",
    "set",
    "start",
    "stop",
    "test",
    "uninstall",
    "unregister",
    "update",
    "wait",
    "write",
];

/// First word is a `Verb-Noun` cmdlet or a `$var = ...` / `[Type]::` statement.
fn looks_powershell(first: &str) -> bool {
    let lower = first.to_ascii_lowercase();
    if lower.starts_with('$') && lower.len() > 1
        || lower.starts_with("[net.")
        || lower.starts_with("[system.")
    {
        return true;
    }
    match lower.split_once('-') {
        Some((verb, noun)) => {
            VERBS.contains(&verb)
                && !noun.is_empty()
                && noun.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// `%NAME%` (cmd variable syntax) in a word.
fn cmd_variable(word: &str) -> bool {
    let b = word.as_bytes();
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'%')) {
        let start = i + p + 1;
        let len = b.get(start..).map_or(0, |s| {
            s.iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count()
        });
        if len > 0
            && b.get(start + len) == Some(&b'%')
            && b.get(start).is_some_and(|c| c.is_ascii_alphabetic())
        {
            return true;
        }
        i = start;
    }
    false
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for stage in &cx.model.stages {
        if stage.os != Os::Windows {
            continue;
        }
        let mut seen: Vec<Kind> = Vec::new();
        let mut switched_at: Option<usize> = None;
        if let Some(k) = cx
            .model
            .shell_at
            .get(stage.from)
            .and_then(|sh| kind_of(&sh.kind))
        {
            seen.push(k);
        }
        for idx in stage.from..stage.end {
            let Some(inst) = cx.df.instructions.get(idx) else {
                continue;
            };
            if inst.kind == InstructionKind::Shell {
                if let Form::Exec(ws) = &inst.form {
                    let k = match ws.first().map(|x| program_name(&x.text)).as_deref() {
                        Some("cmd") => Some(Kind::Cmd),
                        Some("powershell" | "pwsh") => Some(Kind::Ps),
                        _ => None,
                    };
                    if let Some(k) = k {
                        if !seen.contains(&k) {
                            seen.push(k);
                        }
                        switched_at = Some(idx);
                    }
                }
                continue;
            }
            if inst.kind != InstructionKind::Run || seen.len() < 2 {
                continue;
            }
            let Some(switch) = switched_at else { continue };
            let Some((s, a)) = cx
                .scripts_with_analysis()
                .find(|(s, _)| s.instruction == idx && matches!(s.inst.form, Form::Shell(_)))
            else {
                continue;
            };
            let Some(active) = kind_of(s.shell) else {
                continue;
            };
            let Some(first) = a.cmds.first() else {
                continue;
            };
            let line = cx
                .df
                .lines
                .line_of(cx.df.instructions.get(switch).map_or(0, |i| i.span.start))
                + 1;
            let first_word = first
                .words
                .first()
                .map(|x| x.text.clone())
                .unwrap_or_default();
            if active == Kind::Cmd && first.ctx == 0 && looks_powershell(&first_word) {
                let span = first
                    .words
                    .first()
                    .map_or(s.inst.span, |x| s.span(x.range.clone()));
                out.emit(
                    span,
                    format!("`{first_word}` is PowerShell but the active shell is cmd (SHELL on line {line}): the RUN fails; keep one SHELL per stage, or call `powershell -Command` explicitly"),
                );
                continue;
            }
            if active == Kind::Ps {
                let hit = a
                    .cmds
                    .iter()
                    .filter(|c| c.ctx == 0 && c.name() != "cmd")
                    .flat_map(|c| c.words.iter())
                    .find(|x| cmd_variable(&x.text));
                if let Some(x) = hit {
                    out.emit(
                        s.span(x.range.clone()),
                        format!("`{}` uses cmd's `%VAR%` syntax but the active shell is PowerShell (SHELL on line {line}), which leaves it unexpanded; use `$env:VAR`, or keep one SHELL per stage", x.text),
                    );
                }
            }
        }
    }
}
