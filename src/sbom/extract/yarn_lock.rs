//! `yarn.lock`, both formats:
//!
//! - classic (Yarn 1): `"a@^1", a@~1.2:` headers at column 0, two-space-indented
//!   `version "x"`, `resolved "…"`, `integrity sha512-…` fields and `dependencies:` /
//!   `optionalDependencies:` maps of `name "range"`. Read with a small line parser that follows
//!   Yarn's own lockfile grammar.
//! - berry (Yarn 2+): YAML with a `__metadata` entry and `"a@npm:^1.0.0, a@npm:^1.2.0":` keys,
//!   `version`, `resolution`, `checksum`, `languageName`, `linkType`. Entries with
//!   `linkType: soft` (workspaces, `link:` and `portal:` folders) are the project; what they
//!   depend on is direct. `checksum` is Yarn's hash of its own cache archive, not of the npm
//!   tarball, so it is kept as the `checksum` property, not as a component hash.
//!
//! A yarn.lock does not say which dependencies are dev-only or (classic) which are direct. The
//! `package.json` next to it, when scanned, supplies both: dependencies reachable only from
//! `devDependencies` / `optionalDependencies` are optional. Without it, classic entries that no
//! other entry depends on are taken as direct.

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{
    NpmDepKind, Out, Reach, component, is_npm_name, json, package_json_deps, propagate_reach,
    sibling_package_json, split_npm_name, sri_hashes, yaml,
};
use super::{ExtractContext, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Ecosystem, Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "yarn.lock"
}

/// A lock entry in either format, before it becomes a component.
struct Entry {
    /// Descriptors of the header (`name@range`).
    descriptors: Vec<String>,
    span: Span,
    name: Option<String>,
    version: Option<String>,
    /// Project entries (berry `linkType: soft`, classic `file:` / `link:`).
    project: bool,
    /// Root workspace (berry `@workspace:.`).
    root_workspace: bool,
    hashes: Vec<(String, String)>,
    properties: BTreeMap<String, String>,
    /// `(name, range, required)`.
    deps: Vec<(String, String, bool)>,
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();
    let berry = text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    let entries = if berry {
        parse_berry(&mut out)
    } else {
        parse_classic(&mut out)
    };
    build(
        &mut out,
        entries,
        berry,
        sibling_package_json(cx, &file.path),
    );
    out.finish()
}

/// `name@range` → (name, range); the name may be scoped (`@s/n@^1`).
fn split_descriptor(d: &str) -> Option<(&str, &str)> {
    let at = d.get(1..)?.find('@')? + 1;
    Some((d.get(..at)?, d.get(at + 1..)?))
}

/// The package an entry installs: aliases (`alias@npm:real@^1`) install `real`.
fn real_name(descriptor: &str) -> Option<String> {
    let (name, range) = split_descriptor(descriptor)?;
    if let Some(target) = range.strip_prefix("npm:")
        && let Some((real, _)) = split_descriptor(target)
    {
        return Some(real.to_string());
    }
    Some(name.to_string())
}

/// Ranges that point into the project (workspaces, folders): never lock entries of their own in
/// classic locks, and in berry only under the descriptors Yarn chose.
fn is_local_range(range: &str) -> bool {
    ["workspace:", "link:", "portal:", "file:"]
        .iter()
        .any(|p| range.starts_with(p))
}

/// The descriptor a berry `patch:` descriptor patches: `ts@patch:ts@npm%3A^5#builtin<…>` →
/// `ts@npm:^5`.
fn patched_descriptor(descriptor: &str) -> Option<String> {
    let (_, range) = split_descriptor(descriptor)?;
    let inner = range.strip_prefix("patch:")?;
    let inner = inner.split('#').next().unwrap_or(inner);
    Some(
        inner
            .replace("%3A", ":")
            .replace("%3a", ":")
            .replace("%40", "@"),
    )
}

