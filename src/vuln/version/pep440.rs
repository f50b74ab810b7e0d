//! PEP 440 versions (PyPI).
//!
//! `[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, case-insensitive, with the PEP's
//! alternative spellings normalized on parse: `alpha`/`beta`/`c`/`pre`/`preview` for
//! `a`/`b`/`rc`/`rc`/`rc`, `rev`/`r` for `post`, `1.0-1` for `1.0.post1`, missing numbers as 0
//! (`1.0a` = `1.0a0`), separators `-`, `_`, `.` between segments, surrounding whitespace.
//!
//! Ordering (PEP 440 "Summary of permitted suffixes and relative ordering"): epoch, then release
//! (trailing zeros ignored: `1.0` = `1.0.0`), then `.devN` < `aN` < `bN` < `rcN` < release <
//! `.postN`, where a dev release of a release sorts before its prereleases (`1.0.dev0` <
//! `1.0a0`) and a dev release of a pre/post release sorts just before it; then the local label
//! (a version without one sorts first; numeric segments beat alphanumeric ones).
//!
//! Legacy (non-PEP 440) versions are rejected.

use std::cmp::Ordering;
use std::fmt;

use super::{Num, Scheme, VersionError};

/// Prerelease phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

impl PreKind {
    fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::Rc => "rc",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LocalSeg {
    Alpha(Box<str>),
    Num(Num),
}

impl Ord for LocalSeg {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalSeg::Num(a), LocalSeg::Num(b)) => a.cmp(b),
            (LocalSeg::Alpha(_), LocalSeg::Num(_)) => Ordering::Less,
            (LocalSeg::Num(_), LocalSeg::Alpha(_)) => Ordering::Greater,
            (LocalSeg::Alpha(a), LocalSeg::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for LocalSeg {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for LocalSeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalSeg::Alpha(s) => f.write_str(s),
            LocalSeg::Num(n) => n.fmt(f),
        }
    }
}

/// A PEP 440 version.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: Num,
    release: Vec<Num>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Vec<LocalSeg>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    NegInf,
    Pre(PreKind, &'a Num),
    PosInf,
}

impl Version {
    pub(crate) fn new_release(release: Vec<Num>) -> Version {
        Version {
            epoch: Num::zero(),
            release,
            pre: None,
            post: None,
            dev: None,
            local: Vec::new(),
        }
    }

    pub fn has_local(&self) -> bool {
        !self.local.is_empty()
    }

    /// The public version (this version without its local label).
    pub fn without_local(&self) -> Version {
        Version {
            local: Vec::new(),
            ..self.clone()
        }
    }

    /// A pre-release or a developmental release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    pub(crate) fn epoch(&self) -> &Num {
        &self.epoch
    }

    pub(crate) fn release(&self) -> &[Num] {
        &self.release
    }

    pub(crate) fn with_epoch(mut self, epoch: Num) -> Version {
        self.epoch = epoch;
        self
    }

    pub(crate) fn with_dev0(mut self) -> Version {
        self.dev = Some(Num::zero());
        self
    }

    fn release_trimmed(&self) -> &[Num] {
        let mut n = self.release.len();
        while n > 0 && self.release.get(n - 1).is_some_and(Num::is_zero) {
            n -= 1;
        }
        self.release.get(..n).unwrap_or(&[])
    }

    fn pre_key(&self) -> PreKey<'_> {
        match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => PreKey::NegInf,
            (Some((k, n)), _, _) => PreKey::Pre(*k, n),
            (None, _, _) => PreKey::PosInf,
        }
    }
}

