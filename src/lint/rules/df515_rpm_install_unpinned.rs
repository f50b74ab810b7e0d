//! DF515: `yum` / `dnf` / `dnf5` / `microdnf` / `tdnf` / `zypper` install with packages that have
//! no version. Pins: `git-2.43.5`, `git-2.43.5-1.el9[.x86_64]`, `git-0:2.43.5-1.el9`, zypper
//! `git=2.43.5`; `git>=2` is a range. Groups (`@…`), capabilities (`x(y)`), file provides,
//! `.rpm` files / URLs and variables are not judged. One finding per command.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Family, Invocation, floating, invocations, pkg_command, rpm_pin, unpinned_message,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        if let Some((range, msg)) = inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

fn inspect(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    let p = pkg_command(inv)?;
    if !matches!(p.family, Family::Dnf | Family::Zypper) || p.sub != "install" {
        return None;
    }
    let floats = floating(p.packages(), rpm_pin);
    let (first, _) = floats.first()?;
    let name = first.text.split(['=', '<', '>', ' ']).next().unwrap_or("");
    let example = if p.family == Family::Zypper {
        format!("`{name}=<version>`")
    } else {
        format!("`{name}-<version>-<release>`")
    };
    Some((
        first.range.clone(),
        unpinned_message(&format!("{} install", p.tool), &floats, &example),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Option<String> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap()).map(|(r, _)| line[r].to_string())
    }

    #[test]
    fn cases() {
        assert_eq!(run("dnf install -y git").as_deref(), Some("git"));
        assert_eq!(
            run("yum -y install --setopt=tsflags=nodocs git-2.43.5 java-17-openjdk").as_deref(),
            Some("java-17-openjdk")
        );
        assert_eq!(
            run("microdnf install -y --nodocs shadow-utils").as_deref(),
            Some("shadow-utils")
        );
        assert_eq!(
            run("tdnf install -y ca-certificates").as_deref(),
            Some("ca-certificates")
        );
        assert_eq!(
            run("zypper --non-interactive in -y curl").as_deref(),
            Some("curl")
        );
        assert!(run("dnf install -y git-2.43.5-1.el9 @development-tools").is_none());
        assert!(run("zypper in -y curl=8.6.0").is_none());
        assert!(run("dnf install -y https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm").is_none());
        assert!(run("dnf -y module install nodejs:20").is_none());
        assert!(run("dnf clean all").is_none());
    }
}
