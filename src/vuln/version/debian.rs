//! dpkg versions (Debian, Ubuntu): `[epoch:]upstream[-revision]`.
//!
//! The epoch compares numerically (missing = 0); upstream version and revision compare with
//! dpkg's algorithm: alternate non-digit and digit runs; non-digit runs compare character by
//! character with `~` before everything (even the end of the string), then the end, then
//! letters, then other characters; digit runs compare numerically. A missing revision equals
//! `0`.

use std::cmp::Ordering;
use std::fmt;

use super::{Num, Scheme, VersionError, is_digits};

/// A dpkg version.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: Num,
    upstream: Box<str>,
    revision: Box<str>,
    has_epoch: bool,
    has_revision: bool,
}

/// Parses a dpkg version.
pub fn parse(input: &str) -> Result<Version, VersionError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(VersionError::Empty);
    }
    let bad = |reason| VersionError::invalid(Scheme::Debian, input, reason);
    let (epoch, rest, has_epoch) = match s.split_once(':') {
        Some((e, r)) => {
            if !is_digits(e) {
                return Err(bad("epoch must be a number"));
            }
            (Num::new(e), r, true)
        }
        None => (Num::zero(), s, false),
    };
    let (upstream, revision, has_revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r, true),
        None => (rest, "", false),
    };
    if upstream.is_empty() {
        return Err(bad("empty upstream version"));
    }
    if has_revision && revision.is_empty() {
        return Err(bad("empty revision"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | '-' | ':');
    if !upstream.chars().all(allowed)
        || !revision.chars().all(|c| allowed(c) && c != '-' && c != ':')
    {
        return Err(bad("invalid character"));
    }
    if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(bad("upstream version must start with a digit"));
    }
    Ok(Version {
        epoch,
        upstream: upstream.into(),
        revision: revision.into(),
        has_epoch,
        has_revision,
    })
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub(crate) fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        // Non-digit prefix.
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let ac = order(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let bc = order(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            if a.get(i).is_some_and(|c| !c.is_ascii_digit()) {
                i += 1;
            }
            if b.get(j).is_some_and(|c| !c.is_ascii_digit()) {
                j += 1;
            }
        }
        // Digit run.
        let si = i;
        while a.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let sj = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let da = a
            .get(si..i)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("");
        let db = b
            .get(sj..j)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("");
        let na = if da.is_empty() {
            Num::zero()
        } else {
            Num::new(da)
        };
        let nb = if db.is_empty() {
            Num::zero()
        } else {
            Num::new(db)
        };
        match na.cmp(&nb) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
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
        if self.has_epoch {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if self.has_revision {
            write!(f, "-{}", self.revision)?;
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
    fn dpkg_rules() {
        assert_eq!(v("0.0.0"), v("0:0.0.0"));
        assert_eq!(v("0.0.0"), v("0.0.0-0"));
        assert_eq!(v("0.0.0"), v("0.0.0-00"));
        assert!(v("1.2.3-1~deb7u1") < v("1.2.3-1"));
        assert!(v("2.7.4+reloaded2-13ubuntu1") < v("2.7.4+reloaded2-13+deb9u1"));
        assert!(v("1.0~rc1") < v("1.0"));
        assert!(v("1.0") < v("1.0+b1"));
        assert!(v("1.0") < v("1.0a"));
        assert!(v("1:0.1") > v("9.9"));
        assert!(v("2:0.0.44-1") < v("2:0.0.44-nobin"));
        assert_eq!(v("1:2.3-4").to_string(), "1:2.3-4");
    }

    #[test]
    fn rejects() {
        for bad in ["", "a:1", ":1", "1.0-", "abc", "1.0 beta"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
