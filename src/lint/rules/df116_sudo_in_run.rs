//! DF116: `sudo` in RUN. Build steps already run as the current USER; sudo hides privilege
//! changes, needs a TTY/password setup and leaves a sudo binary with a policy in the image.

use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::Os;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        if s.os == Os::Windows || s.script.dialect != Dialect::Posix {
            continue;
        }
        for cmd in &s.script.commands {
            if cmd.name() != "sudo" {
                continue;
            }
            let Some(w) = cmd.words.first() else { continue };
            out.emit(
                s.span(w.range.clone()),
                "`sudo` in RUN: run the step as root (`USER root`) and switch back to the unprivileged user with USER afterwards",
            );
        }
    }
}
