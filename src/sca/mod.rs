//! Dependency scanning: SBOM components × advisories → one finding per (component, advisory).
//!
//! The pieces:
//!
//! * [`Advisories`] — an [`AdvisoryIndex`] built from OSV records plus what the reports need
//!   beyond a [`Match`] (details, CVSS vectors, dates) and a description of where the records
//!   came from. The native layer loads the records (offline database, OSV JSON directory,
//!   `all.zip`, RustSec checkout, OSV API); everything here is pure.
//! * [`assess`] — matches every component of an [`Sbom`], collapses aliases (the matcher does
//!   that), applies advisory ignores from the config and VEX statements, and returns
//!   [`ScaResult`]: the matches with their severity and suppression, one [`AdvisoryRule`] per
//!   advisory (SARIF rules), and counts.
//! * [`findings`] — turns matches into [`Finding`]s at the component's evidence location (the
//!   `<PackageReference>` line, the lock-file entry, the Dockerfile `RUN` line).
//! * [`cdx`] — the CycloneDX `vulnerabilities` section.
//! * [`vex`] — reading CycloneDX VEX documents.
//!
//! Severity of a finding: malicious packages (`MAL-` records or aliases) are always errors;
//! RustSec informational advisories (unmaintained, unsound, notice) are notes; otherwise the
//! advisory's score — CVSS computed from the vector, else GitHub's label — gives error from
//! 7.0 (high, critical), warning from 4.0 (medium) and note below; an advisory without any
//! severity is a warning.

pub mod cdx;
pub mod findings;
pub mod vex;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::config::Config;
use crate::finding::{Severity, Suppression, SuppressionKind};
use crate::report::cyclonedx::{AnalysisState, Justification};
use crate::sbom::{Ecosystem, Evidence, Sbom, VersionSpec};
use crate::source::Date;
use crate::vuln::cvss::Score;
use crate::vuln::matcher::{AdvisoryIndex, Match, MatchOptions, MatchStatus, UnknownReason};
use crate::vuln::osv::{Record, SeverityType};
use crate::vuln::severity::{SeverityLabel, SeveritySource};

pub use findings::{findings as to_findings, primary_evidence};
pub use vex::{VexError, VexStatement};

/// Longest `details` text kept per advisory (SARIF help, CycloneDX `detail`).
pub const MAX_DETAILS_CHARS: usize = 8_000;

/// What reports need about an advisory beyond a [`Match`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AdvisoryDetails {
    pub details: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// `(type, vector)` of every CVSS severity entry (`CVSS_V3`, `CVSS:3.1/AV:N/…`).
    pub vectors: Vec<(String, String)>,
    /// Reference URLs of the record, in record order.
    pub references: Vec<String>,
}

impl AdvisoryDetails {
    fn of(record: &Record) -> Self {
        let mut vectors: Vec<(String, String)> = record
            .severity
            .iter()
            .chain(record.affected.iter().flat_map(|a| a.severity.iter()))
            .filter(|s| {
                matches!(
                    s.kind,
                    SeverityType::CvssV2 | SeverityType::CvssV3 | SeverityType::CvssV4
                )
            })
            .map(|s| (s.kind.as_str().to_string(), s.score.trim().to_string()))
            .collect();
        vectors.sort();
        vectors.dedup();
        AdvisoryDetails {
            details: record
                .details
                .as_ref()
                .map(|d| truncate(d.trim(), MAX_DETAILS_CHARS))
                .filter(|d| !d.is_empty()),
            published: record.published.clone(),
            modified: record.modified.clone(),
            vectors,
            references: record
                .references
                .iter()
                .map(|r| r.url.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect(),
        }
    }
}

/// Advisory records ready for matching, with where they came from.
#[derive(Debug, Clone, Default)]
pub struct Advisories {
    index: AdvisoryIndex,
    details: BTreeMap<String, AdvisoryDetails>,
    sources: Vec<String>,
}

impl Advisories {
    /// Indexes `records`; `sources` describe where they came from (shown in reports).
    pub fn new(records: Vec<Record>, sources: Vec<String>) -> Self {
        let mut details = BTreeMap::new();
        let mut index = AdvisoryIndex::new();
        for r in records {
            let d = AdvisoryDetails::of(&r);
            // The index keeps the newest copy of an id; keep its details too.
            let newer = match details.get(&r.id) {
                None => true,
                Some(old) => {
                    let old: &AdvisoryDetails = old;
                    match (&r.modified, &old.modified) {
                        (Some(n), Some(o)) => n > o,
                        (Some(_), None) => true,
                        _ => false,
                    }
                }
            };
            if newer {
                details.insert(r.id.clone(), d);
            }
            index.insert(r);
        }
        Advisories {
            index,
            details,
            sources,
        }
    }

