//! Adapter between the extractors and NuGet version semantics.
//!
//! Normalization and range parsing live in `crate::vuln::version::nuget`; this adapter keeps the
//! extractors' view small: what kind of version a manifest declares, and its normalized form.

use crate::vuln::version::nuget;

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
    match nuget::Range::parse(text) {
        Ok(r) if r.is_floating() => Declared::Floating(text.to_string()),
        Ok(r) => match r.exact() {
            Some(v) => Declared::Exact(v.normalized()),
            None => Declared::Range {
                text: text.to_string(),
                min: r.min_version().map(|v| v.normalized()),
            },
        },
        Err(e) => invalid(e.to_string()),
    }
}

/// Normalizes one NuGet version (`01.0.0.0+meta` → `1.0.0`).
pub fn normalize(raw: &str) -> Result<String, String> {
    nuget::normalize(raw).map_err(|e| e.to_string())
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
