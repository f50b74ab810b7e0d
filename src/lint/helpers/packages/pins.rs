//! How precisely a package argument fixes the installed version, per ecosystem.

/// How precisely a package argument fixes the version that gets installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// One exact version (`curl=8.5.0-2`, `requests==2.32.3`, `typescript@5.6.3`).
    Exact,
    /// A version series the package manager matches by prefix (`curl=8.5.*`, apk `curl~8.11`).
    /// OS package mirrors drop superseded builds, so the rules accept this as a pin.
    Series,
    /// A version range (`>=1.2`, `~=1.2`, `^5`, `@5`): still floats.
    Range,
    /// No version at all (or a moving tag such as `@latest`).
    Unpinned,
    /// A local file, directory, URL or VCS reference: the artifact itself fixes the version.
    Artifact,
    /// Built from a variable (`$PKGS`, `${PKG}=1`): cannot be judged.
    Unknown,
}

impl Pin {
    /// Whether a rule about unpinned packages should report this spec.
    pub fn floats(self) -> bool {
        matches!(self, Pin::Range | Pin::Unpinned)
    }
}

pub(super) fn has_var(s: &str) -> bool {
    s.contains('$') || s.contains('`') || s.contains('%')
}

/// Path or URL rather than a package name.
pub fn is_path_or_url(s: &str) -> bool {
    s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.starts_with('\\')
        || s.contains("://")
        || s.get(1..3).is_some_and(|p| p == ":\\" || p == ":/")
}

pub(super) fn ends_with_ci(s: &str, suffixes: &[&str]) -> bool {
    let l = s.to_ascii_lowercase();
    suffixes.iter().any(|x| l.ends_with(x))
}

/// A Debian-family package argument: `pkg`, `pkg=1.2-3`, `pkg=1.2.*`, `pkg:amd64=1.2`,
/// `pkg/bookworm-backports` (a release, not a version), `./x.deb`.
pub fn apt_pin(spec: &str) -> Pin {
    if is_path_or_url(spec) || ends_with_ci(spec, &[".deb"]) {
        return Pin::Artifact;
    }
    match spec.split_once('=') {
        Some((name, ver)) => {
            if has_var(name) {
                Pin::Unknown
            } else if ver.is_empty() {
                Pin::Unpinned
            } else if ver.contains('*') {
                Pin::Series
            } else {
                Pin::Exact
            }
        }
        None if has_var(spec) => Pin::Unknown,
        None => Pin::Unpinned,
    }
}

/// An Alpine package argument: `pkg`, `pkg=1.2.3-r0`, `pkg~1.2` / `pkg~=1.2` (fuzzy: a series),
/// `pkg>1.2`, `pkg<=2` (ranges), `x.apk`.
pub fn apk_pin(spec: &str) -> Pin {
    if is_path_or_url(spec) || ends_with_ci(spec, &[".apk"]) {
        return Pin::Artifact;
    }
    let Some(op_at) = spec.find(['=', '~', '<', '>']) else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, rest) = spec.split_at(op_at);
    if has_var(name) {
        return Pin::Unknown;
    }
    let op_len = rest
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'~' | b'<' | b'>'))
        .count();
    let (op, ver) = rest.split_at(op_len);
    if ver.is_empty() {
        return Pin::Unpinned;
    }
    match op {
        "=" if !ver.contains('*') => Pin::Exact,
        "=" | "~" | "~=" => Pin::Series,
        _ => Pin::Range,
    }
}

/// An RPM-family (yum/dnf/microdnf/zypper) package argument: `git`, `git-2.43.5`,
/// `git-2.43.5-1.el9`, `git-0:2.43.5-1.el9.x86_64`, zypper `git=2.43.5`, `git>=2` (range),
/// `'git >= 2'`, `@group`, `x.rpm`, file provides (`/usr/bin/x`), capabilities (`x(y)`).
pub fn rpm_pin(spec: &str) -> Pin {
    let spec = spec.trim();
    if is_path_or_url(spec)
        || ends_with_ci(spec, &[".rpm"])
        || spec.starts_with('@')
        || spec.contains('(')
    {
        return Pin::Artifact;
    }
    if let Some(op_at) = spec.find(['=', '<', '>']) {
        let (name, rest) = spec.split_at(op_at);
        if has_var(name) {
            return Pin::Unknown;
        }
        let op_len = rest
            .bytes()
            .take_while(|b| matches!(b, b'=' | b'<' | b'>'))
            .count();
        let (op, ver) = rest.split_at(op_len);
        let ver = ver.trim();
        if ver.is_empty() {
            return Pin::Unpinned;
        }
        return match op {
            "=" | "==" if ver.contains('*') => Pin::Series,
            "=" | "==" => Pin::Exact,
            _ => Pin::Range,
        };
    }
    if has_var(spec) {
        return Pin::Unknown;
    }
    if rpm_name_version(spec).is_some() {
        if spec.contains('*') {
            Pin::Series
        } else {
            Pin::Exact
        }
    } else {
        Pin::Unpinned
    }
}

/// RPM package families whose names end in a `-MAJOR.MINOR` of their own (`dotnet-sdk-8.0`,
/// `aspnetcore-runtime-9.0`, as Fedora, RHEL and Azure Linux name .NET): that component belongs
/// to the name, not to a version.
const VERSIONED_NAME_FAMILIES: &[&str] = &["dotnet-", "aspnetcore-", "netstandard-"];

