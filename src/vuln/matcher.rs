//! Matching SBOM components against OSV advisories.
//!
//! [`AdvisoryIndex`] is built once from parsed records: every `affected[]` entry is filed under
//! its OSV ecosystem and normalized package name, and its ranges are parsed into intervals with
//! the right ordering (`ECOSYSTEM` ranges use the ecosystem's, `SEMVER` ranges SemVer whatever
//! the ecosystem, `GIT` ranges are ignored). Matching a component is then a lookup plus interval
//! tests; nothing is re-parsed but the component's own version.
//!
//! Range evaluation follows the OSV schema's algorithm: events sorted by version, `introduced`
//! opens an affected interval (`"0"` = from the beginning), `fixed` closes it before the fix,
//! `last_affected` closes it after that version, `limit` events cap the whole range (none, or
//! `"*"`, means no cap). A version is affected if it lies in any interval of any range of any
//! entry for its package, or is listed in `versions[]`.
//!
//! Robustness choices: an `introduced` version that does not parse counts as `"0"`, and a
//! `fixed`/`last_affected` that does not parse is dropped (so the range stays open) — a bad
//! bound can cause a false positive, never a silent miss. Each such case is an
//! [`IndexWarning`].
//!
//! Records describing the same vulnerability under different ids (a GHSA and a CVE, a RUSTSEC
//! aliasing a GHSA, two records sharing a CVE alias) collapse into one [`Match`] whose
//! `advisory_id` is the preferred id for the ecosystem — GHSA for NuGet and npm, RUSTSEC for
//! crates.io, PYSEC for PyPI, GO for Go (GHSA otherwise), then other database ids, `MAL-`,
//! and `CVE-` last — with every other id in `aliases`.
//!
//! Withdrawn records are kept aside: they never produce matches, but the ids of those that
//! would have matched are reported in [`ComponentResult::withdrawn_skipped`].

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use serde::Serialize;

use crate::sbom::{Component, VersionSpec};

use super::cvss::Score;
use super::osv::{Event, RangeType, Record};
use super::severity::{self, AdvisorySeverity, SeverityLabel, SeveritySource};
use super::spec::{self, Resolution, SpecRange};
use super::version::{self, AnyVersion, Scheme};

/// Component property naming the exact OSV ecosystem (`Debian:12`, `Alpine:v3.20`). When set,
/// only advisories for that ecosystem string apply; otherwise advisories of every release of
/// the distribution do.
pub const OSV_ECOSYSTEM_PROPERTY: &str = "osv.ecosystem";

/// The part of an OSV ecosystem string before the first `:` (`Debian:12` → `Debian`).
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// The name under which a package is indexed: PyPI names per PEP 503 (lowercase, runs of
/// `-`, `_`, `.` become `-`), NuGet ids lowercased, crates.io names lowercased with `_` as `-`
/// (crates.io refuses names that differ only that way); other ecosystems as written.
pub fn normalize_name(osv_ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    match base_ecosystem(osv_ecosystem) {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_sep = false;
                }
            }
            out
        }
        "NuGet" => name.to_lowercase(),
        "crates.io" => name.to_lowercase().replace('_', "-"),
        _ => name.to_string(),
    }
}

/// A problem met while indexing a record; the record is still used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IndexWarning {
    pub advisory_id: String,
    pub message: String,
}

/// Counts describing an index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Records in use.
    pub records: usize,
    /// Withdrawn records (kept aside).
    pub withdrawn: usize,
    /// Records replaced by a newer copy with the same id.
    pub superseded: usize,
    /// Distinct (ecosystem, package) keys.
    pub packages: usize,
}

#[derive(Debug, Clone)]
struct Advisory {
    id: String,
    aliases: Vec<String>,
    summary: Option<String>,
    severity: AdvisorySeverity,
    malicious: bool,
    cwe_ids: Vec<String>,
    url: String,
    modified: Option<String>,
    withdrawn: bool,
    superseded: bool,
}

#[derive(Debug, Clone)]
struct Interval {
    lo: Bound<AnyVersion>,
    hi: Bound<AnyVersion>,
    /// The `fixed` event closing this interval, as written.
    fixed: Option<String>,
    /// Closed by `last_affected`: no fix was known when the record was written.
    no_known_fix: bool,
    /// Human-readable form (`>= 1.0, < 1.2.3`).
    text: String,
}

#[derive(Debug, Clone)]
struct PreparedRange {
    scheme: Scheme,
    intervals: Vec<Interval>,
}

/// An entry's `versions[]`: the ones that parse in the ecosystem's ordering sorted by it (for
/// binary search), the rest kept as text.
#[derive(Debug, Clone, Default)]
struct Listed {
    sorted: Vec<(AnyVersion, String)>,
    unparsed: Vec<String>,
}

impl Listed {
    fn new(raw: &[String], scheme: Option<Scheme>) -> Listed {
        let mut out = Listed::default();
        for r in raw {
            let r = r.trim().to_string();
            match scheme.and_then(|s| version::parse(s, &r).ok()) {
                Some(v) => out.sorted.push((v, r)),
                None => out.unparsed.push(r),
            }
        }
        // One scheme throughout: a total order.
        out.sorted
            .sort_by(|a, b| a.0.compare(&b.0).unwrap_or(Ordering::Equal));
        out
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty() && self.unparsed.is_empty()
    }

