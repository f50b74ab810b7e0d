//! SARIF 2.1.0 for GitHub code scanning, Azure DevOps (SARIF SAST Scans tab) and editors.
//!
//! One log, one run. Decisions:
//! - **Columns are UTF-16 code units** (1-based, end exclusive) and the run says so explicitly
//!   with `columnKind: "utf16CodeUnits"` (also the SARIF default); lines are 1-based.
//! - **URIs** are repository-relative with `/`, percent-encoded (RFC 3986; non-ASCII as UTF-8
//!   bytes), relative to `uriBaseId: "%SRCROOT%"`, which `run.originalUriBaseIds` declares
//!   without an absolute location (the core does not know where the repository lives).
//! - `rules[]` lists every enabled rule plus every rule id that appears in a result, sorted by
//!   id; `ruleIndex` points into it.
//! - Rule `properties`: `tags` (`security` first for security rules, at most 20), `precision`
//!   (`medium` for rules tagged `heuristic`, else `high`), `problem.severity`
//!   (`error`/`warning`/`recommendation`) and, for security rules only, `security-severity` as a
//!   one-decimal string.
//! - Suppressed findings are kept as results with `suppressions` (`inSource`/`external`,
//!   status `accepted`, the reason as justification); GitHub closes them as suppressed.
//! - Identity: `partialFingerprints["portcullis/v1"]` = the finding's fingerprint.
//! - Scan diagnostics become `invocations[0].toolExecutionNotifications`; the invocation is
//!   unsuccessful when a diagnostic is an error.
//! - GitHub rejects runs with more than 25,000 results: beyond that the most severe unsuppressed
//!   results are kept and a notification says how many were left out. Related locations are
//!   capped at 1,000 per result for the same reason.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    INFORMATION_URI, Sources, TOOL_NAME, ordered_findings, rule_help_uri, rule_title, rules_of,
    to_pretty_json,
};
use crate::engine::Report;
use crate::finding::{Finding, Location, Severity, SuppressionKind};
use crate::lint::RuleMeta;
use crate::source::{Region, Span};

/// Options of the SARIF reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifOptions {
    /// `run.automationDetails.id` (GitHub's analysis category, e.g. `portcullis/windows/`).
    pub automation_id: Option<String>,
    /// `tool.driver.semanticVersion`.
    pub tool_version: &'static str,
}

impl Default for SarifOptions {
    fn default() -> Self {
        Self {
            automation_id: None,
            tool_version: crate::engine::TOOL_VERSION,
        }
    }
}

/// `$schema` of the emitted log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "portcullis/v1";
/// The base id every artifact URI is relative to.
pub const SRCROOT: &str = "%SRCROOT%";
/// GitHub code scanning rejects runs with more results than this.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning rejects rules with more tags than this.
pub const MAX_TAGS: usize = 20;
/// GitHub code scanning rejects results with more related locations than this.
pub const MAX_RELATED: usize = 1_000;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    column_kind: &'static str,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct BaseUri {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