/// Parses a PEP 440 version.
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(VersionError::Empty);
    }
    let lower = trimmed.to_ascii_lowercase();
    let mut p = Parser {
        s: lower.as_bytes(),
        pos: 0,
    };
    let bad = |reason| VersionError::invalid(Scheme::Pep440, input, reason);

    p.eat(b'v');
    // Epoch.
    let start = p.pos;
    let mut epoch = Num::zero();
    if let Some(d) = p.digits() {
        if p.eat(b'!') {
            epoch = Num::new(d);
        } else {
            p.pos = start;
        }
    }
    // Release.
    let mut release = Vec::new();
    let first = p.digits().ok_or_else(|| bad("expected a release number"))?;
    release.push(Num::new(first));
    loop {
        let save = p.pos;
        if p.eat(b'.')
            && let Some(d) = p.digits()
        {
            release.push(Num::new(d));
            continue;
        }
        p.pos = save;
        break;
    }
    // Pre-release.
    let mut pre = None;
    {
        let save = p.pos;
        p.sep();
        let label = p.keyword(&["alpha", "beta", "preview", "pre", "rc", "c", "a", "b"]);
        match label {
            Some(l) => {
                let kind = match l {
                    "alpha" | "a" => PreKind::Alpha,
                    "beta" | "b" => PreKind::Beta,
                    _ => PreKind::Rc,
                };
                pre = Some((kind, p.optional_number()));
            }
            None => p.pos = save,
        }
    }
    // Post-release.
    let mut post = None;
    {
        let save = p.pos;
        if p.eat(b'-')
            && let Some(d) = p.digits()
        {
            post = Some(Num::new(d));
        } else {
            p.pos = save;
            p.sep();
            if p.keyword(&["post", "rev", "r"]).is_some() {
                post = Some(p.optional_number());
            } else {
                p.pos = save;
            }
        }
    }
    // Developmental release.
    let mut dev = None;
    {
        let save = p.pos;
        p.sep();
        if p.keyword(&["dev"]).is_some() {
            dev = Some(p.optional_number());
        } else {
            p.pos = save;
        }
    }
    // Local version label.
    let mut local = Vec::new();
    if p.eat(b'+') {
        let rest = p.rest();
        for seg in rest.split(['.', '-', '_']) {
            if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad("bad local version label"));
            }
            local.push(if seg.bytes().all(|b| b.is_ascii_digit()) {
                LocalSeg::Num(Num::new(seg))
            } else {
                LocalSeg::Alpha(seg.into())
            });
        }
        p.pos = p.s.len();
    }
    if p.pos != p.s.len() {
        return Err(bad("unexpected trailing characters"));
    }
    Ok(Version {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn sep(&mut self) {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.pos += 1;
        }
    }
    fn digits(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        self.s
            .get(start..self.pos)
            .and_then(|b| std::str::from_utf8(b).ok())
    }
    fn keyword(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = self.s.get(self.pos..)?;
        for w in words {
            if rest.starts_with(w.as_bytes()) {
                self.pos += w.len();
                return Some(w);
            }
        }
        None
    }
    /// `[sep]N`, or 0 when no number follows (the separator is then left unconsumed).
    fn optional_number(&mut self) -> Num {
        let save = self.pos;
        self.sep();
        match self.digits() {
            Some(d) => Num::new(d),
            None => {
                self.pos = save;
                Num::zero()
            }
        }
    }
    fn rest(&self) -> &'a str {
        self.s
            .get(self.pos..)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release_trimmed().cmp(other.release_trimmed()))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| self.post.cmp(&other.post))
            .then_with(|| match (&self.dev, &other.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| self.local.cmp(&other.local))
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
    /// The normalized form (`1!2.0rc1.post2.dev3+local.7`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.epoch.is_zero() {
            write!(f, "{}!", self.epoch)?;
        }
        for (i, n) in self.release.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        if let Some((k, n)) = &self.pre {
            write!(f, "{}{n}", k.as_str())?;
        }
        if let Some(n) = &self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = &self.dev {
            write!(f, ".dev{n}")?;
        }
        for (i, seg) in self.local.iter().enumerate() {
            f.write_str(if i == 0 { "+" } else { "." })?;
            write!(f, "{seg}")?;
        }
        Ok(())
    }
}

