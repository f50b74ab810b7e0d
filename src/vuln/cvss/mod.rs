//! CVSS base scores from vector strings: v2.0, v3.0/v3.1 (the specification's formulas,
//! including the v3.1 `Roundup`) and v4.0 (the specification's MacroVector lookup table with
//! severity-distance interpolation).

pub mod v2;
pub mod v3;
pub mod v4;

use std::fmt;

use serde::{Serialize, Serializer};

/// A CVSS score, 0.0–10.0 in steps of 0.1 (kept as tenths so it is exact and ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Score(u8);

impl Score {
    pub const MAX: Score = Score(100);

    /// `tenths` is clamped to 0..=100.
    pub fn from_tenths(tenths: u32) -> Score {
        Score(u8::try_from(tenths.min(100)).unwrap_or(100))
    }
    pub fn tenths(self) -> u8 {
        self.0
    }
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
    /// The qualitative rating of the CVSS specifications.
    pub fn rating(self) -> Rating {
        match self.0 {
            0 => Rating::None,
            1..=39 => Rating::Low,
            40..=69 => Rating::Medium,
            70..=89 => Rating::High,
            _ => Rating::Critical,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// CVSS qualitative severity rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        }
    }
}

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("not a CVSS {expected} vector")]
    WrongVersion { expected: &'static str },
    #[error("malformed metric {0:?}")]
    Malformed(String),
    #[error("unknown metric {0:?}")]
    UnknownMetric(String),
    #[error("metric {0} given twice")]
    Duplicate(String),
    #[error("invalid value {value:?} for metric {metric}")]
    InvalidValue { metric: String, value: String },
    #[error("missing base metric {0}")]
    Missing(&'static str),
}

/// Splits `K:V/K:V…` into pairs, rejecting malformed pieces and duplicates.
pub(crate) fn split_metrics(body: &str) -> Result<Vec<(&str, &str)>, CvssError> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for piece in body.split('/') {
        let Some((k, v)) = piece.split_once(':') else {
            return Err(CvssError::Malformed(piece.chars().take(40).collect()));
        };
        if k.is_empty() || v.is_empty() {
            return Err(CvssError::Malformed(piece.chars().take(40).collect()));
        }
        if out.iter().any(|(seen, _)| *seen == k) {
            return Err(CvssError::Duplicate(k.chars().take(40).collect()));
        }
        out.push((k, v));
    }
    Ok(out)
}

/// Scores a vector of any supported version, recognised by its prefix (`CVSS:4.0/`, `CVSS:3.x/`;
/// a bare `AV:…/Au:…` vector is v2).
pub fn score_vector(vector: &str) -> Result<Score, CvssError> {
    let v = vector.trim();
    if v.starts_with("CVSS:4.0/") {
        v4::score(v)
    } else if v.starts_with("CVSS:3.") {
        v3::base_score(v)
    } else {
        v2::base_score(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_formatting_and_ratings() {
        assert_eq!(Score::from_tenths(98).to_string(), "9.8");
        assert_eq!(Score::from_tenths(0).to_string(), "0.0");
        assert_eq!(Score::from_tenths(500), Score::MAX);
        assert_eq!(Score::from_tenths(39).rating(), Rating::Low);
        assert_eq!(Score::from_tenths(40).rating(), Rating::Medium);
        assert_eq!(Score::from_tenths(90).rating(), Rating::Critical);
        assert_eq!(Score::from_tenths(0).rating(), Rating::None);
        assert_eq!(
            serde_json::to_string(&Score::from_tenths(75))
                .ok()
                .as_deref(),
            Some("7.5")
        );
    }

    #[test]
    fn dispatch_by_prefix() {
        assert_eq!(
            score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").map(Score::tenths),
            Ok(98)
        );
        assert_eq!(
            score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P").map(Score::tenths),
            Ok(75)
        );
        assert_eq!(
            score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H")
                .map(Score::tenths),
            Ok(100)
        );
        assert!(score_vector("garbage").is_err());
    }
}