    /// Listed versions equal to `v` (same ordering).
    fn equal_to(&self, v: &AnyVersion) -> &[(AnyVersion, String)] {
        let lo = self
            .sorted
            .partition_point(|(p, _)| p.compare(v) == Some(Ordering::Less));
        let hi = self.sorted.partition_point(|(p, _)| {
            matches!(p.compare(v), Some(Ordering::Less | Ordering::Equal))
        });
        self.sorted.get(lo..hi).unwrap_or(&[])
    }

    /// Listed spellings equal to `raw` as text.
    fn text_equal<'a>(&'a self, raw: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        let raw = raw.trim();
        self.sorted
            .iter()
            .map(|(_, r)| r)
            .chain(self.unparsed.iter())
            .filter(move |r| *r == raw)
    }
}

#[derive(Debug, Clone)]
struct Entry {
    advisory: usize,
    /// Full OSV ecosystem string (`Debian:12`).
    ecosystem: String,
    ranges: Vec<PreparedRange>,
    versions: Listed,
    list_scheme: Option<Scheme>,
    /// `ECOSYSTEM` ranges whose ecosystem has no implemented ordering.
    unordered_ranges: usize,
    informational: Option<String>,
}

/// How manifest ranges (`VersionSpec::Range` / `Floating`) are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RangePolicy {
    /// Model the package manager: NuGet restores a non-floating range to its lowest version, so
    /// that version is tested; floating versions and npm / Cargo / pip ranges resolve to the
    /// highest admitted version, so the component is affected when an affected interval reaches
    /// the top of the admitted range (an unfixed advisory, a `last_affected` bound, or a fix only
    /// above the range).
    #[default]
    Resolver,
    /// Affected when any admitted version is affected (interval overlap). Noisier.
    AnyAdmitted,
}

/// Matching options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchOptions {
    pub range_policy: RangePolicy,
}

/// One advisory (or group of aliased advisories) affecting a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The preferred id of the group.
    pub advisory_id: String,
    /// Every other id of the group (collapsed record ids and their aliases), sorted.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// Highest score of the group (see [`severity`]).
    pub severity_score: Option<Score>,
    pub severity_label: SeverityLabel,
    pub severity_source: SeveritySource,
    /// For each matching range, the fix closing the affected interval, ascending.
    pub fixed: Vec<String>,
    /// Where to read the advisory.
    pub url: String,
    /// A malicious-package report (`MAL-`): the package must go, there is no fixed version.
    pub malicious: bool,
    /// The component's version is a range or floating version: the match means it may resolve
    /// to an affected version.
    pub conservative: bool,
    /// RustSec informational kind (`unmaintained`, `unsound`, `notice`) when every record of the
    /// group is informational.
    pub informational: Option<String>,
    /// The affected intervals that matched (`>= 0, < 13.0.1`, `listed version 1.2.3`).
    pub affected_ranges: Vec<String>,
    pub cwe_ids: Vec<String>,
}

/// Why a component could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownReason {
    /// No version at all.
    Unpinned,
    /// The version does not parse in the ordering the advisories need.
    UnparseableVersion,
    /// A manifest range or floating version this matcher cannot read.
    UnsupportedRange,
    /// Advisories exist but their ranges use an ordering that is not implemented.
    NoOrdering,
}

/// The outcome for one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "kebab-case")]
pub enum MatchStatus {
    /// At least one match.
    Vulnerable,
    /// Advisories were checked (or none exist for the package) and none applies.
    Clean,
    /// Could not be judged.
    Unknown(UnknownReason),
    /// The ecosystem is not covered by OSV (Chocolatey, files, images …).
    NotCovered,
}

/// Matches and bookkeeping for one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentResult {
    pub status: MatchStatus,
    /// Sorted by severity (highest first), then id.
    pub matches: Vec<Match>,
    /// Withdrawn advisories that would have matched, sorted.
    pub withdrawn_skipped: Vec<String>,
    /// Advisory ranges that could not be evaluated for this component, sorted.
    pub notes: Vec<String>,
}

