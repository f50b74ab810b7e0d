//! NuGet inputs, one file per format: MSBuild projects (`PackageReference`, central package
//! management, `Directory.Build.props`), `packages.config`, `packages.lock.json`,
//! `project.assets.json`, `*.deps.json`, Paket, `dotnet-tools.json` and `global.json`.
//!
//! Shared here: the [`Builder`] that collects components (deduplicated by lowercase id and
//! version, as NuGet ids are case-insensitive), edges and diagnostics; version handling; hashes.

pub mod deps_json;
pub mod dotnet_tools;
pub mod global_json;
pub mod json;
pub mod msbuild;
pub mod packages_config;
pub mod packages_lock;
pub mod paket;
pub mod project_assets;
pub mod version;

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Severity;
use crate::sbom::model::{
    Component, ComponentType, Ecosystem, Edge, Evidence, ExtractDiagnostic, Extracted, Scope,
    VersionSpec,
};
use crate::source::{LineIndex, SourceFile, Span};

use version::Declared;

/// A component identity as edges use it.
pub type Key = (Ecosystem, String, VersionSpec);

/// Collects one extractor run's output.
pub struct Builder {
    lines: BTreeMap<String, LineIndex>,
    components: Vec<Component>,
    index: BTreeMap<Key, usize>,
    edges: BTreeSet<Edge>,
    diagnostics: Vec<ExtractDiagnostic>,
    seen_diagnostics: BTreeSet<ExtractDiagnostic>,
}

/// Evidence kept per component: repeated declarations beyond this add nothing for a reader.
pub const MAX_EVIDENCE: usize = 64;

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Self {
        Self {
            lines: BTreeMap::new(),
            components: Vec::new(),
            index: BTreeMap::new(),
            edges: BTreeSet::new(),
            diagnostics: Vec::new(),
            seen_diagnostics: BTreeSet::new(),
        }
    }

    /// 1-based line of `offset` in `file`.
    pub fn line(&mut self, file: &SourceFile, offset: usize) -> usize {
        let idx = self
            .lines
            .entry(file.path.clone())
            .or_insert_with(|| LineIndex::new(&file.text));
        idx.line_of(offset) + 1
    }

    pub fn evidence(&mut self, file: &SourceFile, span: Span) -> Evidence {
        Evidence {
            path: file.path.clone(),
            span,
            line: self.line(file, span.start),
        }
    }

    pub fn diag(
        &mut self,
        file: &SourceFile,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) {
        let line = self.line(file, span.start);
        let d = ExtractDiagnostic {
            severity,
            path: file.path.clone(),
            span,
            line,
            message: message.into(),
        };
        self.push_diag(d);
    }

    fn push_diag(&mut self, d: ExtractDiagnostic) {
        if self.seen_diagnostics.insert(d.clone()) {
            self.diagnostics.push(d);
        }
    }

    /// Whether a component with this key was already added.
    pub fn contains(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    /// Adds a component, merging it into an earlier one with the same key (lowercase id +
    /// version): evidence and hashes are appended, `direct` is or-ed, `Required` beats
    /// `Optional`, `targetFramework` values are united, a `condition` survives only if every
    /// occurrence is conditional, other properties keep the first value.
    ///
    /// NuGet ids are checked: an empty id is dropped and an id NuGet would reject is reported
    /// (and kept), at the component's first evidence.
    pub fn add(&mut self, c: Component) -> Key {
        let key = c.key();
        if c.ecosystem == Ecosystem::NuGet
            && let Some(problem) = id_problem(&c.name)
        {
            if let Some(e) = c.evidence.first() {
                let d = ExtractDiagnostic {
                    severity: Severity::Warning,
                    path: e.path.clone(),
                    span: e.span,
                    line: e.line,
                    message: format!("{:?} is not a valid NuGet package id: {problem}", c.name),
                };
                self.push_diag(d);
            }
            if c.name.trim().is_empty() {
                return key;
            }
        }
        if let Some(&i) = self.index.get(&key)
            && let Some(old) = self.components.get_mut(i)
        {
            merge(old, c);
            return key;
        }
        self.index.insert(key.clone(), self.components.len());
        self.components.push(c);
        key
    }

    /// Adds an edge between components of this output (edges to or from anything that is never
    /// added are dropped by [`Builder::finish`]).
    pub fn edge(&mut self, from: Option<Key>, to: Key) {
        if from.as_ref() != Some(&to) {
            self.edges.insert(Edge { from, to });
        }
    }

    pub fn components(&self) -> &[Component] {
        &self.components
    }

    pub fn finish(self) -> Extracted {
        Extracted {
            components: self.components,
            edges: self
                .edges
                .into_iter()
                .filter(|e| {
                    self.index.contains_key(&e.to)
                        && e.from.as_ref().is_none_or(|f| self.index.contains_key(f))
                })
                .collect(),
            diagnostics: self.diagnostics,
            metadata: BTreeMap::new(),
        }
    }
}

