//! DF504: `choco install` / `cinst` / `choco upgrade` of a package without `--version`.
//!
//! One finding per unpinned package (span on the package word). `packages.config`, `.nuspec` and
//! `.nupkg` arguments carry their own versions and are not reported. Chocolatey applies one
//! `--version` to every package of the command, so a command that installs several packages with
//! a single `--version` is reported once, at the `--version` option.

use std::ops::Range;

use crate::lint::helpers::packages::{Invocation, choco, invocations};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

fn is_file_argument(p: &str) -> bool {
    let l = p.to_ascii_lowercase();
    l.ends_with(".config")
        || l.ends_with(".nuspec")
        || l.ends_with(".nupkg")
        || l.contains('\\')
        || l.contains('/')
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let Some(c) = choco(inv) else { return out };
    if !c.installs() {
        return out;
    }
    let packages: Vec<_> = c
        .args
        .operands
        .iter()
        .filter(|w| !is_file_argument(&w.text) && !w.text.contains('$') && !w.text.contains('%'))
        .filter(|w| !(c.sub == "upgrade" && w.text.eq_ignore_ascii_case("all")))
        .collect();
    if packages.is_empty() {
        return out;
    }
    let verb = if c.sub == "install" {
        "choco install"
    } else {
        "choco upgrade"
    };
    match c.args.opt(&["version"]) {
        Some(v) if packages.len() > 1 => {
            let names: Vec<String> = packages.iter().map(|w| w.text.clone()).collect();
            let ver = v.value.as_ref().map_or("", |x| x.text);
            out.push((
                v.word.range.start..v.value.as_ref().map_or(v.word.range.end, |x| x.range.end),
                format!(
                    "`--version {ver}` applies to every package of this `{verb}` ({}): install each package with its own `{verb} <package> --version <x.y.z>`",
                    names.join(", ")
                ),
            ));
        }
        Some(_) => {}
        None => {
            for w in packages {
                out.push((
                    w.range.clone(),
                    format!(
                        "`{verb} {}` has no --version: whatever version the feed serves at build time gets installed; pin it with `--version <x.y.z>`",
                        w.text
                    ),
                ));
            }
        }
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
    fn flags_each_unpinned_package() {
        assert_eq!(
            run("choco install -y git nodejs --no-progress"),
            vec!["git", "nodejs"]
        );
        assert_eq!(run("cinst git -y"), vec!["git"]);
        assert_eq!(
            run("choco.exe upgrade -y python3 --params '/InstallDir:C:\\py'"),
            vec!["python3"]
        );
        assert_eq!(
            run("C:\\ProgramData\\chocolatey\\bin\\choco.exe install -y 7zip"),
            vec!["7zip"]
        );
    }

    #[test]
    fn pinned_and_files_are_fine() {
        assert!(run("choco install -y git --version 2.47.1").is_empty());
        assert!(run("choco install -y git --version=2.47.1").is_empty());
        assert!(run("choco install -y git -version $env:GIT_VERSION").is_empty());
        assert!(run("choco install -y packages.config").is_empty());
        assert!(run("choco install -y C:\\pkgs\\tool.1.2.0.nupkg").is_empty());
        assert!(run("choco upgrade all -y").is_empty());
        assert!(run("choco list --local-only").is_empty());
        assert!(run("choco install -y $env:PACKAGES").is_empty());
    }

    #[test]
    fn one_version_for_several_packages() {
        assert_eq!(
            run("choco install -y git nodejs --version 2.47.1"),
            vec!["--version 2.47.1"]
        );
    }
}
