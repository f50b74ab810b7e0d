//! NuGet versions, normalization and version ranges.
//!
//! Versions: one to four numeric parts (missing parts are zero, so `1.0` = `1.0.0.0`; leading
//! zeros are ignored, so `1.0.01` = `1.0.1`; numbers may be arbitrarily large), an optional
//! leading `v`, an optional SemVer 2 prerelease compared case-insensitively by SemVer rules, and
//! build metadata (`+…`) that the ordering ignores. As in the NuGet client, a label that starts
//! right after the numbers without a `-` (`1.0beta`) is read as a prerelease.
//!
//! Ranges follow NuGet's notation: `1.0` (minimum, inclusive), `[1.0]` (exact), `[1.0,2.0)`,
//! `(,1.0]`, `(1.0,)` …, and floating versions `*`, `1.*`, `1.0.*`, `1.0.0.*`, `1.0.0-*`,
//! `1.0.0-beta*`, `*-*`, `1.*-*`, `1.0.*-*`, `1.0.0.*-*`, also as the minimum of a bracketed
//! range (`[1.*, 2.0)`).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Bound;

use super::{Ident, Num, Scheme, VersionError, cmp_prerelease, is_digits, parse_idents};

/// A NuGet package version.
#[derive(Debug, Clone)]
pub struct Version {
    parts: [Num; 4],
    /// Prerelease identifiers lowercased (compared case-insensitively).
    pre: Vec<Ident>,
    /// The prerelease label as written (kept for display / normalization).
    pre_label: Box<str>,
    metadata: Option<Box<str>>,
}

impl Version {
    fn from_parts(parts: [Num; 4], label: &str) -> Version {
        let lower = label.to_ascii_lowercase();
        let pre = if lower.is_empty() {
            Vec::new()
        } else {
            lower.split('.').map(Ident::new).collect()
        };
        Version {
            parts,
            pre,
            pre_label: label.into(),
            metadata: None,
        }
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// The prerelease label as written, empty when there is none.
    pub fn release_label(&self) -> &str {
        &self.pre_label
    }

    /// Build metadata as written, without the `+`.
    pub fn metadata(&self) -> Option<&str> {
        self.metadata.as_deref()
    }

    /// The normalized string: leading zeros stripped, at least three parts, the fourth part only
    /// when it is not zero, the prerelease label as written, no build metadata.
    pub fn normalized(&self) -> String {
        let [a, b, c, d] = &self.parts;
        let mut out = format!("{a}.{b}.{c}");
        if !d.is_zero() {
            out.push('.');
            out.push_str(&d.to_string());
        }
        if !self.pre_label.is_empty() {
            out.push('-');
            out.push_str(&self.pre_label);
        }
        out
    }

    /// The same numbers with the given prerelease label (empty for a release).
    fn with_label(&self, label: &str) -> Version {
        Version::from_parts(self.parts.clone(), label)
    }
}

/// Parses a NuGet version.
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let bad = |reason| VersionError::invalid(Scheme::NuGet, input, reason);

    let (rest, metadata) = match s.split_once('+') {
        Some((r, m)) => {
            if m.is_empty()
                || !m
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            {
                return Err(bad("bad build metadata"));
            }
            (r, Some(m))
        }
        None => (s, None),
    };
    let split = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (numbers, label) = rest.split_at(split);
    let label = label.strip_prefix('-').unwrap_or(label);
    if split < rest.len() && label.is_empty() {
        return Err(bad("empty prerelease label"));
    }
    let mut parts: Vec<Num> = Vec::with_capacity(4);
    for part in numbers.split('.') {
        if !is_digits(part) {
            return Err(bad("expected numeric parts"));
        }
        parts.push(Num::new(part));
    }
    if parts.len() > 4 {
        return Err(bad("more than four numeric parts"));
    }
    parts.resize(4, Num::zero());
    if !label.is_empty() && parse_idents(label).is_none() {
        return Err(bad("bad prerelease label"));
    }
    let mut it = parts.into_iter();
    let (Some(a), Some(b), Some(c), Some(d)) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad("expected numeric parts"));
    };
    let mut v = Version::from_parts([a, b, c, d], label);
    v.metadata = metadata.map(Into::into);
    Ok(v)
}

/// Normalizes a NuGet version string: `01.0.0.0` → `1.0.0`, `1.0.0.1` stays, `1.0.0+meta` →
/// `1.0.0`, `1.0` → `1.0.0`.
pub fn normalize(input: &str) -> Result<String, VersionError> {
    parse(input).map(|v| v.normalized())
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
        f.write_str(&self.normalized())
    }
}

