//! DF502: download over plain HTTP.

use std::ops::Range;

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::secrets_downloads::{
    declared_values, find_downloads, is_plain_http, plain_args, resolve_leading_reference,
    script_assignments, with_onbuild,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let text = &s.text.text;
        let vars = script_assignments(text, s.script.dialect);
        let declared = declared_values(cx.df, s.instruction);
        let mut urls: Vec<(String, Range<usize>, &'static str)> = Vec::new();
        for d in find_downloads(text, &s.script) {
            for (u, r) in d.urls {
                urls.push((u, r, d.tool.label()));
            }
        }
        for cmd in &s.script.commands {
            if cmd.name() != "git" {
                continue;
            }
            let sub = cmd
                .args()
                .first()
                .map(|w| w.text.to_ascii_lowercase())
                .unwrap_or_default();
            if !matches!(
                sub.as_str(),
                "clone" | "fetch" | "pull" | "ls-remote" | "submodule" | "remote"
            ) {
                continue;
            }
            for w in plain_args(cmd, s.script.dialect) {
                urls.push((w.text.clone(), w.range.clone(), "git"));
            }
        }
        urls.sort_by_key(|u| u.1.start);
        urls.dedup_by_key(|u| u.1.start);
        for (u, r, tool) in urls {
            let (url, via) = if u.to_ascii_lowercase().starts_with("http") {
                (u.clone(), false)
            } else {
                match resolve_leading_reference(&u, &vars, &declared) {
                    Some(v) => (v, true),
                    None => continue,
                }
            };
            if !is_plain_http(&url) {
                continue;
            }
            let msg = if via {
                format!(
                    "`{tool}` fetches `{u}`, which resolves to plain-HTTP `{url}`: the download can be read and replaced in transit; use https://"
                )
            } else {
                format!(
                    "`{tool}` fetches `{url}` over plain HTTP: the download can be read and replaced in transit; use https://"
                )
            };
            out.emit(s.span(r), msg);
        }
    }
    for (idx, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            if inst.kind != InstructionKind::Add {
                continue;
            }
            let declared = declared_values(cx.df, idx);
            let n = inst.words.len();
            for w in inst.words.iter().take(n.saturating_sub(1)) {
                let url = if w.text.to_ascii_lowercase().starts_with("http") {
                    w.text.clone()
                } else {
                    match resolve_leading_reference(&w.text, &Default::default(), &declared) {
                        Some(v) => v,
                        None => continue,
                    }
                };
                if is_plain_http(&url) {
                    out.emit(
                        w.span,
                        format!("ADD fetches `{url}` over plain HTTP: the file can be read and replaced in transit; use https:// (and `--checksum`)"),
                    );
                }
            }
        }
    }
}
