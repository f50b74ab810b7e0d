//! Configuration: `.portcullis.yaml` parsed into raw structs ([`raw`]) and validated into
//! [`Config`]. Every problem is a [`ConfigError`] with file, line and column and a hint on how
//! to fix it; all problems of a file are reported together where the YAML structure allows.

mod glob;
pub mod raw;
mod schema;

use std::collections::BTreeMap;

use serde_saphyr::{Location, Spanned};

use crate::baseimage::lifecycle::{self, PatternData};
use crate::baseimage::policy::{ImagePolicy, Pattern, Scope};
use crate::finding::{FailOn, Severity};
use crate::source::Date;

pub use glob::{PathMatcher, PatternError};
pub use schema::json_schema;

use raw::{
    RawAdvisories, RawAdvisoryIgnore, RawConfig, RawIgnore, RawImages, RawPattern, Scalar, Strings,
    Tree,
};

/// Per-rule setting from `rules:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    On,
    Severity(Severity),
}

/// An external suppression from `ignore:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// Upper-cased rule ids, or `*` for all rules.
    pub rules: Vec<String>,
    /// Gitignore-style patterns; empty = every file.
    pub paths: Vec<String>,
    pub reason: String,
    /// Last day the ignore applies (inclusive).
    pub until: Option<Date>,
    /// Line of the entry in the config file.
    pub line: usize,
}

impl Ignore {
    /// Whether this ignore names `rule` (case-insensitive) or `*`.
    pub fn covers_rule(&self, rule: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r == "*" || r.eq_ignore_ascii_case(rule))
    }

    /// Whether this ignore applies to `path` (no `paths` = every file).
    pub fn covers_path(&self, path: &str) -> bool {
        self.paths.is_empty() || glob::matches_cached(&self.paths, path)
    }

    /// Active on `today`: no `until`, or `today` is on or before it.
    pub fn is_active(&self, today: Date) -> bool {
        self.until.is_none_or(|u| today <= u)
    }
}

/// An advisory ignore from `advisories.ignore`: a known vulnerability accepted for a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryIgnore {
    /// Advisory ids or aliases (`GHSA-…`, `CVE-…`, `RUSTSEC-…`), upper-cased.
    pub ids: Vec<String>,
    /// Limits the ignore to one package (name as in the manifest; compared case-insensitively,
    /// PyPI names after PEP 503 normalization). `None` = every package.
    pub package: Option<String>,
    pub reason: String,
    /// Last day the ignore applies (inclusive).
    pub until: Option<Date>,
    /// Line of the entry in the config file.
    pub line: usize,
}

impl AdvisoryIgnore {
    /// Whether one of `ids` (an advisory id and its aliases) is named by this ignore.
    pub fn covers_ids<S: AsRef<str>>(&self, ids: &[S]) -> bool {
        ids.iter().any(|id| {
            self.ids
                .iter()
                .any(|x| x.eq_ignore_ascii_case(id.as_ref().trim()))
        })
    }

    /// Whether the ignore applies to the package `name` of OSV ecosystem `ecosystem`.
    pub fn covers_package(&self, ecosystem: &str, name: &str) -> bool {
        match &self.package {
            None => true,
            Some(p) => {
                let norm = |s: &str| {
                    crate::vuln::matcher::normalize_name(ecosystem, s).to_ascii_lowercase()
                };
                norm(p) == norm(name)
            }
        }
    }

    /// Active on `today`: no `until`, or `today` is on or before it.
    pub fn is_active(&self, today: Date) -> bool {
        self.until.is_none_or(|u| today <= u)
    }
}

/// The `advisories:` section: where advisory data comes from and which advisories are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisorySettings {
    /// `auto`, `offline`, `online`, `none` or a path (as written; a relative path is relative
    /// to the config file's directory). `None` = the command-line default.
    pub source: Option<String>,
    /// The offline database is reported as stale when it is older than this many days.
    pub max_db_age_days: u32,
    pub ignores: Vec<AdvisoryIgnore>,
}

/// Default of `advisories.max-db-age-days`.
pub const DEFAULT_MAX_DB_AGE_DAYS: u32 = 7;

