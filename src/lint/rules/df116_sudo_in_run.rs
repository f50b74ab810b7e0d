//! DF116: `sudo` in RUN. Build steps already run as the current USER; sudo hides privilege
//! changes, needs a TTY/password setup and leaves a sudo binary with a policy in the image.

use crate::dockerfile::shell::{Dialect, ShWord};
use crate::lint::helpers::packages::{OptSpec, parse_args};
use crate::dockerfile::stages::Os;
use crate::lint::{Emitter, LintContext};

/// The user of `sudo -u USER`, `sudo -uUSER`, `sudo --user=USER` / `--user USER`.
fn target_user(args: &[ShWord]) -> Option<&str> {
    let spec = OptSpec::posix(&[
        "u", "user", "g", "group", "C", "close-from", "D", "chdir", "h", "host", "p", "prompt",
        "R", "chroot", "r", "role", "t", "type", "T", "command-timeout", "U", "other-user",
    ]);
    let p = parse_args(args, &spec);
    // Options end at the command: only those before the first operand are sudo's.
    let first_operand = p.operands.first().map(|w| w.range.start);
    p.options
        .iter()
        .filter(|o| first_operand.is_none_or(|start| o.word.range.start < start))
        .filter(|o| o.name == "u" || o.name == "user")
        .find_map(|o| o.value.as_ref())
        .map(|v| v.text)
}

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
            let message = match target_user(cmd.args()) {
                // `sudo -u builder makepkg`: dropping to another user, not gaining root.
                Some(u) if u != "root" && u != "0" && u != "#0" => format!(
                    "`sudo -u {u}` in RUN: run the step with `USER {u}` instead and switch back with USER afterwards"
                ),
                _ => "`sudo` in RUN: run the step as root (`USER root`) and switch back to the unprivileged user with USER afterwards".to_string(),
            };
            out.emit(s.span(w.range.clone()), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::target_user;
    use crate::lint::helpers::packages::test_support::cmd;

    #[test]
    fn target_users() {
        let user = |line: &str| target_user(cmd(line).args()).map(str::to_string);
        assert_eq!(user("sudo -u builder makepkg -si"), Some("builder".into()));
        assert_eq!(user("sudo --user=builder makepkg"), Some("builder".into()));
        assert_eq!(user("sudo -E -ubuilder makepkg"), Some("builder".into()));
        assert_eq!(user("sudo apt-get install -y curl"), None);
        // `-u` after the command is the command's option.
        assert_eq!(user("sudo tar -u x.tar f"), None);
    }
}
