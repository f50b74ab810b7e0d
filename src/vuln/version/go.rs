//! Go module versions.
//!
//! Go versions are SemVer with a mandatory `v` in go.mod (`v1.2.3`); OSV `Go` ranges write them
//! without it (`1.2.3`). Both are accepted. `+incompatible` (a v2+ module without a go.mod) is
//! build metadata and does not change the ordering. Pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`,
//! `v1.2.3-pre.0.20191109021931-daa7c04131f5`) are SemVer prereleases and order as such, which is
//! exactly where Go places them (before the release they precede, after the one they follow).
//! The Go toolchain spelling `go1.21.3` is also accepted for the `stdlib` module.

use std::cmp::Ordering;
use std::fmt;

use super::{Scheme, VersionError, semver};

/// A Go module version.
#[derive(Debug, Clone)]
pub struct Version {
    pub(crate) inner: semver::Version,
    incompatible: bool,
}

impl Version {
    /// True for pseudo-versions (a prerelease whose last identifiers are a 14-digit UTC
    /// timestamp and a 12-hex-digit commit hash).
    pub fn is_pseudo(&self) -> bool {
        let pre = self.inner.prerelease();
        let last = pre.rsplit('.').next().unwrap_or("");
        let Some((stamp, hash)) = last.split_once('-') else {
            return false;
        };
        stamp.len() == 14
            && stamp.bytes().all(|b| b.is_ascii_digit())
            && hash.len() == 12
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    }
    pub fn is_incompatible(&self) -> bool {
        self.incompatible
    }
    pub fn as_semver(&self) -> &semver::Version {
        &self.inner
    }
}

/// Parses a Go module version.
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let s = s.strip_prefix("go").unwrap_or(s);
    let s = s.strip_prefix('v').unwrap_or(s);
    let incompatible = s.ends_with("+incompatible");
    if s.starts_with(['=', 'v', 'V']) {
        return Err(VersionError::invalid(
            Scheme::Go,
            input,
            "unexpected prefix",
        ));
    }
    let inner = semver::parse(s)
        .map_err(|_| VersionError::invalid(Scheme::Go, input, "not a semantic version"))?;
    Ok(Version {
        inner,
        incompatible,
    })
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.inner.cmp(&other.inner)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        match parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn pseudo_versions() {
        let p = v("v0.0.0-20191109021931-daa7c04131f5");
        assert!(p.is_pseudo());
        assert!(p < v("v0.0.1"));
        assert!(v("v1.2.4-0.20191109021931-daa7c04131f5") > v("v1.2.3"));
        assert!(v("v1.2.4-0.20191109021931-daa7c04131f5") < v("v1.2.4"));
        assert!(!v("v1.2.3").is_pseudo());
    }

    #[test]
    fn incompatible_and_prefix() {
        assert_eq!(v("v2.0.0+incompatible"), v("2.0.0"));
        assert!(v("v2.0.0+incompatible").is_incompatible());
        assert_eq!(v("go1.21.3"), v("1.21.3"));
        assert_eq!(v("1.2.3").to_string(), "v1.2.3");
        assert!(parse("vv1").is_err());
    }
}
