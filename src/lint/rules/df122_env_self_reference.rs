//! DF122: an ENV value references a variable set earlier in the same ENV instruction.
//! BuildKit expands all values of one ENV against the environment *before* the instruction,
//! so `ENV A=1 B=$A` sets B to the old value of A (usually empty), not `1`.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::general::var_refs;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    for (idx, inst) in cx.instructions_of(InstructionKind::Env) {
        if inst.pairs.len() < 2 {
            continue;
        }
        let windows = cx.os_at(idx) == Os::Windows;
        let same = |a: &str, b: &str| {
            if windows {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        for (j, pair) in inst.pairs.iter().enumerate() {
            let Some(vs) = pair.value_span else { continue };
            let raw = vs.slice(text);
            for r in var_refs(raw, cx.df.escape) {
                let Some(earlier) = inst.pairs.iter().take(j).find(|p| same(&p.key, &r.name))
                else {
                    continue;
                };
                let at = Span::new(vs.start + r.range.start, vs.start + r.range.end);
                let val = earlier.value.as_deref().unwrap_or("");
                out.emit(
                    at,
                    format!(
                        "`{}` refers to `{}`, which this same ENV sets: it expands to the value from before this instruction, not `{val}`; set `{}` in an earlier ENV",
                        raw.get(r.range.clone()).unwrap_or(&r.name),
                        earlier.key,
                        earlier.key
                    ),
                );
            }
        }
    }
}
