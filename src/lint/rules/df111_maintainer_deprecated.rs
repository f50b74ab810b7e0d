//! DF111: MAINTAINER is deprecated.

use crate::dockerfile::InstructionKind;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Maintainer) {
        let who = inst.args.text.trim();
        let label = if who.is_empty() {
            "LABEL org.opencontainers.image.authors=...".to_string()
        } else {
            format!(
                "LABEL org.opencontainers.image.authors=\"{}\"",
                who.replace('"', "\\\"")
            )
        };
        out.emit(
            inst.keyword_span,
            format!("MAINTAINER is deprecated: use `{label}` instead"),
        );
    }
}
