//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x, read as a YAML tree with spans.
//!
//! - Package keys: v5 `/name/1.2.3` and `/@scope/name/1.2.3_peer@2.0.0`; v6 `/name@1.2.3` and
//!   `/name@1.2.3(peer@2.0.0)`; v9 `name@1.2.3` under `packages` (metadata) and
//!   `name@1.2.3(peer@2.0.0)` under `snapshots` (dependencies). Peer suffixes select a variant
//!   of the same package, so they are cut from the version. Non-registry packages carry `name`
//!   and `version` fields, which win over the key.
//! - `importers` (and the v5 single-project top-level `dependencies` / `devDependencies` /
//!   `optionalDependencies`) are the project: what they list is direct. `link:` references are
//!   workspace packages, not components; `resolution.directory` packages are local folders.
//! - Scope: `dev: true` / `optional: true` (v5, v6) make a component optional, `dev: false`
//!   required. v9 dropped the flag: components reachable only from `devDependencies` /
//!   `optionalDependencies` of the importers are optional.
//! - `resolution.integrity` (SRI) becomes hex hashes.

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{
    Out, Reach, component, is_npm_name, propagate_reach, split_npm_name, sri_hashes, yaml,
};
use super::{ExtractContext, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Ecosystem, Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "pnpm-lock.yaml"
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// v5: `/name/1.2.3_peer`.
    Slash,
    /// v6+: `/name@1.2.3(peer)` and `name@1.2.3(peer)`.
    At,
}

/// `(name, version)` from a package key, peer suffix removed.
fn parse_id(id: &str, style: Style) -> Option<(String, String)> {
    let id = id.strip_prefix('/').unwrap_or(id);
    match style {
        Style::At => {
            let base = id.split('(').next().unwrap_or(id);
            let at = base.get(1..)?.find('@')? + 1;
            let name = base.get(..at)?;
            let version = base.get(at + 1..)?;
            (!version.is_empty()).then(|| (name.to_string(), version.to_string()))
        }
        Style::Slash => {
            let parts: Vec<&str> = id.splitn(3, '/').collect();
            let (name, rest) = if id.starts_with('@') {
                match parts.as_slice() {
                    [scope, name, rest] => (format!("{scope}/{name}"), *rest),
                    _ => return None,
                }
            } else {
                match parts.as_slice() {
                    [name, rest] => ((*name).to_string(), *rest),
                    _ => return None,
                }
            };
            let version = rest.split('_').next().unwrap_or(rest);
            (!version.is_empty() && !version.contains('/')).then(|| (name, version.to_string()))
        }
    }
}

/// Package keys a dependency reference can point at.
fn candidates(name: &str, reference: &str, style: Style) -> Vec<String> {
    let r = reference.trim();
    if let Some(abs) = r.strip_prefix('/') {
        return vec![abs.to_string()];
    }
    let joined = match style {
        Style::Slash => format!("{name}/{r}"),
        Style::At => format!("{name}@{r}"),
    };
    vec![joined, r.to_string()]
}

/// A dependency reference from an importer or package: the resolved version string.
fn reference(v: &yaml::Node) -> Option<&str> {
    v.as_str()
        .or_else(|| v.get("version").and_then(yaml::Node::as_str))
}

