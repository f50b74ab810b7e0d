//! Advisory sources: where the OSV records matched by [`crate::sca`] come from.
//!
//! `--advisories` (repeatable; also `advisories.source` in the config):
//!
//! | value | records from |
//! |---|---|
//! | `offline` (default) | the offline database in the cache (`portcullis db update` writes it) |
//! | `auto` | the offline database when it covers an ecosystem of the scan, else the OSV API |
//! | `online` | the OSV API ([`OnlineSource`]) |
//! | `none` | nothing: dependencies are not checked (a note says so) |
//! | a path | a directory of OSV JSON files, an osv.dev `all.zip`, or a RustSec advisory-db checkout |
//!
//! No source ever fails the scan silently: when nothing could be loaded the scan carries a
//! warning saying that dependencies were NOT checked.
//!
//! Cache layout (shared with `portcullis db update`): the cache root is
//! `$PORTCULLIS_CACHE_DIR`, else `$XDG_CACHE_HOME/portcullis`, else `~/.cache/portcullis`
//! (Windows: `%LOCALAPPDATA%\portcullis`); each ecosystem has `<root>/osv/<Ecosystem>/all.zip`
//! and `<root>/osv/<Ecosystem>/meta.json` =
//! `{"source_url": "...", "downloaded_at": "2026-11-20T10:00:00Z", "sha256": "..."}`.

pub mod local;
pub mod rustsec;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::Diagnostic;
use crate::finding::Severity;
use crate::sbom::{Sbom, VersionSpec};
use crate::sca::{Advisories, AdvisoryData};
use crate::source::Date;
use crate::vuln::matcher::{base_ecosystem, normalize_name};
use crate::vuln::osv::Record;

pub use local::ZipLimits;

/// The cache root: `$PORTCULLIS_CACHE_DIR`, else `$XDG_CACHE_HOME/portcullis`, else
/// `~/.cache/portcullis` (Windows: `%LOCALAPPDATA%\portcullis`). `None` when none of these
/// can be determined.
pub fn cache_root() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = var("PORTCULLIS_CACHE_DIR") {
        return Some(p);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|p| p.join("portcullis"));
    }
    if let Some(p) = var("XDG_CACHE_HOME") {
        return Some(p.join("portcullis"));
    }
    var("HOME").map(|h| h.join(".cache").join("portcullis"))
}

/// The directory of one ecosystem's offline database: `<root>/osv/<Ecosystem>`.
pub fn ecosystem_dir(root: &Path, ecosystem: &str) -> PathBuf {
    root.join("osv").join(ecosystem)
}

/// One package to look up online. `version` is the exact version when there is one; `None`
/// asks for every advisory of the package (ranges, floating and unpinned versions are matched
/// locally).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PackageQuery {
    /// OSV ecosystem (`NuGet`, `crates.io`, `npm`, `PyPI`, `Go`, `Debian:12` …).
    pub ecosystem: String,
    pub name: String,
    pub version: Option<String>,
}

