//! Reporters: pure functions of one [`crate::engine::Report`].
//!
//! | format | entry point | columns |
//! |---|---|---|
//! | human text | [`text::render`] | 1-based, Unicode scalar values (chars) |
//! | compact lines | [`compact::render`] | 1-based, Unicode scalar values (chars) |
//! | JSON | [`json::render`] | 1-based, Unicode scalar values (chars) |
//! | SARIF 2.1.0 | [`sarif::render`] | 1-based, UTF-16 code units (`run.columnKind` = `utf16CodeUnits`) |
//! | GitHub workflow commands | [`github::render`] | 1-based, UTF-16 code units |
//! | Azure DevOps logging commands | [`azure::render`] | 1-based, UTF-16 code units |
//!
//! Machine formats use UTF-16 columns because their consumers (GitHub code scanning, the
//! Actions runner, the Azure DevOps agent, editors) index strings in UTF-16; people read chars.
//!
//! Every reporter orders findings the same way ([`ordered_findings`]) and never depends on
//! hash-map iteration order, so equal reports render to equal bytes.

pub mod azure;
pub mod compact;
pub mod cyclonedx;
pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;

pub use sarif::SarifOptions;
pub use text::TextOptions;

use crate::engine::{Diagnostic, Report};
use crate::finding::{Finding, Location, Severity};
use crate::lint::{RuleMeta, registry};
use crate::source::{LineIndex, Position, Region, Span};

/// Product name shown in every format.
pub const TOOL_NAME: &str = "Portcullis";

/// Project home page (SARIF `tool.driver.informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/portcullis-sec/portcullis";

/// Findings in report order: path, start position, rule, message, fingerprint.
///
/// The engine already sorts; sorting again makes hand-built reports render deterministically too.
pub fn ordered_findings(report: &Report) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = report.findings.iter().collect();
    v.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.region.start.line,
            a.location.region.start.column,
            &a.rule,
            &a.message,
            &a.fingerprint,
        )
            .cmp(&(
                &b.location.path,
                b.location.region.start.line,
                b.location.region.start.column,
                &b.rule,
                &b.message,
                &b.fingerprint,
            ))
    });
    v
}

/// The findings a line-per-finding format shows: unsuppressed, in report order, each with the
/// region to display ([`Sources::display_region`]).
pub(crate) fn shown_findings(report: &Report) -> Vec<(&Finding, Region)> {
    let mut sources = Sources::new(report);
    ordered_findings(report)
        .into_iter()
        .filter(|f| !f.is_suppressed())
        .map(|f| (f, sources.display_region(&f.location)))
        .collect()
}

/// The report's diagnostics, sorted.
pub(crate) fn sorted_diagnostics(report: &Report) -> Vec<&Diagnostic> {
    let mut diags: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diags.sort();
    diags
}

/// Metadata for every rule the report mentions: the enabled rules plus any rule id that only
/// appears in findings (e.g. the unused-suppression rule), looked up in the registry.
/// Ids without metadata map to `None`.
pub fn rules_of(report: &Report) -> BTreeMap<String, Option<&'static RuleMeta>> {
    let mut out: BTreeMap<String, Option<&'static RuleMeta>> = BTreeMap::new();
    for meta in &report.rules {
        out.insert(meta.id.to_string(), Some(*meta));
    }
    for f in &report.findings {
        if !out.contains_key(&f.rule) {
            out.insert(f.rule.clone(), registry::find(&f.rule).map(|r| r.meta));
        }
    }
    out
}

/// The one-line title of a rule, with a fallback for ids that have no rule document.
pub fn rule_title(id: &str, meta: Option<&RuleMeta>) -> String {
    match meta {
        Some(m) if !m.title.trim().is_empty() => m.title.to_string(),
        _ if id == crate::suppress::UNUSED_SUPPRESSION_RULE => {
            "Suppression comment matches no finding".to_string()
        }
        _ => format!("Rule {id}"),
    }
}

/// Documentation link of a rule (also for ids without metadata: every id has a page).
pub fn rule_help_uri(id: &str, meta: Option<&RuleMeta>) -> String {
    match meta {
        Some(m) => m.help_uri(),
        None => format!("{}/{}.md", crate::lint::meta::RULE_DOCS_BASE, id),
    }
}

/// The title of `id` in this report: an advisory's summary for dependency findings, else the
/// rule's title ([`rule_title`]).
pub fn title_in(report: &Report, id: &str, meta: Option<&RuleMeta>) -> String {
    if meta.is_none()
        && let Some(a) = report.sca.rules.get(id)
    {
        return a.title();
    }
    rule_title(id, meta)
}

/// The documentation link of `id` in this report: the advisory URL for dependency findings,
/// else [`rule_help_uri`].
pub fn help_uri_in(report: &Report, id: &str, meta: Option<&RuleMeta>) -> String {
    if meta.is_none()
        && let Some(a) = report.sca.rules.get(id)
    {
        return a.url.clone();
    }
    rule_help_uri(id, meta)
}

/// Counts of unsuppressed findings by severity, plus suppressed ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Self {
        let mut c = Counts::default();
        for f in &report.findings {
            if f.is_suppressed() {
                c.suppressed += 1;
                continue;
            }
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }
}

/// Line indexes of the report's sources, built on first use.
pub(crate) struct Sources<'r> {
    report: &'r Report,
    indexes: BTreeMap<&'r str, LineIndex>,
}

impl<'r> Sources<'r> {
    pub(crate) fn new(report: &'r Report) -> Self {
        Self {
            report,
            indexes: BTreeMap::new(),
        }
    }

