//! The external images a Dockerfile pulls: every `FROM` that is not an earlier stage or
//! `scratch`, `COPY --from=<image>` and `RUN --mount=…,from=<image>`, with ARGs resolved.

use std::collections::BTreeMap;

use serde::Serialize;

use super::reference::{ImageRef, RefError};
use crate::dockerfile::expand::expand;
use crate::dockerfile::stages::StageModel;
use crate::dockerfile::{Dockerfile, InstructionKind};
use crate::source::Span;

/// How an image enters the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UseKind {
    From,
    CopyFrom,
    MountFrom,
}

/// One external image reference in a Dockerfile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageUse {
    pub kind: UseKind,
    /// Index of the instruction (FROM / COPY / RUN).
    pub instruction: usize,
    /// Stage the instruction belongs to (for FROM: the stage it starts).
    pub stage: Option<usize>,
    /// The reference as written (may contain `${VAR}`).
    pub raw: String,
    /// File span of the reference as written.
    pub span: Span,
    /// After ARG expansion; `None` when a variable has no value.
    pub expanded: Option<String>,
    /// Variables that had no value.
    pub unresolved: Vec<String>,
    /// The parsed reference, or why it does not parse.
    #[serde(skip)]
    pub reference: Option<Result<ImageRef, RefError>>,
}

impl ImageUse {
    pub fn image(&self) -> Option<&ImageRef> {
        self.reference.as_ref().and_then(|r| r.as_ref().ok())
    }
}

/// Variables visible to FROM: global ARG defaults overridden by build args, plus the automatic
/// platform ARGs BuildKit always defines.
fn global_env(
    model: &StageModel,
    build_args: &BTreeMap<String, String>,
) -> BTreeMap<String, Option<String>> {
    let mut env = BTreeMap::new();
    for a in &model.global_args {
        let v = build_args
            .get(&a.name)
            .cloned()
            .or_else(|| a.default.clone());
        env.insert(a.name.clone(), v);
    }
    env
}

fn resolve(
    raw: &str,
    escape: char,
    env: &BTreeMap<String, Option<String>>,
) -> (Option<String>, Vec<String>) {
    if !raw.contains('$') {
        return (Some(raw.to_string()), Vec::new());
    }
    let lookup = |name: &str| env.get(name).cloned().flatten();
    let e = expand(raw, escape, &lookup);
    let mut unresolved = e.unset.clone();
    for (k, v) in env {
        if v.is_none() && raw.contains(k.as_str()) && !unresolved.contains(k) {
            unresolved.push(k.clone());
        }
    }
    unresolved.sort();
    unresolved.dedup();
    if e.error.is_some() || !unresolved.is_empty() || e.value.is_empty() {
        (None, unresolved)
    } else {
        (Some(e.value), unresolved)
    }
}

fn is_stage_ref(model: &StageModel, name: &str, before_stage: Option<usize>) -> bool {
    match model.stage_by_name(name) {
        Some(s) => before_stage.is_none_or(|cur| s.index <= cur),
        None => false,
    }
}

/// Collects every external image reference of a parsed Dockerfile.
pub fn collect(
    df: &Dockerfile,
    model: &StageModel,
    build_args: &BTreeMap<String, String>,
) -> Vec<ImageUse> {
    let env = global_env(model, build_args);
    let mut out = Vec::new();
    for stage in &model.stages {
        if stage.parent_stage.is_some() {
            continue;
        }
        let (expanded, unresolved) = match &stage.base {
            Some(b) => (Some(b.clone()), Vec::new()),
            None => resolve(&stage.base_raw, df.escape, &env),
        };
        if expanded
            .as_deref()
            .is_some_and(|b| b.eq_ignore_ascii_case("scratch"))
        {
            continue;
        }
        // An expanded base that names an earlier stage is a stage reference, not an image.
        if let Some(b) = &expanded
            && model
                .stage_by_name(b)
                .is_some_and(|s| s.index < stage.index)
        {
            continue;
        }
        let reference = expanded.as_deref().map(ImageRef::parse);
        out.push(ImageUse {
            kind: UseKind::From,
            instruction: stage.from,
            stage: Some(stage.index),
            raw: stage.base_raw.clone(),
            span: stage.base_span,
            expanded,
            unresolved,
            reference,
        });
    }
    for (idx, inst) in df.instructions.iter().enumerate() {
        let stage = model.stage_of.get(idx).copied().flatten();
        let mut push = |kind: UseKind, raw: &str, span: Span| {
            if is_stage_ref(model, raw, stage) {
                return;
            }
            let (expanded, unresolved) = resolve(raw, df.escape, &env);
            if let Some(e) = &expanded
                && (is_stage_ref(model, e, stage) || e.eq_ignore_ascii_case("scratch"))
            {
                return;
            }
            let reference = expanded.as_deref().map(ImageRef::parse);
            out.push(ImageUse {
                kind,
                instruction: idx,
                stage,
                raw: raw.to_string(),
                span,
                expanded,
                unresolved,
                reference,
            });
        };
        match inst.kind {
            InstructionKind::Copy | InstructionKind::Add => {
                for f in inst.flags_named("from") {
                    if let (Some(v), Some(sp)) = (&f.value, f.value_span) {
                        push(UseKind::CopyFrom, v, sp);
                    }
                }
            }
            InstructionKind::Run => {
                for f in inst.flags_named("mount") {
                    let (Some(v), Some(sp)) = (&f.value, f.value_span) else {
                        continue;
                    };
                    let mut offset = 0;
                    for field in v.split(',') {
                        let here = offset;
                        offset += field.len() + 1;
                        if let Some((k, val)) = field.split_once('=')
                            && k.trim().eq_ignore_ascii_case("from")
                            && !val.is_empty()
                        {
                            let start = sp.start + here + k.len() + 1;
                            let span = if sp.end - sp.start == v.len() {
                                Span::new(start, start + val.len())
                            } else {
                                sp
                            };
                            push(UseKind::MountFrom, val, span);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|u| (u.span.start, u.instruction));
    out
}
