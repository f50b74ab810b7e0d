//! DF109: duplicate stage names (compared case-insensitively), names BuildKit reserves
//! (`scratch`, `context`) and names BuildKit rejects (must match `^[a-z][a-z0-9-_.]*$` after
//! lowercasing) unless the parser already reported the name as DF100.

use crate::dockerfile::ParseRule;
use crate::lint::helpers::general::valid_stage_name;
use crate::lint::{Emitter, LintContext};

const RESERVED: &[&str] = &["context", "scratch"];

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for stage in &cx.model.stages {
        let (Some(name), Some(span)) = (stage.name.as_deref(), stage.name_span) else {
            continue;
        };
        let written = span.slice(text);
        let shown = if written.is_empty() { name } else { written };
        if name.contains('$') {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !valid_stage_name(&lower) {
            // BuildKit refuses the name; the parser usually reports that as DF100 already.
            let reported = cx.df.diagnostics.iter().any(|d| {
                d.rule == ParseRule::Df100
                    && d.span.start < span.end.max(span.start + 1)
                    && span.start < d.span.end.max(d.span.start + 1)
            });
            if reported {
                continue;
            }
            out.emit(
                span,
                format!("`{shown}` is not a valid stage name: it must start with a letter and contain only letters, digits, `-`, `_` and `.`"),
            );
            continue;
        }
        if RESERVED.contains(&lower.as_str()) {
            out.emit(
                span,
                format!("`{shown}` is a reserved name (`scratch` is the empty image, `context` the build context): choose another stage name"),
            );
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == lower) {
            let line = cx.model.stages.get(*first).map_or(0, |s| {
                cx.df
                    .instructions
                    .get(s.from)
                    .map_or(0, |i| cx.df.lines.line_of(i.span.start) + 1)
            });
            out.emit(
                span,
                format!("stage name `{shown}` is already used by the stage on line {line}: stage names must be unique (case-insensitively)"),
            );
        } else {
            seen.push((lower, stage.index));
        }
    }
}
