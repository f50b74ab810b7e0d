//! Human-readable output in the style of rustc diagnostics:
//!
//! ```text
//! warning[DF501]: WORKDIR path is relative
//!  --> Dockerfile:3:9
//!   |
//! 3 | WORKDIR app
//!   |         ^^^
//!   = help: WORKDIR should be absolute (see https://…/DF501.md)
//! ```
//!
//! Columns are 1-based and counted in chars. Tabs in source lines are shown as four spaces;
//! control characters and bidirectional-override characters are shown as `�` (one column) so a
//! file or message cannot drive the terminal or disguise what it says. Suppressed findings are
//! only counted. Colour (ANSI) is used only when [`TextOptions::color`] is set; whether the
//! output is a terminal is decided by the caller.

use std::fmt::Write as _;

use super::{Counts, Sources, is_unsafe_char, ordered_findings, rules_of};
use crate::engine::{Diagnostic, Report};
use crate::finding::{Finding, Severity};
use crate::source::{LineIndex, Region};

/// Options of the text reporter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colour escapes.
    pub color: bool,
}

/// Width in columns that a tab is expanded to.
const TAB_WIDTH: usize = 4;
/// Source text columns shown per line before truncating around the span.
const MAX_LINE_WIDTH: usize = 100;
/// Context kept left of the span when a long line is truncated.
const LEFT_CONTEXT: usize = 24;
/// Spans covering more lines than this show their first lines, `...`, and their last line.
const MAX_FRAME_LINES: usize = 4;
/// Lines shown before the `...` of an elided multi-line span.
const HEAD_LINES: usize = 2;

/// Renders the report as rustc-style text ending in a summary line.
pub fn render(report: &Report, opts: &TextOptions) -> String {
    let st = Style::new(opts.color);
    let rules = rules_of(report);
    let mut sources = Sources::new(report);
    let mut out = String::new();

    for f in ordered_findings(report) {
        if f.is_suppressed() {
            continue;
        }
        let meta = rules.get(&f.rule).copied().flatten();
        render_finding(&mut out, &st, &mut sources, f, meta);
        out.push('\n');
    }

    let mut diags: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diags.sort();
    for d in &diags {
        render_diagnostic(&mut out, &st, d);
        out.push('\n');
    }

    let line = summary(report);
    let _ = writeln!(out, "{}{line}{}", st.bold, st.reset);
    out
}

