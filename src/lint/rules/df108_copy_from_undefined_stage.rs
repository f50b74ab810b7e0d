//! DF108: `COPY --from=` / `RUN --mount=...,from=` naming a stage that does not exist, the
//! current stage, or a stage index that is not an earlier stage. Values that look like image
//! references (`/`, `:`, `.`, `@`) are images, not this rule's business.

use crate::dockerfile::InstructionKind;
use crate::finding::Severity;
use crate::lint::helpers::general::{StageRef, mount_from, resolve_stage_ref, similar_stage};
use crate::lint::{Emitter, LintContext, RawFinding};
use crate::source::Span;

fn report(
    cx: &LintContext<'_>,
    out: &mut Emitter,
    current: Option<usize>,
    value: &str,
    span: Span,
    what: &str,
) {
    let stage_count = cx.model.stages.len();
    match resolve_stage_ref(cx.model, current, value) {
        StageRef::Stage(_) | StageRef::Dynamic | StageRef::Image => {}
        StageRef::Current(_) => out.emit(
            span,
            format!("{what}`{value}` refers to the stage this instruction is in: a stage cannot read from itself"),
        ),
        StageRef::BadIndex(_) => out.emit(
            span,
            format!(
                "{what}`{value}` is not an earlier stage (this file has {stage_count} stage(s); only indices of stages before this one may be used)"
            ),
        ),
        StageRef::Unknown => {
            if let Some(near) = similar_stage(cx.model, value) {
                out.emit(span, format!("{what}`{value}` names no stage in this file: did you mean `{near}`?"));
            } else {
                // BuildKit would pull docker.io/library/<value>:latest — probably not intended,
                // and at best an unpinned image.
                out.emit_raw(RawFinding {
                    rule: out.rule(),
                    span,
                    message: format!(
                        "{what}`{value}` names no stage in this file, so BuildKit pulls the image `docker.io/library/{value}:latest`: fix the stage name, or write a full image reference with a tag"
                    ),
                    severity: Some(Severity::Warning),
                    fingerprint_content: None,
                    fix: None,
                });
            }
        }
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (idx, inst) in cx.instructions() {
        let current = cx.model.stage_of.get(idx).copied().flatten();
        match inst.kind {
            InstructionKind::Copy => {
                for f in inst.flags.iter().filter(|f| f.name == "from") {
                    let Some(v) = f.value.as_deref() else {
                        continue;
                    };
                    report(
                        cx,
                        out,
                        current,
                        v,
                        f.value_span.unwrap_or(f.span),
                        "--from=",
                    );
                }
            }
            InstructionKind::Run => {
                for f in inst.flags.iter().filter(|f| f.name == "mount") {
                    let text = f.span.slice(cx.text());
                    let Some((v, range)) = mount_from(text) else {
                        continue;
                    };
                    let span = Span::new(f.span.start + range.start, f.span.start + range.end);
                    report(cx, out, current, &v, span, "--mount from=");
                }
            }
            _ => {}
        }
    }
}
