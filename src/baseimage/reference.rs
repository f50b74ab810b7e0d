//! Docker / OCI image references: parsing with the distribution grammar, normalization
//! (`node` → `docker.io/library/node:latest`) and clear errors.
//!
//! Grammar (from the distribution reference specification):
//! `reference := name [":" tag] ["@" digest]`, `name := [domain "/"] path`,
//! `domain := host [":" port]`, path components are lowercase alphanumerics joined by
//! `.`, `_`, `__` or runs of `-`; tags are `[\w][\w.-]{0,127}`; digests are
//! `algorithm:hex` with at least 32 hex characters (exactly 64 for sha256).

use serde::Serialize;

/// Docker Hub's canonical registry name.
pub const DOCKER_HUB: &str = "docker.io";

/// A parsed, normalized image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ImageRef {
    /// Registry host (with port), normalized: `docker.io` for Docker Hub.
    pub registry: String,
    /// Repository path, e.g. `library/node` or `windows/servercore`.
    pub repository: String,
    /// Tag as written (case preserved), if any.
    pub tag: Option<String>,
    /// Digest as written (`sha256:…`), if any.
    pub digest: Option<String>,
    /// Whether the registry was written explicitly.
    pub explicit_registry: bool,
}

/// Why a reference is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("empty image reference")]
    Empty,
    #[error("image reference contains whitespace")]
    Whitespace,
    #[error("repository name must be lowercase: `{0}`")]
    Uppercase(String),
    #[error("invalid repository path component `{0}`")]
    InvalidPathComponent(String),
    #[error("invalid registry host `{0}`")]
    InvalidDomain(String),
    #[error(
        "invalid tag `{0}`: tags are up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"
    )]
    InvalidTag(String),
    #[error("invalid digest `{0}`: expected algorithm:hex, e.g. sha256 with 64 hex characters")]
    InvalidDigest(String),
    #[error("repository name is longer than 255 characters")]
    NameTooLong,
    #[error("unexpanded variable in image reference `{0}`")]
    Variable(String),
}

impl ImageRef {
    /// Parses and normalizes a reference as `docker pull` would.
    pub fn parse(input: &str) -> Result<Self, RefError> {
        if input.is_empty() {
            return Err(RefError::Empty);
        }
        if input.chars().any(char::is_whitespace) {
            return Err(RefError::Whitespace);
        }
        if input.contains('$') {
            return Err(RefError::Variable(input.to_string()));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((r, d)) => {
                validate_digest(d)?;
                (r, Some(d.to_string()))
            }
            None => (input, None),
        };
        // A tag is the part after the last ':' if no '/' follows it (a ':' before a '/' is a port).
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i + 1..].contains('/') => {
                let t = &rest[i + 1..];
                validate_tag(t)?;
                (&rest[..i], Some(t.to_string()))
            }
            _ => (rest, None),
        };
        if name.is_empty() {
            return Err(RefError::Empty);
        }
        let (registry, path, explicit) = split_domain(name)?;
        for comp in path.split('/') {
            validate_path_component(comp, name)?;
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        // Docker limits the normalized name (`docker.io/library/x`), not the name as written,
        // so a reference always prints as one that parses again.
        if registry.len() + 1 + repository.len() > 255 {
            return Err(RefError::NameTooLong);
        }
        Ok(ImageRef {
            registry,
            repository,
            tag,
            digest,
            explicit_registry: explicit,
        })
    }

    /// `registry/repository` (e.g. `docker.io/library/node`).
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The familiar short form Docker prints (`node`, `user/app`, `mcr.microsoft.com/x`).
    pub fn familiar_name(&self) -> String {
        if self.registry == DOCKER_HUB {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.name()
        }
    }

    /// The tag that will be pulled: the explicit tag, or `latest` when neither tag nor digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// Fully normalized string: `docker.io/library/node:latest`, `x@sha256:…`.
    pub fn normalized(&self) -> String {
        let mut s = self.name();
        if let Some(t) = self.effective_tag() {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }

    /// Docker Official Image: `docker.io/library/*`.
    pub fn is_docker_official(&self) -> bool {
        self.registry == DOCKER_HUB && self.repository.starts_with("library/")
    }

    /// The registry host without port.
    pub fn host(&self) -> &str {
        if let Some(rest) = self.registry.strip_prefix('[') {
            return rest.split(']').next().unwrap_or(rest);
        }
        self.registry.split(':').next().unwrap_or(&self.registry)
    }

    /// A registry on loopback, a literal IP address, or a bare single-label host with a port:
    /// typically plain HTTP or unauthenticated.
    pub fn is_insecure_registry(&self) -> bool {
        let host = self.host();
        host == "localhost"
            || host.parse::<std::net::IpAddr>().is_ok()
            || (!host.contains('.') && self.registry.contains(':') && self.explicit_registry)
    }
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.normalized())
    }
}