fn merge(old: &mut Component, new: Component) {
    for e in new.evidence {
        if old.evidence.len() < MAX_EVIDENCE && !old.evidence.contains(&e) {
            old.evidence.push(e);
        }
    }
    for h in new.hashes {
        if !old.hashes.contains(&h) {
            old.hashes.push(h);
        }
    }
    old.direct |= new.direct;
    if new.scope == Scope::Required {
        old.scope = Scope::Required;
    }
    if !new.properties.contains_key("condition") {
        old.properties.remove("condition");
    }
    if !new.properties.contains_key("conditionValue") {
        old.properties.remove("conditionValue");
    }
    for (k, v) in new.properties {
        match k.as_str() {
            "condition" => {
                if old.properties.contains_key("condition") {
                    let cur = old.properties.get("condition").cloned().unwrap_or_default();
                    if cur != v {
                        old.properties.insert(k, format!("{cur} or {v}"));
                    }
                }
            }
            "conditionValue" => {
                if !old.properties.contains_key("conditionValue") {
                    continue;
                }
            }
            "targetFramework" => {
                let mut set: BTreeSet<String> = old
                    .properties
                    .get(&k)
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                set.extend(v.split(',').map(str::to_string));
                old.properties
                    .insert(k, set.into_iter().collect::<Vec<_>>().join(","));
            }
            _ => {
                old.properties.entry(k).or_insert(v);
            }
        }
    }
}

/// Why `id` is not a valid NuGet package id (`\w+([.-]\w+)*`, at most 100 characters).
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.trim().is_empty() {
        return Some("empty id");
    }
    if id.chars().count() > 100 {
        return Some("longer than 100 characters");
    }
    let mut prev_sep = true;
    for ch in id.chars() {
        if ch == '.' || ch == '-' {
            if prev_sep {
                return Some("a '.' or '-' must sit between letters or digits");
            }
            prev_sep = true;
        } else if ch.is_alphanumeric() || ch == '_' {
            prev_sep = false;
        } else {
            return Some("only letters, digits, '_', '.' and '-' are allowed");
        }
    }
    if prev_sep {
        return Some("a '.' or '-' must sit between letters or digits");
    }
    None
}

