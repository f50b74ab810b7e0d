//! `package-lock.json` / `npm-shrinkwrap.json`.
//!
//! - v2 / v3: the `packages` map keyed by install location (`node_modules/a`,
//!   `node_modules/a/node_modules/b`, `packages/x/node_modules/y`). The root entry (`""`) and
//!   workspace folders (locations outside any `node_modules`) are the project; `link: true`
//!   entries point at them. `dev`, `optional` and `devOptional` make a component optional; `peer`,
//!   `inBundle` and `extraneous` are kept as properties. Direct dependencies are the ones the root
//!   and the workspace folders declare, resolved the way Node resolves them (nearest
//!   `node_modules` upwards).
//! - v1: the nested `dependencies` tree (`requires` for edges, `dev` / `optional` flags). v1 does
//!   not record the root's own dependencies: they come from the `package.json` next to the lock
//!   when it was scanned; otherwise top-level packages that nothing else requires are taken as
//!   direct (a subset of the truth, never a guess).
//! - `integrity` (SRI, usually `sha512-<base64>`) becomes hex hashes.
//! - Scoped names `@scope/name` get namespace `@scope`.

use std::collections::BTreeMap;

use super::eco_common::{
    Key, Out, component, is_npm_name, json, package_json_deps, sibling_package_json,
    split_npm_name, sri_hashes,
};
use super::{ExtractContext, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Ecosystem, Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    matches!(file_name(path), "package-lock.json" | "npm-shrinkwrap.json")
}

/// One install location of the lock.
struct Entry<'v> {
    value: &'v json::Value,
    /// Evidence: the `"location": {…}` member (or the v1 `"name": {…}` member).
    span: Span,
    /// Dependency names this entry needs, with whether a missing one is worth a warning.
    needs: Vec<(String, bool)>,
    v1: bool,
}

