//! DF200: PowerShell RUN without `$ErrorActionPreference = 'Stop'`.

use std::collections::BTreeSet;

use crate::dockerfile::{Form, InstructionKind};
use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let mut shells_done: BTreeSet<usize> = BTreeSet::new();
    let mut stages_done: BTreeSet<Option<usize>> = BTreeSet::new();
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for ctx in &a.ctxs {
            if !ctx.dialect.is_ps() {
                continue;
            }
            let body = text.get(ctx.range.clone()).unwrap_or("");
            if ctx.preset_stop || w::sets_error_action_stop(body) {
                continue;
            }
            // One statement fails the layer on its own (its status is the exit code); the
            // hazard is an earlier statement failing while a later one succeeds.
            let statements = w::ps_statement_count(body);
            if statements < 2 {
                continue;
            }
            let exec = matches!(s.inst.form, Form::Exec(_));
            if ctx.top && !exec {
                let set_by = cx
                    .model
                    .shell_at
                    .get(s.instruction)
                    .and_then(|sh| sh.set_by);
                if let Some(si) = set_by {
                    if shells_done.insert(si)
                        && let Some(shell_inst) = cx.df.instructions.get(si)
                        && shell_inst.kind == InstructionKind::Shell
                    {
                        let span = argv_span(shell_inst).unwrap_or(shell_inst.span);
                        let line = cx.df.lines.line_of(s.inst.span.start) + 1;
                        out.emit(
                                    span,
                                    format!(
                                        "SHELL runs PowerShell without `$ErrorActionPreference = 'Stop'`: a failing cmdlet before the last statement of a RUN (e.g. line {line}) does not fail the build; add `$ErrorActionPreference = 'Stop';` to the SHELL command"
                                    ),
                                );
                    }
                    continue;
                }
            }
            if !stages_done.insert(s.stage) {
                continue;
            }
            let span = match (&ctx.invoker, &s.inst.form) {
                (Some(r), _) => s.span(r.clone()),
                (None, Form::Exec(words)) => words.first().map_or(s.inst.span, |w| w.span),
                (None, _) => s.span(ctx.range.clone()),
            };
            out.emit(
                span,
                "PowerShell runs several statements without `$ErrorActionPreference = 'Stop'`: an earlier failing cmdlet does not fail the build; start the command with `$ErrorActionPreference = 'Stop';` or set it in a SHELL instruction",
            );
        }
    }
}

/// Span of the SHELL instruction's JSON argv.
fn argv_span(inst: &crate::dockerfile::Instruction) -> Option<Span> {
    match &inst.form {
        Form::Exec(words) => {
            let (f, l) = (words.first()?, words.last()?);
            Some(f.span.cover(l.span))
        }
        _ => None,
    }
}
