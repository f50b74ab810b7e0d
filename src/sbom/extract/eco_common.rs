//! Helpers shared by the lock-file and manifest extractors of the non-.NET ecosystems (Cargo,
//! npm, PyPI, Go): an output builder that resolves evidence lines and merges duplicate
//! components, a JSON reader that keeps byte spans, a YAML value tree with byte spans (on top of
//! serde-saphyr), a TOML helper (on top of `toml`'s spanned document tree), SRI integrity
//! decoding, PEP 503 name normalization and dependency-graph scope propagation.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::finding::Severity;
use crate::sbom::model::{
    Component, ComponentType, Ecosystem, Edge, Evidence, ExtractDiagnostic, Extracted, Scope,
    VersionSpec,
};
use crate::source::{LineIndex, SourceFile, Span};

/// Identity of a component (what [`Component::key`] returns).
pub(crate) type Key = (Ecosystem, String, VersionSpec);

/// Length of a leading UTF-8 byte order mark, if any.
pub(crate) fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// Evidence for `span` in `file`.
pub(crate) fn evidence_in(file: &SourceFile, index: &LineIndex, span: Span) -> Evidence {
    Evidence {
        path: file.path.clone(),
        span,
        line: index.line_of(span.start) + 1,
    }
}

/// A diagnostic for `span` in `file`.
pub(crate) fn diagnostic_in(
    file: &SourceFile,
    index: &LineIndex,
    severity: Severity,
    span: Span,
    message: impl Into<String>,
) -> ExtractDiagnostic {
    ExtractDiagnostic {
        severity,
        path: file.path.clone(),
        span,
        line: index.line_of(span.start) + 1,
        message: message.into(),
    }
}

/// Byte offset of a 1-based line and 1-based column counted in characters (clamped).
pub(crate) fn offset_of(text: &str, index: &LineIndex, line: usize, column: usize) -> usize {
    let start = index.line_start(line.max(1));
    let rest = text.get(start..).unwrap_or("");
    let mut off = start;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n + 1 >= column.max(1) || c == '\n' {
            return start + i;
        }
        off = start + i + c.len_utf8();
    }
    off
}

/// Span of the whole line containing `offset`, without its terminator.
pub(crate) fn line_span_at(text: &str, index: &LineIndex, offset: usize) -> Span {
    index.line_span(text, index.line_of(offset) + 1)
}

/// Collects one extractor's output for one file.
pub(crate) struct Out<'a> {
    pub file: &'a SourceFile,
    pub index: LineIndex,
    pub components: Vec<Component>,
    pub edges: Vec<Edge>,
    pub diagnostics: Vec<ExtractDiagnostic>,
}

impl<'a> Out<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            index: LineIndex::new(&file.text),
            components: Vec::new(),
            edges: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        &self.file.text
    }

    pub fn evidence(&self, span: Span) -> Evidence {
        evidence_in(self.file, &self.index, span)
    }

    pub fn diag(&mut self, severity: Severity, span: Span, message: impl Into<String>) {
        let d = diagnostic_in(self.file, &self.index, severity, span, message);
        self.diagnostics.push(d);
    }

    /// A diagnostic at a 1-based line/column (character) position; the span covers the rest of
    /// that line.
    pub fn diag_at(&mut self, severity: Severity, line: usize, column: usize, message: String) {
        let text = self.text();
        let start = offset_of(text, &self.index, line, column);
        let line_span = line_span_at(text, &self.index, start);
        let end = line_span.end.max(start);
        self.diag(severity, Span::new(start, end), message);
    }

    pub fn edge(&mut self, from: Option<Key>, to: Key) {
        self.edges.push(Edge { from, to });
    }

    /// Merges duplicates and sorts everything.
    pub fn finish(self) -> Extracted {
        finish(self.components, self.edges, self.diagnostics)
    }
}

/// A library component with everything optional left empty.
pub(crate) fn component(
    ecosystem: Ecosystem,
    namespace: Option<String>,
    name: String,
    version: VersionSpec,
) -> Component {
    Component {
        ecosystem,
        component_type: ComponentType::Library,
        name,
        namespace,
        version,
        scope: Scope::Required,
        direct: false,
        hashes: Vec::new(),
        url: None,
        evidence: Vec::new(),
        properties: BTreeMap::new(),
    }
}

