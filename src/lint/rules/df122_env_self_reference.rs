//! DF122: an ENV value references a variable set earlier in the same ENV instruction.
//! BuildKit expands all values of one ENV against the environment *before* the instruction,
//! so `ENV A=1 B=$A` sets B to the old value of A (usually empty), not `1`. Variables that were
//! already set earlier (ENV or ARG in this stage or a parent stage) are not reported: there the
//! old value may be the intended one.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::general::{stage_chain, stage_instructions, var_refs};
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
        // variables set before this ENV (in this stage or its parent stages): a reference to
        // their previous value may be intended, so only never-set variables are reported
        let stage = cx.model.stage_of.get(idx).copied().flatten();
        let chain = stage.map(|s| stage_chain(cx.model, s)).unwrap_or_default();
        let set_before = |name: &str| {
            chain
                .iter()
                .filter_map(|s| cx.model.stages.get(*s))
                .any(|st| {
                    stage_instructions(cx.df, st)
                        .take_while(|(i, _)| *i < idx)
                        .filter(|(_, i)| {
                            matches!(i.kind, InstructionKind::Env | InstructionKind::Arg)
                        })
                        .any(|(_, i)| i.pairs.iter().any(|p| same(&p.key, name)))
                })
        };
        for (j, pair) in inst.pairs.iter().enumerate() {
            let Some(vs) = pair.value_span else { continue };
            let raw = vs.slice(text);
            for r in var_refs(raw, cx.df.escape) {
                let Some(earlier) = inst.pairs.iter().take(j).find(|p| same(&p.key, &r.name))
                else {
                    continue;
                };
                if set_before(&r.name) {
                    continue;
                }
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
