//! Dockerfile-level facts: cache mounts, ENV in a stage, stages that reach the final image.

use super::*;

/// `target=` (or `dst=`/`destination=`) paths of `RUN --mount=type=cache,...` flags.
pub fn cache_mount_targets(inst: &crate::dockerfile::Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for f in inst.flags_named("mount") {
        let Some(v) = &f.value else { continue };
        let mut is_cache = false;
        let mut target = None;
        for part in v.split(',') {
            let (k, val) = part.split_once('=').unwrap_or((part, ""));
            match k.trim().to_ascii_lowercase().as_str() {
                "type" => is_cache = val.trim().eq_ignore_ascii_case("cache"),
                "target" | "dst" | "destination" => {
                    target = Some(val.trim().trim_end_matches('/').to_string())
                }
                _ => {}
            }
        }
        if let (true, Some(t)) = (is_cache, target) {
            out.push(t);
        }
    }
    out
}

/// Whether a cache mount of `inst` covers `path` (the mount target is `path` or a parent of it).
pub fn cache_mount_covers(inst: &crate::dockerfile::Instruction, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    cache_mount_targets(inst).iter().any(|t| {
        !t.is_empty()
            && (t == path
                || path
                    .strip_prefix(t.as_str())
                    .is_some_and(|r| r.starts_with('/')))
    })
}

/// Stage indices from `stage` up its `FROM <earlier stage>` chain (bounded).
pub(super) fn stage_chain(cx: &LintContext<'_>, stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    let mut cur = stage;
    while let Some(p) = cx.model.stages.get(cur).and_then(|s| s.parent_stage) {
        if out.contains(&p) || out.len() > cx.model.stages.len() {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

/// Whether an `ENV key=…` (case-sensitive key) is in effect at instruction `idx`: set earlier in
/// its stage or in a stage it is built `FROM`.
pub fn env_set_at(cx: &LintContext<'_>, idx: usize, key: &str) -> bool {
    let Some(stage) = cx.model.stage_of.get(idx).copied().flatten() else {
        return false;
    };
    stage_chain(cx, stage).into_iter().any(|s| {
        let Some(st) = cx.model.stages.get(s) else {
            return false;
        };
        let end = if s == stage { idx } else { st.end };
        cx.df
            .instructions
            .get(st.from..end.min(cx.df.instructions.len()))
            .unwrap_or(&[])
            .iter()
            .filter(|i| i.kind == InstructionKind::Env)
            .any(|i| {
                i.pairs
                    .iter()
                    .any(|p| p.key == key && p.value.as_deref().is_some_and(|v| !v.is_empty()))
            })
    })
}

/// For every stage: whether its layers end up in the final image (the final stage and the stages
/// it is built `FROM`). Without a stage model every stage counts as shipped.
pub fn shipped_stages(cx: &LintContext<'_>) -> Vec<bool> {
    let n = cx.model.stages.len();
    let Some(fin) = cx.model.final_stage else {
        return vec![true; n];
    };
    let mut out = vec![false; n];
    for s in stage_chain(cx, fin) {
        if let Some(x) = out.get_mut(s) {
            *x = true;
        }
    }
    out
}

/// Whether the instruction of `script` belongs to a stage whose layers are shipped.
pub fn script_shipped(shipped: &[bool], script: &ShellScript<'_>) -> bool {
    script
        .stage
        .is_none_or(|s| shipped.get(s).copied().unwrap_or(true))
}

/// Text bodies of heredocs attached to COPY/ADD instructions whose destination (last word)
/// ends with one of `suffixes` (case-insensitive): `(body, body file span start)`.
pub fn copied_heredocs<'a>(cx: &LintContext<'a>, suffixes: &[&str]) -> Vec<(&'a str, usize)> {
    let mut out = Vec::new();
    for (_, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
            || inst.heredocs.is_empty()
        {
            continue;
        }
        let dest = inst.words.last().map(|w| w.text.as_str()).unwrap_or("");
        if !ends_with_ci(dest, suffixes) {
            continue;
        }
        for h in &inst.heredocs {
            out.push((h.body.as_str(), h.body_span.start));
        }
    }
    out
}

/// Data heredocs of a RUN (bodies fed to `cat`, `tee`, … rather than run as the script), with
/// the logical text to map offsets back to the file.
pub fn run_data_heredocs(script: &ShellScript<'_>) -> Vec<Logical> {
    script
        .inst
        .heredocs
        .iter()
        .map(|h| Logical {
            text: h.body.clone(),
            segments: vec![(0, h.body_span.start)],
        })
        .collect()
}

/// File span of a byte range of a plain text that starts at file offset `base`.
pub fn span_at(base: usize, range: std::ops::Range<usize>) -> Span {
    Span::new(base + range.start, base + range.end)
}

/// `a`, `a and b`, `a, b and 2 more` for messages.
pub fn list_for_message(items: &[String]) -> String {
    const SHOWN: usize = 4;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => shown.join(""),
        n if n <= SHOWN => {
            let (last, first) = shown
                .split_last()
                .map_or((String::new(), &[][..]), |(l, f)| (l.clone(), f));
            format!("{} and {last}", first.join(", "))
        }
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}
