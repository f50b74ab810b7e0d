//! npm ranges (node-semver) and Cargo version requirements, reduced to intervals of SemVer
//! versions.
//!
//! Upper bounds derived from partial versions and from caret/tilde use the lowest prerelease of
//! the bounding version (`^1.2.3` ⇒ `[1.2.3, 2.0.0-0)`), so a prerelease of the next major is
//! outside, as the package managers treat it.
//!
//! * Cargo: comparators separated by `,` (all must hold); a bare version means `^`.
//! * npm: comparator sets separated by `||` (any may hold), comparators in a set separated by
//!   spaces; hyphen ranges `a - b`; a bare version means exactly that version (a bare partial
//!   version is an x-range).

use std::ops::Bound;

use super::interval::{self, Interval};
use super::semver::Version;
use super::{Ident, Num, Scheme, VersionError, is_digits, parse_idents};

/// A requirement reduced to disjoint ascending intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    intervals: Vec<Interval<Version>>,
}

impl Requirement {
    pub fn intervals(&self) -> &[Interval<Version>] {
        &self.intervals
    }

    pub fn contains(&self, v: &Version) -> bool {
        self.intervals.iter().any(|(lo, hi)| {
            (match lo {
                Bound::Unbounded => true,
                Bound::Included(x) => v >= x,
                Bound::Excluded(x) => v > x,
            }) && (match hi {
                Bound::Unbounded => true,
                Bound::Included(x) => v <= x,
                Bound::Excluded(x) => v < x,
            })
        })
    }

    /// The intervals with their bounds as version strings.
    pub fn to_strings(&self) -> Vec<(Bound<String>, Bound<String>)> {
        let s = |b: &Bound<Version>| match b {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(v) => Bound::Included(v.to_string()),
            Bound::Excluded(v) => Bound::Excluded(v.to_string()),
        };
        self.intervals
            .iter()
            .map(|(lo, hi)| (s(lo), s(hi)))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Exact,
    Caret,
    Tilde,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A possibly partial version: `1`, `1.2`, `1.x`, `*`, `1.2.3-beta`.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<Num>,
    minor: Option<Num>,
    patch: Option<Num>,
    pre: Vec<Ident>,
}

fn bad(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid(Scheme::SemVer, input, reason)
}

fn parse_partial(s: &str, input: &str) -> Result<Partial, VersionError> {
    let s = s.trim();
    let s = s.strip_prefix('=').unwrap_or(s).trim_start();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let s = match s.split_once('+') {
        Some((r, _)) => r,
        None => s,
    };
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (s, None),
    };
    let mut nums: Vec<Option<Num>> = Vec::new();
    let mut wildcard_seen = false;
    for part in core.split('.') {
        if matches!(part, "x" | "X" | "*") {
            wildcard_seen = true;
            nums.push(None);
        } else if is_digits(part) && !wildcard_seen {
            nums.push(Some(Num::new(part)));
        } else {
            return Err(bad(input, "bad version in requirement"));
        }
    }
    if nums.len() > 3 {
        return Err(bad(input, "more than three numeric parts"));
    }
    nums.resize(3, None);
    let mut it = nums.into_iter();
    let (major, minor, patch) = (
        it.next().flatten(),
        it.next().flatten(),
        it.next().flatten(),
    );
    let pre = match pre {
        Some(p) if patch.is_some() => {
            parse_idents(p).ok_or_else(|| bad(input, "bad prerelease"))?
        }
        Some(_) => return Err(bad(input, "prerelease on a partial version")),
        None => Vec::new(),
    };
    Ok(Partial {
        major,
        minor,
        patch,
        pre,
    })
}

fn zero_pre() -> Vec<Ident> {
    vec![Ident::Numeric(Num::zero())]
}

fn ver(a: &Num, b: &Num, c: &Num, pre: Vec<Ident>) -> Version {
    Version::from_parts(a.clone(), b.clone(), c.clone(), pre)
}

impl Partial {
    fn is_full(&self) -> bool {
        self.patch.is_some()
    }
    /// Missing parts as zero.
    fn floor(&self) -> Version {
        let z = Num::zero();
        ver(
            self.major.as_ref().unwrap_or(&z),
            self.minor.as_ref().unwrap_or(&z),
            self.patch.as_ref().unwrap_or(&z),
            self.pre.clone(),
        )
    }
    /// The lowest version above every version this partial covers (`1.2` ⇒ `1.3.0-0`);
    /// `None` for `*`.
    fn ceiling(&self) -> Option<Version> {
        let z = Num::zero();
        match (&self.major, &self.minor, &self.patch) {
            (None, _, _) => None,
            (Some(a), None, _) => Some(ver(&a.plus_one(), &z, &z, zero_pre())),
            (Some(a), Some(b), None) => Some(ver(a, &b.plus_one(), &z, zero_pre())),
            (Some(a), Some(b), Some(c)) => Some(ver(a, b, &c.plus_one(), zero_pre())),
        }
    }
}

