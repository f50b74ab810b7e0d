//! DF303: a credential in a well-known format anywhere in the file.

use crate::lint::helpers::secrets_downloads::{find_credentials, mask_secret};
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    for c in find_credentials(text) {
        let secret = text.get(c.range.clone()).unwrap_or("");
        let msg = if c.kind == "private key" {
            "a PEM private key is embedded in the Dockerfile: anyone with the file or the image has it; rotate the key and provide it as a build secret (`RUN --mount=type=secret`)".to_string()
        } else {
            format!(
                "{} `{}` is hard-coded in the Dockerfile: revoke it and provide it at build time as a secret (`RUN --mount=type=secret`)",
                c.kind,
                mask_secret(secret)
            )
        };
        out.emit(Span::new(c.range.start, c.range.end), msg);
    }
}