struct Info {
    name: String,
    version: VersionSpec,
    span: Span,
    hashes: Vec<(String, String)>,
    properties: BTreeMap<String, String>,
    /// `Some(true)` dev/optional flag set, `Some(false)` explicitly required, `None` unknown.
    optional_flag: Option<bool>,
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let doc = match yaml::parse(text) {
        Ok(d) => d,
        Err(e) => {
            out.diag_at(
                Severity::Error,
                e.line,
                e.column,
                format!("pnpm-lock.yaml is not valid YAML: {}", e.message),
            );
            return out.finish();
        }
    };
    if !doc.is_map() {
        if !matches!(doc.kind, yaml::Kind::Null) {
            out.diag(
                Severity::Error,
                doc.span,
                "expected a YAML mapping at the top level",
            );
        }
        return out.finish();
    }
    let version_text = doc
        .get("lockfileVersion")
        .and_then(yaml::Node::as_str)
        .unwrap_or("")
        .trim_matches(['\'', '"'])
        .to_string();
    let major: u32 = version_text
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let style = if major >= 6 {
        Style::At
    } else if major == 0 {
        // Unknown: v6+ keys contain `@` after the name.
        let at_style = doc.get("packages").is_some_and(|p| {
            p.entries().iter().any(|(k, _)| {
                let id = k.text.strip_prefix('/').unwrap_or(&k.text);
                id.get(1..)
                    .is_some_and(|r| r.split('/').next().unwrap_or("").contains('@'))
                    || (!id.starts_with('@') && id.contains('@'))
            })
        });
        if doc.get("lockfileVersion").is_none() {
            out.diag(
                Severity::Warning,
                doc.span,
                "no `lockfileVersion`; guessing the key format",
            );
        }
        if at_style { Style::At } else { Style::Slash }
    } else {
        Style::Slash
    };

    // Package metadata by id (leading `/` removed).
    let mut infos: BTreeMap<String, Info> = BTreeMap::new();
    let mut local: BTreeSet<String> = BTreeSet::new();
    if let Some(p) = doc.get("packages") {
        if !p.is_map() && !matches!(p.kind, yaml::Kind::Null) {
            out.diag(Severity::Error, p.span, "`packages` should be a mapping");
        }
        for (k, v) in p.entries() {
            let id = k.text.strip_prefix('/').unwrap_or(&k.text).to_string();
            match package_info(&id, k.span, v, style, &mut out) {
                Some(info) => {
                    infos.insert(id, info);
                }
                None => {
                    local.insert(id);
                }
            }
        }
    }

