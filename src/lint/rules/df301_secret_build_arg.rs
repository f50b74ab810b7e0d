//! DF301: secret-like ARG without a value (the value passed with --build-arg lands in the
//! image history).

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::secrets_downloads::{
    reference_len, reference_name, secret_name, stage_number, with_onbuild,
};
use crate::lint::{Emitter, LintContext};

/// Names referenced by an ENV value.
fn env_refs(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < value.len() {
        let Some(rest) = value.get(i..) else { break };
        if let Some(n) = reference_len(rest) {
            if let Some(name) = rest.get(..n).and_then(reference_name) {
                out.push(name);
            }
            i += n;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let insts = &cx.df.instructions;
    let Some(first_from) = insts.iter().position(|i| i.kind == InstructionKind::From) else {
        return;
    };
    for (idx, top) in cx.instructions() {
        if idx < first_from {
            // Global ARGs are only visible to FROM lines unless a stage re-declares them.
            continue;
        }
        for inst in with_onbuild(top) {
            if inst.kind != InstructionKind::Arg {
                continue;
            }
            for p in inst.pairs.iter().filter(|p| p.value.is_none()) {
                let Some(s) = secret_name(&p.key) else {
                    continue;
                };
                let stage = stage_number(cx.df, idx);
                let later = insts
                    .iter()
                    .enumerate()
                    .skip(idx + 1)
                    .take_while(|(j, _)| stage_number(cx.df, *j) == stage);
                let mut runs = false;
                let mut env_copy: Option<String> = None;
                for (_, l) in later {
                    for li in with_onbuild(l) {
                        match li.kind {
                            InstructionKind::Run => runs = true,
                            InstructionKind::Env if env_copy.is_none() => {
                                env_copy = li
                                    .pairs
                                    .iter()
                                    .find(|e| {
                                        e.value.as_deref().is_some_and(|v| {
                                            env_refs(v).iter().any(|r| r == &p.key)
                                        })
                                    })
                                    .map(|e| e.key.clone());
                            }
                            _ => {}
                        }
                    }
                }
                // ONBUILD ARG runs in the child build, where RUNs follow.
                let onbuild = !std::ptr::eq(inst, top);
                if !(runs || env_copy.is_some() || onbuild) {
                    continue;
                }
                let mut msg = format!(
                    "ARG `{}` looks like it carries {}: a value passed with `--build-arg` is recorded in the image history of every later RUN (`docker history`)",
                    p.key,
                    s.with_article()
                );
                if let Some(e) = env_copy {
                    msg.push_str(&format!(
                        ", and ENV `{e}` copies it into the image configuration"
                    ));
                }
                msg.push_str("; use `RUN --mount=type=secret,id=…` instead");
                out.emit(p.span, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::env_refs;

    #[test]
    fn finds_env_references() {
        assert_eq!(env_refs("${A}:$B/%C%"), ["A", "B", "C"]);
        assert!(env_refs("literal").is_empty());
    }
}