impl ComponentResult {
    fn with_status(status: MatchStatus) -> Self {
        ComponentResult {
            status,
            matches: Vec::new(),
            withdrawn_skipped: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Counts over a batch of components.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatchSummary {
    pub components: usize,
    pub vulnerable: usize,
    pub clean: usize,
    pub unknown: usize,
    pub not_covered: usize,
    /// Total matches (after alias collapsing).
    pub matches: usize,
    pub malicious: usize,
    pub conservative: usize,
}

/// Per-component results (same order as the input) and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchResult {
    pub results: Vec<ComponentResult>,
    pub summary: MatchSummary,
}

type Key = (String, String);

/// Advisories indexed by package.
#[derive(Debug, Clone, Default)]
pub struct AdvisoryIndex {
    advisories: Vec<Advisory>,
    live: BTreeMap<Key, Vec<Entry>>,
    withdrawn: BTreeMap<Key, Vec<Entry>>,
    by_id: BTreeMap<String, usize>,
    warnings: Vec<IndexWarning>,
    stats: IndexStats,
}

fn advisory_url(id: &str) -> String {
    if id.starts_with("GHSA-") {
        format!("https://github.com/advisories/{id}")
    } else if id.starts_with("RUSTSEC-") {
        format!("https://rustsec.org/advisories/{id}.html")
    } else {
        format!("https://osv.dev/vulnerability/{id}")
    }
}

fn interval_text(lo: &Bound<String>, hi: &Bound<String>) -> String {
    let lo = match lo {
        Bound::Unbounded => None,
        Bound::Included(v) => Some(format!(">= {v}")),
        Bound::Excluded(v) => Some(format!("> {v}")),
    };
    let hi = match hi {
        Bound::Unbounded => None,
        Bound::Included(v) => Some(format!("<= {v}")),
        Bound::Excluded(v) => Some(format!("< {v}")),
    };
    match (lo, hi) {
        (None, None) => "all versions".into(),
        (Some(l), None) => l,
        (None, Some(h)) => h,
        (Some(l), Some(h)) => format!("{l}, {h}"),
    }
}

fn cmp_opt(a: &Option<AnyVersion>, b: &Option<AnyVersion>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
    }
}

fn prepare_range(
    range: &super::osv::Range,
    scheme: Scheme,
    id: &str,
    warnings: &mut Vec<IndexWarning>,
) -> PreparedRange {
    let warn = |warnings: &mut Vec<IndexWarning>, msg: String| {
        warnings.push(IndexWarning {
            advisory_id: id.to_string(),
            message: msg,
        });
    };
    // (parsed version or None for "from the beginning", event)
    let mut events: Vec<(Option<AnyVersion>, &Event)> = Vec::new();
    let mut cap: Option<AnyVersion> = None;
    let mut uncapped = false;
    let mut limits = 0usize;
    for ev in &range.events {
        let raw = ev.version().trim();
        match ev {
            Event::Introduced(_) => {
                if raw == "0" {
                    events.push((None, ev));
                } else {
                    match version::parse(scheme, raw) {
                        Ok(v) => events.push((Some(v), ev)),
                        Err(e) => {
                            warn(
                                warnings,
                                format!(
                                    "introduced {raw:?} does not parse ({e}); treated as \"0\""
                                ),
                            );
                            events.push((None, ev));
                        }
                    }
                }
            }
            Event::Fixed(_) | Event::LastAffected(_) => match version::parse(scheme, raw) {
                Ok(v) => events.push((Some(v), ev)),
                Err(e) => warn(
                    warnings,
                    format!("{} {raw:?} does not parse ({e}); ignored", ev.kind()),
                ),
            },
            Event::Limit(_) => {
                limits += 1;
                if raw.contains('*') {
                    uncapped = true;
                } else {
                    match version::parse(scheme, raw) {
                        Ok(v) => {
                            if cap
                                .as_ref()
                                .is_none_or(|c| v.compare(c) == Some(Ordering::Greater))
                            {
                                cap = Some(v);
                            }
                        }
                        Err(e) => {
                            warn(
                                warnings,
                                format!("limit {raw:?} does not parse ({e}); ignored"),
                            );
                            uncapped = true;
                        }
                    }
                }
            }
        }
    }
    events.sort_by(|a, b| cmp_opt(&a.0, &b.0));
    let mut intervals = Vec::new();
    let mut open: Option<(Bound<AnyVersion>, Bound<String>)> = None;
    for (v, ev) in events {
        let raw = ev.version().trim().to_string();
        match ev {
            Event::Introduced(_) => {
                if open.is_none() {
                    open = Some(match v {
                        None => (Bound::Unbounded, Bound::Unbounded),
                        Some(v) => (Bound::Included(v), Bound::Included(raw)),
                    });
                }
            }
            Event::Fixed(_) => {
                if let (Some((lo, lo_text)), Some(v)) = (open.take(), v) {
                    let hi_text = Bound::Excluded(raw.clone());
                    intervals.push(Interval {
                        lo,
                        hi: Bound::Excluded(v),
                        fixed: Some(raw),
                        no_known_fix: false,
                        text: interval_text(&lo_text, &hi_text),
                    });
                }
            }
            Event::LastAffected(_) => {
                if let (Some((lo, lo_text)), Some(v)) = (open.take(), v) {
                    let hi_text = Bound::Included(raw);
                    intervals.push(Interval {
                        lo,
                        hi: Bound::Included(v),
                        fixed: None,
                        no_known_fix: true,
                        text: interval_text(&lo_text, &hi_text),
                    });
                }
            }
            Event::Limit(_) => {}
        }
    }
    if let Some((lo, lo_text)) = open {
        intervals.push(Interval {
            lo,
            hi: Bound::Unbounded,
            fixed: None,
            no_known_fix: true,
            text: interval_text(&lo_text, &Bound::Unbounded),
        });
    }
    if limits > 0
        && !uncapped
        && let Some(cap) = cap
    {
        for iv in &mut intervals {
            let capped = match &iv.hi {
                Bound::Unbounded => true,
                Bound::Included(h) | Bound::Excluded(h) => h.compare(&cap) != Some(Ordering::Less),
            };
            if capped {
                iv.hi = Bound::Excluded(cap.clone());
                iv.fixed = None;
                iv.no_known_fix = false;
                iv.text = format!("{} (limit {cap})", iv.text);
            }
        }
    }
    PreparedRange { scheme, intervals }
}

impl AdvisoryIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds an index from records.
    pub fn build<I: IntoIterator<Item = Record>>(records: I) -> Self {
        let mut index = Self::new();
        for r in records {
            index.insert(r);
        }
        index
    }