/// Normalizes a version string to its canonical PEP 440 spelling (`1.0RC1` → `1.0rc1`,
/// `v1.0-1` → `1.0.post1`).
pub fn normalize(input: &str) -> Result<String, VersionError> {
    parse(input).map(|v| v.to_string())
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
    fn normalization() {
        for (raw, norm) in [
            ("1.0RC1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("v1.0", "1.0"),
            ("1.0.alpha.2", "1.0a2"),
            ("1.0-beta", "1.0b0"),
            ("1.0c3", "1.0rc3"),
            ("1.0preview4", "1.0rc4"),
            ("1.0.rev5", "1.0.post5"),
            ("1.0r", "1.0.post0"),
            ("1.0_dev", "1.0.dev0"),
            (
                "1!2.0a1.post2.dev3+Ubuntu-1_2",
                "1!2.0a1.post2.dev3+ubuntu.1.2",
            ),
            ("  1.0.0  ", "1.0.0"),
            ("01.002", "1.2"),
        ] {
            assert_eq!(normalize(raw).as_deref(), Ok(norm), "{raw}");
        }
        assert_eq!(v("1.0RC1"), v("1.0rc1"));
        assert_eq!(v("1.0"), v("1.0.0.0"));
    }

    #[test]
    fn suffix_order() {
        let list = [
            "1.0.dev0",
            "1.0a0.dev1",
            "1.0a0",
            "1.0a1",
            "1.0b0",
            "1.0rc1",
            "1.0",
            "1.0.post0.dev1",
            "1.0.post0",
            "1.0.post1",
            "1.0.post1+a",
            "1.0.post1+1",
        ];
        for w in list.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn local_labels() {
        assert!(v("1.0.0+local") > v("1.0.0"));
        assert!(v("1.0.0+local.0") < v("1.0.0+local.0.1"));
        assert!(v("1.0.0+local.a") < v("1.0.0+local.1"));
        assert_eq!(v("1.0+abc.5").without_local(), v("1.0"));
    }

    #[test]
    fn rejects_legacy() {
        for bad in [
            "",
            "0.1-bulbasaur",
            "1.0.",
            "1.0+",
            "1.0+a..b",
            "abc",
            "1.0-",
            "2019-12-01 nightly",
            "1.0é",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Version specifiers (`>=1.0,<2`, `~=1.4.2`, `==1.*`, `!=1.5`).

use std::ops::Bound;

use super::interval::{self, Interval};

/// A comma-separated PEP 440 specifier set, reduced to the intervals it admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecifierSet {
    intervals: Vec<Interval<Version>>,
}

fn release_only(v: &Version) -> Version {
    Version::new_release(v.release().to_vec()).with_epoch(v.epoch().clone())
}

/// `V.*` → `[V.dev0, next.dev0)` where `next` bumps the last release part.
fn prefix_interval(v: &Version) -> Interval<Version> {
    let lo = release_only(v).with_dev0();
    let mut next = v.release().to_vec();
    if let Some(last) = next.last_mut() {
        *last = last.plus_one();
    }
    let hi = Version::new_release(next)
        .with_epoch(v.epoch().clone())
        .with_dev0();
    (Bound::Included(lo), Bound::Excluded(hi))
}

fn one(spec: &str, input: &str) -> Result<Vec<Interval<Version>>, VersionError> {
    let s = spec.trim();
    let bad = |reason| VersionError::invalid(Scheme::Pep440, input, reason);
    let ops = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];
    let op = ops
        .iter()
        .find(|op| s.starts_with(**op))
        .copied()
        .ok_or_else(|| bad("expected an operator"))?;
    let rest = s.get(op.len()..).unwrap_or("").trim();
    if rest.is_empty() {
        return Err(bad("missing version"));
    }
    let wildcard = rest.strip_suffix(".*");
    if wildcard.is_some() && !matches!(op, "==" | "!=") {
        return Err(bad("'.*' only goes with == and !="));
    }
    let v = parse(wildcard.unwrap_or(rest))?;
    let all = (Bound::Unbounded, Bound::Unbounded);
    Ok(match (op, wildcard.is_some()) {
        ("==", true) => vec![prefix_interval(&v)],
        ("!=", true) => {
            let (lo, hi) = prefix_interval(&v);
            let left = match lo {
                Bound::Included(x) => Bound::Excluded(x),
                other => other,
            };
            let right = match hi {
                Bound::Excluded(x) => Bound::Included(x),
                other => other,
            };
            vec![(Bound::Unbounded, left), (right, Bound::Unbounded)]
        }
        ("==" | "===", false) => vec![(Bound::Included(v.clone()), Bound::Included(v))],
        ("!=", false) => vec![
            (Bound::Unbounded, Bound::Excluded(v.clone())),
            (Bound::Excluded(v), Bound::Unbounded),
        ],
        (">=", _) => vec![(Bound::Included(v), Bound::Unbounded)],
        (">", _) => vec![(Bound::Excluded(v), Bound::Unbounded)],
        ("<=", _) => vec![(Bound::Unbounded, Bound::Included(v))],
        ("<", _) => {
            // `<V` admits no pre-release of V unless V is one itself.
            let hi = if v.is_prerelease() || v.is_postrelease() || v.has_local() {
                v
            } else {
                release_only(&v).with_dev0()
            };
            vec![(Bound::Unbounded, Bound::Excluded(hi))]
        }
        ("~=", _) => {
            if v.release().len() < 2 {
                return Err(bad("~= needs at least two release parts"));
            }
            let prefix = Version::new_release(
                v.release()
                    .get(..v.release().len() - 1)
                    .unwrap_or(&[])
                    .to_vec(),
            )
            .with_epoch(v.epoch().clone());
            let (_, hi) = prefix_interval(&prefix);
            vec![(Bound::Included(v), hi)]
        }
        _ => vec![all],
    })
}

impl SpecifierSet {
    /// Parses `>=1.0, <2.0`. An empty string admits everything.
    pub fn parse(input: &str) -> Result<SpecifierSet, VersionError> {
        let mut acc: Vec<Interval<Version>> = vec![(Bound::Unbounded, Bound::Unbounded)];
        for part in input.split(',') {
            if part.trim().is_empty() {
                if input.trim().is_empty() {
                    continue;
                }
                return Err(VersionError::invalid(
                    Scheme::Pep440,
                    input,
                    "empty specifier",
                ));
            }
            acc = interval::intersect(&acc, &one(part, input)?);
        }
        Ok(SpecifierSet { intervals: acc })
    }

    /// The admitted versions as disjoint ascending intervals (empty when nothing is admitted).
    pub fn intervals(&self) -> Vec<Interval<Version>> {
        self.intervals.clone()
    }

    /// Whether `v` is admitted (a local label on `v` is ignored, as for PEP 440 specifiers
    /// without one).
    pub fn contains(&self, v: &Version) -> bool {
        let public = v.without_local();
        self.intervals.iter().any(|(lo, hi)| {
            let lo_ok = match lo {
                Bound::Unbounded => true,
                Bound::Included(x) => &public >= x,
                Bound::Excluded(x) => &public > x,
            };
            let hi_ok = match hi {
                Bound::Unbounded => true,
                Bound::Included(x) => &public <= x,
                Bound::Excluded(x) => &public < x,
            };
            lo_ok && hi_ok
        })
    }
}

#[cfg(test)]
mod spec_tests {
    use super::*;

    fn set(s: &str) -> SpecifierSet {
        match SpecifierSet::parse(s) {
            Ok(x) => x,
            Err(e) => panic!("{s}: {e}"),
        }
    }
    fn v(s: &str) -> Version {
        match parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn specifiers() {
        let s = set(">=1.0, <2.0");
        assert!(s.contains(&v("1.0")) && s.contains(&v("1.9.9")) && !s.contains(&v("2.0")));
        assert!(!s.contains(&v("2.0rc1")), "<2.0 excludes 2.0 pre-releases");
        let t = set("~=1.4.2");
        assert!(t.contains(&v("1.4.2")) && t.contains(&v("1.4.9")) && !t.contains(&v("1.5")));
        let w = set("==1.4.*");
        assert!(w.contains(&v("1.4")) && w.contains(&v("1.4.7.post1")) && !w.contains(&v("1.5.0")));
        let n = set("!=1.5, >=1");
        assert!(n.contains(&v("1.4")) && !n.contains(&v("1.5")) && n.contains(&v("1.5.1")));
        let e = set("==2.0");
        assert!(e.contains(&v("2.0.0")) && e.contains(&v("2.0+local")));
        assert_eq!(set("<1, >2").intervals(), Vec::new());
        assert_eq!(set("~=2.2").intervals().len(), 1);
        assert!(set("~=2.2").contains(&v("2.9")) && !set("~=2.2").contains(&v("3.0")));
        for bad in ["=1.0", ">=", "~=1", ">=1.*", ">=1.0,,<2", "foo"] {
            assert!(SpecifierSet::parse(bad).is_err(), "{bad:?}");
        }
    }
}
