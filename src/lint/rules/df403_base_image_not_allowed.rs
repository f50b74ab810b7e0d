use crate::baseimage::images::UseKind;
use crate::baseimage::policy::Verdict;
use crate::lint::helpers::images::judged_uses;
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (u, img) in judged_uses(cx, &[UseKind::From]) {
        let message = match cx.policy.verdict(img) {
            Verdict::Allowed(_) => continue,
            Verdict::Denied(p) => format!(
                "`{}` is denied by the image policy ({}){}",
                img.normalized(),
                p.describe(),
                p.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
            Verdict::NotAllowed => format!(
                "`{}` comes from `{}`, which is not on the image allowlist; use a trusted image or add it to `images.allow` with a reason",
                img.normalized(),
                img.name()
            ),
        };
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message,
            severity: None,
            fingerprint_content: Some(img.name()),
            fix: None,
        });
    }
}
