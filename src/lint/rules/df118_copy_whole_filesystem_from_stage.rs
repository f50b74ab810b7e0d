//! DF118: `COPY --from=<stage or image> / <dest>` copies an entire filesystem — compilers,
//! package caches, credentials left by build steps — into the image.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::{copy_sources, flag_exact, is_filesystem_root};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Copy) {
        let Some(from) = flag_exact(inst, "from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        for w in copy_sources(inst) {
            if is_filesystem_root(&w.text) {
                out.emit(
                    w.span,
                    format!(
                        "`COPY --from={from} {}` copies the whole filesystem of `{from}`, including build tools and anything secret left there: copy only the output directory",
                        w.text
                    ),
                );
            }
        }
    }
}