fn build(out: &mut Out<'_>, entries: Vec<Entry>, berry: bool, package_json: Option<json::Value>) {
    // Descriptor → entry index.
    let mut by_descriptor: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for d in &e.descriptors {
            by_descriptor.insert(d.as_str(), i);
        }
    }
    let lookup = |name: &str, range: &str| -> Option<usize> {
        let d = format!("{name}@{range}");
        by_descriptor
            .get(d.as_str())
            .or_else(|| by_descriptor.get(format!("{name}@npm:{range}").as_str()))
            .copied()
    };

    // Components.
    let mut comps: Vec<Option<Component>> = Vec::with_capacity(entries.len());
    for e in &entries {
        comps.push(make_component(e, out));
    }

    // Edges and the graph for scope propagation.
    let mut adjacency: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut depended_on: BTreeSet<usize> = BTreeSet::new();
    // A patched package stands on the package it patches.
    for (i, e) in entries.iter().enumerate() {
        for d in &e.descriptors {
            if let Some(j) =
                patched_descriptor(d).and_then(|p| by_descriptor.get(p.as_str()).copied())
            {
                adjacency.entry(i).or_default().insert(j);
                depended_on.insert(j);
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        for (name, range, required) in &e.deps {
            match lookup(name, range) {
                Some(j) => {
                    depended_on.insert(j);
                    adjacency.entry(i).or_default().insert(j);
                    let to = comps.get(j).and_then(|c| c.as_ref()).map(Component::key);
                    let from = comps.get(i).and_then(|c| c.as_ref()).map(Component::key);
                    if let Some(to) = to {
                        if e.project {
                            out.edge(None, to);
                        } else if let Some(from) = from {
                            out.edge(Some(from), to);
                        }
                    }
                }
                None if *required && !is_local_range(range) => out.diag(
                    Severity::Warning,
                    e.span,
                    format!("dependency `{name}@{range}` has no entry in the lock"),
                ),
                None => {}
            }
        }
    }

    // Roots: project entries (berry), the package.json, or (classic without one) entries
    // nothing depends on.
    let mut roots: Vec<(usize, Reach)> = Vec::new();
    let declared: Vec<(String, String, NpmDepKind)> = package_json
        .as_ref()
        .map(package_json_deps)
        .unwrap_or_default();
    let kind_of = |name: &str| -> Option<NpmDepKind> {
        declared
            .iter()
            .filter(|(n, _, _)| n == name)
            .map(|(_, _, k)| *k)
            .min()
    };
    for e in &entries {
        if !e.project {
            continue;
        }
        for (name, range, _) in &e.deps {
            if let Some(j) = lookup(name, range) {
                let reach = match (e.root_workspace, kind_of(name)) {
                    (true, Some(k)) => k.reach(),
                    _ => Reach::Required,
                };
                roots.push((j, reach));
            }
        }
    }
    if !berry || roots.is_empty() {
        if package_json.is_some() {
            for (name, range, kind) in &declared {
                if let Some(j) = lookup(name, range) {
                    roots.push((j, kind.reach()));
                }
            }
        } else if !berry {
            for i in 0..entries.len() {
                if !depended_on.contains(&i) {
                    roots.push((i, Reach::Required));
                }
            }
        }
    }
    let reach = propagate_reach(entries.len(), &adjacency, &roots);
    let direct: BTreeSet<usize> = roots.iter().map(|(i, _)| *i).collect();

    for (i, c) in comps.into_iter().enumerate() {
        let Some(mut c) = c else { continue };
        c.direct = direct.contains(&i);
        if reach.get(&i) == Some(&Reach::Optional) {
            c.scope = Scope::Optional;
        }
        if c.direct {
            out.edge(None, c.key());
        }
        out.components.push(c);
    }
}

fn make_component(e: &Entry, out: &mut Out<'_>) -> Option<Component> {
    if e.project {
        return None;
    }
    let name = e
        .name
        .clone()
        .or_else(|| e.descriptors.first().and_then(|d| real_name(d)))?;
    if !is_npm_name(&name) {
        out.diag(
            Severity::Warning,
            e.span,
            format!("`{name}` is not a valid npm package name"),
        );
        return None;
    }
    let version = match &e.version {
        Some(v) if !v.trim().is_empty() => VersionSpec::Exact(v.trim().to_string()),
        _ => {
            out.diag(
                Severity::Warning,
                e.span,
                format!("entry for `{name}` has no `version` (truncated file?)"),
            );
            VersionSpec::Unpinned
        }
    };
    let (namespace, bare) = split_npm_name(&name);
    let mut c = component(Ecosystem::Npm, namespace, bare, version);
    c.hashes = e.hashes.clone();
    c.properties = e.properties.clone();
    c.evidence.push(out.evidence(e.span));
    Some(c)
}

// ---------------------------------------------------------------------------------------------
// Classic (v1)

/// One token of a classic line.
#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Colon,
    Comma,
}