fn msg(text: impl Into<String>) -> Message {
    Message { text: text.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    default_configuration: Configuration,
    help: Help,
    help_uri: String,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
}

impl SarifRegion {
    fn of(r: Region) -> Self {
        SarifRegion {
            start_line: Some(r.start.line),
            start_column: Some(r.start.utf16_column + 1),
            end_line: Some(r.end.line),
            end_column: Some(r.end.utf16_column + 1),
            ..Default::default()
        }
    }
    fn line(line: usize) -> Self {
        SarifRegion {
            start_line: Some(line.max(1)),
            ..Default::default()
        }
    }
    fn bytes(span: Span) -> Self {
        SarifRegion {
            byte_offset: Some(span.start),
            byte_length: Some(span.len()),
            ..Default::default()
        }
    }
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: [Replacement; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: SarifRegion,
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<ArtifactContent>,
}

#[derive(Serialize)]
struct ArtifactContent {
    text: String,
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, trailing newline).
pub fn render(report: &Report, opts: &SarifOptions) -> String {
    let rules = rules_of(report);
    let findings = ordered_findings(report);

    let mut descriptors = Vec::with_capacity(rules.len());
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (id, meta)) in rules.iter().enumerate() {
        index_of.insert(id.as_str(), i);
        let fallback_level = findings
            .iter()
            .filter(|f| &f.rule == id)
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Warning);
        match (meta, report.sca.rules.get(id)) {
            (None, Some(advisory)) => descriptors.push(advisory_descriptor(advisory, report)),
            _ => descriptors.push(descriptor(id, *meta, fallback_level)),
        }
    }

    let kept = keep_within_limit(&findings, MAX_RESULTS);
    let mut sources = Sources::new(report);
    let results: Vec<SarifResult> = kept
        .iter()
        .map(|f| {
            let meta = rules.get(&f.rule).copied().flatten();
            let index = index_of.get(f.rule.as_str()).copied().unwrap_or(0);
            result(f, index, meta, &mut sources)
        })
        .collect();

    let mut notifications = Vec::new();
    let mut diags: Vec<_> = report.diagnostics.iter().collect();
    diags.sort();
    for d in &diags {
        let locations = match &d.path {
            Some(p) => vec![SarifLocation {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: artifact(p),
                    region: d.line.map(SarifRegion::line),
                },
                message: None,
            }],
            None => Vec::new(),
        };
        notifications.push(Notification {
            level: level(d.severity),
            message: msg(non_empty(&d.message, "diagnostic without a message")),
            locations,
        });
    }
    if kept.len() < findings.len() {
        notifications.push(Notification {
            level: "warning",
            message: msg(format!(
                "{} results were left out: SARIF for GitHub code scanning may hold at most {} \
                 results per run; the most severe unsuppressed results were kept",
                findings.len() - kept.len(),
                MAX_RESULTS
            )),
            locations: Vec::new(),
        });
    }

    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    semantic_version: opts.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: descriptors,
                },
            },
            automation_details: opts
                .automation_id
                .as_ref()
                .map(|id| AutomationDetails { id: id.clone() }),
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    description: msg("The root of the scanned repository."),
                },
            )]),
            column_kind: "utf16CodeUnits",
            invocations: [Invocation {
                execution_successful: !report
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Error),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    };
    to_pretty_json(&log)
}

/// At most `max` findings, preferring unsuppressed and more severe ones, in their given order.
fn keep_within_limit<'a>(findings: &[&'a Finding], max: usize) -> Vec<&'a Finding> {
    if findings.len() <= max {
        return findings.to_vec();
    }
    let mut idx: Vec<usize> = (0..findings.len()).collect();
    idx.sort_by_key(|&i| {
        let f = findings.get(i);
        (
            f.is_some_and(|f| f.is_suppressed()),
            std::cmp::Reverse(f.map(|f| f.severity)),
            i,
        )
    });
    idx.truncate(max);
    idx.sort_unstable();
    idx.into_iter()
        .filter_map(|i| findings.get(i).copied())
        .collect()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    }
}

fn non_empty(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s.to_string()
    }
}

