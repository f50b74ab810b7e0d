//! Portcullis' own JSON format (`"version": 1`).
//!
//! ```text
//! { "version": 1,
//!   "tool": { "name", "version", "informationUri" },
//!   "findings": [ { "rule", "ruleName", "title", "severity", "securitySeverity", "message",
//!                   "location": { "path", "startLine", "startColumn", "endLine", "endColumn",
//!                                 "byteOffset", "byteLength" },
//!                   "fingerprint", "helpUri", "related": [ { "message", "location" } ],
//!                   "fix": null | { "description", "replacement", "location" },
//!                   "suppression": null | { "kind": "inSource" | "external", "reason" } } ],
//!   "diagnostics": [ { "severity", "path", "line", "message" } ],
//!   "files": [ { "path", "kind" } ],
//!   "summary": { "files", "errors", "warnings", "notes", "suppressed", "diagnostics",
//!                "failOn", "failing", "exitCode" },
//!   "dependencies": null | { "advisories", "checked", "vulnerable", "matches", "suppressed",
//!                            "malicious", "conservative", "unpinned", "unparseable",
//!                            "unsupportedRange", "noOrdering", "notCovered" } }
//! ```
//!
//! Every key is always present (absent values are `null`), keys keep this order, lists are
//! sorted, lines and columns are 1-based, columns count chars, `endColumn` is exclusive.
//! Suppressed findings are included with their `suppression`; they never count as failing.

use serde::Serialize;

use super::{
    Counts, INFORMATION_URI, Sources, TOOL_NAME, ordered_findings, rules_of, to_pretty_json,
};
use crate::engine::{Diagnostic, FileKind, Report};
use crate::finding::{FailOn, Finding, Location, Severity, SuppressionKind};
use crate::source::{Region, Span};

/// Version of this JSON format; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    version: u32,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<&'a Diagnostic>,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
    /// Dependency scan counts, `null` when dependencies were not checked against advisories.
    dependencies: Option<JsonDependencies<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDependencies<'a> {
    /// Where the advisories came from.
    advisories: &'a str,
    #[serde(flatten)]
    summary: crate::sca::ScaSummary,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule: &'a str,
    rule_name: Option<&'static str>,
    title: String,
    severity: Severity,
    /// The rule's `security-severity` score for security rules (the advisory's score for
    /// dependency findings), else `null`.
    security_severity: Option<String>,
    message: &'a str,
    location: JsonLocation<'a>,
    fingerprint: &'a str,
    help_uri: String,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
    suppression: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLocation<'a> {
    path: &'a str,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRelated<'a> {
    message: &'a str,
    location: JsonLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFix<'a> {
    description: &'a str,
    replacement: &'a str,
    /// The replaced text; its region is `null` when the source is not part of the report.
    location: JsonFixLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFixLocation {
    start_line: Option<usize>,
    start_column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSuppression<'a> {
    kind: SuppressionKind,
    reason: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFile<'a> {
    path: &'a str,
    kind: FileKind,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    diagnostics: usize,
    fail_on: FailOn,
    failing: usize,
    exit_code: i32,
}

/// Renders the report as pretty-printed JSON (trailing newline included).
pub fn render(report: &Report) -> String {
    let rules = rules_of(report);
    let mut sources = Sources::new(report);
    let findings = ordered_findings(report)
        .into_iter()
        .map(|f| {
            let meta = rules.get(&f.rule).copied().flatten();
            finding(f, meta, &mut sources)
        })
        .collect();
    let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diagnostics.sort();
    let mut files: Vec<JsonFile<'_>> = report
        .files
        .iter()
        .map(|f| JsonFile {
            path: &f.path,
            kind: f.kind,
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(b.path));
    let c = Counts::of(report);
    let doc = JsonReport {
        version: FORMAT_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: report.tool_version,
            information_uri: INFORMATION_URI,
        },
        findings,
        diagnostics,
        files,
        summary: Summary {
            files: report.files.len(),
            errors: c.errors,
            warnings: c.warnings,
            notes: c.notes,
            suppressed: c.suppressed,
            diagnostics: report.diagnostics.len(),
            fail_on: report.fail_on,
            failing: report.failing(),
            exit_code: report.exit_code(),
        },
        dependencies: report
            .sca
            .source
            .as_deref()
            .map(|advisories| JsonDependencies {
                advisories,
                summary: report.sca.summary,
            }),
    };
    to_pretty_json(&doc)
}

fn finding<'a>(
    f: &'a Finding,
    meta: Option<&'static crate::lint::RuleMeta>,
    sources: &mut Sources<'_>,
) -> JsonFinding<'a> {
    JsonFinding {
        rule: &f.rule,
        rule_name: meta.map(|m| m.name),
        title: super::title_in(sources.report(), &f.rule, meta),
        severity: f.severity,
        security_severity: match meta {
            Some(m) => m.is_security().then(|| m.security_severity.to_string()),
            None => sources
                .report()
                .sca
                .rules
                .get(&f.rule)
                .and_then(|a| a.score)
                .map(|s| s.to_string()),
        },
        message: &f.message,
        location: location(&f.location, sources),
        fingerprint: &f.fingerprint,
        help_uri: super::help_uri_in(sources.report(), &f.rule, meta),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                message: &r.message,
                location: location(&r.location, sources),
            })
            .collect(),
        fix: f.fix.as_ref().map(|fix| {
            let region = sources.exact_region(&f.location.path, fix.span);
            JsonFix {
                description: &fix.description,
                replacement: &fix.replacement,
                location: fix_location(region, fix.span),
            }
        }),
        suppression: f.suppression.as_ref().map(|s| JsonSuppression {
            kind: s.kind,
            reason: &s.reason,
        }),
    }
}

fn location<'a>(loc: &'a Location, sources: &mut Sources<'_>) -> JsonLocation<'a> {
    let r = sources.display_region(loc);
    JsonLocation {
        path: &loc.path,
        start_line: r.start.line,
        start_column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        byte_offset: loc.span.start,
        byte_length: loc.span.len(),
    }
}

fn fix_location(region: Option<Region>, span: Span) -> JsonFixLocation {
    JsonFixLocation {
        start_line: region.map(|r| r.start.line),
        start_column: region.map(|r| r.start.column),
        end_line: region.map(|r| r.end.line),
        end_column: region.map(|r| r.end.column),
        byte_offset: span.start,
        byte_length: span.len(),
    }
}
