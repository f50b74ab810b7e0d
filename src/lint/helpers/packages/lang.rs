//! Language package managers and package-spec splitting (shared by the rules and the SBOM
//! extractor): option specs for PowerShellGet, npm/yarn/pnpm, gem, go and cargo, and
//! splitters that turn a package argument into its name and version parts.

use super::*;

/// Switch parameters (no value) of the PowerShellGet / PSResourceGet / PackageManagement
/// install cmdlets; every other `-Param` takes a value.
pub const PSGET_OPTS: OptSpec = OptSpec::powershell(&[
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
    "IncludeDependencies",
    "ForceBootstrap",
    "AllVersions",
    "AllowPrereleaseVersions",
    "SkipDependencyCheck",
    "TrustRepository",
    "Reinstall",
    "NoPathUpdate",
    "Quiet",
    "AuthenticodeCheck",
    "Prerelease",
    "IncludeXml",
    "AsNupkg",
    "SkipValidate",
]);

/// One package name of a PowerShell install cmdlet (`-Name A,B` gives two).
#[derive(Debug, Clone)]
pub struct PsName<'a> {
    pub name: &'a str,
    pub word: &'a ShWord,
    /// Byte range of the name in the script text (the whole word when it was quoted).
    pub range: std::ops::Range<usize>,
}

/// A parsed `Install-Module` / `Install-Package` / `Install-Script` / `Save-Module` /
/// `Save-Script` / `Install-PSResource` / `Save-PSResource`.
#[derive(Debug, Clone)]
pub struct PsInstall<'a> {
    /// Lowercased cmdlet name.
    pub cmdlet: String,
    /// PSResourceGet cmdlet (`-Version` takes NuGet version syntax) rather than PowerShellGet v2
    /// (`-RequiredVersion` / `-MinimumVersion` / `-MaximumVersion`).
    pub psresource: bool,
    /// Positional names and `-Name` values, comma lists split.
    pub names: Vec<PsName<'a>>,
    pub args: ParsedArgs<'a>,
}

/// Parses a PowerShell install cmdlet. `None` for other commands and for splatted parameters
/// (`Install-Module @params`), whose names are unknown.
pub fn ps_install<'a>(inv: &Invocation<'a>) -> Option<PsInstall<'a>> {
    let cmdlet = inv.name();
    let psresource = match cmdlet.as_str() {
        "install-module" | "install-package" | "install-script" | "save-module" | "save-script" => {
            false
        }
        "install-psresource" | "save-psresource" => true,
        _ => return None,
    };
    if inv.args.iter().any(|w| w.text.starts_with('@')) {
        return None;
    }
    let args = parse_args(inv.args, &PSGET_OPTS);
    let mut names = Vec::new();
    let named = args.values(&["Name"]);
    let words = named
        .iter()
        .map(|v| (v.word, v.range.clone(), v.text))
        .chain(
            args.operands
                .iter()
                .map(|w| (*w, w.range.clone(), w.text.as_str())),
        );
    for (word, range, text) in words {
        names.extend(comma_items(word, range, text));
    }
    Some(PsInstall {
        cmdlet: cmdlet.into_owned(),
        psresource,
        names,
        args,
    })
}

/// Splits a comma list into items with their ranges (exact when the value was written
/// unquoted, else the whole range).
pub(super) fn comma_items<'a>(
    word: &'a ShWord,
    range: std::ops::Range<usize>,
    text: &'a str,
) -> Vec<PsName<'a>> {
    let exact = range.len() == text.len();
    let mut out = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let start = offset;
        offset += part.len() + 1;
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if name.is_empty() {
            continue;
        }
        let r = if exact {
            let s = range.start + start + lead;
            s..s + name.len()
        } else {
            range.clone()
        };
        out.push(PsName {
            name,
            word,
            range: r,
        });
    }
    out
}

/// Value-taking options of npm / yarn / pnpm.
pub const NPM_OPTS: OptSpec = OptSpec::posix(&[
    "prefix",
    "registry",
    "cache",
    "userconfig",
    "globalconfig",
    "loglevel",
    "omit",
    "include",
    "w",
    "workspace",
    "tag",
    "location",
    "install-strategy",
    "before",
    "C",
    "dir",
    "modules-folder",
    "cwd",
    "network-timeout",
    "mutex",
    "global-folder",
    "cache-folder",
    "filter",
    "F",
    "reporter",
    "node-options",
    "script-shell",
]);

