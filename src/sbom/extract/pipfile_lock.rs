//! `Pipfile.lock` (pipenv): JSON with `default` (required) and `develop` (optional) sections,
//! each mapping a package name to `version: "==x"`, `hashes`, `markers`, `index`, `extras`, or
//! `git` / `ref`, `path`, `file`, `editable`.
//!
//! - `==x` → exact; other specifiers → range; `*` or none → unpinned.
//! - `path` / editable local packages are the project, not components; `git` and `file` (URL)
//!   packages keep their source as properties.
//! - The lock is flat (no dependency graph). Direct dependencies come from the `Pipfile` next to
//!   it (`[packages]`, `[dev-packages]`) when it was scanned; without it nothing is marked direct.

use std::collections::BTreeMap;

use super::eco_common::{Out, json, pep503, prefixed_hex_hash, pypi_component, tomlx};
use super::{ExtractContext, dir_of, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "Pipfile.lock"
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let root = match json::parse(out.text()) {
        Ok(v) => v,
        Err(e) => {
            out.diag(
                Severity::Error,
                Span::empty(e.offset),
                format!("Pipfile.lock is not valid JSON: {}", e.message),
            );
            return out.finish();
        }
    };
    if root.as_object().is_none() {
        out.diag(
            Severity::Error,
            root.span,
            format!(
                "expected a JSON object at the top level, found {}",
                root.kind_name()
            ),
        );
        return out.finish();
    }
    // Index name → URL from `_meta.sources`.
    let mut indexes: BTreeMap<String, String> = BTreeMap::new();
    for s in root
        .get("_meta")
        .and_then(|m| m.get("sources"))
        .and_then(json::Value::as_array)
        .unwrap_or(&[])
    {
        if let (Some(n), Some(u)) = (
            s.get("name").and_then(json::Value::as_str),
            s.get("url").and_then(json::Value::as_str),
        ) {
            indexes.insert(n.to_string(), u.to_string());
        }
    }
    let declared = pipfile_names(cx, &file.path);

    for (section, scope) in [("default", Scope::Required), ("develop", Scope::Optional)] {
        let Some(sec) = root.get(section) else {
            continue;
        };
        let Some(members) = sec.as_object() else {
            out.diag(
                Severity::Warning,
                sec.span,
                format!("`{section}` should be an object, found {}", sec.kind_name()),
            );
            continue;
        };
        for m in members {
            let span = m.key_span.cover(m.value.span);
            let v = &m.value;
            if v.as_object().is_none() {
                out.diag(
                    Severity::Warning,
                    span,
                    format!("`{}` should be an object, found {}", m.key, v.kind_name()),
                );
                continue;
            }
            if v.get("path").is_some() {
                continue;
            }
            let written = v
                .get("version")
                .and_then(json::Value::as_str)
                .map(str::trim);
            let version = match written {
                None | Some("" | "*") => VersionSpec::Unpinned,
                Some(w) => match w.strip_prefix("===").or_else(|| w.strip_prefix("==")) {
                    Some(x) if !x.contains([',', '*', '<', '>', '=', '!', '~']) => {
                        VersionSpec::Exact(x.trim().to_string())
                    }
                    _ => VersionSpec::Range(w.to_string()),
                },
            };
            let mut c = pypi_component(&m.key, version);
            c.scope = scope;
            c.direct = declared.as_ref().is_some_and(|d| d.contains_key(&c.name));
            if let Some(hs) = v.get("hashes").and_then(json::Value::as_array) {
                for h in hs {
                    match h.as_str().and_then(prefixed_hex_hash) {
                        Some(pair) => {
                            if !c.hashes.contains(&pair) {
                                c.hashes.push(pair);
                            }
                        }
                        None => out.diag(
                            Severity::Warning,
                            h.span,
                            "hash is not `algorithm:hexdigest` with a known algorithm",
                        ),
                    }
                }
            }
            for (field, prop) in [
                ("markers", "marker"),
                ("git", "git"),
                ("ref", "gitRef"),
                ("file", "url"),
            ] {
                if let Some(s) = v.get(field).and_then(json::Value::as_str) {
                    c.properties.insert(prop.to_string(), s.to_string());
                }
            }
            if v.get("editable").is_some_and(json::Value::is_true) {
                c.properties
                    .insert("editable".to_string(), "true".to_string());
            }
            if let Some(extras) = v.get("extras").and_then(json::Value::as_array) {
                let list: Vec<&str> = extras.iter().filter_map(json::Value::as_str).collect();
                if !list.is_empty() {
                    c.properties.insert("extras".to_string(), list.join(","));
                }
            }
            if let Some(ix) = v.get("index").and_then(json::Value::as_str) {
                let url = indexes.get(ix).cloned().unwrap_or_else(|| ix.to_string());
                c.properties.insert("index".to_string(), url);
            }
            c.evidence.push(out.evidence(span));
            if c.direct {
                out.edge(None, c.key());
            }
            out.components.push(c);
        }
    }
    out.finish()
}

/// Normalized names the `Pipfile` next to the lock declares, when it was scanned.
fn pipfile_names(cx: &ExtractContext<'_>, lock_path: &str) -> Option<BTreeMap<String, ()>> {
    let dir = dir_of(lock_path);
    let path = if dir.is_empty() {
        "Pipfile".to_string()
    } else {
        format!("{dir}/Pipfile")
    };
    let f = cx.get(&path)?;
    let doc = tomlx::parse(&f.text).ok()?;
    let mut names = BTreeMap::new();
    for section in ["packages", "dev-packages"] {
        if let Some(t) = tomlx::get_table(doc.get_ref(), section) {
            for (k, _) in t.iter() {
                names.insert(pep503(k.get_ref()), ());
            }
        }
    }
    Some(names)
}
