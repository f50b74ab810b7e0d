//! Per-ecosystem version orderings.
//!
//! Every scheme has its own module with a `parse(&str) -> Result<Version, VersionError>` and an
//! `Ord` on its `Version`. [`AnyVersion`] wraps them so the matcher can hold parsed versions of
//! any scheme, and [`compare`] / [`compare_in`] compare two version strings of one ecosystem.
//!
//! Numbers inside versions are arbitrarily large (digit strings, compared by value), so no input
//! can overflow.

pub mod alpine;
pub mod debian;
pub mod go;
pub mod interval;
pub mod nuget;
pub mod pep440;
pub mod semver;
pub mod semver_req;

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::sbom::Ecosystem;

/// Why a version string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("empty version")]
    Empty,
    #[error("invalid {scheme} version {input:?}: {reason}")]
    Invalid {
        scheme: Scheme,
        input: String,
        reason: &'static str,
    },
}

impl VersionError {
    pub(crate) fn invalid(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        // Keep error values small even for huge inputs.
        let input: String = input.chars().take(80).collect();
        VersionError::Invalid {
            scheme,
            input,
            reason,
        }
    }
}

/// A version ordering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// NuGet (SemVer 2 with up to four numeric parts, case-insensitive prerelease).
    NuGet,
    /// SemVer 2.0.0 precedence (crates.io, npm, OSV `SEMVER` ranges).
    SemVer,
    /// PEP 440 (PyPI).
    Pep440,
    /// Go modules (SemVer with `v` prefix, `+incompatible`, pseudo-versions).
    Go,
    /// dpkg (Debian, Ubuntu).
    Debian,
    /// apk (Alpine).
    Alpine,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::NuGet => "NuGet",
            Scheme::SemVer => "SemVer",
            Scheme::Pep440 => "PEP 440",
            Scheme::Go => "Go",
            Scheme::Debian => "Debian",
            Scheme::Alpine => "Alpine",
        })
    }
}

impl Scheme {
    /// The ordering used by an OSV ecosystem string (`"NuGet"`, `"crates.io"`, `"Debian:12"` …).
    /// Only the part before the first `:` matters.
    pub fn for_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        match base {
            "NuGet" => Some(Scheme::NuGet),
            "crates.io" | "npm" => Some(Scheme::SemVer),
            "PyPI" => Some(Scheme::Pep440),
            "Go" => Some(Scheme::Go),
            "Debian" | "Ubuntu" => Some(Scheme::Debian),
            "Alpine" => Some(Scheme::Alpine),
            _ => None,
        }
    }

    /// The ordering of an SBOM ecosystem, when one is implemented.
    pub fn for_ecosystem(ecosystem: Ecosystem) -> Option<Scheme> {
        match ecosystem {
            Ecosystem::NuGet => Some(Scheme::NuGet),
            Ecosystem::Cargo | Ecosystem::Npm => Some(Scheme::SemVer),
            Ecosystem::PyPI => Some(Scheme::Pep440),
            Ecosystem::Go => Some(Scheme::Go),
            Ecosystem::Debian => Some(Scheme::Debian),
            Ecosystem::Alpine => Some(Scheme::Alpine),
            _ => None,
        }
    }
}

/// A parsed version of any scheme.
#[derive(Debug, Clone)]
pub enum AnyVersion {
    NuGet(nuget::Version),
    SemVer(semver::Version),
    Pep440(pep440::Version),
    Go(go::Version),
    Debian(debian::Version),
    Alpine(alpine::Version),
}

impl AnyVersion {
    pub fn scheme(&self) -> Scheme {
        match self {
            AnyVersion::NuGet(_) => Scheme::NuGet,
            AnyVersion::SemVer(_) => Scheme::SemVer,
            AnyVersion::Pep440(_) => Scheme::Pep440,
            AnyVersion::Go(_) => Scheme::Go,
            AnyVersion::Debian(_) => Scheme::Debian,
            AnyVersion::Alpine(_) => Scheme::Alpine,
        }
    }

    /// Compares two versions of the same scheme; `None` across schemes.
    pub fn compare(&self, other: &AnyVersion) -> Option<Ordering> {
        match (self, other) {
            (AnyVersion::NuGet(a), AnyVersion::NuGet(b)) => Some(a.cmp(b)),
            (AnyVersion::SemVer(a), AnyVersion::SemVer(b)) => Some(a.cmp(b)),
            (AnyVersion::Pep440(a), AnyVersion::Pep440(b)) => Some(a.cmp(b)),
            (AnyVersion::Go(a), AnyVersion::Go(b)) => Some(a.cmp(b)),
            (AnyVersion::Debian(a), AnyVersion::Debian(b)) => Some(a.cmp(b)),
            (AnyVersion::Alpine(a), AnyVersion::Alpine(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Compares an installed version (`self`) with a bound taken from an advisory or a range.
    ///
    /// Identical to [`AnyVersion::compare`] except for PEP 440, where a local version label
    /// (`1.0+ubuntu1`) is ignored unless the bound itself has one — the PEP 440 rule for
    /// version specifiers.
    pub fn compare_to_bound(&self, bound: &AnyVersion) -> Option<Ordering> {
        match (self, bound) {
            (AnyVersion::Pep440(a), AnyVersion::Pep440(b)) if !b.has_local() && a.has_local() => {
                Some(a.without_local().cmp(b))
            }
            _ => self.compare(bound),
        }
    }
}

impl fmt::Display for AnyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyVersion::NuGet(v) => v.fmt(f),
            AnyVersion::SemVer(v) => v.fmt(f),
            AnyVersion::Pep440(v) => v.fmt(f),
            AnyVersion::Go(v) => v.fmt(f),
            AnyVersion::Debian(v) => v.fmt(f),
            AnyVersion::Alpine(v) => v.fmt(f),
        }
    }
}

/// Parses `input` with the given scheme.
pub fn parse(scheme: Scheme, input: &str) -> Result<AnyVersion, VersionError> {
    Ok(match scheme {
        Scheme::NuGet => AnyVersion::NuGet(nuget::parse(input)?),
        Scheme::SemVer => AnyVersion::SemVer(semver::parse(input)?),
        Scheme::Pep440 => AnyVersion::Pep440(pep440::parse(input)?),
        Scheme::Go => AnyVersion::Go(go::parse(input)?),
        Scheme::Debian => AnyVersion::Debian(debian::parse(input)?),
        Scheme::Alpine => AnyVersion::Alpine(alpine::parse(input)?),
    })
}

/// Compares two version strings of one scheme; `None` when either does not parse.
pub fn compare_in(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    let a = parse(scheme, a).ok()?;
    let b = parse(scheme, b).ok()?;
    a.compare(&b)
}

/// Compares two version strings of an SBOM ecosystem; `None` when the ecosystem has no
/// implemented ordering or either string does not parse.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    compare_in(Scheme::for_ecosystem(ecosystem)?, a, b)
}

