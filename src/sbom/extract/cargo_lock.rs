//! `Cargo.lock`, lock format v1 to v4, read with the `cargo-lock` crate.
//!
//! - Packages without a `source` are path dependencies or workspace members: they are the
//!   project itself, not components; what they depend on is a direct dependency.
//! - Registry (`registry+…`, `sparse+…`) and git (`git+…`) packages become components; the
//!   `source` string is kept as a property.
//! - `checksum` (v2+ per package, v1 under `[metadata]`) is the SHA-256 of the `.crate` file.
//! - `dependencies` become edges (cargo-lock resolves the abbreviated v2+ forms).
//! - Positions come from `toml`'s spanned document tree: the evidence of an entry starts at its
//!   `name = "…"` line and runs to the end of the entry.
//!
//! Cargo.lock does not record which dependencies are dev-only, so every component is required.

use std::collections::BTreeMap;

use cargo_lock::{Lockfile, Package};

use super::eco_common::{Key, Out, bom_len, component, parse_toml, tomlx};
use super::{ExtractContext, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Ecosystem, Extracted, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "Cargo.lock"
}

/// The first checksum in the document that is not 64 ASCII hex digits: `checksum` fields at any
/// depth, and v1 `[metadata]` entries named `checksum <package> …`.
fn invalid_checksum(table: &toml::Table, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let valid = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    for (key, value) in table {
        match value {
            toml::Value::String(s)
                if (key == "checksum" || key.starts_with("checksum ")) && !valid(s) =>
            {
                return Some(s.clone());
            }
            toml::Value::Table(t) => {
                if let Some(bad) = invalid_checksum(t, depth + 1) {
                    return Some(bad);
                }
            }
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(t) = item
                        && let Some(bad) = invalid_checksum(t, depth + 1)
                    {
                        return Some(bad);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let base = bom_len(text);
    let body = text.get(base..).unwrap_or("");

    let Some(doc) = parse_toml(&mut out, "Cargo.lock") else {
        return out.finish();
    };
    // cargo-lock slices checksum strings by byte and panics on a 64-byte non-ASCII one; refuse
    // any checksum that is not 64 hexadecimal digits before handing the text to it.
    if let Ok(table) = toml::from_str::<toml::Table>(body)
        && let Some(bad) = invalid_checksum(&table, 0)
    {
        out.diag(
            Severity::Error,
            Span::empty(base),
            format!(
                "Cargo.lock could not be read as a lock file: checksum {bad:?} is not 64 hexadecimal digits"
            ),
        );
        return out.finish();
    }
    let lock: Lockfile = match toml::from_str(body) {
        Ok(l) => l,
        Err(e) => {
            let span = e.span().map_or(Span::empty(base), |r| {
                Span::new(r.start + base, r.end + base)
            });
            out.diag(
                Severity::Error,
                span,
                format!(
                    "Cargo.lock could not be read as a lock file: {}",
                    e.message().trim()
                ),
            );
            return out.finish();
        }
    };

    // Positions and the `source` strings as written, in file order (cargo-lock keeps the
    // order of `[[package]]` entries).
    let entries = tomlx::get_array(doc.get_ref(), "package");
    let mut spans: Vec<Option<Span>> = Vec::with_capacity(entries.len());
    let mut sources: Vec<Option<String>> = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(t) = tomlx::as_table(e) else {
            spans.push(None);
            sources.push(None);
            continue;
        };
        let name_span = tomlx::get(t, "name")
            .and_then(|v| tomlx::key_span(t, "name", base).map(|k| k.cover(tomlx::span(v, base))));
        let extent = tomlx::extent(t, base);
        spans.push(match (name_span, extent) {
            (Some(n), Some(x)) => Some(Span::new(n.start, x.end.max(n.end))),
            (n, x) => n.or(x),
        });
        sources.push(tomlx::get_str(t, "source").map(str::to_string));
    }

    let key_of = |p: &Package| -> Key {
        (
            Ecosystem::Cargo,
            p.name.as_str().to_string(),
            VersionSpec::Exact(p.version.to_string()),
        )
    };
    let is_project = |p: &Package| p.source.as_ref().is_none_or(|s| s.is_path());

    // (name, version) → package indices, to resolve dependencies.
    let mut by_name_version: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for (i, p) in lock.packages.iter().enumerate() {
        by_name_version
            .entry((p.name.as_str(), p.version.to_string()))
            .or_default()
            .push(i);
    }
    let resolve = |d: &cargo_lock::Dependency| -> Option<usize> {
        let candidates = by_name_version.get(&(d.name.as_str(), d.version.to_string()))?;
        candidates
            .iter()
            .copied()
            .find(|&i| {
                lock.packages.get(i).is_some_and(|p| {
                    d.source.is_none()
                        || p.source.as_ref().map(|s| s.url()) == d.source.as_ref().map(|s| s.url())
                })
            })
            .or_else(|| candidates.first().copied())
    };

    let mut direct = vec![false; lock.packages.len()];
    let project_deps = lock
        .packages
        .iter()
        .filter(|p| is_project(p))
        .chain(lock.root.iter())
        .flat_map(|p| p.dependencies.iter());
    for d in project_deps {
        match resolve(d) {
            Some(i) => {
                if let Some(flag) = direct.get_mut(i) {
                    *flag = true;
                }
            }
            None => {
                let span = Span::empty(base);
                out.diag(
                    Severity::Warning,
                    span,
                    format!("dependency `{d}` has no `[[package]]` entry"),
                );
            }
        }
    }

    // v1 `[root]`: the project's own package.
    for d in lock.root.iter().flat_map(|r| r.dependencies.iter()) {
        if let Some(t) = resolve(d).and_then(|j| lock.packages.get(j))
            && !is_project(t)
        {
            out.edge(None, key_of(t));
        }
    }
    for (i, p) in lock.packages.iter().enumerate() {
        let span = spans.get(i).copied().flatten().unwrap_or(Span::empty(base));
        if is_project(p) {
            for d in &p.dependencies {
                if let Some(t) = resolve(d).and_then(|j| lock.packages.get(j))
                    && !is_project(t)
                {
                    out.edge(None, key_of(t));
                }
            }
            continue;
        }
        let mut c = component(
            Ecosystem::Cargo,
            None,
            p.name.as_str().to_string(),
            VersionSpec::Exact(p.version.to_string()),
        );
        c.direct = direct.get(i).copied().unwrap_or(false);
        if let Some(sum) = &p.checksum {
            c.hashes.push(("SHA-256".to_string(), sum.to_string()));
        }
        if let Some(src) = sources.get(i).cloned().flatten() {
            c.properties.insert("source".to_string(), src);
        }
        if let Some(s) = &p.source {
            let kind = if s.is_git() {
                "git"
            } else if s.is_default_registry() {
                "crates.io"
            } else if s.is_registry() {
                "registry"
            } else {
                "other"
            };
            c.properties
                .insert("sourceKind".to_string(), kind.to_string());
            if !s.is_default_registry() && !s.is_git() && s.is_remote_registry() {
                c.properties
                    .insert("registry".to_string(), s.url().to_string());
            }
        }
        if let Some(r) = &p.replace {
            c.properties.insert("replace".to_string(), r.to_string());
        }
        c.evidence.push(out.evidence(span));
        for d in &p.dependencies {
            match resolve(d).and_then(|j| lock.packages.get(j)) {
                Some(t) if !is_project(t) => out.edge(Some(key_of(p)), key_of(t)),
                Some(_) => {}
                None => out.diag(
                    Severity::Warning,
                    span,
                    format!(
                        "`{} {}` depends on `{d}`, which has no `[[package]]` entry",
                        p.name, p.version
                    ),
                ),
            }
        }
        out.components.push(c);
    }
    out.finish()
}
