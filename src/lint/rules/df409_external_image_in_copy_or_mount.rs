use crate::baseimage::images::UseKind;
use crate::baseimage::policy::Verdict;
use crate::lint::helpers::images::judged_uses;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (u, img) in judged_uses(cx, &[UseKind::CopyFrom, UseKind::MountFrom]) {
        let how = if u.kind == UseKind::CopyFrom {
            "COPY --from"
        } else {
            "RUN --mount from"
        };
        let mut problems = Vec::new();
        match cx.policy.verdict(img) {
            Verdict::Allowed(_) => {}
            Verdict::Denied(p) => {
                problems.push(format!("denied by the image policy ({})", p.describe()))
            }
            Verdict::NotAllowed => {
                problems.push(format!("`{}` is not on the image allowlist", img.name()))
            }
        }
        match (&img.tag, &img.digest) {
            (None, None) => problems.push("it has no tag".to_string()),
            (Some(t), None) if t.eq_ignore_ascii_case("latest") => {
                problems.push("it uses the moving `latest` tag".to_string())
            }
            (_, None) if cx.policy.require_digest => {
                problems.push("it is not pinned by digest".to_string())
            }
            _ => {}
        }
        if !problems.is_empty() {
            out.emit(
                u.span,
                format!("{how} image `{}`: {}", u.raw, problems.join("; ")),
            );
        }
    }
}
