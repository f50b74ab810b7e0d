//! DF117: a FROM line (image or `--platform`) uses a variable that no global ARG declares, or
//! the ARG defaults expand to an invalid image reference (like BuildKit's UndefinedArgInFrom
//! and InvalidDefaultArgInFrom). Automatic platform ARGs are always defined; references with a
//! fallback (`${X:-alpine}`) are fine even if X is undeclared.

use std::collections::BTreeMap;

use crate::dockerfile::expand::expand;
use crate::lint::helpers::general::{
    AUTOMATIC_ARGS, automatic_arg_value, flag_exact, valid_image_reference, var_refs,
};
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

/// Global ARGs declared before instruction `before`, with their defaults expanded in order
/// (a default may use earlier ARGs, `ARG TAG=${TAG:-3.20}`). `None` = declared without default.
fn resolved_defaults(cx: &LintContext<'_>, before: usize) -> BTreeMap<String, Option<String>> {
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    for a in cx
        .model
        .global_args
        .iter()
        .filter(|a| a.instruction < before)
    {
        let value = a.default.as_deref().map(|d| {
            let lookup = |name: &str| -> Option<String> {
                match out.get(name) {
                    Some(v) => v.clone(),
                    None => automatic_arg_value(name).map(str::to_string),
                }
            };
            let e = expand(d, cx.df.escape, &lookup);
            if e.error.is_some() {
                d.to_string()
            } else {
                e.value
            }
        });
        out.insert(a.name.clone(), value);
    }
    out
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let escape = cx.df.escape;
    let text = cx.text();
    for stage in &cx.model.stages {
        // ARGs declared before this FROM (global ARGs live before the first FROM)
        let declared = resolved_defaults(cx, stage.from);
        let Some(from) = cx.df.instructions.get(stage.from) else {
            continue;
        };
        // the image word as written in the file, and the --platform value
        let mut places: Vec<(String, Span)> =
            vec![(stage.base_span.slice(text).to_string(), stage.base_span)];
        if let Some(vs) = flag_exact(from, "platform").and_then(|f| f.value_span) {
            places.push((vs.slice(text).to_string(), vs));
        }
        let mut undeclared = false;
        for (written, span) in &places {
            for r in var_refs(written, escape) {
                if r.has_fallback
                    || declared.contains_key(r.name.as_str())
                    || AUTOMATIC_ARGS.contains(&r.name.as_str())
                {
                    continue;
                }
                undeclared = true;
                let at = Span::new(span.start + r.range.start, span.start + r.range.end);
                out.emit(
                    at,
                    format!(
                        "`${}` in FROM is not declared: add `ARG {}=<default>` before the first FROM (stage-level ARGs are not visible to FROM)",
                        r.name, r.name
                    ),
                );
            }
        }
        if undeclared {
            continue;
        }
        let written = stage.base_span.slice(text);
        if !written.contains('$') {
            continue;
        }
        let lookup = |name: &str| -> Option<String> {
            match declared.get(name) {
                Some(Some(v)) => Some(v.clone()),
                Some(None) => None,
                None => automatic_arg_value(name).map(str::to_string),
            }
        };
        let expanded = expand(written, escape, &lookup);
        if expanded.error.is_some() {
            continue;
        }
        let value = expanded.value;
        // a variable may legitimately name an earlier stage
        let is_stage = cx.model.stages.iter().any(|s| {
            s.index < stage.index && s.name.as_deref() == Some(value.to_ascii_lowercase().as_str())
        });
        if is_stage || value == "scratch" || valid_image_reference(&value) {
            continue;
        }
        let no_default: Vec<&str> = var_refs(written, escape)
            .into_iter()
            .filter_map(|r| {
                declared
                    .get_key_value(r.name.as_str())
                    .filter(|(_, d)| d.is_none())
                    .map(|(k, _)| k.as_str())
            })
            .collect();
        let hint = if no_default.is_empty() {
            String::new()
        } else {
            format!(" (`ARG {}` has no default)", no_default.join("`, `ARG "))
        };
        out.emit(
            stage.base_span,
            format!(
                "with the ARG defaults, `{written}` expands to `{value}`, which is not a valid image reference{hint}: give the ARG a default that makes a complete reference"
            ),
        );
    }
}