    pub fn index(&self) -> &AdvisoryIndex {
        &self.index
    }

    pub fn details(&self, id: &str) -> Option<&AdvisoryDetails> {
        self.details.get(id)
    }

    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// `1,234 advisories from <source>; <source>` (advisories in the index: after a source's
    /// filtering to the scanned packages; the source descriptions say how many were read).
    pub fn describe(&self) -> String {
        let n = self.index.stats().records;
        let from = if self.sources.is_empty() {
            "an unnamed source".to_string()
        } else {
            self.sources.join("; ")
        };
        format!("{} advisories from {from}", group_thousands(n))
    }
}

/// Advisory data for a scan.
#[derive(Debug, Clone)]
pub enum AdvisoryData {
    /// Records to match against.
    Loaded(std::sync::Arc<Advisories>),
    /// No data could be had; the message says why and what to do. Dependencies are listed in
    /// the SBOM but not checked, and a warning says so.
    Unavailable(String),
    /// Checking was turned off on purpose (`--advisories none`): a note says so.
    Disabled,
}

/// Dependency scanning options of [`crate::engine::ScanOptions`].
#[derive(Debug, Clone)]
pub struct DependencyOptions {
    pub advisories: AdvisoryData,
    /// Statements from `--vex` documents.
    pub vex: Vec<VexStatement>,
    /// Name of the scanned root (the SBOM's `metadata.component`).
    pub root_name: String,
    pub match_options: MatchOptions,
    /// The SBOM of exactly the scanned files when the caller already assembled it
    /// ([`crate::engine::dependency_sbom`] with the same files, config and `root_name`), so the
    /// scan does not assemble it a second time; `None`: the scan assembles it.
    pub sbom: Option<crate::sbom::Sbom>,
}

impl DependencyOptions {
    pub fn new(advisories: AdvisoryData) -> Self {
        Self {
            advisories,
            vex: Vec::new(),
            root_name: "project".to_string(),
            match_options: MatchOptions::default(),
            sbom: None,
        }
    }
}

/// A VEX analysis applied to a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VexAnalysis {
    #[serde(serialize_with = "ser_state")]
    pub state: AnalysisState,
    #[serde(serialize_with = "ser_justification")]
    pub justification: Option<Justification>,
    pub detail: Option<String>,
    /// Where the statement came from (the VEX file).
    pub source: String,
}

fn ser_state<S: serde::Serializer>(s: &AnalysisState, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

fn ser_justification<S: serde::Serializer>(
    j: &Option<Justification>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match j {
        Some(j) => ser.serialize_str(j.as_str()),
        None => ser.serialize_none(),
    }
}

impl VexAnalysis {
    /// `not_affected` and `false_positive` statements suppress the finding.
    pub fn suppresses(&self) -> bool {
        matches!(
            self.state,
            AnalysisState::NotAffected | AnalysisState::FalsePositive
        )
    }
}

/// One advisory affecting one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaMatch {
    /// bom-ref of the component in the SBOM.
    pub bom_ref: String,
    pub purl: Option<String>,
    pub ecosystem: Ecosystem,
    /// Full package name as declared (`@scope/name` for scoped npm packages).
    pub package: String,
    pub version: VersionSpec,
    /// Where the component is declared, sorted; see [`primary_evidence`].
    pub evidence: Vec<Evidence>,
    /// The matched advisory (aliases collapsed).
    pub advisory: Match,
    pub severity: Severity,
    pub suppression: Option<Suppression>,
    pub vex: Option<VexAnalysis>,
}