    /// Adds one record. A record whose id is already indexed replaces the older copy only when
    /// its `modified` timestamp is later.
    pub fn insert(&mut self, record: Record) {
        if let Some(&old) = self.by_id.get(&record.id) {
            let newer = match (
                &record.modified,
                self.advisories.get(old).and_then(|a| a.modified.as_ref()),
            ) {
                (Some(new), Some(prev)) => new > prev,
                (Some(_), None) => true,
                _ => false,
            };
            if !newer {
                self.stats.superseded += 1;
                return;
            }
            if let Some(a) = self.advisories.get_mut(old) {
                a.superseded = true;
                if a.withdrawn {
                    self.stats.withdrawn = self.stats.withdrawn.saturating_sub(1);
                } else {
                    self.stats.records = self.stats.records.saturating_sub(1);
                }
            }
            self.stats.superseded += 1;
        }
        let idx = self.advisories.len();
        let withdrawn = record.is_withdrawn();
        let mut aliases: Vec<String> = record
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        aliases.sort();
        aliases.dedup();
        aliases.retain(|a| *a != record.id);
        let mut cwe_ids = record.cwe_ids();
        cwe_ids.sort();
        cwe_ids.dedup();
        self.advisories.push(Advisory {
            id: record.id.clone(),
            aliases,
            summary: record.summary.clone().filter(|s| !s.trim().is_empty()),
            severity: severity::of_record(&record),
            malicious: record.is_malicious(),
            cwe_ids,
            url: advisory_url(&record.id),
            modified: record.modified.clone(),
            withdrawn,
            superseded: false,
        });
        self.by_id.insert(record.id.clone(), idx);
        if withdrawn {
            self.stats.withdrawn += 1;
        } else {
            self.stats.records += 1;
        }
        for affected in &record.affected {
            let Some(pkg) = &affected.package else {
                continue;
            };
            let eco = pkg.ecosystem.trim();
            if eco.is_empty() || pkg.name.trim().is_empty() {
                continue;
            }
            let base = base_ecosystem(eco).to_string();
            let eco_scheme = Scheme::for_osv_ecosystem(eco);
            let mut ranges = Vec::new();
            let mut unordered_ranges = 0;
            for range in &affected.ranges {
                let scheme = match range.kind {
                    RangeType::Semver => Scheme::SemVer,
                    RangeType::Ecosystem => match eco_scheme {
                        Some(s) => s,
                        None => {
                            unordered_ranges += 1;
                            continue;
                        }
                    },
                    RangeType::Git | RangeType::Other(_) => continue,
                };
                ranges.push(prepare_range(range, scheme, &record.id, &mut self.warnings));
            }
            let versions = Listed::new(&affected.versions, eco_scheme);
            let entry = Entry {
                advisory: idx,
                ecosystem: eco.to_string(),
                ranges,
                versions,
                list_scheme: eco_scheme,
                unordered_ranges,
                informational: affected.informational().map(str::to_string),
            };
            let key = (base.clone(), normalize_name(&base, &pkg.name));
            let map = if withdrawn {
                &mut self.withdrawn
            } else {
                &mut self.live
            };
            map.entry(key).or_default().push(entry);
        }
        self.stats.packages = self.live.len();
    }

    pub fn stats(&self) -> IndexStats {
        self.stats
    }

    /// Problems met while indexing (unparseable range bounds), in insertion order.
    pub fn warnings(&self) -> &[IndexWarning] {
        &self.warnings
    }

    /// Whether any live advisory concerns the package (`osv_ecosystem` as in OSV records).
    pub fn has_package(&self, osv_ecosystem: &str, name: &str) -> bool {
        let base = base_ecosystem(osv_ecosystem);
        self.live
            .contains_key(&(base.to_string(), normalize_name(base, name)))
    }

    /// Matches one component with default options.
    pub fn match_component(&self, component: &Component) -> Vec<Match> {
        self.evaluate(component, &MatchOptions::default()).matches
    }

    /// Matches a batch of components.
    pub fn match_components(
        &self,
        components: &[Component],
        options: &MatchOptions,
    ) -> BatchResult {
        let mut summary = MatchSummary {
            components: components.len(),
            ..MatchSummary::default()
        };
        let results: Vec<ComponentResult> = components
            .iter()
            .map(|c| self.evaluate(c, options))
            .collect();
        for r in &results {
            match r.status {
                MatchStatus::Vulnerable => summary.vulnerable += 1,
                MatchStatus::Clean => summary.clean += 1,
                MatchStatus::Unknown(_) => summary.unknown += 1,
                MatchStatus::NotCovered => summary.not_covered += 1,
            }
            summary.matches += r.matches.len();
            summary.malicious += r.matches.iter().filter(|m| m.malicious).count();
            summary.conservative += r.matches.iter().filter(|m| m.conservative).count();
        }
        BatchResult { results, summary }
    }

