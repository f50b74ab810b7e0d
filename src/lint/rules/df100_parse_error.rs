//! DF100: parse problems the parser reports for this rule (`ParseRule::Df100`), and files
//! BuildKit cannot read at all because they are UTF-16 encoded.

use crate::dockerfile::ParseRule;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if cx.file.encoding.is_utf16() {
        // Windows PowerShell 5.1 writes UTF-16 with `>` and `Out-File`; BuildKit reads the bytes
        // as UTF-8 and fails on the first instruction. The rest of this file was decoded and is
        // still checked.
        let first_line = cx.file.text.find(['\r', '\n']).unwrap_or(cx.file.text.len());
        out.emit(
            Span::new(0, first_line),
            format!(
                "file is {} encoded: docker build reads Dockerfiles as UTF-8 and fails on the first instruction; save it as UTF-8 (PowerShell: `Set-Content -Encoding utf8` or `Out-File -Encoding utf8`)",
                cx.file.encoding.label()
            ),
        );
    }
    for d in cx
        .df
        .diagnostics
        .iter()
        .filter(|d| d.rule == ParseRule::Df100)
    {
        out.emit(d.span, d.message.clone());
    }
}