fn interval_of(op: Op, p: &Partial) -> Vec<Interval<Version>> {
    use Bound::{Excluded, Included, Unbounded};
    let z = Num::zero();
    let upto = |c: Option<Version>| c.map_or(Unbounded, Excluded);
    match op {
        Op::Exact if p.is_full() => vec![(Included(p.floor()), Included(p.floor()))],
        Op::Exact => vec![(Included(p.floor()), upto(p.ceiling()))],
        Op::Caret => {
            let lo = Included(p.floor());
            let hi = match (&p.major, &p.minor, &p.patch) {
                (None, _, _) => Unbounded,
                (Some(a), _, _) if !a.is_zero() => Excluded(ver(&a.plus_one(), &z, &z, zero_pre())),
                (Some(a), None, _) => Excluded(ver(&a.plus_one(), &z, &z, zero_pre())),
                (Some(a), Some(b), _) if !b.is_zero() => {
                    Excluded(ver(a, &b.plus_one(), &z, zero_pre()))
                }
                (Some(a), Some(b), None) => Excluded(ver(a, &b.plus_one(), &z, zero_pre())),
                (Some(a), Some(b), Some(c)) => Excluded(ver(a, b, &c.plus_one(), zero_pre())),
            };
            vec![(lo, hi)]
        }
        Op::Tilde => {
            let lo = Included(p.floor());
            let hi = match (&p.major, &p.minor) {
                (None, _) => Unbounded,
                (Some(a), None) => Excluded(ver(&a.plus_one(), &z, &z, zero_pre())),
                (Some(a), Some(b)) => Excluded(ver(a, &b.plus_one(), &z, zero_pre())),
            };
            vec![(lo, hi)]
        }
        Op::Ge => vec![(Included(p.floor()), Unbounded)],
        Op::Gt if p.is_full() => vec![(Excluded(p.floor()), Unbounded)],
        Op::Gt => match p.ceiling() {
            Some(c) => vec![(Included(c), Unbounded)],
            None => Vec::new(),
        },
        Op::Lt => {
            let mut hi = p.floor();
            if hi.pre.is_empty() {
                hi.pre = zero_pre();
            }
            if p.major.is_none() {
                return Vec::new();
            }
            vec![(Unbounded, Excluded(hi))]
        }
        Op::Le if p.is_full() => vec![(Unbounded, Included(p.floor()))],
        Op::Le => vec![(Unbounded, upto(p.ceiling()))],
    }
}

fn split_op(s: &str) -> (Op, &str, bool) {
    let ops: [(&str, Op); 9] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("^", Op::Caret),
        ("~", Op::Tilde),
        ("==", Op::Exact),
        ("=", Op::Exact),
    ];
    for (text, op) in ops {
        if let Some(rest) = s.strip_prefix(text) {
            return (op, rest, true);
        }
    }
    (Op::Exact, s, false)
}

/// Parses a Cargo version requirement (`1.2`, `^1.2.3, <1.8`, `~0.3`, `=1.0.0`, `1.*`, `*`).
pub fn parse_cargo(input: &str) -> Result<Requirement, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let mut acc: Vec<Interval<Version>> = vec![(Bound::Unbounded, Bound::Unbounded)];
    for part in s.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Err(bad(input, "empty comparator"));
        }
        let (op, rest, explicit) = split_op(part);
        let op = if explicit { op } else { Op::Caret };
        let p = parse_partial(rest, input)?;
        acc = interval::intersect(&acc, &interval_of(op, &p));
    }
    Ok(Requirement { intervals: acc })
}

