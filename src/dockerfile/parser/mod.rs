//! BuildKit-exact, lossless, error-recovering Dockerfile parser.
//!
//! The line reader follows `frontend/dockerfile/parser/parser.go` of BuildKit (`Parse`,
//! `processLine`, `trimContinuationCharacter`, directives), the argument parsers follow
//! `line_parsers.go` and `split_command.go`, and the DF100 checks follow the instruction layer
//! (`frontend/dockerfile/instructions`). Where BuildKit stops at the first error, this parser
//! reports a diagnostic and goes on with the next line.
//!
//! Deliberate differences from BuildKit (documented, not accidental):
//! - BuildKit's byte-wise whitespace tests in flag extraction treat the UTF-8 continuation
//!   bytes 0x85/0xA0 as spaces; this parser works on characters.
//! - A comment indented with whitespace has the text after `#` (BuildKit keeps the `#`).
//! - Heredoc bodies use `\n` line ends (BuildKit keeps `\r\n` of CRLF files) and have `<<-`
//!   tab stripping applied (BuildKit applies it later, in the instruction layer).

mod flags;
mod heredoc;
mod instruction;
mod json;
mod split;

use super::model::*;
use crate::source::{LineIndex, Span};
use instruction::Diags;

/// BuildKit reads lines with `bufio.Scanner`, whose buffer holds at most 64 KiB.
const MAX_LINE: usize = 65_535;

/// A physical line.
#[derive(Debug, Clone, Copy)]
struct PLine {
    /// Start of the line's content (after the BOM on the first line).
    start: usize,
    /// End of the content: trailing `\r` and `\n` removed (BuildKit's `trimNewline`).
    end: usize,
    /// Offset of the terminating `\n`, or the text length.
    nl: usize,
    /// Start of the raw line (0 for the first line even with a BOM).
    raw_start: usize,
}

fn split_lines(text: &str, bom: bool) -> Vec<PLine> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 32 + 1);
    let mut raw_start = 0;
    loop {
        let nl = b
            .get(raw_start..)
            .and_then(|s| s.iter().position(|c| *c == b'\n'))
            .map_or(b.len(), |p| raw_start + p);
        let start = if raw_start == 0 && bom {
            3.min(nl)
        } else {
            raw_start
        };
        let mut end = nl;
        while end > start && matches!(b.get(end - 1), Some(b'\r' | b'\n')) {
            end -= 1;
        }
        if !(nl == b.len() && raw_start == b.len() && raw_start != 0) {
            out.push(PLine {
                start,
                end,
                nl,
                raw_start,
            });
        }
        if nl >= b.len() {
            break;
        }
        raw_start = nl + 1;
    }
    out
}

/// Builds a [`Logical`] from file ranges, merging contiguous ones.
#[derive(Default)]
struct LogicalBuilder {
    l: Logical,
}

impl LogicalBuilder {
    fn push(&mut self, text: &str, from: usize, to: usize) {
        let Some(piece) = text.get(from..to) else {
            return;
        };
        if piece.is_empty() {
            return;
        }
        let lo = self.l.text.len();
        let contiguous = self
            .l
            .segments
            .last()
            .is_some_and(|&(ls, fs)| fs + (lo - ls) == from);
        if !contiguous {
            self.l.segments.push((lo, from));
        }
        self.l.text.push_str(piece);
    }

    fn finish(mut self, anchor: usize) -> Logical {
        if self.l.segments.is_empty() {
            self.l.segments.push((0, anchor));
        }
        self.l
    }
}

/// The part `a..b` of a logical text, with its own segment map.
pub(super) fn sub_logical(l: &Logical, a: usize, b: usize) -> Logical {
    let text = l.text.get(a..b).unwrap_or("").to_string();
    let mut segments = Vec::new();
    let first = match l.segments.binary_search_by(|(ls, _)| ls.cmp(&a)) {
        Ok(i) => i,
        Err(0) => 0,
        Err(i) => i - 1,
    };
    for (k, &(ls, fs)) in l.segments.iter().enumerate().skip(first) {
        let next = l.segments.get(k + 1).map_or(usize::MAX, |s| s.0);
        let lo = ls.max(a);
        let hi = next.min(b);
        if lo >= b {
            break;
        }
        if lo < hi || segments.is_empty() {
            segments.push((lo - a, fs + (lo - ls)));
        }
    }
    if segments.is_empty() {
        segments.push((0, l.to_file(a)));
    }
    Logical { text, segments }
}