/// What reports show for an advisory (a SARIF rule, a CycloneDX vulnerability).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryRule {
    /// The preferred id (`GHSA-…` for NuGet/npm, `RUSTSEC-…`, `PYSEC-…`, `GO-…`).
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub url: String,
    pub score: Option<Score>,
    pub label: SeverityLabel,
    pub severity_source: SeveritySource,
    /// Finding severity (see the module documentation).
    pub severity: Severity,
    pub malicious: bool,
    pub informational: Option<String>,
    pub cwe_ids: Vec<String>,
    pub vectors: Vec<(String, String)>,
    pub references: Vec<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Ecosystems of the affected components (for tags).
    pub ecosystems: Vec<String>,
}

impl AdvisoryRule {
    /// A one-line title: the summary, else a generic one.
    pub fn title(&self) -> String {
        match &self.summary {
            Some(s) if !s.trim().is_empty() => s.trim().to_string(),
            _ if self.malicious => format!("Malicious package ({})", self.id),
            _ => format!("Known vulnerability {}", self.id),
        }
    }

    /// The database the id belongs to (CycloneDX `source.name`).
    pub fn database(&self) -> &'static str {
        database_of(&self.id)
    }
}

/// The name of the database an advisory id belongs to.
pub fn database_of(id: &str) -> &'static str {
    let prefix = id.split('-').next().unwrap_or("");
    match prefix {
        "GHSA" => "GitHub Advisory Database",
        "CVE" => "NVD",
        "RUSTSEC" => "RustSec",
        "PYSEC" => "PyPA Advisory Database",
        "GO" => "Go Vulnerability Database",
        "MAL" => "OpenSSF Malicious Packages",
        _ => "OSV",
    }
}

/// Counts of a dependency scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaSummary {
    /// Components with an OSV ecosystem (NuGet, crates.io, npm, PyPI, Go, …).
    pub checked: usize,
    pub vulnerable: usize,
    /// (component, advisory) pairs.
    pub matches: usize,
    pub suppressed: usize,
    pub malicious: usize,
    pub conservative: usize,
    pub unpinned: usize,
    pub unparseable: usize,
    pub unsupported_range: usize,
    pub no_ordering: usize,
    /// Components no advisory database covers (Chocolatey, images, files, other registries).
    pub not_covered: usize,
}

/// The outcome of a dependency scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScaResult {
    /// Where the advisories came from (`None`: not checked).
    pub source: Option<String>,
    /// Sorted by bom-ref, then advisory id.
    pub matches: Vec<ScaMatch>,
    /// One per advisory id in `matches`.
    pub rules: BTreeMap<String, AdvisoryRule>,
    pub summary: ScaSummary,
    /// Advisory ids that matched but were withdrawn, by bom-ref.
    pub withdrawn_skipped: BTreeMap<String, Vec<String>>,
}

/// The finding severity of a match.
pub fn severity_of(m: &Match) -> Severity {
    if m.malicious {
        return Severity::Error;
    }
    if m.informational.is_some() {
        return Severity::Note;
    }
    match m.severity_score.map(Score::tenths) {
        Some(t) if t >= 70 => Severity::Error,
        Some(t) if t >= 40 => Severity::Warning,
        Some(_) => Severity::Note,
        None => Severity::Warning,
    }
}