enum Target {
    Project,
    Component(String),
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let root = match json::parse(text) {
        Ok(v) => v,
        Err(e) => {
            out.diag(
                Severity::Error,
                Span::empty(e.offset),
                format!("lock file is not valid JSON: {}", e.message),
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
    let version = root
        .get("lockfileVersion")
        .and_then(json::Value::as_scalar_text)
        .unwrap_or("");
    let packages = root.get("packages").filter(|p| p.as_object().is_some());
    let mut entries: BTreeMap<String, Entry<'_>> = BTreeMap::new();
    let v1 = packages.is_none();
    match packages {
        Some(p) => collect_v2(p, &mut entries),
        None => match root.get("dependencies") {
            Some(d) if d.as_object().is_some() => collect_v1(d, &mut entries, &mut out),
            Some(d) => out.diag(
                Severity::Error,
                d.span,
                format!(
                    "`dependencies` should be an object, found {}",
                    d.kind_name()
                ),
            ),
            None => {
                if !matches!(version, "1" | "") {
                    out.diag(
                        Severity::Warning,
                        root.span,
                        format!(
                            "lockfileVersion {version} lock file has neither `packages` nor `dependencies`"
                        ),
                    );
                }
            }
        },
    }

    // Components, keyed by location.
    let mut keys: BTreeMap<String, Key> = BTreeMap::new();
    let mut components: Vec<(String, Component)> = Vec::new();
    for (loc, e) in &entries {
        if let Some(c) = make_component(loc, e, &mut out) {
            keys.insert(loc.clone(), c.key());
            components.push((loc.clone(), c));
        }
    }

    // Project roots: the root and workspace folders (v2+), with what they declare.
    let mut direct: BTreeMap<String, ()> = BTreeMap::new();
    let mut project_needs: Vec<(String, String, bool, Span)> = Vec::new();
    if v1 {
        match sibling_package_json(cx, &file.path) {
            Some(pj) => {
                for (name, _, _) in package_json_deps(&pj) {
                    project_needs.push((String::new(), name, false, root.span));
                }
            }
            None => {
                let mut required: BTreeMap<&str, ()> = BTreeMap::new();
                for e in entries.values() {
                    for (n, _) in &e.needs {
                        required.insert(n.as_str(), ());
                    }
                }
                for loc in entries.keys() {
                    if let Some(name) = loc.strip_prefix("node_modules/")
                        && !name.contains("/node_modules/")
                        && !required.contains_key(name)
                    {
                        project_needs.push((String::new(), name.to_string(), false, root.span));
                    }
                }
            }
        }
    } else if let Some(p) = packages.and_then(json::Value::as_object) {
        for m in p {
            if is_project_location(&m.key) {
                for (name, warn) in declared(&m.value, true) {
                    project_needs.push((m.key.clone(), name, warn, m.key_span));
                }
            }
        }
    }
    for (from, name, warn, span) in project_needs {
        match resolve(&entries, &from, &name) {
            Some(Target::Component(loc)) => {
                direct.insert(loc.clone(), ());
                if let Some(k) = keys.get(&loc) {
                    out.edge(None, k.clone());
                }
            }
            Some(Target::Project) => {}
            None if warn => out.diag(
                Severity::Warning,
                span,
                format!("dependency `{name}` is declared but not installed anywhere in the lock"),
            ),
            None => {}
        }
    }

    // Edges between components.
    for (loc, e) in &entries {
        let Some(from) = keys.get(loc) else { continue };
        for (name, warn) in &e.needs {
            match resolve(&entries, loc, name) {
                Some(Target::Component(to)) => {
                    if let Some(k) = keys.get(&to) {
                        out.edge(Some(from.clone()), k.clone());
                    }
                }
                Some(Target::Project) => {}
                None if *warn && !e.v1 => out.diag(
                    Severity::Warning,
                    e.span,
                    format!(
                        "`{loc}` depends on `{name}`, which is not installed anywhere in the lock"
                    ),
                ),
                None => {}
            }
        }
    }

    for (loc, mut c) in components {
        c.direct = direct.contains_key(&loc);
        out.components.push(c);
    }
    out.finish()
}

/// Locations outside every `node_modules` folder are the project (root, workspaces, `file:`
/// dependencies).
fn is_project_location(loc: &str) -> bool {
    !(loc.starts_with("node_modules/") || loc.contains("/node_modules/"))
}

/// Names an entry depends on: `dependencies` (missing = warning), `optionalDependencies` and
/// `peerDependencies` (missing is normal); for project entries also `devDependencies`.
fn declared(v: &json::Value, project: bool) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let fields: &[(&str, bool)] = if project {
        &[
            ("dependencies", true),
            ("devDependencies", true),
            ("optionalDependencies", false),
            ("peerDependencies", false),
        ]
    } else {
        &[
            ("dependencies", true),
            ("optionalDependencies", false),
            ("peerDependencies", false),
        ]
    };
    for (field, warn) in fields {
        if let Some(members) = v.get(field).and_then(json::Value::as_object) {
            out.extend(members.iter().map(|m| (m.key.clone(), *warn)));
        }
    }
    out
}

fn collect_v2<'v>(packages: &'v json::Value, entries: &mut BTreeMap<String, Entry<'v>>) {
    for m in packages.as_object().unwrap_or(&[]) {
        let needs = if is_project_location(&m.key) {
            Vec::new()
        } else {
            declared(&m.value, false)
        };
        entries.insert(
            m.key.clone(),
            Entry {
                value: &m.value,
                span: m.key_span.cover(m.value.span),
                needs,
                v1: false,
            },
        );
    }
}

/// Flattens the v1 `dependencies` tree into install locations (iteratively: the JSON reader
/// bounds the depth, this loop never recurses).
fn collect_v1<'v>(
    deps: &'v json::Value,
    entries: &mut BTreeMap<String, Entry<'v>>,
    out: &mut Out<'_>,
) {
    let mut stack: Vec<(String, &'v json::Value)> = vec![(String::new(), deps)];
    while let Some((prefix, deps)) = stack.pop() {
        for m in deps.as_object().unwrap_or(&[]) {
            if !is_npm_name(&m.key) {
                out.diag(
                    Severity::Warning,
                    m.key_span,
                    format!("`{}` is not a valid npm package name", m.key),
                );
                continue;
            }
            if m.value.as_object().is_none() {
                out.diag(
                    Severity::Warning,
                    m.value.span,
                    format!(
                        "entry `{}` should be an object, found {}",
                        m.key,
                        m.value.kind_name()
                    ),
                );
                continue;
            }
            let loc = if prefix.is_empty() {
                format!("node_modules/{}", m.key)
            } else {
                format!("{prefix}/node_modules/{}", m.key)
            };
            let needs = m
                .value
                .get("requires")
                .and_then(json::Value::as_object)
                .map(|r| r.iter().map(|d| (d.key.clone(), true)).collect())
                .unwrap_or_default();
            if let Some(nested) = m
                .value
                .get("dependencies")
                .filter(|d| d.as_object().is_some())
            {
                stack.push((loc.clone(), nested));
            }
            entries.insert(
                loc,
                Entry {
                    value: &m.value,
                    span: m.key_span.cover(m.value.span),
                    needs,
                    v1: true,
                },
            );
        }
    }
}

/// Resolves `name` required from `from` the way Node does: `from/node_modules/name`, then the
/// same in each enclosing package, up to the root. Links resolve to the project.
fn resolve(entries: &BTreeMap<String, Entry<'_>>, from: &str, name: &str) -> Option<Target> {
    let mut base = from.to_string();
    for _ in 0..10_000 {
        let candidate = if base.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{base}/node_modules/{name}")
        };
        if let Some(e) = entries.get(&candidate) {
            let local_v1 = e.v1
                && e.value
                    .get("version")
                    .and_then(json::Value::as_str)
                    .is_some_and(|v| v.starts_with("file:") || v.starts_with("link:"));
            if e.value.get("link").is_some_and(json::Value::is_true) || local_v1 {
                return Some(Target::Project);
            }
            return Some(Target::Component(candidate));
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => base.get(..i).unwrap_or("").to_string(),
            None => String::new(),
        };
    }
    None
}

