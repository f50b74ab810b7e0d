//! DF506: Chocolatey / PowerShell Gallery / PackageManagement source over plain HTTP:
//! `choco source add -s http://…`, `choco install … -s http://…`,
//! `Register-PSRepository -SourceLocation http://…` (and the other `*Location` parameters),
//! `Set-PSRepository`, `Register-PackageSource -Location http://…`, `Set-PackageSource
//! -NewLocation`, `Register-PSResourceRepository -Uri http://…`, `Install-Package -Source http://…`.
//! Loopback hosts are not reported. NuGet feeds of `dotnet` / `nuget.exe` are DF509.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, OptSpec, choco, invocations, is_plain_http, parse_args, redact_url, split_sources,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

const PS_SWITCHES: OptSpec = OptSpec::powershell(&[
    "Default",
    "Trusted",
    "Force",
    "ForceBootstrap",
    "PassThru",
    "WhatIf",
    "Confirm",
    "Verbose",
    "Debug",
    "AllowClobber",
    "SkipPublisherCheck",
    "AllowPrerelease",
    "AcceptLicense",
    "NoClobber",
    "SkipDependencies",
    "IncludeDependencies",
    "AllVersions",
    "AllowPrereleaseVersions",
    "SkipValidate",
]);

fn message(cmd: &str, url: &str) -> String {
    let url = redact_url(url);
    format!(
        "`{cmd}` uses the plain-HTTP package source `{url}`: packages and their metadata can be read and replaced in transit; use an https:// feed"
    )
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if let Some(c) = choco(inv) {
        let values = match c.sub.as_str() {
            "source" | "sources" | "install" | "upgrade" | "download" | "search" | "find"
            | "info" => c.args.values(&["s", "source"]),
            _ => Vec::new(),
        };
        let cmd = match c.args.operands.first() {
            Some(action) if c.sub == "source" || c.sub == "sources" => {
                format!("choco {} {}", c.sub, action.text)
            }
            _ => format!("choco {}", c.sub),
        };
        for v in values {
            for src in split_sources(v.text) {
                if is_plain_http(src) {
                    out.push((v.range.clone(), message(&cmd, src)));
                    break;
                }
            }
        }
        return out;
    }
    let name = inv.name();
    let params: &[&str] = match name.as_str() {
        "register-psrepository" | "set-psrepository" => &[
            "SourceLocation",
            "PublishLocation",
            "ScriptSourceLocation",
            "ScriptPublishLocation",
        ],
        "register-packagesource" | "set-packagesource" => &["Location", "NewLocation"],
        "register-psresourcerepository" | "set-psresourcerepository" => &["Uri"],
        "install-package" | "find-package" | "save-package" | "install-module" | "find-module"
        | "save-module" | "install-script" | "save-script" => &["Source"],
        _ => return out,
    };
    let args = parse_args(inv.args, &PS_SWITCHES);
    let mut candidates: Vec<(Range<usize>, &str)> = args
        .values(params)
        .into_iter()
        .map(|v| (v.range.clone(), v.text))
        .collect();
    if matches!(
        name.as_str(),
        "register-psrepository" | "register-packagesource" | "register-psresourcerepository"
    ) {
        // Positional: Name, then the location.
        if let Some(w) = args.operands.get(1) {
            candidates.push((w.range.clone(), w.text.as_str()));
        }
    }
    for (range, text) in candidates {
        if is_plain_http(text) {
            out.push((range, message(&inv.name_word.text, text)));
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
    fn choco_sources() {
        assert_eq!(
            run("choco source add -n internal -s http://repo.corp/chocolatey"),
            vec!["http://repo.corp/chocolatey"]
        );
        assert_eq!(
            run("choco source add --name=internal --source=http://repo.corp/c"),
            vec!["http://repo.corp/c"]
        );
        assert_eq!(
            run("choco install -y git --version 2.47.1 -s http://repo.corp/c"),
            vec!["http://repo.corp/c"]
        );
        assert!(run("choco source add -n internal -s https://repo.corp/chocolatey").is_empty());
        assert!(run("choco source add -n local -s C:\\pkgs").is_empty());
        assert!(run("choco install -y git -s http://localhost:8080/").is_empty());
    }

    #[test]
    fn powershell_sources() {
        assert_eq!(
            run(
                "Register-PSRepository -Name corp -SourceLocation http://ps.corp/api/v2 -InstallationPolicy Trusted"
            ),
            vec!["http://ps.corp/api/v2"]
        );
        assert_eq!(
            run("Register-PSRepository corp http://ps.corp/api/v2"),
            vec!["http://ps.corp/api/v2"]
        );
        assert_eq!(
            run(
                "Register-PackageSource -Name corp -Location http://nuget.corp/v3 -ProviderName NuGet"
            ),
            vec!["http://nuget.corp/v3"]
        );
        assert_eq!(
            run("Register-PSResourceRepository -Name corp -Uri:http://ps.corp/v3"),
            vec!["http://ps.corp/v3"]
        );
        assert!(
            run("Register-PSRepository -Name corp -SourceLocation https://ps.corp/api/v2")
                .is_empty()
        );
        assert!(run("Register-PSRepository -Default").is_empty());
    }
}