// ---------------------------------------------------------------------------------------------
// Ranges.

/// How a floating version floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FloatBehavior {
    /// `1.0.0-*`, `1.0.0-beta*`: the highest prerelease of one version.
    Prerelease,
    /// `1.0.0.*`
    Revision,
    /// `1.0.*`
    Patch,
    /// `1.*`
    Minor,
    /// `*`
    Major,
    /// `1.0.0.*-*`
    PrereleaseRevision,
    /// `1.0.*-*`
    PrereleasePatch,
    /// `1.*-*`
    PrereleaseMinor,
    /// `*-*`
    PrereleaseMajor,
}

impl FloatBehavior {
    /// Whether the float may resolve to prerelease versions.
    pub fn includes_prerelease(self) -> bool {
        matches!(
            self,
            FloatBehavior::Prerelease
                | FloatBehavior::PrereleaseRevision
                | FloatBehavior::PrereleasePatch
                | FloatBehavior::PrereleaseMinor
                | FloatBehavior::PrereleaseMajor
        )
    }
}

/// A floating version (`1.*`, `1.0.0-beta*` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Float {
    behavior: FloatBehavior,
    /// The lowest version the float admits.
    min: Version,
    /// For prerelease floats, the label prefix (`beta` in `1.0.0-beta*`), lowercased.
    prefix: String,
    original: String,
}

impl Float {
    pub fn behavior(&self) -> FloatBehavior {
        self.behavior
    }
    pub fn min_version(&self) -> &Version {
        &self.min
    }
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// The bound above every version the float can resolve to.
    fn upper(&self) -> Bound<Version> {
        let [a, b, c, _] = &self.min.parts;
        let z = Num::zero;
        let zero_label = |parts: [Num; 4]| Version::from_parts(parts, "0");
        match self.behavior {
            FloatBehavior::Major | FloatBehavior::PrereleaseMajor => Bound::Unbounded,
            FloatBehavior::Minor | FloatBehavior::PrereleaseMinor => {
                Bound::Excluded(zero_label([a.plus_one(), z(), z(), z()]))
            }
            FloatBehavior::Patch | FloatBehavior::PrereleasePatch => {
                Bound::Excluded(zero_label([a.clone(), b.plus_one(), z(), z()]))
            }
            FloatBehavior::Revision | FloatBehavior::PrereleaseRevision => {
                Bound::Excluded(zero_label([a.clone(), b.clone(), c.plus_one(), z()]))
            }
            FloatBehavior::Prerelease => Bound::Included(self.min.with_label("")),
        }
    }

    /// Whether the float's pattern admits `v` (ignoring any enclosing range bounds).
    pub fn admits(&self, v: &Version) -> bool {
        if v < &self.min || !upper_ok(&self.upper(), v) {
            return false;
        }
        if v.is_prerelease() && !self.behavior.includes_prerelease() {
            return false;
        }
        if self.behavior == FloatBehavior::Prerelease && v.is_prerelease() {
            return v.pre_label.to_ascii_lowercase().starts_with(&self.prefix);
        }
        true
    }
}

fn parse_float(input: &str) -> Result<Float, VersionError> {
    let s = input.trim();
    let bad = |reason| VersionError::invalid(Scheme::NuGet, input, reason);
    let (numbers, pre) = match s.split_once('-') {
        Some((n, p)) => (n, Some(p)),
        None => (s, None),
    };
    // Prerelease part: must end with `*` when present in a float.
    let prefix = match pre {
        Some(p) => {
            let Some(prefix) = p.strip_suffix('*') else {
                if numbers.contains('*') {
                    return Err(bad("a floating version's prerelease must end with '*'"));
                }
                return Err(bad("not a floating version"));
            };
            if prefix.contains('*') {
                return Err(bad("'*' must be last"));
            }
            let check = prefix.trim_end_matches('.');
            if !check.is_empty() && parse_idents(check).is_none() {
                return Err(bad("bad prerelease prefix"));
            }
            Some(prefix.to_string())
        }
        None => None,
    };
    let pieces: Vec<&str> = numbers.split('.').collect();
    let numeric_float = pieces.last().is_some_and(|p| *p == "*");
    let fixed: &[&str] = if numeric_float {
        pieces.get(..pieces.len().saturating_sub(1)).unwrap_or(&[])
    } else {
        &pieces
    };
    if fixed.len() > 4 || (numeric_float && fixed.len() > 3) {
        return Err(bad("too many numeric parts"));
    }
    let mut parts: Vec<Num> = Vec::with_capacity(4);
    for p in fixed {
        if !is_digits(p) {
            return Err(bad("expected numeric parts"));
        }
        parts.push(Num::new(p));
    }
    if !numeric_float && parts.is_empty() {
        return Err(bad("expected numeric parts"));
    }
    parts.resize(4, Num::zero());
    let mut it = parts.into_iter();
    let (Some(a), Some(b), Some(c), Some(d)) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad("expected numeric parts"));
    };
    let nums = [a, b, c, d];
    let behavior = match (numeric_float, fixed.len(), prefix.is_some()) {
        (false, _, true) => FloatBehavior::Prerelease,
        (false, _, false) => return Err(bad("not a floating version")),
        (true, 0, false) => FloatBehavior::Major,
        (true, 1, false) => FloatBehavior::Minor,
        (true, 2, false) => FloatBehavior::Patch,
        (true, _, false) => FloatBehavior::Revision,
        (true, 0, true) => FloatBehavior::PrereleaseMajor,
        (true, 1, true) => FloatBehavior::PrereleaseMinor,
        (true, 2, true) => FloatBehavior::PrereleasePatch,
        (true, _, true) => FloatBehavior::PrereleaseRevision,
    };
    let prefix = prefix.unwrap_or_default();
    let label = prefix.trim_end_matches('.');
    let min = if behavior.includes_prerelease() {
        Version::from_parts(nums, if label.is_empty() { "0" } else { label })
    } else {
        Version::from_parts(nums, "")
    };
    Ok(Float {
        behavior,
        min,
        prefix: prefix.to_ascii_lowercase(),
        original: s.to_string(),
    })
}