/// `MAJOR.MINOR`, both numeric.
fn is_major_minor(s: &str) -> bool {
    s.split_once('.').is_some_and(|(a, b)| {
        [a, b]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    })
}

/// Splits `name-version[-release][.arch]` at the dash that starts the version: the remainder is
/// `[epoch:]version` optionally followed by `-release`, both starting with a digit
/// (`java-17-openjdk` has no version; `java-17-openjdk-17.0.9-2.el9` has; `dotnet-sdk-8.0` is
/// a name, see [`VERSIONED_NAME_FAMILIES`]).
pub fn rpm_name_version(spec: &str) -> Option<(&str, &str)> {
    let bytes = spec.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b'-' || i == 0 {
            continue;
        }
        let rest = spec.get(i + 1..)?;
        let mut parts = rest.split('-');
        let ver = parts.next().unwrap_or("");
        let rel = parts.next();
        if parts.next().is_some() {
            continue;
        }
        let name = &spec[..i];
        if is_major_minor(ver)
            && VERSIONED_NAME_FAMILIES
                .iter()
                .any(|f| name.len() > f.len() && name.starts_with(f))
        {
            continue;
        }
        let ver_body = match ver.split_once(':') {
            Some((epoch, v)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => ver,
        };
        let ok = |s: &str| {
            s.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && s.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'.' | b'_' | b'+' | b'~' | b'^' | b'*')
                })
        };
        if ok(ver_body) && rel.is_none_or(ok) {
            return Some((&spec[..i], rest));
        }
    }
    None
}

/// A pip requirement argument: `requests`, `requests==2.32.3`, `requests===2.32.3`,
/// `requests[socks]==2.32.3`, `requests>=2` / `~=2.3` / `==2.*` (ranges), `./pkg`, `x.whl`,
/// `git+https://…`, `name @ https://…`. Environment markers after `;` are ignored.
pub fn pip_pin(spec: &str) -> Pin {
    let spec = spec.split(';').next().unwrap_or("").trim();
    if spec.is_empty() {
        return Pin::Unknown;
    }
    if is_path_or_url(spec)
        || spec.contains('@')
        || spec.starts_with("git+")
        || ends_with_ci(spec, &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"])
    {
        return Pin::Artifact;
    }
    let Some(op_at) = spec.find(['=', '<', '>', '~', '!']) else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, rest) = spec.split_at(op_at);
    if has_var(name) {
        return Pin::Unknown;
    }
    if rest.contains(',') {
        // `>=1,<2` — always a range; `==1.2,!=1.2.1` odd but still one version at most.
        return if rest.starts_with("==") && !rest.contains('*') {
            Pin::Exact
        } else {
            Pin::Range
        };
    }
    let op_len = rest
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'<' | b'>' | b'~' | b'!'))
        .count();
    let (op, ver) = rest.split_at(op_len);
    let ver = ver.trim();
    if ver.is_empty() {
        return Pin::Unpinned;
    }
    match op {
        "===" => Pin::Exact,
        "==" if !ver.contains('*') => Pin::Exact,
        _ => Pin::Range,
    }
}

/// `MAJOR.MINOR.PATCH` with optional `-prerelease` / `+build` (an exact semver).
pub fn is_exact_semver(v: &str) -> bool {
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('='))
        .unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An npm/yarn/pnpm package argument: `typescript`, `typescript@5.6.3`, `@scope/pkg@1.2.3`,
/// `typescript@^5` / `@5` / `@latest` (range or moving tag), tarballs, paths, git URLs.
pub fn npm_pin(spec: &str) -> Pin {
    if is_path_or_url(spec)
        || spec.starts_with("git+")
        || spec.starts_with("github:")
        || spec.starts_with("file:")
        || ends_with_ci(spec, &[".tgz", ".tar.gz"])
    {
        return Pin::Artifact;
    }
    // The version separator is the last `@` that is not the scope's leading `@`.
    let at = spec.get(1..).and_then(|s| s.rfind('@')).map(|p| p + 1);
    let Some(at) = at else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, ver) = (&spec[..at], &spec[at + 1..]);
    if has_var(name) {
        return Pin::Unknown;
    }
    if ver.contains('/') && !ver.contains(' ') {
        // `pkg@github-user/repo` style
        return Pin::Artifact;
    }
    if has_var(ver) {
        return Pin::Unknown;
    }
    if ver.is_empty() || ver.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
        // `pkg@`, `pkg@latest`, `pkg@next`: dist-tags move.
        return Pin::Unpinned;
    }
    if is_exact_semver(ver) {
        Pin::Exact
    } else {
        Pin::Range
    }
}

/// A NuGet version given to `--version` / `-RequiredVersion` / `-Version`: exact when it is a
/// plain version or a range of one (`[1.2.3]`), else a range or floating (`[1.0,2.0)`, `1.*`,
/// `(,2.0]`).
pub fn nuget_version_pin(v: &str) -> Pin {
    let v = v.trim();
    if v.is_empty() {
        Pin::Unpinned
    } else if has_var(v) {
        Pin::Unknown
    } else if nuget_exact_version(v).is_some() {
        Pin::Exact
    } else {
        Pin::Range
    }
}

/// The version a NuGet version text fixes: `1.2.3`, or the `1.2.3` of `[1.2.3]`.
pub fn nuget_exact_version(v: &str) -> Option<&str> {
    let v = v.trim();
    let inner = v
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .map_or(v, str::trim);
    (!inner.is_empty() && !has_var(inner) && !inner.contains(['[', '(', ',', '*', ']', ')']))
        .then_some(inner)
}