impl Default for AdvisorySettings {
    fn default() -> Self {
        Self {
            source: None,
            max_db_age_days: DEFAULT_MAX_DB_AGE_DAYS,
            ignores: Vec::new(),
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub fail_on: FailOn,
    /// Keys are upper-cased rule ids.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Gitignore-style patterns of files not to scan.
    pub exclude: Vec<String>,
    pub ignores: Vec<Ignore>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    /// Security findings on stages the final image does not depend on are downgraded a level.
    pub build_only_downgrade: bool,
    /// Base-image policy: the embedded defaults extended (or replaced) by `images:`.
    pub images: ImagePolicy,
    /// Dependency scanning: advisory source, database age, advisory ignores.
    pub advisories: AdvisorySettings,
    /// Path of the file it came from (for messages), `None` for the embedded defaults.
    pub source: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            fail_on: FailOn::Error,
            rules: BTreeMap::new(),
            exclude: Vec::new(),
            ignores: Vec::new(),
            build_args: BTreeMap::new(),
            target: None,
            build_only_downgrade: true,
            images: ImagePolicy::embedded(),
            advisories: AdvisorySettings::default(),
            source: None,
        }
    }
}

impl Config {
    /// Adds the Windows Server version of a container host (`--windows-host`, `windowsHosts`),
    /// lowercased, once. `Err` says why a value is not one: only LTSC releases that the
    /// embedded lifecycle data knows are hosts.
    pub fn add_windows_host(&mut self, host: &str) -> Result<(), String> {
        let h = host.trim().to_ascii_lowercase();
        let known = crate::baseimage::lifecycle::data().is_ok_and(|d| {
            d.windows
                .lines
                .iter()
                .any(|l| !l.semi_annual && l.name == h)
        });
        if !known {
            return Err(format!(
                "`{h}` is not a Windows Server version (ltsc2016, ltsc2019, ltsc2022, ltsc2025)"
            ));
        }
        if !self.images.windows_hosts.contains(&h) {
            self.images.windows_hosts.push(h);
        }
        Ok(())
    }

    pub fn rule_setting(&self, id: &str) -> Option<RuleSetting> {
        self.rules.get(&id.to_ascii_uppercase()).copied()
    }

    /// The compiled `exclude` patterns (compile once when checking many paths).
    pub fn exclude_matcher(&self) -> PathMatcher {
        PathMatcher::lenient(&self.exclude)
    }

    /// Whether `path` (repository-relative) is excluded from scanning.
    pub fn is_excluded(&self, path: &str) -> bool {
        glob::matches_cached(&self.exclude, path)
    }

    /// The first ignore that applies to (rule, path) on `today`; expired ones don't apply.
    pub fn ignore_for(&self, rule: &str, path: &str, today: Date) -> Option<&Ignore> {
        self.ignores
            .iter()
            .find(|ig| ig.is_active(today) && ig.covers_rule(rule) && ig.covers_path(path))
    }

    /// Ignores whose `until` date has passed (to be reported so they get cleaned up).
    pub fn expired_ignores(&self, today: Date) -> Vec<&Ignore> {
        self.ignores
            .iter()
            .filter(|ig| !ig.is_active(today))
            .collect()
    }

    /// The first advisory ignore naming one of `ids` (an advisory id and its aliases) for the
    /// package `name` of OSV ecosystem `ecosystem`, active on `today`.
    pub fn advisory_ignore_for<S: AsRef<str>>(
        &self,
        ids: &[S],
        ecosystem: &str,
        name: &str,
        today: Date,
    ) -> Option<&AdvisoryIgnore> {
        self.advisories.ignores.iter().find(|ig| {
            ig.is_active(today) && ig.covers_ids(ids) && ig.covers_package(ecosystem, name)
        })
    }

    /// Advisory ignores whose `until` date has passed.
    pub fn expired_advisory_ignores(&self, today: Date) -> Vec<&AdvisoryIgnore> {
        self.advisories
            .ignores
            .iter()
            .filter(|ig| !ig.is_active(today))
            .collect()
    }
}

/// A problem in a config file, with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Largest config file accepted (configs are small; this bounds parse time and memory).
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Parses and validates a config file. `known_rules` are the registry's rule ids; unknown ids
/// are errors with a "did you mean" hint. An empty file (or only comments) gives the defaults.
pub fn parse(path: &str, text: &str, known_rules: &[&str]) -> Result<Config, Vec<ConfigError>> {
    let mut v = Validator {
        path,
        known_rules,
        errors: Vec::new(),
    };
    if text.len() > MAX_CONFIG_BYTES {
        v.err_at(
            1,
            1,
            format!(
                "config file is {} bytes, more than the {} allowed; a config file only needs a few keys",
                text.len(),
                MAX_CONFIG_BYTES
            ),
        );
        return Err(v.errors);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let config = match serde_saphyr::from_str_with_options::<Option<RawConfig>>(text, options()) {
        Ok(None) => Some(Config {
            source: Some(path.to_string()),
            ..Config::default()
        }),
        Ok(Some(raw)) => v.config(raw),
        Err(e) => {
            v.structural(text, &e);
            None
        }
    };
    match config {
        Some(c) if v.errors.is_empty() => Ok(c),
        _ => {
            v.errors.sort();
            v.errors.dedup();
            Err(v.errors)
        }
    }
}

/// Parser limits: generous for any real config, small enough that alias bombs, deep nesting
/// and huge documents fail fast.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 100_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_recorded_anchor_events: 50_000,
            max_recorded_anchor_bytes: 1024 * 1024,
            max_depth: 24,
            max_documents: 2,
            max_nodes: 50_000,
            max_total_scalar_bytes: MAX_CONFIG_BYTES,
            max_merge_keys: 100,
            max_inclusion_depth: 0,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 50_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    }
}