/// An online advisory source (the OSV API client). It only fetches candidate records; the one
/// matcher decides what applies.
pub trait OnlineSource {
    /// A short description for reports (`OSV API https://api.osv.dev`).
    fn describe(&self) -> String;
    /// Full OSV records of every advisory that may concern the queried packages.
    fn fetch(&self, queries: &[PackageQuery]) -> Result<Vec<Record>, String>;
    /// Problems of the last [`OnlineSource::fetch`] that still returned records (some queries
    /// unanswered): reported as warnings, since the result may be incomplete.
    fn problems(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The OSV API client ([`crate::native::osv_api`]) as an [`OnlineSource`].
struct OsvApiSource {
    api: crate::native::osv_api::OsvApi,
    problems: std::sync::Mutex<Vec<String>>,
}

impl OnlineSource for OsvApiSource {
    fn describe(&self) -> String {
        format!("the OSV API {}", self.api.options().base_url)
    }

    fn fetch(&self, queries: &[PackageQuery]) -> Result<Vec<Record>, String> {
        let qs: Vec<crate::native::osv_api::PackageQuery> = queries
            .iter()
            .map(|q| {
                crate::native::osv_api::PackageQuery::new(
                    &q.ecosystem,
                    &q.name,
                    q.version.as_deref(),
                )
            })
            .collect();
        let result = self.api.fetch(&qs);
        let problems = result.problem_messages();
        if result.records.is_empty() && !problems.is_empty() {
            return Err(problems.join("; "));
        }
        if let Ok(mut p) = self.problems.lock() {
            *p = problems;
        }
        Ok(result.records)
    }

    fn problems(&self) -> Vec<String> {
        self.problems.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

/// The online source: the OSV API client (base URL from `$PORTCULLIS_OSV_API_URL`, records
/// cached under the cache root), or why it cannot be set up.
pub fn online_source(
    http: &crate::native::http::HttpOptions,
) -> Result<Box<dyn OnlineSource>, String> {
    let client = crate::native::http::client(http).map_err(|e| e.to_string())?;
    let api = crate::native::osv_api::OsvApi::new(
        &client,
        crate::native::osv_api::OsvApiOptions::from_env(),
    );
    Ok(Box::new(OsvApiSource {
        api,
        problems: std::sync::Mutex::new(Vec::new()),
    }))
}

/// One `--advisories` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    Offline,
    Auto,
    Online,
    None,
    Path(PathBuf),
}

impl SourceSpec {
    /// Parses a value; relative paths are taken relative to `base` (the config file's
    /// directory for `advisories.source`), or kept as written (relative to the working
    /// directory) when `base` is `None`.
    pub fn parse(value: &str, base: Option<&Path>) -> SourceSpec {
        match value.trim() {
            "offline" => SourceSpec::Offline,
            "auto" => SourceSpec::Auto,
            "online" => SourceSpec::Online,
            "none" => SourceSpec::None,
            p => {
                let p = PathBuf::from(p);
                SourceSpec::Path(match base {
                    Some(b) if !p.is_absolute() => b.join(p),
                    _ => p,
                })
            }
        }
    }
}

/// What the scan needs: the OSV ecosystems of its components and the packages to look up.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// OSV ecosystems (`NuGet`, `crates.io`; distributions by base name, `Debian`).
    pub ecosystems: BTreeSet<String>,
    /// (base ecosystem, normalized name) of every package: records about other packages are
    /// dropped while loading.
    pub packages: BTreeSet<(String, String)>,
    pub queries: Vec<PackageQuery>,
}

impl Needs {
    pub fn of(sbom: &Sbom) -> Needs {
        let mut n = Needs::default();
        let mut queries = BTreeSet::new();
        for sc in &sbom.components {
            let c = &sc.component;
            let Some(osv) = c.ecosystem.osv_name() else {
                continue;
            };
            let name = c.full_name();
            n.ecosystems.insert(osv.to_string());
            n.packages
                .insert((osv.to_string(), normalize_name(osv, &name)));
            let ecosystem = c
                .properties
                .get(crate::vuln::matcher::OSV_ECOSYSTEM_PROPERTY)
                .cloned()
                .unwrap_or_else(|| osv.to_string());
            queries.insert(PackageQuery {
                ecosystem,
                name,
                version: match &c.version {
                    VersionSpec::Exact(v) => Some(v.clone()),
                    _ => None,
                },
            });
        }
        n.queries = queries.into_iter().collect();
        n
    }

    /// Whether a record concerns one of the needed packages.
    pub fn wants(&self, record: &Record) -> bool {
        record.affected.iter().any(|a| {
            a.package.as_ref().is_some_and(|p| {
                let base = base_ecosystem(p.ecosystem.trim());
                self.packages
                    .contains(&(base.to_string(), normalize_name(base, &p.name)))
            })
        })
    }
}

/// How sources are read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub today: Date,
    /// The offline database is stale after this many days (`advisories.max-db-age-days`).
    pub max_db_age_days: u32,
    /// Where the offline database lives ([`cache_root`] by default).
    pub cache_root: Option<PathBuf>,
    pub zip_limits: ZipLimits,
    /// Keep only records about the scanned packages (saves memory on whole-ecosystem dumps).
    pub filter: bool,
}

/// The outcome of loading: advisory data for the scan and problems met.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub data: AdvisoryData,
    pub diagnostics: Vec<Diagnostic>,
}

fn diag(severity: Severity, path: Option<String>, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        path,
        line: None,
        message,
    }
}

/// Records and diagnostics from one source.
#[derive(Debug, Default)]
pub struct Batch {
    pub records: Vec<Record>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the records are (`OSV directory advisories/`), shown in reports.
    pub description: Option<String>,
    /// Records read before filtering.
    pub read: usize,
}

