//! Adapter between the extractors and NuGet version semantics.
//!
//! Normalization and range parsing live in `crate::vuln::version::nuget`; this adapter keeps the
//! extractors' view small: what kind of version a manifest declares, and its normalized form.

/// What a NuGet version string in a manifest means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// A bare version (`1.2.3`, NuGet's minimum that restore resolves to when it exists) or an
    /// exact pin (`[1.2.3]`), normalized.
    Exact(String),
    /// A bounded range (`[1.0,2.0)`), as written (trimmed), and its normalized inclusive minimum.
    Range { text: String, min: Option<String> },
    /// A floating version (`1.*`, `*-*`, `[1.*, 2.0)`), as written (trimmed).
    Floating(String),
    /// Not a NuGet version or range.
    Invalid { text: String, reason: String },
}

/// Classifies a declared NuGet version or range.
pub fn declared(raw: &str) -> Declared {
    let text = raw.trim();
    let invalid = |reason: String| Declared::Invalid {
        text: text.to_string(),
        reason,
    };
    let starts_bracket = text.starts_with('[') || text.starts_with('(');
    if !starts_bracket && !text.contains('*') {
        return match normalize(text) {
            Ok(v) => Declared::Exact(v),
            Err(e) => invalid(e),
        };
    }
    match imp::range(text) {
        Ok(r) if r.floating => Declared::Floating(text.to_string()),
        Ok(r) => match r.exact {
            Some(v) => Declared::Exact(v),
            None => Declared::Range {
                text: text.to_string(),
                min: r.min,
            },
        },
        Err(e) => invalid(e),
    }
}

/// Normalizes one NuGet version (`01.0.0.0+meta` → `1.0.0`).
pub fn normalize(raw: &str) -> Result<String, String> {
    imp::normalize(raw)
}

/// Range facts the extractors need.
struct RangeFacts {
    floating: bool,
    /// `[x]`: the normalized exact version.
    exact: Option<String>,
    /// The normalized inclusive minimum, when there is one.
    min: Option<String>,
}

mod imp {
    //! Interim NuGet version handling until the shared `vuln::version::nuget` module lands on
    //! this branch; the functions mirror its `normalize` and `Range::parse`.
    use super::RangeFacts;

