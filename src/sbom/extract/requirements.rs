//! pip requirements files: `requirements*.txt` and `*.txt` in a `requirements/` folder.
//!
//! Lines follow pip's own rules: a trailing `\` joins the next line (a comment line ends the
//! join), `#` at the start or after whitespace starts a comment, then each line is an option
//! (`-r`, `-c`, `-e`, `-i`, …) or a PEP 508 requirement followed by per-requirement options
//! (`--hash=sha256:…`).
//!
//! - `==V` / `===V` → exact; `==V.*` → floating; other specifiers → range; none → unpinned.
//! - Names are PEP 503 normalized (`Django_Foo` → `django-foo`); the declared spelling is kept
//!   as `declaredName`. Extras (`pkg[a,b]`) and environment markers (`; python_version < "3.8"`)
//!   are kept as properties.
//! - `-r` / `--requirement` includes are resolved relative to the including file through the
//!   extract context. An included file that this extractor picks up on its own (another
//!   `requirements*.txt`) is not read again here; others (`base.in`, `common.txt`) are read in
//!   place, with evidence pointing into them. Cycles are reported and cut.
//! - `-c` / `--constraint` files pin what the requirements leave open: a constraint `==V` turns
//!   an open requirement into `V`, with the `constraint` property saying where it came from.
//! - `-e` / VCS / URL requirements keep the URL as a property; local paths (`.`, `./pkg`) are the
//!   project. A wheel URL or file name gives name and exact version.
//! - pip-compile output: `# via pkg` annotations make a requirement transitive (with an edge
//!   from `pkg`); `# via -r file` keeps it direct.

use std::collections::{BTreeMap, BTreeSet};

use super::eco_common::{
    Key, diagnostic_in, evidence_in, is_pep508_name, pep503, prefixed_hex_hash, pypi_component,
};
use super::{ExtractContext, dir_of, file_name};
use crate::finding::Severity;
use crate::sbom::model::{Component, Edge, ExtractDiagnostic, Extracted, VersionSpec};
use crate::source::{LineIndex, SourceFile, Span, normalize_path};

/// How deep `-r` / `-c` includes may nest.
const MAX_INCLUDE_DEPTH: usize = 16;

pub fn wants(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    if !name.ends_with(".txt") {
        return false;
    }
    name.starts_with("requirements") || file_name(dir_of(path)).eq_ignore_ascii_case("requirements")
}

/// One logical line: continuation lines joined, comments removed.
struct Logical {
    /// The text without its comment.
    text: String,
    /// The comment, if any (`# via …`).
    comment: Option<String>,
    span: Span,
}

/// pip's `join_lines` + `ignore_comments`.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut pending: Option<(String, Span)> = None;
    let mut offset = 0usize;
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let (line, start) = if start == 0 && base > 0 {
            (line.get(base..).unwrap_or(""), base)
        } else {
            (line, start)
        };
        let lead = line.len() - line.trim_start().len();
        let span = Span::new(start + lead, start + line.len());
        let is_comment = line.trim_start().starts_with('#');
        if is_comment || !line.ends_with('\\') {
            let (joined, jspan) = match pending.take() {
                Some((mut acc, s)) => {
                    if is_comment {
                        // The comment ends the continuation; the comment itself is its own line.
                        out.push(finish_logical(acc, s));
                        (line.to_string(), span)
                    } else {
                        acc.push_str(line);
                        (acc, s.cover(span))
                    }
                }
                None => (line.to_string(), span),
            };
            out.push(finish_logical(joined, jspan));
        } else {
            let body = line.strip_suffix('\\').unwrap_or(line);
            match &mut pending {
                Some((acc, s)) => {
                    acc.push_str(body);
                    *s = s.cover(span);
                }
                None => pending = Some((body.to_string(), span)),
            }
        }
    }
    if let Some((acc, s)) = pending {
        out.push(finish_logical(acc, s));
    }
    out
}

fn finish_logical(line: String, span: Span) -> Logical {
    // `(^|\s+)#.*$`
    let b = line.as_bytes();
    let mut cut = None;
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b.get(i - 1).is_some_and(u8::is_ascii_whitespace)) {
            cut = Some(i);
            break;
        }
    }
    match cut {
        Some(i) => Logical {
            text: line.get(..i).unwrap_or("").trim().to_string(),
            comment: Some(line.get(i..).unwrap_or("").to_string()),
            span,
        },
        None => Logical {
            text: line.trim().to_string(),
            comment: None,
            span,
        },
    }
}

