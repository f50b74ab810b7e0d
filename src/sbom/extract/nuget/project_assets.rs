//! `obj/project.assets.json` (restore output, format version 3): `targets` (per framework and
//! runtime) list what restore resolved, `libraries` carry SHA-512 hashes, and the project's
//! direct references are in `projectFileDependencyGroups` / `project.frameworks`.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, file_name};
use crate::sbom::model::{Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

use super::json::{self, Entry};
use super::{
    Builder, apply_build_only, apply_declared, apply_resolved, build_only, key_exact, load_json,
    nuget, sha512_hash, version,
};

pub fn wants(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("project.assets.json")
}

/// A `libraries` entry.
struct Library {
    key: String,
    ty: String,
    sha512: Option<String>,
    span: Span,
}

/// What the project itself declares for one framework.
#[derive(Default)]
struct Declared {
    direct: BTreeSet<String>,
    private_all: BTreeSet<String>,
    auto_referenced: BTreeSet<String>,
}

/// Resolved package versions of a restore output (`libraries` of type `package`) by lowercase
/// id, normalized, or `None` when it cannot be read. Used by the project extractor: the
/// restore's resolution wins over static evaluation.
pub fn resolved_versions(text: &str) -> Option<BTreeMap<String, super::Resolved>> {
    let top = json::object(text, json::parse(text).ok()?)?;
    let libs = json::object(text, json::get(&top, "libraries")?.value)?;
    let mut out: BTreeMap<String, super::Resolved> = BTreeMap::new();
    for l in libs {
        let ty = json::object(text, l.value)
            .and_then(|o| json::get(&o, "type").and_then(|t| json::string(t.value)));
        if ty.is_some_and(|t| t.eq_ignore_ascii_case("package")) {
            let (name, v) = split_key(&l.key);
            let entry = out
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| super::Resolved::new(name));
            if let Ok(n) = version::normalize(v) {
                entry.versions.insert(n);
            }
        }
    }
    Some(out)
}

/// `Name/1.2.3` → (`Name`, `1.2.3`).
fn split_key(k: &str) -> (&str, &str) {
    match k.rsplit_once('/') {
        Some((n, v)) => (n.trim(), v.trim()),
        None => (k.trim(), ""),
    }
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let text = file.text.as_str();
    let Some(top) = load_json(&mut b, file, text) else {
        return b.finish();
    };
    if let Some(v) = json::get(&top, "version") {
        let ver = json::scalar_text(v.value).unwrap_or_default();
        if ver != "3" {
            b.diag(
                file,
                Severity::Note,
                json::span(text, v.value),
                format!("unknown project.assets.json version {ver:?}; read as version 3"),
            );
        }
    }
    // libraries: hashes and types.
    let mut libraries: BTreeMap<String, Library> = BTreeMap::new();
    if let Some(libs) = json::get(&top, "libraries").and_then(|l| json::object(text, l.value)) {
        for l in libs {
            let body = json::object(text, l.value).unwrap_or_default();
            let ty = json::get(&body, "type")
                .and_then(|t| json::string(t.value))
                .unwrap_or_default();
            let sha = json::get(&body, "sha512").and_then(|t| json::string(t.value));
            libraries.insert(
                l.key.trim().to_ascii_lowercase(),
                Library {
                    key: l.key.clone(),
                    ty,
                    sha512: sha,
                    span: l.key_span,
                },
            );
        }
    }
    let declared = read_declared(text, &top);
    let Some(targets) = json::get(&top, "targets").and_then(|t| json::object(text, t.value)) else {
        b.diag(
            file,
            Severity::Error,
            Span::empty(0),
            "project.assets.json has no \"targets\" object",
        );
        return b.finish();
    };
    let mut seen_libs: BTreeSet<String> = BTreeSet::new();
    for target in &targets {
        let fw = target
            .key
            .split('/')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let decl = declared.get(&fw).or_else(|| {
            (declared.len() == 1)
                .then(|| declared.values().next())
                .flatten()
        });
        read_target(&mut b, file, text, target, decl, &libraries, &mut seen_libs);
    }
    // Packages listed in libraries but in no target (should not happen; keep them).
    for (k, lib) in &libraries {
        if !lib.ty.eq_ignore_ascii_case("package") || seen_libs.contains(k) {
            continue;
        }
        let (name, ver) = split_key(&lib.key);
        let mut c = nuget(name, VersionSpec::Unpinned);
        apply_resolved(&mut b, file, lib.span, ver, &mut c);
        if let Some(h) = lib.sha512.as_deref().and_then(sha512_hash) {
            c.hashes.push(h);
        }
        c.evidence.push(b.evidence(file, lib.span));
        b.add(c);
    }
    // PackageDownload items.
    read_downloads(&mut b, file, text, &top);
    b.finish()
}