/// `# key=value` per BuildKit's directive regex `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`,
/// applied to a line whose leading whitespace is already trimmed. Returns the lowercased key
/// (known keys only) and the value's byte range within `line`.
fn directive_of(line: &str) -> Option<(String, usize, usize)> {
    let go_space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let rest = line.strip_prefix('#')?;
    let body = rest.trim_start();
    let mut pos = line.len() - body.len();
    let key_len = body
        .char_indices()
        .take_while(|(i, c)| {
            if *i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric()
            }
        })
        .count();
    if key_len == 0 {
        return None;
    }
    let key = body.get(..key_len)?.to_ascii_lowercase();
    if !matches!(key.as_str(), "syntax" | "escape" | "check") {
        return None;
    }
    pos += key_len;
    let after_key = line.get(pos..)?;
    let t = after_key.trim_start_matches(go_space);
    pos += after_key.len() - t.len();
    let r = t.strip_prefix('=')?;
    pos += 1;
    let lead = r.len() - r.trim_start_matches(go_space).len();
    let trimmed = r.trim_matches(go_space);
    if !trimmed.is_empty() {
        return Some((key, pos + lead, pos + lead + trimmed.len()));
    }
    if r.is_empty() {
        return None;
    }
    // Only whitespace after `=`: the lazy group takes the last whitespace character.
    let last = r.char_indices().last().map_or(0, |(i, _)| i);
    Some((key, pos + last, pos + r.len()))
}

/// BuildKit's continuation regex: the line ends with the escape token followed only by spaces
/// and tabs, and the token is either the first character or not preceded by another escape
/// token. Returns where the kept text ends and whether the line continues.
fn continuation(text: &str, from: usize, to: usize, escape: char) -> (usize, bool) {
    let s = text.get(from..to).unwrap_or("");
    let t = s.trim_end_matches([' ', '\t']);
    if !t.ends_with(escape) {
        return (to, false);
    }
    let e_pos = from + t.len() - escape.len_utf8();
    if e_pos == from {
        return (e_pos, true);
    }
    match text.get(from..e_pos).and_then(|p| p.chars().last()) {
        Some(c) if c == escape => (to, false),
        _ => (e_pos, true),
    }
}

struct State<'t> {
    text: &'t str,
    diags: Vec<ParseDiagnostic>,
    comments: Vec<Comment>,
    directives_done: bool,
}

impl State<'_> {
    fn comment(&mut self, line: PLine, hash_at: usize) -> Comment {
        let text = self
            .text
            .get(hash_at + 1..line.end)
            .unwrap_or("")
            .trim()
            .to_string();
        let c = Comment {
            text,
            span: Span::new(line.start, line.end),
        };
        if self.directives_done {
            let lead = self.text.get(hash_at..line.end).unwrap_or("");
            if let Some((key, _, _)) = directive_of(lead) {
                self.diags.push(ParseDiagnostic {
                    rule: ParseRule::Df101,
                    message: format!(
                        "parser directive `{key}` ignored: not in the leading directive block (directives must come before any comment, blank line or instruction)"
                    ),
                    span: c.span,
                });
            }
        }
        self.comments.push(c.clone());
        c
    }
}

