//! DF103: instruction keywords must be all upper or all lower case, and follow the file's
//! majority (ties count as upper case), like BuildKit's ConsistentInstructionCasing.

use crate::lint::{Emitter, LintContext};

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
            out.emit(
                inst.keyword_span,
                format!(
                    "`{k}` mixes upper and lower case: write `{want}` like the rest of the file"
                ),
            );
        } else if majority_lower && k == k.to_ascii_uppercase() && k != k.to_ascii_lowercase() {
            out.emit(
                inst.keyword_span,
                format!(
                    "`{k}` is upper case while most instructions are lower case: write `{}`",
                    k.to_ascii_lowercase()
                ),
            );
        } else if !majority_lower && k == k.to_ascii_lowercase() && k != k.to_ascii_uppercase() {
            out.emit(
                inst.keyword_span,
                format!(
                    "`{k}` is lower case while most instructions are upper case: write `{}`",
                    k.to_ascii_uppercase()
                ),
            );
        }
    }
}
