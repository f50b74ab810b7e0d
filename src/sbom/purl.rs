//! Package URLs (purl, ECMA-427): a small builder that renders the canonical string form, and
//! [`for_component`], which maps an SBOM [`Component`] to its purl.
//!
//! Rendering follows the purl specification's "how to build" procedure: the type is lowercase
//! and never encoded; namespace segments, name, version and qualifier values are UTF-8 and
//! percent-encoded except for ASCII letters and digits, `.-_~` and `:`; qualifiers with empty
//! values are dropped, keys are lowercased and sorted; subpath segments `""`, `.` and `..` are
//! discarded.
//!
//! Per-ecosystem choices (type definitions of the purl-spec repository):
//!
//! | ecosystem | purl |
//! |---|---|
//! | NuGet | `pkg:nuget/Newtonsoft.Json@13.0.3` — id keeps its declared casing (NuGet ids are case-preserving, matched case-insensitively) |
//! | npm | `pkg:npm/%40scope/name@1.0.0` — the scope is the namespace, its `@` percent-encoded |
//! | PyPI | `pkg:pypi/django-package@1.11.1` — name lowercased, `_` replaced by `-` |
//! | Go | `pkg:golang/github.com/gorilla/context@v1.1.1` — module path minus its last element is the namespace; case is kept, because Go module paths are case-sensitive (`github.com/Azure/…`) |
//! | crates.io, RubyGems | `pkg:cargo/…`, `pkg:gem/…` |
//! | Debian, Alpine, RPM | `pkg:deb/debian/curl@7.88.1-10`, `pkg:apk/alpine/curl@8.5.0-r0`, `pkg:rpm/fedora/curl@…` — the vendor namespace comes from the component's namespace, its `vendor` property or its `distro` property (deb and apk fall back to `debian` / `alpine`; an RPM with no known vendor has no namespace); `distro` and `arch` qualifiers only when the component carries them |
//! | container images | registry from the name or the `registry` property, digest from the reference, the version, a `digest` property or a SHA-2 hash. Tag only: `pkg:docker/library/node@22` (`repository_url` qualifier for registries other than Docker Hub); pinned by digest: `pkg:oci/node@sha256:…?repository_url=docker.io/library/node&tag=22`. The `oci` type is chosen for digests because its version *is* the digest and it names the repository in full; the `docker` type is the one that allows a tag as the version. |
//! | Chocolatey, PowerShell Gallery | no purl type exists for either (checked against the purl-spec type index), so `pkg:generic/git@2.45.1?repository_url=https://community.chocolatey.org/api/v2/` — the feed is the component's `source` property when it is a URL, the public feed when there is none or it names the default repository (`chocolatey`, `PSGallery`), and no qualifier for another repository's name |
//! | .NET SDK, downloaded files | `pkg:generic/…`, with `download_url` and `checksum` qualifiers for files |
//!
//! Versions: only an exact version becomes the purl version. Ranges, floating versions and
//! unpinned installs give a purl *without* a version (a range is not a version), except for
//! container tags, which are the image's version as written.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use super::model::{Component, Ecosystem, VersionSpec};

/// Public Chocolatey community feed.
pub const CHOCOLATEY_FEED: &str = "https://community.chocolatey.org/api/v2/";
/// Public PowerShell Gallery feed.
pub const POWERSHELL_GALLERY_FEED: &str = "https://www.powershellgallery.com/api/v2";

/// Why a purl could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PurlError {
    #[error(
        "invalid purl type `{0}`: ASCII letters, digits, `.`, `+`, `-`, starting with a letter"
    )]
    InvalidType(String),
    #[error("a purl needs a non-empty name")]
    EmptyName,
    #[error(
        "invalid qualifier key `{0}`: ASCII letters, digits, `.`, `-`, `_`, starting with a letter"
    )]
    InvalidQualifierKey(String),
}

/// A Package URL. Build with [`Purl::new`] and the `with_*` methods; `to_string()` gives the
/// canonical form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Purl {
    ty: String,
    namespace: Vec<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Vec<String>,
}

impl Purl {
    /// A purl of type `ty` (case-insensitive; stored lowercase) and `name` (leading and
    /// trailing `/` are not significant and are stripped).
    pub fn new(ty: &str, name: &str) -> Result<Self, PurlError> {
        let valid_type = ty.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && ty
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'));
        if !valid_type {
            return Err(PurlError::InvalidType(ty.to_string()));
        }
        let name = name.trim_matches('/');
        if name.is_empty() {
            return Err(PurlError::EmptyName);
        }
        Ok(Self {
            ty: ty.to_ascii_lowercase(),
            namespace: Vec::new(),
            name: name.to_string(),
            version: None,
            qualifiers: BTreeMap::new(),
            subpath: Vec::new(),
        })
    }

