//! NuGet SBOM extraction: snapshot fixtures (`tests/fixtures/sbom/<format>/<case>/`, each case a
//! small repository) and property tests (no input makes an extractor panic).
#![allow(clippy::disallowed_methods)] // tests read their fixtures from disk

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use portcullis::SourceFile;
use portcullis::sbom::extract::{ExtractContext, Extractor, all};
use portcullis::sbom::{Ecosystem, Extracted, VersionSpec};
use portcullis::source::LineIndex;
use proptest::prelude::*;

const NUGET_EXTRACTORS: &[&str] = &[
    "msbuild",
    "packages-config",
    "packages-lock-json",
    "project-assets-json",
    "deps-json",
    "paket-lock",
    "paket-dependencies",
    "dotnet-tools-json",
    "global-json",
];

/// Fixture folders (`tests/fixtures/sbom/<format>/`) of the NuGet formats.
const NUGET_FORMATS: &[&str] = &[
    "deps_json",
    "dotnet_tools",
    "global_json",
    "msbuild",
    "packages_config",
    "packages_lock",
    "paket",
    "project_assets",
];

fn nuget_extractors() -> Vec<&'static Extractor> {
    all()
        .iter()
        .filter(|e| NUGET_EXTRACTORS.contains(&e.name))
        .collect()
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
            let bytes = std::fs::read(&p).expect("read");
            let text = String::from_utf8(bytes).expect("utf-8 fixture");
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

/// Checks the invariants every output must hold, then renders it for the snapshot.
fn render(files: &[SourceFile], path: &str, extractor: &str, out: &Extracted) -> String {
    let by_path: BTreeMap<&str, &SourceFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut s = String::new();
    let _ = writeln!(s, "== {path} [{extractor}]");
    if out.components.is_empty() && out.diagnostics.is_empty() {
        let _ = writeln!(s, "   (nothing)");
        return s;
    }
    for c in &out.components {
        let scope = format!("{:?}", c.scope).to_lowercase();
        let eco = if c.ecosystem == Ecosystem::NuGet {
            String::new()
        } else {
            format!(" ({:?})", c.ecosystem)
        };
        let _ = writeln!(
            s,
            "   {}{eco} @ {} | {scope}{}",
            c.name,
            version(&c.version),
            if c.direct { " direct" } else { "" }
        );
        assert!(!c.evidence.is_empty(), "{path}: {} has no evidence", c.name);
        let mut ev = Vec::new();
        for e in &c.evidence {
            let f = by_path
                .get(e.path.as_str())
                .expect("evidence path is a fixture file");
            let line = LineIndex::new(&f.text).line_of(e.span.start) + 1;
            assert_eq!(line, e.line, "{path}: evidence line of {}", c.name);
            assert!(e.span.end <= f.text.len() && e.span.start <= e.span.end);
            ev.push(format!("{}:{}", e.path, e.line));
        }
        // The first evidence points at the declaration of this very package.
        let first = &c.evidence[0];
        let decl = first
            .span
            .slice(&by_path[first.path.as_str()].text)
            .to_ascii_lowercase();
        if c.ecosystem == Ecosystem::NuGet && !decl.contains("$(") {
            assert!(
                decl.contains(&c.name.to_ascii_lowercase()),
                "{path}: evidence {decl:?} does not name {}",
                c.name
            );
        }
        let _ = writeln!(s, "     at {}", ev.join(", "));
        if !c.properties.is_empty() {
            let props: Vec<String> = c
                .properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(s, "     props {}", props.join("; "));
        }
        for (alg, hex) in &c.hashes {
            let _ = writeln!(s, "     hash {alg} {}…", hex.get(..16).unwrap_or(hex));
        }
    }
    for e in &out.edges {
        let from = e.from.as_ref().map_or("<project>".to_string(), |k| {
            format!("{}@{}", k.1, version(&k.2))
        });
        let _ = writeln!(s, "   edge {from} -> {}@{}", e.to.1, version(&e.to.2));
    }
    for d in &out.diagnostics {
        let f = by_path
            .get(d.path.as_str())
            .expect("diagnostic path is a fixture file");
        assert_eq!(LineIndex::new(&f.text).line_of(d.span.start) + 1, d.line);
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
        for ex in nuget_extractors() {
            if (ex.wants)(&f.path) {
                let out = (ex.extract)(f, &cx);
                s.push_str(&render(&files, &f.path, ex.name, &out));
            }
        }
    }
    s
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sbom");
    let mut cases = Vec::new();
    for fmt in NUGET_FORMATS.iter().map(|f| root.join(f)) {
        let mut c: Vec<PathBuf> = std::fs::read_dir(&fmt)
            .expect("format dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        c.sort();
        cases.extend(c);
    }
    assert!(
        cases.len() >= 30,
        "expected at least 30 NuGet fixture cases, found {}",
        cases.len()
    );
    for case in cases {
        let fmt = case
            .parent()
            .and_then(|p| p.file_name())
            .expect("format")
            .to_string_lossy()
            .into_owned();
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
fn every_extractor_is_registered() {
    let names: Vec<&str> = nuget_extractors().iter().map(|e| e.name).collect();
    assert_eq!(names, NUGET_EXTRACTORS);
}

/// Every output of every NuGet extractor on `text` placed at `path`, with a neighbour set.
fn extract_all(path: &str, text: &str) {
    let f = SourceFile::new(path, text);
    let neighbours = [
        SourceFile::new("Directory.Build.props", text),
        SourceFile::new("Directory.Packages.props", text),
        SourceFile::new("src/packages.lock.json", text),
        SourceFile::new("src/paket.lock", text),
        SourceFile::new("src/paket.dependencies", text),
        SourceFile::new("global.json", text),
    ];
    let mut map: BTreeMap<String, &SourceFile> =
        neighbours.iter().map(|n| (n.path.clone(), n)).collect();
    map.insert(f.path.clone(), &f);
    let cx = ExtractContext::new(&map);
    for ex in nuget_extractors() {
        if (ex.wants)(&f.path) {
            let out = (ex.extract)(&f, &cx);
            for c in &out.components {
                for e in &c.evidence {
                    assert!(e.span.start <= e.span.end);
                }
            }
        }
    }
}

/// Fixture texts of one format (by file name suffix), as seeds for mutation.
fn seeds(suffix: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sbom");
    let mut files = Vec::new();
    for fmt in NUGET_FORMATS {
        read_tree(&root, &root.join(fmt), &mut files);
    }
    let mut out: Vec<String> = files
        .into_iter()
        .filter(|f| f.path.to_ascii_lowercase().ends_with(suffix))
        .map(|f| f.text)
        .collect();
    assert!(!out.is_empty(), "no seed fixtures for {suffix}");
    out.sort();
    out
}

fn mutate(seed: &str, cut: usize, at: usize, insert: &str) -> String {
    let mut cut = cut % (seed.len() + 1);
    while !seed.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &seed[..cut];
    let mut at = at % (head.len() + 1);
    while !head.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}{insert}{}", &head[..at], &head[at..])
}

/// One property test per parser: arbitrary text, and fixtures of that format truncated at a
/// random point with random syntax characters inserted, never make it panic.
macro_rules! no_panic {
    ($name:ident, $path:expr, $suffix:expr) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(192))]
            #[test]
            fn $name(
                text in ".{0,300}",
                seed in prop::sample::select(seeds($suffix)),
                cut in any::<usize>(),
                at in any::<usize>(),
                insert in "[<>\"'/=\\[\\](){}:,$@%;*!&#\\\\ \\n\\ta-z0-9.-]{0,12}",
            ) {
                extract_all($path, &text);
                extract_all($path, &mutate(&seed, cut, at, &insert));
            }
        }
    };
}

