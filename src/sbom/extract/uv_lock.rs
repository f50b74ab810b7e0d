//! `uv.lock` (TOML, `version = 1`).
//!
//! - `[[package]]` entries with `name`, `version` and `source`: `registry` / `git` / `url` /
//!   `path` packages are components; `editable`, `virtual` and `directory` packages are the
//!   project (workspace members) and not components.
//! - Hashes: `sdist.hash` and every `wheels[].hash` (`sha256:…`).
//! - Edges from `dependencies`, `optional-dependencies.<extra>` and `dev-dependencies.<group>`
//!   (`{ name, version?, source? }`, matched by normalized name and, when given, version).
//! - What the project packages depend on is direct: `dependencies` required, extras and dev
//!   groups optional; scope propagates through the graph (reachable only from optional roots →
//!   optional).

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{
    Key, Out, Reach, bom_len, package_tables, parse_toml, pep503, prefixed_hex_hash,
    propagate_reach, pypi_component, tomlx,
};
use super::{ExtractContext, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "uv.lock"
}

/// A dependency reference: normalized name and optional version.
struct DepRef {
    name: String,
    version: Option<String>,
    reach: Reach,
}

fn dep_refs(t: &tomlx::Table<'_>) -> Vec<DepRef> {
    let mut out = Vec::new();
    let mut push = |list: &[tomlx::Spanned<tomlx::Value<'_>>], reach: Reach| {
        for d in list {
            let Some(dt) = tomlx::as_table(d) else {
                continue;
            };
            if let Some(n) = tomlx::get_str(dt, "name") {
                out.push(DepRef {
                    name: pep503(n),
                    version: tomlx::get_str(dt, "version").map(str::to_string),
                    reach,
                });
            }
        }
    };
    push(tomlx::get_array(t, "dependencies"), Reach::Required);
    for field in ["optional-dependencies", "dev-dependencies"] {
        if let Some(groups) = tomlx::get_table(t, field) {
            for (_, list) in groups.iter() {
                if let tomlx::Value::Array(a) = list.get_ref() {
                    push(&a[..], Reach::Optional);
                }
            }
        }
    }
    out
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let base = bom_len(text);
    let Some(doc) = parse_toml(&mut out, "uv.lock") else {
        return out.finish();
    };
    let root = doc.get_ref();

    struct Node {
        component: Option<Component>,
        name: String,
        version: Option<String>,
        deps: Vec<DepRef>,
        span: Span,
    }
    let mut nodes: Vec<Node> = Vec::new();
    for (t, span) in package_tables(root, &mut out, base) {
        let Some(name) = tomlx::get_str(t, "name") else {
            out.diag(
                Severity::Warning,
                span,
                "`[[package]]` entry without `name`; skipped",
            );
            continue;
        };
        let version = tomlx::get_str(t, "version");
        let source = tomlx::get_table(t, "source");
        let source_kind = source
            .and_then(|s| s.iter().next().map(|(k, _)| k.get_ref().to_string()))
            .unwrap_or_default();
        let project = matches!(source_kind.as_str(), "editable" | "virtual" | "directory");
        let component = if project {
            None
        } else {
            let v = match version {
                Some(v) => VersionSpec::Exact(v.trim().to_string()),
                None => {
                    out.diag(
                        Severity::Warning,
                        span,
                        format!("package `{name}` has no `version`"),
                    );
                    VersionSpec::Unpinned
                }
            };
            let mut c = pypi_component(name, v);
            if let Some(s) = source
                && let Some((k, v)) = s.iter().next()
                && let Some(url) = tomlx::str_of(v.get_ref())
            {
                c.properties
                    .insert("sourceType".to_string(), k.get_ref().to_string());
                c.properties.insert("source".to_string(), url.to_string());
            }
            let mut hash_values: Vec<&tomlx::Spanned<tomlx::Value<'_>>> = Vec::new();
            if let Some(sd) = tomlx::get_table(t, "sdist")
                && let Some(h) = tomlx::get(sd, "hash")
            {
                hash_values.push(h);
            }
            for w in tomlx::get_array(t, "wheels") {
                if let Some(h) = tomlx::as_table(w).and_then(|wt| tomlx::get(wt, "hash")) {
                    hash_values.push(h);
                }
            }
            for h in hash_values {
                let Some(s) = tomlx::str_of(h.get_ref()) else {
                    continue;
                };
                match prefixed_hex_hash(s) {
                    Some(pair) => {
                        if !c.hashes.contains(&pair) {
                            c.hashes.push(pair);
                        }
                    }
                    None => out.diag(
                        Severity::Warning,
                        tomlx::span(h, base),
                        format!("hash `{s}` is not `algorithm:hexdigest` with a known algorithm"),
                    ),
                }
            }
            c.evidence.push(out.evidence(span));
            Some(c)
        };
        nodes.push(Node {
            component,
            name: pep503(name),
            version: version.map(str::to_string),
            deps: dep_refs(t),
            span,
        });
    }

    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        by_name.entry(n.name.as_str()).or_default().push(i);
    }
    let keys: Vec<Option<Key>> = nodes
        .iter()
        .map(|n| n.component.as_ref().map(Component::key))
        .collect();
    let mut adjacency: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut roots: Vec<(usize, Reach)> = Vec::new();
    let mut edges = Vec::new();
    let mut missing = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let project = n.component.is_none();
        for d in &n.deps {
            let targets: Vec<usize> = by_name
                .get(d.name.as_str())
                .map(|c| {
                    c.iter()
                        .copied()
                        .filter(|&j| {
                            d.version.is_none()
                                || nodes.get(j).and_then(|t| t.version.as_deref())
                                    == d.version.as_deref()
                        })
                        .collect()
                })
                .unwrap_or_default();
            if targets.is_empty() {
                missing.push((n.span, d.name.clone()));
            }
            for j in targets {
                let Some(to) = keys.get(j).cloned().flatten() else {
                    continue;
                };
                if project {
                    roots.push((j, d.reach));
                    edges.push((None, to));
                } else {
                    adjacency.entry(i).or_default().insert(j);
                    edges.push((keys.get(i).cloned().flatten(), to));
                }
            }
        }
    }
    for (span, name) in missing {
        out.diag(
            Severity::Warning,
            span,
            format!("dependency `{name}` has no `[[package]]` entry"),
        );
    }
    for (from, to) in edges {
        out.edge(from, to);
    }
    let reach = propagate_reach(nodes.len(), &adjacency, &roots);
    let direct: BTreeSet<usize> = roots.iter().map(|(j, _)| *j).collect();
    for (i, n) in nodes.into_iter().enumerate() {
        let Some(mut c) = n.component else { continue };
        c.direct = direct.contains(&i);
        if reach.get(&i) == Some(&Reach::Optional) {
            c.scope = Scope::Optional;
        }
        out.components.push(c);
    }
    out.finish()
}
