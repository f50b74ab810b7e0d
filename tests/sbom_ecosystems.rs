//! SBOM extraction for Cargo, npm, PyPI and Go: snapshot fixtures
//! (`tests/fixtures/sbom/<format>/<case>/`, each case a small repository) and property tests
//! (no input makes an extractor panic, and every span it returns lies on the file's text).
#![allow(clippy::disallowed_methods)] // tests read their fixtures from disk

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use portcullis::SourceFile;
use portcullis::sbom::extract::{ExtractContext, Extractor, all};
use portcullis::sbom::{Extracted, VersionSpec};
use portcullis::source::LineIndex;
use proptest::prelude::*;

/// Fixture folder → the extractors it exercises.
const FORMATS: &[(&str, &str)] = &[
    ("cargo-lock", "cargo-lock"),
    ("npm-lock", "npm-lock"),
    ("yarn-lock", "yarn-lock"),
    ("pnpm-lock", "pnpm-lock"),
    ("requirements", "requirements-txt"),
    ("poetry-lock", "poetry-lock"),
    ("pipfile-lock", "pipfile-lock"),
    ("uv-lock", "uv-lock"),
    ("go-mod", "go-mod"),
];

fn extractor(name: &str) -> &'static Extractor {
    all()
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("extractor {name} is registered"))
}

fn ours() -> Vec<&'static Extractor> {
    FORMATS.iter().map(|(_, e)| extractor(e)).collect()
}

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(root, &p, out);
        } else {
            let rel = p
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = String::from_utf8(std::fs::read(&p).expect("read")).expect("utf-8 fixture");
            out.push(SourceFile::new(rel, text));
        }
    }
}

fn version(v: &VersionSpec) -> String {
    match v {
        VersionSpec::Exact(v) => v.clone(),
        VersionSpec::Range(r) => format!("range {r}"),
        VersionSpec::Floating(f) => format!("floating {f}"),
        VersionSpec::Unpinned => "unpinned".into(),
    }
}

/// Every span of an output lies on char boundaries of its file, and every line number agrees
/// with the span.
fn check_positions(files: &BTreeMap<String, &SourceFile>, out: &Extracted) -> Result<(), String> {
    let check = |path: &str, span: portcullis::Span, line: usize| -> Result<(), String> {
        let f = files
            .get(path)
            .ok_or_else(|| format!("{path} is not a scanned file"))?;
        if span.start > span.end || span.end > f.text.len() {
            return Err(format!(
                "{path}: span {span:?} outside {} bytes",
                f.text.len()
            ));
        }
        if !f.text.is_char_boundary(span.start) || !f.text.is_char_boundary(span.end) {
            return Err(format!("{path}: span {span:?} not on char boundaries"));
        }
        let want = LineIndex::new(&f.text).line_of(span.start) + 1;
        if want != line {
            return Err(format!(
                "{path}: line {line} but span starts on line {want}"
            ));
        }
        Ok(())
    };
    for c in &out.components {
        if c.evidence.is_empty() {
            return Err(format!("{} has no evidence", c.full_name()));
        }
        for e in &c.evidence {
            check(&e.path, e.span, e.line)?;
        }
    }
    for d in &out.diagnostics {
        check(&d.path, d.span, d.line)?;
    }
    Ok(())
}

fn render(
    files: &BTreeMap<String, &SourceFile>,
    path: &str,
    name: &str,
    out: &Extracted,
) -> String {
    if let Err(e) = check_positions(files, out) {
        panic!("{path} [{name}]: {e}");
    }
    let mut s = String::new();
    let _ = writeln!(s, "== {path} [{name}]");
    for c in &out.components {
        let scope = format!("{:?}", c.scope).to_lowercase();
        let _ = writeln!(
            s,
            "   {:?} {} @ {} | {scope}{}",
            c.ecosystem,
            c.full_name(),
            version(&c.version),
            if c.direct { " direct" } else { "" }
        );
        let ev: Vec<String> = c
            .evidence
            .iter()
            .map(|e| format!("{}:{}", e.path, e.line))
            .collect();
        let _ = writeln!(s, "     at {}", ev.join(", "));
        // The first evidence names the package it declares (or its alias / replacement).
        let first = &c.evidence[0];
        let decl = first
            .span
            .slice(&files[first.path.as_str()].text)
            .to_ascii_lowercase();
        let declared = c
            .properties
            .get("declaredName")
            .map_or(c.name.to_ascii_lowercase(), |d| d.to_ascii_lowercase());
        let alias = c.properties.get("alias").map(|a| a.to_ascii_lowercase());
        let replaced = c.properties.get("replaces").map(|r| r.to_ascii_lowercase());
        assert!(
            decl.contains(&declared)
                || alias.is_some_and(|a| decl.contains(&a))
                || replaced.is_some_and(|r| decl.contains(r.split(' ').next().unwrap_or(""))),
            "{path}: evidence {decl:?} does not name {}",
            c.full_name()
        );
        for (alg, hex) in &c.hashes {
            let _ = writeln!(
                s,
                "     hash {alg} {}… ({} hex)",
                hex.get(..16).unwrap_or(hex),
                hex.len()
            );
        }
        if !c.properties.is_empty() {
            let props: Vec<String> = c
                .properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(s, "     props {}", props.join("; "));
        }
    }
    let from_project = out.edges.iter().filter(|e| e.from.is_none()).count();
    let _ = writeln!(
        s,
        "   edges: {} ({} from the project)",
        out.edges.len(),
        from_project
    );
    for e in out.edges.iter().filter(|e| e.from.is_some()) {
        if let Some(f) = &e.from {
            let _ = writeln!(
                s,
                "     {}@{} -> {}@{}",
                f.1,
                version(&f.2),
                e.to.1,
                version(&e.to.2)
            );
        }
    }
    for d in &out.diagnostics {
        let _ = writeln!(
            s,
            "   {} {}:{}: {}",
            d.severity.as_str(),
            d.path,
            d.line,
            d.message
        );
    }
    s
}

