//! `poetry.lock` (lock-version 1.x and 2.x).
//!
//! - `[[package]]` entries with `name` / `version`. Dev and optional packages are optional:
//!   `category = "dev"` (old locks), `groups = [...]` without `"main"` (Poetry 2), or
//!   `optional = true`.
//! - Hashes: per-package `files = [{file, hash = "sha256:…"}]` (lock-version 2) or
//!   `[metadata.files]` (older); every file's digest is kept.
//! - `[package.source]`: `git` / `url` / `file` / `legacy` (a private index) are kept as
//!   properties; `directory` packages are local folders, i.e. the project.
//! - `[package.dependencies]` become edges (by normalized name).
//! - Direct dependencies come from the `pyproject.toml` next to the lock when it was scanned
//!   (`[tool.poetry.*dependencies]`, `[tool.poetry.group.*.dependencies]`, `[project]`);
//!   otherwise packages nothing else depends on are taken as direct.

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{
    Key, Out, bom_len, package_tables, parse_toml, pep503, prefixed_hex_hash, pypi_component, tomlx,
};
use super::{ExtractContext, dir_of, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "poetry.lock"
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let base = bom_len(text);
    let Some(doc) = parse_toml(&mut out, "poetry.lock") else {
        return out.finish();
    };
    let root = doc.get_ref();
    let old_files = tomlx::get_table(root, "metadata").and_then(|m| tomlx::get_table(m, "files"));

    // name (normalized) → component indices; component → its dependency names.
    let mut comps: Vec<Component> = Vec::new();
    let mut deps_of: Vec<Vec<(String, bool)>> = Vec::new();
    let mut project_deps: Vec<String> = Vec::new();
    for (t, span) in package_tables(root, &mut out, base) {
        let (Some(name), Some(version)) = (tomlx::get_str(t, "name"), tomlx::get_str(t, "version"))
        else {
            out.diag(
                Severity::Warning,
                span,
                "`[[package]]` entry without string `name` and `version`; skipped",
            );
            continue;
        };
        let deps = dependency_names(t);
        let source = tomlx::get_table(t, "source");
        let source_type = source.and_then(|s| tomlx::get_str(s, "type"));
        if source_type == Some("directory") {
            project_deps.extend(deps.into_iter().map(|(n, _)| n));
            continue;
        }
        let mut c = pypi_component(name, VersionSpec::Exact(version.trim().to_string()));
        let optional = tomlx::get_bool(t, "optional") == Some(true);
        let category = tomlx::get_str(t, "category");
        let groups: Vec<&str> = tomlx::get_array(t, "groups")
            .iter()
            .filter_map(|g| tomlx::str_of(g.get_ref()))
            .collect();
        if optional || category == Some("dev") || (!groups.is_empty() && !groups.contains(&"main"))
        {
            c.scope = Scope::Optional;
        }
        if optional {
            c.properties
                .insert("optional".to_string(), "true".to_string());
        }
        if let Some(cat) = category {
            c.properties.insert("category".to_string(), cat.to_string());
        }
        if !groups.is_empty() {
            c.properties.insert("groups".to_string(), groups.join(","));
        }
        if let Some(s) = source {
            for (field, prop) in [
                ("type", "sourceType"),
                ("url", "sourceUrl"),
                ("reference", "sourceReference"),
                ("resolved_reference", "resolvedReference"),
            ] {
                if let Some(v) = tomlx::get_str(s, field) {
                    c.properties.insert(prop.to_string(), v.to_string());
                }
            }
        }
        // Hashes: per-package `files`, else `[metadata.files]`.
        let mut files = tomlx::get_array(t, "files");
        if files.is_empty()
            && let Some(of) = old_files
        {
            files = tomlx::get_array(of, name);
            if files.is_empty() {
                for (k, _) in of.iter() {
                    if pep503(k.get_ref()) == c.name {
                        files = tomlx::get_array(of, k.get_ref());
                        break;
                    }
                }
            }
        }
        for f in files {
            let Some(h) = tomlx::as_table(f).and_then(|ft| tomlx::get_str(ft, "hash")) else {
                continue;
            };
            match prefixed_hex_hash(h) {
                Some(pair) => {
                    if !c.hashes.contains(&pair) {
                        c.hashes.push(pair);
                    }
                }
                None => out.diag(
                    Severity::Warning,
                    tomlx::span(f, base),
                    format!("hash `{h}` is not `algorithm:hexdigest` with a known algorithm"),
                ),
            }
        }
        c.evidence.push(out.evidence(span));
        comps.push(c);
        deps_of.push(deps);
    }

    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in comps.iter().enumerate() {
        by_name.entry(c.name.clone()).or_default().push(i);
    }
    let keys: Vec<Key> = comps.iter().map(Component::key).collect();
    let mut depended_on: BTreeSet<usize> = BTreeSet::new();
    for (i, deps) in deps_of.iter().enumerate() {
        for (d, plain) in deps {
            match by_name.get(d) {
                Some(targets) => {
                    for &j in targets {
                        depended_on.insert(j);
                        if let (Some(f), Some(t)) = (keys.get(i), keys.get(j)) {
                            out.edge(Some(f.clone()), t.clone());
                        }
                    }
                }
                None if *plain => {
                    let span = comps
                        .get(i)
                        .and_then(|c| c.evidence.first())
                        .map_or(Span::empty(base), |e| e.span);
                    out.diag(
                        Severity::Warning,
                        span,
                        format!("dependency `{d}` has no `[[package]]` entry"),
                    );
                }
                None => {}
            }
        }
    }

    // Direct dependencies.
    let declared = pyproject_deps(cx, &file.path);
    let direct: BTreeSet<usize> = match &declared {
        Some(names) => names
            .iter()
            .chain(project_deps.iter())
            .filter_map(|n| by_name.get(n))
            .flatten()
            .copied()
            .collect(),
        None => {
            let mut d: BTreeSet<usize> = (0..comps.len())
                .filter(|i| !depended_on.contains(i))
                .collect();
            d.extend(project_deps.iter().filter_map(|n| by_name.get(n)).flatten());
            d
        }
    };
    for (i, mut c) in comps.into_iter().enumerate() {
        c.direct = direct.contains(&i);
        if c.direct {
            out.edge(None, c.key());
        }
        out.components.push(c);
    }
    out.finish()
}