    /// Sets the namespace; `/` separates segments, empty segments are dropped.
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        self
    }

    /// Sets the version; an empty string means no version.
    #[must_use]
    pub fn with_version(mut self, version: &str) -> Self {
        self.version = (!version.is_empty()).then(|| version.to_string());
        self
    }

    /// Adds (or replaces) a qualifier. Keys are case-insensitive (stored lowercase); an empty
    /// value removes the qualifier.
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Result<Self, PurlError> {
        let valid = key.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !valid {
            return Err(PurlError::InvalidQualifierKey(key.to_string()));
        }
        let key = key.to_ascii_lowercase();
        if value.is_empty() {
            self.qualifiers.remove(&key);
        } else {
            self.qualifiers.insert(key, value.to_string());
        }
        Ok(self)
    }

    /// Sets the subpath; `""`, `.` and `..` segments are discarded.
    #[must_use]
    pub fn with_subpath(mut self, subpath: &str) -> Self {
        self.subpath = subpath
            .split('/')
            .filter(|s| !matches!(*s, "" | "." | ".."))
            .map(str::to_string)
            .collect();
        self
    }

    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// Namespace segments joined with `/` (unencoded), if any.
    pub fn namespace(&self) -> Option<String> {
        (!self.namespace.is_empty()).then(|| self.namespace.join("/"))
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        for seg in &self.namespace {
            write!(f, "{}/", percent_encode(seg))?;
        }
        f.write_str(&percent_encode(&self.name))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", percent_encode(v))?;
        }
        // BTreeMap keys are sorted, which is the canonical qualifier order.
        for (i, (k, v)) in self.qualifiers.iter().enumerate() {
            let sep = if i == 0 { '?' } else { '&' };
            write!(f, "{sep}{k}={}", percent_encode(v))?;
        }
        if !self.subpath.is_empty() {
            let segs: Vec<String> = self.subpath.iter().map(|s| percent_encode(s)).collect();
            write!(f, "#{}", segs.join("/"))?;
        }
        Ok(())
    }
}

/// Percent-encodes a purl component: everything but ASCII letters, digits, `.-_~` and `:`
/// becomes `%XX` (uppercase hex) of its UTF-8 bytes; a space is `%20`.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid escapes and invalid UTF-8 are kept as written).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|h| char::from(*h).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// PyPI name as the purl spec wants it: lowercase, `_` replaced by `-`.
pub fn pypi_name(name: &str) -> String {
    name.trim().to_lowercase().replace('_', "-")
}

/// The purl of a component, or `None` when it has no usable name.
pub fn for_component(c: &Component) -> Option<Purl> {
    build(c).ok()
}

/// The version to put into a purl: exact versions only (container tags are handled apart).
fn exact_version(c: &Component) -> Option<&str> {
    match &c.version {
        VersionSpec::Exact(v) => Some(v.trim()).filter(|v| !v.is_empty()),
        _ => None,
    }
}

fn prop<'a>(c: &'a Component, key: &str) -> Option<&'a str> {
    c.properties
        .get(key)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

