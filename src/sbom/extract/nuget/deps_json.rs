//! `*.deps.json` (the dependency manifest next to a built .NET application): `libraries` of type
//! `package` (and `runtimepack`, the runtime of a self-contained app) with SHA-512 hashes, and
//! the `targets` dependency graph rooted at the application's own project.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, file_name};
use crate::sbom::model::{Extracted, VersionSpec};
use crate::source::{SourceFile, Span};

use super::json::{self, Entry};
use super::{Builder, Key, apply_resolved, ends_with_ci, load_json, nuget, sha512_hash};

pub fn wants(path: &str) -> bool {
    let name = file_name(path);
    name.len() > ".deps.json".len() && ends_with_ci(name, ".deps.json")
}

/// `Name/1.2.3` → (`Name`, `1.2.3`).
fn split_key(k: &str) -> (&str, &str) {
    match k.rsplit_once('/') {
        Some((n, v)) => (n.trim(), v.trim()),
        None => (k.trim(), ""),
    }
}

struct Lib<'a> {
    entry: &'a Entry<'a>,
    ty: String,
    sha512: Option<String>,
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let text = file.text.as_str();
    let Some(top) = load_json(&mut b, file, text) else {
        return b.finish();
    };
    let lib_entries = json::get(&top, "libraries")
        .and_then(|l| json::object(text, l.value))
        .unwrap_or_default();
    if json::get(&top, "libraries").is_none() {
        b.diag(
            file,
            Severity::Error,
            Span::empty(0),
            "deps.json has no \"libraries\" object",
        );
        return b.finish();
    }
    let mut libs: BTreeMap<String, Lib<'_>> = BTreeMap::new();
    for e in &lib_entries {
        let body = json::object(text, e.value).unwrap_or_default();
        let ty = json::get(&body, "type")
            .and_then(|t| json::string(t.value))
            .unwrap_or_default();
        let sha512 = json::get(&body, "sha512")
            .and_then(|t| json::string(t.value))
            .filter(|s| !s.is_empty());
        libs.insert(
            e.key.trim().to_ascii_lowercase(),
            Lib {
                entry: e,
                ty,
                sha512,
            },
        );
    }
    let targets = json::get(&top, "targets")
        .and_then(|t| json::object(text, t.value))
        .unwrap_or_default();
    let runtime_target = json::get(&top, "runtimeTarget")
        .and_then(|r| json::object(text, r.value))
        .and_then(|r| json::get(&r, "name").and_then(|n| json::string(n.value)));

    // The application's own project: named like the file (`App.deps.json` → `App`), else the
    // first project library.
    let stem = file_name(&file.path);
    let stem = stem
        .get(..stem.len().saturating_sub(".deps.json".len()))
        .unwrap_or("")
        .to_ascii_lowercase();
    let projects: Vec<&Entry<'_>> = lib_entries
        .iter()
        .filter(|e| {
            libs.get(&e.key.trim().to_ascii_lowercase())
                .is_some_and(|l| l.ty.eq_ignore_ascii_case("project"))
        })
        .collect();
    let root = projects
        .iter()
        .find(|e| split_key(&e.key).0.eq_ignore_ascii_case(&stem))
        .or_else(|| projects.first())
        .map(|e| e.key.trim().to_ascii_lowercase());

    // Which targets list which libraries (lowercase keys).
    let target_libs: Vec<(String, std::collections::BTreeSet<String>)> = targets
        .iter()
        .map(|t| {
            let set = json::object(text, t.value)
                .unwrap_or_default()
                .iter()
                .map(|e| e.key.trim().to_ascii_lowercase())
                .collect();
            (t.key.trim().to_string(), set)
        })
        .collect();

    // Components: every package / runtimepack library.
    let mut keys: BTreeMap<String, Key> = BTreeMap::new();
    for (lk, lib) in &libs {
        let is_pack = lib.ty.eq_ignore_ascii_case("runtimepack");
        if !(lib.ty.eq_ignore_ascii_case("package") || is_pack) {
            continue;
        }
        let (name, ver) = split_key(&lib.entry.key);
        let name = if is_pack {
            name.strip_prefix("runtimepack.").unwrap_or(name)
        } else {
            name
        };
        let mut c = nuget(name, VersionSpec::Unpinned);
        apply_resolved(&mut b, file, lib.entry.key_span, ver, &mut c);
        if is_pack {
            c.properties
                .insert("libraryType".into(), "runtimepack".into());
        }
        if let Some(sha) = &lib.sha512 {
            match sha512_hash(sha) {
                Some(h) => c.hashes.push(h),
                None => b.diag(
                    file,
                    Severity::Warning,
                    lib.entry.key_span,
                    format!("{}: sha512 is not a base64 SHA-512", lib.entry.key),
                ),
            }
        }
        let fws: Vec<&str> = target_libs
            .iter()
            .filter(|(_, set)| set.contains(lk))
            .map(|(name, _)| name.as_str())
            .collect();
        if !fws.is_empty() {
            c.properties.insert("targetFramework".into(), fws.join(","));
        }
        c.evidence.push(b.evidence(file, lib.entry.key_span));
        keys.insert(lk.clone(), b.add(c));
    }

    // Edges from targets; the root project's dependencies are the direct ones.
    let mut direct: Vec<Key> = Vec::new();
    for t in &targets {
        if let Some(rt) = &runtime_target
            && !t.key.trim().starts_with(rt.trim())
        {
            continue;
        }
        for e in json::object(text, t.value).unwrap_or_default() {
            let lk = e.key.trim().to_ascii_lowercase();
            let from = if Some(&lk) == root.as_ref() {
                None
            } else if let Some(k) = keys.get(&lk) {
                Some(k.clone())
            } else {
                continue;
            };
            let body = json::object(text, e.value).unwrap_or_default();
            for d in json::get(&body, "dependencies")
                .and_then(|d| json::object(text, d.value))
                .unwrap_or_default()
            {
                let ver = json::string(d.value).unwrap_or_default();
                let target = format!("{}/{}", d.key.trim(), ver.trim()).to_ascii_lowercase();
                if let Some(k) = keys.get(&target) {
                    if from.is_none() {
                        direct.push(k.clone());
                    }
                    b.edge(from.clone(), k.clone());
                }
            }
        }
    }
    let mut out = b.finish();
    for c in &mut out.components {
        if direct.contains(&c.key()) {
            c.direct = true;
        }
    }
    out
}