    /// Matches a package given by OSV ecosystem string, name and exact version.
    pub fn match_package(&self, osv_ecosystem: &str, name: &str, version: &str) -> ComponentResult {
        let base = base_ecosystem(osv_ecosystem);
        let key = (base.to_string(), normalize_name(base, name));
        let target = Target::Point {
            version: version.to_string(),
            conservative: false,
        };
        self.evaluate_key(
            &key,
            base,
            None,
            &target,
            Scheme::for_osv_ecosystem(osv_ecosystem),
        )
    }

    /// Matches one component.
    pub fn evaluate(&self, component: &Component, options: &MatchOptions) -> ComponentResult {
        let Some(osv) = component.ecosystem.osv_name() else {
            return ComponentResult::with_status(MatchStatus::NotCovered);
        };
        let key = (osv.to_string(), normalize_name(osv, &component.full_name()));
        let target = match &component.version {
            VersionSpec::Unpinned => {
                return ComponentResult::with_status(MatchStatus::Unknown(UnknownReason::Unpinned));
            }
            VersionSpec::Exact(v) => Target::Point {
                version: v.clone(),
                conservative: false,
            },
            VersionSpec::Range(text) | VersionSpec::Floating(text) => {
                if !self.live.contains_key(&key) && !self.withdrawn.contains_key(&key) {
                    return ComponentResult::with_status(MatchStatus::Clean);
                }
                let floating = matches!(component.version, VersionSpec::Floating(_));
                match spec::parse(component.ecosystem, text, floating) {
                    Err(_) => {
                        return ComponentResult::with_status(MatchStatus::Unknown(
                            UnknownReason::UnsupportedRange,
                        ));
                    }
                    Ok(range) => target_for_range(range, options.range_policy),
                }
            }
        };
        let exact_ecosystem = component
            .properties
            .get(OSV_ECOSYSTEM_PROPERTY)
            .map(String::as_str);
        self.evaluate_key(
            &key,
            osv,
            exact_ecosystem,
            &target,
            Scheme::for_ecosystem(component.ecosystem),
        )
    }

    fn evaluate_key(
        &self,
        key: &Key,
        osv: &str,
        exact_ecosystem: Option<&str>,
        target: &Target,
        own_scheme: Option<Scheme>,
    ) -> ComponentResult {
        let mut result = ComponentResult::with_status(MatchStatus::Clean);
        let mut cache = ParseCache::default();
        let mut unevaluable = 0usize;
        let mut unordered = 0usize;
        let mut hits: BTreeMap<usize, Hit> = BTreeMap::new();
        let applies = |e: &Entry| exact_ecosystem.is_none_or(|x| e.ecosystem == x);
        for entry in self.live.get(key).map(Vec::as_slice).unwrap_or(&[]) {
            if !applies(entry)
                || self
                    .advisories
                    .get(entry.advisory)
                    .is_none_or(|a| a.superseded)
            {
                continue;
            }
            let outcome = evaluate_entry(entry, target, &mut cache);
            unordered += usize::from(outcome.unordered && outcome.hit.is_none());
            if outcome.unevaluable > 0 && outcome.hit.is_none() {
                unevaluable += 1;
                if let Some(a) = self.advisories.get(entry.advisory) {
                    result.notes.push(format!(
                        "{}: {} range(s) could not be evaluated for this version",
                        a.id, outcome.unevaluable
                    ));
                }
            }
            if let Some(h) = outcome.hit {
                hits.entry(entry.advisory).or_default().absorb(h);
            }
        }
        let mut withdrawn = BTreeSet::new();
        for entry in self.withdrawn.get(key).map(Vec::as_slice).unwrap_or(&[]) {
            if !applies(entry)
                || self
                    .advisories
                    .get(entry.advisory)
                    .is_none_or(|a| a.superseded)
            {
                continue;
            }
            if evaluate_entry(entry, target, &mut cache).hit.is_some()
                && let Some(a) = self.advisories.get(entry.advisory)
            {
                withdrawn.insert(a.id.clone());
            }
        }
        result.withdrawn_skipped = withdrawn.into_iter().collect();
        result.notes.sort();
        result.notes.dedup();
        result.matches = self.collapse(osv, hits, target.is_conservative(), own_scheme);
        result.status = if !result.matches.is_empty() {
            MatchStatus::Vulnerable
        } else if unevaluable > 0 {
            MatchStatus::Unknown(UnknownReason::UnparseableVersion)
        } else if unordered > 0 {
            MatchStatus::Unknown(UnknownReason::NoOrdering)
        } else {
            MatchStatus::Clean
        };
        result
    }

