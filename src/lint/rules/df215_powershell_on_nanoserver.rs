//! DF215: PowerShell used on a Nano Server stage that has none.

use crate::dockerfile::shell::program_name;
use crate::dockerfile::stages::Os;
use crate::dockerfile::{Form, InstructionKind};
use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

/// Nano Server from build 16299 (1709) on, when the tag tells the build. The first Nano Server
/// (2016, build 14393) still shipped PowerShell, and a tag without a build cannot be judged.
fn modern_nano(image: &str) -> bool {
    w::image_family(image) == Some(w::WinFamily::NanoServer)
        && w::image_build(image).is_some_and(|b| b.build >= 16299)
}

/// pwsh is present when the base image carries it or a COPY/ADD in the chain brings it in
/// before instruction `upto`.
fn pwsh_available(cx: &LintContext<'_>, stage: usize, upto: usize) -> bool {
    if w::root_image(cx.model, stage).is_some_and(|i| w::image_has_pwsh(&i)) {
        return true;
    }
    w::stage_chain(cx.model, stage).into_iter().any(|st| {
        let Some(st) = cx.model.stages.get(st) else {
            return false;
        };
        (st.from..st.end.min(upto)).any(|i| {
            cx.df.instructions.get(i).is_some_and(|inst| {
                matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
                    && inst.words.iter().any(|wd| {
                        let t = wd.text.to_ascii_lowercase();
                        t.contains("powershell") || t.contains("pwsh")
                    })
            })
        })
    })
}

fn report(
    cx: &LintContext<'_>,
    out: &mut Emitter,
    stage: usize,
    idx: usize,
    prog: &str,
    span: Span,
) {
    let image = w::root_image(cx.model, stage).unwrap_or_default();
    if prog == "powershell" {
        out.emit(
            span,
            format!("Nano Server (`{image}`) has no Windows PowerShell (`powershell.exe`): this fails with \"not recognized\"; use cmd, build in a servercore stage and COPY the result, or use `pwsh` from an image that ships it"),
        );
    } else if !pwsh_available(cx, stage, idx) {
        out.emit(
            span,
            format!("Nano Server (`{image}`) does not ship PowerShell 7 (`pwsh`) and nothing copies it in before this line; COPY it from `mcr.microsoft.com/powershell` or use an image that includes it"),
        );
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (si, stage) in cx.model.stages.iter().enumerate() {
        if stage.os != Os::Windows {
            continue;
        }
        let Some(image) = w::root_image(cx.model, si) else {
            continue;
        };
        if !modern_nano(&image) {
            continue;
        }
        for idx in stage.from..stage.end {
            let Some(inst) = cx.df.instructions.get(idx) else {
                continue;
            };
            if !matches!(inst.kind, InstructionKind::Shell | InstructionKind::Run) {
                continue;
            }
            if let Form::Exec(words) = &inst.form
                && let Some(first) = words.first()
            {
                let prog = program_name(&first.text);
                if prog == "powershell" || prog == "pwsh" {
                    report(cx, out, si, idx, &prog, first.span);
                }
            }
        }
    }
    for (s, a) in cx.scripts_with_analysis() {
        if s.os != Os::Windows || matches!(s.inst.form, Form::Exec(_)) {
            continue;
        }
        let Some(si) = s.stage else { continue };
        let Some(image) = w::root_image(cx.model, si) else {
            continue;
        };
        if !modern_nano(&image) {
            continue;
        }
        for c in &a.cmds {
            // Only programs started by cmd (the stage's own shell); a PowerShell SHELL on Nano
            // Server is reported at the SHELL instruction.
            if a.dialect_of(c) != Some(w::WinDialect::Cmd) {
                continue;
            }
            let prog = c.name();
            if (prog == "powershell" || prog == "pwsh")
                && let Some(wd) = c.words.first()
            {
                report(cx, out, si, s.instruction, &prog, s.span(wd.range.clone()));
            }
        }
    }
}
