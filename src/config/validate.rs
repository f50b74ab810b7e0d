//! Validation: [`raw::RawConfig`](super::raw::RawConfig) (what serde read, with spans) turned into
//! [`Config`], every problem collected as a [`ConfigError`] with line, column and a hint.

use std::collections::BTreeMap;

use serde_saphyr::{Location, Spanned};

use crate::baseimage::lifecycle::{self, PatternData};
use crate::baseimage::policy::{ImagePolicy, Pattern, Scope};
use crate::finding::{FailOn, Severity};
use crate::source::Date;

use super::glob::PathMatcher;
use super::raw::{
    self, RawAdvisories, RawAdvisoryIgnore, RawConfig, RawIgnore, RawImages, RawPattern, Scalar,
    Strings, Tree,
};
use super::{
    AdvisoryIgnore, AdvisorySettings, Config, ConfigError, DEFAULT_MAX_DB_AGE_DAYS, Ignore,
    RuleSetting, options,
};

/// Collects errors while turning [`RawConfig`] into [`Config`].
pub(super) struct Validator<'a> {
    pub(super) path: &'a str,
    pub(super) known_rules: &'a [&'a str],
    pub(super) errors: Vec<ConfigError>,
}

pub(super) fn line_col(loc: &Location) -> (usize, usize) {
    let line = usize::try_from(loc.line()).unwrap_or(usize::MAX).max(1);
    let column = usize::try_from(loc.column()).unwrap_or(usize::MAX).max(1);
    (line, column)
}

impl Validator<'_> {
    pub(super) fn err_at(&mut self, line: usize, column: usize, message: String) {
        self.errors.push(ConfigError {
            path: self.path.to_string(),
            line,
            column,
            message,
        });
    }

    pub(super) fn err(&mut self, loc: &Location, message: String) {
        let (line, column) = line_col(loc);
        self.err_at(line, column, message);
    }

    pub(super) fn config(&mut self, raw: RawConfig) -> Option<Config> {
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

    pub(super) fn flag(&mut self, v: Option<Spanned<Scalar>>, key: &str, out: &mut bool) {
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

    pub(super) fn patterns(
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

    pub(super) fn images(&mut self, raw: RawImages, policy: &mut ImagePolicy) {
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

    pub(super) fn advisories(&mut self, raw: RawAdvisories, out: &mut AdvisorySettings) {
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
    pub(super) fn reason_and_until(
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

    pub(super) fn advisory_ignore(
        &mut self,
        entry: Spanned<RawAdvisoryIgnore>,
    ) -> Option<AdvisoryIgnore> {
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

    pub(super) fn rules(
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
    pub(super) fn check_rule_id(&mut self, raw_id: &str, loc: &Location, allow_star: bool) -> bool {
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
    pub(super) fn globs(&mut self, list: &Spanned<Strings>, key: &str) -> Vec<String> {
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
    pub(super) fn strings(
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

    pub(super) fn ignore(&mut self, entry: Spanned<RawIgnore>) -> Option<Ignore> {
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
    pub(super) fn structural(&mut self, text: &str, e: &serde_saphyr::Error) {
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
    pub(super) fn unknown_keys(&mut self, tree: &Tree) -> bool {
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

pub(super) fn innermost(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
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

pub(super) fn unknown_key_message(key: &str, context: &str, valid: &[&str]) -> String {
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

pub(super) fn structural_message(e: &serde_saphyr::Error) -> String {
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
pub(super) fn closest(word: &str, candidates: impl Iterator<Item = String>) -> Option<String> {
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
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
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