    fn collapse(
        &self,
        osv: &str,
        hits: BTreeMap<usize, Hit>,
        conservative: bool,
        own_scheme: Option<Scheme>,
    ) -> Vec<Match> {
        // Union the hits whose id sets intersect (union-find over ids).
        let hits: Vec<(usize, Hit)> = hits.into_iter().collect();
        let mut parent: Vec<usize> = (0..hits.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while let Some(&p) = parent.get(i) {
                if p == i {
                    break;
                }
                let grand = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(i) {
                    *slot = grand;
                }
                i = p;
            }
            i
        }
        let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
        for (k, (idx, _)) in hits.iter().enumerate() {
            let Some(a) = self.advisories.get(*idx) else {
                continue;
            };
            for id in std::iter::once(&a.id).chain(a.aliases.iter()) {
                match owner.get(id.as_str()) {
                    Some(&o) => {
                        let (ra, rb) = (root(&mut parent, k), root(&mut parent, o));
                        if ra != rb
                            && let Some(slot) = parent.get_mut(ra.max(rb))
                        {
                            *slot = ra.min(rb);
                        }
                    }
                    None => {
                        owner.insert(id, k);
                    }
                }
            }
        }
        let mut grouped: BTreeMap<usize, Group> = BTreeMap::new();
        let roots: Vec<usize> = (0..hits.len()).map(|k| root(&mut parent, k)).collect();
        for ((idx, hit), r) in hits.into_iter().zip(roots) {
            let Some(a) = self.advisories.get(idx) else {
                continue;
            };
            let g = grouped.entry(r).or_default();
            g.0.insert(a.id.clone());
            g.0.extend(a.aliases.iter().cloned());
            g.1.push((idx, hit));
        }
        let groups: Vec<Group> = grouped.into_values().collect();
        let mut out: Vec<Match> = groups
            .into_iter()
            .filter_map(|(ids, members)| self.merge(osv, ids, members, conservative, own_scheme))
            .collect();
        out.sort_by(|a, b| {
            b.severity_score
                .cmp(&a.severity_score)
                .then_with(|| a.advisory_id.cmp(&b.advisory_id))
        });
        out
    }

    fn merge(
        &self,
        osv: &str,
        ids: BTreeSet<String>,
        members: Vec<(usize, Hit)>,
        conservative: bool,
        own_scheme: Option<Scheme>,
    ) -> Option<Match> {
        let mut records: Vec<(&Advisory, Hit)> = members
            .into_iter()
            .filter_map(|(i, h)| self.advisories.get(i).map(|a| (a, h)))
            .collect();
        records.sort_by(|(a, _), (b, _)| {
            id_rank(osv, &a.id)
                .cmp(&id_rank(osv, &b.id))
                .then_with(|| a.id.cmp(&b.id))
        });
        let (preferred, _) = records.first()?;
        let advisory_id = preferred.id.clone();
        let url = preferred.url.clone();
        let summary = records.iter().find_map(|(a, _)| a.summary.clone());
        let best = records
            .iter()
            .map(|(a, _)| &a.severity)
            .max_by(|x, y| x.score.cmp(&y.score))
            .cloned()
            .unwrap_or_else(AdvisorySeverity::unknown);
        let malicious = records.iter().any(|(a, _)| a.malicious);
        let informational = if records.iter().all(|(_, h)| h.informational.is_some()) {
            records.iter().find_map(|(_, h)| h.informational.clone())
        } else {
            None
        };
        let mut fixed: Vec<(String, Scheme)> = Vec::new();
        let mut ranges = BTreeSet::new();
        let mut cwe = BTreeSet::new();
        for (a, h) in &records {
            fixed.extend(h.fixed.iter().cloned());
            ranges.extend(h.ranges.iter().cloned());
            cwe.extend(a.cwe_ids.iter().cloned());
        }
        let aliases: Vec<String> = ids.into_iter().filter(|i| *i != advisory_id).collect();
        Some(Match {
            advisory_id,
            aliases,
            summary,
            severity_score: best.score,
            severity_label: best.label,
            severity_source: best.source,
            fixed: sort_fixed(fixed, own_scheme),
            url,
            malicious,
            conservative,
            informational,
            affected_ranges: ranges.into_iter().collect(),
            cwe_ids: cwe.into_iter().collect(),
        })
    }
}

/// Orders fixed versions ascending: those that parse in the component's ordering by version,
/// the rest after them by text; duplicates (by text) removed.
fn sort_fixed(fixed: Vec<(String, Scheme)>, own_scheme: Option<Scheme>) -> Vec<String> {
    let mut parsed: Vec<(AnyVersion, String)> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for (raw, scheme) in fixed {
        if !seen.insert(raw.clone()) {
            continue;
        }
        match version::parse(own_scheme.unwrap_or(scheme), &raw) {
            Ok(v) => parsed.push((v, raw)),
            Err(_) => other.push(raw),
        }
    }
    // All parsed with one scheme: a total order.
    parsed.sort_by(|a, b| {
        a.0.compare(&b.0)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.1.cmp(&b.1))
    });
    other.sort();
    parsed.into_iter().map(|(_, r)| r).chain(other).collect()
}