fn split_domain(name: &str) -> Result<(String, &str, bool), RefError> {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.')
                || first.contains(':')
                || first == "localhost"
                || first.starts_with('[')
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            validate_domain(first)?;
            let lower = first.to_ascii_lowercase();
            let registry = match first {
                _ if lower == "index.docker.io" || lower == "registry-1.docker.io" => {
                    DOCKER_HUB.to_string()
                }
                // Host names compare case-insensitively, so they are kept lowercase; a single
                // label that is a host only because it has capitals (`Host/app`) keeps its case,
                // or printing the reference would turn it into a Docker Hub namespace.
                other if other.contains(['.', ':', '[']) || other == "localhost" => {
                    other.to_ascii_lowercase()
                }
                other => other.to_string(),
            };
            Ok((registry, rest, true))
        }
        _ => Ok((DOCKER_HUB.to_string(), name, false)),
    }
}

fn validate_domain(d: &str) -> Result<(), RefError> {
    let bad = || RefError::InvalidDomain(d.to_string());
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(bad)?;
        if h.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(bad());
        }
        match after {
            "" => (h, None),
            p => (h, Some(p.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    if d.starts_with('[') {
        return Ok(());
    }
    if host.is_empty() {
        return Err(bad());
    }
    for comp in host.split('.') {
        let b = comp.as_bytes();
        let ok = !b.is_empty()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b.first().is_some_and(u8::is_ascii_alphanumeric)
            && b.last().is_some_and(u8::is_ascii_alphanumeric);
        if !ok {
            return Err(bad());
        }
    }
    Ok(())
}

fn validate_path_component(comp: &str, name: &str) -> Result<(), RefError> {
    if comp.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(RefError::Uppercase(name.to_string()));
    }
    let bad = || RefError::InvalidPathComponent(comp.to_string());
    let b = comp.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Err(bad());
    }
    // Separators: `.`, `_`, `__`, or one or more `-`, each between alphanumerics.
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if b.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return Err(bad()),
        }
        let next_ok = b
            .get(i)
            .is_some_and(|n| n.is_ascii_lowercase() || n.is_ascii_digit());
        if !next_ok || start == 0 {
            return Err(bad());
        }
    }
    Ok(())
}

fn validate_tag(t: &str) -> Result<(), RefError> {
    let b = t.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let ok = !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|&c| word(c) || c == b'.' || c == b'-');
    if ok {
        Ok(())
    } else {
        Err(RefError::InvalidTag(t.to_string()))
    }
}