/// Splits like pip's `shlex.split` for option values (quotes group, backslash escapes).
fn shell_split(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    have = true;
                }
                '\\' => {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                    have = true;
                }
                c if c.is_whitespace() => {
                    if have {
                        out.push(std::mem::take(&mut cur));
                        have = false;
                    }
                }
                c => {
                    cur.push(c);
                    have = true;
                }
            },
        }
    }
    if have {
        out.push(cur);
    }
    out
}

/// A parsed requirement (before it becomes a component).
#[derive(Debug, Default)]
struct Req {
    name: String,
    extras: Vec<String>,
    version: Option<VersionSpec>,
    marker: Option<String>,
    url: Option<String>,
    local: bool,
}

/// `Err` says what is wrong.
fn parse_requirement(s: &str) -> Result<Req, String> {
    let s = s.trim();
    if looks_like_url_or_path(s) {
        return parse_url_requirement(s, None);
    }
    let b = s.as_bytes();
    let mut i = 0;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    {
        i += 1;
    }
    let name = s.get(..i).unwrap_or("");
    if !is_pep508_name(name) {
        return Err(format!("`{s}` does not start with a valid project name"));
    }
    let mut req = Req {
        name: name.to_string(),
        ..Req::default()
    };
    let mut rest = s.get(i..).unwrap_or("").trim_start();
    if let Some(r) = rest.strip_prefix('[') {
        let Some(close) = r.find(']') else {
            return Err("unclosed `[` in extras".to_string());
        };
        for e in r.get(..close).unwrap_or("").split(',') {
            let e = e.trim();
            if e.is_empty() {
                continue;
            }
            if !is_pep508_name(e) {
                return Err(format!("`{e}` is not a valid extra name"));
            }
            req.extras.push(e.to_string());
        }
        rest = r.get(close + 1..).unwrap_or("").trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        let url_req = parse_url_requirement(url.trim(), Some(name))?;
        req.url = url_req.url;
        req.marker = url_req.marker;
        req.version = url_req.version;
        return Ok(req);
    }
    let (spec, marker) = match rest.split_once(';') {
        Some((a, m)) => (a.trim(), Some(m.trim())),
        None => (rest.trim(), None),
    };
    if let Some(m) = marker {
        if m.is_empty() {
            return Err("empty environment marker after `;`".to_string());
        }
        req.marker = Some(m.to_string());
    }
    req.version = Some(parse_specifier(spec)?);
    Ok(req)
}

