//! DF202: with the default `\` escape, a Windows path ending in `\` joins the next line.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::Os;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if cx.df.escape != '\\' {
        return;
    }
    let text = cx.text();
    for (idx, inst) in cx.instructions() {
        if cx.os_at(idx) != Os::Windows {
            continue;
        }
        let Some(seg) = text.get(inst.span.start..inst.span.end) else {
            continue;
        };
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut off = inst.span.start;
        for l in seg.split('\n') {
            lines.push((off, l.strip_suffix('\r').unwrap_or(l)));
            off += l.len() + 1;
        }
        for (i, (start, line)) in lines.iter().enumerate() {
            let t = line.trim_end();
            let Some(body) = t.strip_suffix('\\') else {
                continue;
            };
            if body.ends_with('\\') {
                continue;
            }
            let path_char = body.chars().last().is_some_and(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, ':' | '.' | '_' | '-' | '%' | '}' | '~' | '$')
            });
            if !path_char {
                continue;
            }
            let next = lines.get(i + 1..).unwrap_or(&[]).iter().find(|(_, l)| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            });
            let Some((_, next)) = next else { continue };
            let kw = next.split_whitespace().next().unwrap_or("");
            if InstructionKind::from_keyword(kw) == InstructionKind::Unknown {
                continue;
            }
            let tok_start = body
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(p, c)| p + c.len_utf8());
            let span = Span::new(start + tok_start, start + t.len());
            let word = t.get(tok_start..).unwrap_or(t);
            out.emit(
                span,
                format!(
                    "`{word}` ends the line with the escape character, so the next line (`{}`) is joined into this {} instead of running as its own instruction; add `# escape=`` as the first line or write the path with `/` or without the trailing `\\`",
                    next.trim(),
                    inst.kind.as_str()
                ),
            );
        }
    }
}