no_panic!(msbuild_never_panics, "src/App.csproj", "proj");
no_panic!(
    msbuild_props_never_panics,
    "Directory.Build.props",
    ".props"
);
no_panic!(
    packages_config_never_panics,
    "src/packages.config",
    ".config"
);
no_panic!(
    packages_lock_never_panics,
    "src/packages.lock.json",
    "packages.lock.json"
);
no_panic!(
    project_assets_never_panics,
    "src/obj/project.assets.json",
    "project.assets.json"
);
no_panic!(deps_json_never_panics, "src/App.deps.json", ".deps.json");
no_panic!(paket_lock_never_panics, "src/paket.lock", "paket.lock");
no_panic!(
    paket_dependencies_never_panics,
    "src/paket.dependencies",
    "paket.dependencies"
);
no_panic!(
    dotnet_tools_never_panics,
    ".config/dotnet-tools.json",
    "dotnet-tools.json"
);
no_panic!(global_json_never_panics, "src/global.json", "global.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn structured_msbuild_never_panics(
        items in prop::collection::vec(
            (
                "[A-Za-z.]{0,12}",
                "[0-9.*\\[\\](),$A-Za-z-]{0,14}",
                "[ '$()=!a-zA-Z0-9.]{0,30}",
            ),
            0..8,
        ),
    ) {
        let mut xml = String::from("<Project><PropertyGroup><V>1.0</V></PropertyGroup><ItemGroup>");
        for (id, v, cond) in &items {
            xml.push_str(&format!(
                "<PackageReference Include=\"{id}\" Version=\"{v}\" Condition=\"{cond}\" />"
            ));
        }
        xml.push_str("</ItemGroup></Project>");
        extract_all("src/App.csproj", &xml);
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 100_000;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    extract_all("src/App.csproj", &xml);
    extract_all("src/packages.config", &xml);
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    extract_all("src/packages.lock.json", &json);
    let obj = format!(
        "{{\"dependencies\":{}{}}}",
        "{\"a\":".repeat(depth),
        "}".repeat(depth)
    );
    extract_all("src/obj/project.assets.json", &obj);
    let cond = format!(
        "<Project><PropertyGroup Condition=\"{}'a'=='a'{}\"><V>1</V></PropertyGroup></Project>",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    extract_all("src/App.csproj", &cond);
}

/// Large inputs finish (no quadratic blow-up on repeated entries or diagnostics).
#[test]
fn large_inputs_finish() {
    let n = 5_000;
    let mut cfg = String::from("<packages>\n");
    for i in 0..n {
        cfg.push_str(&format!(
            "  <package id=\"Pkg{}\" version=\"1.0.{i}\" />\n",
            i % 7
        ));
        cfg.push_str("  <package />\n");
        cfg.push_str("  <package id=\"Same\" version=\"1.0.0\" />\n");
    }
    cfg.push_str("</packages>\n");
    extract_all("src/packages.config", &cfg);

    let mut proj = String::from("<Project><ItemGroup>\n");
    for i in 0..n {
        proj.push_str(&format!(
            "<PackageReference Include=\"P{i}\" Version=\"$(V{i})\" />\n"
        ));
    }
    proj.push_str("</ItemGroup></Project>\n");
    extract_all("src/App.csproj", &proj);

    let mut lock = String::from("{\"version\":1,\"dependencies\":{\"net8.0\":{");
    for i in 0..n {
        if i > 0 {
            lock.push(',');
        }
        lock.push_str(&format!(
            "\"P{i}\":{{\"type\":\"Transitive\",\"resolved\":\"1.0.0\",\"dependencies\":{{\"P{}\":\"1.0.0\"}}}}",
            (i + 1) % n
        ));
    }
    lock.push_str("}}}");
    extract_all("src/packages.lock.json", &lock);
}