fn id_rank(osv: &str, id: &str) -> u8 {
    let preferred = match base_ecosystem(osv) {
        "crates.io" => "RUSTSEC-",
        "PyPI" => "PYSEC-",
        "Go" => "GO-",
        _ => "GHSA-",
    };
    if id.starts_with(preferred) {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("MAL-") {
        3
    } else if id.starts_with("CVE-") {
        4
    } else {
        2
    }
}

#[derive(Debug, Clone)]
enum SpecMode {
    /// Any overlap between an affected interval and an admitted interval.
    Overlap,
    /// An affected interval reaching the top of the admitted range, or one with no known fix
    /// (`last_affected`: the newest release may be the last affected one).
    Top,
}

#[derive(Debug, Clone)]
enum Target {
    Point { version: String, conservative: bool },
    Spec { range: SpecRange, mode: SpecMode },
}

impl Target {
    fn is_conservative(&self) -> bool {
        match self {
            Target::Point { conservative, .. } => *conservative,
            Target::Spec { .. } => true,
        }
    }
}

fn target_for_range(range: SpecRange, policy: RangePolicy) -> Target {
    match (policy, range.resolution) {
        (RangePolicy::AnyAdmitted, _) => Target::Spec {
            range,
            mode: SpecMode::Overlap,
        },
        (RangePolicy::Resolver, Resolution::Lowest) => match range.inclusive_min() {
            Some(min) => Target::Point {
                version: min.to_string(),
                conservative: true,
            },
            None => Target::Spec {
                range,
                mode: SpecMode::Overlap,
            },
        },
        (RangePolicy::Resolver, Resolution::Highest) => Target::Spec {
            range,
            mode: SpecMode::Top,
        },
    }
}

type AnyInterval = (Bound<AnyVersion>, Bound<AnyVersion>);
type ParsedSpec = Vec<AnyInterval>;
/// Ids of a group of aliased advisories and the hits of its members.
type Group = (BTreeSet<String>, Vec<(usize, Hit)>);

#[derive(Default)]
struct ParseCache {
    points: BTreeMap<Scheme, Option<AnyVersion>>,
    specs: BTreeMap<Scheme, Option<ParsedSpec>>,
}

impl ParseCache {
    fn point(&mut self, scheme: Scheme, raw: &str) -> Option<&AnyVersion> {
        self.points
            .entry(scheme)
            .or_insert_with(|| version::parse(scheme, raw).ok())
            .as_ref()
    }

    fn spec(&mut self, scheme: Scheme, range: &SpecRange) -> Option<&ParsedSpec> {
        self.specs
            .entry(scheme)
            .or_insert_with(|| {
                let conv = |b: &Bound<String>| -> Option<Bound<AnyVersion>> {
                    Some(match b {
                        Bound::Unbounded => Bound::Unbounded,
                        Bound::Included(s) => Bound::Included(version::parse(scheme, s).ok()?),
                        Bound::Excluded(s) => Bound::Excluded(version::parse(scheme, s).ok()?),
                    })
                };
                range
                    .intervals
                    .iter()
                    .map(|(lo, hi)| Some((conv(lo)?, conv(hi)?)))
                    .collect()
            })
            .as_ref()
    }
}

#[derive(Debug, Clone, Default)]
struct Hit {
    fixed: Vec<(String, Scheme)>,
    ranges: Vec<String>,
    informational: Option<String>,
}

impl Hit {
    fn absorb(&mut self, other: Hit) {
        self.fixed.extend(other.fixed);
        self.ranges.extend(other.ranges);
        if self.informational.is_none() {
            self.informational = other.informational;
        }
    }
}

struct EntryOutcome {
    hit: Option<Hit>,
    unevaluable: usize,
    unordered: bool,
}

fn point_in(v: &AnyVersion, lo: &Bound<AnyVersion>, hi: &Bound<AnyVersion>) -> bool {
    let lo_ok = match lo {
        Bound::Unbounded => true,
        Bound::Included(b) => matches!(
            v.compare_to_bound(b),
            Some(Ordering::Greater | Ordering::Equal)
        ),
        Bound::Excluded(b) => v.compare_to_bound(b) == Some(Ordering::Greater),
    };
    let hi_ok = match hi {
        Bound::Unbounded => true,
        Bound::Included(b) => matches!(
            v.compare_to_bound(b),
            Some(Ordering::Less | Ordering::Equal)
        ),
        Bound::Excluded(b) => v.compare_to_bound(b) == Some(Ordering::Less),
    };
    lo_ok && hi_ok
}

/// Some version is ≥ `lo` and ≤ `hi`.
fn meets(lo: &Bound<AnyVersion>, hi: &Bound<AnyVersion>) -> bool {
    match (lo, hi) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Included(a), Bound::Included(b)) => {
            matches!(a.compare(b), Some(Ordering::Less | Ordering::Equal))
        }
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b))
        | (Bound::Excluded(a), Bound::Excluded(b)) => a.compare(b) == Some(Ordering::Less),
    }
}

/// Upper bound `a` reaches at least as high as upper bound `b`.
fn reaches(a: &Bound<AnyVersion>, b: &Bound<AnyVersion>) -> bool {
    match (a, b) {
        (Bound::Unbounded, _) => true,
        (_, Bound::Unbounded) => false,
        (Bound::Included(x), Bound::Included(y))
        | (Bound::Included(x), Bound::Excluded(y))
        | (Bound::Excluded(x), Bound::Excluded(y)) => {
            matches!(x.compare(y), Some(Ordering::Greater | Ordering::Equal))
        }
        (Bound::Excluded(x), Bound::Included(y)) => x.compare(y) == Some(Ordering::Greater),
    }
}

