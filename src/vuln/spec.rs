//! Version ranges written in manifests (`VersionSpec::Range` / `VersionSpec::Floating`), turned
//! into intervals the matcher can test against advisory ranges.
//!
//! Each interval's bounds are version strings of the component's ecosystem (normalized), so the
//! matcher can re-parse them in whatever ordering an advisory range uses.

use std::ops::Bound;

use serde::Serialize;

use crate::sbom::Ecosystem;

use super::version::{nuget, pep440, semver_req};

/// Which admitted version the package manager installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// The lowest admitted version (NuGet restore for non-floating ranges).
    Lowest,
    /// The highest admitted version (floating versions; npm, Cargo and pip ranges).
    Highest,
}

/// A parsed manifest range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecRange {
    /// Disjoint intervals in ascending order.
    pub intervals: Vec<(Bound<String>, Bound<String>)>,
    pub resolution: Resolution,
}

impl SpecRange {
    fn any(resolution: Resolution) -> SpecRange {
        SpecRange {
            intervals: vec![(Bound::Unbounded, Bound::Unbounded)],
            resolution,
        }
    }

    /// The inclusive minimum, when the range has one (first interval's lower bound).
    pub fn inclusive_min(&self) -> Option<&str> {
        match self.intervals.first() {
            Some((Bound::Included(v), _)) => Some(v),
            _ => None,
        }
    }
}

fn map_bound<T: ToString>(b: Bound<&T>) -> Bound<String> {
    match b {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Included(v) => Bound::Included(v.to_string()),
        Bound::Excluded(v) => Bound::Excluded(v.to_string()),
    }
}

/// Parses a manifest range or floating version of `ecosystem`.
pub fn parse(ecosystem: Ecosystem, text: &str, floating: bool) -> Result<SpecRange, String> {
    let t = text.trim();
    if matches!(t, "" | "*" | "latest" | "x" | "X") && ecosystem != Ecosystem::NuGet {
        return Ok(SpecRange::any(Resolution::Highest));
    }
    match ecosystem {
        Ecosystem::NuGet => {
            let r = nuget::Range::parse(t).map_err(|e| e.to_string())?;
            let upper = r.upper();
            let resolution = if r.is_floating() || floating {
                Resolution::Highest
            } else {
                Resolution::Lowest
            };
            Ok(SpecRange {
                intervals: vec![(map_bound(r.lower()), map_bound(upper.as_ref()))],
                resolution,
            })
        }
        Ecosystem::PyPI => {
            let set = pep440::SpecifierSet::parse(t).map_err(|e| e.to_string())?;
            let intervals = set
                .intervals()
                .into_iter()
                .map(|(lo, hi)| (map_bound(lo.as_ref()), map_bound(hi.as_ref())))
                .collect();
            Ok(SpecRange {
                intervals,
                resolution: Resolution::Highest,
            })
        }
        Ecosystem::Npm => {
            let req = semver_req::parse_npm(t).map_err(|e| e.to_string())?;
            Ok(SpecRange {
                intervals: req.to_strings(),
                resolution: Resolution::Highest,
            })
        }
        Ecosystem::Cargo => {
            let req = semver_req::parse_cargo(t).map_err(|e| e.to_string())?;
            Ok(SpecRange {
                intervals: req.to_strings(),
                resolution: Resolution::Highest,
            })
        }
        other => Err(format!(
            "version ranges of {other:?} packages are not supported"
        )),
    }
}
