//! SemVer 2.0.0 precedence, as used by crates.io (Cargo), npm (node-semver) and OSV `SEMVER`
//! ranges.
//!
//! Accepted: an optional `=` and/or `v` prefix, one to three numeric parts (missing parts are
//! zero, so `1.2` = `1.2.0`), an optional `-prerelease` and an optional `+build`. Numbers may be
//! arbitrarily large. Build metadata is ignored by the ordering; prerelease identifiers compare
//! by SemVer §11 (numeric < alphanumeric, ASCII order, longer list wins on a tie).

use std::cmp::Ordering;
use std::fmt;

use super::{Ident, Num, Scheme, VersionError, cmp_prerelease, is_digits, parse_idents};

/// A SemVer version.
#[derive(Debug, Clone)]
pub struct Version {
    pub(crate) parts: [Num; 3],
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: Option<Box<str>>,
}

impl Version {
    /// `major.minor.patch` with no prerelease.
    pub(crate) fn from_parts(major: Num, minor: Num, patch: Num, pre: Vec<Ident>) -> Version {
        Version {
            parts: [major, minor, patch],
            pre,
            build: None,
        }
    }
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
    /// The numeric parts as decimal strings (they may exceed `u64`).
    pub fn major(&self) -> String {
        self.parts[0].to_string()
    }
    pub fn minor(&self) -> String {
        self.parts[1].to_string()
    }
    pub fn patch(&self) -> String {
        self.parts[2].to_string()
    }
    /// The prerelease label (`alpha.1`), empty when there is none.
    pub fn prerelease(&self) -> String {
        join_idents(&self.pre)
    }
}

pub(crate) fn join_idents(ids: &[Ident]) -> String {
    let mut out = String::new();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&id.to_string());
    }
    out
}

/// Parses a SemVer version (see the module documentation for what is accepted).
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let s = s.strip_prefix('=').unwrap_or(s).trim_start();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => {
            if b.is_empty()
                || !b
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            {
                return Err(VersionError::invalid(
                    Scheme::SemVer,
                    input,
                    "bad build metadata",
                ));
            }
            (r, Some(b))
        }
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let mut nums = Vec::with_capacity(3);
    for part in core.split('.') {
        if !is_digits(part) {
            return Err(VersionError::invalid(
                Scheme::SemVer,
                input,
                "expected numeric parts",
            ));
        }
        nums.push(Num::new(part));
    }
    if nums.len() > 3 {
        return Err(VersionError::invalid(
            Scheme::SemVer,
            input,
            "more than three numeric parts",
        ));
    }
    nums.resize(3, Num::zero());
    let pre = match pre {
        Some(p) => parse_idents(p)
            .ok_or_else(|| VersionError::invalid(Scheme::SemVer, input, "bad prerelease label"))?,
        None => Vec::new(),
    };
    let mut it = nums.into_iter();
    let (Some(major), Some(minor), Some(patch)) = (it.next(), it.next(), it.next()) else {
        return Err(VersionError::invalid(
            Scheme::SemVer,
            input,
            "expected numeric parts",
        ));
    };
    Ok(Version {
        parts: [major, minor, patch],
        pre,
        build: build.map(Into::into),
    })
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| cmp_prerelease(&self.pre, &other.pre))
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
        write!(f, "{}.{}.{}", self.parts[0], self.parts[1], self.parts[2])?;
        if !self.pre.is_empty() {
            write!(f, "-{}", join_idents(&self.pre))?;
        }
        if let Some(b) = &self.build {
            write!(f, "+{b}")?;
        }
        Ok(())
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
    fn precedence_from_the_spec() {
        let list = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in list.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn prefixes_and_metadata() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v("=1.2.3"), v("1.2.3"));
        assert_eq!(v("1.2.3+build.5"), v("1.2.3"));
        assert_eq!(v("1.2"), v("1.2.0"));
        assert!(v("1.2.3-R2") < v("1.2.3-r100"));
        assert!(v("1.2.3-r100") < v("1.2.3-r2"));
        assert_eq!(v("1.2.3-beta+x").to_string(), "1.2.3-beta+x");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "a.b.c",
            "1.2.3.4",
            "1..2",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3+",
            "1.2.3-é",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
