//! `go.mod`, with the `go.sum` next to it.
//!
//! - `require` lines and blocks become components: namespace = the module path up to its last
//!   `/`, name = the last element (`github.com/pkg/errors` → `github.com/pkg` / `errors`).
//!   `// indirect` marks a transitive requirement; the others are direct.
//! - `replace old [v] => new [v]` is applied: a module replacement turns the requirement into
//!   `new@v` (the original is kept as the `replaces` property, the replace line as a second
//!   piece of evidence); a local-directory replacement (`=> ../fork`) means the code is part of
//!   the project, so no component is produced and a note says so.
//! - `exclude` of a version that is also required is reported; `retract` concerns this module's
//!   own versions and is ignored. `go` and `toolchain` become properties of every component.
//! - `go.sum` `h1:` hashes are kept as the `goSumH1` / `goSumGoModH1` properties. They are
//!   SHA-256 digests of Go's directory-hash manifest, not of a downloadable file, so they are
//!   not component hashes.

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{Out, component, diagnostic_in};
use super::{ExtractContext, dir_of, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Ecosystem, Extracted, VersionSpec};
use crate::source::{LineIndex, SourceFile, Span};

pub fn wants(path: &str) -> bool {
    file_name(path) == "go.mod"
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    Arrow,
}

/// One line: tokens, the `//` comment text, the line span.
struct Line {
    toks: Vec<Tok>,
    comment: Option<String>,
    span: Span,
}

/// Tokenizes one line (`"quoted"` and `` `raw` `` strings, `(`, `)`, `=>`, `//` comments).
fn tokenize(line: &str) -> Result<(Vec<Tok>, Option<String>), &'static str> {
    let b = line.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                return Ok((
                    toks,
                    Some(line.get(i + 2..).unwrap_or("").trim().to_string()),
                ));
            }
            b'(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            b')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            b'=' if b.get(i + 1) == Some(&b'>') => {
                toks.push(Tok::Arrow);
                i += 2;
            }
            b'"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err("unterminated quoted string"),
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let Some(&e) = b.get(i + 1) else {
                                return Err("unterminated quoted string");
                            };
                            s.push(char::from(e));
                            i += 2;
                        }
                        Some(_) => {
                            let ch = line
                                .get(i..)
                                .and_then(|r| r.chars().next())
                                .unwrap_or('\u{fffd}');
                            s.push(ch);
                            i += ch.len_utf8().max(1);
                        }
                    }
                }
                toks.push(Tok::Word(s));
            }
            b'`' => {
                let rest = line.get(i + 1..).unwrap_or("");
                let Some(end) = rest.find('`') else {
                    return Err("unterminated raw string");
                };
                toks.push(Tok::Word(rest.get(..end).unwrap_or("").to_string()));
                i += end + 2;
            }
            _ => {
                let start = i;
                while let Some(&c) = b.get(i) {
                    if matches!(c, b' ' | b'\t' | b'\r' | b'(' | b')' | b'"' | b'`')
                        || (c == b'/' && b.get(i + 1) == Some(&b'/'))
                        || (c == b'=' && b.get(i + 1) == Some(&b'>'))
                    {
                        break;
                    }
                    i += 1;
                }
                toks.push(Tok::Word(line.get(start..i).unwrap_or("").to_string()));
            }
        }
    }
    Ok((toks, None))
}

fn is_local_path(p: &str) -> bool {
    p.starts_with("./")
        || p.starts_with("../")
        || p.starts_with('/')
        || p == "."
        || p == ".."
        || p.starts_with(".\\")
        || p.starts_with("..\\")
        || p.get(1..3) == Some(":\\")
        || p.get(1..3) == Some(":/")
}

fn is_module_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('-')
        && !p.contains(['\\', ' ', '@'])
        && p.chars().all(|c| !c.is_control())
}

fn is_version(v: &str) -> bool {
    v.starts_with('v') && v.len() > 1
}

struct Require {
    path: String,
    version: String,
    indirect: bool,
    span: Span,
}

struct Replace {
    old_path: String,
    old_version: Option<String>,
    new_path: String,
    new_version: Option<String>,
    span: Span,
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut out = Out::new(file);
    let text = out.text();

