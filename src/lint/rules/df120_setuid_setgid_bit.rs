//! DF120: a setuid or setgid bit is added (`chmod u+s`, `chmod 4755`, `COPY --chmod=2755`)
//! on Linux. Such a binary runs with its owner's (usually root's) privileges whoever starts it.
//!
//! setgid alone is only reported for files in `bin`/`sbin`/`libexec` directories: `chmod g+s`
//! on a data directory is the common "new files inherit the group" pattern, not an escalation.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::general::{ModeEffect, chmod_of, flag_exact, parse_mode};
use crate::lint::{Emitter, LintContext};

fn executable_location(path: &str) -> bool {
    let l = path.to_ascii_lowercase();
    l.contains("/bin/")
        || l.contains("/sbin/")
        || l.contains("/libexec/")
        || l.starts_with("bin/")
        || l.starts_with("sbin/")
}

fn what(eff: ModeEffect) -> &'static str {
    match (eff.setuid, eff.setgid) {
        (true, true) => "setuid and setgid bits",
        (true, false) => "setuid bit",
        _ => "setgid bit",
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        if s.os == Os::Windows || s.script.dialect != Dialect::Posix {
            continue;
        }
        for cmd in &s.script.commands {
            let Some(c) = chmod_of(cmd) else { continue };
            let eff = c.effect;
            let fires =
                eff.setuid || (eff.setgid && c.targets.iter().any(|t| executable_location(t)));
            if !fires {
                continue;
            }
            out.emit(
                s.span(c.mode.range.clone()),
                format!(
                    "`chmod {}` adds the {} to `{}`: it then runs with its owner's or group's privileges for any user; drop the bit and grant the specific capability or permission instead",
                    c.mode.text,
                    what(eff),
                    c.targets.join(" ")
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
        let dest = inst.words.last().map_or("", |w| w.text.as_str());
        if eff.setuid || (eff.setgid && executable_location(dest)) {
            out.emit(
                f.span,
                format!(
                    "`--chmod={v}` sets the {} on the copied files: drop it",
                    what(eff)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::executable_location;

    #[test]
    fn locations() {
        assert!(executable_location("/usr/local/bin/tool"));
        assert!(executable_location("/usr/sbin/x"));
        assert!(!executable_location("/var/www/html"));
    }
}