/// Parses an npm range (`^1.2.3`, `>=1.0.0 <2.0.0 || 3.x`, `1.2 - 2.3.4`, `~1.2`, `1.x`).
pub fn parse_npm(input: &str) -> Result<Requirement, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let mut all = Vec::new();
    for set in s.split("||") {
        let set = set.trim();
        let mut acc: Vec<Interval<Version>> = vec![(Bound::Unbounded, Bound::Unbounded)];
        if set.is_empty() {
            all.extend(acc);
            continue;
        }
        let words: Vec<&str> = set.split_whitespace().collect();
        // Hyphen range.
        if let [a, "-", b] = words.as_slice() {
            let lo = parse_partial(a, input)?;
            let hi = parse_partial(b, input)?;
            let upper = if hi.is_full() {
                Bound::Included(hi.floor())
            } else {
                hi.ceiling().map_or(Bound::Unbounded, Bound::Excluded)
            };
            all.extend(interval::intersect(
                &acc,
                &[(Bound::Included(lo.floor()), upper)],
            ));
            continue;
        }
        // Comparators; an operator may be separated from its version by spaces.
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let (op, rest, _) = split_op(word);
            let (rest, step) = if rest.is_empty() {
                match words.get(i + 1) {
                    Some(next) => (*next, 2),
                    None => return Err(bad(input, "operator without a version")),
                }
            } else {
                (rest, 1)
            };
            let p = parse_partial(rest, input)?;
            acc = interval::intersect(&acc, &interval_of(op, &p));
            i += step;
        }
        all.extend(acc);
    }
    Ok(Requirement {
        intervals: interval::union(all),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vuln::version::semver::parse;

    fn v(s: &str) -> Version {
        match parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e}"),
        }
    }
    fn cargo(s: &str) -> Requirement {
        match parse_cargo(s) {
            Ok(r) => r,
            Err(e) => panic!("{s}: {e}"),
        }
    }
    fn npm(s: &str) -> Requirement {
        match parse_npm(s) {
            Ok(r) => r,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn cargo_requirements() {
        let r = cargo("1.2.3");
        assert!(r.contains(&v("1.2.3")) && r.contains(&v("1.9.0")) && !r.contains(&v("2.0.0")));
        assert!(!r.contains(&v("2.0.0-alpha")));
        let z = cargo("0.2.3");
        assert!(z.contains(&v("0.2.9")) && !z.contains(&v("0.3.0")));
        let zz = cargo("^0.0.3");
        assert!(zz.contains(&v("0.0.3")) && !zz.contains(&v("0.0.4")));
        let t = cargo("~1.2");
        assert!(t.contains(&v("1.2.9")) && !t.contains(&v("1.3.0")));
        let both = cargo(">=1.2, <1.5");
        assert!(
            both.contains(&v("1.4.9"))
                && !both.contains(&v("1.5.0"))
                && !both.contains(&v("1.1.0"))
        );
        let exact = cargo("=1.0.0");
        assert!(exact.contains(&v("1.0.0")) && !exact.contains(&v("1.0.1")));
        let star = cargo("1.*");
        assert!(star.contains(&v("1.99.0")) && !star.contains(&v("2.0.0")));
        assert!(cargo("*").contains(&v("123.0.0")));
        assert!(cargo(">1.2").contains(&v("1.3.0")) && !cargo(">1.2").contains(&v("1.2.9")));
        for bad in ["", "1.2.3.4", ">=a", "1,", "^1.x.3"] {
            assert!(parse_cargo(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn npm_ranges() {
        let r = npm("^1.2.3");
        assert!(r.contains(&v("1.8.0")) && !r.contains(&v("2.0.0")) && !r.contains(&v("1.2.2")));
        let exact = npm("1.2.3");
        assert!(exact.contains(&v("1.2.3")) && !exact.contains(&v("1.2.4")));
        let x = npm("1.x");
        assert!(x.contains(&v("1.5.0")) && !x.contains(&v("2.0.0")));
        let or = npm(">=1.0.0 <1.2.0 || >=2.0.0");
        assert!(or.contains(&v("1.1.0")) && !or.contains(&v("1.5.0")) && or.contains(&v("3.0.0")));
        assert_eq!(or.intervals().len(), 2);
        let hy = npm("1.2 - 2.3.4");
        assert!(hy.contains(&v("1.2.0")) && hy.contains(&v("2.3.4")) && !hy.contains(&v("2.3.5")));
        let hy2 = npm("1.2.3 - 2");
        assert!(hy2.contains(&v("2.9.0")) && !hy2.contains(&v("3.0.0")));
        let spaced = npm(">= 1.0.0 < 2");
        assert!(spaced.contains(&v("1.9.9")) && !spaced.contains(&v("2.0.0")));
        let tilde = npm("~0.2.3");
        assert!(tilde.contains(&v("0.2.9")) && !tilde.contains(&v("0.3.0")));
        assert!(npm("<1.2").contains(&v("1.1.9")) && !npm("<1.2").contains(&v("1.2.0-beta")));
        assert!(npm("<=1.2").contains(&v("1.2.9")) && !npm("<=1.2").contains(&v("1.3.0")));
        for bad in [
            "github:user/repo",
            "file:../x",
            ">=",
            "1.2.3.4",
            "^1.2.3 ||| 2",
        ] {
            assert!(parse_npm(bad).is_err(), "{bad:?}");
        }
    }
}