/// Tokenizes one line of the classic format. `Err` carries the byte offset in the line and
/// what is wrong.
fn tokenize(line: &str) -> Result<Vec<Tok>, (usize, &'static str)> {
    let mut toks = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' => i += 1,
            b'#' if toks.is_empty() => break,
            b':' => {
                toks.push(Tok::Colon);
                i += 1;
            }
            b',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut s = String::new();
                loop {
                    match b.get(i) {
                        None => return Err((start, "unterminated quoted string")),
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            match b.get(i + 1) {
                                Some(b'"') => s.push('"'),
                                Some(b'\\') => s.push('\\'),
                                Some(b'n') => s.push('\n'),
                                Some(b't') => s.push('\t'),
                                Some(b'/') => s.push('/'),
                                _ => return Err((i, "unsupported escape in quoted string")),
                            }
                            i += 2;
                        }
                        Some(_) => {
                            let rest = line.get(i..).unwrap_or("");
                            let ch = rest.chars().next().unwrap_or('\u{fffd}');
                            s.push(ch);
                            i += ch.len_utf8().max(1);
                        }
                    }
                }
                toks.push(Tok::Word(s));
            }
            _ => {
                let start = i;
                while let Some(&c) = b.get(i) {
                    if matches!(c, b' ' | b'\t' | b',' | b'"')
                        || (c == b':' && matches!(b.get(i + 1), None | Some(b' ' | b'\t')))
                    {
                        break;
                    }
                    i += 1;
                }
                toks.push(Tok::Word(line.get(start..i).unwrap_or("").to_string()));
            }
        }
    }
    Ok(toks)
}

