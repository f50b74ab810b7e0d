//! DF123: the legacy whitespace form `ENV key value` / `LABEL key value`. It allows only one
//! pair, the value runs to the end of the line, and it is deprecated.

use crate::dockerfile::InstructionKind;
use crate::finding::Fix;
use crate::lint::{Emitter, LintContext, RawFinding};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    for (_, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Env | InstructionKind::Label) {
            continue;
        }
        for pair in inst.pairs.iter().filter(|p| p.legacy) {
            let kw = inst.kind.as_str();
            let value = pair.value.as_deref().unwrap_or("");
            // a safe fix only when the value is one plain word
            let fix = pair.value_span.and_then(|vs| {
                let raw = vs.slice(text);
                let gap = Span::new(pair.key_span.end, vs.start);
                let plain = !raw.is_empty()
                    && !raw
                        .chars()
                        .any(|c| c.is_whitespace() || matches!(c, '"' | '\''));
                let gap_ok =
                    !gap.is_empty() && gap.slice(text).chars().all(|c| c == ' ' || c == '\t');
                (plain && gap_ok).then(|| Fix {
                    description: format!("write `{kw} {}={raw}`", pair.key),
                    span: gap,
                    replacement: "=".into(),
                })
            });
            out.emit_raw(RawFinding {
                rule: out.rule(),
                span: pair.span,
                message: format!(
                    "legacy `{kw} {} {value}` form is deprecated: write `{kw} {}={}`",
                    pair.key,
                    pair.key,
                    if value.chars().any(char::is_whitespace) {
                        format!("\"{value}\"")
                    } else {
                        value.to_string()
                    }
                ),
                severity: None,
                fingerprint_content: None,
                fix,
            });
        }
    }
}