    /// The report the sources belong to.
    pub(crate) fn report(&self) -> &'r Report {
        self.report
    }

    /// The text of `path` and its line index, if the report carries the source.
    pub(crate) fn get(&mut self, path: &str) -> Option<(&'r str, &LineIndex)> {
        let (key, text) = self.report.sources.get_key_value(path)?;
        let text: &'r str = text;
        let idx = self
            .indexes
            .entry(key.as_str())
            .or_insert_with(|| LineIndex::new(text));
        Some((text, idx))
    }

    /// The region a reporter shows for `loc`: recomputed from the source when the span is
    /// valid there, with line terminators at the end of a multi-line span left out (so a span
    /// covering a whole line ends on that line, not at column 1 of the next). Falls back to the
    /// finding's own region, made well-formed (1-based, end not before start).
    pub(crate) fn display_region(&mut self, loc: &Location) -> Region {
        if let Some((text, idx)) = self.get(&loc.path)
            && let Some(span) = valid_span(text, loc.span)
        {
            let bytes = text.as_bytes();
            let mut end = span.end;
            while end > span.start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
                end -= 1;
            }
            return idx.region(text, Span::new(span.start, end));
        }
        sane_region(loc.region)
    }

    /// The exact region of `span` in `path` (no trimming), if the source is known and the
    /// span lies on char boundaries inside it.
    pub(crate) fn exact_region(&mut self, path: &str, span: Span) -> Option<Region> {
        let (text, idx) = self.get(path)?;
        let span = valid_span(text, span)?;
        Some(idx.region(text, span))
    }
}

/// `span` if it lies inside `text` on char boundaries with `start <= end`.
pub(crate) fn valid_span(text: &str, span: Span) -> Option<Span> {
    (span.start <= span.end && text.get(span.start..span.end).is_some()).then_some(span)
}

/// A region with 1-based lines and columns whose end does not precede its start.
pub(crate) fn sane_region(r: Region) -> Region {
    let fix = |p: Position| Position {
        line: p.line.max(1),
        column: p.column.max(1),
        utf16_column: p.utf16_column,
    };
    let start = fix(r.start);
    let mut end = fix(r.end);
    if (end.line, end.column) < (start.line, start.column) {
        end = start;
    }
    if end.line == start.line && end.utf16_column < start.utf16_column {
        end.utf16_column = start.utf16_column;
    }
    Region { start, end }
}

/// Whether `c` must not reach a terminal or log verbatim: control characters and the Unicode
/// bidirectional overrides/isolates that can make displayed text differ from its logical
/// order ("Trojan Source").
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Serializes a value as pretty JSON with a trailing newline.
pub(crate) fn to_pretty_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our report types serialize infallibly (string keys only); keep output valid JSON anyway.
        Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::FailOn;
    use std::sync::Arc;

    fn loc(path: &str, span: Span, text: &str) -> Location {
        let idx = LineIndex::new(text);
        Location {
            path: path.into(),
            span,
            region: idx.region(text, span),
        }
    }

    fn report_with(path: &str, text: &str) -> Report {
        let mut sources = BTreeMap::new();
        sources.insert(path.to_string(), Arc::from(text));
        Report {
            tool_version: "0.0.0",
            findings: Vec::new(),
            files: Vec::new(),
            diagnostics: Vec::new(),
            rules: Vec::new(),
            fail_on: FailOn::Error,
            sources,
            sbom: None,
            sca: Default::default(),
        }
    }

    #[test]
    fn display_region_drops_trailing_newline_of_a_line_span() {
        let text = "FROM a\r\nRUN b\r\n";
        let r = report_with("Dockerfile", text);
        let mut s = Sources::new(&r);
        let l = loc("Dockerfile", Span::new(8, 15), text);
        assert_eq!(l.region.end.line, 3);
        let d = s.display_region(&l);
        assert_eq!(
            (d.start.line, d.start.column, d.end.line, d.end.column),
            (2, 1, 2, 6)
        );
    }

    #[test]
    fn display_region_falls_back_and_sanitizes() {
        let r = report_with("Dockerfile", "FROM a\n");
        let mut s = Sources::new(&r);
        let bogus = Location {
            path: "other".into(),
            span: Span::new(5, 1),
            region: Region {
                start: Position {
                    line: 0,
                    column: 0,
                    utf16_column: 0,
                },
                end: Position {
                    line: 0,
                    column: 0,
                    utf16_column: 0,
                },
            },
        };
        let d = s.display_region(&bogus);
        assert_eq!(
            (d.start.line, d.start.column, d.end.line, d.end.column),
            (1, 1, 1, 1)
        );
        // A span outside the text of a known file also falls back.
        let outside = Location {
            path: "Dockerfile".into(),
            ..bogus
        };
        assert_eq!(s.display_region(&outside).start.line, 1);
    }

    #[test]
    fn exact_region_rejects_non_boundary_spans() {
        let text = "RUN é\n";
        let r = report_with("Dockerfile", text);
        let mut s = Sources::new(&r);
        assert!(s.exact_region("Dockerfile", Span::new(5, 6)).is_none());
        assert!(s.exact_region("Dockerfile", Span::new(4, 6)).is_some());
        assert!(s.exact_region("missing", Span::new(0, 1)).is_none());
    }

    #[test]
    fn unsafe_chars() {
        assert!(is_unsafe_char('\u{1b}'));
        assert!(is_unsafe_char('\u{202E}'));
        assert!(is_unsafe_char('\n'));
        assert!(!is_unsafe_char('é'));
        assert!(!is_unsafe_char(' '));
    }
}
