//! Configuration: `.portcullis.yaml` parsed into raw structs ([`raw`]) and validated into
//! [`Config`]. Every problem is a [`ConfigError`] with file, line and column and a hint on how
//! to fix it; all problems of a file are reported together where the YAML structure allows.

mod glob;
pub mod raw;
mod schema;
mod validate;

use validate::Validator;

use std::collections::BTreeMap;

use crate::baseimage::policy::ImagePolicy;
use crate::finding::{FailOn, Severity};
use crate::source::Date;

pub use glob::{PathMatcher, PatternError};
pub use schema::json_schema;

use raw::RawConfig;

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

#[cfg(test)]
mod tests;
