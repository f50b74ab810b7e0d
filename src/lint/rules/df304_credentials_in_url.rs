//! DF304: credentials embedded in a URL (`scheme://user:password@host`).

use crate::lint::helpers::secrets_downloads::{PasswordKind, declared_names, url_credentials};
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    let declared = declared_names(cx.df);
    let in_comment = |off: usize| cx.df.comments.iter().any(|c| c.span.contains(off));
    for (_, inst) in cx.instructions() {
        let base = inst.full_span.start;
        let Some(slice) = text.get(inst.full_span.start..inst.full_span.end) else {
            continue;
        };
        for c in url_credentials(slice) {
            let start = base + c.password_range.start;
            if in_comment(start) {
                continue;
            }
            let user = slice.get(c.user.clone()).unwrap_or("");
            let head = slice.get(c.url.start..c.password_range.start).unwrap_or("");
            let after = slice.get(c.password_range.end..c.url.end).unwrap_or("");
            let host = after.split(['/', '?', '#']).next().unwrap_or("");
            let shown = format!("{head}***{host}");
            let span = Span::new(start, base + c.password_range.end);
            match &c.password {
                PasswordKind::Literal => out.emit(
                    span,
                    format!(
                        "`{shown}` embeds a literal password for `{user}`: it stays in the layer (command history, `.git/config`, tool caches); use a credential helper fed from a build secret (`RUN --mount=type=secret`)"
                    ),
                ),
                PasswordKind::Reference(name) => {
                    if declared.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                        out.emit(
                            span,
                            format!(
                                "`{shown}` embeds `{name}`, which comes from an ARG/ENV: the expanded secret is recorded in the image history or configuration (and `.git/config` for clones); read it from a build secret (`RUN --mount=type=secret`) instead"
                            ),
                        );
                    }
                }
                PasswordKind::Other => {}
            }
        }
    }
}