    // Lines with spans.
    let mut lines: Vec<Line> = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let (body, start) = if start == 0 && body.starts_with('\u{feff}') {
            (body.get(3..).unwrap_or(""), 3)
        } else {
            (body, start)
        };
        let lead = body.len() - body.trim_start().len();
        let span = Span::new(start + lead, start + body.trim_end().len().max(lead));
        match tokenize(body) {
            Ok((toks, comment)) => {
                if !toks.is_empty() {
                    lines.push(Line {
                        toks,
                        comment,
                        span,
                    });
                }
            }
            Err(what) => out.diag(Severity::Warning, span, format!("{what}; line skipped")),
        }
    }

    let mut requires: Vec<Require> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut excludes: BTreeSet<(String, String)> = BTreeSet::new();
    let mut go_version: Option<String> = None;
    let mut toolchain: Option<String> = None;
    let mut block: Option<(String, Span)> = None;

    for l in &lines {
        let mut toks: &[Tok] = &l.toks;
        let verb: String = match &block {
            Some((v, _)) => {
                if toks == [Tok::Close] {
                    block = None;
                    continue;
                }
                v.clone()
            }
            None => {
                let Some(Tok::Word(v)) = toks.first() else {
                    out.diag(
                        Severity::Warning,
                        l.span,
                        "expected a directive; line skipped",
                    );
                    continue;
                };
                toks = toks.get(1..).unwrap_or(&[]);
                if toks == [Tok::Open] {
                    block = Some((v.clone(), l.span));
                    continue;
                }
                v.clone()
            }
        };
        let words: Option<Vec<&str>> = toks
            .iter()
            .map(|t| match t {
                Tok::Word(w) => Some(w.as_str()),
                _ => None,
            })
            .collect();
        match verb.as_str() {
            "module" | "godebug" | "tool" | "ignore" | "retract" => {}
            "go" => go_version = words.and_then(|w| w.first().map(|s| s.to_string())),
            "toolchain" => toolchain = words.and_then(|w| w.first().map(|s| s.to_string())),
            "require" => match words.as_deref() {
                Some([path, version]) if is_module_path(path) && is_version(version) => {
                    let indirect = l.comment.as_deref().is_some_and(|c| {
                        c == "indirect" || c.starts_with("indirect;") || c.starts_with("indirect ")
                    });
                    requires.push(Require {
                        path: (*path).to_string(),
                        version: (*version).to_string(),
                        indirect,
                        span: l.span,
                    });
                }
                _ => out.diag(
                    Severity::Warning,
                    l.span,
                    "expected `module/path vX.Y.Z` in require; line skipped",
                ),
            },
            "exclude" => match words.as_deref() {
                Some([path, version]) => {
                    excludes.insert(((*path).to_string(), (*version).to_string()));
                }
                _ => out.diag(
                    Severity::Warning,
                    l.span,
                    "expected `module/path vX.Y.Z` in exclude; line skipped",
                ),
            },
            "replace" => match parse_replace(toks, l.span) {
                Some(r) => replaces.push(r),
                None => out.diag(
                    Severity::Warning,
                    l.span,
                    "expected `old [version] => new [version]` in replace; line skipped",
                ),
            },
            other => out.diag(
                Severity::Warning,
                l.span,
                format!("unknown go.mod directive `{other}`; line skipped"),
            ),
        }
    }
    if let Some((verb, span)) = block {
        out.diag(
            Severity::Error,
            span,
            format!("`{verb} (` block is never closed with `)` (truncated file?)"),
        );
    }

    let sums = read_go_sum(cx, file, &mut out);

    for r in requires {
        if excludes.contains(&(r.path.clone(), r.version.clone())) {
            out.diag(
                Severity::Warning,
                r.span,
                format!(
                    "{} {} is required but also excluded; Go will not use this version",
                    r.path, r.version
                ),
            );
        }
        let replace = replaces
            .iter()
            .rev()
            .find(|p| p.old_path == r.path && p.old_version.as_deref() == Some(r.version.as_str()))
            .or_else(|| {
                replaces
                    .iter()
                    .rev()
                    .find(|p| p.old_path == r.path && p.old_version.is_none())
            });
        let (path, version) = match replace {
            Some(p) if is_local_path(&p.new_path) => {
                out.diag(
                    Severity::Note,
                    r.span,
                    format!(
                        "{} {} is replaced by the local directory `{}` (line {}): project code, not a component",
                        r.path,
                        r.version,
                        p.new_path,
                        out.index.line_of(p.span.start) + 1
                    ),
                );
                continue;
            }
            Some(p) => (
                p.new_path.clone(),
                p.new_version.clone().unwrap_or_else(|| r.version.clone()),
            ),
            None => (r.path.clone(), r.version.clone()),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, path.clone()),
        };
        let mut c = component(
            Ecosystem::Go,
            namespace,
            name,
            VersionSpec::Exact(version.clone()),
        );
        c.direct = !r.indirect;
        c.evidence.push(out.evidence(r.span));
        if let Some(p) = replace {
            c.properties
                .insert("replaces".to_string(), format!("{} {}", r.path, r.version));
            c.evidence.push(out.evidence(p.span));
        }
        if r.indirect {
            c.properties
                .insert("indirect".to_string(), "true".to_string());
        }
        if let Some(g) = &go_version {
            c.properties.insert("goVersion".to_string(), g.clone());
        }
        if let Some(t) = &toolchain {
            c.properties.insert("toolchain".to_string(), t.clone());
        }
        if let Some(h) = sums.get(&(path.clone(), version.clone())) {
            c.properties.insert("goSumH1".to_string(), h.clone());
        }
        if let Some(h) = sums.get(&(path.clone(), format!("{version}/go.mod"))) {
            c.properties.insert("goSumGoModH1".to_string(), h.clone());
        }
        if c.direct {
            out.edge(None, c.key());
        }
        out.components.push(c);
    }
    out.finish()
}

