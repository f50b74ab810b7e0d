use crate::baseimage::images::UseKind;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for u in &cx.images {
        if u.expanded.is_some() || u.unresolved.is_empty() {
            continue;
        }
        // Only ARGs that are declared but have no value; undeclared ones are DF117's business.
        let declared = u
            .unresolved
            .iter()
            .all(|v| cx.model.global_args.iter().any(|a| &a.name == v));
        if !declared {
            continue;
        }
        let what = match u.kind {
            UseKind::From => "base image",
            UseKind::CopyFrom => "COPY --from image",
            UseKind::MountFrom => "RUN --mount from image",
        };
        out.emit(
            u.span,
            format!(
                "the {what} `{}` depends on ARG {} which has no default: the allowlist cannot verify it; give it a default or pass --build-arg",
                u.raw,
                u.unresolved.join(", ")
            ),
        );
    }
}
