//! DF127: `COPY . <dest>` / `ADD . <dest>` while the build context has no `.dockerignore`:
//! `.git`, local `.env` files, credentials and build output all land in the image. Silent when
//! it is unknown whether a `.dockerignore` exists (stdin, editor buffers).

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::{copy_sources, flag_exact, is_whole_context};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if cx.ctx.has_dockerignore != Some(false) {
        return;
    }
    for (_, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
            || flag_exact(inst, "from").is_some()
        {
            continue;
        }
        if !inst.heredocs.is_empty() {
            continue;
        }
        for w in copy_sources(inst) {
            if is_whole_context(&w.text) {
                out.emit(
                    w.span,
                    format!(
                        "`{} {}` copies the entire build context and there is no .dockerignore: add one excluding .git, secrets and build output, or copy only the directories you need",
                        inst.kind.as_str(),
                        w.text
                    ),
                );
            }
        }
    }
}
