//! GitHub Actions workflow commands: one annotation per unsuppressed finding.
//!
//! ```text
//! ::warning file=Dockerfile,line=3,col=9,endLine=3,endColumn=12,title=DF501 WORKDIR should be absolute::WORKDIR path `app` is relative
//! ```
//!
//! Levels: error → `::error`, warning → `::warning`, note → `::notice`. Columns are 1-based UTF-16
//! code units; they are left out when a finding spans several lines (the runner rejects
//! columns on multi-line annotations). Property values escape `%`, `\r`, `\n`, `:` and `,`;
//! the message escapes `%`, `\r` and `\n`, so no text from a scanned file can end the command
//! or start another. Suppressed findings are skipped. Scan diagnostics follow the findings,
//! titled `Portcullis`.

use std::fmt::Write as _;

use super::{TOOL_NAME, rules_of, shown_findings, sorted_diagnostics};
use crate::engine::Report;
use crate::finding::Severity;

/// Renders one workflow command per line.
pub fn render(report: &Report) -> String {
    let rules = rules_of(report);
    let mut out = String::new();
    for (f, r) in shown_findings(report) {
        let meta = rules.get(&f.rule).copied().flatten();
        let mut props = format!(
            "file={},line={}",
            escape_property(&f.location.path),
            r.start.line
        );
        if r.start.line == r.end.line {
            let _ = write!(
                props,
                ",col={},endLine={},endColumn={}",
                r.start.utf16_column + 1,
                r.end.line,
                r.end.utf16_column + 1
            );
        } else {
            let _ = write!(props, ",endLine={}", r.end.line);
        }
        let title = format!("{} {}", f.rule, super::title_in(report, &f.rule, meta));
        let _ = writeln!(
            out,
            "::{} {props},title={}::{}",
            command(f.severity),
            escape_property(&title),
            escape_data(&f.message)
        );
    }
    for d in sorted_diagnostics(report) {
        let mut props = String::new();
        if let Some(path) = &d.path {
            let _ = write!(props, "file={},", escape_property(path));
            if let Some(line) = d.line {
                let _ = write!(props, "line={},", line.max(1));
            }
        }
        let _ = writeln!(
            out,
            "::{} {props}title={}::{}",
            command(d.severity),
            escape_property(TOOL_NAME),
            escape_data(&d.message)
        );
    }
    out
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Escapes a command's message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`%`, `\r`, `\n`, `:`, `,`).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
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
        assert_eq!(escape_data("50% a\r\nb::c,d"), "50%25 a%0D%0Ab::c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
