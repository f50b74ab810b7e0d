use crate::baseimage::images::UseKind;
use crate::finding::Severity;
use crate::lint::helpers::images::judged_uses;
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if !cx.policy.require_digest {
        return;
    }
    for (u, img) in judged_uses(cx, &[UseKind::From]) {
        if img.digest.is_none() {
            out.emit_raw(RawFinding {
                rule: out.rule(),
                span: u.span,
                message: format!(
                    "`{}` is not pinned by digest, which the policy requires (require-digest); append `@sha256:<digest>`",
                    u.raw
                ),
                severity: Some(Severity::Error),
                fingerprint_content: Some(img.normalized()),
                fix: None,
            });
        }
    }
}
