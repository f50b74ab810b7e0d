//! The one result type shared by lint, policy and vulnerability checks.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::source::{Region, Span};

/// Severity of a finding; also the SARIF `level`. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level at or above which findings fail the run (`none` never fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Note,
    Warning,
    #[default]
    Error,
    None,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "note" => Some(FailOn::Note),
            "warning" => Some(FailOn::Warning),
            "error" => Some(FailOn::Error),
            "none" | "never" => Some(FailOn::None),
            _ => None,
        }
    }
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::None => false,
            FailOn::Note => true,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Error => s >= Severity::Error,
        }
    }
}

/// Where a finding points: a file, a byte span and its resolved line/column region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: String,
    pub span: Span,
    pub region: Region,
}

/// Why a finding is suppressed (it is still reported in SARIF as suppressed, never dropped
/// silently, and never fails the run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inSource` for comments in the file, `external` for config ignores.
    pub kind: SuppressionKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    InSource,
    External,
}

/// A textual fix: replace `span` in `path` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `DF501`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// A stable identity across edits: hash of rule + path + normalized content, never lines.
    pub fingerprint: String,
    /// Secondary locations (e.g. the stage a COPY --from refers to).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub message: String,
    pub location: Location,
}

impl Finding {
    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

/// Fingerprint of a finding: SHA-256 over rule, path and whitespace-normalized `content`
/// (usually the text of the instruction or the matched evidence), plus an occurrence counter
/// so identical lines in one file stay distinct. Returned as 32 hex chars.
pub fn fingerprint(rule: &str, path: &str, content: &str, occurrence: usize) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    let mut first = true;
    for w in content.split_whitespace() {
        if !first {
            h.update(b" ");
        }
        first = false;
        h.update(w.as_bytes());
    }
    h.update([0]);
    h.update(occurrence.to_string().as_bytes());
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_whitespace_but_not_content() {
        let a = fingerprint("DF1", "Dockerfile", "RUN  a\n b", 0);
        let b = fingerprint("DF1", "Dockerfile", "RUN a b", 0);
        let c = fingerprint("DF1", "Dockerfile", "RUN a c", 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, fingerprint("DF1", "Dockerfile", "RUN a b", 1));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn fail_threshold() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(!FailOn::None.fails(Severity::Error));
        assert!(FailOn::Note.fails(Severity::Note));
    }
}