fn parse_classic(out: &mut Out<'_>) -> Vec<Entry> {
    let text = out.text();
    let mut entries: Vec<Entry> = Vec::new();
    // The nested map being filled: (field name, entry index).
    let mut nested: Option<String> = None;
    let mut offset = 0usize;
    let mut saw_header_problem = false;
    for raw in text.split_inclusive('\n') {
        let mut line_start = offset;
        offset += raw.len();
        let mut line = raw.trim_end_matches(['\n', '\r']);
        if line_start == 0
            && let Some(rest) = line.strip_prefix('\u{feff}')
        {
            line = rest;
            line_start = 3;
        }
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let lspan = Span::new(line_start, line_start + line.len());
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') {
            out.diag(
                Severity::Warning,
                lspan,
                "tab indentation; yarn.lock indents with spaces",
            );
            continue;
        }
        let toks = match tokenize(content) {
            Ok(t) => t,
            Err((at, what)) => {
                let s = line_start + indent + at;
                out.diag(
                    Severity::Warning,
                    Span::new(s, lspan.end.max(s)),
                    format!("{what}; line skipped"),
                );
                if indent == 0 {
                    nested = None;
                    saw_header_problem = true;
                }
                continue;
            }
        };
        match indent {
            0 => {
                nested = None;
                // `descriptor[, descriptor…]:`
                let mut descriptors = Vec::new();
                let mut ok = matches!(toks.last(), Some(Tok::Colon));
                let body = toks.len().saturating_sub(1);
                for (k, t) in toks.iter().take(body).enumerate() {
                    match (k % 2, t) {
                        (0, Tok::Word(w)) => descriptors.push(w.clone()),
                        (1, Tok::Comma) => {}
                        _ => ok = false,
                    }
                }
                if !ok || descriptors.is_empty() {
                    out.diag(
                        Severity::Warning,
                        lspan,
                        "expected an entry header like `\"name@range\", name@range2:`; entry skipped",
                    );
                    saw_header_problem = true;
                    continue;
                }
                saw_header_problem = false;
                let project = descriptors.iter().any(|d| {
                    split_descriptor(d).is_some_and(|(_, r)| {
                        r.starts_with("file:") || r.starts_with("link:") || r.starts_with("portal:")
                    })
                });
                entries.push(Entry {
                    descriptors,
                    span: lspan,
                    name: None,
                    version: None,
                    project,
                    root_workspace: false,
                    hashes: Vec::new(),
                    properties: BTreeMap::new(),
                    deps: Vec::new(),
                });
            }
            2 | 4 => {
                let Some(e) = entries.last_mut() else {
                    if !saw_header_problem {
                        out.diag(
                            Severity::Warning,
                            lspan,
                            "indented line outside any entry; skipped",
                        );
                    }
                    continue;
                };
                if saw_header_problem {
                    continue;
                }
                e.span = e.span.cover(lspan);
                if indent == 4 {
                    let Some(field) = &nested else {
                        out.diag(
                            Severity::Warning,
                            lspan,
                            "unexpected indentation; line skipped",
                        );
                        continue;
                    };
                    match toks.as_slice() {
                        [Tok::Word(n), Tok::Word(r)] => {
                            if field == "dependencies" || field == "optionalDependencies" {
                                e.deps.push((n.clone(), r.clone(), field == "dependencies"));
                            }
                        }
                        _ => out.diag(
                            Severity::Warning,
                            lspan,
                            format!("expected `name \"range\"` in `{field}`; line skipped"),
                        ),
                    }
                    continue;
                }
                match toks.as_slice() {
                    [Tok::Word(k), Tok::Colon] => nested = Some(k.clone()),
                    [Tok::Word(k), Tok::Word(v)] => {
                        nested = None;
                        match k.as_str() {
                            "version" => e.version = Some(v.clone()),
                            "resolved" => {
                                // `…/pkg-1.0.0.tgz#<sha1>`: the fragment is the tarball's SHA-1
                                // (for git URLs it is a commit, not a file hash).
                                if e.hashes.is_empty()
                                    && let Some((url, frag)) = v.rsplit_once('#')
                                    && url.ends_with(".tgz")
                                    && frag.len() == 40
                                    && frag.bytes().all(|b| b.is_ascii_hexdigit())
                                {
                                    e.properties.insert(
                                        "resolvedSha1".to_string(),
                                        frag.to_ascii_lowercase(),
                                    );
                                }
                                e.properties.insert("resolved".to_string(), v.clone());
                            }
                            "integrity" => {
                                let (hashes, bad) = sri_hashes(v);
                                e.hashes = hashes;
                                for b in bad {
                                    out.diag(
                                        Severity::Warning,
                                        lspan,
                                        format!("integrity value `{b}` is not a known algorithm with a valid base64 digest"),
                                    );
                                }
                            }
                            "uid" | "languageName" | "linkType" => {}
                            _ => {}
                        }
                    }
                    _ => {
                        nested = None;
                        out.diag(
                            Severity::Warning,
                            lspan,
                            "expected `field value` or `field:`; line skipped",
                        );
                    }
                }
            }
            _ => out.diag(
                Severity::Warning,
                lspan,
                format!("unexpected indentation of {indent} spaces; line skipped"),
            ),
        }
    }
    // A resolved URL's `#sha1` fragment is a hash of the tarball when there is no integrity.
    for e in &mut entries {
        if e.hashes.is_empty()
            && let Some(sha1) = e.properties.remove("resolvedSha1")
        {
            e.hashes.push(("SHA-1".to_string(), sha1));
        } else {
            e.properties.remove("resolvedSha1");
        }
    }
    entries
}

// ---------------------------------------------------------------------------------------------
// Berry (v2+)