fn looks_like_url_or_path(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    [
        "http://", "https://", "file:", "git+", "hg+", "svn+", "bzr+", "ftp://",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.get(1..3) == Some(":\\")
        || s.get(1..3) == Some(":/")
        || lower
            .split([';', ' '])
            .next()
            .is_some_and(|f| f.ends_with(".whl") || f.ends_with(".tar.gz") || f.ends_with(".zip"))
}

/// A URL or path requirement (`git+https://…#egg=name`, `./pkg`, `https://…/x-1.0-py3-none-any.whl`,
/// or the URL after `name @`).
fn parse_url_requirement(s: &str, name: Option<&str>) -> Result<Req, String> {
    // PEP 508: a marker after a URL needs whitespace before `;`.
    let (url, marker) = match s.find(" ;").or_else(|| s.find("\t;")) {
        Some(i) => (
            s.get(..i).unwrap_or("").trim(),
            Some(s.get(i + 2..).unwrap_or("").trim().to_string()),
        ),
        None => (s.trim(), None),
    };
    if url.is_empty() {
        return Err("missing URL after `@`".to_string());
    }
    let lower = url.to_ascii_lowercase();
    let remote = [
        "http://", "https://", "git+", "hg+", "svn+", "bzr+", "ftp://",
    ]
    .iter()
    .any(|p| lower.starts_with(p));
    let egg = url.split_once('#').and_then(|(_, frag)| {
        frag.split('&')
            .find_map(|kv| kv.strip_prefix("egg="))
            .map(str::to_string)
    });
    let path_part = url.split(['#', '?']).next().unwrap_or(url);
    let last = path_part.rsplit(['/', '\\']).next().unwrap_or("");
    let wheel = last
        .strip_suffix(".whl")
        .map(|stem| stem.split('-').collect::<Vec<_>>())
        .filter(|p| p.len() >= 5);
    let mut req = Req {
        marker,
        url: Some(url.to_string()),
        ..Req::default()
    };
    if let Some(parts) = wheel {
        let (wn, wv) = (
            parts.first().copied().unwrap_or(""),
            parts.get(1).copied().unwrap_or(""),
        );
        req.name = name.unwrap_or(wn).to_string();
        req.version = Some(VersionSpec::Exact(wv.to_string()));
        req.local = !remote && !lower.starts_with("file:");
    } else if let Some(n) = name {
        req.name = n.to_string();
        req.version = Some(VersionSpec::Unpinned);
    } else if let Some(e) = egg {
        req.name = e;
        req.version = Some(VersionSpec::Unpinned);
        req.local = !remote;
    } else if remote {
        return Err(format!(
            "cannot tell which package `{url}` installs (add `#egg=name` or use `name @ URL`)"
        ));
    } else {
        req.local = true;
    }
    if !req.local && !is_pep508_name(&req.name) {
        return Err(format!("`{}` is not a valid project name", req.name));
    }
    Ok(req)
}

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// A PEP 440 specifier set as written (optionally in parentheses).
fn parse_specifier(spec: &str) -> Result<VersionSpec, String> {
    let mut s = spec.trim();
    if let Some(inner) = s.strip_prefix('(') {
        s = inner
            .strip_suffix(')')
            .ok_or_else(|| "unclosed `(` in version specifier".to_string())?
            .trim();
    }
    if s.is_empty() {
        return Ok(VersionSpec::Unpinned);
    }
    let mut clauses = Vec::new();
    for clause in s.split(',') {
        let c = clause.trim();
        if c.is_empty() {
            return Err(format!("empty clause in version specifier `{s}`"));
        }
        let Some(op) = OPERATORS.iter().find(|op| c.starts_with(**op)) else {
            return Err(format!(
                "`{c}` is not a version specifier (expected one of {})",
                OPERATORS.join(" ")
            ));
        };
        let v = c.get(op.len()..).unwrap_or("").trim();
        if v.is_empty()
            || v.contains(char::is_whitespace)
            || !v.chars().all(|ch| {
                ch.is_ascii_alphanumeric()
                    || matches!(ch, '.' | '*' | '+' | '!' | '-' | '_' | '$' | '{' | '}')
            })
        {
            return Err(format!("`{c}` has no valid version after `{op}`"));
        }
        clauses.push((*op, v));
    }
    if let [(op, v)] = clauses.as_slice() {
        if v.contains("${") {
            return Ok(VersionSpec::Unpinned);
        }
        match *op {
            "===" => return Ok(VersionSpec::Exact((*v).to_string())),
            "==" if v.ends_with(".*") => return Ok(VersionSpec::Floating(s.to_string())),
            "==" if !v.contains('*') => return Ok(VersionSpec::Exact((*v).to_string())),
            _ => {}
        }
    }
    Ok(VersionSpec::Range(s.to_string()))
}

/// What a requirement file pass collects.
struct State<'a, 'c> {
    cx: &'a ExtractContext<'c>,
    main: &'a SourceFile,
    /// Requirement files being read (the include chain), for cycle detection.
    stack: Vec<String>,
    /// Requirement files read completely (a diamond of includes reads them once).
    done: BTreeSet<String>,
    components: Vec<Component>,
    /// pip-compile `# via` parents per component index.
    via: Vec<(usize, Vec<String>, bool)>,
    diagnostics: Vec<ExtractDiagnostic>,
    /// Normalized name → (spec, "path:line").
    constraints: BTreeMap<String, (VersionSpec, String)>,
    constraint_files: BTreeSet<String>,
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut st = State {
        cx,
        main: file,
        stack: Vec::new(),
        done: BTreeSet::new(),
        components: Vec::new(),
        via: Vec::new(),
        diagnostics: Vec::new(),
        constraints: BTreeMap::new(),
        constraint_files: BTreeSet::new(),
    };
    read_file(&mut st, file, 0, false);

    // Constraints pin open requirements.
    for c in &mut st.components {
        let Some((spec, origin)) = st.constraints.get(&c.name) else {
            continue;
        };
        if c.version.exact().is_none() {
            if let VersionSpec::Exact(_) = spec {
                if c.version != VersionSpec::Unpinned {
                    c.properties
                        .insert("requested".to_string(), spec_text(&c.version));
                }
                c.version = spec.clone();
            }
            c.properties
                .insert("constraint".to_string(), origin.clone());
        }
    }

    // pip-compile `# via` annotations: transitive requirements and edges.
    let mut edges = Vec::new();
    let keys: Vec<Key> = st.components.iter().map(Component::key).collect();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in st.components.iter().enumerate() {
        by_name.entry(c.name.clone()).or_insert(i);
    }
    for (i, parents, direct) in &st.via {
        if let Some(c) = st.components.get_mut(*i) {
            c.direct = *direct;
        }
        let Some(to) = keys.get(*i) else { continue };
        if *direct {
            edges.push(Edge {
                from: None,
                to: to.clone(),
            });
        }
        for p in parents {
            if let Some(from) = by_name.get(&pep503(p)).and_then(|&j| keys.get(j)) {
                edges.push(Edge {
                    from: Some(from.clone()),
                    to: to.clone(),
                });
            }
        }
    }
    let annotated: BTreeSet<usize> = st.via.iter().map(|(i, _, _)| *i).collect();
    for (i, k) in keys.iter().enumerate() {
        if !annotated.contains(&i) {
            edges.push(Edge {
                from: None,
                to: k.clone(),
            });
        }
    }
    super::eco_common::finish(st.components, edges, st.diagnostics)
}

fn spec_text(v: &VersionSpec) -> String {
    match v {
        VersionSpec::Exact(s) => format!("=={s}"),
        VersionSpec::Range(s) | VersionSpec::Floating(s) => s.clone(),
        VersionSpec::Unpinned => String::new(),
    }
}

/// Resolves an include target relative to the including file.
fn resolve_include(from: &SourceFile, target: &str) -> Option<String> {
    let t = target.trim().replace('\\', "/");
    if t.starts_with('/') || t.contains("://") || t.get(1..2) == Some(":") {
        return None;
    }
    let joined = match dir_of(&from.path) {
        "" => t,
        d => format!("{d}/{t}"),
    };
    let normalized = normalize_path(&joined);
    let mut parts: Vec<&str> = Vec::new();
    for p in normalized.split('/') {
        if p == ".." {
            parts.pop()?;
        } else {
            parts.push(p);
        }
    }
    Some(parts.join("/"))
}

fn read_file(st: &mut State<'_, '_>, file: &SourceFile, depth: usize, constraints_only: bool) {
    if !constraints_only {
        st.stack.push(file.path.clone());
    }
    let index = LineIndex::new(&file.text);
    let lines = logical_lines(&file.text);
    let mut file_props: BTreeMap<String, String> = BTreeMap::new();
    let first_component = st.components.len();
    // The requirement the following `# via` comment lines belong to.
    let mut via_target: Option<(usize, Vec<String>, bool, bool)> = None;

    let mut diag = |st: &mut State<'_, '_>, sev: Severity, span: Span, msg: String| {
        st.diagnostics
            .push(diagnostic_in(file, &index, sev, span, msg));
    };

    for l in &lines {
        if l.text.is_empty() {
            match (&l.comment, via_target.as_mut()) {
                (Some(c), Some(t)) => {
                    let body = c.trim_start_matches('#').trim();
                    if let Some(rest) = body.strip_prefix("via")
                        && (rest.is_empty() || rest.starts_with(' '))
                    {
                        t.3 = true;
                        via_item(rest.trim(), t);
                    } else if t.3
                        && (!body.contains(' ')
                            || body.starts_with("-r ")
                            || body.starts_with("-c "))
                    {
                        via_item(body, t);
                    }
                }
                (None, Some(_)) => {
                    // A blank line ends the annotation block.
                    if let Some((i, parents, direct, true)) = via_target.take() {
                        st.via.push((i, parents, direct));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some((i, parents, direct, seen)) = via_target.take()
            && seen
        {
            st.via.push((i, parents, direct));
        }
        let text = l.text.as_str();
        if text.starts_with('-') {
            option_line(
                st,
                file,
                &index,
                l,
                depth,
                constraints_only,
                &mut file_props,
                &mut diag,
            );
            continue;
        }
        // Requirement part: tokens up to the first one starting with `-`.
        let tokens: Vec<&str> = text.split(' ').collect();
        let split = tokens
            .iter()
            .position(|t| t.starts_with('-'))
            .unwrap_or(tokens.len());
        let req_text = tokens.get(..split).unwrap_or(&[]).join(" ");
        let opts = shell_split(&tokens.get(split..).unwrap_or(&[]).join(" "));
        let req = match parse_requirement(&req_text) {
            Ok(r) => r,
            Err(msg) => {
                diag(
                    st,
                    Severity::Warning,
                    l.span,
                    format!("{msg}; line skipped"),
                );
                continue;
            }
        };
        if constraints_only {
            if !req.local {
                let origin = format!("{}:{}", file.path, index.line_of(l.span.start) + 1);
                st.constraints
                    .entry(pep503(&req.name))
                    .or_insert((req.version.clone().unwrap_or(VersionSpec::Unpinned), origin));
            }
            continue;
        }
        if req.local {
            continue;
        }
        let mut c = pypi_component(
            &req.name,
            req.version.clone().unwrap_or(VersionSpec::Unpinned),
        );
        c.direct = true;
        if !req.extras.is_empty() {
            c.properties
                .insert("extras".to_string(), req.extras.join(","));
        }
        if let Some(m) = &req.marker {
            c.properties.insert("marker".to_string(), m.clone());
        }
        if let Some(u) = &req.url {
            c.properties.insert("url".to_string(), u.clone());
        }
        if req_text.contains("${") {
            c.properties
                .insert("versionExpression".to_string(), req_text.trim().to_string());
            diag(
                st,
                Severity::Note,
                l.span,
                "environment variables in requirements are expanded by pip at install time; the version is unknown here".to_string(),
            );
        }
        let mut k = 0;
        while let Some(o) = opts.get(k) {
            k += 1;
            let hash = if let Some(v) = o.strip_prefix("--hash=") {
                Some(v.to_string())
            } else if o == "--hash" {
                k += 1;
                opts.get(k - 1).cloned()
            } else {
                if [
                    "--global-option",
                    "--install-option",
                    "--config-settings",
                    "-C",
                ]
                .iter()
                .any(|p| o == p)
                {
                    k += 1;
                } else if ![
                    "--global-option=",
                    "--install-option=",
                    "--config-settings=",
                ]
                .iter()
                .any(|p| o.starts_with(p))
                {
                    diag(
                        st,
                        Severity::Warning,
                        l.span,
                        format!("unknown per-requirement option `{o}`"),
                    );
                }
                None
            };
            if let Some(h) = hash {
                match prefixed_hex_hash(&h) {
                    Some(pair) => {
                        if !c.hashes.contains(&pair) {
                            c.hashes.push(pair);
                        }
                    }
                    None => diag(
                        st,
                        Severity::Warning,
                        l.span,
                        format!("`--hash={h}` is not `algorithm:hexdigest` with a known algorithm"),
                    ),
                }
            }
        }
        c.evidence.push(evidence_in(file, &index, l.span));
        let idx = st.components.len();
        st.components.push(c);
        let inline_via = l
            .comment
            .as_deref()
            .map(|c| c.trim_start_matches('#').trim())
            .and_then(|c| c.strip_prefix("via"));
        let mut target = (idx, Vec::new(), false, false);
        if let Some(rest) = inline_via {
            target.3 = true;
            via_item(rest.trim(), &mut target);
        }
        via_target = Some(target);
    }
    if let Some((i, parents, direct, seen)) = via_target.take()
        && seen
    {
        st.via.push((i, parents, direct));
    }
    if let Some(comps) = st.components.get_mut(first_component..) {
        for c in comps {
            for (k, v) in &file_props {
                c.properties.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    if !constraints_only {
        st.stack.pop();
        st.done.insert(file.path.clone());
    }
}

/// One `# via` item: `-r file` / `-c file` (direct) or package names.
fn via_item(item: &str, t: &mut (usize, Vec<String>, bool, bool)) {
    let item = item.trim();
    if item.is_empty() {
        return;
    }
    if item.starts_with("-r") || item.starts_with("-c") || item.starts_with("--requirement") {
        t.2 = true;
        return;
    }
    for part in item.split(',') {
        let name = part.trim().split('[').next().unwrap_or("").trim();
        if is_pep508_name(name) {
            t.1.push(name.to_string());
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn option_line(
    st: &mut State<'_, '_>,
    file: &SourceFile,
    index: &LineIndex,
    l: &Logical,
    depth: usize,
    constraints_only: bool,
    file_props: &mut BTreeMap<String, String>,
    diag: &mut impl FnMut(&mut State<'_, '_>, Severity, Span, String),
) {
    let args = shell_split(&l.text);
    let Some(first) = args.first() else { return };
    // `--opt=value`, `--opt value`, `-rvalue`, `-r value`.
    let (opt, inline) = match first.split_once('=') {
        Some((o, v)) if o.starts_with("--") => (o.to_string(), Some(v.to_string())),
        _ if !first.starts_with("--") && first.len() > 2 => (
            first.get(..2).unwrap_or("").to_string(),
            Some(first.get(2..).unwrap_or("").to_string()),
        ),
        _ => (first.clone(), None),
    };
    let value = inline.or_else(|| args.get(1).cloned());
    let takes_value = |o: &str| {
        matches!(
            o,
            "-r" | "--requirement"
                | "-c"
                | "--constraint"
                | "-e"
                | "--editable"
                | "-i"
                | "--index-url"
                | "--extra-index-url"
                | "-f"
                | "--find-links"
                | "--trusted-host"
                | "--no-binary"
                | "--only-binary"
                | "--use-feature"
                | "--global-option"
                | "--config-settings"
        )
    };
    if takes_value(&opt) && value.as_deref().is_none_or(str::is_empty) {
        diag(
            st,
            Severity::Warning,
            l.span,
            format!("option `{opt}` needs a value"),
        );
        return;
    }
    let value = value.unwrap_or_default();
    match opt.as_str() {
        "-r" | "--requirement" | "-c" | "--constraint" => {
            let constraint = matches!(opt.as_str(), "-c" | "--constraint");
            include(
                st,
                file,
                l,
                &value,
                depth,
                constraint || constraints_only,
                diag,
            );
        }
        "-e" | "--editable" => {
            if constraints_only {
                return;
            }
            match parse_url_requirement(&value, None) {
                Ok(r) if r.local => {}
                Ok(r) => {
                    let mut c = pypi_component(&r.name, r.version.unwrap_or(VersionSpec::Unpinned));
                    c.direct = true;
                    c.properties
                        .insert("editable".to_string(), "true".to_string());
                    if let Some(u) = r.url {
                        c.properties.insert("url".to_string(), u);
                    }
                    c.evidence.push(evidence_in(file, index, l.span));
                    st.components.push(c);
                }
                Err(msg) => diag(
                    st,
                    Severity::Warning,
                    l.span,
                    format!("{msg}; line skipped"),
                ),
            }
        }
        "-i" | "--index-url" => {
            file_props.insert("indexUrl".to_string(), value);
        }
        "--extra-index-url" => {
            let e = file_props.entry("extraIndexUrl".to_string()).or_default();
            if !e.is_empty() {
                e.push(' ');
            }
            e.push_str(&value);
        }
        "-f" | "--find-links" | "--trusted-host" | "--no-binary" | "--only-binary"
        | "--use-feature" | "--global-option" | "--config-settings" | "--no-index" | "--pre"
        | "--prefer-binary" | "--require-hashes" | "-Z" | "--always-unzip" => {}
        other => diag(
            st,
            Severity::Warning,
            l.span,
            format!("unknown option `{other}`; line skipped"),
        ),
    }
}

fn include(
    st: &mut State<'_, '_>,
    file: &SourceFile,
    l: &Logical,
    target: &str,
    depth: usize,
    constraint: bool,
    diag: &mut impl FnMut(&mut State<'_, '_>, Severity, Span, String),
) {
    let kind = if constraint {
        "constraints"
    } else {
        "requirements"
    };
    let Some(path) = resolve_include(file, target) else {
        diag(
            st,
            Severity::Note,
            l.span,
            format!("{kind} file `{target}` is remote or absolute; not followed"),
        );
        return;
    };
    // Another requirements file that is extracted on its own.
    if !constraint && wants(&path) && st.cx.get(&path).is_some() && path != st.main.path {
        return;
    }
    if constraint && !st.constraint_files.insert(path.clone()) {
        return;
    }
    if !constraint && st.done.contains(&path) {
        return;
    }
    if !constraint && st.stack.contains(&path) {
        diag(
            st,
            Severity::Warning,
            l.span,
            format!("include cycle: `{path}` is already being read; not read again"),
        );
        return;
    }
    if depth >= MAX_INCLUDE_DEPTH {
        diag(
            st,
            Severity::Warning,
            l.span,
            format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files; `{path}` not read"),
        );
        return;
    }
    let Some(f) = st.cx.get(&path) else {
        diag(
            st,
            Severity::Warning,
            l.span,
            format!("{kind} file `{path}` is not among the scanned files"),
        );
        return;
    };
    read_file(st, f, depth + 1, constraint);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers() {
        assert_eq!(
            parse_specifier("==1.0").unwrap(),
            VersionSpec::Exact("1.0".into())
        );
        assert_eq!(
            parse_specifier("===1.0-x").unwrap(),
            VersionSpec::Exact("1.0-x".into())
        );
        assert_eq!(
            parse_specifier("==1.*").unwrap(),
            VersionSpec::Floating("==1.*".into())
        );
        assert_eq!(
            parse_specifier(">=1, <2").unwrap(),
            VersionSpec::Range(">=1, <2".into())
        );
        assert_eq!(
            parse_specifier("(~=1.4)").unwrap(),
            VersionSpec::Range("~=1.4".into())
        );
        assert_eq!(parse_specifier("").unwrap(), VersionSpec::Unpinned);
        assert!(parse_specifier("=1").is_err());
        assert!(parse_specifier(">=").is_err());
    }

    #[test]
    fn requirements_parse() {
        let r = parse_requirement("Foo.Bar[a, b]>=1 ; python_version < \"3.8\"").unwrap();
        assert_eq!(r.name, "Foo.Bar");
        assert_eq!(r.extras, vec!["a", "b"]);
        assert_eq!(r.marker.as_deref(), Some("python_version < \"3.8\""));
        let r = parse_requirement("pkg @ git+https://x/y.git@v1 ; os_name == 'nt'").unwrap();
        assert_eq!(r.url.as_deref(), Some("git+https://x/y.git@v1"));
        assert_eq!(r.marker.as_deref(), Some("os_name == 'nt'"));
        let r = parse_requirement("https://h/p/requests-2.31.0-py3-none-any.whl").unwrap();
        assert_eq!(
            (r.name.as_str(), r.version),
            ("requests", Some(VersionSpec::Exact("2.31.0".into())))
        );
        assert!(parse_requirement("./local/pkg").unwrap().local);
        assert!(parse_requirement("https://h/archive.tar.gz").is_err());
        assert!(parse_requirement("[x]").is_err());
    }

    #[test]
    fn joins_and_strips_comments() {
        let t = "a==1 \\\n  --hash=sha256:00 # c\n# only\nb \\\n# ends\nc#notcomment\n";
        let l = logical_lines(t);
        let texts: Vec<&str> = l.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["a==1   --hash=sha256:00", "", "b", "", "c#notcomment"]
        );
    }

    #[test]
    fn include_paths() {
        let f = SourceFile::new("svc/requirements.txt", "");
        assert_eq!(
            resolve_include(&f, "../base.in").as_deref(),
            Some("base.in")
        );
        assert_eq!(
            resolve_include(&f, "./dev/x.txt").as_deref(),
            Some("svc/dev/x.txt")
        );
        assert_eq!(resolve_include(&f, "../../x").as_deref(), None);
        assert_eq!(resolve_include(&f, "https://x/r.txt"), None);
    }
}