/// Starter config written by `portcullis init`.
pub fn starter_config() -> &'static str {
    STARTER
}

const STARTER: &str = r#"# Portcullis configuration.
# Portcullis looks for this file in the scan root and its parent directories.
version: 1

# Which findings make `portcullis scan` exit with code 1: error | warning | note | none.
fail-on: error

# Per-rule settings: off | on | note | warning | error (ids are case-insensitive).
# rules:
#   DF114: off
#   DF402: warning

# Files not to scan: gitignore-style globs on repository-relative paths with `/`.
# A plain name (`vendor`) matches that directory anywhere; a pattern with a `/`
# (`vendor/**`, `docker/legacy/*.Dockerfile`) is relative to the repository root.
# exclude:
#   - "vendor/**"
#   - "**/testdata/**"

# Suppressions kept outside the Dockerfiles. Every entry needs a reason; `until`
# (YYYY-MM-DD, inclusive) makes it expire, after which the finding comes back and
# the expired entry is reported.
# ignore:
#   - rule: DF501            # or `rules: [DF501, DF502]`; "*" means every rule
#     paths: ["legacy/**"]   # optional; default: every file
#     reason: "vendor installer, checksum verified by its MSI signature"
#     until: 2027-01-31

# Values for ARGs used in FROM lines, as `docker build --build-arg` would pass them.
# build-args:
#   BASE: mcr.microsoft.com/windows/servercore:ltsc2022

# The stage that is built (`docker build --target`); default: the last stage.
# target: runtime

# Security findings in stages the final image does not depend on are reported one
# level lower (never for secrets). Set to false to report them at full severity.
build-only-downgrade: true

# Base images. The embedded default policy trusts only images from
# mcr.microsoft.com and Docker Official Images (docker.io/library/...), requires a
# tag and rejects `latest`. Entries here are added to it.
# images:
#   allow:
#     - registry: "*.azurecr.io"          # globs: registry, repository, tag
#       reason: "our Azure Container Registries"
#   deny:
#     - registry: docker.io
#       repository: library/ubuntu
#       tag: "1[0-8].*"
#       reason: "Ubuntu releases before 20.04 are out of support"
#   replace-defaults: false   # true: drop the embedded allowlist
#   require-digest: false     # true: every external image must be pinned @sha256
#   allow-latest: false
#   scope: all                # all images the build pulls, or `final` (final stage only)
#   windows-hosts: [ltsc2022] # Windows Server versions your container hosts run

# Known-vulnerable and malicious packages in manifests, lock files and Dockerfiles.
# `source`: offline (default; the database `portcullis db update` downloads), auto
# (that, else the OSV API), online, none, or a path: an OSV JSON directory, an
# osv.dev all.zip or a RustSec advisory-db checkout (relative to this file).
# Accepted advisories need a reason and may expire like rule ignores.
# advisories:
#   source: offline
#   max-db-age-days: 7              # warn when the offline database is older
#   ignore:
#     - id: GHSA-5crp-9r3c-p9vr     # an advisory id or alias (CVE-...), or a list
#       package: Newtonsoft.Json    # optional; default: every package
#       reason: "input is never attacker-controlled; upgrade planned"
#       until: 2027-01-31
"#;

/// Collects errors while turning [`RawConfig`] into [`Config`].
struct Validator<'a> {
    path: &'a str,
    known_rules: &'a [&'a str],
    errors: Vec<ConfigError>,
}

fn line_col(loc: &Location) -> (usize, usize) {
    let line = usize::try_from(loc.line()).unwrap_or(usize::MAX).max(1);
    let column = usize::try_from(loc.column()).unwrap_or(usize::MAX).max(1);
    (line, column)
}