fn read_declared(text: &str, top: &[Entry<'_>]) -> BTreeMap<String, Declared> {
    let mut out: BTreeMap<String, Declared> = BTreeMap::new();
    // projectFileDependencyGroups: { ".NETCoreApp,Version=v8.0": ["Foo >= 1.0.0"] }
    if let Some(groups) =
        json::get(top, "projectFileDependencyGroups").and_then(|g| json::object(text, g.value))
    {
        for g in groups {
            let d = out.entry(g.key.trim().to_string()).or_default();
            for item in json::array(g.value).unwrap_or_default() {
                if let Some(s) = json::string(item)
                    && let Some(name) = s.split_whitespace().next()
                {
                    d.direct.insert(name.to_ascii_lowercase());
                }
            }
        }
    }
    // project.frameworks: { "net8.0": { "dependencies": { "Foo": { "target": "Package", … } } } }
    let Some(project) = json::get(top, "project").and_then(|p| json::object(text, p.value)) else {
        return out;
    };
    let Some(frameworks) =
        json::get(&project, "frameworks").and_then(|f| json::object(text, f.value))
    else {
        return out;
    };
    let single = out.len() == 1;
    for fw in frameworks {
        let body = json::object(text, fw.value).unwrap_or_default();
        let deps = json::get(&body, "dependencies")
            .and_then(|d| json::object(text, d.value))
            .unwrap_or_default();
        // Frameworks are keyed by alias here and by full name in targets; with one framework
        // they are the same, otherwise fall back to the alias.
        let key = if single {
            out.keys().next().cloned().unwrap_or_else(|| fw.key.clone())
        } else {
            fw.key.trim().to_string()
        };
        let d = out.entry(key).or_default();
        for dep in deps {
            let o = json::object(text, dep.value).unwrap_or_default();
            let target = json::get(&o, "target")
                .and_then(|t| json::string(t.value))
                .unwrap_or_else(|| "Package".into());
            if !target.eq_ignore_ascii_case("package") {
                continue;
            }
            let id = dep.key.trim().to_ascii_lowercase();
            d.direct.insert(id.clone());
            if json::get(&o, "suppressParent")
                .and_then(|t| json::string(t.value))
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("all"))
            {
                d.private_all.insert(id.clone());
            }
            if json::get(&o, "autoReferenced").and_then(|t| json::boolean(t.value)) == Some(true) {
                d.auto_referenced.insert(id);
            }
        }
    }
    out
}