fn validate_digest(d: &str) -> Result<(), RefError> {
    let bad = || RefError::InvalidDigest(d.to_string());
    let (alg, hex) = d.split_once(':').ok_or_else(bad)?;
    let alg_ok = !alg.is_empty()
        && alg.split(['+', '.', '-', '_']).all(|c| {
            let b = c.as_bytes();
            !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
        });
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit());
    if !alg_ok || !hex_ok {
        return Err(bad());
    }
    if alg == "sha256" && (hex.len() != 64 || hex.bytes().any(|c| c.is_ascii_uppercase())) {
        return Err(bad());
    }
    if alg == "sha512" && (hex.len() != 128 || hex.bytes().any(|c| c.is_ascii_uppercase())) {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn ok(input: &str, normalized: &str) {
        match ImageRef::parse(input) {
            Ok(r) => assert_eq!(r.normalized(), normalized, "input {input}"),
            Err(e) => panic!("{input}: unexpected error {e}"),
        }
    }

    fn err(input: &str) -> RefError {
        match ImageRef::parse(input) {
            Ok(r) => panic!("{input}: expected an error, got {r}"),
            Err(e) => e,
        }
    }

    #[test]
    fn valid_references() {
        let table: &[(&str, &str)] = &[
            ("node", "docker.io/library/node:latest"),
            ("node:22", "docker.io/library/node:22"),
            (
                "node:22.11-windowsservercore-ltsc2022",
                "docker.io/library/node:22.11-windowsservercore-ltsc2022",
            ),
            ("library/node", "docker.io/library/node:latest"),
            ("docker.io/node", "docker.io/library/node:latest"),
            ("docker.io/library/node:20", "docker.io/library/node:20"),
            (
                "index.docker.io/library/node",
                "docker.io/library/node:latest",
            ),
            (
                "registry-1.docker.io/library/node",
                "docker.io/library/node:latest",
            ),
            (
                "randomuser/windowsservercore",
                "docker.io/randomuser/windowsservercore:latest",
            ),
            ("microsoft/aspnet:4.7.2", "docker.io/microsoft/aspnet:4.7.2"),
            (
                "mcr.microsoft.com/windows/servercore:ltsc2022",
                "mcr.microsoft.com/windows/servercore:ltsc2022",
            ),
            (
                "mcr.microsoft.com/windows/servercore",
                "mcr.microsoft.com/windows/servercore:latest",
            ),
            (
                "mcr.microsoft.com/windows/servercore/insider:10.0.26100.1",
                "mcr.microsoft.com/windows/servercore/insider:10.0.26100.1",
            ),
            (
                "mcr.microsoft.com/dotnet/framework/aspnet:4.8.1-windowsservercore-ltsc2022",
                "mcr.microsoft.com/dotnet/framework/aspnet:4.8.1-windowsservercore-ltsc2022",
            ),
            (
                "mcr.microsoft.com/dotnet/sdk:8.0",
                "mcr.microsoft.com/dotnet/sdk:8.0",
            ),
            ("myacr.azurecr.io/base:1", "myacr.azurecr.io/base:1"),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.2.3",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.2.3",
            ),
            (
                "gcr.io/distroless/static-debian12:nonroot",
                "gcr.io/distroless/static-debian12:nonroot",
            ),
            (
                "ghcr.io/owner/repo/sub/image:tag",
                "ghcr.io/owner/repo/sub/image:tag",
            ),
            ("localhost/app", "localhost/app:latest"),
            // A capitalised first component is a host, and must stay one when printed.
            ("Eclipse-in/1e", "Eclipse-in/1e:latest"),
            (
                "Registry.Example.COM/app",
                "registry.example.com/app:latest",
            ),
            ("localhost:5000/app:dev", "localhost:5000/app:dev"),
            ("10.0.0.5:5000/base:1", "10.0.0.5:5000/base:1"),
            ("127.0.0.1/app", "127.0.0.1/app:latest"),
            ("[::1]:5000/app:1", "[::1]:5000/app:1"),
            (
                "registry.example.com:443/team/app",
                "registry.example.com:443/team/app:latest",
            ),
            (
                "Registry.Example.com/app",
                "registry.example.com/app:latest",
            ),
            (
                "my-registry.local:5000/a_b/c__d/e-f/g.h:1",
                "my-registry.local:5000/a_b/c__d/e-f/g.h:1",
            ),
            ("a---b/c", "docker.io/a---b/c:latest"),
            ("node:Latest", "docker.io/library/node:Latest"),
            ("node:_x", "docker.io/library/node:_x"),
            ("node:1.0.0-rc.1", "docker.io/library/node:1.0.0-rc.1"),
        ];
        for (i, n) in table {
            ok(i, n);
        }
        let with_digest = format!("node@{D}");
        ok(&with_digest, &format!("docker.io/library/node@{D}"));
        let both = format!("mcr.microsoft.com/windows/nanoserver:ltsc2022@{D}");
        ok(&both, &both);
        let port_digest = format!("localhost:5000/app@{D}");
        ok(&port_digest, &port_digest);
    }

    #[test]
    fn invalid_references() {
        type Check = fn(&RefError) -> bool;
        let cases: &[(&str, Check)] = &[
            ("", |e| matches!(e, RefError::Empty)),
            (":tag", |e| matches!(e, RefError::Empty)),
            ("Node", |e| matches!(e, RefError::Uppercase(_))),
            ("docker.io/Library/node", |e| {
                matches!(e, RefError::Uppercase(_))
            }),
            ("mcr.microsoft.com/Windows/ServerCore:ltsc2022", |e| {
                matches!(e, RefError::Uppercase(_))
            }),
            ("node:", |e| matches!(e, RefError::InvalidTag(_))),
            ("node:-x", |e| matches!(e, RefError::InvalidTag(_))),
            ("node:.x", |e| matches!(e, RefError::InvalidTag(_))),
            ("node:a+b", |e| matches!(e, RefError::InvalidTag(_))),
            ("node:a/b", |e| {
                matches!(
                    e,
                    RefError::InvalidPathComponent(_) | RefError::InvalidDomain(_)
                )
            }),
            ("node@sha256:abc", |e| {
                matches!(e, RefError::InvalidDigest(_))
            }),
            (
                "node@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
                |e| matches!(e, RefError::InvalidDigest(_)),
            ),
            ("node@md5", |e| matches!(e, RefError::InvalidDigest(_))),
            ("node@", |e| matches!(e, RefError::InvalidDigest(_))),
            ("-node", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("node-", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("a..b", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("a/.b", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("a___b", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("a//b", |e| matches!(e, RefError::InvalidPathComponent(_))),
            ("host:port/app", |e| matches!(e, RefError::InvalidDomain(_))),
            ("localhost:/app", |e| {
                matches!(e, RefError::InvalidDomain(_))
            }),
            ("-bad.example.com/app", |e| {
                matches!(e, RefError::InvalidDomain(_))
            }),
            ("[zz]:5000/app", |e| matches!(e, RefError::InvalidDomain(_))),
            ("node latest", |e| matches!(e, RefError::Whitespace)),
            ("${BASE}", |e| matches!(e, RefError::Variable(_))),
            ("mcr.microsoft.com/dotnet/sdk:$VERSION", |e| {
                matches!(e, RefError::Variable(_))
            }),
            ("a/b@sha256:0123", |e| {
                matches!(e, RefError::InvalidDigest(_))
            }),
            ("ex ample/app", |e| matches!(e, RefError::Whitespace)),
            ("example.com/app:tag:tag", |e| {
                matches!(
                    e,
                    RefError::InvalidTag(_)
                        | RefError::InvalidDomain(_)
                        | RefError::InvalidPathComponent(_)
                )
            }),
        ];
        for (input, check) in cases {
            let e = err(input);
            assert!(check(&e), "{input}: wrong error {e:?}");
        }
        let long = format!("{}/app", "a".repeat(300));
        assert!(matches!(err(&long), RefError::NameTooLong));
        // 240 characters as written, 258 once normalized to `docker.io/library/…`.
        let short_written = "a".repeat(240);
        assert!(matches!(err(&short_written), RefError::NameTooLong));
        let fits = "a".repeat(255 - "docker.io/library/".len());
        let r = ImageRef::parse(&fits).expect("255 characters once normalized");
        assert_eq!(r.name().len(), 255);
        // An alias that normalizes to a shorter name is measured after normalizing.
        let alias = format!("index.docker.io/team/{}", "b".repeat(240));
        let r = ImageRef::parse(&alias).expect("docker.io/team/… is 255 characters");
        assert_eq!(r.name().len(), 255);
        let long_tag = format!("node:{}", "a".repeat(129));
        assert!(matches!(err(&long_tag), RefError::InvalidTag(_)));
    }

    #[test]
    fn accessors() {
        let r = ImageRef::parse("node").expect("valid");
        assert!(r.is_docker_official());
        assert_eq!(r.familiar_name(), "node");
        assert_eq!(r.effective_tag(), Some("latest"));
        assert!(!r.explicit_registry);
        let r =
            ImageRef::parse(&format!("mcr.microsoft.com/windows/servercore@{D}")).expect("valid");
        assert_eq!(r.effective_tag(), None);
        assert_eq!(r.familiar_name(), "mcr.microsoft.com/windows/servercore");
        assert!(!r.is_docker_official());
        assert!(
            ImageRef::parse("10.0.0.5:5000/base:1")
                .expect("valid")
                .is_insecure_registry()
        );
        assert!(
            ImageRef::parse("localhost/app")
                .expect("valid")
                .is_insecure_registry()
        );
        assert!(
            ImageRef::parse("[::1]:5000/app")
                .expect("valid")
                .is_insecure_registry()
        );
        assert!(
            ImageRef::parse("registry:5000/app")
                .expect("valid")
                .is_insecure_registry()
        );
        assert!(
            !ImageRef::parse("myacr.azurecr.io/base:1")
                .expect("valid")
                .is_insecure_registry()
        );
        assert_eq!(
            ImageRef::parse("[::1]:5000/app").expect("valid").host(),
            "::1"
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_string_parses_or_errors(s in "\\PC{0,80}") {
            let _ = ImageRef::parse(&s);
        }

        #[test]
        fn valid_references_round_trip(
            host in prop::option::of("[a-z][a-z0-9]{0,8}(\\.[a-z]{2,5}){1,2}(:[0-9]{2,5})?"),
            path in "[a-z0-9]{1,6}([_-][a-z0-9]{1,4}){0,2}(/[a-z0-9]{1,6}([._-][a-z0-9]{1,3})?){0,2}",
            tag in prop::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
        ) {
            let mut s = String::new();
            if let Some(h) = &host { s.push_str(h); s.push('/'); }
            s.push_str(&path);
            if let Some(t) = &tag { s.push(':'); s.push_str(t); }
            let r = ImageRef::parse(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
            let again = ImageRef::parse(&r.normalized()).map_err(|e| TestCaseError::fail(format!("{}: {e}", r.normalized())))?;
            prop_assert_eq!(again.normalized(), r.normalized());
        }
    }
}
