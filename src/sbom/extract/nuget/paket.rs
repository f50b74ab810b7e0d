//! Paket: `paket.lock` (what was resolved, per group, with each package's dependencies) and
//! `paket.dependencies` (what is declared, with Paket's version constraints).

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, dir_of, file_name};
use crate::sbom::model::{Extracted, VersionSpec};
use crate::source::{SourceFile, Span};

use super::{Builder, Key, apply_resolved, nuget, redact_url, version};

const MAIN: &str = "main";

pub fn wants_lock(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("paket.lock")
}

pub fn wants_dependencies(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("paket.dependencies")
}

/// Lines of `text` with their byte spans (terminators excluded).
fn lines(text: &str) -> impl Iterator<Item = (Span, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let s = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        (Span::new(s, s + line.len()), line)
    })
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// One resolved package in `paket.lock`.
struct LockedPackage {
    group: String,
    name: String,
    version: String,
    span: Span,
    settings: Option<String>,
    remote: Option<String>,
    deps: Vec<String>,
}

/// Parses `paket.lock` into packages (NUGET sections only) and problems.
fn parse_lock(text: &str) -> (Vec<LockedPackage>, Vec<(Span, String)>) {
    let mut out: Vec<LockedPackage> = Vec::new();
    let mut problems = Vec::new();
    let mut group = MAIN.to_string();
    let mut in_nuget = false;
    let mut remote: Option<String> = None;
    for (span, line) in lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        let ind = indent(line);
        let body = line.trim();
        if ind == 0 {
            if let Some(g) = body.strip_prefix("GROUP ") {
                group = g.trim().to_string();
                in_nuget = false;
            } else if body == "NUGET" {
                in_nuget = true;
                remote = None;
            } else if body.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                // GITHUB, HTTP, GIT, GIST: not NuGet packages.
                in_nuget = false;
            }
            // Other column-0 lines are options (STORAGE:, RESTRICTION:, …).
            continue;
        }
        if !in_nuget {
            continue;
        }
        if ind == 2 {
            if let Some(r) = body.strip_prefix("remote:") {
                remote = Some(r.trim().to_string());
            }
            continue;
        }
        let Some((name, rest)) = body.split_once(" (") else {
            problems.push((
                span,
                format!("cannot read paket.lock line {body:?}: expected `Name (version)`"),
            ));
            continue;
        };
        let Some((ver, after)) = rest.split_once(')') else {
            problems.push((
                span,
                format!("cannot read paket.lock line {body:?}: unclosed version"),
            ));
            continue;
        };
        if ind == 4 {
            let settings = after
                .trim()
                .strip_prefix('-')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            out.push(LockedPackage {
                group: group.clone(),
                name: name.trim().to_string(),
                version: ver.trim().to_string(),
                span,
                settings,
                remote: remote.clone(),
                deps: Vec::new(),
            });
        } else if ind >= 6 {
            match out.last_mut() {
                Some(p) => p.deps.push(name.trim().to_string()),
                None => problems.push((
                    span,
                    format!("dependency {:?} outside a package", name.trim()),
                )),
            }
        } else {
            problems.push((
                span,
                format!("unexpected indentation in paket.lock line {body:?}"),
            ));
        }
    }
    (out, problems)
}

/// One `nuget` line of `paket.dependencies`.
struct Declared {
    group: String,
    name: String,
    constraint: Vec<String>,
    options: Option<String>,
    span: Span,
}

fn strip_comment(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") || t.starts_with('#') {
        return "";
    }
    // An inline `//` comment starts after whitespace (URLs keep their `//`).
    let bytes = line.as_bytes();
    let mut i = 1;
    while i + 1 < bytes.len() {
        if bytes.get(i) == Some(&b'/')
            && bytes.get(i + 1) == Some(&b'/')
            && matches!(bytes.get(i - 1), Some(b' ' | b'\t'))
        {
            return line.get(..i).unwrap_or(line);
        }
        i += 1;
    }
    line
}

fn is_operator(t: &str) -> bool {
    matches!(t, ">=" | ">" | "<" | "<=" | "=" | "==" | "~>" | "!~>")
}

fn parse_dependencies(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut group = MAIN.to_string();
    for (span, raw) in lines(text) {
        let line = strip_comment(raw);
        let mut words = line.split_whitespace();
        match words.next() {
            Some("group") => {
                group = words.next().unwrap_or(MAIN).to_string();
            }
            Some("nuget") => {
                let Some(name) = words.next() else { continue };
                let mut constraint = Vec::new();
                let rest: Vec<&str> = words.collect();
                let mut i = 0;
                while let Some(w) = rest.get(i) {
                    let starts_version = w.chars().next().is_some_and(|c| c.is_ascii_digit());
                    if is_operator(w) || starts_version {
                        constraint.push((*w).to_string());
                        i += 1;
                    } else {
                        break;
                    }
                }
                let options = rest.get(i..).map(|r| r.join(" ")).filter(|s| !s.is_empty());
                let trimmed = raw.trim_start();
                let start = span.start + (raw.len() - trimmed.len());
                out.push(Declared {
                    group: group.clone(),
                    name: name.to_string(),
                    constraint,
                    options,
                    span: Span::new(start, span.end),
                });
            }
            _ => {}
        }
    }
    out
}