/// The final line: `2 errors, 5 warnings, 1 note in 3 files (1 suppressed)`.
pub fn summary(report: &Report) -> String {
    let c = Counts::of(report);
    let mut parts = Vec::new();
    for (n, one, many) in [
        (c.errors, "error", "errors"),
        (c.warnings, "warning", "warnings"),
        (c.notes, "note", "notes"),
    ] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let head = if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    };
    let mut s = format!("{head} in {}", plural(report.files.len(), "file", "files"));
    if c.suppressed > 0 {
        let _ = write!(s, " ({} suppressed)", c.suppressed);
    }
    if !report.diagnostics.is_empty() {
        let _ = write!(
            s,
            "; {}",
            plural(report.diagnostics.len(), "diagnostic", "diagnostics")
        );
    }
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn render_finding(
    out: &mut String,
    st: &Style,
    sources: &mut Sources<'_>,
    f: &Finding,
    meta: Option<&crate::lint::RuleMeta>,
) {
    let lvl = st.level(f.severity);
    let region = sources.display_region(&f.location);
    let frame = sources
        .get(&f.location.path)
        .and_then(|(text, idx)| Frame::build(text, idx, region));
    let width = frame.as_ref().map_or(1, |fr| digits(fr.max_line()));
    let pad = " ".repeat(width);

    let _ = writeln!(
        out,
        "{lvl}{}[{}]{r}{b}: {}{r}",
        f.severity,
        clean(&f.rule),
        clean(&f.message),
        r = st.reset,
        b = st.bold
    );
    let _ = writeln!(
        out,
        "{pad}{}-->{} {}:{}:{}",
        st.gutter,
        st.reset,
        clean(&f.location.path),
        region.start.line,
        region.start.column
    );
    if let Some(frame) = frame {
        let _ = writeln!(out, "{pad} {}|{}", st.gutter, st.reset);
        for row in &frame.rows {
            match row {
                Row::Elided => {
                    let _ = writeln!(out, "{}...{}", st.gutter, st.reset);
                }
                Row::Line {
                    number,
                    text,
                    caret_start,
                    caret_len,
                } => {
                    let _ = writeln!(
                        out,
                        "{}{number:>width$} |{} {}",
                        st.gutter,
                        st.reset,
                        text.trim_end()
                    );
                    let _ = writeln!(
                        out,
                        "{pad} {}|{} {}{lvl}{}{}",
                        st.gutter,
                        st.reset,
                        " ".repeat(*caret_start),
                        "^".repeat(*caret_len),
                        st.reset
                    );
                }
            }
        }
        let _ = writeln!(out, "{pad} {}|{}", st.gutter, st.reset);
    }
    let title = super::title_in(sources.report(), &f.rule, meta);
    let uri = super::help_uri_in(sources.report(), &f.rule, meta);
    let _ = writeln!(
        out,
        "{pad} {}={} {}help{}: {} (see {uri})",
        st.gutter,
        st.reset,
        st.bold,
        st.reset,
        clean(&title)
    );
    for rel in &f.related {
        let r = sources.display_region(&rel.location);
        let _ = writeln!(
            out,
            "{pad} {}={} {}note{}: {} ({}:{}:{})",
            st.gutter,
            st.reset,
            st.bold,
            st.reset,
            clean(&rel.message),
            clean(&rel.location.path),
            r.start.line,
            r.start.column
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(
            out,
            "{pad} {}={} {}fix{}: {}",
            st.gutter,
            st.reset,
            st.bold,
            st.reset,
            clean(&fix.description)
        );
    }
}

fn render_diagnostic(out: &mut String, st: &Style, d: &Diagnostic) {
    let _ = writeln!(
        out,
        "{}{}{}{}: {}{}",
        st.level(d.severity),
        d.severity,
        st.reset,
        st.bold,
        clean(&d.message),
        st.reset
    );
    if let Some(path) = &d.path {
        let at = match d.line {
            Some(l) => format!("{}:{l}", clean(path)),
            None => clean(path),
        };
        let _ = writeln!(out, " {}-->{} {at}", st.gutter, st.reset);
    }
}

/// Replaces characters that must not reach a terminal verbatim (see module docs).
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if is_unsafe_char(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// The source lines of a code frame, ready to print.
struct Frame {
    rows: Vec<Row>,
}

enum Row {
    /// A source line with the underline below it (display columns, after tab expansion).
    Line {
        number: usize,
        text: String,
        caret_start: usize,
        caret_len: usize,
    },
    /// Lines left out of a long span.
    Elided,
}

impl Frame {
    fn build(text: &str, idx: &LineIndex, region: Region) -> Option<Frame> {
        let first = region.start.line;
        let last = region.end.line.max(first);
        if first == 0 || first > idx.line_count() {
            return None;
        }
        let last = last.min(idx.line_count());
        let count = last - first + 1;
        let shown: Vec<Option<usize>> = if count > MAX_FRAME_LINES {
            (first..first + HEAD_LINES)
                .map(Some)
                .chain([None, Some(last)])
                .collect()
        } else {
            (first..=last).map(Some).collect()
        };
        let mut rows = Vec::with_capacity(shown.len());
        for line in shown {
            let Some(line) = line else {
                rows.push(Row::Elided);
                continue;
            };
            let content = idx.line_span(text, line).slice(text);
            let len = content.chars().count();
            // Underlined char range on this line.
            let (a, b) = if first == last {
                (
                    region.start.column.saturating_sub(1),
                    region.end.column.saturating_sub(1),
                )
            } else if line == first {
                (region.start.column.saturating_sub(1), len)
            } else {
                let indent = content.chars().take_while(|c| c.is_whitespace()).count();
                let end = if line == last {
                    region.end.column.saturating_sub(1)
                } else {
                    len
                };
                (indent.min(end), end)
            };
            let a = a.min(len);
            let b = b.clamp(a, len);
            rows.push(render_line(line, content, a, b));
        }
        Some(Frame { rows })
    }

    fn max_line(&self) -> usize {
        self.rows
            .iter()
            .filter_map(|r| match r {
                Row::Line { number, .. } => Some(*number),
                Row::Elided => None,
            })
            .max()
            .unwrap_or(1)
    }
}

/// Expands tabs and replaces unsafe chars in `content`, maps the char range `a..b` to display
/// columns, and truncates long lines around it. An empty range gets a single caret.
fn render_line(number: usize, content: &str, a: usize, b: usize) -> Row {
    let mut disp: Vec<char> = Vec::with_capacity(content.len());
    let (mut da, mut db) = (0, 0);
    for (i, c) in content.chars().enumerate() {
        if i == a {
            da = disp.len();
        }
        if i == b {
            db = disp.len();
        }
        match c {
            '\t' => disp.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
            c if is_unsafe_char(c) => disp.push('\u{FFFD}'),
            c => disp.push(c),
        }
    }
    let total = disp.len();
    let n = content.chars().count();
    if a >= n {
        da = total;
    }
    if b >= n {
        db = total;
    }
    let caret_len = db.saturating_sub(da).max(1);

    if total <= MAX_LINE_WIDTH {
        let text: String = disp.into_iter().collect();
        return Row::Line {
            number,
            text,
            caret_start: da,
            caret_len,
        };
    }
    // Window of MAX_LINE_WIDTH display columns showing the start of the span.
    let start = if da + caret_len.min(MAX_LINE_WIDTH - LEFT_CONTEXT) <= MAX_LINE_WIDTH {
        0
    } else {
        da.saturating_sub(LEFT_CONTEXT)
            .min(total.saturating_sub(MAX_LINE_WIDTH))
    };
    let end = (start + MAX_LINE_WIDTH).min(total);
    let mut text = String::new();
    let mut caret_start = da.saturating_sub(start);
    if start > 0 {
        text.push_str("...");
        caret_start += 3;
    }
    text.extend(disp.get(start..end).unwrap_or(&[]).iter());
    if end < total {
        text.push_str("...");
    }
    // Underline at most to the end of the window (plus the marker when the span goes on).
    let visible = end.saturating_sub(da).max(1);
    let caret_len = caret_len.min(visible);
    Row::Line {
        number,
        text,
        caret_start,
        caret_len,
    }
}

/// ANSI escape strings, all empty when colour is off.
struct Style {
    error: &'static str,
    warning: &'static str,
    note: &'static str,
    gutter: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Style {
    fn new(color: bool) -> Self {
        if color {
            Style {
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                note: "\x1b[1;32m",
                gutter: "\x1b[1;34m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Style {
                error: "",
                warning: "",
                note: "",
                gutter: "",
                bold: "",
                reset: "",
            }
        }
    }

    fn level(&self, s: Severity) -> &'static str {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Note => self.note,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(content: &str, a: usize, b: usize) -> (String, usize, usize) {
        match render_line(7, content, a, b) {
            Row::Line {
                text,
                caret_start,
                caret_len,
                ..
            } => (text, caret_start, caret_len),
            Row::Elided => unreachable!("render_line never elides"),
        }
    }

    #[test]
    fn tabs_expand_and_carets_follow() {
        let (t, s, l) = line("\tRUN\tx", 5, 6);
        assert_eq!(t, "    RUN    x");
        assert_eq!((s, l), (11, 1));
    }

    #[test]
    fn non_ascii_columns_are_chars() {
        let (t, s, l) = line("LABEL é=ü x", 6, 9);
        assert_eq!(t, "LABEL é=ü x");
        assert_eq!((s, l), (6, 3));
    }

    #[test]
    fn unsafe_chars_are_replaced_one_for_one() {
        let (t, s, l) = line("RUN \u{1b}[31m \u{202E}x", 11, 12);
        assert_eq!(t, "RUN \u{FFFD}[31m \u{FFFD}x");
        assert_eq!((s, l), (11, 1));
    }

    #[test]
    fn empty_span_gets_one_caret_even_at_line_end() {
        let (_, s, l) = line("FROM a", 6, 6);
        assert_eq!((s, l), (6, 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let content = format!("RUN {} secret {}", "a".repeat(200), "b".repeat(200));
        let a = 205;
        let (t, s, l) = line(&content, a, a + 6);
        assert!(t.starts_with("..."));
        assert!(t.ends_with("..."));
        assert_eq!(t.chars().count(), MAX_LINE_WIDTH + 6);
        let shown: String = t.chars().skip(s).take(l).collect();
        assert_eq!(shown, "secret");
    }

    #[test]
    fn long_line_span_near_start_is_not_cut_on_the_left() {
        let content = format!("RUN x {}", "c".repeat(300));
        let (t, s, l) = line(&content, 4, 5);
        assert!(t.starts_with("RUN x"));
        assert!(t.ends_with("..."));
        assert_eq!((s, l), (4, 1));
    }

    #[test]
    fn long_spans_are_clipped_to_the_window() {
        let content = "x".repeat(500);
        let (t, s, l) = line(&content, 0, 500);
        assert_eq!(s, 0);
        assert_eq!(l, MAX_LINE_WIDTH);
        assert!(t.ends_with("..."));
    }

    #[test]
    fn digits_counts() {
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(10), 2);
        assert_eq!(digits(12345), 5);
    }
}