fn parse_berry(out: &mut Out<'_>) -> Vec<Entry> {
    let text = out.text();
    let doc = match yaml::parse(text) {
        Ok(d) => d,
        Err(e) => {
            out.diag_at(
                Severity::Error,
                e.line,
                e.column,
                format!("yarn.lock (berry) is not valid YAML: {}", e.message),
            );
            return Vec::new();
        }
    };
    if !doc.is_map() {
        out.diag(
            Severity::Error,
            doc.span,
            "expected a YAML mapping of lock entries",
        );
        return Vec::new();
    }
    let mut entries = Vec::new();
    for (key, node) in doc.entries() {
        if key.text == "__metadata" {
            continue;
        }
        let descriptors: Vec<String> = key
            .text
            .split(',')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        if !node.is_map() {
            out.diag(
                Severity::Warning,
                key.span,
                format!("entry `{}` should be a mapping; skipped", key.text),
            );
            continue;
        }
        let resolution = node.get("resolution").and_then(yaml::Node::as_str);
        let protocol = resolution
            .and_then(split_descriptor)
            .map(|(_, r)| r.split(':').next().unwrap_or(""));
        let soft = node.get("linkType").and_then(yaml::Node::as_str) == Some("soft");
        let project = soft || matches!(protocol, Some("workspace" | "link" | "portal" | "file"));
        let root_workspace = resolution.is_some_and(|r| r.ends_with("@workspace:."));
        let name = resolution
            .and_then(split_descriptor)
            .map(|(n, _)| n.to_string())
            .or_else(|| descriptors.first().and_then(|d| real_name(d)));
        let mut properties = BTreeMap::new();
        if let Some(r) = resolution {
            properties.insert("resolution".to_string(), r.to_string());
        }
        if protocol == Some("patch") {
            properties.insert("patched".to_string(), "true".to_string());
        }
        if let Some(c) = node.get("checksum").and_then(yaml::Node::as_str) {
            properties.insert("checksum".to_string(), c.to_string());
        }
        if let Some(c) = node.get("conditions").and_then(yaml::Node::as_str) {
            properties.insert("conditions".to_string(), c.to_string());
        }
        let mut deps = Vec::new();
        for (field, required) in [("dependencies", true), ("optionalDependencies", false)] {
            if let Some(d) = node.get(field) {
                for (k, v) in d.entries() {
                    let range = v.as_str().unwrap_or("").to_string();
                    deps.push((k.text.clone(), range, required));
                }
            }
        }
        // Optional dependencies are also listed under `dependencies` with
        // `dependenciesMeta.<name>.optional: true`.
        if let Some(meta) = node.get("dependenciesMeta") {
            for (k, v) in meta.entries() {
                if v.get("optional").is_some_and(yaml::Node::is_true) {
                    for d in deps.iter_mut().filter(|d| d.0 == k.text) {
                        d.2 = false;
                    }
                }
            }
        }
        entries.push(Entry {
            descriptors,
            span: key.span,
            name,
            version: node
                .get("version")
                .and_then(yaml::Node::as_str)
                .map(str::to_string),
            project,
            root_workspace,
            hashes: Vec::new(),
            properties,
            deps,
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_split() {
        assert_eq!(split_descriptor("@a/b@^1"), Some(("@a/b", "^1")));
        assert_eq!(split_descriptor("a@npm:b@1"), Some(("a", "npm:b@1")));
        assert_eq!(split_descriptor("a"), None);
        assert_eq!(real_name("a@npm:@s/b@^1").as_deref(), Some("@s/b"));
    }

    #[test]
    fn tokenizes_classic_lines() {
        assert_eq!(
            tokenize("\"@a/b@^1\", c@~2:").unwrap(),
            vec![
                Tok::Word("@a/b@^1".into()),
                Tok::Comma,
                Tok::Word("c@~2".into()),
                Tok::Colon
            ]
        );
        assert_eq!(
            tokenize("resolved \"https://x/y.tgz#abc\"").unwrap(),
            vec![
                Tok::Word("resolved".into()),
                Tok::Word("https://x/y.tgz#abc".into())
            ]
        );
        assert!(tokenize("version \"1.0").is_err());
    }
}
