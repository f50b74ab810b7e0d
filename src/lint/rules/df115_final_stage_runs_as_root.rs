//! DF115: the final (Linux) stage runs as root: its last USER — looked up through the stage's
//! parent stages in this file — is root / 0, or there is none.
//!
//! An explicit root USER is always reported. A missing USER is reported only for images that
//! run a service (see [`starts_service`]: EXPOSE, or an ENTRYPOINT/CMD that is not a shell,
//! REPL or version print) — base and tool images are left alone. Not reported either: Windows
//! stages (DF203 covers ContainerAdministrator), a USER that is a variable, and base images that
//! default to a non-root user (`*nonroot*`, Ubuntu chiseled, Bitnami, Chainguard). A `scratch`
//! image that runs a binary without USER runs it as UID 0 and is reported.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::general::{
    base_runs_non_root, chain_root_base, is_root_user, stage_chain, stage_instructions,
    starts_service,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Some(final_idx) = cx.model.final_stage else {
        return;
    };
    let Some(stage) = cx.model.stages.get(final_idx) else {
        return;
    };
    if stage.os == Os::Windows {
        return;
    }
    let chain = stage_chain(cx.model, final_idx);
    // last USER: in the final stage, else in its parents (nearest first)
    let last_user = chain
        .iter()
        .filter_map(|i| cx.model.stages.get(*i))
        .find_map(|s| {
            stage_instructions(cx.df, s)
                .filter(|(_, i)| i.kind == InstructionKind::User)
                .last()
        });
    match last_user {
        Some((_, inst)) => {
            let user = inst.args.text.trim();
            if user.is_empty() || user.contains('$') || !is_root_user(user) {
                return;
            }
            let span = inst.words.first().map_or(inst.span, |w| w.span);
            out.emit(
                span,
                format!("the final stage runs as `{user}`: switch to an unprivileged user at the end, e.g. `USER 10001:10001`"),
            );
        }
        None => {
            let base = chain_root_base(cx.model, final_idx).unwrap_or_default();
            if base_runs_non_root(&base) || !starts_service(cx.df, cx.model, &chain) {
                return;
            }
            let Some(from) = cx.df.instructions.get(stage.from) else {
                return;
            };
            out.emit(
                from.span,
                format!(
                    "the final stage has no USER instruction, so it runs as {}: add `USER 10001:10001` (or a named unprivileged user) after the last step that needs root",
                    if base == "scratch" { "UID 0" } else { "root unless the base image sets another user" }
                ),
            );
        }
    }
}
