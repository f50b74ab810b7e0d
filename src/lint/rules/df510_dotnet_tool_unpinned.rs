//! DF510: `dotnet tool install|update` (global `-g`, `--tool-path` or local) without
//! `--version` / `id@version`, `dotnet add package` / `dotnet package add` without
//! `-v|--version`, and `nuget install <id>` without `-Version`. Floating versions (`9.*`,
//! `[1.0,2.0)`) are reported as ranges. `dotnet tool restore` and `nuget install
//! packages.config` use versions from a manifest and are not reported.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, Pin, dotnet, invocations, is_path_or_url, nuget, nuget_version_pin,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

fn judge(cmd: &str, id: &str, version: Option<&str>, flag: &str) -> Option<String> {
    match version.map(nuget_version_pin) {
        Some(Pin::Range) => Some(format!(
            "`{cmd} {id}` uses the floating version `{}`: the newest match is installed at build time; give one exact version ({flag} <x.y.z>)",
            version.unwrap_or("")
        )),
        Some(Pin::Unpinned) | None => Some(format!(
            "`{cmd} {id}` has no {flag}: the newest version on the feed is installed at build time; pin it with `{flag} <x.y.z>`"
        )),
        Some(_) => None,
    }
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if let Some(d) = dotnet(inv) {
        let (flag_names, flag): (&[&str], &str) = match d.verb.as_str() {
            "tool install" | "tool update" => (&["version"], "--version"),
            "add package" | "package add" => (&["v", "version"], "--version"),
            _ => return out,
        };
        let Some(id) = d.args.operands.first() else {
            return out;
        };
        if id.text.contains('$') || is_path_or_url(&id.text) {
            return out;
        }
        let (name, inline_version) = match id.text.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (id.text.as_str(), None),
        };
        let opt_version = d.args.value(flag_names).map(|v| v.text);
        let cmd = format!("dotnet {}", d.verb);
        if let Some(msg) = judge(&cmd, name, opt_version.or(inline_version), flag) {
            out.push((id.range.clone(), msg));
        }
        return out;
    }
    if let Some(n) = nuget(inv) {
        if n.verb != "install" {
            return out;
        }
        let Some(id) = n.args.operands.first() else {
            return out;
        };
        let l = id.text.to_ascii_lowercase();
        if l.ends_with(".config")
            || id.text.contains('$')
            || id.text.contains('%')
            || is_path_or_url(&id.text)
        {
            return out;
        }
        if let Some(msg) = judge(
            "nuget install",
            &id.text,
            n.args.value(&["version"]).map(|v| v.text),
            "-Version",
        ) {
            out.push((id.range.clone(), msg));
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
    fn unpinned() {
        assert_eq!(run("dotnet tool install -g dotnet-ef"), vec!["dotnet-ef"]);
        assert_eq!(
            run("dotnet tool install --global dotnet-ef --add-source ./nupkg"),
            vec!["dotnet-ef"]
        );
        assert_eq!(
            run("dotnet tool update --tool-path /tools dotnet-dump"),
            vec!["dotnet-dump"]
        );
        assert_eq!(
            run("dotnet tool install --local dotnet-format"),
            vec!["dotnet-format"]
        );
        assert_eq!(
            run("dotnet tool install -g dotnet-ef --version 9.*"),
            vec!["dotnet-ef"]
        );
        assert_eq!(run("dotnet add package Serilog"), vec!["Serilog"]);
        assert_eq!(
            run("nuget install NUnit.ConsoleRunner -OutputDirectory C:\\tools"),
            vec!["NUnit.ConsoleRunner"]
        );
    }

    #[test]
    fn pinned() {
        assert!(run("dotnet tool install -g dotnet-ef --version 9.0.0").is_empty());
        assert!(run("dotnet tool install -g dotnet-ef@9.0.0").is_empty());
        assert!(run("dotnet tool install -g dotnet-ef --version $EF_VERSION").is_empty());
        assert!(run("dotnet tool restore").is_empty());
        assert!(run("dotnet add package Serilog -v 4.0.0").is_empty());
        assert!(run("dotnet restore").is_empty());
        assert!(
            run("nuget install NUnit.ConsoleRunner -Version 3.18.3 -OutputDirectory C:\\tools")
                .is_empty()
        );
        assert!(run("nuget install packages.config -OutputDirectory packages").is_empty());
    }
}