impl Batch {
    /// The description with how many records were read and kept (`… (2,661 records read,
    /// 9 about the scanned packages)`).
    fn describe_with_counts(&self, what: String) -> String {
        if self.read == self.records.len() {
            format!("{what} ({} records)", self.read)
        } else {
            format!(
                "{what} ({} records read, {} about the scanned packages)",
                self.read,
                self.records.len()
            )
        }
    }
}

/// Reads a path source: an OSV JSON directory, an `all.zip`, or a RustSec checkout.
pub fn load_path(path: &Path, needs: Option<&Needs>, opts: &LoadOptions) -> Batch {
    let shown = path.display().to_string();
    let keep = |r: &Record| needs.is_none_or(|n| !opts.filter || n.wants(r));
    if !path.exists() {
        return Batch {
            diagnostics: vec![diag(
                Severity::Error,
                Some(shown),
                "--advisories: no such file or directory".into(),
            )],
            ..Batch::default()
        };
    }
    if path.is_dir() && rustsec::is_advisory_db(path) {
        let mut b = rustsec::load(path);
        b.records.retain(|r| keep(r));
        b.description = Some(b.describe_with_counts(format!("RustSec advisory database {shown}")));
        return b;
    }
    if path.is_file() {
        let mut b = local::load_zip(path, &opts.zip_limits, &keep);
        b.description = Some(b.describe_with_counts(format!("OSV archive {shown}")));
        return b;
    }
    let mut b = local::load_dir(path, &keep);
    b.description = Some(b.describe_with_counts(format!("OSV directory {shown}")));
    b
}

/// `meta.json` of a cached ecosystem.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CacheMeta {
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub downloaded_at: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

