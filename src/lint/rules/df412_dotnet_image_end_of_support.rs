use crate::baseimage::lifecycle;
use crate::lint::helpers::images::from_uses;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Ok(data) = lifecycle::data() else { return };
    for (u, img) in from_uses(cx) {
        let (product, release) =
            match (data.dotnet_release(img), data.dotnet_framework_release(img)) {
                (Some(r), _) => (".NET", r),
                (None, Some(r)) => (".NET Framework", r),
                (None, None) => continue,
            };
        if cx.today <= release.end_of_support {
            continue;
        }
        let replacement = release
            .replacement
            .as_deref()
            .map(|r| format!("; move to {product} {r}"))
            .unwrap_or_default();
        out.emit(
            u.span,
            format!(
                "`{}` is {product} {}, out of support since {}{replacement}",
                u.raw, release.version, release.end_of_support
            ),
        );
    }
}
