//! DF101: parse problems the parser reports for this rule (`ParseRule::Df101`).

use crate::dockerfile::ParseRule;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for d in cx
        .df
        .diagnostics
        .iter()
        .filter(|d| d.rule == ParseRule::Df101)
    {
        out.emit(d.span, d.message.clone());
    }
}
