//! apk versions (Alpine): `number{.number}[letter]{_suffix[number]}[~hash][-rN]`.
//!
//! Ordering, as apk does it: numeric parts left to right (the first numerically; later parts
//! with a leading zero compare as decimal fractions, i.e. as strings; a version with more parts
//! is newer: `1.0 < 1.0.0`), then the optional letter (none < `a` < … < `z`), then the suffixes
//! pairwise (`_alpha` < `_beta` < `_pre` < `_rc` < no suffix < `_cvs` < `_svn` < `_git` < `_hg`
//! < `_p`, then their numbers), then the `-rN` package revision. The `~hash` is ignored.
//! Strings outside that grammar are rejected.

use std::cmp::Ordering;
use std::fmt;

use super::{Num, Scheme, VersionError, is_digits};

const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/// Weight of "no suffix" between `rc` (3) and `cvs` (5).
const NO_SUFFIX: u8 = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    digits: Box<str>,
    value: Num,
}

/// An apk version.
#[derive(Debug, Clone)]
pub struct Version {
    parts: Vec<Part>,
    letter: Option<u8>,
    suffixes: Vec<(u8, Num)>,
    hash: Option<Box<str>>,
    revision: Num,
    original: Box<str>,
}

fn weight(name: &str) -> Option<u8> {
    let idx = SUFFIXES.iter().position(|s| *s == name)?;
    let idx = u8::try_from(idx).ok()?;
    Some(if idx >= NO_SUFFIX { idx + 1 } else { idx })
}

/// Parses an apk version.
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let bad = |reason| VersionError::invalid(Scheme::Alpine, input, reason);
    let bytes = s.as_bytes();
    let mut pos = 0usize;
    let take_digits = |pos: &mut usize| -> Option<&str> {
        let start = *pos;
        while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
            *pos += 1;
        }
        s.get(start..*pos).filter(|d| !d.is_empty())
    };
    let mut parts = Vec::new();
    loop {
        let d = take_digits(&mut pos).ok_or_else(|| bad("expected a number"))?;
        parts.push(Part {
            digits: d.into(),
            value: Num::new(d),
        });
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
        } else {
            break;
        }
    }
    let mut letter = None;
    if let Some(c) = bytes.get(pos).filter(|c| c.is_ascii_lowercase()) {
        letter = Some(*c);
        pos += 1;
    }
    let mut suffixes = Vec::new();
    while bytes.get(pos) == Some(&b'_') {
        pos += 1;
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_lowercase) {
            pos += 1;
        }
        let name = s.get(start..pos).unwrap_or("");
        let w = weight(name).ok_or_else(|| bad("unknown suffix"))?;
        let n = take_digits(&mut pos)
            .map(Num::new)
            .unwrap_or_else(Num::zero);
        suffixes.push((w, n));
    }
    let mut hash = None;
    if bytes.get(pos) == Some(&b'~') {
        pos += 1;
        let start = pos;
        while bytes
            .get(pos)
            .is_some_and(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        {
            pos += 1;
        }
        let h = s.get(start..pos).unwrap_or("");
        if h.is_empty() {
            return Err(bad("empty hash"));
        }
        hash = Some(h.into());
    }
    let mut revision = Num::zero();
    if let Some(rest) = s.get(pos..).and_then(|r| r.strip_prefix("-r")) {
        if !is_digits(rest) {
            return Err(bad("bad package revision"));
        }
        revision = Num::new(rest);
        pos = s.len();
    }
    if pos != s.len() {
        return Err(bad("unexpected trailing characters"));
    }
    Ok(Version {
        parts,
        letter,
        suffixes,
        hash,
        revision,
        original: s.into(),
    })
}

fn cmp_part(index: usize, a: &Part, b: &Part) -> Ordering {
    if index > 0 && (a.digits.starts_with('0') || b.digits.starts_with('0')) {
        a.digits.cmp(&b.digits)
    } else {
        a.value.cmp(&b.value)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        for i in 0..n {
            let ord = match (self.parts.get(i), other.parts.get(i)) {
                (Some(a), Some(b)) => cmp_part(i, a, b),
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        match self.letter.cmp(&other.letter) {
            Ordering::Equal => {}
            o => return o,
        }
        let none = (NO_SUFFIX, Num::zero());
        let n = self.suffixes.len().max(other.suffixes.len());
        for i in 0..n {
            let a = self.suffixes.get(i).unwrap_or(&none);
            let b = other.suffixes.get(i).unwrap_or(&none);
            match a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.revision.cmp(&other.revision)
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

impl Version {
    /// The commit hash after `~`, if any (not used for ordering).
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
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
    fn apk_rules() {
        assert_eq!(v("1-r1"), v("1-r01"));
        assert!(v("1b") < v("1c"));
        assert!(v("2b") > v("1c"));
        assert!(v("1.2.3b") > v("1.2.0d"));
        assert!(v("1.2") > v("1.2_rc1"));
        assert!(v("1.2") < v("1.2_p1"));
        assert!(v("1.2_svn2") < v("1.2_git1"));
        assert!(v("6.6.2_p1") < v("6.6.2_p2"));
        assert!(v("0.1.0_alpha2") > v("0.1.0_alpha"));
        assert!(v("2.2.39-r1") > v("1.0.4-r3"));
        assert!(v("1.0.05") < v("1.0.5"));
        assert!(v("1.0") < v("1.0.0"));
        assert_eq!(v("1.2.3~abc123-r1"), v("1.2.3-r1"));
    }

    #[test]
    fn rejects() {
        for bad in ["", "a", "1.2_blah", "1-ruff", "1.2.", "1A", "1.0-r"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