fn run_case(dir: &Path) -> String {
    let mut files = Vec::new();
    read_tree(dir, dir, &mut files);
    let map: BTreeMap<String, &SourceFile> = files.iter().map(|f| (f.path.clone(), f)).collect();
    let cx = ExtractContext::new(&map);
    let mut s = String::new();
    for f in &files {
        for ex in ours() {
            if (ex.wants)(&f.path) {
                let out = (ex.extract)(f, &cx);
                s.push_str(&render(&map, &f.path, ex.name, &out));
            }
        }
    }
    if s.is_empty() {
        s.push_str("(no file of this case is picked up by an extractor)\n");
    }
    s
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sbom");
    let mut out = Vec::new();
    for (fmt, _) in FORMATS {
        let dir = root.join(fmt);
        let mut c: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("fixtures for {fmt}"))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        c.sort();
        out.extend(c.into_iter().map(|p| (fmt.to_string(), p)));
    }
    out
}

#[test]
fn fixtures() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected at least 20 fixture cases, found {}",
        cases.len()
    );
    for (fmt, case) in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let out = run_case(&case);
        insta::assert_snapshot!(format!("{fmt}__{name}"), out);
    }
}

#[test]
fn routing() {
    let wants = |ex: &str, p: &str| (extractor(ex).wants)(p);
    assert!(wants("cargo-lock", "a/Cargo.lock"));
    assert!(!wants("cargo-lock", "a/cargo.lock.bak"));
    assert!(wants("npm-lock", "web/package-lock.json"));
    assert!(wants("npm-lock", "npm-shrinkwrap.json"));
    assert!(!wants("npm-lock", "node_modules/.package-lock.json"));
    assert!(wants("yarn-lock", "yarn.lock"));
    assert!(wants("pnpm-lock", "x/pnpm-lock.yaml"));
    assert!(wants("requirements-txt", "requirements.txt"));
    assert!(wants("requirements-txt", "svc/requirements-dev.txt"));
    assert!(wants("requirements-txt", "requirements/base.txt"));
    assert!(!wants("requirements-txt", "constraints.txt"));
    assert!(!wants("requirements-txt", "requirements.in"));
    assert!(wants("poetry-lock", "poetry.lock"));
    assert!(wants("pipfile-lock", "Pipfile.lock"));
    assert!(wants("uv-lock", "uv.lock"));
    assert!(wants("go-mod", "cmd/go.mod"));
    assert!(!wants("go-mod", "go.sum"));
}

/// Every fixture file of every format, to mutate in the property tests.
fn seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, case) in cases() {
        let mut files = Vec::new();
        read_tree(&case, &case, &mut files);
        for f in files {
            out.push((f.path, f.text));
        }
    }
    out
}

/// Runs every extractor on `text` as `path` (with `extra` files in the context) and checks the
/// positions of what comes out.
fn run_all(path: &str, text: &str, extra: &[SourceFile]) -> Result<(), TestCaseError> {
    let file = SourceFile::new(path, text);
    let mut map: BTreeMap<String, &SourceFile> =
        extra.iter().map(|f| (f.path.clone(), f)).collect();
    map.insert(file.path.clone(), &file);
    let cx = ExtractContext::new(&map);
    for ex in ours() {
        let out = (ex.extract)(&file, &cx);
        if let Err(e) = check_positions(&map, &out) {
            return Err(TestCaseError::fail(format!("{} on {path}: {e}", ex.name)));
        }
    }
    Ok(())
}

/// Names each parser is routed by.
const PATHS: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "go.mod",
];

