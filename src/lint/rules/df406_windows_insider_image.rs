use crate::baseimage::lifecycle;
use crate::lint::helpers::images::from_uses;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Ok(data) = lifecycle::data() else { return };
    for (u, img) in from_uses(cx) {
        if data.is_insider(img) {
            out.emit(
                u.span,
                format!("`{}` is a Windows Insider preview image, not supported in production; use a released LTSC tag", u.raw),
            );
        }
    }
}