fn descriptor(id: &str, meta: Option<&'static RuleMeta>, fallback_level: Severity) -> Descriptor {
    let title = rule_title(id, meta);
    let help_uri = rule_help_uri(id, meta);
    let Some(m) = meta else {
        return Descriptor {
            id: id.to_string(),
            name: id.to_string(),
            short_description: msg(title.clone()),
            full_description: msg(title.clone()),
            default_configuration: Configuration {
                level: level(fallback_level),
            },
            help: Help {
                text: format!("{title}. See {help_uri}"),
                markdown: format!("{title}.\n\nSee [{id}]({help_uri})."),
            },
            help_uri,
            properties: DescriptorProperties {
                tags: Vec::new(),
                precision: "high",
                problem_severity: problem_severity(fallback_level),
                security_severity: None,
            },
        };
    };
    let summary = non_empty(&m.summary(), &title);
    let body = m.body().trim();
    let markdown = if body.is_empty() {
        summary.clone()
    } else {
        body.to_string()
    };
    let security = m.is_security();
    let mut tags: Vec<String> = Vec::new();
    if security {
        tags.push("security".to_string());
    }
    for t in m.tags {
        let t = t.trim();
        if !t.is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    tags.truncate(MAX_TAGS);
    Descriptor {
        id: m.id.to_string(),
        name: pascal_case(m.name, m.id),
        short_description: msg(title),
        full_description: msg(summary.clone()),
        default_configuration: Configuration {
            level: level(m.severity),
        },
        help: Help {
            text: format!("{summary}\n\nSee {help_uri}"),
            markdown,
        },
        help_uri,
        properties: DescriptorProperties {
            tags,
            precision: if m.tags.contains(&"heuristic") {
                "medium"
            } else {
                "high"
            },
            problem_severity: problem_severity(m.severity),
            security_severity: security.then(|| security_score(m.security_severity)),
        },
    }
}

/// Most chars of advisory text put into a rule's help.
const MAX_HELP_CHARS: usize = 8_000;

/// The rule of an advisory: one rule per advisory, so GitHub code scanning titles each alert
/// with the advisory's summary and ranks it by the advisory's own score.
fn advisory_descriptor(a: &crate::sca::AdvisoryRule, report: &Report) -> Descriptor {
    let title = a.title();
    let mut fixes: Vec<String> = Vec::new();
    let mut packages: Vec<String> = Vec::new();
    for m in report
        .sca
        .matches
        .iter()
        .filter(|m| m.advisory.advisory_id == a.id)
    {
        if !packages.contains(&m.package) {
            packages.push(m.package.clone());
        }
        for f in &m.advisory.fixed {
            if !fixes.contains(f) {
                fixes.push(f.clone());
            }
        }
    }
    let aliases = if a.aliases.is_empty() {
        String::new()
    } else {
        format!(" Also known as {}.", a.aliases.join(", "))
    };
    let what = if a.malicious {
        "Malicious package"
    } else if let Some(kind) = &a.informational {
        kind.as_str()
    } else {
        "Known vulnerability"
    };
    let full = format!(
        "{what} in {}: {title}.{aliases}",
        if packages.is_empty() {
            "a dependency".to_string()
        } else {
            packages.join(", ")
        }
    );
    let fix = if a.malicious {
        "Remove the package; there is no fixed version. Treat secrets the build or the image could reach as exposed.".to_string()
    } else if fixes.is_empty() {
        "No fixed version is known: remove or replace the package, or record why the vulnerability does not apply (`advisories.ignore` in .portcullis.yaml, or a VEX statement).".to_string()
    } else {
        format!("Upgrade to a fixed version: {}.", fixes.join(", "))
    };
    let details = a
        .details
        .as_deref()
        .map(|d| crate::sca::truncate_text(d, MAX_HELP_CHARS))
        .unwrap_or_default();
    let text = format!(
        "{full}\n\n{details}{}Fix: {fix}\n\nSee {}",
        if details.is_empty() { "" } else { "\n\n" },
        a.url
    );
    let markdown = format!(
        "**{}**{}\n\n{details}{}**Fix:** {fix}\n\nSee [{}]({}).",
        title.replace('*', "\\*"),
        aliases,
        if details.is_empty() { "" } else { "\n\n" },
        a.id,
        a.url
    );
    let mut tags: Vec<String> = vec!["security".into(), "supply-chain".into()];
    tags.push(if a.malicious {
        "malicious-package".into()
    } else if let Some(kind) = &a.informational {
        kind.clone()
    } else {
        "vulnerability".into()
    });
    for e in &a.ecosystems {
        let t = e.to_ascii_lowercase();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    for cwe in &a.cwe_ids {
        let t = format!("external/cwe/{}", cwe.trim().to_ascii_lowercase());
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags.truncate(MAX_TAGS);
    let conservative_only = report
        .sca
        .matches
        .iter()
        .filter(|m| m.advisory.advisory_id == a.id)
        .all(|m| m.advisory.conservative);
    Descriptor {
        id: a.id.clone(),
        name: a.id.clone(),
        short_description: msg(title),
        full_description: msg(full),
        default_configuration: Configuration {
            level: level(a.severity),
        },
        help: Help { text, markdown },
        help_uri: a.url.clone(),
        properties: DescriptorProperties {
            tags,
            precision: if conservative_only { "medium" } else { "high" },
            problem_severity: problem_severity(a.severity),
            security_severity: if a.informational.is_some() {
                None
            } else {
                a.score.map(|s| s.to_string())
            },
        },
    }
}

/// `relative-workdir` → `RelativeWorkdir`; falls back to the id for an empty name.
pub fn pascal_case(name: &str, id: &str) -> String {
    let s: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    if s.is_empty() { id.to_string() } else { s }
}

/// A `security-severity` score as GitHub reads it: a plain decimal number 0–10. The rule's
/// own spelling is kept when it is one; anything else is clamped and written with one decimal.
fn security_score(raw: &str) -> String {
    let raw = raw.trim();
    let plain = {
        let (int, frac) = raw.split_once('.').unwrap_or((raw, "0"));
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    let v = raw.parse::<f64>().unwrap_or(0.0);
    if plain && (0.0..=10.0).contains(&v) {
        return raw.to_string();
    }
    let v = if v.is_finite() {
        v.clamp(0.0, 10.0)
    } else {
        0.0
    };
    format!("{v:.1}")
}

/// A repository-relative path as a SARIF `uri`: `/` separators, no leading `./` or `/`,
/// percent-encoded outside RFC 3986 unreserved characters, sub-delimiters, `@` and `/`.
/// `:` is encoded too so a first segment like `C:` cannot read as a URI scheme.
pub fn path_to_uri(path: &str) -> String {
    let path = crate::source::normalize_path(path);
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: path_to_uri(path),
        uri_base_id: SRCROOT,
    }
}

fn physical(loc: &Location, sources: &mut Sources<'_>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(&loc.path),
        region: Some(SarifRegion::of(sources.display_region(loc))),
    }
}

fn result(
    f: &Finding,
    rule_index: usize,
    meta: Option<&'static RuleMeta>,
    sources: &mut Sources<'_>,
) -> SarifResult {
    let related_locations = f
        .related
        .iter()
        .take(MAX_RELATED)
        .enumerate()
        .map(|(i, r)| SarifLocation {
            id: Some(i + 1),
            physical_location: physical(&r.location, sources),
            message: Some(msg(non_empty(&r.message, "related location"))),
        })
        .collect();
    let suppressions = f
        .suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: match s.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::External => "external",
            },
            status: "accepted",
            justification: s.reason.clone(),
        })
        .collect();
    let fixes = f
        .fix
        .iter()
        .map(|fix| {
            let deleted_region = match sources.exact_region(&f.location.path, fix.span) {
                Some(r) => SarifRegion::of(r),
                None => SarifRegion::bytes(fix.span),
            };
            SarifFix {
                description: msg(non_empty(&fix.description, "Apply the suggested fix")),
                artifact_changes: [ArtifactChange {
                    artifact_location: artifact(&f.location.path),
                    replacements: [Replacement {
                        deleted_region,
                        inserted_content: (!fix.replacement.is_empty()).then(|| ArtifactContent {
                            text: fix.replacement.clone(),
                        }),
                    }],
                }],
            }
        })
        .collect();
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index,
        level: level(f.severity),
        message: msg(non_empty(&f.message, &rule_title(&f.rule, meta))),
        locations: [SarifLocation {
            id: None,
            physical_location: physical(&f.location, sources),
            message: None,
        }],
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions,
        fixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(path_to_uri("svc/Dockerfile"), "svc/Dockerfile");
        assert_eq!(path_to_uri(".\\svc\\Dockerfile"), "svc/Dockerfile");
        assert_eq!(path_to_uri("/abs/Dockerfile"), "abs/Dockerfile");
        assert_eq!(path_to_uri("a b/Dockérfile"), "a%20b/Dock%C3%A9rfile");
        assert_eq!(path_to_uri("C:/x/50%#?.df"), "C%3A/x/50%25%23%3F.df");
    }

    #[test]
    fn pascal_names() {
        assert_eq!(pascal_case("relative-workdir", "DF1"), "RelativeWorkdir");
        assert_eq!(
            pascal_case("apt-get_no-recommends", "DF1"),
            "AptGetNoRecommends"
        );
        assert_eq!(pascal_case("", "DF9"), "DF9");
    }

    #[test]
    fn scores() {
        assert_eq!(security_score("8.1"), "8.1");
        assert_eq!(security_score(" 9 "), "9");
        assert_eq!(security_score("9.95"), "9.95");
        assert_eq!(security_score("1e1"), "10.0");
        assert_eq!(security_score("-1"), "0.0");
        assert_eq!(security_score("10.5"), "10.0");
        assert_eq!(security_score("12"), "10.0");
        assert_eq!(security_score("x"), "0.0");
        assert_eq!(security_score("NaN"), "0.0");
    }
}