/// `[package.dependencies]` names (normalized), with whether the dependency is unconditional
/// (no `optional`, `markers` or `python` restriction).
fn dependency_names(t: &tomlx::Table<'_>) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let Some(deps) = tomlx::get_table(t, "dependencies") else {
        return out;
    };
    for (k, v) in deps.iter() {
        let plain = match v.get_ref() {
            tomlx::Value::String(_) => true,
            tomlx::Value::Table(dt) => {
                tomlx::get_bool(dt, "optional") != Some(true)
                    && tomlx::get(dt, "markers").is_none()
                    && tomlx::get(dt, "python").is_none()
            }
            _ => false,
        };
        out.push((pep503(k.get_ref()), plain));
    }
    out
}

/// Names (normalized) the `pyproject.toml` next to the lock declares, when it was scanned.
fn pyproject_deps(cx: &ExtractContext<'_>, lock_path: &str) -> Option<Vec<String>> {
    let dir = dir_of(lock_path);
    let path = if dir.is_empty() {
        "pyproject.toml".to_string()
    } else {
        format!("{dir}/pyproject.toml")
    };
    let f = cx.get(&path)?;
    let doc = tomlx::parse(&f.text).ok()?;
    let root = doc.get_ref();
    let mut names = Vec::new();
    let table_keys = |t: Option<&tomlx::Table<'_>>, names: &mut Vec<String>| {
        if let Some(t) = t {
            for (k, _) in t.iter() {
                if k.get_ref() != "python" {
                    names.push(pep503(k.get_ref()));
                }
            }
        }
    };
    if let Some(poetry) = tomlx::get_table(root, "tool").and_then(|t| tomlx::get_table(t, "poetry"))
    {
        table_keys(tomlx::get_table(poetry, "dependencies"), &mut names);
        table_keys(tomlx::get_table(poetry, "dev-dependencies"), &mut names);
        if let Some(groups) = tomlx::get_table(poetry, "group") {
            for (_, g) in groups.iter() {
                table_keys(
                    tomlx::as_table(g).and_then(|g| tomlx::get_table(g, "dependencies")),
                    &mut names,
                );
            }
        }
    }
    let mut pep508 = |v: &tomlx::Spanned<tomlx::Value<'_>>| {
        if let Some(s) = tomlx::str_of(v.get_ref()) {
            let end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
                .unwrap_or(s.len());
            let n = s.get(..end).unwrap_or("");
            if !n.is_empty() {
                names.push(pep503(n));
            }
        }
    };
    // PEP 735 `[dependency-groups]`: lists of requirement strings (and `{include-group}`
    // tables, which add nothing new).
    if let Some(groups) = tomlx::get_table(root, "dependency-groups") {
        for (_, list) in groups.iter() {
            if let tomlx::Value::Array(a) = list.get_ref() {
                for v in a.iter() {
                    pep508(v);
                }
            }
        }
    }
    if let Some(project) = tomlx::get_table(root, "project") {
        for v in tomlx::get_array(project, "dependencies") {
            pep508(v);
        }
        if let Some(opt) = tomlx::get_table(project, "optional-dependencies") {
            for (_, list) in opt.iter() {
                if let tomlx::Value::Array(a) = list.get_ref() {
                    for v in a.iter() {
                        pep508(v);
                    }
                }
            }
        }
    }
    Some(names)
}