fn evaluate_entry(entry: &Entry, target: &Target, cache: &mut ParseCache) -> EntryOutcome {
    let mut hit = Hit {
        informational: entry.informational.clone(),
        ..Hit::default()
    };
    let mut matched = false;
    let mut unevaluable = 0usize;
    for range in &entry.ranges {
        match target {
            Target::Point { version, .. } => {
                let Some(v) = cache.point(range.scheme, version) else {
                    unevaluable += 1;
                    continue;
                };
                for iv in &range.intervals {
                    if point_in(v, &iv.lo, &iv.hi) {
                        matched = true;
                        hit.ranges.push(iv.text.clone());
                        if let Some(f) = &iv.fixed {
                            hit.fixed.push((f.clone(), range.scheme));
                        }
                    }
                }
            }
            Target::Spec { range: spec, mode } => {
                let Some(admitted) = cache.spec(range.scheme, spec) else {
                    unevaluable += 1;
                    continue;
                };
                let tested: &[AnyInterval] = match mode {
                    SpecMode::Overlap => admitted,
                    SpecMode::Top => admitted.last().map(std::slice::from_ref).unwrap_or(&[]),
                };
                for iv in &range.intervals {
                    let hits = tested.iter().any(|(lo, hi)| {
                        meets(&iv.lo, hi)
                            && meets(lo, &iv.hi)
                            && (matches!(mode, SpecMode::Overlap)
                                || iv.no_known_fix
                                || reaches(&iv.hi, hi))
                    });
                    if hits {
                        matched = true;
                        hit.ranges.push(iv.text.clone());
                        if let Some(f) = &iv.fixed {
                            hit.fixed.push((f.clone(), range.scheme));
                        }
                    }
                }
            }
        }
    }
    // versions[]
    if !entry.versions.is_empty() {
        let mut listed: Vec<String> = Vec::new();
        match (target, entry.list_scheme) {
            (Target::Point { version, .. }, Some(scheme)) => match cache.point(scheme, version) {
                Some(v) => {
                    listed.extend(entry.versions.equal_to(v).iter().map(|(_, r)| r.clone()));
                    // PEP 440: `1.0+local` is the listed public version `1.0`.
                    if let AnyVersion::Pep440(p) = v
                        && p.has_local()
                    {
                        let public = AnyVersion::Pep440(p.without_local());
                        listed.extend(
                            entry
                                .versions
                                .equal_to(&public)
                                .iter()
                                .map(|(_, r)| r.clone()),
                        );
                    }
                    listed.extend(
                        entry
                            .versions
                            .unparsed
                            .iter()
                            .filter(|r| **r == version.trim())
                            .cloned(),
                    );
                }
                None => listed.extend(entry.versions.text_equal(version).cloned()),
            },
            (Target::Point { version, .. }, None) => {
                listed.extend(entry.versions.text_equal(version).cloned())
            }
            (Target::Spec { range: spec, mode }, Some(scheme)) => {
                if let Some(admitted) = cache.spec(scheme, spec) {
                    match mode {
                        SpecMode::Overlap => {
                            for (p, r) in &entry.versions.sorted {
                                if admitted.iter().any(|(lo, hi)| point_in(p, lo, hi)) {
                                    listed.push(r.clone());
                                }
                            }
                        }
                        SpecMode::Top => {
                            if let Some((_, Bound::Included(top))) = admitted.last() {
                                listed.extend(
                                    entry.versions.equal_to(top).iter().map(|(_, r)| r.clone()),
                                );
                            }
                        }
                    }
                }
            }
            (Target::Spec { .. }, None) => {}
        }
        if !listed.is_empty() {
            matched = true;
            hit.ranges
                .extend(listed.into_iter().map(|r| format!("listed version {r}")));
        }
    }
    EntryOutcome {
        hit: matched.then_some(hit),
        unevaluable,
        unordered: entry.unordered_ranges > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            normalize_name("PyPI", "Django_Rest.Framework"),
            "django-rest-framework"
        );
        assert_eq!(normalize_name("PyPI", "a--_.b"), "a-b");
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(normalize_name("crates.io", "Serde_Json"), "serde-json");
        assert_eq!(normalize_name("npm", "@Scope/Pkg"), "@Scope/Pkg");
        assert_eq!(base_ecosystem("Debian:12"), "Debian");
    }

    #[test]
    fn id_preference() {
        assert!(id_rank("NuGet", "GHSA-x") < id_rank("NuGet", "CVE-1"));
        assert!(id_rank("crates.io", "RUSTSEC-1") < id_rank("crates.io", "GHSA-x"));
        assert!(id_rank("PyPI", "PYSEC-1") < id_rank("PyPI", "GHSA-x"));
        assert!(id_rank("npm", "GHSA-x") < id_rank("npm", "MAL-1"));
        assert!(id_rank("npm", "MAL-1") < id_rank("npm", "CVE-1"));
    }
}