fn build(c: &Component) -> Result<Purl, PurlError> {
    let name = c.name.trim();
    let ns = c
        .namespace
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let versioned = |p: Purl| match exact_version(c) {
        Some(v) => p.with_version(v),
        None => p,
    };
    match c.ecosystem {
        Ecosystem::NuGet | Ecosystem::Cargo | Ecosystem::RubyGems => {
            let full = match ns {
                Some(ns) => format!("{ns}/{name}"),
                None => name.to_string(),
            };
            Ok(versioned(Purl::new(c.ecosystem.purl_type(), &full)?))
        }
        Ecosystem::Npm => {
            let (scope, bare) = match ns {
                Some(ns) => (Some(ns.to_string()), name),
                None => match name.strip_prefix('@').and_then(|r| r.split_once('/')) {
                    Some((scope, bare)) => (Some(scope.to_string()), bare),
                    None => (None, name),
                },
            };
            let mut p = Purl::new("npm", bare)?;
            if let Some(scope) = scope {
                let scope = scope.trim_start_matches('@');
                if !scope.is_empty() {
                    p = p.with_namespace(&format!("@{scope}"));
                }
            }
            Ok(versioned(p))
        }
        Ecosystem::PyPI => {
            let full = match ns {
                Some(ns) => format!("{ns}/{name}"),
                None => name.to_string(),
            };
            Ok(versioned(Purl::new("pypi", &pypi_name(&full))?))
        }
        Ecosystem::Go => {
            let full = match ns {
                Some(ns) => format!("{}/{}", ns.trim_end_matches('/'), name),
                None => name.to_string(),
            };
            let full = full.trim_matches('/');
            let p = match full.rsplit_once('/') {
                Some((ns, n)) => Purl::new("golang", n)?.with_namespace(ns),
                None => Purl::new("golang", full)?,
            };
            Ok(versioned(p))
        }
        Ecosystem::Debian | Ecosystem::Alpine | Ecosystem::Rpm => os_package(c, name, ns),
        Ecosystem::Chocolatey => {
            let p = versioned(Purl::new("generic", &name.to_ascii_lowercase())?);
            match feed_url(prop(c, "source"), "chocolatey", CHOCOLATEY_FEED) {
                Some(feed) => p.with_qualifier("repository_url", feed),
                None => Ok(p),
            }
        }
        Ecosystem::PowerShellGallery => {
            let p = versioned(Purl::new("generic", name)?);
            match feed_url(prop(c, "source"), "PSGallery", POWERSHELL_GALLERY_FEED) {
                Some(feed) => p.with_qualifier("repository_url", feed),
                None => Ok(p),
            }
        }
        Ecosystem::DotnetSdk => {
            let mut p = versioned(Purl::new("generic", name)?);
            if let Some(ns) = ns {
                p = p.with_namespace(ns);
            }
            Ok(p)
        }
        Ecosystem::Container => container(c),
        Ecosystem::File => file(c, name),
    }
}

/// deb / apk / rpm.
/// The `repository_url` of a package installed from `source` (`--source`, `-Repository`): the
/// default feed when there is none or it names the default repository (`default_name`), the URL
/// when it is one, and nothing for another registered repository's name (its URL is not known
/// from the Dockerfile).
fn feed_url<'s>(
    source: Option<&'s str>,
    default_name: &str,
    default_feed: &'s str,
) -> Option<&'s str> {
    match source {
        None => Some(default_feed),
        Some(s) if s.eq_ignore_ascii_case(default_name) => Some(default_feed),
        Some(s) if s.contains("://") => Some(s),
        Some(_) => None,
    }
}

fn os_package(c: &Component, name: &str, ns: Option<&str>) -> Result<Purl, PurlError> {
    let distro = prop(c, "distro");
    let vendor = ns
        .map(str::to_string)
        .or_else(|| prop(c, "vendor").map(str::to_string))
        .or_else(|| distro.and_then(vendor_of_distro))
        .map(|v| v.to_lowercase())
        .or_else(|| match c.ecosystem {
            Ecosystem::Debian => Some("debian".to_string()),
            Ecosystem::Alpine => Some("alpine".to_string()),
            _ => None,
        });
    // deb and apk names are case-insensitive and lowercased; RPM names are case-sensitive.
    let name = match c.ecosystem {
        Ecosystem::Rpm => name.to_string(),
        _ => name.to_lowercase(),
    };
    let mut p = Purl::new(c.ecosystem.purl_type(), &name)?;
    if let Some(v) = vendor {
        p = p.with_namespace(&v);
    }
    let mut p = match exact_version(c) {
        Some(v) => p.with_version(v),
        None => p,
    };
    if let Some(d) = distro {
        p = p.with_qualifier("distro", d)?;
    }
    if let Some(a) = prop(c, "arch") {
        p = p.with_qualifier("arch", a)?;
    }
    if let Some(e) = prop(c, "epoch") {
        p = p.with_qualifier("epoch", e)?;
    }
    Ok(p)
}

/// Vendor namespace for a `distro` value such as `ubuntu-22.04`, `debian-12`, `bookworm`,
/// `alpine-3.20`, `fedora-40`, `rhel-9`.
fn vendor_of_distro(distro: &str) -> Option<String> {
    let d = distro.to_ascii_lowercase();
    let id = d.split(['-', ':', '/', ' ']).next().unwrap_or("");
    let vendor = match id {
        "debian" | "buster" | "bullseye" | "bookworm" | "trixie" | "forky" | "sid" => "debian",
        "ubuntu" | "focal" | "jammy" | "noble" | "oracular" | "plucky" | "bionic" => "ubuntu",
        "alpine" => "alpine",
        "wolfi" => "wolfi",
        "fedora" => "fedora",
        "rhel" | "redhat" | "ubi" => "redhat",
        "centos" => "centos",
        "rocky" => "rocky",
        "almalinux" | "alma" => "almalinux",
        "amzn" | "amazonlinux" | "amazon" => "amazon",
        "ol" | "oraclelinux" | "oracle" => "oracle",
        "opensuse" | "sles" | "suse" => "opensuse",
        "mariner" | "cbl" | "azurelinux" => "microsoft",
        _ => return None,
    };
    Some(vendor.to_string())
}