fn parse_replace(toks: &[Tok], span: Span) -> Option<Replace> {
    let arrow = toks.iter().position(|t| *t == Tok::Arrow)?;
    let word = |t: &Tok| match t {
        Tok::Word(w) => Some(w.clone()),
        _ => None,
    };
    let left: Option<Vec<String>> = toks.get(..arrow)?.iter().map(word).collect();
    let right: Option<Vec<String>> = toks.get(arrow + 1..)?.iter().map(word).collect();
    let (left, right) = (left?, right?);
    let (old_path, old_version) = match left.as_slice() {
        [p] => (p.clone(), None),
        [p, v] if is_version(v) => (p.clone(), Some(v.clone())),
        _ => return None,
    };
    let (new_path, new_version) = match right.as_slice() {
        [p] if is_local_path(p) => (p.clone(), None),
        [p, v] if is_version(v) && !is_local_path(p) => (p.clone(), Some(v.clone())),
        _ => return None,
    };
    Some(Replace {
        old_path,
        old_version,
        new_path,
        new_version,
        span,
    })
}

/// `(module, version)` → `h1:` hash from the go.sum next to the go.mod (`version/go.mod` keys
/// hold the go.mod-only hashes).
fn read_go_sum(
    cx: &ExtractContext<'_>,
    gomod: &SourceFile,
    out: &mut Out<'_>,
) -> BTreeMap<(String, String), String> {
    let mut sums = BTreeMap::new();
    let dir = dir_of(&gomod.path);
    let path = if dir.is_empty() {
        "go.sum".to_string()
    } else {
        format!("{dir}/go.sum")
    };
    let Some(sum) = cx.get(&path) else {
        return sums;
    };
    let index = LineIndex::new(&sum.text);
    let mut offset = 0usize;
    for raw in sum.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            [m, v, h] if h.starts_with("h1:") && is_version(v) => {
                sums.insert(((*m).to_string(), (*v).to_string()), (*h).to_string());
            }
            _ => {
                let span = Span::new(start, start + line.len());
                out.diagnostics.push(diagnostic_in(
                    sum,
                    &index,
                    Severity::Warning,
                    span,
                    "expected `module version h1:hash` in go.sum; line skipped",
                ));
            }
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes() {
        let (t, c) = tokenize("\tgithub.com/a/b v1.0.0 // indirect").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Word("github.com/a/b".into()),
                Tok::Word("v1.0.0".into())
            ]
        );
        assert_eq!(c.as_deref(), Some("indirect"));
        let (t, _) = tokenize("replace \"x/y\" => ../y").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Word("replace".into()),
                Tok::Word("x/y".into()),
                Tok::Arrow,
                Tok::Word("../y".into())
            ]
        );
        assert!(tokenize("require \"x").is_err());
    }
}
