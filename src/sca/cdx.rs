//! The CycloneDX `vulnerabilities` section of a dependency scan.
//!
//! One entry per advisory (per VEX analysis, when statements differ between components), with
//! `affects` naming the bom-refs of every affected component (and the exact version where
//! there is one), `ratings` from each CVSS vector (scored here) or else GitHub's label,
//! `source` and `advisories` URLs, the CWEs, aliases as `references`, and a `recommendation`
//! naming the fixed version(s) to move to.

use std::collections::BTreeMap;

use crate::report::cyclonedx::{
    Advisory, Affect, AffectedStatus, AffectedVersion, AffectedVersionSpec, Analysis, Rating,
    RatingSeverity, ScoreMethod, VulnReference, VulnSource, VulnerabilityEntry,
};
use crate::sbom::VersionSpec;
use crate::vuln::cvss::{self, Rating as CvssRating};
use crate::vuln::severity::SeverityLabel;

use super::{AdvisoryRule, ScaMatch, ScaResult, database_of};

/// Most advisory URLs listed per vulnerability.
const MAX_ADVISORY_URLS: usize = 20;

fn advisory_url(id: &str) -> Option<String> {
    let prefix = id.split('-').next().unwrap_or("");
    match prefix {
        "GHSA" => Some(format!("https://github.com/advisories/{id}")),
        "CVE" => Some(format!("https://nvd.nist.gov/vuln/detail/{id}")),
        "RUSTSEC" => Some(format!("https://rustsec.org/advisories/{id}.html")),
        "" => None,
        _ => Some(format!("https://osv.dev/vulnerability/{id}")),
    }
}

fn source_of(id: &str) -> VulnSource {
    VulnSource {
        name: Some(database_of(id).to_string()),
        url: advisory_url(id),
    }
}

fn rating_severity(r: CvssRating) -> RatingSeverity {
    match r {
        CvssRating::None => RatingSeverity::None,
        CvssRating::Low => RatingSeverity::Low,
        CvssRating::Medium => RatingSeverity::Medium,
        CvssRating::High => RatingSeverity::High,
        CvssRating::Critical => RatingSeverity::Critical,
    }
}

fn label_severity(l: SeverityLabel) -> RatingSeverity {
    match l {
        SeverityLabel::Unknown => RatingSeverity::Unknown,
        SeverityLabel::None => RatingSeverity::None,
        SeverityLabel::Low => RatingSeverity::Low,
        SeverityLabel::Medium => RatingSeverity::Medium,
        SeverityLabel::High => RatingSeverity::High,
        SeverityLabel::Critical => RatingSeverity::Critical,
    }
}

fn ratings(rule: &AdvisoryRule) -> Vec<Rating> {
    let source = Some(source_of(&rule.id));
    if rule.malicious {
        return vec![Rating {
            source,
            score: Some(10.0),
            severity: Some(RatingSeverity::Critical),
            method: Some(ScoreMethod::Other),
            vector: None,
        }];
    }
    let mut out = Vec::new();
    for (_, vector) in &rule.vectors {
        let method = if vector.starts_with("CVSS:4.0/") {
            ScoreMethod::CvssV4
        } else if vector.starts_with("CVSS:3.1/") {
            ScoreMethod::CvssV31
        } else if vector.starts_with("CVSS:3.") {
            ScoreMethod::CvssV3
        } else {
            ScoreMethod::CvssV2
        };
        let score = cvss::score_vector(vector).ok();
        out.push(Rating {
            source: source.clone(),
            score: score.map(|s| s.as_f64()),
            severity: score.map(|s| rating_severity(s.rating())),
            method: Some(method),
            vector: Some(vector.clone()),
        });
    }
    if out.is_empty() && rule.label != SeverityLabel::Unknown {
        out.push(Rating {
            source,
            score: None,
            severity: Some(label_severity(rule.label)),
            method: Some(ScoreMethod::Other),
            vector: None,
        });
    }
    out
}

fn cwe_number(id: &str) -> Option<u32> {
    let t = id.trim();
    let n = t
        .strip_prefix("CWE-")
        .or_else(|| t.strip_prefix("cwe-"))
        .unwrap_or(t);
    n.parse().ok().filter(|n| *n > 0)
}