/// Reads a cached ecosystem's `meta.json`.
pub fn read_meta(dir: &Path) -> Result<CacheMeta, String> {
    let path = dir.join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads the offline database for the needed ecosystems. `None` when the cache holds none of
/// them (the caller decides what that means).
pub fn load_offline(needs: &Needs, opts: &LoadOptions) -> Option<Batch> {
    let root = opts.cache_root.clone()?;
    let mut out = Batch::default();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for eco in &needs.ecosystems {
        let dir = ecosystem_dir(&root, eco);
        let zip = dir.join("all.zip");
        if !zip.is_file() {
            missing.push(eco.clone());
            continue;
        }
        let keep = |r: &Record| !opts.filter || needs.wants(r);
        let b = local::load_zip(&zip, &opts.zip_limits, &keep);
        out.read += b.read;
        out.records.extend(b.records);
        out.diagnostics.extend(b.diagnostics);
        let shown = dir.display().to_string();
        match read_meta(&dir) {
            Ok(meta) => {
                let day = meta
                    .downloaded_at
                    .as_deref()
                    .and_then(|t| t.get(..10))
                    .and_then(Date::parse);
                match day {
                    Some(d) => {
                        let age = opts.today.days_since_epoch() - d.days_since_epoch();
                        if age > i64::from(opts.max_db_age_days) {
                            out.diagnostics.push(diag(
                                Severity::Warning,
                                Some(shown.clone()),
                                format!(
                                    "the offline {eco} advisory database was downloaded {age} days ago (on {d}), more than the {} allowed (`advisories.max-db-age-days`): run `portcullis db update` — newer advisories are missing",
                                    opts.max_db_age_days
                                ),
                            ));
                        }
                        found.push(format!("{eco} of {d}"));
                    }
                    None => {
                        out.diagnostics.push(diag(
                            Severity::Warning,
                            Some(shown.clone()),
                            "meta.json has no valid `downloaded_at`: the age of the offline database is unknown; run `portcullis db update`".into(),
                        ));
                        found.push(format!("{eco} of unknown date"));
                    }
                }
            }
            Err(e) => {
                out.diagnostics.push(diag(
                    Severity::Warning,
                    Some(shown.clone()),
                    format!("cannot read the offline database's meta.json ({e}): its age is unknown; run `portcullis db update`"),
                ));
                found.push(format!("{eco} of unknown date"));
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    for eco in &missing {
        out.diagnostics.push(diag(
            Severity::Warning,
            None,
            format!(
                "the offline advisory database has no {eco} data: {eco} dependencies were NOT checked for known vulnerabilities; run `portcullis db update --ecosystem {eco}`"
            ),
        ));
    }
    let what = format!(
        "the offline OSV database ({}) in {}",
        found.join(", "),
        root.join("osv").display()
    );
    out.description = Some(out.describe_with_counts(what));
    Some(out)
}

/// Loads every source in `specs` for a scan that needs `needs`.
pub fn load(
    specs: &[SourceSpec],
    needs: &Needs,
    opts: &LoadOptions,
    online: &dyn Fn() -> Result<Box<dyn OnlineSource>, String>,
) -> Loaded {
    let mut records: Vec<Record> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut unavailable: Vec<String> = Vec::new();
    let mut disabled = false;
    let mut online_problems: Vec<Diagnostic> = Vec::new();
    let mut fetch_online =
        |records: &mut Vec<Record>, sources: &mut Vec<String>, unavailable: &mut Vec<String>| {
            match online() {
                Err(e) => unavailable.push(e),
                Ok(src) => {
                    if needs.queries.is_empty() {
                        sources.push(src.describe());
                        return;
                    }
                    match src.fetch(&needs.queries) {
                        Ok(rs) => {
                            records.extend(rs);
                            sources.push(src.describe());
                            for p in src.problems() {
                                online_problems.push(diag(
                                    Severity::Warning,
                                    None,
                                    format!(
                                        "{}: {p}; some dependencies may not have been checked",
                                        src.describe()
                                    ),
                                ));
                            }
                        }
                        Err(e) => unavailable.push(format!("{}: {e}", src.describe())),
                    }
                }
            }
        };
    for spec in specs {
        match spec {
            SourceSpec::None => disabled = true,
            SourceSpec::Path(p) => {
                let b = load_path(p, Some(needs), opts);
                diagnostics.extend(b.diagnostics);
                if let Some(d) = b.description {
                    records.extend(b.records);
                    sources.push(d);
                }
            }
            SourceSpec::Offline => match load_offline(needs, opts) {
                Some(b) => {
                    records.extend(b.records);
                    diagnostics.extend(b.diagnostics);
                    sources.extend(b.description);
                }
                None => unavailable.push(offline_missing(opts)),
            },
            SourceSpec::Online => fetch_online(&mut records, &mut sources, &mut unavailable),
            SourceSpec::Auto => match load_offline(needs, opts) {
                Some(b) => {
                    records.extend(b.records);
                    diagnostics.extend(b.diagnostics);
                    sources.extend(b.description);
                }
                None => fetch_online(&mut records, &mut sources, &mut unavailable),
            },
        }
    }
    diagnostics.extend(online_problems);
    let data = if !sources.is_empty() {
        AdvisoryData::Loaded(Arc::new(Advisories::new(records, sources)))
    } else if disabled && unavailable.is_empty() {
        AdvisoryData::Disabled
    } else {
        AdvisoryData::Unavailable(unavailable.join("; "))
    };
    Loaded { data, diagnostics }
}

fn offline_missing(opts: &LoadOptions) -> String {
    match &opts.cache_root {
        Some(root) => format!(
            "the offline database in {} is empty",
            root.join("osv").display()
        ),
        None => "no cache directory: set PORTCULLIS_CACHE_DIR".to_string(),
    }
}

/// Counts parse problems per source into a few diagnostics: the first `shown` in full, then
/// one line with the rest.
pub(crate) fn summarize_errors(
    path: &str,
    errors: Vec<String>,
    shown: usize,
    out: &mut Vec<Diagnostic>,
) {
    let total = errors.len();
    for e in errors.into_iter().take(shown) {
        out.push(diag(Severity::Warning, Some(path.to_string()), e));
    }
    if total > shown {
        out.push(diag(
            Severity::Warning,
            Some(path.to_string()),
            format!("{} more advisory records could not be read", total - shown),
        ));
    }
}

/// Groups records by id for tests and tools (newest `modified` wins, as in the index).
pub fn dedup_by_id(records: Vec<Record>) -> BTreeMap<String, Record> {
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    for r in records {
        let newer = out
            .get(&r.id)
            .is_none_or(|old| r.modified.as_deref() > old.modified.as_deref());
        if newer {
            out.insert(r.id.clone(), r);
        }
    }
    out
}
