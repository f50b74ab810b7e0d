use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for u in &cx.images {
        let Some(img) = u.image() else { continue };
        if img.is_insecure_registry() {
            out.emit(
                u.span,
                format!(
                    "`{}` comes from `{}`, a local, IP-address or single-label registry that is usually plain HTTP; use a TLS registry with authentication",
                    u.raw, img.registry
                ),
            );
        }
    }
}
