//! `packages.lock.json` (NuGet lock file, versions 1 and 2): per target framework (and
//! runtime identifier) every resolved package with its type (`Direct`, `Transitive`,
//! `CentralTransitive`, `Project`), requested range, SHA-512 content hash and dependencies.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, dir_of, file_name};
use crate::sbom::model::{Extracted, VersionSpec};
use crate::source::{SourceFile, Span};

use super::json::{self, Entry};
use super::{
    Builder, Key, apply_build_only, apply_resolved, build_only, ends_with_ci, key_exact, load_json,
    msbuild, nuget, sha512_hash, version,
};

pub fn wants(path: &str) -> bool {
    let name = file_name(path);
    name.eq_ignore_ascii_case("packages.lock.json")
        || (name
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("packages."))
            && ends_with_ci(name, ".lock.json"))
}

/// Resolved versions of the packages (not projects) a lock file lists, by lowercase id (one
/// version per target framework at most; normalized), or `None` when it cannot be read. Used by
/// the project extractor: the lock's resolution wins over static evaluation. A package whose
/// `resolved` is missing or invalid is listed with no versions.
pub fn locked_versions(text: &str) -> Option<BTreeMap<String, super::Resolved>> {
    let top = json::object(text, json::parse(text).ok()?)?;
    let deps = json::object(text, json::get(&top, "dependencies")?.value)?;
    let mut out: BTreeMap<String, super::Resolved> = BTreeMap::new();
    for tfm in deps {
        for pkg in json::object(text, tfm.value).unwrap_or_default() {
            let body = json::object(text, pkg.value).unwrap_or_default();
            let ty = json::get(&body, "type").and_then(|t| json::string(t.value));
            if ty.is_some_and(|t| t.eq_ignore_ascii_case("project")) {
                continue;
            }
            let id = pkg.key.trim();
            let entry = out
                .entry(id.to_ascii_lowercase())
                .or_insert_with(|| super::Resolved::new(id));
            if let Some(v) = json::get(&body, "resolved").and_then(|r| json::string(r.value))
                && let Ok(n) = version::normalize(&v)
            {
                entry.versions.insert(n);
            }
        }
    }
    Some(out)
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let text = file.text.as_str();
    let Some(top) = load_json(&mut b, file, text) else {
        return b.finish();
    };
    match json::get(&top, "version") {
        Some(v) => {
            let ver = json::scalar_text(v.value).unwrap_or_default();
            if ver != "1" && ver != "2" {
                b.diag(
                    file,
                    Severity::Note,
                    json::span(text, v.value),
                    format!("unknown packages.lock.json version {ver:?}; read as version 2"),
                );
            }
        }
        None => b.diag(
            file,
            Severity::Note,
            Span::empty(0),
            "packages.lock.json without a version",
        ),
    }
    let Some(deps_entry) = json::get(&top, "dependencies") else {
        b.diag(
            file,
            Severity::Error,
            Span::empty(0),
            "packages.lock.json has no \"dependencies\" object",
        );
        return b.finish();
    };
    let Some(tfms) = json::object(text, deps_entry.value) else {
        b.diag(
            file,
            Severity::Error,
            deps_entry.key_span,
            "\"dependencies\" is not an object",
        );
        return b.finish();
    };
    // What the project next to the lock file references privately (analyzers, build tools):
    // the lock does not record it.
    let projects = msbuild::projects_in(cx, dir_of(&file.path));
    let private = match projects.as_slice() {
        [project] => msbuild::private_packages(project, cx),
        _ => BTreeSet::new(),
    };
    for tfm in &tfms {
        read_framework(&mut b, file, text, tfm, &private);
    }
    b.finish()
}

