//! OS package managers: apt, apk, yum/dnf/microdnf/tdnf and zypper.

use super::*;

/// Value-taking options of apt-get / apt / aptitude.
pub const APT_OPTS: OptSpec = OptSpec::posix(&[
    "o",
    "option",
    "t",
    "target-release",
    "default-release",
    "c",
    "config-file",
    "a",
    "host-architecture",
    "P",
    "build-profiles",
    "solver",
    "planner",
]);

/// Value-taking options of apk.
pub const APK_OPTS: OptSpec = OptSpec::posix(&[
    "X",
    "repository",
    "t",
    "virtual",
    "p",
    "root",
    "arch",
    "cache-dir",
    "keys-dir",
    "repositories-file",
    "cache-max-age",
    "timeout",
    "from",
]);

/// Value-taking options of yum / dnf / microdnf / tdnf.
pub const DNF_OPTS: OptSpec = OptSpec::posix(&[
    "c",
    "config",
    "installroot",
    "releasever",
    "setopt",
    "enablerepo",
    "disablerepo",
    "repo",
    "repoid",
    "x",
    "exclude",
    "d",
    "debuglevel",
    "e",
    "errorlevel",
    "rpmverbosity",
    "downloaddir",
    "destdir",
    "forcearch",
    "repofrompath",
    "color",
    "comment",
    "advisory",
    "advisories",
    "bz",
    "bzs",
    "cve",
    "cves",
    "sec-severity",
    "secseverity",
    "disableplugin",
    "enableplugin",
    "R",
    "randomwait",
    "platform-id",
    "cachedir",
]);

/// Value-taking options of zypper (global and install options).
pub const ZYPPER_OPTS: OptSpec = OptSpec::posix(&[
    "R",
    "root",
    "c",
    "config",
    "D",
    "reposd-dir",
    "C",
    "cache-dir",
    "raw-cache-dir",
    "solv-cache-dir",
    "pkg-cache-dir",
    "t",
    "type",
    "r",
    "repo",
    "from",
    "download",
    "userdata",
    "installroot",
    "releasever",
]);

/// A Linux package-manager family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Apt,
    Apk,
    Dnf,
    Zypper,
}

/// A parsed OS package-manager command.
#[derive(Debug, Clone)]
pub struct PkgCmd<'a> {
    pub family: Family,
    /// The program as written lowercased (`apt-get`, `dnf`, …).
    pub tool: String,
    /// Normalized subcommand (`in` → `install`, `ref` → `refresh`, `dup` → `dist-upgrade`).
    pub sub: String,
    pub sub_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

impl<'a> PkgCmd<'a> {
    /// Package arguments (operands after the subcommand).
    pub fn packages(&self) -> &[&'a ShWord] {
        self.args.operands.get(1..).unwrap_or(&[])
    }
}

/// Parses apt-get / apt / aptitude / apk / yum / dnf / dnf5 / microdnf / tdnf / zypper commands.
pub fn pkg_command<'a>(inv: &Invocation<'a>) -> Option<PkgCmd<'a>> {
    let tool = inv.name();
    let (family, spec) = match tool.as_str() {
        "apt-get" | "apt" | "aptitude" => (Family::Apt, &APT_OPTS),
        "apk" => (Family::Apk, &APK_OPTS),
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => (Family::Dnf, &DNF_OPTS),
        "zypper" => (Family::Zypper, &ZYPPER_OPTS),
        _ => return None,
    };
    let args = parse_args(inv.args, spec);
    let sub_word = *args.operands.first()?;
    let raw = sub_word.text.to_ascii_lowercase();
    let sub = match (family, raw.as_str()) {
        (Family::Zypper, "in") => "install".to_string(),
        (Family::Zypper, "ref") => "refresh".to_string(),
        (Family::Zypper, "dup") => "dist-upgrade".to_string(),
        (Family::Zypper, "up") => "update".to_string(),
        (Family::Zypper, "rm") => "remove".to_string(),
        _ => raw,
    };
    Some(PkgCmd {
        family,
        tool: tool.into_owned(),
        sub,
        sub_word,
        args,
    })
}

/// Package arguments whose pin floats, with the pin kind.
pub fn floating<'a>(packages: &[&'a ShWord], pin: fn(&str) -> Pin) -> Vec<(&'a ShWord, Pin)> {
    packages
        .iter()
        .map(|w| (*w, pin(&w.text)))
        .filter(|(_, p)| p.floats())
        .collect()
}

/// Standard message for unpinned package arguments of one command.
pub fn unpinned_message(cmd: &str, floats: &[(&ShWord, Pin)], example: &str) -> String {
    let names: Vec<String> = floats.iter().map(|(w, _)| w.text.clone()).collect();
    let ranges: Vec<String> = floats
        .iter()
        .filter(|(_, p)| *p == Pin::Range)
        .map(|(w, _)| w.text.clone())
        .collect();
    let what = if ranges.len() == names.len() {
        format!(
            "only bounds {} by a version range",
            list_for_message(&names)
        )
    } else if ranges.is_empty() {
        format!("installs {} without a version", list_for_message(&names))
    } else {
        format!(
            "installs {} without an exact version ({} only a range)",
            list_for_message(&names),
            list_for_message(&ranges)
        )
    };
    format!(
        "`{cmd}` {what}: each build takes whatever the repository serves that day; pin exact versions ({example})"
    )
}