/// Parses a Dockerfile. Never fails and never panics: problems are reported in
/// [`Dockerfile::diagnostics`] and parsing continues with the next line.
pub fn parse(text: &str) -> Dockerfile {
    let bom = text.starts_with('\u{feff}');
    let lines = split_lines(text, bom);
    let mut st = State {
        text,
        diags: Vec::new(),
        comments: Vec::new(),
        directives_done: false,
    };
    for l in &lines {
        if l.nl - l.raw_start > MAX_LINE {
            st.diags.push(ParseDiagnostic {
                rule: ParseRule::Df100,
                message: format!(
                    "dockerfile line greater than max allowed size of {MAX_LINE} ({} bytes); BuildKit refuses the file",
                    l.nl - l.raw_start
                ),
                span: Span::new(l.start, l.end),
            });
        }
    }
    let mut escape = '\\';
    let mut directives: Vec<Directive> = Vec::new();
    let mut pending: Vec<Comment> = Vec::new();
    let mut instructions: Vec<Instruction> = Vec::new();
    let mut i = 0;
    while let Some(&pl) = lines.get(i) {
        let content = text.get(pl.start..pl.end).unwrap_or("");
        let lead_at = pl.start + (content.len() - content.trim_start().len());
        let lead = text.get(lead_at..pl.end).unwrap_or("");
        if !st.directives_done {
            if let Some((key, v0, v1)) = directive_of(lead) {
                let value = lead.get(v0..v1).unwrap_or("").to_string();
                let span = Span::new(pl.start, pl.end);
                let value_span = Span::new(lead_at + v0, lead_at + v1);
                if directives.iter().any(|d| d.name == key) {
                    st.diags.push(ParseDiagnostic {
                        rule: ParseRule::Df101,
                        message: format!("only one {key} parser directive can be used (BuildKit refuses the file)"),
                        span,
                    });
                } else if key == "escape" {
                    match value.as_str() {
                        "`" => escape = '`',
                        "\\" => escape = '\\',
                        _ => st.diags.push(ParseDiagnostic {
                            rule: ParseRule::Df101,
                            message: format!(
                                "invalid escape token '{value}' does not match ` or \\ (BuildKit refuses the file; `\\` is used)"
                            ),
                            span: value_span,
                        }),
                    }
                }
                directives.push(Directive {
                    name: key,
                    value,
                    span,
                    value_span,
                });
                i += 1;
                continue;
            }
            st.directives_done = true;
        }
        if lead.starts_with('#') {
            let c = st.comment(pl, lead_at);
            if c.text.is_empty() {
                pending.clear();
            } else {
                pending.push(c);
            }
            i += 1;
            continue;
        }
        let (piece_end, mut cont) = continuation(text, lead_at, pl.end, escape);
        if !cont && piece_end == lead_at {
            i += 1;
            continue;
        }
        // One instruction: this line plus its continuation lines.
        let mut lb = LogicalBuilder::default();
        lb.push(text, lead_at, piece_end);
        let mut last = pl;
        let mut empties = Vec::new();
        i += 1;
        while cont {
            let Some(&cl) = lines.get(i) else { break };
            i += 1;
            last = cl;
            let c_content = text.get(cl.start..cl.end).unwrap_or("");
            let c_lead = c_content.trim_start();
            if c_lead.starts_with('#') {
                let hash_at = cl.end - c_lead.len();
                st.comment(cl, hash_at);
                continue;
            }
            if c_lead.is_empty() {
                let span = Span::new(cl.start, cl.end);
                empties.push(span);
                st.diags.push(ParseDiagnostic {
                    rule: ParseRule::Df102,
                    message: "empty continuation line (BuildKit warns; this will become an error)"
                        .to_string(),
                    span,
                });
                continue;
            }
            let (pe, c) = continuation(text, cl.start, cl.end, escape);
            cont = c;
            lb.push(text, cl.start, pe);
        }
        let logical = lb.finish(lead_at);
        let built = instruction::build(&logical, escape, &mut Diags { out: &mut st.diags }, 0);
        let mut inst = built.inst;
        inst.span = Span::new(inst.keyword_span.start.min(last.end), last.end);
        inst.full_span = inst.span;
        if let Some(sub) = inst.onbuild.as_deref_mut() {
            sub.span = Span::new(sub.span.start.min(last.end), last.end);
            sub.full_span = sub.span;
        }
        inst.leading_comments = std::mem::take(&mut pending);
        inst.empty_continuation_lines = empties;

        // Heredocs: RUN / COPY / ADD (also as ONBUILD trigger), not in JSON form.
        let target_kind = match (&inst.kind, inst.onbuild.as_deref()) {
            (InstructionKind::Onbuild, Some(sub)) => sub.kind,
            (k, _) => *k,
        };
        if matches!(
            target_kind,
            InstructionKind::Run | InstructionKind::Copy | InstructionKind::Add
        ) && !built.json
            && logical.text.contains("<<")
        {
            let (markers, errors) = heredoc::markers(&logical.text);
            for (e, s, t) in errors {
                st.diags.push(ParseDiagnostic {
                    rule: ParseRule::Df100,
                    message: e,
                    span: logical.span(s, t),
                });
            }
            let mut heredocs = Vec::with_capacity(markers.len());
            let mut end = inst.span.end;
            let mut reported = false;
            for m in markers {
                let marker_span = logical.span(m.start, m.end);
                let mut body = LogicalBuilder::default();
                let mut body_span: Option<Span> = None;
                let mut end_span = None;
                while let Some(&hl) = lines.get(i) {
                    i += 1;
                    let line = text.get(hl.start..hl.end).unwrap_or("");
                    let cmp = if m.chomp {
                        line.trim_start_matches('\t')
                    } else {
                        line
                    };
                    if cmp == m.name {
                        end_span = Some(Span::new(hl.start, hl.end));
                        end = hl.end;
                        break;
                    }
                    let from = hl.end - cmp.len();
                    body.push(text, from, hl.end);
                    if hl.nl < text.len() {
                        body.push(text, hl.nl, hl.nl + 1);
                    }
                    body_span = Some(
                        body_span
                            .map_or(Span::new(hl.start, hl.end), |s| Span::new(s.start, hl.end)),
                    );
                    end = hl.end;
                }
                let terminated = end_span.is_some();
                let end_span = end_span.unwrap_or(Span::empty(text.len()));
                if !terminated && !reported {
                    reported = true;
                    let written = marker_span
                        .slice(text)
                        .trim_start_matches(|c: char| c.is_ascii_digit());
                    st.diags.push(ParseDiagnostic {
                        rule: ParseRule::Df100,
                        message: format!(
                            "unterminated heredoc {written}: no line `{}` ends it",
                            m.name
                        ),
                        span: marker_span,
                    });
                }
                let body_span = body_span.unwrap_or(Span::empty(end_span.start));
                let body_logical = body.finish(body_span.start);
                heredocs.push(Heredoc {
                    name: m.name,
                    fd: m.fd,
                    chomp: m.chomp,
                    expand: m.expand,
                    body: body_logical.text.clone(),
                    marker_span,
                    body_span,
                    end_span,
                    body_logical,
                });
            }
            inst.full_span = Span::new(inst.span.start, end.max(inst.span.end));
            match inst.onbuild.as_deref_mut() {
                Some(sub) if inst.kind == InstructionKind::Onbuild => {
                    sub.full_span = Span::new(sub.span.start, inst.full_span.end);
                    sub.heredocs = heredocs;
                }
                _ => inst.heredocs = heredocs,
            }
        }
        instructions.push(inst);
    }

    if instructions.is_empty() {
        st.diags.push(ParseDiagnostic {
            rule: ParseRule::Df100,
            message: "file with no instructions".to_string(),
            span: Span::empty(0),
        });
    } else if let Some(first) = instructions
        .iter()
        .take_while(|i| i.kind != InstructionKind::From)
        .find(|i| !matches!(i.kind, InstructionKind::Arg | InstructionKind::Unknown))
    {
        st.diags.push(ParseDiagnostic {
            rule: ParseRule::Df100,
            message: format!(
                "{} before the first FROM: no build stage in current context (only ARG may precede FROM)",
                first.kind.as_str()
            ),
            span: first.keyword_span,
        });
    }
    st.diags.sort_by_key(|d| (d.span.start, d.span.end));

    Dockerfile {
        bom,
        escape,
        directives,
        instructions,
        comments: st.comments,
        diagnostics: st.diags,
        lines: LineIndex::new(text),
    }
}

#[cfg(test)]
mod tests;
