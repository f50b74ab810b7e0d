//! DF505: Chocolatey checksum verification switched off — per command (`--ignore-checksums`,
//! `--allow-empty-checksums`, `--allow-empty-checksums-secure`) or for the whole image
//! (`choco feature enable -n allowEmptyChecksums[Secure]`, `choco feature disable -n checksumFiles`).

use std::ops::Range;

use crate::lint::helpers::packages::{Invocation, choco, choco_norm, invocations};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let Some(c) = choco(inv) else { return out };
    match c.sub.as_str() {
        "feature" => {
            let action = c
                .args
                .operands
                .first()
                .map(|w| w.text.to_ascii_lowercase())
                .unwrap_or_default();
            let mut names: Vec<(Range<usize>, String)> = c
                .args
                .values(&["n", "name"])
                .into_iter()
                .map(|v| (v.range.clone(), v.text.to_string()))
                .collect();
            // `choco feature enable allowEmptyChecksums` (positional name) is not accepted by
            // choco, but `-n=` / `--name=` forms are handled by the option parser above.
            for w in c.args.operands.iter().skip(1) {
                names.push((w.range.clone(), w.text.clone()));
            }
            for (range, name) in names {
                let n = choco_norm(name.trim_matches(|c| c == '\'' || c == '"'));
                let bad = match action.as_str() {
                    "enable" | "on" => {
                        n == "allowemptychecksums" || n == "allowemptychecksumssecure"
                    }
                    "disable" | "off" => n == "checksumfiles",
                    _ => false,
                };
                if bad {
                    out.push((
                        range,
                        format!(
                            "`choco feature {action} -n {name}` turns off checksum verification for every later package install in this image: keep the default (checksumFiles on, empty checksums refused)"
                        ),
                    ));
                }
            }
        }
        "install" | "upgrade" => {
            for o in &c.args.options {
                let n = choco_norm(o.name);
                if n.starts_with("ignorechecksum") || n.starts_with("allowemptychecksum") {
                    let what = if n.starts_with("ignore") {
                        "skips the checksum check of downloaded installers"
                    } else {
                        "accepts packages whose installers have no checksum"
                    };
                    out.push((
                        o.word.range.clone(),
                        format!(
                            "`choco {}` with `{}` {what}: a tampered or swapped download installs silently; remove the option (fix the package or pass --checksum / --checksum64)",
                            c.sub, o.word.text
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::flagged;

    fn run(line: &str) -> Vec<String> {
        flagged(line, inspect)
    }

    #[test]
    fn install_options() {
        assert_eq!(
            run("choco install -y x --ignore-checksums"),
            vec!["--ignore-checksums"]
        );
        assert_eq!(
            run("choco install -y x --ignorechecksums"),
            vec!["--ignorechecksums"]
        );
        assert_eq!(
            run("cinst x --allow-empty-checksums"),
            vec!["--allow-empty-checksums"]
        );
        assert_eq!(
            run("choco upgrade x --allow-empty-checksums-secure"),
            vec!["--allow-empty-checksums-secure"]
        );
        assert!(run("choco install -y x --version 1.0 --checksum 0a1b").is_empty());
    }

    #[test]
    fn features() {
        assert_eq!(
            run("choco feature enable -n allowEmptyChecksums"),
            vec!["allowEmptyChecksums"]
        );
        assert_eq!(
            run("choco feature enable --name=allowEmptyChecksumsSecure"),
            vec!["allowEmptyChecksumsSecure"]
        );
        assert_eq!(
            run("choco feature disable -n checksumFiles"),
            vec!["checksumFiles"]
        );
        assert!(run("choco feature enable -n checksumFiles").is_empty());
        assert!(run("choco feature disable -n allowEmptyChecksums").is_empty());
        assert!(run("choco feature enable -n allowGlobalConfirmation").is_empty());
    }
}