    // Graph nodes: v9 snapshots, else the packages themselves.
    let snapshots = doc.get("snapshots").filter(|s| s.is_map());
    let node_source = snapshots.or_else(|| doc.get("packages"));
    let mut nodes: Vec<(String, &yaml::Node, Span)> = Vec::new();
    for (k, v) in node_source.map(yaml::Node::entries).unwrap_or(&[]) {
        nodes.push((
            k.text.strip_prefix('/').unwrap_or(&k.text).to_string(),
            v,
            k.span,
        ));
    }
    let mut node_index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (id, _, _)) in nodes.iter().enumerate() {
        node_index.insert(id.clone(), i);
    }
    // Node → package id (v9 snapshots map to their package without the peer suffix).
    let base_of = |id: &str| -> Option<String> {
        if infos.contains_key(id) || local.contains(id) {
            return Some(id.to_string());
        }
        let cut = id.split('(').next().unwrap_or(id);
        (infos.contains_key(cut) || local.contains(cut)).then(|| cut.to_string())
    };
    let mut node_info: Vec<Option<String>> = Vec::with_capacity(nodes.len());
    for (id, _, span) in &nodes {
        let b = base_of(id);
        if b.is_none() && snapshots.is_some() {
            out.diag(
                Severity::Warning,
                *span,
                format!("snapshot `{id}` has no entry under `packages`"),
            );
        }
        node_info.push(b);
    }
    // v9 snapshot flags.
    let mut snapshot_optional: BTreeSet<String> = BTreeSet::new();
    if snapshots.is_some() {
        for ((_, v, _), b) in nodes.iter().zip(&node_info) {
            if v.get("optional").is_some_and(yaml::Node::is_true)
                && let Some(b) = b
            {
                snapshot_optional.insert(b.clone());
            }
        }
    }

    let resolve = |name: &str, r: &str| -> Option<usize> {
        candidates(name, r, style)
            .iter()
            .find_map(|c| node_index.get(c).copied())
    };
    let key_of = |node: usize| -> Option<(Ecosystem, String, VersionSpec)> {
        let info = infos.get(node_info.get(node)?.as_ref()?)?;
        Some((Ecosystem::Npm, info.name.clone(), info.version.clone()))
    };

    // Edges between packages.
    let mut adjacency: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (i, (id, v, span)) in nodes.iter().enumerate() {
        for (field, warn) in [("dependencies", true), ("optionalDependencies", false)] {
            for (dk, dv) in v.get(field).map(yaml::Node::entries).unwrap_or(&[]) {
                let Some(r) = reference(dv) else { continue };
                if r.starts_with("link:") {
                    continue;
                }
                match resolve(&dk.text, r) {
                    Some(j) => {
                        adjacency.entry(i).or_default().insert(j);
                        if let (Some(from), Some(to)) = (key_of(i), key_of(j)) {
                            out.edge(Some(from), to);
                        }
                    }
                    None if warn => out.diag(
                        Severity::Warning,
                        *span,
                        format!(
                            "`{id}` depends on `{}` {r}, which has no package entry",
                            dk.text
                        ),
                    ),
                    None => {}
                }
            }
        }
    }

    // Importers.
    let mut importers: Vec<&yaml::Node> = Vec::new();
    match doc.get("importers") {
        Some(imp) => importers.extend(imp.entries().iter().map(|(_, v)| v)),
        None => importers.push(&doc),
    }
    let mut roots: Vec<(usize, Reach)> = Vec::new();
    for imp in importers {
        for (field, reach) in [
            ("dependencies", Reach::Required),
            ("optionalDependencies", Reach::Optional),
            ("devDependencies", Reach::Optional),
        ] {
            for (dk, dv) in imp.get(field).map(yaml::Node::entries).unwrap_or(&[]) {
                let Some(r) = reference(dv) else { continue };
                if r.starts_with("link:") {
                    continue;
                }
                match resolve(&dk.text, r) {
                    Some(j) => {
                        roots.push((j, reach));
                        if let Some(to) = key_of(j) {
                            out.edge(None, to);
                        }
                    }
                    None => {
                        if !r.starts_with("file:") {
                            out.diag(
                                Severity::Warning,
                                dk.span,
                                format!("`{}` {r} is declared but has no package entry", dk.text),
                            );
                        }
                    }
                }
            }
        }
    }
    let reach = propagate_reach(nodes.len(), &adjacency, &roots);
    let mut direct: BTreeSet<String> = BTreeSet::new();
    let mut reach_by_info: BTreeMap<String, Reach> = BTreeMap::new();
    for (i, b) in node_info.iter().enumerate() {
        let Some(b) = b else { continue };
        if let Some(r) = reach.get(&i) {
            let e = reach_by_info.entry(b.clone()).or_insert(*r);
            *e = (*e).min(*r);
        }
    }
    for (j, _) in &roots {
        if let Some(Some(b)) = node_info.get(*j) {
            direct.insert(b.clone());
        }
    }

    for (id, info) in infos {
        let (namespace, bare) = split_npm_name(&info.name);
        let mut c: Component = component(Ecosystem::Npm, namespace, bare, info.version);
        c.hashes = info.hashes;
        c.properties = info.properties;
        c.direct = direct.contains(&id);
        let optional = match info.optional_flag {
            Some(f) => f,
            None => {
                reach_by_info.get(&id) == Some(&Reach::Optional)
                    || (snapshot_optional.contains(&id) && !reach_by_info.contains_key(&id))
            }
        };
        if optional {
            c.scope = Scope::Optional;
        }
        c.evidence.push(out.evidence(info.span));
        out.components.push(c);
    }
    out.finish()
}

