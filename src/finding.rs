//! The one result type shared by lint, policy and vulnerability checks.

use serde::{Deserialize, Serialize};

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

/// Fingerprint of a finding: a 128-bit hash over rule, path and whitespace-normalized `content`
/// (usually the text of the instruction or the matched evidence), plus an occurrence counter
/// so identical lines in one file stay distinct. Returned as 32 hex chars.
///
/// The hash only has to be stable and spread well (SARIF `partialFingerprints` match results
/// across runs; nothing trusts them), so it is a two-lane multiply-rotate hash over 8-byte
/// words rather than a cryptographic digest: it costs a fraction of SHA-256, which matters in
/// the WebAssembly build where there are no SHA instructions.
pub fn fingerprint(rule: &str, path: &str, content: &str, occurrence: usize) -> String {
    let mut h = FingerprintHasher::default();
    h.write(rule.as_bytes());
    h.write(&[0]);
    h.write(path.as_bytes());
    h.write(&[0]);
    let mut first = true;
    for w in content.split_whitespace() {
        if !first {
            h.write(b" ");
        }
        first = false;
        h.write(w.as_bytes());
    }
    h.write(&[0]);
    h.write(&(occurrence as u64).to_le_bytes());
    let digest = h.finish();
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Streaming state of [`fingerprint`]: bytes are packed into little-endian 64-bit words, each
/// word is mixed into two lanes with different odd multipliers and rotations, and the lanes
/// are finished with the MurmurHash3 64-bit finalizer.
struct FingerprintHasher {
    a: u64,
    b: u64,
    word: u64,
    filled: u32,
    len: u64,
}

impl Default for FingerprintHasher {
    fn default() -> Self {
        Self {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
            word: 0,
            filled: 0,
            len: 0,
        }
    }
}

impl FingerprintHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        let mut rest = bytes;
        // Finish a partly filled word first, then whole words, then keep the tail.
        while self.filled != 0 && !rest.is_empty() {
            self.push_byte(rest[0]);
            rest = &rest[1..];
        }
        let mut chunks = rest.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.push_byte(b);
        }
    }

    fn push_byte(&mut self, b: u8) {
        self.word |= u64::from(b) << (8 * self.filled);
        self.filled += 1;
        if self.filled == 8 {
            let w = self.word;
            self.word = 0;
            self.filled = 0;
            self.mix(w);
        }
    }

    fn mix(&mut self, w: u64) {
        self.a = (self.a ^ w)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        self.b = (self.b ^ w.rotate_left(32))
            .wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
            .rotate_left(31);
    }

    fn finish(mut self) -> [u8; 16] {
        if self.filled != 0 {
            let w = self.word;
            self.mix(w);
        }
        let a = fmix64(self.a ^ self.len);
        let b = fmix64(self.b ^ a ^ self.len.rotate_left(32));
        let a = a.wrapping_add(b);
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a.to_be_bytes());
        out[8..].copy_from_slice(&b.to_be_bytes());
        out
    }
}

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
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
    fn fingerprint_separates_fields_and_word_boundaries() {
        // Moving bytes between fields, or across the 8-byte word boundary, changes the hash.
        let base = fingerprint("DF1", "ab", "cdefghij", 0);
        assert_ne!(base, fingerprint("DF1", "abc", "defghij", 0));
        assert_ne!(base, fingerprint("DF1a", "b", "cdefghij", 0));
        assert_ne!(
            fingerprint("DF1", "p", "aaaaaaaa", 0),
            fingerprint("DF1", "p", "aaaaaaaaa", 0)
        );
        // Splitting one write into several does not change it.
        let mut one = FingerprintHasher::default();
        one.write(b"0123456789abcdefXYZ");
        let mut many = FingerprintHasher::default();
        for part in [&b"012"[..], b"3456789a", b"", b"bcdefXY", b"Z"] {
            many.write(part);
        }
        assert_eq!(one.finish(), many.finish());
        // Many similar inputs stay distinct.
        let all: std::collections::BTreeSet<String> = (0..20_000)
            .map(|i| fingerprint("DF500", "Dockerfile", &format!("RUN step {i}"), i % 3))
            .collect();
        assert_eq!(all.len(), 20_000);
    }

    #[test]
    fn fail_threshold() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(!FailOn::None.fails(Severity::Error));
        assert!(FailOn::Note.fails(Severity::Note));
    }
}