// ---------------------------------------------------------------------------------------------
// Shared helpers.

/// An arbitrarily large non-negative integer: a `u64` when it fits, otherwise its decimal
/// digits without leading zeros. The representation is canonical, so derived equality is value
/// equality; ordering is by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    Small(u64),
    /// Always above `u64::MAX`.
    Big(Box<str>),
}

impl Num {
    /// `digits` must be non-empty ASCII digits (checked by the callers' parsers).
    pub(crate) fn new(digits: &str) -> Num {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            return Num::Small(0);
        }
        match trimmed.parse::<u64>() {
            Ok(n) if trimmed.len() <= 20 => Num::Small(n),
            _ => Num::Big(trimmed.into()),
        }
    }
    pub(crate) fn zero() -> Num {
        Num::Small(0)
    }
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
    /// The value plus one (used to build exclusive upper bounds of wildcard ranges).
    pub(crate) fn plus_one(&self) -> Num {
        let digits: Vec<u8> = match self {
            Num::Small(n) => match n.checked_add(1) {
                Some(m) => return Num::Small(m),
                None => n.to_string().into_bytes(),
            },
            Num::Big(s) => s.bytes().collect(),
        };
        let mut digits = digits;
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            match digits.get_mut(i) {
                Some(d) if *d == b'9' => *d = b'0',
                Some(d) => {
                    *d += 1;
                    break;
                }
                None => break,
            }
        }
        Num::new(&String::from_utf8_lossy(&digits))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(n) => write!(f, "{n}"),
            Num::Big(s) => f.write_str(s),
        }
    }
}

pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// One dot-separated SemVer prerelease identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Ident {
    Numeric(Num),
    Alpha(Box<str>),
}

impl Ident {
    pub(crate) fn new(s: &str) -> Ident {
        if is_digits(s) {
            Ident::Numeric(Num::new(s))
        } else {
            Ident::Alpha(s.into())
        }
    }
}

impl Ord for Ident {
    /// SemVer 2 §11: numeric identifiers compare numerically and sort before alphanumeric ones,
    /// alphanumeric identifiers compare in ASCII order.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => a.cmp(b),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ident::Numeric(n) => n.fmt(f),
            Ident::Alpha(s) => f.write_str(s),
        }
    }
}

/// SemVer 2 precedence of two prerelease lists: no prerelease sorts after any prerelease,
/// identifiers compare pairwise, a longer list wins when one is a prefix of the other.
pub(crate) fn cmp_prerelease(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

/// Splits a dot-separated prerelease label into identifiers; every identifier must be a
/// non-empty run of `[0-9A-Za-z-]`.
pub(crate) fn parse_idents(label: &str) -> Option<Vec<Ident>> {
    let mut out = Vec::new();
    for part in label.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        out.push(Ident::new(part));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_orders_by_value() {
        assert_eq!(Num::new("007"), Num::new("7"));
        assert!(Num::new("10") > Num::new("9"));
        assert!(Num::new("99999999999999999999999") > Num::new("99999999999999999999998"));
        assert_eq!(Num::new("000").to_string(), "0");
        assert_eq!(Num::new("199").plus_one().to_string(), "200");
        assert_eq!(Num::new("999").plus_one().to_string(), "1000");
        assert_eq!(Num::new("0").plus_one().to_string(), "1");
        assert_eq!(
            Num::new("18446744073709551615").plus_one(),
            Num::new("18446744073709551616")
        );
        assert!(matches!(Num::new("18446744073709551616"), Num::Big(_)));
        assert!(Num::new("18446744073709551616") > Num::new("18446744073709551615"));
        assert_eq!(Num::new("0018446744073709551615"), Num::Small(u64::MAX));
        assert_eq!(
            Num::new("99999999999999999999").plus_one().to_string(),
            "100000000000000000000"
        );
    }

    #[test]
    fn dispatcher() {
        assert_eq!(
            compare(Ecosystem::NuGet, "1.0", "1.0.0.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0rc1", "1.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::Cargo, "1.0.0-alpha", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(compare(Ecosystem::Chocolatey, "1", "2"), None);
        assert_eq!(compare(Ecosystem::NuGet, "not a version", "1.0"), None);
        assert_eq!(Scheme::for_osv_ecosystem("Debian:12"), Some(Scheme::Debian));
        assert_eq!(Scheme::for_osv_ecosystem("Maven"), None);
    }
}