/// npm's install verb and its abbreviations / typo aliases.
pub const NPM_INSTALL_VERBS: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// A parsed Node package install: `npm install|i|add …`, `yarn add …`, `yarn global add …`,
/// `pnpm add|install|i …`.
#[derive(Debug, Clone)]
pub struct NodeInstall<'a> {
    /// `npm`, `yarn` or `pnpm`.
    pub tool: String,
    /// The command as a phrase for messages (`npm i`, `yarn global add`).
    pub verb: String,
    pub verb_word: &'a ShWord,
    /// `-g`, `--global`, `--location=global` or `yarn global`.
    pub global: bool,
    /// Package arguments.
    pub packages: Vec<&'a ShWord>,
    pub args: ParsedArgs<'a>,
}

pub fn node_install<'a>(inv: &Invocation<'a>) -> Option<NodeInstall<'a>> {
    let tool = inv.name();
    if !matches!(tool.as_str(), "npm" | "yarn" | "pnpm") {
        return None;
    }
    let args = parse_args(inv.args, &NPM_OPTS);
    let first = *args.operands.first()?;
    let sub = first.text.to_ascii_lowercase();
    let global = args.has(&["g", "global"])
        || args
            .value(&["location"])
            .is_some_and(|v| v.text == "global")
        || (tool == "yarn" && sub == "global");
    let (verb, verb_word, skip) = match (tool.as_str(), sub.as_str()) {
        ("npm", s) if NPM_INSTALL_VERBS.contains(&s) => (format!("npm {}", first.text), first, 1),
        ("yarn", "global") => {
            let add = *args.operands.get(1)?;
            if add.text != "add" {
                return None;
            }
            ("yarn global add".to_string(), add, 2)
        }
        ("yarn", "add") => ("yarn add".to_string(), first, 1),
        ("pnpm", "add" | "install" | "i") => (format!("pnpm {}", first.text), first, 1),
        _ => return None,
    };
    let packages = args.operands.get(skip..).unwrap_or(&[]).to_vec();
    Some(NodeInstall {
        tool: tool.into_owned(),
        verb,
        verb_word,
        global,
        packages,
        args,
    })
}

/// Value-taking options of `go` subcommands (single dash, `-flag=value` or `-flag value`).
pub const GO_OPTS: OptSpec = OptSpec {
    values: Values::Listed(&[
        "ldflags",
        "gcflags",
        "asmflags",
        "gccgoflags",
        "tags",
        "mod",
        "modfile",
        "p",
        "buildmode",
        "compiler",
        "installsuffix",
        "overlay",
        "pkgdir",
        "toolexec",
        "pgo",
        "C",
        "o",
        "buildvcs",
        "covermode",
        "coverpkg",
    ]),
    short_clusters: false,
    case_insensitive: false,
    numeric_options: false,
    value_params: &[],
};

/// Value-taking options of `gem install` / `gem update`.
pub const GEM_OPTS: OptSpec = OptSpec::posix(&[
    "v",
    "version",
    "i",
    "install-dir",
    "n",
    "bindir",
    "document",
    "s",
    "source",
    "p",
    "http-proxy",
    "platform",
    "P",
    "trust-policy",
    "g",
    "file",
    "build-root",
    "config-file",
    "without",
    "target-rbconfig",
]);

/// Value-taking options of `cargo install`.
pub const CARGO_OPTS: OptSpec = OptSpec::posix(&[
    "version",
    "vers",
    "git",
    "branch",
    "tag",
    "rev",
    "path",
    "root",
    "index",
    "registry",
    "features",
    "F",
    "j",
    "jobs",
    "target",
    "target-dir",
    "profile",
    "bin",
    "example",
    "Z",
    "config",
    "color",
]);

/// Splits `s` at the first of `ops` chars into `(name, operator, version)`; the operator is the
/// run of operator chars. `None` when there is no operator.
pub(super) fn split_operator<'s>(s: &'s str, ops: &[u8]) -> Option<(&'s str, &'s str, &'s str)> {
    let at = s.bytes().position(|b| ops.contains(&b))?;
    let len = s.get(at..)?.bytes().take_while(|b| ops.contains(b)).count();
    Some((s.get(..at)?, s.get(at..at + len)?, s.get(at + len..)?))
}

/// Parts of a Debian package argument `name[:arch][/release][=version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptSpec<'a> {
    pub name: &'a str,
    pub arch: Option<&'a str>,
    /// Target release (`curl/bookworm-backports`).
    pub release: Option<&'a str>,
    /// Version after `=` (may contain `*` or a variable).
    pub version: Option<&'a str>,
}

