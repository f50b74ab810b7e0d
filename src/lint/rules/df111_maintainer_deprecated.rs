//! DF111: MAINTAINER is deprecated.

use crate::dockerfile::InstructionKind;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Maintainer) {
        let who = inst.args.text.trim();
        out.emit(
            inst.keyword_span,
            format!(
                "MAINTAINER is deprecated: use `LABEL org.opencontainers.image.authors=\"{}\"` instead",
                who.replace('"', "\\\"")
            ),
        );
    }
}