/// Metadata of one `packages` entry, or `None` for local folders (and invalid entries, which
/// get a diagnostic).
fn package_info(
    id: &str,
    span: Span,
    v: &yaml::Node,
    style: Style,
    out: &mut Out<'_>,
) -> Option<Info> {
    let resolution = v.get("resolution");
    if resolution.and_then(|r| r.get("directory")).is_some()
        || resolution
            .and_then(|r| r.get("type"))
            .and_then(yaml::Node::as_str)
            == Some("directory")
    {
        return None;
    }
    let parsed = parse_id(id, style);
    // Non-registry keys (`github.com/org/repo/sha`) do not name the package: the evidence then
    // runs from the key to the `name` field.
    let span = match v.get("name") {
        Some(n) if n.span.end > span.end => span.cover(n.span),
        _ => span,
    };
    let name = v
        .get("name")
        .and_then(yaml::Node::as_str)
        .map(str::to_string)
        .or_else(|| parsed.as_ref().map(|(n, _)| n.clone()));
    let Some(name) = name else {
        out.diag(
            Severity::Warning,
            span,
            format!("cannot tell the package name and version from key `{id}`"),
        );
        return None;
    };
    if !is_npm_name(&name) {
        out.diag(
            Severity::Warning,
            span,
            format!("`{name}` (key `{id}`) is not a valid npm package name"),
        );
        return None;
    }
    let mut properties = BTreeMap::new();
    let written = v
        .get("version")
        .and_then(yaml::Node::as_str)
        .map(str::to_string)
        .or_else(|| parsed.map(|(_, ver)| ver));
    let version = match written {
        Some(w) if w.starts_with("file:") || w.starts_with("link:") => return None,
        Some(w) if w.starts_with(|c: char| c.is_ascii_digit()) => VersionSpec::Exact(w),
        Some(w) => {
            properties.insert("resolved".to_string(), w);
            VersionSpec::Unpinned
        }
        None => {
            out.diag(
                Severity::Warning,
                span,
                format!("package `{id}` has no version"),
            );
            VersionSpec::Unpinned
        }
    };
    let mut hashes = Vec::new();
    if let Some(r) = resolution {
        if let Some(sri) = r.get("integrity").and_then(yaml::Node::as_str) {
            let (h, bad) = sri_hashes(sri);
            hashes = h;
            for b in bad {
                out.diag(
                    Severity::Warning,
                    span,
                    format!("`{id}`: integrity value `{b}` is not a known algorithm with a valid base64 digest"),
                );
            }
        }
        for (field, prop) in [
            ("tarball", "tarball"),
            ("repo", "repo"),
            ("commit", "commit"),
        ] {
            if let Some(s) = r.get(field).and_then(yaml::Node::as_str) {
                properties.insert(prop.to_string(), s.to_string());
            }
        }
    } else if v.entries().is_empty() {
        // Every real entry has at least a resolution; an empty one means a cut-off file.
        out.diag(
            Severity::Warning,
            span,
            format!("package `{id}` has no `resolution` (truncated file?)"),
        );
    }
    let flag = |k: &str| v.get(k).and_then(yaml::Node::as_str);
    let optional_flag = match (flag("dev"), flag("optional")) {
        (_, Some("true")) => Some(true),
        (Some("true"), _) => Some(true),
        (Some("false"), _) => Some(false),
        _ => None,
    };
    if flag("dev") == Some("true") {
        properties.insert("dev".to_string(), "true".to_string());
    }
    if flag("optional") == Some("true") {
        properties.insert("optional".to_string(), "true".to_string());
    }
    // Install scripts run during the image build: worth knowing.
    if v.get("requiresBuild").is_some_and(yaml::Node::is_true) {
        properties.insert("requiresBuild".to_string(), "true".to_string());
    }
    Some(Info {
        name,
        version,
        span,
        hashes,
        properties,
        optional_flag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse() {
        assert_eq!(
            parse_id("/@babel/core/7.1.0_eslint@8.0.0", Style::Slash),
            Some(("@babel/core".into(), "7.1.0".into()))
        );
        assert_eq!(
            parse_id("/lodash/4.17.21", Style::Slash),
            Some(("lodash".into(), "4.17.21".into()))
        );
        assert_eq!(
            parse_id("/@types/node@20.1.0(x@1)", Style::At),
            Some(("@types/node".into(), "20.1.0".into()))
        );
        assert_eq!(
            parse_id("react-dom@18.2.0(react@18.2.0)", Style::At),
            Some(("react-dom".into(), "18.2.0".into()))
        );
        assert_eq!(parse_id("github.com/a/b/abc", Style::Slash), None);
    }
}
