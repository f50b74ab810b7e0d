//! DF511: NuGet dependency-confusion risk: `--ignore-failed-sources` on a `dotnet` command, or a
//! single `dotnet` / `nuget.exe` command restoring from two or more distinct sources
//! (`-s a -s b`, `--add-source`, `-Source "a;b"`, `-FallbackSource`) when the Dockerfile shows
//! no `packageSourceMapping`. One finding per command for the source list (at the second
//! source).

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, OptValue, dotnet, invocations, nuget, split_sources,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let mapped = cx
        .text()
        .to_ascii_lowercase()
        .contains("packagesourcemapping");
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv, mapped) {
            out.emit(s.span(range), msg);
        }
    }
}

const RESTORING: &[&str] = &[
    "restore",
    "build",
    "publish",
    "pack",
    "run",
    "tool install",
    "tool update",
    "add package",
    "package add",
    "new install",
    "workload install",
    "workload update",
    "workload restore",
];

fn sources_finding(cmd: &str, values: &[OptValue<'_>]) -> Option<(Range<usize>, String)> {
    let mut distinct: Vec<String> = Vec::new();
    let mut at = None;
    for v in values {
        for src in split_sources(v.text) {
            let norm = src.trim_end_matches('/').to_ascii_lowercase();
            if !distinct.contains(&norm) {
                distinct.push(norm);
                if distinct.len() == 2 {
                    at = Some(v.range.clone());
                }
            }
        }
    }
    let at = at?;
    Some((
        at,
        format!(
            "`{cmd}` restores from {} sources without packageSourceMapping: a package name that exists on more than one feed resolves to whichever answers with the best version (dependency confusion); map package ID patterns to sources in nuget.config",
            distinct.len()
        ),
    ))
}

fn inspect(inv: &Invocation<'_>, mapped: bool) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if let Some(d) = dotnet(inv) {
        let cmd = format!("dotnet {}", d.verb);
        if let Some(o) = d.args.opt(&["ignore-failed-sources"]) {
            out.push((
                o.word.range.clone(),
                format!(
                    "`{cmd} --ignore-failed-sources` keeps restoring when a feed is unreachable: packages that should come from the private feed may be taken from a public one instead; fix the feed rather than ignoring it"
                ),
            ));
        }
        if !mapped && RESTORING.contains(&d.verb.as_str()) {
            let values = d.args.values(&["s", "source", "add-source"]);
            out.extend(sources_finding(&cmd, &values));
        }
        return out;
    }
    if let Some(n) = nuget(inv)
        && !mapped
        && matches!(n.verb.as_str(), "restore" | "install" | "update")
    {
        let values = n.args.values(&["source", "fallbacksource"]);
        out.extend(sources_finding(&format!("nuget {}", n.verb), &values));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str, mapped: bool) -> Vec<String> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap(), mapped)
            .into_iter()
            .map(|(r, _)| line[r].to_string())
            .collect()
    }

    #[test]
    fn fires() {
        assert_eq!(
            run("dotnet restore --ignore-failed-sources", false),
            vec!["--ignore-failed-sources"]
        );
        assert_eq!(
            run("dotnet restore --ignore-failed-sources", true),
            vec!["--ignore-failed-sources"]
        );
        assert_eq!(
            run(
                "dotnet restore -s https://api.nuget.org/v3/index.json -s https://corp/v3",
                false
            ),
            vec!["https://corp/v3"]
        );
        assert_eq!(
            run(
                "nuget restore App.sln -Source \"https://a/v3;https://b/v3\"",
                false
            ),
            vec!["\"https://a/v3;https://b/v3\""]
        );
    }

    #[test]
    fn quiet() {
        assert!(run("dotnet restore -s https://corp/v3", false).is_empty());
        assert!(
            run(
                "dotnet restore -s https://corp/v3 -s https://corp/v3/",
                false
            )
            .is_empty()
        );
        assert!(run("dotnet restore -s https://a/v3 -s https://b/v3", true).is_empty());
        assert!(run("dotnet test -s a.runsettings -s b.runsettings", false).is_empty());
    }
}