pub fn apt_spec(spec: &str) -> AptSpec<'_> {
    let (head, version) = match spec.split_once('=') {
        Some((h, v)) => (h, (!v.is_empty()).then_some(v)),
        None => (spec, None),
    };
    let (head, release) = match head.split_once('/') {
        Some((h, r)) => (h, (!r.is_empty()).then_some(r)),
        None => (head, None),
    };
    let (name, arch) = match head.split_once(':') {
        Some((n, a)) => (n, (!a.is_empty()).then_some(a)),
        None => (head, None),
    };
    AptSpec {
        name,
        arch,
        release,
        version,
    }
}

/// Parts of an Alpine package argument `name[@tag][op version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApkSpec<'a> {
    pub name: &'a str,
    /// Repository tag (`curl@edge`).
    pub tag: Option<&'a str>,
    /// `=`, `~`, `~=`, `>`, `>=`, `<`, `<=`, `><`.
    pub op: Option<&'a str>,
    pub version: Option<&'a str>,
}

pub fn apk_spec(spec: &str) -> ApkSpec<'_> {
    let (head, op, version) = match split_operator(spec, b"=~<>") {
        Some((h, o, v)) => (h, Some(o), (!v.is_empty()).then_some(v)),
        None => (spec, None, None),
    };
    let (name, tag) = match head.split_once('@') {
        Some((n, t)) => (n, (!t.is_empty()).then_some(t)),
        None => (head, None),
    };
    // `name=1.2@edge`: the tag may follow the version too.
    let (version, tag) = match (version.and_then(|v| v.split_once('@')), tag) {
        (Some((v, t)), None) => (Some(v), Some(t)),
        _ => (version, tag),
    };
    ApkSpec {
        name,
        tag,
        op,
        version,
    }
}

/// Parts of an RPM-family package argument: `name`, `name-version[-release][.arch]`,
/// `name=version`, `name >= version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmSpec<'a> {
    pub name: &'a str,
    /// `None` for the `name-version` form (exact), else the operator.
    pub op: Option<&'a str>,
    pub version: Option<&'a str>,
}

pub fn rpm_spec(spec: &str) -> RpmSpec<'_> {
    let spec = spec.trim();
    if let Some((name, op, ver)) = split_operator(spec, b"=<>") {
        let ver = ver.trim();
        return RpmSpec {
            name: name.trim(),
            op: Some(op),
            version: (!ver.is_empty()).then_some(ver),
        };
    }
    match rpm_name_version(spec) {
        Some((name, ver)) => RpmSpec {
            name,
            op: None,
            version: Some(ver),
        },
        None => RpmSpec {
            name: spec,
            op: None,
            version: None,
        },
    }
}

/// Parts of a pip requirement `name[extras] specifier ; marker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipRequirement<'a> {
    pub name: &'a str,
    /// Text inside `[...]`, if any.
    pub extras: Option<&'a str>,
    /// Version specifier as written (`==2.32.3`, `>=2,<3`), trimmed; `None` when absent.
    pub specifier: Option<&'a str>,
    pub marker: Option<&'a str>,
}

/// Splits a named pip requirement. `None` for paths, URLs, archives and VCS references (see
/// [`pip_pin`]'s `Artifact`) and for empty input.
pub fn pip_requirement(spec: &str) -> Option<PipRequirement<'_>> {
    if pip_pin(spec) == Pin::Artifact {
        return None;
    }
    let (req, marker) = match spec.split_once(';') {
        Some((r, m)) => (r, Some(m.trim()).filter(|m| !m.is_empty())),
        None => (spec, None),
    };
    let req = req.trim();
    let name_end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = req.get(..name_end)?;
    if name.is_empty() {
        return None;
    }
    let mut rest = req.get(name_end..)?.trim_start();
    let mut extras = None;
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        extras = after.get(..close).map(str::trim).filter(|e| !e.is_empty());
        rest = after.get(close + 1..)?.trim_start();
    }
    let specifier = Some(rest.trim()).filter(|s| !s.is_empty());
    if let Some(s) = specifier
        && !s.starts_with(['=', '<', '>', '~', '!'])
    {
        return None;
    }
    Some(PipRequirement {
        name,
        extras,
        specifier,
        marker,
    })
}

/// Splits an npm package argument `name@version` / `@scope/name@version` into name and
/// version text (the last `@` that is not the scope's leading `@`).
pub fn npm_name_version(spec: &str) -> (&str, Option<&str>) {
    match spec.get(1..).and_then(|s| s.rfind('@')).map(|p| p + 1) {
        Some(at) => (
            spec.get(..at).unwrap_or(spec),
            spec.get(at + 1..).filter(|v| !v.is_empty()),
        ),
        None => (spec, None),
    }
}
