//! DF114: the final stage has no HEALTHCHECK (neither its own nor one from a parent stage in
//! this file). `HEALTHCHECK NONE` is a decision and counts. Only images that run a service are
//! reported (see [`starts_service`]): base, tool and data images whose command is absent, a
//! shell, a REPL or a version print do not need a health check.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::{stage_chain, stage_instructions, starts_service};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Some(final_idx) = cx.model.final_stage else {
        return;
    };
    let Some(stage) = cx.model.stages.get(final_idx) else {
        return;
    };
    let chain = stage_chain(cx.model, final_idx);
    let has_health = chain
        .iter()
        .filter_map(|i| cx.model.stages.get(*i))
        .any(|s| {
            stage_instructions(cx.df, s).any(|(_, inst)| inst.kind == InstructionKind::Healthcheck)
        });
    if has_health || !starts_service(cx.df, cx.model, &chain) {
        return;
    }
    let Some(from) = cx.df.instructions.get(stage.from) else {
        return;
    };
    // curl.exe ships with Windows Server 2019+ images, Nano Server included (no PowerShell there)
    let example = if cx.os_at(stage.from) == crate::dockerfile::stages::Os::Windows {
        "HEALTHCHECK CMD [\"curl.exe\", \"-f\", \"http://localhost/health\"]"
    } else {
        "HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/health\"]"
    };
    out.emit(
        from.span,
        format!(
            "the final stage{} has no HEALTHCHECK, so the runtime cannot tell a hung service from a healthy one: add e.g. `{example}` (or `HEALTHCHECK NONE` to record the decision)",
            stage.name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default()
        ),
    );
}