fn recommendation(matches: &[&ScaMatch]) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    for m in matches {
        let a = &m.advisory;
        let line = if a.malicious {
            format!(
                "{}: remove this package (malicious); there is no fixed version",
                m.package
            )
        } else {
            match a.fixed.as_slice() {
                [] => continue,
                [one] => format!("{}: upgrade to {one} or later", m.package),
                many => format!("{}: fixed in {}", m.package, many.join(", ")),
            }
        };
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    (!lines.is_empty()).then(|| lines.join("; "))
}

/// The `vulnerabilities` entries of `result`, sorted by advisory id.
pub fn vulnerabilities(result: &ScaResult) -> Vec<VulnerabilityEntry> {
    // Group by advisory and VEX analysis (components with different statements get separate
    // entries, each with its own analysis).
    type GroupKey = (String, Option<String>);
    let mut groups: BTreeMap<GroupKey, Vec<&ScaMatch>> = BTreeMap::new();
    for m in &result.matches {
        let vex_key = m.vex.as_ref().map(|v| {
            format!(
                "{}\u{0}{}\u{0}{}",
                v.state.as_str(),
                v.justification.map(|j| j.as_str()).unwrap_or(""),
                v.detail.as_deref().unwrap_or("")
            )
        });
        groups
            .entry((m.advisory.advisory_id.clone(), vex_key))
            .or_default()
            .push(m);
    }
    let mut out = Vec::with_capacity(groups.len());
    for ((id, _), members) in groups {
        let Some(rule) = result.rules.get(&id) else {
            continue;
        };
        let mut aliases: Vec<String> = members
            .iter()
            .flat_map(|m| m.advisory.aliases.iter().cloned())
            .chain(rule.aliases.iter().cloned())
            .collect();
        aliases.sort();
        aliases.dedup();
        let mut advisories = vec![Advisory {
            title: rule.summary.clone(),
            url: rule.url.clone(),
        }];
        for r in &rule.references {
            if advisories.len() >= MAX_ADVISORY_URLS {
                break;
            }
            if !advisories.iter().any(|a| &a.url == r) {
                advisories.push(Advisory {
                    title: None,
                    url: r.clone(),
                });
            }
        }
        let mut affects: Vec<Affect> = Vec::new();
        for m in &members {
            if affects.iter().any(|a| a.bom_ref == m.bom_ref) {
                continue;
            }
            let versions = match &m.version {
                VersionSpec::Exact(v) => vec![AffectedVersion {
                    version: AffectedVersionSpec::Version(v.clone()),
                    status: AffectedStatus::Affected,
                }],
                _ => Vec::new(),
            };
            affects.push(Affect {
                bom_ref: m.bom_ref.clone(),
                versions,
            });
        }
        let analysis = members
            .first()
            .and_then(|m| m.vex.as_ref())
            .map(|v| Analysis {
                state: v.state,
                justification: v.justification,
                responses: Vec::new(),
                detail: v.detail.clone(),
            });
        out.push(VulnerabilityEntry {
            id: id.clone(),
            source: Some(source_of(&id)),
            references: aliases
                .iter()
                .map(|a| VulnReference {
                    id: a.clone(),
                    source: source_of(a),
                })
                .collect(),
            ratings: ratings(rule),
            cwes: rule.cwe_ids.iter().filter_map(|c| cwe_number(c)).collect(),
            description: rule.summary.clone(),
            detail: rule.details.clone(),
            recommendation: recommendation(&members),
            advisories,
            published: rule.published.clone(),
            updated: rule.modified.clone(),
            affects,
            analysis,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_numbers() {
        assert_eq!(cwe_number("CWE-79"), Some(79));
        assert_eq!(cwe_number("CWE-0"), None);
        assert_eq!(cwe_number("nope"), None);
    }

    #[test]
    fn urls_by_prefix() {
        assert_eq!(
            advisory_url("CVE-2024-21907").as_deref(),
            Some("https://nvd.nist.gov/vuln/detail/CVE-2024-21907")
        );
        assert_eq!(
            advisory_url("PYSEC-2022-1").as_deref(),
            Some("https://osv.dev/vulnerability/PYSEC-2022-1")
        );
    }
}