/// A parsed image reference: registry host, repository path, tag, digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageParts {
    /// Registry host (`docker.io` when none was written).
    pub registry: String,
    /// Repository path without the registry (`library/node` for Docker Hub official images).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageParts {
    /// Splits `[registry/]path[:tag][@digest]`. Docker Hub names get their implicit
    /// `library/` prefix. Returns `None` for an empty repository.
    pub fn parse(reference: &str) -> Option<Self> {
        let r = reference.trim();
        let (rest, digest) = match r.split_once('@') {
            Some((a, d)) => (a, Some(d.to_string()).filter(|d| !d.is_empty())),
            None => (r, None),
        };
        // A tag is a `:` after the last `/` (a `:` before it is a registry port).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match rest.get(last_slash..).and_then(|t| t.rfind(':')) {
            Some(i) => {
                let at = last_slash + i;
                (
                    rest.get(..at).unwrap_or(rest),
                    rest.get(at + 1..)
                        .map(str::to_string)
                        .filter(|t| !t.is_empty()),
                )
            }
            None => (rest, None),
        };
        let (registry, repository) = split_registry(path);
        if repository.is_empty() {
            return None;
        }
        Some(Self {
            registry,
            repository,
            tag,
            digest,
        })
    }

    pub fn is_docker_hub(&self) -> bool {
        is_docker_hub(&self.registry)
    }
}

fn is_docker_hub(registry: &str) -> bool {
    matches!(
        registry.to_ascii_lowercase().as_str(),
        "docker.io" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com"
    )
}

/// `(registry, repository)` of an image name without tag/digest.
fn split_registry(path: &str) -> (String, String) {
    let path = path.trim_matches('/');
    let (registry, repo) = match path.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_ascii_lowercase(), rest.to_string())
        }
        _ => ("docker.io".to_string(), path.to_string()),
    };
    let repo = if is_docker_hub(&registry) && !repo.is_empty() && !repo.contains('/') {
        format!("library/{repo}")
    } else {
        repo
    };
    let registry = if is_docker_hub(&registry) {
        "docker.io".to_string()
    } else {
        registry
    };
    (registry, repo)
}

/// Container images: `pkg:docker` for tags, `pkg:oci` for digests.
fn container(c: &Component) -> Result<Purl, PurlError> {
    let full = match c
        .namespace
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(ns) => format!("{}/{}", ns.trim_end_matches('/'), c.name.trim()),
        None => c.name.trim().to_string(),
    };
    let mut img = ImageParts::parse(&full).ok_or(PurlError::EmptyName)?;
    if let Some(r) = prop(c, "registry") {
        let (registry, _) = split_registry(&format!("{r}/x"));
        img.registry = registry;
    }
    let version_text = match &c.version {
        VersionSpec::Exact(v) | VersionSpec::Floating(v) | VersionSpec::Range(v) => {
            Some(v.trim()).filter(|v| !v.is_empty())
        }
        VersionSpec::Unpinned => None,
    };
    if let Some(v) = version_text {
        if is_digest(v) {
            img.digest.get_or_insert_with(|| v.to_string());
        } else if !matches!(c.version, VersionSpec::Range(_)) {
            img.tag.get_or_insert_with(|| v.to_string());
        }
    }
    if img.digest.is_none() {
        // An image digest recorded as the component's hash.
        img.digest = c.hashes.iter().find_map(|(alg, hex)| {
            let alg = checksum_alg(alg).filter(|a| a.starts_with("sha") && *a != "sha1")?;
            let hex = hex.trim();
            (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| format!("{alg}:{}", hex.to_ascii_lowercase()))
        });
    }
    if let Some(d) = prop(c, "digest") {
        img.digest = Some(d.to_string());
    }
    if let Some(t) = prop(c, "tag") {
        img.tag = Some(t.to_string());
    }
    let (path_ns, last) = match img.repository.rsplit_once('/') {
        Some((ns, n)) => (Some(ns), n),
        None => (None, img.repository.as_str()),
    };
    match &img.digest {
        Some(digest) => {
            let mut p = Purl::new("oci", &last.to_lowercase())?
                .with_version(&digest.to_ascii_lowercase())
                .with_qualifier(
                    "repository_url",
                    &format!("{}/{}", img.registry, img.repository),
                )?;
            if let Some(t) = &img.tag {
                p = p.with_qualifier("tag", t)?;
            }
            if let Some(a) = prop(c, "arch") {
                p = p.with_qualifier("arch", a)?;
            }
            Ok(p)
        }
        None => {
            let mut p = Purl::new("docker", last)?;
            if let Some(ns) = path_ns {
                p = p.with_namespace(ns);
            }
            if let Some(t) = &img.tag {
                p = p.with_version(t);
            }
            if !img.is_docker_hub() {
                p = p.with_qualifier("repository_url", &img.registry)?;
            }
            Ok(p)
        }
    }
}

