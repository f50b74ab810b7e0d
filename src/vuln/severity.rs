//! The severity of an advisory.
//!
//! 1. `MAL-` records (OpenSSF malicious packages, or any record aliasing one) are 10.0 critical:
//!    installing a malicious package is a compromise, whatever the record says.
//! 2. Otherwise the highest CVSS score among the record's `severity[]` entries (record level and
//!    `affected[].severity`), computed from the vectors (v2, v3.0/3.1, v4.0).
//! 3. Otherwise GitHub's `database_specific.severity` label, mapped to a representative score in
//!    the middle of the CVSS band it names: LOW = 3.0, MODERATE/MEDIUM = 5.5, HIGH = 8.0,
//!    CRITICAL = 9.5.
//! 4. Otherwise unknown.

use serde::Serialize;

use super::cvss::{Rating, Score, v2, v3, v4};
use super::osv::{Record, SeverityType};

/// Where a severity came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SeveritySource {
    /// A CVSS vector, scored here.
    Cvss { version: String, vector: String },
    /// GitHub's qualitative label.
    Ghsa { label: String },
    /// A malicious-package report.
    Malicious,
    /// Nothing usable.
    Unknown,
}

/// Qualitative severity of a match (`unknown` when the advisory gives nothing usable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLabel {
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl From<Rating> for SeverityLabel {
    fn from(r: Rating) -> Self {
        match r {
            Rating::None => SeverityLabel::None,
            Rating::Low => SeverityLabel::Low,
            Rating::Medium => SeverityLabel::Medium,
            Rating::High => SeverityLabel::High,
            Rating::Critical => SeverityLabel::Critical,
        }
    }
}

impl SeverityLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLabel::Unknown => "unknown",
            SeverityLabel::None => "none",
            SeverityLabel::Low => "low",
            SeverityLabel::Medium => "medium",
            SeverityLabel::High => "high",
            SeverityLabel::Critical => "critical",
        }
    }
}

/// An advisory's severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvisorySeverity {
    pub score: Option<Score>,
    pub label: SeverityLabel,
    pub source: SeveritySource,
}

impl AdvisorySeverity {
    pub fn unknown() -> Self {
        AdvisorySeverity {
            score: None,
            label: SeverityLabel::Unknown,
            source: SeveritySource::Unknown,
        }
    }
}

/// Representative score for a GitHub severity label.
pub fn ghsa_label_score(label: &str) -> Option<Score> {
    let tenths = match label.trim().to_ascii_uppercase().as_str() {
        "LOW" => 30,
        "MODERATE" | "MEDIUM" => 55,
        "HIGH" => 80,
        "CRITICAL" => 95,
        _ => return None,
    };
    Some(Score::from_tenths(tenths))
}

/// Computes a record's severity (see the module documentation).
pub fn of_record(record: &Record) -> AdvisorySeverity {
    if record.is_malicious() {
        return AdvisorySeverity {
            score: Some(Score::MAX),
            label: SeverityLabel::Critical,
            source: SeveritySource::Malicious,
        };
    }
    let entries = record
        .severity
        .iter()
        .chain(record.affected.iter().flat_map(|a| a.severity.iter()));
    let mut best: Option<(Score, SeveritySource)> = None;
    for e in entries {
        let (version, result) = match e.kind {
            SeverityType::CvssV2 => ("2.0", v2::base_score(&e.score)),
            SeverityType::CvssV3 => ("3.x", v3::base_score(&e.score)),
            SeverityType::CvssV4 => ("4.0", v4::score(&e.score)),
            _ => continue,
        };
        let Ok(score) = result else { continue };
        let version = match e.kind {
            SeverityType::CvssV3 if e.score.trim_start().starts_with("CVSS:3.0") => "3.0",
            SeverityType::CvssV3 => "3.1",
            _ => version,
        };
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((
                score,
                SeveritySource::Cvss {
                    version: version.into(),
                    vector: e.score.trim().to_string(),
                },
            ));
        }
    }
    if let Some((score, source)) = best {
        return AdvisorySeverity {
            score: Some(score),
            label: score.rating().into(),
            source,
        };
    }
    if let Some(label) = record.ghsa_severity()
        && let Some(score) = ghsa_label_score(label)
    {
        return AdvisorySeverity {
            score: Some(score),
            label: score.rating().into(),
            source: SeveritySource::Ghsa {
                label: label.trim().to_ascii_uppercase(),
            },
        };
    }
    AdvisorySeverity::unknown()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vuln::osv::parse_record;

    fn sev(json: &str) -> AdvisorySeverity {
        match parse_record(json) {
            Ok(r) => of_record(&r),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn precedence() {
        let both = sev(
            r#"{"id":"GHSA-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
               {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
               "database_specific":{"severity":"LOW"}}"#,
        );
        assert_eq!(both.score.map(Score::tenths), Some(93));
        assert_eq!(both.label, SeverityLabel::Critical);
        assert!(
            matches!(both.source, SeveritySource::Cvss { ref version, .. } if version == "4.0")
        );

        let label =
            sev(r#"{"id":"GHSA-2","severity":[],"database_specific":{"severity":"MODERATE"}}"#);
        assert_eq!(label.score.map(Score::tenths), Some(55));
        assert_eq!(label.label, SeverityLabel::Medium);

        let broken = sev(
            r#"{"id":"GHSA-3","severity":[{"type":"CVSS_V3","score":"nonsense"}],"database_specific":{"severity":"HIGH"}}"#,
        );
        assert_eq!(broken.score.map(Score::tenths), Some(80));

        let mal = sev(r#"{"id":"MAL-2024-1","database_specific":{"severity":"LOW"}}"#);
        assert_eq!(
            (mal.score, mal.label),
            (Some(Score::MAX), SeverityLabel::Critical)
        );
        let mal_alias = sev(r#"{"id":"GHSA-4","aliases":["MAL-2024-2"]}"#);
        assert_eq!(mal_alias.source, SeveritySource::Malicious);

        assert_eq!(sev(r#"{"id":"PYSEC-1"}"#), AdvisorySeverity::unknown());
    }
}