/// Packages that are only build-time for the project: reachable in `graph` (lowercase id →
/// dependency ids) from the `private` direct references but not from the `required` roots.
/// Empty when nothing is private.
pub fn build_only(
    graph: &BTreeMap<String, Vec<String>>,
    private: &BTreeSet<String>,
    required: &BTreeSet<String>,
) -> BTreeSet<String> {
    if private.is_empty() {
        return BTreeSet::new();
    }
    let reach = |roots: &BTreeSet<String>| {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = roots.iter().cloned().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            for d in graph.get(&id).map(Vec::as_slice).unwrap_or_default() {
                if !seen.contains(d) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    };
    let from_required = reach(required);
    reach(private)
        .into_iter()
        .filter(|id| !from_required.contains(id))
        .collect()
}

/// Marks `c` optional when the project references it privately or only through private
/// references.
pub fn apply_build_only(c: &mut Component, direct_private: bool, build_only: &BTreeSet<String>) {
    let id = c.name.trim().to_ascii_lowercase();
    if direct_private {
        c.scope = Scope::Optional;
        c.properties.insert("privateAssets".into(), "all".into());
    } else if build_only.contains(&id) {
        c.scope = Scope::Optional;
        c.properties
            .insert("privateAssets".into(), "inherited".into());
    }
}

/// A NuGet package component with defaults (library, required, not direct).
pub fn nuget(name: &str, version: VersionSpec) -> Component {
    Component {
        ecosystem: Ecosystem::NuGet,
        component_type: ComponentType::Library,
        name: name.trim().to_string(),
        namespace: None,
        version,
        scope: Scope::Required,
        direct: false,
        hashes: Vec::new(),
        url: None,
        evidence: Vec::new(),
        properties: BTreeMap::new(),
    }
}

/// A package as a lock file or restore output resolved it: the id as the file spells it (the
/// package's own casing) and its normalized versions (one per target framework at most).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub versions: BTreeSet<String>,
}

impl Resolved {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            versions: BTreeSet::new(),
        }
    }
}

/// The key of a NuGet package with an exact (already normalized) version.
pub fn key_exact(name: &str, version: &str) -> Key {
    (
        Ecosystem::NuGet,
        name.trim().to_ascii_lowercase(),
        VersionSpec::Exact(version.to_string()),
    )
}

/// Sets `c.version` from a declared NuGet version or range (`Version="…"` in a project,
/// `version` in a tool manifest) and reports ranges, floats and invalid text at `span`.
pub fn apply_declared(
    b: &mut Builder,
    file: &SourceFile,
    span: Span,
    raw: &str,
    c: &mut Component,
) {
    match version::declared(raw) {
        Declared::Exact(v) => c.version = VersionSpec::Exact(v),
        Declared::Range { text, min } => {
            let msg = match &min {
                Some(m) => format!(
                    "{}: version range {text}; restore resolves the lowest available version (≥ {m}) — pin it with a lock file",
                    c.name
                ),
                None => format!(
                    "{}: version range {text} has no inclusive minimum; the restored version is unknown without a lock file",
                    c.name
                ),
            };
            b.diag(file, Severity::Note, span, msg);
            if let Some(m) = min {
                c.properties.insert("minVersion".into(), m);
            }
            c.version = VersionSpec::Range(text);
        }
        Declared::Floating(text) => {
            b.diag(
                file,
                Severity::Note,
                span,
                format!(
                    "{}: floating version {text}; only a lock or assets file shows what was restored",
                    c.name
                ),
            );
            c.version = VersionSpec::Floating(text);
        }
        Declared::Invalid { text, reason } => {
            b.diag(
                file,
                Severity::Warning,
                span,
                format!("{}: {reason}", c.name),
            );
            c.properties.insert("versionText".into(), text);
            c.version = VersionSpec::Unpinned;
        }
    }
}

/// Sets `c.version` from a resolved (lock / assets / deps) version; an unparsable one becomes
/// `Unpinned` with a diagnostic and the text kept in `versionText`.
pub fn apply_resolved(
    b: &mut Builder,
    file: &SourceFile,
    span: Span,
    raw: &str,
    c: &mut Component,
) {
    match version::normalize(raw) {
        Ok(v) => c.version = VersionSpec::Exact(v),
        Err(reason) => {
            b.diag(
                file,
                Severity::Warning,
                span,
                format!("{}: {reason}", c.name),
            );
            c.properties
                .insert("versionText".into(), raw.trim().to_string());
            c.version = VersionSpec::Unpinned;
        }
    }
}

/// Parses an XML manifest, reporting syntax errors (error) and ignored DTDs (warning).
pub fn load_xml(b: &mut Builder, file: &SourceFile) -> Option<crate::sbom::xml::XmlDocument> {
    match crate::sbom::xml::parse(&file.text) {
        Ok(doc) => {
            for w in &doc.warnings {
                b.diag(file, Severity::Warning, w.span, w.message.clone());
            }
            Some(doc)
        }
        Err(e) => {
            b.diag(file, Severity::Error, e.span, e.message);
            None
        }
    }
}