/// Merges components with the same key (evidence, hashes and properties are united; a component
/// is required when any occurrence is, direct when any occurrence is), then orders components by
/// their first evidence, edges and diagnostics by value.
pub(crate) fn finish(
    components: Vec<Component>,
    mut edges: Vec<Edge>,
    mut diagnostics: Vec<ExtractDiagnostic>,
) -> Extracted {
    let mut merged: Vec<Component> = Vec::new();
    let mut by_key: BTreeMap<Key, usize> = BTreeMap::new();
    for c in components {
        let key = c.key();
        match by_key.get(&key).and_then(|&i| merged.get_mut(i)) {
            Some(m) => {
                m.scope = m.scope.min(c.scope);
                m.direct |= c.direct;
                for e in c.evidence {
                    if !m.evidence.contains(&e) {
                        m.evidence.push(e);
                    }
                }
                for h in c.hashes {
                    if !m.hashes.contains(&h) {
                        m.hashes.push(h);
                    }
                }
                for (k, v) in c.properties {
                    m.properties.entry(k).or_insert(v);
                }
                if m.url.is_none() {
                    m.url = c.url;
                }
            }
            None => {
                by_key.insert(key, merged.len());
                merged.push(c);
            }
        }
    }
    for c in &mut merged {
        c.evidence.sort();
    }
    merged.sort_by(|a, b| {
        a.evidence
            .first()
            .cmp(&b.evidence.first())
            .then_with(|| a.key().cmp(&b.key()))
    });
    edges.retain(|e| e.from.as_ref() != Some(&e.to));
    edges.sort();
    edges.dedup();
    diagnostics.sort_by(|a, b| {
        (&a.path, a.span, &a.message, a.severity).cmp(&(&b.path, b.span, &b.message, b.severity))
    });
    diagnostics.dedup();
    Extracted {
        components: merged,
        edges,
        diagnostics,
        ..Extracted::default()
    }
}

/// Splits an npm package name into its scope (`@scope`) and bare name.
pub(crate) fn split_npm_name(full: &str) -> (Option<String>, String) {
    if full.starts_with('@')
        && let Some((scope, name)) = full.split_once('/')
    {
        return (Some(scope.to_string()), name.to_string());
    }
    (None, full.to_string())
}

/// A valid npm package name (what can appear as a `node_modules/` folder).
pub(crate) fn is_npm_name(name: &str) -> bool {
    let ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && !s.contains(['/', '\\', ' ', ':', '@'])
            && !s.chars().any(char::is_control)
    };
    match name.strip_prefix('@') {
        Some(rest) => rest.split_once('/').is_some_and(|(s, n)| ok(s) && ok(n)),
        None => ok(name),
    }
}

/// PEP 503 normalized Python project name: runs of `-`, `_`, `.` become `-`, lowercased.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A valid PEP 508 project name (`[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`).
pub(crate) fn is_pep508_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Sets the PyPI name of `c` from a declared name: PEP 503 normalized, with the declared
/// spelling kept as the `declaredName` property when it differs.
pub(crate) fn pypi_component(declared: &str, version: VersionSpec) -> Component {
    let name = pep503(declared);
    let mut c = component(Ecosystem::PyPI, None, name.clone(), version);
    if declared != name {
        c.properties
            .insert("declaredName".to_string(), declared.to_string());
    }
    c
}

/// Decodes standard or URL-safe base64 (padding optional). `None` on invalid input.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(H[usize::from(b >> 4)]));
        s.push(char::from(H[usize::from(b & 0xf)]));
    }
    s
}

/// CycloneDX algorithm name and expected digest length for a hash algorithm as lock files spell
/// it (`sha512`, `sha256`, `sha1`, `md5`...).
pub(crate) fn hash_algorithm(name: &str) -> Option<(&'static str, usize)> {
    match name.to_ascii_lowercase().as_str() {
        "sha1" | "sha-1" => Some(("SHA-1", 20)),
        "sha256" | "sha-256" => Some(("SHA-256", 32)),
        "sha384" | "sha-384" => Some(("SHA-384", 48)),
        "sha512" | "sha-512" => Some(("SHA-512", 64)),
        "md5" => Some(("MD5", 16)),
        _ => None,
    }
}

