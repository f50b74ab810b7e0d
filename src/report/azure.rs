//! Azure DevOps logging commands: one `task.logissue` per unsuppressed finding.
//!
//! ```text
//! ##vso[task.logissue type=warning;sourcepath=Dockerfile;linenumber=3;columnnumber=9;code=DF501;]WORKDIR path `app` is relative
//! ```
//!
//! Azure issues are only `error` or `warning`. **Notes** are emitted as `type=warning` only
//! when they fail the run (`fail-on: note`); otherwise they are not emitted here at all, since a
//! warning issue for every advisory note would bury the real ones in the build summary (notes
//! stay in the text and SARIF output). Columns are 1-based UTF-16 code units. Property values
//! escape `%` (as `%AZP25`), `;`, `]`, `\r` and `\n`; the message escapes `%`, `\r` and `\n`, so
//! text from a scanned file can neither end the command nor start another on a new line.
//! Suppressed findings are skipped. Scan diagnostics follow the findings with `code=Portcullis`.

use std::fmt::Write as _;

use super::{TOOL_NAME, shown_findings, sorted_diagnostics};
use crate::engine::Report;
use crate::finding::{FailOn, Severity};

/// Renders one logging command per line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (f, r) in shown_findings(report) {
        let Some(kind) = issue_type(f.severity, report.fail_on) else {
            continue;
        };
        let _ = writeln!(
            out,
            "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={};]{}",
            escape_property(&f.location.path),
            r.start.line,
            r.start.utf16_column + 1,
            escape_property(&f.rule),
            escape_data(&f.message)
        );
    }
    for d in sorted_diagnostics(report) {
        let Some(kind) = issue_type(d.severity, report.fail_on) else {
            continue;
        };
        let mut props = format!("type={kind};");
        if let Some(path) = &d.path {
            let _ = write!(props, "sourcepath={};", escape_property(path));
            if let Some(line) = d.line {
                let _ = write!(props, "linenumber={};", line.max(1));
            }
        }
        let _ = writeln!(
            out,
            "##vso[task.logissue {props}code={};]{}",
            escape_property(TOOL_NAME),
            escape_data(&d.message)
        );
    }
    out
}

/// The issue type for a severity; `None` = not emitted (a note that does not fail the run).
fn issue_type(s: Severity, fail_on: FailOn) -> Option<&'static str> {
    match s {
        Severity::Error => Some("error"),
        Severity::Warning => Some("warning"),
        Severity::Note if fail_on.fails(Severity::Note) => Some("warning"),
        Severity::Note => None,
    }
}

/// Escapes a command's message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%AZP25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`%`, `;`, `]`, `\r`, `\n`).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%AZP25"),
            ';' => out.push_str("%3B"),
            ']' => out.push_str("%5D"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% a\r\nb;]"), "100%AZP25 a%0D%0Ab;]");
        assert_eq!(escape_property("a;b]c%\n"), "a%3Bb%5Dc%AZP25%0A");
    }

    #[test]
    fn notes_only_when_they_fail() {
        assert_eq!(issue_type(Severity::Note, FailOn::Error), None);
        assert_eq!(issue_type(Severity::Note, FailOn::Note), Some("warning"));
        assert_eq!(issue_type(Severity::Error, FailOn::None), Some("error"));
    }
}
