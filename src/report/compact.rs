//! One line per finding, the shape editors, `grep` and pre-commit users read and click:
//!
//! ```text
//! Dockerfile:3:9: DF501 [warning] WORKDIR path is relative
//! src/App/App.csproj:4: warning: dependencies: Serilog: version range [3.0,4.0) …
//! 1 error, 2 warnings in 3 files; 1 at or above the threshold (error)
//! ```
//!
//! Findings (unsuppressed, in report order) as `path:line:column: RULE [severity] message`,
//! then the diagnostics as `path[:line]: severity: message` (`portcullis:` when they concern
//! no file), then the summary line of the text format with the number of findings that fail
//! the run. Columns are 1-based chars, as in the text and JSON formats. Control and
//! bidirectional-override characters are shown as `�`, as in the text format.

use std::fmt::Write as _;

use super::text::{clean, summary};
use super::{shown_findings, sorted_diagnostics};
use crate::engine::Report;
use crate::finding::FailOn;

/// Renders the report as compact lines ending in a summary line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (f, r) in shown_findings(report) {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            clean(&f.location.path),
            r.start.line,
            r.start.column,
            clean(&f.rule),
            f.severity,
            clean(&f.message)
        );
    }
    for d in sorted_diagnostics(report) {
        let at = match (&d.path, d.line) {
            (Some(p), Some(l)) => format!("{}:{l}", clean(p)),
            (Some(p), None) => clean(p),
            (None, _) => "portcullis".to_string(),
        };
        let _ = writeln!(out, "{at}: {}: {}", d.severity, clean(&d.message));
    }
    out.push_str(&summary(report));
    let failing = report.failing();
    if failing > 0 {
        let level = match report.fail_on {
            FailOn::Note => "note",
            FailOn::Warning => "warning",
            FailOn::Error => "error",
            FailOn::None => "none",
        };
        let _ = write!(out, "; {failing} at or above the threshold ({level})");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::engine::{Diagnostic, FileKind, ScannedFile};
    use crate::finding::{Finding, Location, Severity, Suppression, SuppressionKind};
    use crate::source::{LineIndex, Span};

    fn finding(rule: &str, severity: Severity, text: &str, span: Span, msg: &str) -> Finding {
        let idx = LineIndex::new(text);
        Finding {
            rule: rule.into(),
            severity,
            message: msg.into(),
            location: Location {
                path: "Dockerfile".into(),
                span,
                region: idx.region(text, span),
            },
            fingerprint: String::new(),
            related: Vec::new(),
            fix: None,
            suppression: None,
        }
    }

    #[test]
    fn findings_diagnostics_and_summary() {
        let text = "FROM a\nWORKDIR app\u{202E}x\n";
        let mut suppressed = finding("DF100", Severity::Error, text, Span::new(0, 4), "hidden");
        suppressed.suppression = Some(Suppression {
            kind: SuppressionKind::InSource,
            reason: "ok".into(),
        });
        let report = Report {
            tool_version: "0",
            findings: vec![
                finding(
                    "DF501",
                    Severity::Warning,
                    text,
                    Span::new(15, 18),
                    "relative \u{202E}path",
                ),
                finding("DF001", Severity::Error, text, Span::new(0, 6), "no tag"),
                suppressed,
            ],
            files: vec![ScannedFile {
                path: "Dockerfile".into(),
                kind: FileKind::Dockerfile,
            }],
            diagnostics: vec![
                Diagnostic {
                    severity: Severity::Warning,
                    path: Some("src/App.csproj".into()),
                    line: Some(4),
                    message: "dependencies: bad".into(),
                },
                Diagnostic {
                    severity: Severity::Note,
                    path: None,
                    line: None,
                    message: "checked".into(),
                },
            ],
            rules: Vec::new(),
            fail_on: FailOn::Error,
            sources: BTreeMap::from([("Dockerfile".to_string(), Arc::from(text))]),
            sbom: None,
            sca: Default::default(),
        };
        assert_eq!(
            render(&report),
            "Dockerfile:1:1: DF001 [error] no tag\n\
             Dockerfile:2:9: DF501 [warning] relative \u{FFFD}path\n\
             portcullis: note: checked\n\
             src/App.csproj:4: warning: dependencies: bad\n\
             1 error, 1 warning in 1 file (1 suppressed); 2 diagnostics; 1 at or above the threshold (error)\n"
        );
        let clean_report = Report {
            findings: Vec::new(),
            diagnostics: Vec::new(),
            ..report
        };
        assert_eq!(render(&clean_report), "no findings in 1 file\n");
    }
}
