use crate::baseimage::images::UseKind;
use crate::baseimage::resolved::Signature;
use crate::lint::helpers::images::judged_uses;
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if !cx.policy.require_signature {
        return;
    }
    let kinds = [UseKind::From, UseKind::CopyFrom, UseKind::MountFrom];
    for (u, img) in judged_uses(cx, &kinds) {
        let Some(r) = cx.ctx.resolved.get(&img.normalized()) else { continue };
        if r.signature != Signature::Unsigned {
            continue;
        }
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message: format!(
                "`{}` resolves to {} but the registry has no signature for it (no cosign `.sig` tag, no signature referrer); the policy requires signed images",
                u.raw, r.digest
            ),
            severity: None,
            fingerprint_content: Some(format!("{}@{}", img.name(), r.digest)),
            fix: None,
        });
    }
}
