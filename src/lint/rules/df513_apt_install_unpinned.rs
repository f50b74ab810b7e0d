//! DF513: `apt-get install` / `apt install` / `aptitude install` with packages that have no
//! `=version`. One finding per install command, at the first unpinned package, listing all of
//! them. `pkg=1.2.*` (a version series) counts as pinned; `pkg/bookworm-backports` selects a
//! release, not a version, and is reported. `.deb` files and variables are not judged.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Family, Invocation, apt_pin, floating, invocations, pkg_command, unpinned_message,
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
    if p.family != Family::Apt || p.sub != "install" {
        return None;
    }
    let floats = floating(p.packages(), apt_pin);
    let (first, _) = floats.first()?;
    let example = format!("`{}=<version>`", first.text.split('/').next().unwrap_or(""));
    Some((
        first.range.clone(),
        unpinned_message(&format!("{} install", p.tool), &floats, &example),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Option<(String, String)> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap()).map(|(r, m)| (line[r].to_string(), m))
    }

    #[test]
    fn fires_once_per_command() {
        let (at, msg) =
            run("apt-get install -y --no-install-recommends ca-certificates=20230311 curl git")
                .unwrap();
        assert_eq!(at, "curl");
        assert!(msg.contains("`curl` and `git`"), "{msg}");
        assert_eq!(
            run("apt-get -t bookworm-backports install -y golang")
                .unwrap()
                .0,
            "golang"
        );
        assert_eq!(
            run("apt install -y curl/bookworm-backports").unwrap().0,
            "curl/bookworm-backports"
        );
        assert_eq!(
            run("DEBIAN_FRONTEND=noninteractive apt-get -qq install -y curl")
                .unwrap()
                .0,
            "curl"
        );
    }

    #[test]
    fn quiet() {
        assert!(run("apt-get install -y curl=8.5.0-2 git=1:2.39.5-0+deb12u1").is_none());
        assert!(run("apt-get install -y curl=8.5.*").is_none());
        assert!(run("apt-get install -y ./pkg_1.0_amd64.deb").is_none());
        assert!(run("apt-get install -y $PACKAGES").is_none());
        assert!(run("apt-get update").is_none());
        assert!(run("apt-get remove -y curl").is_none());
        assert!(run("apt-get install -f").is_none());
    }
}