fn read_framework(
    b: &mut Builder,
    file: &SourceFile,
    text: &str,
    tfm: &Entry<'_>,
    private: &BTreeSet<String>,
) {
    let Some(pkgs) = json::object(text, tfm.value) else {
        b.diag(
            file,
            Severity::Warning,
            tfm.key_span,
            format!("target {:?} is not an object", tfm.key),
        );
        return;
    };
    // Resolved versions in this framework, for dependency edges.
    let mut resolved: BTreeMap<String, String> = BTreeMap::new();
    let mut bodies = Vec::new();
    for p in &pkgs {
        let body = json::object(text, p.value).unwrap_or_default();
        let ty = json::get(&body, "type")
            .and_then(|t| json::string(t.value))
            .unwrap_or_default();
        if !ty.eq_ignore_ascii_case("project")
            && let Some(v) = json::get(&body, "resolved").and_then(|r| json::string(r.value))
            && let Ok(n) = version::normalize(&v)
        {
            resolved.insert(p.key.trim().to_ascii_lowercase(), n);
        }
        bodies.push((p, ty, body));
    }
    // Build-only packages: reachable only through the project's private references.
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut required: BTreeSet<String> = BTreeSet::new();
    for (p, ty, body) in &bodies {
        let id = p.key.trim().to_ascii_lowercase();
        let deps: Vec<String> = json::get(body, "dependencies")
            .and_then(|d| json::object(text, d.value))
            .unwrap_or_default()
            .iter()
            .map(|d| d.key.trim().to_ascii_lowercase())
            .collect();
        match ty.as_str() {
            "Project" | "project" => required.extend(deps.iter().cloned()),
            "Direct" if private.contains(&id) => {}
            "Transitive" | "CentralTransitive" => {}
            _ => {
                required.insert(id.clone());
            }
        }
        graph.insert(id, deps);
    }
    let direct_private: BTreeSet<String> = bodies
        .iter()
        .filter(|(p, ty, _)| ty == "Direct" && private.contains(&p.key.trim().to_ascii_lowercase()))
        .map(|(p, _, _)| p.key.trim().to_ascii_lowercase())
        .collect();
    let build_only = build_only(&graph, &direct_private, &required);
    for (p, ty, body) in bodies {
        if ty.eq_ignore_ascii_case("project") {
            continue;
        }
        if json::object(text, p.value).is_none() {
            b.diag(
                file,
                Severity::Warning,
                p.key_span,
                format!("{}: entry is not an object", p.key),
            );
            continue;
        }
        let mut c = nuget(&p.key, VersionSpec::Unpinned);
        match json::get(&body, "resolved") {
            Some(r) => match json::string(r.value) {
                Some(v) => apply_resolved(b, file, json::span(text, r.value), &v, &mut c),
                None => b.diag(
                    file,
                    Severity::Warning,
                    json::span(text, r.value),
                    format!("{}: \"resolved\" is not a string", p.key),
                ),
            },
            None => b.diag(
                file,
                Severity::Warning,
                p.key_span,
                format!(
                    "{}: no resolved version (truncated or hand-edited lock file?)",
                    p.key
                ),
            ),
        }
        match ty.as_str() {
            "Direct" => c.direct = true,
            "Transitive" => {}
            "CentralTransitive" => {
                c.properties
                    .insert("centralTransitive".into(), "true".into());
            }
            other => b.diag(
                file,
                Severity::Note,
                p.key_span,
                format!(
                    "{}: unknown dependency type {other:?}; read as transitive",
                    p.key
                ),
            ),
        }
        if let Some(req) = json::get(&body, "requested").and_then(|r| json::string(r.value)) {
            c.properties
                .insert("requested".into(), req.trim().to_string());
        }
        if let Some(h) = json::get(&body, "contentHash") {
            match json::string(h.value).as_deref().and_then(sha512_hash) {
                Some(hash) => c.hashes.push(hash),
                None => b.diag(
                    file,
                    Severity::Warning,
                    json::span(text, h.value),
                    format!("{}: contentHash is not a base64 SHA-512", p.key),
                ),
            }
        }
        c.properties
            .insert("targetFramework".into(), tfm.key.clone());
        let id = p.key.trim().to_ascii_lowercase();
        apply_build_only(&mut c, direct_private.contains(&id), &build_only);
        c.evidence.push(b.evidence(file, p.key_span));
        let direct = c.direct;
        let key = b.add(c);
        if direct {
            b.edge(None, key.clone());
        }
        add_edges(b, text, &body, &key, &resolved);
    }
}

fn add_edges(
    b: &mut Builder,
    text: &str,
    body: &[Entry<'_>],
    from: &Key,
    resolved: &BTreeMap<String, String>,
) {
    let Some(deps) = json::get(body, "dependencies").and_then(|d| json::object(text, d.value))
    else {
        return;
    };
    for d in deps {
        if let Some(v) = resolved.get(&d.key.trim().to_ascii_lowercase()) {
            b.edge(Some(from.clone()), key_exact(&d.key, v));
        }
    }
}
