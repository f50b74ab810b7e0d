use crate::baseimage::images::UseKind;
use crate::baseimage::lifecycle;
use crate::finding::Fix;
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Ok(data) = lifecycle::data() else { return };
    for u in &cx.images {
        let Some(img) = u.image() else { continue };
        let Some(dep) = data.deprecated(img) else {
            continue;
        };
        let fix = (u.kind == UseKind::From && u.raw == u.expanded.as_deref().unwrap_or_default())
            .then(|| Fix {
                description: format!("switch to {}", dep.replacement),
                span: u.span,
                replacement: match &img.tag {
                    Some(t) => format!("{}:{t}", dep.replacement),
                    None => dep.replacement.clone(),
                },
            });
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message: format!(
                "`{}` is a deprecated Docker Hub repository that no longer receives updates ({}); use `{}` with a supported tag",
                img.familiar_name(),
                dep.note,
                dep.replacement
            ),
            severity: None,
            fingerprint_content: Some(img.name()),
            fix,
        });
    }
}
