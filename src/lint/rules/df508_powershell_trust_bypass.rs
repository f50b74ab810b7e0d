//! DF508: PowerShell publisher / repository trust bypass: `-SkipPublisherCheck` on any cmdlet,
//! `Set-PSRepository` / `Register-PSRepository -InstallationPolicy Trusted`,
//! `Set-PSResourceRepository` / `Register-PSResourceRepository -Trusted`,
//! `Set-PackageSource` / `Register-PackageSource -Trusted`. An explicit `-Switch:$false` is fine.

use std::ops::Range;

use crate::lint::helpers::packages::{Invocation, OptSpec, invocations, parse_args};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

const SPEC: OptSpec = OptSpec::powershell(&[
    "Force",
    "AllowClobber",
    "SkipPublisherCheck",
    "AllowPrerelease",
    "AcceptLicense",
    "PassThru",
    "WhatIf",
    "Confirm",
    "Verbose",
    "Debug",
    "NoClobber",
    "SkipDependencies",
    "Trusted",
    "Default",
    "ForceBootstrap",
    "TrustRepository",
    "Reinstall",
    "Quiet",
    "AuthenticodeCheck",
    "Prerelease",
    "IncludeDependencies",
]);

fn switch_on(value: Option<&str>) -> bool {
    !value.is_some_and(|v| v.trim().eq_ignore_ascii_case("$false") || v.trim() == "0")
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    // Cheap pre-filter: PowerShell cmdlets are Verb-Noun.
    let name = inv.name();
    if !name.contains('-') {
        return out;
    }
    let args = parse_args(inv.args, &SPEC);
    for o in &args.options {
        if o.name.eq_ignore_ascii_case("SkipPublisherCheck")
            && switch_on(o.value.as_ref().map(|v| v.text))
        {
            out.push((
                o.word.range.clone(),
                format!(
                    "`{}` with -SkipPublisherCheck installs a module even when its Authenticode publisher differs from the installed version's: drop the switch and pin the module (-RequiredVersion)",
                    inv.name_word.text
                ),
            ));
        }
    }
    let repo = args
        .value(&["Name"])
        .map(|v| v.text.to_string())
        .or_else(|| args.operands.first().map(|w| w.text.clone()))
        .unwrap_or_else(|| "the repository".to_string());
    match name.as_str() {
        "set-psrepository" | "register-psrepository" => {
            if let Some(v) = args.value(&["InstallationPolicy"])
                && v.text
                    .trim_matches(|c| c == '\'' || c == '"')
                    .eq_ignore_ascii_case("trusted")
            {
                out.push((
                    v.range.clone(),
                    format!(
                        "`{} … -InstallationPolicy Trusted` marks `{repo}` as trusted: every later install from it skips the untrusted-source confirmation; install pinned versions with -Force instead",
                        inv.name_word.text
                    ),
                ));
            }
        }
        "set-psresourcerepository"
        | "register-psresourcerepository"
        | "set-packagesource"
        | "register-packagesource" => {
            if let Some(o) = args.opt(&["Trusted"])
                && switch_on(o.value.as_ref().map(|v| v.text))
            {
                out.push((
                    o.word.range.clone(),
                    format!(
                        "`{} … -Trusted` marks `{repo}` as trusted: every later install from it skips the untrusted-source confirmation; install pinned versions explicitly instead",
                        inv.name_word.text
                    ),
                ));
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
    fn fires() {
        assert_eq!(
            run("Install-Module Pester -RequiredVersion 5.6.1 -SkipPublisherCheck -Force"),
            vec!["-SkipPublisherCheck"]
        );
        assert_eq!(
            run("Set-PSRepository -Name PSGallery -InstallationPolicy Trusted"),
            vec!["Trusted"]
        );
        assert_eq!(
            run("Set-PSRepository PSGallery -InstallationPolicy 'Trusted'"),
            vec!["'Trusted'"]
        );
        assert_eq!(
            run("Register-PSResourceRepository -Name corp -Uri https://x -Trusted"),
            vec!["-Trusted"]
        );
        assert_eq!(
            run("Set-PackageSource -Name nuget.org -Trusted"),
            vec!["-Trusted"]
        );
    }

    #[test]
    fn quiet() {
        assert!(run("Install-Module Pester -RequiredVersion 5.6.1 -Force").is_empty());
        assert!(run("Install-Module Pester -SkipPublisherCheck:$false").is_empty());
        assert!(run("Set-PSRepository -Name PSGallery -InstallationPolicy Untrusted").is_empty());
        assert!(run("Set-PSResourceRepository -Name PSGallery -Trusted:$false").is_empty());
        assert!(run("choco install -y git --version 1").is_empty());
    }
}
