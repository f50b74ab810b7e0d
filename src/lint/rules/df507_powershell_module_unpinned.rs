//! DF507: `Install-Module` / `Install-Package` / `Install-Script` / `Save-Module` /
//! `Save-Script` without `-RequiredVersion`, and `Install-PSResource` / `Save-PSResource`
//! without an exact `-Version`. `-MinimumVersion` / `-MaximumVersion` (and NuGet range syntax
//! for `-Version`) only bound a range and are reported with a message saying so.
//!
//! One finding per command, at the first package name. Commands whose names come from a
//! pipeline, a variable or splatting (`@params`) are not judged; neither are local package
//! files (`Install-Package C:\x.msi`).

use std::ops::Range;

use crate::lint::helpers::packages::{Invocation, Pin, invocations, is_path_or_url, nuget_version_pin, parse_args, PSGET_OPTS};
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
    let name = inv.name();
    let psresource = match name.as_str() {
        "install-module" | "install-package" | "install-script" | "save-module" | "save-script" => {
            false
        }
        "install-psresource" | "save-psresource" => true,
        _ => return out,
    };
    if inv.args.iter().any(|w| w.text.starts_with('@')) {
        return out; // splatting: parameters unknown
    }
    let args = parse_args(inv.args, &PSGET_OPTS);
    // Names: positional words and -Name values; comma-separated lists.
    let mut names: Vec<(Range<usize>, String)> = Vec::new();
    let name_values = args.values(&["Name"]);
    let positional = args
        .operands
        .iter()
        .map(|w| (w.range.clone(), w.text.as_str()));
    for (range, text) in name_values
        .iter()
        .map(|v| (v.range.clone(), v.text))
        .chain(positional)
    {
        for n in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            names.push((range.clone(), n.to_string()));
        }
    }
    if names.is_empty() {
        return out; // piped input (`Find-Module x | Install-Module`) or -InputObject
    }
    if names
        .iter()
        .any(|(_, n)| n.contains('$') || n.contains('(') || is_path_or_url(n))
    {
        return out;
    }
    let lower = |s: &str| s.to_ascii_lowercase();
    let local_file = |n: &str| {
        let l = lower(n);
        l.ends_with(".msi") || l.ends_with(".nupkg") || l.ends_with(".exe") || l.ends_with(".msu")
    };
    if names.iter().any(|(_, n)| local_file(n)) {
        return out;
    }
    let list: Vec<String> = names.iter().map(|(_, n)| n.clone()).collect();
    let first = names
        .first()
        .map(|(r, _)| r.clone())
        .unwrap_or(inv.name_word.range.clone());
    let cmd = format!("{} {}", inv.name_word.text, list.join(","));
    if psresource {
        let version = args.opt_prefix("Version", 1).and_then(|o| o.value.as_ref());
        match version.map(|v| nuget_version_pin(v.text)) {
            Some(Pin::Exact | Pin::Unknown | Pin::Series | Pin::Artifact) => {}
            Some(Pin::Range) => out.push((
                first,
                format!(
                    "`{cmd}` gives -Version as a range: the newest matching version is installed at build time; give one exact version (`-Version 1.2.3`)"
                ),
            )),
            Some(Pin::Unpinned) | None => out.push((
                first,
                format!("`{cmd}` has no -Version: the newest version in the repository is installed at build time; pin it with `-Version <x.y.z>`"),
            )),
        }
        return out;
    }
    if args.opt_prefix("RequiredVersion", 3).is_some() {
        return out;
    }
    let range_opts: Vec<&str> = ["MinimumVersion", "MaximumVersion"]
        .into_iter()
        .filter(|full| args.opt_prefix(full, 2).is_some())
        .collect();
    let msg = if range_opts.is_empty() {
        format!(
            "`{cmd}` has no -RequiredVersion: the newest version in the gallery is installed at build time; pin it with `-RequiredVersion <x.y.z>`"
        )
    } else {
        format!(
            "`{cmd}` only bounds the version with -{}: the newest matching version is installed at build time; use `-RequiredVersion <x.y.z>`",
            range_opts.join(" and -")
        )
    };
    out.push((first, msg));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Vec<(String, String)> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap())
            .into_iter()
            .map(|(r, m)| (line[r].to_string(), m))
            .collect()
    }

    #[test]
    fn unpinned_modules() {
        let r = run("Install-Module SqlServer -Force -AllowClobber");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "SqlServer");
        assert!(r[0].1.contains("no -RequiredVersion"));
        assert_eq!(
            run("Install-Module -Name Az.Accounts -Scope AllUsers -Force")[0].0,
            "Az.Accounts"
        );
        assert_eq!(
            run("Save-Module -Name Pester -Path C:\\mods")[0].0,
            "Pester"
        );
        assert_eq!(run("Install-Script -Name Install-VSCode -Force").len(), 1);
        assert_eq!(
            run("Install-Package -Name Newtonsoft.Json -ProviderName NuGet").len(),
            1
        );
    }

    #[test]
    fn ranges_fire_with_range_message() {
        let r = run("Install-Module Pester -MinimumVersion 5.0 -Force");
        assert_eq!(r.len(), 1);
        assert!(
            r[0].1
                .contains("only bounds the version with -MinimumVersion"),
            "{}",
            r[0].1
        );
        let r = run("Install-PSResource -Name Pester -Version '[5.0,6.0)'");
        assert!(r[0].1.contains("range"));
    }

    #[test]
    fn pinned_or_unknown() {
        assert!(run("Install-Module SqlServer -RequiredVersion 22.3.0 -Force").is_empty());
        assert!(run("Install-Module SqlServer -requiredversion:22.3.0").is_empty());
        assert!(run("Install-Module -Name SqlServer -RequiredV $env:SQLSERVER_VERSION").is_empty());
        assert!(run("Install-PSResource -Name Pester -Version 5.6.1").is_empty());
        assert!(run("Install-Module @params").is_empty());
        assert!(run("Install-Module $modules -Force").is_empty());
        assert!(run("Install-Package C:\\install\\agent.msi -Force").is_empty());
        assert!(run("Install-Module -Force").is_empty());
        assert!(
            run("Install-PackageProvider -Name NuGet -MinimumVersion 2.8.5.201 -Force").is_empty()
        );
    }
}
