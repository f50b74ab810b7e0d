//! DF128: a `# portcullis ignore...` comment that suppressed nothing. The engine reports these
//! after suppressions are applied (see `crate::suppress`); the check itself has nothing to do.

use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let _ = (cx, out);
}