fn read_target(
    b: &mut Builder,
    file: &SourceFile,
    text: &str,
    target: &Entry<'_>,
    decl: Option<&Declared>,
    libraries: &BTreeMap<String, Library>,
    seen_libs: &mut BTreeSet<String>,
) {
    let Some(entries) = json::object(text, target.value) else {
        b.diag(
            file,
            Severity::Warning,
            target.key_span,
            format!("target {:?} is not an object", target.key),
        );
        return;
    };
    let mut resolved: BTreeMap<String, String> = BTreeMap::new();
    for e in &entries {
        let (name, ver) = split_key(&e.key);
        if let Ok(v) = version::normalize(ver) {
            resolved.insert(name.to_ascii_lowercase(), v);
        }
    }
    // Build-only packages: reachable only through private (suppressParent=All) references.
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut required: BTreeSet<String> = BTreeSet::new();
    for e in &entries {
        let body = json::object(text, e.value).unwrap_or_default();
        let (name, _) = split_key(&e.key);
        let id = name.to_ascii_lowercase();
        let deps: Vec<String> = json::get(&body, "dependencies")
            .and_then(|d| json::object(text, d.value))
            .unwrap_or_default()
            .iter()
            .map(|d| d.key.trim().to_ascii_lowercase())
            .collect();
        let is_project = json::get(&body, "type")
            .and_then(|t| json::string(t.value))
            .is_some_and(|t| t.eq_ignore_ascii_case("project"));
        if is_project {
            required.extend(deps.iter().cloned());
        }
        graph.insert(id, deps);
    }
    let private: BTreeSet<String> = decl.map(|d| d.private_all.clone()).unwrap_or_default();
    if let Some(d) = decl {
        required.extend(d.direct.iter().filter(|id| !private.contains(*id)).cloned());
    }
    let build_only = build_only(&graph, &private, &required);
    for e in &entries {
        let body = json::object(text, e.value).unwrap_or_default();
        let ty = json::get(&body, "type")
            .and_then(|t| json::string(t.value))
            .unwrap_or_default();
        if !ty.eq_ignore_ascii_case("package") {
            continue;
        }
        let lib_key = e.key.trim().to_ascii_lowercase();
        seen_libs.insert(lib_key.clone());
        let (name, ver) = split_key(&e.key);
        let mut c = nuget(name, VersionSpec::Unpinned);
        apply_resolved(b, file, e.key_span, ver, &mut c);
        let id = name.to_ascii_lowercase();
        if let Some(d) = decl {
            c.direct = d.direct.contains(&id);
            let direct_private = c.direct && private.contains(&id);
            apply_build_only(&mut c, direct_private, &build_only);
            if d.auto_referenced.contains(&id) {
                c.properties.insert("autoReferenced".into(), "true".into());
            }
        }
        match libraries.get(&lib_key) {
            Some(Library {
                sha512: Some(sha),
                span,
                ..
            }) => match sha512_hash(sha) {
                Some(h) => c.hashes.push(h),
                None => b.diag(
                    file,
                    Severity::Warning,
                    *span,
                    format!("{}: sha512 is not a base64 SHA-512", e.key),
                ),
            },
            Some(_) => {}
            None => b.diag(
                file,
                Severity::Note,
                e.key_span,
                format!("{}: not listed in \"libraries\"", e.key),
            ),
        }
        c.properties
            .insert("targetFramework".into(), target.key.trim().to_string());
        c.evidence.push(b.evidence(file, e.key_span));
        let direct = c.direct;
        let key = b.add(c);
        if direct {
            b.edge(None, key.clone());
        }
        if let Some(deps) =
            json::get(&body, "dependencies").and_then(|d| json::object(text, d.value))
        {
            for d in deps {
                if let Some(v) = resolved.get(&d.key.trim().to_ascii_lowercase()) {
                    b.edge(Some(key.clone()), key_exact(&d.key, v));
                }
            }
        }
    }
}

fn read_downloads(b: &mut Builder, file: &SourceFile, text: &str, top: &[Entry<'_>]) {
    let Some(project) = json::get(top, "project").and_then(|p| json::object(text, p.value)) else {
        return;
    };
    let Some(frameworks) =
        json::get(&project, "frameworks").and_then(|f| json::object(text, f.value))
    else {
        return;
    };
    for fw in frameworks {
        let body = json::object(text, fw.value).unwrap_or_default();
        let Some(list) =
            json::get(&body, "downloadDependencies").and_then(|d| json::array(d.value))
        else {
            continue;
        };
        for item in list {
            let o = json::object(text, item).unwrap_or_default();
            let Some(name) = json::get(&o, "name").and_then(|n| json::string(n.value)) else {
                continue;
            };
            let mut c = nuget(&name, VersionSpec::Unpinned);
            let span = json::span(text, item);
            match json::get(&o, "version") {
                Some(v) => {
                    let raw = json::string(v.value).unwrap_or_default();
                    // Several exact versions may be listed, separated by `;`.
                    for part in raw.split(';').filter(|p| !p.trim().is_empty()) {
                        let mut c = c.clone();
                        apply_declared(b, file, json::span(text, v.value), part, &mut c);
                        finish_download(b, file, span, &fw.key, c);
                    }
                    continue;
                }
                None => {
                    b.diag(
                        file,
                        Severity::Warning,
                        span,
                        format!("{name}: PackageDownload without a version"),
                    );
                }
            }
            c.version = VersionSpec::Unpinned;
            finish_download(b, file, span, &fw.key, c);
        }
    }
}

fn finish_download(
    b: &mut Builder,
    file: &SourceFile,
    span: Span,
    fw: &str,
    mut c: crate::sbom::model::Component,
) {
    c.direct = true;
    c.scope = Scope::Optional;
    c.properties.insert("packageDownload".into(), "true".into());
    c.properties
        .insert("targetFramework".into(), fw.trim().to_string());
    c.evidence.push(b.evidence(file, span));
    let key = b.add(c);
    b.edge(None, key);
}
