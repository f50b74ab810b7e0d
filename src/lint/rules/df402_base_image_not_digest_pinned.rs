use crate::baseimage::images::UseKind;
use crate::finding::{Fix, Severity};
use crate::lint::helpers::images::judged_uses;
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if !cx.policy.require_digest {
        return;
    }
    for (u, img) in judged_uses(cx, &[UseKind::From]) {
        if img.digest.is_some() {
            continue;
        }
        // With `--resolve` the registry told us the digest: offer the exact edit.
        let resolved = cx.ctx.resolved.get(&img.normalized());
        let literal = u.expanded.as_deref() == Some(u.raw.as_str());
        let fix = resolved.filter(|_| literal).map(|r| Fix {
            description: format!("pin `{}` to its current digest", u.raw),
            span: u.span,
            replacement: format!("{}@{}", u.raw, r.digest),
        });
        let hint = match resolved {
            Some(r) => format!("`{}@{}` is its current digest", u.raw, r.digest),
            None => "append `@sha256:<digest>` (`portcullis images --resolve` prints it)".to_string(),
        };
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message: format!(
                "`{}` is not pinned by digest, which the policy requires (require-digest); {hint}",
                u.raw
            ),
            severity: Some(Severity::Error),
            fingerprint_content: Some(img.normalized()),
            fix,
        });
    }
}