/// A NuGet version range (`1.0`, `[1.0,2.0)`, `(,1.0]`, `1.*` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    min: Option<Version>,
    min_inclusive: bool,
    max: Option<Version>,
    max_inclusive: bool,
    float: Option<Float>,
}

impl Range {
    /// Parses NuGet range notation. A bare version means "this version or higher".
    pub fn parse(input: &str) -> Result<Range, VersionError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(VersionError::Empty);
        }
        let bad = |reason| VersionError::invalid(Scheme::NuGet, input, reason);
        let first = s.chars().next();
        if !matches!(first, Some('[') | Some('(')) {
            if s.contains('*') {
                let float = parse_float(s)?;
                return Ok(Range {
                    min: Some(float.min.clone()),
                    min_inclusive: true,
                    max: None,
                    max_inclusive: false,
                    float: Some(float),
                });
            }
            let v = parse(s)?;
            return Ok(Range {
                min: Some(v),
                min_inclusive: true,
                max: None,
                max_inclusive: false,
                float: None,
            });
        }
        let min_inclusive = first == Some('[');
        let max_inclusive = match s.chars().last() {
            Some(']') => true,
            Some(')') => false,
            _ => return Err(bad("unterminated range")),
        };
        let inner = s
            .get(1..s.len() - 1)
            .ok_or_else(|| bad("unterminated range"))?;
        let Some((lo, hi)) = inner.split_once(',') else {
            // `[1.0]`: exactly one version.
            if !(min_inclusive && max_inclusive) {
                return Err(bad("a single-version range must be written [x]"));
            }
            let v = parse(inner)?;
            return Ok(Range {
                min: Some(v.clone()),
                min_inclusive: true,
                max: Some(v),
                max_inclusive: true,
                float: None,
            });
        };
        if hi.contains(',') {
            return Err(bad("too many commas"));
        }
        let (lo, hi) = (lo.trim(), hi.trim());
        let (min, float) = if lo.is_empty() {
            (None, None)
        } else if lo.contains('*') {
            let f = parse_float(lo)?;
            (Some(f.min.clone()), Some(f))
        } else {
            (Some(parse(lo)?), None)
        };
        let max = if hi.is_empty() {
            None
        } else {
            Some(parse(hi)?)
        };
        if min.is_none() && max.is_none() {
            return Err(bad("a range needs a lower or an upper bound"));
        }
        if let (Some(a), Some(b)) = (&min, &max) {
            match a.cmp(b) {
                Ordering::Greater => return Err(bad("minimum above maximum")),
                Ordering::Equal if !(min_inclusive && max_inclusive) => {
                    return Err(bad("empty range"));
                }
                _ => {}
            }
        }
        Ok(Range {
            min,
            min_inclusive: min_inclusive && !lo.is_empty(),
            max,
            max_inclusive,
            float,
        })
    }

    /// The lowest version the range admits, when it has an inclusive lower bound.
    /// NuGet restore resolves a non-floating range to its lowest applicable version.
    pub fn min_version(&self) -> Option<&Version> {
        if self.min_inclusive {
            self.min.as_ref()
        } else {
            None
        }
    }

    /// The exact version of `[x]`.
    pub fn exact(&self) -> Option<&Version> {
        match (&self.min, &self.max) {
            (Some(a), Some(b))
                if self.min_inclusive && self.max_inclusive && a == b && self.float.is_none() =>
            {
                Some(a)
            }
            _ => None,
        }
    }

    pub fn float(&self) -> Option<&Float> {
        self.float.as_ref()
    }

    pub fn is_floating(&self) -> bool {
        self.float.is_some()
    }

    /// The lower bound.
    pub fn lower(&self) -> Bound<&Version> {
        match &self.min {
            None => Bound::Unbounded,
            Some(v) if self.min_inclusive => Bound::Included(v),
            Some(v) => Bound::Excluded(v),
        }
    }

    /// The upper bound, including the cap a floating minimum implies (`1.*` ⇒ below `2.0.0-0`).
    pub fn upper(&self) -> Bound<Version> {
        let explicit = match &self.max {
            None => Bound::Unbounded,
            Some(v) if self.max_inclusive => Bound::Included(v.clone()),
            Some(v) => Bound::Excluded(v.clone()),
        };
        match &self.float {
            None => explicit,
            Some(f) => min_upper(explicit, f.upper()),
        }
    }

    /// Whether `v` is admitted. Non-floating ranges admit prereleases inside their bounds (as
    /// NuGet's `Satisfies` does); a floating range admits only what its pattern can float to.
    pub fn contains(&self, v: &Version) -> bool {
        let lower_ok = match self.lower() {
            Bound::Unbounded => true,
            Bound::Included(m) => v >= m,
            Bound::Excluded(m) => v > m,
        };
        if !lower_ok || !upper_ok(&self.upper(), v) {
            return false;
        }
        match &self.float {
            Some(f) => f.admits(v),
            None => true,
        }
    }
}

