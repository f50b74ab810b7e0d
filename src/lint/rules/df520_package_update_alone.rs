//! DF520: package index update alone in a RUN, and distribution upgrades in an image build.
//!
//! * `apt-get update` / `apt update` with no apt install/upgrade in the same RUN, `apk update`
//!   without `apk add`/`upgrade`, `zypper refresh` without a zypper install/update: the index is
//!   cached in its own layer and later RUNs install from a stale index (CIS 4.7).
//! * `apt-get dist-upgrade` / `full-upgrade` and `zypper dist-upgrade` / `dup`: may swap or
//!   remove packages wholesale; rebuild on a newer base image instead. Plain `upgrade` (security
//!   updates within the release) is not reported.

use std::ops::Range;

use crate::lint::helpers::packages::{Family, PkgCmd, invocation, pkg_command};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let cmds: Vec<PkgCmd<'_>> = s
            .script
            .commands
            .iter()
            .filter_map(|c| invocation(c).and_then(|i| pkg_command(&i)))
            .collect();
        for (range, msg) in inspect(&cmds) {
            out.emit(s.span(range), msg);
        }
    }
}

fn uses_index(family: Family, sub: &str) -> bool {
    match family {
        Family::Apt => matches!(
            sub,
            "install"
                | "upgrade"
                | "dist-upgrade"
                | "full-upgrade"
                | "build-dep"
                | "satisfy"
                | "reinstall"
                | "source"
                | "download"
                | "policy"
                | "madison"
                | "show"
                | "search"
        ),
        Family::Apk => matches!(
            sub,
            "add" | "upgrade" | "fix" | "fetch" | "search" | "policy"
        ),
        Family::Zypper => matches!(
            sub,
            "install" | "update" | "patch" | "dist-upgrade" | "source-install" | "si"
        ),
        Family::Dnf => true,
    }
}

fn inspect(cmds: &[PkgCmd<'_>]) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for c in cmds {
        let refresh = match c.family {
            Family::Apt | Family::Apk => c.sub == "update",
            Family::Zypper => c.sub == "refresh",
            Family::Dnf => false,
        };
        if refresh
            && !cmds
                .iter()
                .any(|o| o.family == c.family && uses_index(o.family, &o.sub))
        {
            out.push((
                c.sub_word.range.clone(),
                format!(
                    "`{} {}` runs without an install in the same RUN: the index is cached in this layer and later RUNs install from a stale copy; combine `{} {} && {} …` in one RUN",
                    c.tool,
                    c.sub_word.text,
                    c.tool,
                    c.sub_word.text,
                    match c.family {
                        Family::Apk => "apk add",
                        Family::Zypper => "zypper install",
                        _ => "apt-get install",
                    }
                ),
            ));
        }
        let dist = match c.family {
            Family::Apt => matches!(c.sub.as_str(), "dist-upgrade" | "full-upgrade"),
            Family::Zypper => c.sub == "dist-upgrade",
            _ => false,
        };
        if dist {
            out.push((
                c.sub_word.range.clone(),
                format!(
                    "`{} {}` in an image build may replace or remove packages wholesale and changes the base image's contents behind its tag: rebuild on a newer base image (or use a plain `upgrade` for security updates)",
                    c.tool, c.sub_word.text
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::script;

    fn run(text: &str) -> Vec<String> {
        let cmds = script(text);
        let pk: Vec<PkgCmd<'_>> = cmds
            .iter()
            .filter_map(|c| invocation(c).and_then(|i| pkg_command(&i)))
            .collect();
        inspect(&pk)
            .into_iter()
            .map(|(r, _)| text[r].to_string())
            .collect()
    }

    #[test]
    fn update_alone() {
        assert_eq!(run("apt-get update"), vec!["update"]);
        assert_eq!(run("apt-get update -qq && echo done"), vec!["update"]);
        assert_eq!(run("apk update"), vec!["update"]);
        assert_eq!(run("zypper --non-interactive ref"), vec!["ref"]);
        assert!(run("apt-get update && apt-get install -y curl=8.5.0-2").is_empty());
        assert!(run("apt-get update && apt-get upgrade -y").is_empty());
        assert!(run("apk update && apk add curl").is_empty());
        assert!(run("zypper ref && zypper in -y curl").is_empty());
        assert!(run("dnf makecache").is_empty());
    }

    #[test]
    fn dist_upgrade() {
        assert_eq!(
            run("apt-get update && apt-get dist-upgrade -y"),
            vec!["dist-upgrade"]
        );
        assert_eq!(
            run("apt-get update && apt full-upgrade -y"),
            vec!["full-upgrade"]
        );
        assert_eq!(run("zypper -n dup"), vec!["dup"]);
        assert!(
            run("apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*").is_empty()
        );
    }
}