/// Whether a Cargo component comes from somewhere other than crates.io (a git repository, an
/// alternative registry): crates.io advisories do not describe it (cargo-audit skips them too).
fn outside_default_registry(c: &crate::sbom::Component) -> bool {
    c.ecosystem == Ecosystem::Cargo
        && c.properties
            .get("sourceKind")
            .is_some_and(|k| k == "git" || k == "registry")
}

/// Matches every component of `sbom` against `advisories` and applies config ignores and VEX.
pub fn assess(
    sbom: &Sbom,
    advisories: &Advisories,
    config: &Config,
    today: Date,
    vex: &[VexStatement],
    options: &MatchOptions,
) -> ScaResult {
    let mut out = ScaResult {
        source: Some(advisories.describe()),
        ..ScaResult::default()
    };
    let mut rule_ecosystems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for sc in &sbom.components {
        let c = &sc.component;
        let Some(osv) = c.ecosystem.osv_name() else {
            out.summary.not_covered += 1;
            continue;
        };
        if outside_default_registry(c) {
            out.summary.not_covered += 1;
            continue;
        }
        out.summary.checked += 1;
        let result = advisories.index().evaluate(c, options);
        match result.status {
            MatchStatus::Vulnerable => out.summary.vulnerable += 1,
            MatchStatus::Unknown(UnknownReason::Unpinned) => out.summary.unpinned += 1,
            MatchStatus::Unknown(UnknownReason::UnparseableVersion) => {
                out.summary.unparseable += 1;
            }
            MatchStatus::Unknown(UnknownReason::UnsupportedRange) => {
                out.summary.unsupported_range += 1;
            }
            MatchStatus::Unknown(UnknownReason::NoOrdering) => out.summary.no_ordering += 1,
            MatchStatus::Clean | MatchStatus::NotCovered => {}
        }
        if !result.withdrawn_skipped.is_empty() {
            out.withdrawn_skipped
                .insert(sc.bom_ref.clone(), result.withdrawn_skipped.clone());
        }
        let package = c.full_name();
        for m in result.matches {
            let mut ids: Vec<&str> = vec![m.advisory_id.as_str()];
            ids.extend(m.aliases.iter().map(String::as_str));
            let vex_hit = vex::applicable(vex, &ids, &sc.bom_ref, sc.purl.as_deref());
            let suppression = match &vex_hit {
                Some(a) if a.suppresses() => Some(Suppression {
                    kind: SuppressionKind::External,
                    reason: vex_reason(a),
                }),
                _ => config
                    .advisory_ignore_for(&ids, osv, &package, today)
                    .map(|ig| Suppression {
                        kind: SuppressionKind::External,
                        reason: ig.reason.clone(),
                    }),
            };
            let severity = severity_of(&m);
            out.summary.matches += 1;
            out.summary.malicious += usize::from(m.malicious);
            out.summary.conservative += usize::from(m.conservative);
            out.summary.suppressed += usize::from(suppression.is_some());
            rule_ecosystems
                .entry(m.advisory_id.clone())
                .or_default()
                .insert(osv.to_string());
            if !out.rules.contains_key(&m.advisory_id) {
                let d = advisories.details(&m.advisory_id);
                out.rules.insert(
                    m.advisory_id.clone(),
                    AdvisoryRule {
                        id: m.advisory_id.clone(),
                        aliases: m.aliases.clone(),
                        summary: m.summary.clone(),
                        details: d.and_then(|d| d.details.clone()),
                        url: m.url.clone(),
                        score: m.severity_score,
                        label: m.severity_label,
                        severity_source: m.severity_source.clone(),
                        severity,
                        malicious: m.malicious,
                        informational: m.informational.clone(),
                        cwe_ids: m.cwe_ids.clone(),
                        vectors: d.map(|d| d.vectors.clone()).unwrap_or_default(),
                        references: d.map(|d| d.references.clone()).unwrap_or_default(),
                        published: d.and_then(|d| d.published.clone()),
                        modified: d.and_then(|d| d.modified.clone()),
                        ecosystems: Vec::new(),
                    },
                );
            } else if let Some(rule) = out.rules.get_mut(&m.advisory_id) {
                // The same advisory on another component: keep the union of aliases.
                let mut aliases: BTreeSet<String> = rule.aliases.iter().cloned().collect();
                aliases.extend(m.aliases.iter().cloned());
                rule.aliases = aliases.into_iter().collect();
            }
            out.matches.push(ScaMatch {
                bom_ref: sc.bom_ref.clone(),
                purl: sc.purl.clone(),
                ecosystem: c.ecosystem,
                package: package.clone(),
                version: c.version.clone(),
                evidence: c.evidence.clone(),
                advisory: m,
                severity,
                suppression,
                vex: vex_hit,
            });
        }
    }
    for (id, ecos) in rule_ecosystems {
        if let Some(rule) = out.rules.get_mut(&id) {
            rule.ecosystems = ecos.into_iter().collect();
        }
    }
    out.matches.sort_by(|a, b| {
        (&a.bom_ref, &a.advisory.advisory_id).cmp(&(&b.bom_ref, &b.advisory.advisory_id))
    });
    out
}

