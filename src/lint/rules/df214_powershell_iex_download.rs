//! DF214: downloaded script executed via Invoke-Expression.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, _) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for r in w::iex_downloads(text) {
            let word = text.get(r.clone()).unwrap_or("iex");
            out.emit(
                s.span(r.clone()),
                format!("`{word}` runs a script downloaded during the build without checking it: whoever controls the URL (or the network path) runs code in your image; download to a file, compare `Get-FileHash` against a pinned SHA256, then run it"),
            );
        }
    }
}
