use crate::baseimage::images::UseKind;
use crate::lint::helpers::images::from_uses;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if cx.policy.allow_latest {
        return;
    }
    for (u, img) in from_uses(cx) {
        if u.kind == UseKind::From
            && img
                .tag
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("latest"))
        {
            out.emit(
                u.span,
                format!(
                    "`{}` uses the moving `latest` tag; pin a specific version tag",
                    u.raw
                ),
            );
        }
    }
}