fn vex_reason(a: &VexAnalysis) -> String {
    let mut s = format!("VEX ({}): {}", a.source, a.state.as_str());
    if let Some(j) = a.justification {
        s.push_str(&format!(" ({})", j.as_str()));
    }
    if let Some(d) = a.detail.as_ref().filter(|d| !d.trim().is_empty()) {
        s.push_str(": ");
        s.push_str(d.trim());
    }
    s
}

/// One line summarizing a dependency scan (a note diagnostic).
pub fn summary_line(result: &ScaResult) -> String {
    let s = &result.summary;
    let mut text = format!(
        "dependencies: {} component(s) checked against {}: {} vulnerable ({} finding(s)",
        s.checked,
        result.source.as_deref().unwrap_or("no advisories"),
        s.vulnerable,
        s.matches
    );
    if s.suppressed > 0 {
        text.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if s.malicious > 0 {
        text.push_str(&format!(", {} malicious", s.malicious));
    }
    if s.conservative > 0 {
        text.push_str(&format!(
            ", {} from version ranges matched conservatively",
            s.conservative
        ));
    }
    text.push(')');
    let unknown = [
        (s.unpinned, "without a version"),
        (
            s.unparseable,
            "with a version the advisories' ordering cannot read",
        ),
        (
            s.unsupported_range,
            "with a version range that cannot be evaluated",
        ),
        (
            s.no_ordering,
            "in an ecosystem whose version ordering is not implemented",
        ),
    ];
    let parts: Vec<String> = unknown
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !parts.is_empty() {
        text.push_str(&format!("; not judged: {}", parts.join(", ")));
    }
    if s.not_covered > 0 {
        text.push_str(&format!(
            "; {} component(s) no advisory database covers (Chocolatey, images, files, git or private-registry crates …)",
            s.not_covered
        ));
    }
    text
}

/// The warning shown when dependencies could not be checked.
pub fn unavailable_message(why: &str) -> String {
    let why = why.trim();
    let lead = "no advisory data: run `portcullis db update` or pass --advisories online|PATH; dependencies were NOT checked for known vulnerabilities";
    if why.is_empty() {
        lead.to_string()
    } else {
        format!("{lead} ({why})")
    }
}

fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most `max` chars of `s`, with `…` when cut.
pub fn truncate_text(s: &str, max: usize) -> String {
    truncate(s, max)
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => {
            let mut t = s.get(..i).unwrap_or("").to_string();
            t.push('…');
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1234), "1,234");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("ééé", 2), "éé…");
    }

    #[test]
    fn databases() {
        assert_eq!(
            database_of("GHSA-5crp-9r3c-p9vr"),
            "GitHub Advisory Database"
        );
        assert_eq!(database_of("RUSTSEC-2021-0139"), "RustSec");
        assert_eq!(database_of("X"), "OSV");
    }
}