/// Hashes from a Subresource Integrity string (`sha512-<base64> sha1-<base64>`), as
/// `(algorithm, lowercase hex)`. Unknown algorithms and undecodable digests are left out; the
/// second value lists what was left out.
pub(crate) fn sri_hashes(sri: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut hashes = Vec::new();
    let mut bad = Vec::new();
    for part in sri.split_ascii_whitespace() {
        let Some((alg, b64)) = part.split_once('-') else {
            bad.push(part.to_string());
            continue;
        };
        // Options (`?foo`) may follow the digest.
        let b64 = b64.split('?').next().unwrap_or("");
        match (hash_algorithm(alg), base64_decode(b64)) {
            (Some((name, len)), Some(bytes)) if bytes.len() == len => {
                hashes.push((name.to_string(), hex(&bytes)));
            }
            _ => bad.push(part.to_string()),
        }
    }
    (hashes, bad)
}

/// `alg:hexdigest` (pip, poetry, uv) as `(algorithm, lowercase hex)` when the digest has the
/// right length for the algorithm.
pub(crate) fn prefixed_hex_hash(s: &str) -> Option<(String, String)> {
    let (alg, digest) = s.trim().split_once([':', '='])?;
    let (name, len) = hash_algorithm(alg)?;
    let digest = digest.trim();
    if digest.len() == len * 2 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some((name.to_string(), digest.to_ascii_lowercase()))
    } else {
        None
    }
}

/// How a component was reached from the project in a dependency graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// Reachable from a required (production) root.
    Required,
    /// Reachable only from dev / optional roots.
    Optional,
}

/// Propagates reachability through `adjacency` (node → successors) from `roots`. Nodes not
/// reachable at all are absent. Iterative, so deep graphs cannot overflow the stack.
pub(crate) fn propagate_reach(
    node_count: usize,
    adjacency: &BTreeMap<usize, BTreeSet<usize>>,
    roots: &[(usize, Reach)],
) -> BTreeMap<usize, Reach> {
    let mut reach: BTreeMap<usize, Reach> = BTreeMap::new();
    for wanted in [Reach::Required, Reach::Optional] {
        let mut queue: VecDeque<usize> = roots
            .iter()
            .filter(|(n, r)| *r == wanted && *n < node_count)
            .map(|(n, _)| *n)
            .collect();
        while let Some(n) = queue.pop_front() {
            if reach.contains_key(&n) {
                continue;
            }
            reach.insert(n, wanted);
            if let Some(next) = adjacency.get(&n) {
                queue.extend(next.iter().copied().filter(|m| !reach.contains_key(m)));
            }
        }
    }
    reach
}

/// Dependency kinds declared in a `package.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum NpmDepKind {
    Prod,
    Dev,
    Optional,
    Peer,
}

impl NpmDepKind {
    pub fn reach(self) -> Reach {
        match self {
            NpmDepKind::Prod | NpmDepKind::Peer => Reach::Required,
            NpmDepKind::Dev | NpmDepKind::Optional => Reach::Optional,
        }
    }
}

/// Declared dependencies of a parsed `package.json` object: `(name, range, kind)`.
pub(crate) fn package_json_deps(root: &json::Value) -> Vec<(String, String, NpmDepKind)> {
    let mut out = Vec::new();
    for (field, kind) in [
        ("dependencies", NpmDepKind::Prod),
        ("devDependencies", NpmDepKind::Dev),
        ("optionalDependencies", NpmDepKind::Optional),
        ("peerDependencies", NpmDepKind::Peer),
    ] {
        let Some(members) = root.get(field).and_then(json::Value::as_object) else {
            continue;
        };
        for m in members {
            let range = m.value.as_str().unwrap_or("").to_string();
            out.push((m.key.clone(), range, kind));
        }
    }
    out
}

/// The `package.json` next to a lock file, parsed, when it is among the scanned files.
pub(crate) fn sibling_package_json(
    cx: &super::ExtractContext<'_>,
    lock_path: &str,
) -> Option<json::Value> {
    let dir = super::dir_of(lock_path);
    let path = if dir.is_empty() {
        "package.json".to_string()
    } else {
        format!("{dir}/package.json")
    };
    let f = cx.get(&path)?;
    json::parse(&f.text).ok()
}

/// A JSON reader that keeps the byte span of every value and key (serde_json does not), with
/// a bounded nesting depth.
pub(crate) mod json;

/// A YAML value tree with byte spans, read with serde-saphyr. Scalars keep the text as written
/// (`1.10` stays `1.10`, not the float 1.1).
pub(crate) mod yaml;