    pub fn normalize(input: &str) -> Result<String, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("empty version".into());
        }
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let rest = match s.split_once('+') {
            Some((r, m)) => {
                if m.is_empty()
                    || !m
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
                {
                    return Err(format!("invalid NuGet version {s:?}: bad build metadata"));
                }
                r
            }
            None => s,
        };
        let split = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (numbers, label) = rest.split_at(split);
        let label = label.strip_prefix('-').unwrap_or(label);
        if split < rest.len() && label.is_empty() {
            return Err(format!(
                "invalid NuGet version {s:?}: empty prerelease label"
            ));
        }
        let mut parts = Vec::new();
        for p in numbers.split('.') {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "invalid NuGet version {s:?}: expected numeric parts"
                ));
            }
            let t = p.trim_start_matches('0');
            parts.push(if t.is_empty() { "0" } else { t });
        }
        if parts.len() > 4 {
            return Err(format!(
                "invalid NuGet version {s:?}: more than four numeric parts"
            ));
        }
        if !label.is_empty()
            && !label.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            })
        {
            return Err(format!("invalid NuGet version {s:?}: bad prerelease label"));
        }
        parts.resize(4, "0");
        let mut out = parts[..3].join(".");
        if parts[3] != "0" {
            out.push('.');
            out.push_str(parts[3]);
        }
        if !label.is_empty() {
            out.push('-');
            out.push_str(label);
        }
        Ok(out)
    }

    fn float_min(s: &str) -> Result<String, String> {
        // `*`, `1.*`, `1.0.*`, `1.0.0-*`, `1.0.0-beta*`, `*-*`, `1.*-*`.
        let (nums, label) = match s.split_once('-') {
            Some((n, l)) => (n, Some(l)),
            None => (s, None),
        };
        if let Some(l) = label
            && (!l.ends_with('*') || l.trim_end_matches('*').contains('*') || l.ends_with("**"))
        {
            return Err(format!("invalid floating version {s:?}"));
        }
        let fixed: Vec<&str> = nums.split('.').collect();
        let Some((last, head)) = fixed.split_last() else {
            return Err(format!("invalid floating version {s:?}"));
        };
        let head_ok = head
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let nums_floating = *last == "*";
        if !head_ok || head.len() > 3 {
            return Err(format!("invalid floating version {s:?}"));
        }
        if nums_floating {
            if label.is_some_and(|l| l != "*") {
                return Err(format!("invalid floating version {s:?}"));
            }
            let min = if head.is_empty() {
                "0".to_string()
            } else {
                head.join(".")
            };
            return normalize(&min);
        }
        match label {
            Some(l) => {
                let base = normalize(nums)?;
                let prefix = l.trim_end_matches('*');
                Ok(if prefix.is_empty() {
                    format!("{base}-0")
                } else {
                    format!("{base}-{prefix}")
                })
            }
            None => Err(format!("invalid floating version {s:?}")),
        }
    }

    pub(super) fn range(input: &str) -> Result<RangeFacts, String> {
        let s = input.trim();
        let first = s.chars().next();
        if !matches!(first, Some('[') | Some('(')) {
            let min = float_min(s)?;
            return Ok(RangeFacts {
                floating: true,
                exact: None,
                min: Some(min),
            });
        }
        let min_inclusive = first == Some('[');
        let max_inclusive = match s.chars().last() {
            Some(']') => true,
            Some(')') => false,
            _ => return Err(format!("invalid version range {s:?}: unterminated")),
        };
        let inner = s
            .get(1..s.len().saturating_sub(1))
            .ok_or_else(|| format!("invalid version range {s:?}: unterminated"))?;
        let Some((lo, hi)) = inner.split_once(',') else {
            if !(min_inclusive && max_inclusive) {
                return Err(format!(
                    "invalid version range {s:?}: a single version must be written [x]"
                ));
            }
            let v = normalize(inner)?;
            return Ok(RangeFacts {
                floating: false,
                exact: Some(v.clone()),
                min: Some(v),
            });
        };
        if hi.contains(',') {
            return Err(format!("invalid version range {s:?}: too many commas"));
        }
        let (lo, hi) = (lo.trim(), hi.trim());
        if lo.is_empty() && hi.is_empty() {
            return Err(format!("invalid version range {s:?}: no bounds"));
        }
        let (min, floating) = if lo.is_empty() {
            (None, false)
        } else if lo.contains('*') {
            (Some(float_min(lo)?), true)
        } else {
            (Some(normalize(lo)?), false)
        };
        let max = if hi.is_empty() {
            None
        } else {
            Some(normalize(hi)?)
        };
        // `[1.0, 1.0]` is an exact pin, written the long way (assets files do this).
        let exact = match (&min, &max) {
            (Some(a), Some(b)) if !floating && min_inclusive && max_inclusive && a == b => {
                Some(a.clone())
            }
            _ => None,
        };
        Ok(RangeFacts {
            floating,
            exact,
            min: if min_inclusive { min } else { None },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_pinned_versions_are_exact() {
        assert_eq!(declared("1.2.3"), Declared::Exact("1.2.3".into()));
        assert_eq!(declared(" 01.02.0.0 "), Declared::Exact("1.2.0".into()));
        assert_eq!(declared("1.2.3.4"), Declared::Exact("1.2.3.4".into()));
        assert_eq!(declared("1.0+sha.1"), Declared::Exact("1.0.0".into()));
        assert_eq!(declared("[2.0]"), Declared::Exact("2.0.0".into()));
        assert_eq!(declared("[2.0, 2.0.0]"), Declared::Exact("2.0.0".into()));
        assert_eq!(
            declared("1.0.0-Beta.1"),
            Declared::Exact("1.0.0-Beta.1".into())
        );
    }

    #[test]
    fn ranges_and_floats() {
        assert_eq!(
            declared("[1.0,2.0)"),
            Declared::Range {
                text: "[1.0,2.0)".into(),
                min: Some("1.0.0".into())
            }
        );
        assert_eq!(
            declared("(1.0,)"),
            Declared::Range {
                text: "(1.0,)".into(),
                min: None
            }
        );
        assert_eq!(declared("1.*"), Declared::Floating("1.*".into()));
        assert_eq!(declared("*-*"), Declared::Floating("*-*".into()));
        assert_eq!(
            declared("[1.*, 2.0)"),
            Declared::Floating("[1.*, 2.0)".into())
        );
    }

    #[test]
    fn garbage_is_invalid() {
        for s in [
            "",
            "abc",
            "1..2",
            "1.2.3.4.5",
            "[1.0",
            "(1.0)",
            "$(Foo)",
            "1.0-",
        ] {
            assert!(
                matches!(declared(s), Declared::Invalid { .. }),
                "{s:?} → {:?}",
                declared(s)
            );
        }
    }
}
