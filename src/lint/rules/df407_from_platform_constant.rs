use crate::dockerfile::InstructionKind;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::From) {
        let Some(flag) = inst.flag("platform") else {
            continue;
        };
        let Some(value) = &flag.value else { continue };
        if !value.contains('$') && !value.is_empty() {
            out.emit(
                flag.value_span.unwrap_or(flag.span),
                format!("`--platform={value}` pins the stage's platform; use `$BUILDPLATFORM`/`$TARGETPLATFORM` or pass --platform to the build"),
            );
        }
    }
}