fn upper_ok(upper: &Bound<Version>, v: &Version) -> bool {
    match upper {
        Bound::Unbounded => true,
        Bound::Included(m) => v <= m,
        Bound::Excluded(m) => v < m,
    }
}

fn min_upper(a: Bound<Version>, b: Bound<Version>) -> Bound<Version> {
    match (a, b) {
        (Bound::Unbounded, x) | (x, Bound::Unbounded) => x,
        (Bound::Included(x), Bound::Included(y)) => Bound::Included(if x <= y { x } else { y }),
        (Bound::Excluded(x), Bound::Excluded(y)) => Bound::Excluded(if x <= y { x } else { y }),
        (Bound::Included(x), Bound::Excluded(y)) | (Bound::Excluded(y), Bound::Included(x)) => {
            if x < y {
                Bound::Included(x)
            } else {
                Bound::Excluded(y)
            }
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(v) = self.exact() {
            return write!(f, "[{v}]");
        }
        f.write_str(if self.min_inclusive { "[" } else { "(" })?;
        match (&self.float, &self.min) {
            (Some(fl), _) => f.write_str(fl.as_str())?,
            (None, Some(m)) => write!(f, "{m}")?,
            (None, None) => {}
        }
        f.write_str(", ")?;
        if let Some(m) = &self.max {
            write!(f, "{m}")?;
        }
        f.write_str(if self.max_inclusive { "]" } else { ")" })
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
    fn r(s: &str) -> Range {
        match Range::parse(s) {
            Ok(r) => r,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    /// Pairs from the NuGet comparison fixtures used by OSV tooling.
    #[test]
    fn fixture_lines() {
        let eq = [
            ("1.0.0", "1.0.0"),
            ("1.0.0-BETA", "1.0.0-beta"),
            ("1.0.0-BETA+AA", "1.0.0-beta+aa"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa"),
            ("1.0.0", "1.0.0+beta"),
            ("1.0", "1.0.0.0"),
            ("1.0+test", "1.0.0.0"),
            ("1.0.0.1-1.2.A", "1.0.0.1-1.2.a+A"),
            ("1.0.01", "1.0.1.0"),
        ];
        for (a, b) in eq {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Equal, "{a} = {b}");
        }
        let lt = [
            ("1.0", "1.0.0.1"),
            ("1.0+test", "1.0.0.1"),
            ("1.0.0.1-1.2.A", "1.0.0.1-1.2.a.A+A"),
            ("1.0.01", "1.0.1.2"),
            ("0.0.0", "1.0.0"),
            ("1.0.0", "1.1.0"),
            ("1.0.0", "1.0.1"),
            ("1.0.0-BETA", "1.0.0-beta2"),
            ("1.0.0-beta+AA", "1.0.0+aa"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa"),
            ("1.999.9999", "2.1.1"),
            ("1.0.0-BETA", "1.0.0-beta.1+AA"),
            ("1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc"),
            ("1.0.0", "1.0.0.1"),
            ("1.0.0.1-alpha", "1.0.0.1-pre"),
            ("1.0.0-pre", "1.0.0.1-alpha"),
            ("1.0.0", "1.0.0.1-alpha"),
            ("0.9.9.1", "1.0.0"),
            (
                "999999999999999999999999999991",
                "999999999999999999999999999999",
            ),
            (
                "999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991",
                "999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991",
            ),
        ];
        for (a, b) in lt {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Less, "{a} < {b}");
            assert_eq!(v(b).cmp(&v(a)), Ordering::Greater, "{b} > {a}");
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("01.0.0.0").as_deref(), Ok("1.0.0"));
        assert_eq!(normalize("1.0").as_deref(), Ok("1.0.0"));
        assert_eq!(normalize("1.0.0.1").as_deref(), Ok("1.0.0.1"));
        assert_eq!(normalize("1.00.02.000").as_deref(), Ok("1.0.2"));
        assert_eq!(
            normalize("1.0.0-Beta.1+sha.abc").as_deref(),
            Ok("1.0.0-Beta.1")
        );
        assert_eq!(normalize(" v2.1 ").as_deref(), Ok("2.1.0"));
        assert!(normalize("1.0.0.0.0").is_err());
        assert!(normalize("1.0.0-").is_err());
        assert!(normalize("x").is_err());
    }

    #[test]
    fn ranges() {
        let min = r("1.0");
        assert!(min.contains(&v("1.0.0")) && min.contains(&v("9.0")) && !min.contains(&v("0.9")));
        assert_eq!(min.min_version(), Some(&v("1.0")));

        let exact = r("[1.0]");
        assert!(exact.contains(&v("1.0.0.0")) && !exact.contains(&v("1.0.1")));
        assert_eq!(exact.exact(), Some(&v("1.0")));

        let half = r("[1.0,2.0)");
        assert!(half.contains(&v("1.5")) && !half.contains(&v("2.0")) && half.contains(&v("1.0")));
        assert!(
            half.contains(&v("2.0.0-beta")),
            "prereleases below the bound are inside"
        );

        let upto = r("(,1.0]");
        assert!(
            upto.contains(&v("0.1")) && upto.contains(&v("1.0")) && !upto.contains(&v("1.0.1"))
        );
        assert_eq!(upto.min_version(), None);

        let above = r("(1.0,)");
        assert!(!above.contains(&v("1.0")) && above.contains(&v("1.0.1")));
        assert_eq!(above.min_version(), None);

        let spaced = r("[ 1.0 , 2.0 ]");
        assert!(spaced.contains(&v("2.0")));

        for bad in [
            "",
            "[1.0",
            "(1.0)",
            "[2.0,1.0]",
            "(1.0,1.0)",
            "[,]",
            "[1.0,2.0,3.0]",
            "[a,b]",
            "1.*.0",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn floats() {
        let f = r("1.*");
        assert!(f.is_floating());
        assert!(f.contains(&v("1.0")) && f.contains(&v("1.99.3")) && !f.contains(&v("2.0")));
        assert!(
            !f.contains(&v("1.5.0-beta")),
            "stable floats skip prereleases"
        );
        assert_eq!(f.min_version(), Some(&v("1.0.0")));
        assert_eq!(f.upper(), Bound::Excluded(v("2.0.0-0")));

        let p = r("1.0.*-*");
        assert!(
            p.contains(&v("1.0.5-beta"))
                && p.contains(&v("1.0.0"))
                && !p.contains(&v("1.1.0-alpha"))
        );
        assert_eq!(p.min_version(), Some(&v("1.0.0-0")));

        let star = r("*");
        assert!(star.contains(&v("0.0.1")) && star.contains(&v("99.0")));
        assert_eq!(star.upper(), Bound::Unbounded);

        let pre = r("1.0.0-beta*");
        assert!(pre.contains(&v("1.0.0-beta.2")) && pre.contains(&v("1.0.0-BETA3")));
        assert!(!pre.contains(&v("1.0.0-alpha")) && !pre.contains(&v("1.0.1")));

        let rev = r("1.0.0.*");
        assert!(rev.contains(&v("1.0.0.7")) && !rev.contains(&v("1.0.1")));

        let bracket = r("[1.*, 1.5)");
        assert!(bracket.contains(&v("1.4")) && !bracket.contains(&v("1.5")));
        assert_eq!(bracket.upper(), Bound::Excluded(v("1.5")));
    }
}
