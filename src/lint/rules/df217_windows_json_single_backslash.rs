//! DF217: single `\` in exec-form JSON on Windows.

use crate::dockerfile::stages::Os;
use crate::dockerfile::{Form, InstructionKind};
use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

fn escape_name(c: char) -> &'static str {
    match c {
        't' => "a tab",
        'n' => "a newline",
        'b' => "a backspace",
        'f' => "a form feed",
        _ => "a carriage return",
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    for (idx, inst) in cx.instructions() {
        if cx.os_at(idx) != Os::Windows {
            continue;
        }
        if let Some(fb) = &inst.json_fallback {
            let raw = fb.span.slice(text);
            if fb.reason.to_ascii_lowercase().contains("escape") && raw.contains('\\') {
                out.emit(
                    fb.span,
                    format!("exec-form JSON is not valid ({}), so BuildKit silently runs the line in shell form through the shell; write `\\\\` (or `/`) for Windows paths in JSON strings", fb.reason),
                );
                continue;
            }
        }
        let words: Vec<&crate::dockerfile::Word> = match (&inst.form, inst.kind) {
            (Form::Exec(ws), _) => ws.iter().collect(),
            (_, InstructionKind::Copy | InstructionKind::Add | InstructionKind::Volume)
                if inst.args.text.trim_start().starts_with('[') =>
            {
                inst.words.iter().collect()
            }
            _ => continue,
        };
        for wd in words {
            let raw = wd.span.slice(text);
            if let Some((off, c)) = w::path_control_escape(raw) {
                out.emit(
                    Span::new(wd.span.start + off, wd.span.start + off + 2),
                    format!("`\\{c}` in the JSON string {raw} is decoded as {}, not a path separator; write `\\\\` (or `/`) in exec-form paths", escape_name(c)),
                );
            }
        }
    }
}