fn group_prop(c: &mut crate::sbom::model::Component, group: &str) {
    if !group.eq_ignore_ascii_case(MAIN) {
        c.properties.insert("group".into(), group.to_string());
    }
}

pub fn extract_lock(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let (pkgs, problems) = parse_lock(&file.text);
    for (span, msg) in problems {
        b.diag(file, Severity::Warning, span, msg);
    }
    // Direct packages: from paket.dependencies next to the lock file when it is there,
    // otherwise the packages no other package depends on.
    let deps_path = join(dir_of(&file.path), "paket.dependencies");
    let declared: Option<BTreeSet<(String, String)>> = cx.get(&deps_path).map(|f| {
        parse_dependencies(&f.text)
            .into_iter()
            .map(|d| (d.group.to_ascii_lowercase(), d.name.to_ascii_lowercase()))
            .collect()
    });
    let depended: BTreeSet<(String, String)> = pkgs
        .iter()
        .flat_map(|p| {
            p.deps
                .iter()
                .map(|d| (p.group.to_ascii_lowercase(), d.to_ascii_lowercase()))
        })
        .collect();
    let mut keys: BTreeMap<(String, String), Key> = BTreeMap::new();
    for p in &pkgs {
        let id = (p.group.to_ascii_lowercase(), p.name.to_ascii_lowercase());
        let mut c = nuget(&p.name, VersionSpec::Unpinned);
        let vspan = file
            .text
            .get(p.span.start..p.span.end)
            .and_then(|l| l.find(&p.version))
            .map_or(p.span, |i| {
                Span::new(p.span.start + i, p.span.start + i + p.version.len())
            });
        apply_resolved(&mut b, file, vspan, &p.version, &mut c);
        c.direct = match &declared {
            Some(set) => set.contains(&id),
            None => !depended.contains(&id),
        };
        group_prop(&mut c, &p.group);
        if let Some(s) = &p.settings {
            c.properties.insert("paketSettings".into(), s.clone());
        }
        if let Some(r) = &p.remote {
            c.properties.insert("source".into(), redact_url(r));
        }
        c.evidence.push(b.evidence(file, p.span));
        let direct = c.direct;
        let key = b.add(c);
        if direct {
            b.edge(None, key.clone());
        }
        keys.insert(id, key);
    }
    for p in &pkgs {
        let g = p.group.to_ascii_lowercase();
        let Some(from) = keys.get(&(g.clone(), p.name.to_ascii_lowercase())) else {
            continue;
        };
        for d in &p.deps {
            if let Some(to) = keys.get(&(g.clone(), d.to_ascii_lowercase())) {
                b.edge(Some(from.clone()), to.clone());
            }
        }
    }
    b.finish()
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

pub fn extract_dependencies(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let lock_path = join(dir_of(&file.path), "paket.lock");
    // paket.lock wins: a declared package is only reported here if the lock lacks it.
    let locked: Option<BTreeSet<(String, String)>> = cx.get(&lock_path).map(|f| {
        parse_lock(&f.text)
            .0
            .into_iter()
            .map(|p| (p.group.to_ascii_lowercase(), p.name.to_ascii_lowercase()))
            .collect()
    });
    for d in parse_dependencies(&file.text) {
        if let Some(locked) = &locked {
            if locked.contains(&(d.group.to_ascii_lowercase(), d.name.to_ascii_lowercase())) {
                continue;
            }
            b.diag(
                file,
                Severity::Note,
                d.span,
                format!(
                    "{}: declared but not in paket.lock (run `paket install`?)",
                    d.name
                ),
            );
        }
        let mut c = nuget(&d.name, VersionSpec::Unpinned);
        let text = d.constraint.join(" ");
        let exact = match d.constraint.as_slice() {
            [v] => Some(v),
            [op, v] if op == "=" || op == "==" => Some(v),
            _ => None,
        };
        if d.constraint.is_empty() {
            b.diag(
                file,
                Severity::Note,
                d.span,
                format!(
                    "{}: no version constraint; paket resolves the newest version",
                    d.name
                ),
            );
        } else if let Some(v) = exact {
            apply_resolved(&mut b, file, d.span, v, &mut c);
        } else {
            let min = d
                .constraint
                .windows(2)
                .find(|w| w.first().is_some_and(|o| o == ">=" || o == "~>"))
                .and_then(|w| w.get(1))
                .and_then(|v| version::normalize(v).ok());
            b.diag(
                file,
                Severity::Note,
                d.span,
                format!(
                    "{}: version constraint {text}; paket resolves the newest matching version — see paket.lock",
                    d.name
                ),
            );
            if let Some(m) = min {
                c.properties.insert("minVersion".into(), m);
            }
            c.version = VersionSpec::Range(text);
        }
        if let Some(o) = &d.options {
            c.properties.insert("paketSettings".into(), o.clone());
        }
        c.direct = true;
        group_prop(&mut c, &d.group);
        c.evidence.push(b.evidence(file, d.span));
        let key = b.add(c);
        b.edge(None, key);
    }
    b.finish()
}
