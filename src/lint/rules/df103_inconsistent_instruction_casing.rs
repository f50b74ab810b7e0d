//! DF103: instruction keywords must be all upper or all lower case, and follow the file's
//! majority (ties count as upper case), like BuildKit's ConsistentInstructionCasing.

use crate::finding::Fix;
use crate::lint::{Emitter, LintContext, RawFinding};
use crate::source::Span;

/// Emits the finding with the fix that rewrites the keyword as `want` (same letters, so the
/// replacement is always correct).
fn emit(out: &mut Emitter, span: Span, want: String, message: String) {
    out.emit_raw(RawFinding {
        rule: out.rule(),
        span,
        message,
        severity: None,
        fingerprint_content: None,
        fix: Some(Fix {
            description: format!("write `{want}`"),
            span,
            replacement: want,
        }),
    });
}

fn self_consistent(k: &str) -> bool {
    k == k.to_ascii_lowercase() || k == k.to_ascii_uppercase()
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let (mut lower, mut upper) = (0usize, 0usize);
    for inst in &cx.df.instructions {
        let k = inst.keyword.as_str();
        if self_consistent(k) {
            if k == k.to_ascii_lowercase() {
                lower += 1;
            } else {
                upper += 1;
            }
        }
    }
    let majority_lower = lower > upper;
    for inst in &cx.df.instructions {
        let k = inst.keyword.as_str();
        if k.is_empty() {
            continue;
        }
        if !self_consistent(k) {
            let want = if majority_lower {
                k.to_ascii_lowercase()
            } else {
                k.to_ascii_uppercase()
            };
            let message =
                format!("`{k}` mixes upper and lower case: write `{want}` like the rest of the file");
            emit(out, inst.keyword_span, want, message);
        } else if majority_lower && k == k.to_ascii_uppercase() && k != k.to_ascii_lowercase() {
            let want = k.to_ascii_lowercase();
            let message = format!(
                "`{k}` is upper case while most instructions are lower case: write `{want}`"
            );
            emit(out, inst.keyword_span, want, message);
        } else if !majority_lower && k == k.to_ascii_lowercase() && k != k.to_ascii_uppercase() {
            let want = k.to_ascii_uppercase();
            let message = format!(
                "`{k}` is lower case while most instructions are upper case: write `{want}`"
            );
            emit(out, inst.keyword_span, want, message);
        }
    }
}