/// Parses a JSON manifest (`text` is the file's text or a same-length relaxed copy), reporting
/// syntax errors, and returns the top-level object's members.
pub fn load_json<'a>(
    b: &mut Builder,
    file: &SourceFile,
    text: &'a str,
) -> Option<Vec<json::Entry<'a>>> {
    match json::parse(text) {
        Ok(root) => match json::object(text, root) {
            Some(m) => Some(m),
            None => {
                b.diag(
                    file,
                    Severity::Error,
                    json::span(text, root),
                    "expected a JSON object at the top level",
                );
                None
            }
        },
        Err(e) => {
            b.diag(file, Severity::Error, e.span, e.message);
            None
        }
    }
}

/// Decodes standard base64 (padding optional, whitespace ignored) into lowercase hex.
pub fn base64_to_hex(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut nbits = 0u32;
    let mut out = String::new();
    let mut ended = false;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                ended = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if ended {
            return None;
        }
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            let byte = (bits >> nbits) & 0xff;
            out.push_str(&format!("{byte:02x}"));
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// A SHA-512 hash from base64 (`sha512-` prefix allowed), if it decodes to 64 bytes.
pub fn sha512_hash(b64: &str) -> Option<(String, String)> {
    let b64 = b64.trim();
    let b64 = b64.strip_prefix("sha512-").unwrap_or(b64);
    let hex = base64_to_hex(b64)?;
    (hex.len() == 128).then(|| ("SHA-512".to_string(), hex))
}

/// Removes `user:password@` from a URL for properties and messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(host_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}{path}"),
        None => url.to_string(),
    }
}

/// Case-insensitive "ends with" for file names.
pub fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_to_hex() {
        assert_eq!(base64_to_hex("AAEC/w==").as_deref(), Some("000102ff"));
        assert_eq!(base64_to_hex("not base64!"), None);
        assert_eq!(sha512_hash("AAEC/w=="), None, "4 bytes is not a SHA-512");
        let sixty_four = format!("{}==", "A".repeat(86));
        assert_eq!(sha512_hash(&sixty_four).map(|h| h.1.len()), Some(128));
    }

    #[test]
    fn dedupe_is_case_insensitive_and_merges() {
        let f = SourceFile::new("a/packages.config", "x\ny");
        let mut b = Builder::new();
        let mut c1 = nuget("Newtonsoft.Json", VersionSpec::Exact("13.0.1".into()));
        c1.evidence.push(b.evidence(&f, Span::new(0, 1)));
        c1.scope = Scope::Optional;
        c1.properties.insert("condition".into(), "x".into());
        let mut c2 = nuget("newtonsoft.json", VersionSpec::Exact("13.0.1".into()));
        c2.evidence.push(b.evidence(&f, Span::new(2, 3)));
        b.add(c1);
        b.add(c2);
        let out = b.finish();
        assert_eq!(out.components.len(), 1);
        let c = &out.components[0];
        assert_eq!(c.name, "Newtonsoft.Json");
        assert_eq!(c.scope, Scope::Required);
        assert!(!c.properties.contains_key("condition"));
        assert_eq!(
            c.evidence.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn package_ids() {
        for ok in [
            "Newtonsoft.Json",
            "runtime.linux-x64.Microsoft.NETCore.App",
            "A_b",
            "Ünïcode.Pkg",
        ] {
            assert_eq!(id_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            " ",
            "a..b",
            ".a",
            "a-",
            "a b",
            "a/b",
            "a;b",
            &"x".repeat(101),
        ] {
            assert!(id_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn redacts_credentials() {
        assert_eq!(
            redact_url("https://u:p@feed.example/v3/index.json"),
            "https://***@feed.example/v3/index.json"
        );
        assert_eq!(
            redact_url("https://feed.example/x"),
            "https://feed.example/x"
        );
    }
}