fn is_digest(v: &str) -> bool {
    v.split_once(':').is_some_and(|(alg, hex)| {
        matches!(
            alg.to_ascii_lowercase().as_str(),
            "sha256" | "sha384" | "sha512"
        ) && !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Downloaded files: `pkg:generic/<file name>` with the URL and checksum as qualifiers.
fn file(c: &Component, name: &str) -> Result<Purl, PurlError> {
    let from_url = c.url.as_deref().and_then(|u| {
        let no_query = u.split(['?', '#']).next().unwrap_or(u);
        no_query
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty() && !no_query.ends_with("://"))
            .map(percent_decode)
    });
    let name = if name.is_empty() {
        from_url.unwrap_or_default()
    } else {
        name.to_string()
    };
    let mut p = Purl::new("generic", &name)?;
    if let Some(v) = exact_version(c) {
        p = p.with_version(v);
    }
    if let Some(u) = c.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        p = p.with_qualifier("download_url", u)?;
    }
    let mut sums: Vec<String> = c
        .hashes
        .iter()
        .filter_map(|(alg, hex)| {
            let alg = checksum_alg(alg)?;
            let hex = hex.trim();
            (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| format!("{alg}:{}", hex.to_ascii_lowercase()))
        })
        .collect();
    sums.sort();
    sums.dedup();
    if !sums.is_empty() {
        p = p.with_qualifier("checksum", &sums.join(","))?;
    }
    Ok(p)
}

/// `SHA-256` → `sha256` (purl checksum algorithm names).
fn checksum_alg(alg: &str) -> Option<&'static str> {
    let a: String = alg
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match a.as_str() {
        "md5" => "md5",
        "sha1" => "sha1",
        "sha256" => "sha256",
        "sha384" => "sha384",
        "sha512" => "sha512",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::model::{ComponentType, Scope};

    fn comp(eco: Ecosystem, ns: Option<&str>, name: &str, v: VersionSpec) -> Component {
        Component {
            ecosystem: eco,
            component_type: ComponentType::Library,
            name: name.into(),
            namespace: ns.map(Into::into),
            version: v,
            scope: Scope::Required,
            direct: true,
            hashes: Vec::new(),
            url: None,
            evidence: Vec::new(),
            properties: BTreeMap::new(),
        }
    }
    fn exact(v: &str) -> VersionSpec {
        VersionSpec::Exact(v.into())
    }
    fn purl(c: &Component) -> String {
        for_component(c).map(|p| p.to_string()).unwrap_or_default()
    }

    // Build cases from the purl-spec test suite (tests/types/*.json, tests/spec).
    #[test]
    fn spec_build_cases() {
        let p = Purl::new("npm", "animation")
            .unwrap()
            .with_namespace("@angular")
            .with_version("12.3.1");
        assert_eq!(p.to_string(), "pkg:npm/%40angular/animation@12.3.1");
        let p = Purl::new("npm", "mypackage")
            .unwrap()
            .with_version("12.4.5")
            .with_qualifier("vcs_url", "git://host.com/path/to/repo.git@4345abcd34343")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:npm/mypackage@12.4.5?vcs_url=git:%2F%2Fhost.com%2Fpath%2Fto%2Frepo.git%404345abcd34343"
        );
        let p = Purl::new("docker", "dockerimage")
            .unwrap()
            .with_namespace("customer")
            .with_version("sha256:244fd47e07d10")
            .with_qualifier("repository_url", "gcr.io")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:docker/customer/dockerimage@sha256:244fd47e07d10?repository_url=gcr.io"
        );
        let p = Purl::new("oci", "debian")
            .unwrap()
            .with_version("sha256:244fd47e07d10")
            .with_qualifier("tag", "latest")
            .unwrap()
            .with_qualifier("repository_url", "docker.io/library/debian")
            .unwrap()
            .with_qualifier("ARCH", "amd64")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest"
        );
        let p = Purl::new("golang", "genproto")
            .unwrap()
            .with_namespace("google.golang.org")
            .with_version("abcdedf")
            .with_subpath("/googleapis/./api/../annotations/");
        // `..` is discarded, not resolved.
        assert_eq!(
            p.to_string(),
            "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations"
        );
        let p = Purl::new("deb", "attr")
            .unwrap()
            .with_namespace("debian")
            .with_version("1:2.4.47-2+b1")
            .with_qualifier("arch", "amd64")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64"
        );
        let p = Purl::new("generic", "openssl")
            .unwrap()
            .with_version("1.1.10g")
            .with_qualifier(
                "checksum",
                "sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d",
            )
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d"
        );
        let p = Purl::new("generic", "openssl")
            .unwrap()
            .with_version("1.1.10g")
            .with_qualifier(
                "download_url",
                "https://openssl.org/source/openssl-1.1.0g.tar.gz",
            )
            .unwrap()
            .with_qualifier("checksum", "sha256:de4d501267da")
            .unwrap();
        assert_eq!(
            p.to_string(),
            "pkg:generic/openssl@1.1.10g?checksum=sha256:de4d501267da&download_url=https:%2F%2Fopenssl.org%2Fsource%2Fopenssl-1.1.0g.tar.gz"
        );
    }

    #[test]
    fn invalid_parts_are_errors() {
        assert_eq!(
            Purl::new("1abc", "x"),
            Err(PurlError::InvalidType("1abc".into()))
        );
        assert_eq!(
            Purl::new("np:m", "x"),
            Err(PurlError::InvalidType("np:m".into()))
        );
        assert_eq!(Purl::new("npm", "//"), Err(PurlError::EmptyName));
        assert!(matches!(
            Purl::new("npm", "x")
                .unwrap()
                .with_qualifier("in production", "true"),
            Err(PurlError::InvalidQualifierKey(_))
        ));
        // Empty qualifier values are dropped; the type is lowercased.
        let p = Purl::new("NPM", "x")
            .unwrap()
            .with_qualifier("a", "")
            .unwrap();
        assert_eq!(p.to_string(), "pkg:npm/x");
    }

    #[test]
    fn encoding_of_unicode_spaces_and_separators() {
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("ü"), "%C3%BC");
        assert_eq!(percent_encode("a/b?c#d&e=f@g"), "a%2Fb%3Fc%23d%26e%3Df%40g");
        assert_eq!(percent_encode("1:2.0-x_y~z"), "1:2.0-x_y~z");
        assert_eq!(percent_encode("%"), "%25");
        let c = comp(Ecosystem::NuGet, None, "Ünïcödé.Pkg", exact("1.0.0"));
        assert_eq!(purl(&c), "pkg:nuget/%C3%9Cn%C3%AFc%C3%B6d%C3%A9.Pkg@1.0.0");
    }

    #[test]
    fn nuget_keeps_casing_and_omits_non_exact_versions() {
        let c = comp(Ecosystem::NuGet, None, "Newtonsoft.Json", exact("13.0.3"));
        assert_eq!(purl(&c), "pkg:nuget/Newtonsoft.Json@13.0.3");
        let c = comp(
            Ecosystem::NuGet,
            None,
            "Serilog",
            VersionSpec::Range("[2.0,3.0)".into()),
        );
        assert_eq!(purl(&c), "pkg:nuget/Serilog");
        let c = comp(
            Ecosystem::NuGet,
            None,
            "Serilog",
            VersionSpec::Floating("2.*".into()),
        );
        assert_eq!(purl(&c), "pkg:nuget/Serilog");
        let c = comp(Ecosystem::NuGet, None, "Serilog", VersionSpec::Unpinned);
        assert_eq!(purl(&c), "pkg:nuget/Serilog");
    }

    #[test]
    fn npm_scopes() {
        let c = comp(Ecosystem::Npm, Some("@types"), "node", exact("22.1.0"));
        assert_eq!(purl(&c), "pkg:npm/%40types/node@22.1.0");
        let c = comp(Ecosystem::Npm, Some("types"), "node", exact("22.1.0"));
        assert_eq!(purl(&c), "pkg:npm/%40types/node@22.1.0");
        let c = comp(Ecosystem::Npm, None, "@scope/name", exact("1.0.0"));
        assert_eq!(purl(&c), "pkg:npm/%40scope/name@1.0.0");
        let c = comp(
            Ecosystem::Npm,
            None,
            "left-pad",
            VersionSpec::Range("^1.2".into()),
        );
        assert_eq!(purl(&c), "pkg:npm/left-pad");
    }

    #[test]
    fn pypi_names_are_normalized() {
        let c = comp(
            Ecosystem::PyPI,
            None,
            "Django_package",
            exact("1.11.1.dev1"),
        );
        assert_eq!(purl(&c), "pkg:pypi/django-package@1.11.1.dev1");
        let c = comp(Ecosystem::PyPI, None, "PyYAML", exact("6.0.1"));
        assert_eq!(purl(&c), "pkg:pypi/pyyaml@6.0.1");
    }

    #[test]
    fn golang_module_paths() {
        let c = comp(
            Ecosystem::Go,
            None,
            "github.com/gorilla/context",
            exact("v1.1.1"),
        );
        assert_eq!(purl(&c), "pkg:golang/github.com/gorilla/context@v1.1.1");
        let c = comp(
            Ecosystem::Go,
            Some("github.com/Azure"),
            "azure-sdk-for-go",
            exact("v68.0.0+incompatible"),
        );
        assert_eq!(
            purl(&c),
            "pkg:golang/github.com/Azure/azure-sdk-for-go@v68.0.0%2Bincompatible"
        );
        let c = comp(
            Ecosystem::Go,
            None,
            "golang.org/x/net",
            VersionSpec::Unpinned,
        );
        assert_eq!(purl(&c), "pkg:golang/golang.org/x/net");
    }

    #[test]
    fn cargo_and_gem() {
        assert_eq!(
            purl(&comp(Ecosystem::Cargo, None, "rand", exact("0.7.2"))),
            "pkg:cargo/rand@0.7.2"
        );
        assert_eq!(
            purl(&comp(Ecosystem::RubyGems, None, "rails", exact("7.1.0"))),
            "pkg:gem/rails@7.1.0"
        );
    }

    #[test]
    fn os_packages_vendor_and_distro() {
        let c = comp(Ecosystem::Debian, None, "curl", exact("7.88.1-10+deb12u5"));
        assert_eq!(purl(&c), "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5");
        let mut c = comp(Ecosystem::Debian, None, "Curl", VersionSpec::Unpinned);
        c.properties.insert("distro".into(), "ubuntu-22.04".into());
        assert_eq!(purl(&c), "pkg:deb/ubuntu/curl?distro=ubuntu-22.04");
        let mut c = comp(Ecosystem::Alpine, None, "curl", exact("8.5.0-r0"));
        c.properties.insert("arch".into(), "x86_64".into());
        assert_eq!(purl(&c), "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64");
        let mut c = comp(Ecosystem::Rpm, None, "centerim", exact("4.22.10-1.el6"));
        c.properties.insert("distro".into(), "fedora-25".into());
        c.properties.insert("epoch".into(), "1".into());
        c.properties.insert("arch".into(), "i686".into());
        assert_eq!(
            purl(&c),
            "pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1"
        );
        // RPM with no known vendor: no namespace rather than a guessed one.
        let c = comp(Ecosystem::Rpm, None, "ImageMagick", VersionSpec::Unpinned);
        assert_eq!(purl(&c), "pkg:rpm/ImageMagick");
        let c = comp(
            Ecosystem::Rpm,
            Some("RedHat"),
            "curl",
            VersionSpec::Unpinned,
        );
        assert_eq!(purl(&c), "pkg:rpm/redhat/curl");
    }

    #[test]
    fn chocolatey_and_psgallery_are_generic_with_feed() {
        let c = comp(Ecosystem::Chocolatey, None, "Git", exact("2.45.1"));
        assert_eq!(
            purl(&c),
            "pkg:generic/git@2.45.1?repository_url=https:%2F%2Fcommunity.chocolatey.org%2Fapi%2Fv2%2F"
        );
        let mut c = comp(
            Ecosystem::PowerShellGallery,
            None,
            "PSReadLine",
            exact("2.3.5"),
        );
        assert_eq!(
            purl(&c),
            "pkg:generic/PSReadLine@2.3.5?repository_url=https:%2F%2Fwww.powershellgallery.com%2Fapi%2Fv2"
        );
        c.properties
            .insert("source".into(), "https://proget.example/nuget/ps/".into());
        assert_eq!(
            purl(&c),
            "pkg:generic/PSReadLine@2.3.5?repository_url=https:%2F%2Fproget.example%2Fnuget%2Fps%2F"
        );
        // A repository named by its registration: the default one is the public gallery,
        // another one's URL is unknown (no qualifier rather than a name posing as a URL).
        c.properties.insert("source".into(), "PSGallery".into());
        assert_eq!(
            purl(&c),
            "pkg:generic/PSReadLine@2.3.5?repository_url=https:%2F%2Fwww.powershellgallery.com%2Fapi%2Fv2"
        );
        c.properties.insert("source".into(), "Internal".into());
        assert_eq!(purl(&c), "pkg:generic/PSReadLine@2.3.5");
        let mut c = comp(Ecosystem::Chocolatey, None, "Git", exact("2.45.1"));
        c.properties.insert("source".into(), "corp-feed".into());
        assert_eq!(purl(&c), "pkg:generic/git@2.45.1");
    }

    #[test]
    fn container_images() {
        let c = comp(
            Ecosystem::Container,
            None,
            "node",
            VersionSpec::Floating("22".into()),
        );
        assert_eq!(purl(&c), "pkg:docker/library/node@22");
        let c = comp(
            Ecosystem::Container,
            None,
            "mcr.microsoft.com/dotnet/aspnet",
            exact("8.0"),
        );
        assert_eq!(
            purl(&c),
            "pkg:docker/dotnet/aspnet@8.0?repository_url=mcr.microsoft.com"
        );
        let c = comp(
            Ecosystem::Container,
            None,
            "node:22@sha256:ABCDEF0123",
            VersionSpec::Unpinned,
        );
        assert_eq!(
            purl(&c),
            "pkg:oci/node@sha256:abcdef0123?repository_url=docker.io%2Flibrary%2Fnode&tag=22"
        );
        let c = comp(
            Ecosystem::Container,
            None,
            "localhost:5000/team/App",
            exact("sha256:0123abcd"),
        );
        assert_eq!(
            purl(&c),
            "pkg:oci/app@sha256:0123abcd?repository_url=localhost:5000%2Fteam%2FApp"
        );
        let c = comp(Ecosystem::Container, None, "ubuntu", VersionSpec::Unpinned);
        assert_eq!(purl(&c), "pkg:docker/library/ubuntu");
        let c = comp(
            Ecosystem::Container,
            Some("mcr.microsoft.com/windows"),
            "servercore",
            VersionSpec::Floating("ltsc2022".into()),
        );
        assert_eq!(
            purl(&c),
            "pkg:docker/windows/servercore@ltsc2022?repository_url=mcr.microsoft.com"
        );
    }

    #[test]
    fn container_images_as_the_dockerfile_extractor_gives_them() {
        let mut c = comp(
            Ecosystem::Container,
            None,
            "dotnet/aspnet",
            exact("8.0-nanoserver-ltsc2022"),
        );
        c.properties
            .insert("registry".into(), "mcr.microsoft.com".into());
        assert_eq!(
            purl(&c),
            "pkg:docker/dotnet/aspnet@8.0-nanoserver-ltsc2022?repository_url=mcr.microsoft.com"
        );
        c.hashes.push(("SHA-256".into(), "AB".repeat(32)));
        assert_eq!(
            purl(&c),
            format!(
                "pkg:oci/aspnet@sha256:{}?repository_url=mcr.microsoft.com%2Fdotnet%2Faspnet&tag=8.0-nanoserver-ltsc2022",
                "ab".repeat(32)
            )
        );
        let mut c = comp(
            Ecosystem::Container,
            None,
            "library/node",
            VersionSpec::Floating("latest".into()),
        );
        c.properties.insert("registry".into(), "docker.io".into());
        assert_eq!(purl(&c), "pkg:docker/library/node@latest");
    }

    #[test]
    fn image_ref_parsing() {
        let r = ImageParts::parse("registry.example:5000/a/b:1.2@sha256:ff").unwrap();
        assert_eq!(r.registry, "registry.example:5000");
        assert_eq!(r.repository, "a/b");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:ff"));
        let r = ImageParts::parse("index.docker.io/nginx").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("docker.io", "library/nginx")
        );
        assert!(ImageParts::parse("").is_none());
        assert!(ImageParts::parse(":tag").is_none());
    }

    #[test]
    fn files_and_sdks() {
        let mut c = comp(Ecosystem::File, None, "", VersionSpec::Unpinned);
        c.url = Some("https://example.com/dl/tool%201.2.zip?x=1".into());
        c.hashes.push(("SHA-256".into(), "ABCD".into()));
        assert_eq!(
            purl(&c),
            "pkg:generic/tool%201.2.zip?checksum=sha256:abcd&download_url=https:%2F%2Fexample.com%2Fdl%2Ftool%25201.2.zip%3Fx%3D1"
        );
        let c = comp(Ecosystem::DotnetSdk, None, "dotnet-sdk", exact("8.0.100"));
        assert_eq!(purl(&c), "pkg:generic/dotnet-sdk@8.0.100");
        let c = comp(Ecosystem::File, None, "", VersionSpec::Unpinned);
        assert!(for_component(&c).is_none());
    }
}