/// The component for one install location, or `None` for project entries, links and local
/// (`file:`) packages.
fn make_component(loc: &str, e: &Entry<'_>, out: &mut Out<'_>) -> Option<Component> {
    if is_project_location(loc) || e.value.get("link").is_some_and(json::Value::is_true) {
        return None;
    }
    let v = e.value;
    let folder_name = match loc.rfind("node_modules/") {
        Some(i) => loc.get(i + "node_modules/".len()..).unwrap_or(""),
        None => loc,
    };
    let mut name = v
        .get("name")
        .and_then(json::Value::as_str)
        .filter(|_| !e.v1)
        .unwrap_or(folder_name)
        .to_string();
    let written = v.get("version").and_then(json::Value::as_str);
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    let version = match written {
        None => {
            out.diag(
                Severity::Warning,
                e.span,
                format!("`{loc}` has no `version`"),
            );
            VersionSpec::Unpinned
        }
        Some(w) if w.starts_with("file:") || w.starts_with("link:") => return None,
        Some(w) => {
            let w = w.trim();
            if let Some(alias) = w.strip_prefix("npm:") {
                // v1 alias: `"alias": { "version": "npm:real@1.2.3" }`.
                let split = alias.get(1..).and_then(|r| r.find('@')).map(|i| i + 1);
                match split.and_then(|i| Some((alias.get(..i)?, alias.get(i + 1..)?))) {
                    Some((real, ver)) if is_npm_name(real) => {
                        props.insert("alias".to_string(), name.clone());
                        name = real.to_string();
                        VersionSpec::Exact(ver.to_string())
                    }
                    _ => {
                        out.diag(
                            Severity::Warning,
                            e.span,
                            format!("`{loc}` has an alias version `{w}` that names no package and version"),
                        );
                        return None;
                    }
                }
            } else if w.starts_with(|c: char| c.is_ascii_digit()) {
                VersionSpec::Exact(w.to_string())
            } else {
                // v1 git / tarball dependencies carry their source as the version.
                props.insert("resolved".to_string(), w.to_string());
                VersionSpec::Unpinned
            }
        }
    };
    if !is_npm_name(&name) {
        out.diag(
            Severity::Warning,
            e.span,
            format!("`{name}` (at `{loc}`) is not a valid npm package name"),
        );
        return None;
    }
    if name != folder_name && !e.v1 {
        props.insert("alias".to_string(), folder_name.to_string());
    }
    let (namespace, bare) = split_npm_name(&name);
    let mut c = component(Ecosystem::Npm, namespace, bare, version);
    let flag = |k: &str| v.get(k).is_some_and(json::Value::is_true);
    if flag("dev") || flag("optional") || flag("devOptional") {
        c.scope = Scope::Optional;
    }
    for (field, prop) in [
        ("dev", "dev"),
        ("optional", "optional"),
        ("devOptional", "devOptional"),
        ("peer", "peer"),
        ("inBundle", "bundled"),
        ("bundled", "bundled"),
        ("extraneous", "extraneous"),
    ] {
        if flag(field) {
            props.insert(prop.to_string(), "true".to_string());
        }
    }
    if let Some(r) = v.get("resolved").and_then(json::Value::as_str) {
        props
            .entry("resolved".to_string())
            .or_insert_with(|| r.to_string());
    }
    if let Some(sri) = v.get("integrity").and_then(json::Value::as_str) {
        let (hashes, bad) = sri_hashes(sri);
        c.hashes = hashes;
        for b in bad {
            out.diag(
                Severity::Warning,
                e.span,
                format!("`{loc}`: integrity value `{b}` is not a known algorithm with a valid base64 digest"),
            );
        }
    }
    c.properties = props;
    c.evidence.push(out.evidence(e.span));
    Some(c)
}
