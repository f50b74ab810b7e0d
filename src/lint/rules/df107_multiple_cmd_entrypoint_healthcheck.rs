//! DF107: more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last one takes
//! effect. Like BuildKit's MultipleInstructionsDisallowed, the ignored (earlier) ones are reported.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::stage_instructions;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for stage in &cx.model.stages {
        for kind in [
            InstructionKind::Cmd,
            InstructionKind::Entrypoint,
            InstructionKind::Healthcheck,
        ] {
            let found: Vec<_> = stage_instructions(cx.df, stage)
                .filter(|(_, i)| i.kind == kind)
                .collect();
            let Some((_, last)) = found.last() else {
                continue;
            };
            let last_line = cx.df.lines.line_of(last.span.start) + 1;
            for (_, inst) in found.iter().take(found.len().saturating_sub(1)) {
                out.emit(
                    inst.keyword_span,
                    format!(
                        "this {} is overridden by the {} on line {last_line} in the same stage: keep only one",
                        kind.as_str(),
                        kind.as_str()
                    ),
                );
            }
        }
    }
}