/// Helpers over `toml`'s spanned document tree.
/// Parses a TOML lock file: a syntax error becomes an error diagnostic (`"<what> is not valid
/// TOML: …"`) and `None`.
pub(crate) fn parse_toml<'a>(
    out: &mut Out<'a>,
    what: &str,
) -> Option<tomlx::Spanned<tomlx::Table<'a>>> {
    let text = out.text();
    match tomlx::parse(text) {
        Ok(doc) => Some(doc),
        Err((span, message)) => {
            let span = span.unwrap_or_else(|| Span::empty(bom_len(text)));
            out.diag(
                Severity::Error,
                span,
                format!("{what} is not valid TOML: {message}"),
            );
            None
        }
    }
}

/// The `[[package]]` tables of a lock file, each with its span (from its `name` key, else its
/// start, to its end). Entries that are not tables are reported and skipped.
pub(crate) fn package_tables<'d, 'i>(
    root: &'d tomlx::Table<'i>,
    out: &mut Out<'_>,
    base: usize,
) -> Vec<(&'d tomlx::Table<'i>, Span)> {
    let mut tables = Vec::new();
    for entry in tomlx::get_array(root, "package") {
        let Some(t) = tomlx::as_table(entry) else {
            out.diag(
                Severity::Warning,
                tomlx::span(entry, base),
                "`package` entry is not a table; skipped",
            );
            continue;
        };
        let extent = tomlx::extent(t, base).unwrap_or(tomlx::span(entry, base));
        let span = tomlx::key_span(t, "name", base)
            .map_or(extent, |n| Span::new(n.start, extent.end.max(n.end)));
        tables.push((t, span));
    }
    tables
}

pub(crate) mod tomlx;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalizes() {
        assert_eq!(pep503("Django"), "django");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("Foo__Bar-.baz"), "foo-bar-baz");
        assert!(is_pep508_name("a.b_c-1"));
        assert!(!is_pep508_name("-a"));
        assert!(!is_pep508_name(""));
    }

    #[test]
    fn sri_decodes() {
        let (h, bad) = sri_hashes(
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg== sha1-xxxx",
        );
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].0, "SHA-512");
        assert_eq!(h[0].1.len(), 128);
        assert!(h[0].1.starts_with("cf83e1357eefb8bdf1542850d66d8007"));
        assert_eq!(bad, vec!["sha1-xxxx".to_string()]);
        assert_eq!(base64_decode("aGk"), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("a"), None);
    }

    #[test]
    fn json_spans_and_errors() {
        let t = "\u{feff}{\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\"], \"b\": {\"c\": null}}";
        let v = json::parse(t).unwrap();
        let a = v.member("a").unwrap();
        assert_eq!(a.key_span.slice(t), "\"a\"");
        assert_eq!(
            a.value.span.slice(t),
            "[1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\"]"
        );
        assert_eq!(
            a.value.as_array().unwrap()[2].as_str(),
            Some("x\u{e9}\u{1F600}")
        );
        let e = json::parse("{\"a\": [1, 2").unwrap_err();
        assert!(e.message.contains("truncated"), "{e:?}");
        let deep = "[".repeat(10_000);
        assert!(json::parse(&deep).is_err());
        assert!(json::parse("{} x").is_err());
        assert!(json::parse("\"a\nb\"").is_err());
    }

    #[test]
    fn yaml_keeps_written_scalars() {
        let t = "a:\n  b: 1.10\n  'c d': true\n  e: [x, 2]\n";
        let n = yaml::parse(t).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.get("b").unwrap().as_str(), Some("1.10"));
        assert!(a.get("c d").unwrap().is_true());
        let (k, _) = &a.entries()[1];
        assert_eq!(k.span.slice(t), "'c d'");
        assert_eq!(a.get("e").unwrap().items()[1].as_str(), Some("2"));
        let e = yaml::parse("a: [1,\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn reach_prefers_required() {
        let mut adj: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        adj.entry(0).or_default().insert(2);
        adj.entry(1).or_default().insert(2);
        adj.entry(1).or_default().insert(3);
        let r = propagate_reach(5, &adj, &[(0, Reach::Required), (1, Reach::Optional)]);
        assert_eq!(r.get(&2), Some(&Reach::Required));
        assert_eq!(r.get(&3), Some(&Reach::Optional));
        assert_eq!(r.get(&4), None);
    }

    #[test]
    fn offsets_from_line_and_column() {
        let t = "ab\n\u{e9}xy\n";
        let idx = LineIndex::new(t);
        assert_eq!(offset_of(t, &idx, 2, 2), 5);
        assert_eq!(offset_of(t, &idx, 2, 99), 7);
        assert_eq!(offset_of(t, &idx, 9, 1), 8);
    }
}
