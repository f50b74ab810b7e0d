//! DF114: the final stage has no HEALTHCHECK (neither its own nor one from a parent stage in
//! this file). `HEALTHCHECK NONE` is a decision and counts. Stages that start no program
//! (no CMD, ENTRYPOINT or EXPOSE anywhere in their parent chain — base images, data images)
//! are not reported: a health check belongs to the image that runs the service.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::{stage_chain, stage_instructions};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Some(final_idx) = cx.model.final_stage else {
        return;
    };
    let Some(stage) = cx.model.stages.get(final_idx) else {
        return;
    };
    let chain = stage_chain(cx.model, final_idx);
    let mut has_health = false;
    let mut runs_service = false;
    for s in chain.iter().filter_map(|i| cx.model.stages.get(*i)) {
        for (_, inst) in stage_instructions(cx.df, s) {
            match inst.kind {
                InstructionKind::Healthcheck => has_health = true,
                InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Expose => {
                    runs_service = true
                }
                _ => {}
            }
        }
    }
    if has_health || !runs_service {
        return;
    }
    let Some(from) = cx.df.instructions.get(stage.from) else {
        return;
    };
    let example = if cx.os_at(stage.from) == crate::dockerfile::stages::Os::Windows {
        "HEALTHCHECK CMD [\"powershell\", \"-Command\", \"try { Invoke-WebRequest -UseBasicParsing http://localhost/health | Out-Null } catch { exit 1 }\"]"
    } else {
        "HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/health\"]"
    };
    out.emit(
        from.span,
        format!(
            "final stage {} has no HEALTHCHECK, so the orchestrator cannot tell a hung service from a healthy one: add e.g. `{example}` (or `HEALTHCHECK NONE` to record the decision)",
            crate::lint::helpers::general::stage_label(stage)
        ),
    );
}