fn cut(text: &str, at: usize) -> &str {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary text never panics any parser.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}", which in 0usize..PATHS.len()) {
        run_all(PATHS[which], &text, &[])?;
    }

    /// Text made of each format's own punctuation and keywords never panics.
    #[test]
    fn format_shaped_text_never_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("[[package]]\n"), Just("name = \"a\"\n"), Just("version = \"1.0.0\"\n"),
            Just("source = \"registry+https://x\"\n"), Just("dependencies = [\n \"a 1.0.0\",\n]\n"),
            Just("{"), Just("}"), Just("\"packages\": {"), Just("\"node_modules/a\": {"),
            Just("\"version\": \"1\","), Just("\"lockfileVersion\": 1,"), Just("\"dependencies\": {"),
            Just("a@^1:\n"), Just("  version \"1\"\n"), Just("  dependencies:\n"), Just("    b \"^2\"\n"),
            Just("__metadata:\n  version: 6\n"), Just("packages:\n"), Just("  /a/1.0.0:\n"),
            Just("    dev: true\n"), Just("importers:\n  .:\n"), Just("lockfileVersion: '6.0'\n"),
            Just("-r other.txt\n"), Just("pkg==1.0 \\\n"), Just("    --hash=sha256:00\n"),
            Just("; python_version < \"3\"\n"), Just("# via x\n"), Just("-e git+https://x#egg=y\n"),
            Just("require (\n"), Just(")\n"), Just("\tgithub.com/a/b v1.0.0 // indirect\n"),
            Just("replace a => ../b\n"), Just("\"\\u12"), Just("'"), Just("`"), Just("\u{e9}"),
            Just("\r\n"), Just("\t"), Just(" "), Just(":"), Just(","), Just("["), Just("]"),
        ], 0..40),
        which in 0usize..PATHS.len(),
    ) {
        let text: String = parts.concat();
        run_all(PATHS[which], &text, &[])?;
    }

    /// Every fixture, cut short at any point or with a byte range replaced, never panics its
    /// parser.
    #[test]
    fn mutated_fixtures_never_panic(seed in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                                    len in 0usize..40, junk in "\\PC{0,8}") {
        let seeds = seeds();
        let (path, text) = seed.get(&seeds);
        let at_byte = at.index(text.len() + 1);
        let truncated = cut(text, at_byte);
        run_all(path, truncated, &[])?;
        let head = cut(text, at_byte);
        let tail_start = (head.len() + len).min(text.len());
        let mut ts = tail_start;
        while !text.is_char_boundary(ts) {
            ts += 1;
        }
        let mutated = format!("{head}{junk}{}", &text[ts..]);
        run_all(path, &mutated, &[])?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any graph of `-r` / `-c` includes (cycles, self-includes, constraints that include
    /// requirements) terminates, reads each file's requirement at most once and points every
    /// component at the file that declares it.
    #[test]
    fn requirement_include_graphs_terminate(
        edges in proptest::collection::vec((0usize..4, 0usize..4, any::<bool>()), 0..14)
    ) {
        let names = ["requirements.txt", "a.in", "b.in", "sub/c.in"];
        let files: Vec<SourceFile> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut text = String::new();
                for (from, to, constraint) in &edges {
                    if *from == i {
                        let prefix = if name.starts_with("sub/") { "../" } else { "" };
                        let flag = if *constraint { "-c" } else { "-r" };
                        text.push_str(&format!("{flag} {prefix}{}\n", names[*to]));
                    }
                }
                text.push_str(&format!("pkg{i}==1.{i}\n"));
                SourceFile::new(*name, text)
            })
            .collect();
        let map: BTreeMap<String, &SourceFile> = files.iter().map(|f| (f.path.clone(), f)).collect();
        let cx = ExtractContext::new(&map);
        let out = (extractor("requirements-txt").extract)(&files[0], &cx);
        check_positions(&map, &out).map_err(TestCaseError::fail)?;
        prop_assert!(out.components.len() <= names.len());
        for c in &out.components {
            let i: usize = c.name.trim_start_matches("pkg").parse().expect("pkgN");
            prop_assert_eq!(&c.evidence[0].path, names[i]);
        }
    }
}

/// Deep nesting is rejected as data, not by overflowing the stack.
#[test]
fn deep_nesting_is_a_diagnostic() {
    let deep_json = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    let deep_yaml = (0..5_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect::<String>();
    let deep_toml = format!("a = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
    for (path, text) in [
        ("package-lock.json", deep_json.as_str()),
        ("Pipfile.lock", deep_json.as_str()),
        ("pnpm-lock.yaml", deep_yaml.as_str()),
        ("yarn.lock", &format!("__metadata:\n{deep_yaml}")),
        ("Cargo.lock", deep_toml.as_str()),
        ("poetry.lock", deep_toml.as_str()),
        ("uv.lock", deep_toml.as_str()),
    ] {
        let file = SourceFile::new(path, text);
        let map: BTreeMap<String, &SourceFile> = [(file.path.clone(), &file)].into_iter().collect();
        let cx = ExtractContext::new(&map);
        for ex in ours() {
            if (ex.wants)(path) {
                let out = (ex.extract)(&file, &cx);
                assert!(out.components.is_empty(), "{path}");
                assert!(
                    !out.diagnostics.is_empty(),
                    "{path}: deep input should be reported"
                );
            }
        }
    }
}
