//! DF119: world-writable permissions (`chmod 777`, `chmod o+w`, `COPY --chmod=666`) on
//! Linux. Any process in the container — whatever its user — can then replace the files.
//! A world-writable mode with the sticky bit (`chmod 1777 /tmp/x`) is the normal shared-temp
//! pattern and is not reported.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::general::{chmod_of, flag_exact, parse_mode};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        if s.os == Os::Windows || s.script.dialect != Dialect::Posix {
            continue;
        }
        for cmd in &s.script.commands {
            let Some(c) = chmod_of(cmd) else { continue };
            if !c.effect.world_writable || c.effect.sticky {
                continue;
            }
            let targets = c.targets.join(" ");
            out.emit(
                s.span(c.mode.range.clone()),
                format!(
                    "`chmod {}` makes `{targets}` writable by every user: grant write access only to the owner or group that needs it (e.g. 755 / 644, or chown to the app user)",
                    c.mode.text
                ),
            );
        }
    }
    for (idx, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
            || cx.os_at(idx) == Os::Windows
        {
            continue;
        }
        let Some(f) = flag_exact(inst, "chmod") else {
            continue;
        };
        let Some(v) = f.value.as_deref() else {
            continue;
        };
        let Some(eff) = parse_mode(v) else { continue };
        if eff.world_writable && !eff.sticky {
            out.emit(
                f.span,
                format!("`--chmod={v}` makes the copied files writable by every user: use e.g. `--chmod=755` or `--chmod=644`"),
            );
        }
    }
}