impl Validator<'_> {
    fn err_at(&mut self, line: usize, column: usize, message: String) {
        self.errors.push(ConfigError {
            path: self.path.to_string(),
            line,
            column,
            message,
        });
    }

    fn err(&mut self, loc: &Location, message: String) {
        let (line, column) = line_col(loc);
        self.err_at(line, column, message);
    }

    fn config(&mut self, raw: RawConfig) -> Option<Config> {
        let mut c = Config {
            source: Some(self.path.to_string()),
            ..Config::default()
        };
        if let Some(v) = raw.version {
            let ok = match &v.value {
                Scalar::Null => true,
                Scalar::Int(1) => true,
                Scalar::Str(s) => s.trim() == "1",
                _ => false,
            };
            if !ok {
                self.err(
                    &v.referenced,
                    format!(
                        "unsupported version {}; this Portcullis reads `version: 1` (or leave the key out)",
                        v.value.describe()
                    ),
                );
            }
        }
        if let Some(v) = raw.fail_on {
            match &v.value {
                Scalar::Null => {}
                Scalar::Bool(false) => c.fail_on = FailOn::None,
                Scalar::Str(s) if FailOn::parse(s).is_some() => {
                    c.fail_on = FailOn::parse(s).unwrap_or_default();
                }
                other => self.err(
                    &v.referenced,
                    format!(
                        "`fail-on` is {}; use one of error, warning, note, none",
                        other.describe()
                    ),
                ),
            }
        }
        if let Some(rules) = raw.rules {
            self.rules(rules.value.0, &mut c.rules);
        }
        if let Some(ex) = raw.exclude {
            c.exclude = self.globs(&ex, "exclude");
        }
        if let Some(list) = raw.ignore {
            for entry in list.value {
                if let Some(ig) = self.ignore(entry) {
                    c.ignores.push(ig);
                }
            }
        }
        if let Some(args) = raw.build_args {
            for (k, v) in args.value.0 {
                let name = k.value.trim();
                if name.is_empty() || name.contains(['=', ' ', '\t']) {
                    self.err(
                        &k.referenced,
                        format!(
                            "`{}` is not a build arg name; use a name like `BASE_IMAGE`",
                            k.value
                        ),
                    );
                    continue;
                }
                match v.value {
                    Some(val) => {
                        if c.build_args.insert(name.to_string(), val).is_some() {
                            self.err(&k.referenced, format!("build arg `{name}` is set twice; keep one"));
                        }
                    }
                    None => self.err(
                        &v.referenced,
                        format!("build arg `{name}` has no value; write `{name}: value` or `{name}: \"\"`"),
                    ),
                }
            }
        }
        if let Some(t) = raw.target {
            let name = t.value.trim();
            if name.is_empty() {
                self.err(
                    &t.referenced,
                    "`target` is empty; name a stage or remove the key".to_string(),
                );
            } else {
                c.target = Some(name.to_string());
            }
        }
        if let Some(v) = raw.build_only_downgrade {
            match v.value {
                Scalar::Null => {}
                Scalar::Bool(b) => c.build_only_downgrade = b,
                other => self.err(
                    &v.referenced,
                    format!(
                        "`build-only-downgrade` is {}; use true or false",
                        other.describe()
                    ),
                ),
            }
        }
        if let Some(images) = raw.images {
            self.images(images.value, &mut c.images);
        }
        if let Some(adv) = raw.advisories {
            self.advisories(adv.value, &mut c.advisories);
        }
        self.errors.is_empty().then_some(c)
    }

    fn flag(&mut self, v: Option<Spanned<Scalar>>, key: &str, out: &mut bool) {
        let Some(v) = v else { return };
        match v.value {
            Scalar::Null => {}
            Scalar::Bool(b) => *out = b,
            other => self.err(
                &v.referenced,
                format!("`images.{key}` is {}; use true or false", other.describe()),
            ),
        }
    }

    fn patterns(
        &mut self,
        list: Option<Spanned<Vec<Spanned<RawPattern>>>>,
        key: &str,
    ) -> Vec<Pattern> {
        let mut out = Vec::new();
        let Some(list) = list else { return out };
        for entry in list.value {
            let p = entry.value;
            let Some(registry) = p.registry else {
                self.err(
                    &entry.referenced,
                    format!("`images.{key}` entry has no `registry`; write e.g. `registry: myacr.azurecr.io` (globs allowed)"),
                );
                continue;
            };
            let data = PatternData {
                registry: registry.value.trim().to_string(),
                repository: p.repository.as_ref().map(|r| r.value.trim().to_string()),
                tag: p.tag.as_ref().map(|t| t.value.trim().to_string()),
                reason: p.reason.as_ref().map(|r| r.value.trim().to_string()),
            };
            if data.registry.is_empty() {
                self.err(
                    &registry.referenced,
                    format!("`images.{key}` entry has an empty `registry`"),
                );
                continue;
            }
            match Pattern::compile(&data) {
                Ok(pat) => out.push(pat),
                Err(e) => self.err(&registry.referenced, format!("in `images.{key}`: {e}")),
            }
        }
        out
    }

    fn images(&mut self, raw: RawImages, policy: &mut ImagePolicy) {
        let mut replace = false;
        self.flag(raw.replace_defaults, "replace-defaults", &mut replace);
        if replace {
            policy.allow.clear();
            policy.deny.clear();
        }
        let allow = self.patterns(raw.allow, "allow");
        policy.allow.extend(allow);
        let deny = self.patterns(raw.deny, "deny");
        policy.deny.extend(deny);
        self.flag(raw.require_tag, "require-tag", &mut policy.require_tag);
        self.flag(
            raw.require_digest,
            "require-digest",
            &mut policy.require_digest,
        );
        self.flag(raw.allow_latest, "allow-latest", &mut policy.allow_latest);
        self.flag(
            raw.require_signature,
            "require-signature",
            &mut policy.require_signature,
        );
        if let Some(v) = raw.scope {
            match &v.value {
                Scalar::Null => {}
                Scalar::Str(s) if s.trim() == "all" => policy.scope = Scope::All,
                Scalar::Str(s) if s.trim() == "final" => policy.scope = Scope::Final,
                other => self.err(
                    &v.referenced,
                    format!("`images.scope` is {}; use `all` (every image the build pulls) or `final` (the final stage's bases)", other.describe()),
                ),
            }
        }
        if let Some(hosts) = raw.windows_hosts {
            let known: Vec<String> = lifecycle::data()
                .map(|d| {
                    d.windows
                        .lines
                        .iter()
                        .filter(|l| !l.semi_annual)
                        .map(|l| l.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            for (h, loc) in self.strings(
                &hosts,
                "images.windows-hosts",
                "a Windows Server version like ltsc2022",
            ) {
                let h = h.trim().to_ascii_lowercase();
                if known.iter().any(|k| k == &h) {
                    policy.windows_hosts.push(h);
                } else {
                    self.err(
                        &loc,
                        format!(
                            "`{h}` is not a Windows Server host version; use one of {}",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
    }

    fn advisories(&mut self, raw: RawAdvisories, out: &mut AdvisorySettings) {
        if let Some(v) = raw.source {
            match &v.value {
                Scalar::Null => {}
                Scalar::Str(s) if !s.trim().is_empty() => out.source = Some(s.trim().to_string()),
                other => self.err(
                    &v.referenced,
                    format!(
                        "`advisories.source` is {}; use auto, offline, online, none or the path of an OSV directory, all.zip or RustSec advisory-db checkout",
                        other.describe()
                    ),
                ),
            }
        }
        if let Some(v) = raw.max_db_age_days {
            match &v.value {
                Scalar::Null => {}
                Scalar::Int(n) if (1..=3650).contains(n) => {
                    out.max_db_age_days = u32::try_from(*n).unwrap_or(DEFAULT_MAX_DB_AGE_DAYS);
                }
                other => self.err(
                    &v.referenced,
                    format!(
                        "`advisories.max-db-age-days` is {}; use a whole number of days from 1 to 3650",
                        other.describe()
                    ),
                ),
            }
        }
        if let Some(list) = raw.ignore {
            for entry in list.value {
                if let Some(ig) = self.advisory_ignore(entry) {
                    out.ignores.push(ig);
                }
            }
        }
    }

    /// The `reason` (required, trimmed) and `until` (optional date) of an ignore entry, with
    /// an error for a missing reason (at the entry when there is no `reason` key) or a bad date.
    fn reason_and_until(
        &mut self,
        entry: &Location,
        reason: Option<&Spanned<String>>,
        until: Option<&Spanned<Scalar>>,
        missing_reason: &str,
    ) -> (String, Option<Date>) {
        let text = reason
            .map(|r| r.value.trim().to_string())
            .unwrap_or_default();
        if text.is_empty() {
            let loc = reason.map_or(*entry, |r| r.referenced);
            self.err(&loc, missing_reason.to_string());
        }
        let mut date = None;
        if let Some(u) = until {
            match &u.value {
                Scalar::Null => {}
                Scalar::Str(s) if Date::parse(s).is_some() => date = Date::parse(s),
                other => self.err(
                    &u.referenced,
                    format!(
                        "`until` is {}; write a date as YYYY-MM-DD, e.g. 2027-01-31",
                        other.describe()
                    ),
                ),
            }
        }
        (text, date)
    }

    fn advisory_ignore(&mut self, entry: Spanned<RawAdvisoryIgnore>) -> Option<AdvisoryIgnore> {
        let before = self.errors.len();
        let (line, _) = line_col(&entry.referenced);
        let e = entry.value;
        let mut ids = Vec::new();
        match &e.id {
            Some(list) => {
                for (id, loc) in self.strings(list, "advisories.ignore.id", "an advisory id like GHSA-5crp-9r3c-p9vr or CVE-2024-21907") {
                    let id = id.trim().to_ascii_uppercase();
                    let ok = id.len() >= 3
                        && id.len() <= 128
                        && id.contains('-')
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
                    if !ok {
                        self.err(
                            &loc,
                            format!("`{id}` is not an advisory id; write an id like GHSA-5crp-9r3c-p9vr, CVE-2024-21907 or RUSTSEC-2021-0139"),
                        );
                    } else if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            None => self.err(
                &entry.referenced,
                "advisory ignore names no advisory; add `id: GHSA-…` (or a list of ids and aliases)"
                    .to_string(),
            ),
        }
        let mut package = None;
        if let Some(p) = &e.package {
            match p.value.as_text() {
                Some(t) if !t.trim().is_empty() => package = Some(t.trim().to_string()),
                _ => self.err(
                    &p.referenced,
                    format!(
                        "`package` is {}; write the package name as in the manifest, e.g. Newtonsoft.Json",
                        p.value.describe()
                    ),
                ),
            }
        }
        let (reason, until) = self.reason_and_until(
            &entry.referenced,
            e.reason.as_ref(),
            e.until.as_ref(),
            "advisory ignore has no reason; add `reason: \"why this vulnerability is acceptable\"`",
        );
        (self.errors.len() == before).then_some(AdvisoryIgnore {
            ids,
            package,
            reason,
            until,
            line,
        })
    }

    fn rules(
        &mut self,
        entries: Vec<(Spanned<String>, Spanned<Scalar>)>,
        out: &mut BTreeMap<String, RuleSetting>,
    ) {
        for (k, v) in entries {
            let id = k.value.trim().to_ascii_uppercase();
            let known = self.check_rule_id(&k.value, &k.referenced, false);
            let setting = match &v.value {
                Scalar::Bool(false) => Some(RuleSetting::Off),
                Scalar::Bool(true) => Some(RuleSetting::On),
                Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "off" => Some(RuleSetting::Off),
                    "on" => Some(RuleSetting::On),
                    w => Severity::parse(w).map(RuleSetting::Severity),
                },
                _ => None,
            };
            let Some(setting) = setting else {
                self.err(
                    &v.referenced,
                    format!(
                        "{} is not a rule setting for {id}; use off, on, note, warning or error",
                        v.value.describe()
                    ),
                );
                continue;
            };
            if known && out.insert(id.clone(), setting).is_some() {
                self.err(
                    &k.referenced,
                    format!("rule {id} is set twice (ids are case-insensitive); keep one"),
                );
            }
        }
    }

    /// Checks a rule id against the registry; reports unknown ones. Returns whether it is known.
    fn check_rule_id(&mut self, raw_id: &str, loc: &Location, allow_star: bool) -> bool {
        let id = raw_id.trim();
        if id == "*" {
            if allow_star {
                return true;
            }
            self.err(
                loc,
                "`*` is only allowed in `ignore` entries; list rule ids here".to_string(),
            );
            return false;
        }
        if self.known_rules.iter().any(|k| k.eq_ignore_ascii_case(id)) {
            return true;
        }
        let upper = id.to_ascii_uppercase();
        let hint = closest(
            &upper,
            self.known_rules.iter().map(|k| k.to_ascii_uppercase()),
        )
        .map(|s| format!("did you mean {s}?"))
        .unwrap_or_else(|| "check the id against the rule list".to_string());
        if id.is_empty() {
            self.err(loc, "empty rule id; write an id like DF114".to_string());
        } else {
            self.err(loc, format!("unknown rule id `{id}`; {hint}"));
        }
        false
    }

    /// Validates a string-or-list of globs; returns the valid patterns.
    fn globs(&mut self, list: &Spanned<Strings>, key: &str) -> Vec<String> {
        let items = self.strings(list, key, "a glob like \"vendor/**\"");
        let mut out = Vec::new();
        for (text, loc) in items {
            match PathMatcher::new(&[text.as_str()]) {
                Ok(_) => out.push(text),
                Err(e) => self.err(&loc, format!("in `{key}`: {}", e.message)),
            }
        }
        out
    }

    /// The string items of a string-or-list value, reporting items that are not strings.
    fn strings(
        &mut self,
        list: &Spanned<Strings>,
        key: &str,
        what: &str,
    ) -> Vec<(String, Location)> {
        let mut out = Vec::new();
        let mut one = |v: &mut Self, s: &Scalar, loc: &Location| match s {
            Scalar::Str(t) => out.push((t.clone(), *loc)),
            Scalar::Int(_) => out.push((s.as_text().unwrap_or_default(), *loc)),
            other => v.err(
                loc,
                format!("`{key}` has {}; expected {what}", other.describe()),
            ),
        };
        match &list.value {
            Strings::One(s) => one(self, s, &list.referenced),
            Strings::Many(items) => {
                if items.is_empty() {
                    self.err(
                        &list.referenced,
                        format!("`{key}` is an empty list; add {what} or remove the key"),
                    );
                }
                for it in items {
                    one(self, &it.value, &it.referenced);
                }
            }
        }
        out
    }

    fn ignore(&mut self, entry: Spanned<RawIgnore>) -> Option<Ignore> {
        let before = self.errors.len();
        let (line, _) = line_col(&entry.referenced);
        let e = entry.value;
        let mut rules = Vec::new();
        let mut any_id = false;
        for (key, list) in [("rule", &e.rule), ("rules", &e.rules)] {
            let Some(list) = list else { continue };
            any_id = true;
            for (id, loc) in self.strings(list, key, "a rule id like DF501") {
                if self.check_rule_id(&id, &loc, true) {
                    let id = id.trim().to_ascii_uppercase();
                    if !rules.contains(&id) {
                        rules.push(id);
                    }
                }
            }
        }
        if !any_id {
            self.err(
                &entry.referenced,
                "ignore entry names no rule; add `rule: DF501` (or `rules: [..]`, `\"*\"` for all)"
                    .to_string(),
            );
        }
        let paths = match &e.paths {
            Some(p) => self.globs(p, "paths"),
            None => Vec::new(),
        };
        let (reason, until) = self.reason_and_until(
            &entry.referenced,
            e.reason.as_ref(),
            e.until.as_ref(),
            "ignore entry has no reason; add `reason: \"why this finding is acceptable\"`",
        );
        (self.errors.len() == before).then_some(Ignore {
            rules,
            paths,
            reason,
            until,
            line,
        })
    }

    /// Reports a structural error from serde. When it is an unknown key, every unknown key of
    /// the document is reported (serde stops at the first).
    fn structural(&mut self, text: &str, e: &serde_saphyr::Error) {
        let e = innermost(e);
        let unknown_field = matches!(e, serde_saphyr::Error::SerdeUnknownField { .. });
        let mut found = false;
        if unknown_field
            && let Ok(tree) = serde_saphyr::from_str_with_options::<Tree>(text, options())
        {
            found = self.unknown_keys(&tree);
        }
        if found {
            return;
        }
        let loc = e.location().unwrap_or(Location::UNKNOWN);
        let message = structural_message(e);
        self.err(&loc, message);
    }

    /// Reports unknown keys at the top level and in `ignore` entries. Returns whether any were found.
    fn unknown_keys(&mut self, tree: &Tree) -> bool {
        let before = self.errors.len();
        let Tree::Map(root) = tree else { return false };
        for (k, v) in root {
            if !raw::ROOT_KEYS.contains(&k.value.as_str()) {
                let msg = unknown_key_message(&k.value, "", raw::ROOT_KEYS);
                self.err(&k.referenced, msg);
                continue;
            }
            if k.value == "images"
                && let Tree::Map(fields) = v
            {
                for (fk, fv) in fields {
                    if !raw::IMAGES_KEYS.contains(&fk.value.as_str()) {
                        let msg = unknown_key_message(&fk.value, " in images", raw::IMAGES_KEYS);
                        self.err(&fk.referenced, msg);
                        continue;
                    }
                    if (fk.value == "allow" || fk.value == "deny")
                        && let Tree::Seq(entries) = fv
                    {
                        for entry in entries {
                            let Tree::Map(pf) = entry else { continue };
                            for (pk, _) in pf {
                                if !raw::PATTERN_KEYS.contains(&pk.value.as_str()) {
                                    let msg = unknown_key_message(
                                        &pk.value,
                                        &format!(" in images.{} entry", fk.value),
                                        raw::PATTERN_KEYS,
                                    );
                                    self.err(&pk.referenced, msg);
                                }
                            }
                        }
                    }
                }
            }
            if k.value == "advisories"
                && let Tree::Map(fields) = v
            {
                for (fk, fv) in fields {
                    if !raw::ADVISORIES_KEYS.contains(&fk.value.as_str()) {
                        let msg =
                            unknown_key_message(&fk.value, " in advisories", raw::ADVISORIES_KEYS);
                        self.err(&fk.referenced, msg);
                        continue;
                    }
                    if fk.value == "ignore"
                        && let Tree::Seq(entries) = fv
                    {
                        for entry in entries {
                            let Tree::Map(pf) = entry else { continue };
                            for (pk, _) in pf {
                                if !raw::ADVISORY_IGNORE_KEYS.contains(&pk.value.as_str()) {
                                    let msg = unknown_key_message(
                                        &pk.value,
                                        " in advisories.ignore entry",
                                        raw::ADVISORY_IGNORE_KEYS,
                                    );
                                    self.err(&pk.referenced, msg);
                                }
                            }
                        }
                    }
                }
            }
            if k.value == "ignore"
                && let Tree::Seq(entries) = v
            {
                for entry in entries {
                    let Tree::Map(fields) = entry else { continue };
                    for (fk, _) in fields {
                        if !raw::IGNORE_KEYS.contains(&fk.value.as_str()) {
                            let msg = unknown_key_message(
                                &fk.value,
                                " in ignore entry",
                                raw::IGNORE_KEYS,
                            );
                            self.err(&fk.referenced, msg);
                        }
                    }
                }
            }
        }
        self.errors.len() > before
    }
}

fn innermost(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    let mut e = e;
    for _ in 0..8 {
        match e {
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => e = error,
            _ => break,
        }
    }
    e
}

fn unknown_key_message(key: &str, context: &str, valid: &[&str]) -> String {
    let norm = key.trim().to_ascii_lowercase().replace('_', "-");
    let suggestion = if valid.contains(&norm.as_str()) {
        Some(norm)
    } else {
        closest(&norm, valid.iter().map(|s| s.to_string()))
    };
    let hint = match suggestion {
        Some(s) => format!("did you mean `{s}`? Valid"),
        None => "valid".to_string(),
    };
    format!(
        "unknown key `{key}`{context}; {hint} keys: {}",
        valid.join(", ")
    )
}

fn structural_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    match e {
        E::SerdeUnknownField { field, expected, .. } => {
            unknown_key_message(field, "", expected)
        }
        E::DuplicateMappingKey { key: Some(k), .. } => {
            format!("key `{k}` appears twice in the same mapping; keep one")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "a key appears twice in the same mapping; keep one".to_string()
        }
        E::MultipleDocuments { .. } => {
            "more than one YAML document; a config file holds one (remove the extra `---`)"
                .to_string()
        }
        E::Unexpected { expected, .. } if expected.contains("mapping") => {
            "expected a mapping of `key: value` lines here (see `portcullis init` for an example)"
                .to_string()
        }
        E::Unexpected { expected, .. } if expected.contains("sequence") => {
            "expected a list here (`- item` lines or `[a, b]`)".to_string()
        }
        E::NullIntoString { .. } => "this value must not be empty".to_string(),
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "the YAML is too large, too deeply nested or expands too many aliases; write the config out plainly"
                .to_string()
        }
        _ => {
            use serde_saphyr::MessageFormatter;
            let msg = serde_saphyr::UserMessageFormatter.format_message(e);
            let msg: String = msg.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            format!("invalid YAML: {msg}")
        }
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
fn closest(word: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
    let wlen = word.chars().count();
    if wlen == 0 || wlen > 64 {
        return None;
    }
    let limit = if wlen <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, String)> = None;
    for c in candidates {
        let d = edit_distance(word, &c);
        if d <= limit
            && best
                .as_ref()
                .is_none_or(|(bd, bs)| d < *bd || (d == *bd && c < *bs))
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, s)| s)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the distance table.
    let mut prev2: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let at = |row: &Vec<usize>, k: usize| row.get(k).copied().unwrap_or(usize::MAX - 1);
            let left = cur.last().copied().unwrap_or(usize::MAX - 1);
            let mut v = (at(&prev, j + 1) + 1)
                .min(left + 1)
                .min(at(&prev, j) + usize::from(ca != cb));
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                v = v.min(at(&prev2, j - 1) + 1);
            }
            cur.push(v);
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests;
