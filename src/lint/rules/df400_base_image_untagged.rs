use crate::baseimage::images::UseKind;
use crate::baseimage::lifecycle;
use crate::finding::Severity;
use crate::lint::helpers::images::{from_uses, is_windows_image};
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if !cx.policy.require_tag {
        return;
    }
    for (u, img) in from_uses(cx) {
        if u.kind != UseKind::From || img.tag.is_some() || img.digest.is_some() {
            continue;
        }
        let windows_base =
            lifecycle::data().is_ok_and(|d| d.is_windows_base(img)) && is_windows_image(cx, u, img);
        let (severity, message) = if windows_base {
            (
                Some(Severity::Error),
                format!(
                    "`{}` has no tag: Microsoft publishes no `latest` tag for Windows base images, so this cannot be pulled; name the Windows version, e.g. `:ltsc2022`",
                    u.raw
                ),
            )
        } else {
            (
                None,
                format!(
                    "`{}` has no tag and pulls whatever `latest` is at build time; pin a tag (and digest)",
                    u.raw
                ),
            )
        };
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message,
            severity,
            fingerprint_content: Some(img.normalized()),
            fix: None,
        });
    }
}
