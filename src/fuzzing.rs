//! Entry points of the fuzz targets (`fuzz/fuzz_targets/*.rs`) and of their regression tests
//! (`tests/fuzz_regressions.rs`, which replays every input kept in `fuzz/regressions/`).
//!
//! Each function takes arbitrary bytes and drives one layer of the core the way real input
//! would; the only acceptable outcome for any input is returning normally. Where a layer has a
//! law that must hold for every input (version ordering is a total order), the function checks
//! it and panics when it does not, so the fuzzer reports the counterexample.
#![doc(hidden)]

use std::cmp::Ordering;

use crate::baseimage::reference::ImageRef;
use crate::config::{self, Config};
use crate::dockerfile::shell::{self, Dialect};
use crate::dockerfile::stages::{self, StageOptions};
use crate::engine::{self, Report, ScanOptions};
use crate::lint::registry;
use crate::report::cyclonedx::{self, CycloneDxOptions, SerialNumber};
use crate::report::sarif::{self, SarifOptions};
use crate::report::text::{self, TextOptions};
use crate::report::{azure, github, json};
use crate::sbom::{AssembleOptions, assemble};
use crate::source::{Date, SourceFile, decode};
use crate::vuln::matcher::AdvisoryIndex;
use crate::vuln::osv;
use crate::vuln::version::{self, Scheme};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 22,
};

fn text(data: &[u8]) -> String {
    decode(data).text
}

/// Renders a report with every reporter (code frames and URIs see every odd position).
///
/// SARIF gets the rule table of the rules that have findings: the descriptors of the other
/// enabled rules (each carrying its whole rule document) are the same for every input, and
/// serialising them took three quarters of each run.
fn render_all(report: &Report) {
    let _ = text::render(report, &TextOptions { color: true });
    let _ = json::render(report);
    let mut found = report.clone();
    found
        .rules
        .retain(|m| report.findings.iter().any(|f| f.rule == m.id));
    let _ = sarif::render(&found, &SarifOptions::default());
    let _ = github::render(report);
    let _ = azure::render(report);
}

/// The Dockerfile parser, the stage model and every lint rule, then every reporter.
pub fn dockerfile(data: &[u8]) {
    let file = SourceFile::from_bytes("Dockerfile", data);
    let df = crate::dockerfile::parse(&file.text);
    let _ = stages::analyze(&df, &StageOptions::default());
    let report = engine::scan(&[file], &Config::default(), &ScanOptions::new(TODAY));
    render_all(&report);
}

/// The sh / PowerShell / cmd command splitters; the first byte picks the dialect.
pub fn shell(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let dialect = match sel % 3 {
        0 => Dialect::Posix,
        1 => Dialect::PowerShell,
        _ => Dialect::Cmd,
    };
    let script = text(rest);
    let parsed = shell::parse(&script, dialect);
    for c in &parsed.commands {
        // Ranges must stay inside the script and on character boundaries.
        assert!(
            script.get(c.range.clone()).is_some(),
            "command range {:?} is not a valid slice of the script",
            c.range
        );
    }
}

/// Image references: parse, and a parsed reference must print and parse back to itself.
pub fn image_ref(data: &[u8]) {
    let input = text(data);
    if let Ok(r) = ImageRef::parse(&input) {
        let printed = r.to_string();
        let again = ImageRef::parse(&printed)
            .unwrap_or_else(|e| panic!("`{printed}` (from `{input}`) does not parse back: {e}"));
        assert_eq!(again.to_string(), printed, "printing is not stable");
    }
}

/// Manifest families: the first byte picks a file name, the rest is its content.
pub const XML_NAMES: &[&str] = &[
    "src/App/App.csproj",
    "Directory.Packages.props",
    "Directory.Build.props",
    "src/App/packages.config",
    "src/Lib/Lib.fsproj",
    "src/Vb/Vb.vbproj",
];
pub const JSON_NAMES: &[&str] = &[
    "src/App/packages.lock.json",
    "src/App/obj/project.assets.json",
    "bin/App.deps.json",
    ".config/dotnet-tools.json",
    "global.json",
    "package-lock.json",
    "Pipfile.lock",
];
pub const YAML_NAMES: &[&str] = &["pnpm-lock.yaml", "yarn.lock"];
pub const TOML_NAMES: &[&str] = &["Cargo.lock", "poetry.lock", "uv.lock"];
pub const LINE_NAMES: &[&str] = &[
    "requirements.txt",
    "requirements-dev.txt",
    "go.mod",
    "go.sum",
    "paket.lock",
    "paket.dependencies",
    "yarn.lock",
];

/// One manifest of a family through the SBOM assembler and both CycloneDX writers.
pub fn manifest(names: &[&str], data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Some(name) = names.get(usize::from(sel) % names.len().max(1)) else {
        return;
    };
    sbom_of(vec![SourceFile::from_bytes(*name, rest)]);
}

fn sbom_of(files: Vec<SourceFile>) {
    let sbom = assemble(&files, &AssembleOptions::default());
    let opts = CycloneDxOptions::new(SerialNumber::Reproducible, 0, "0.0.0");
    let _ = cyclonedx::render_json(&sbom, &opts);
    let _ = cyclonedx::render_xml(&sbom, &opts);
}

/// OSV records: parse, index, and match every package they name at a few versions.
pub fn osv(data: &[u8]) {
    let (records, _errors) = osv::parse_records("advisory.json", &text(data));
    let packages: Vec<(String, String)> = records
        .iter()
        .flat_map(|r| r.affected.iter())
        .filter_map(|a| a.package.as_ref())
        .map(|p| (p.ecosystem.clone(), p.name.clone()))
        .collect();
    let index = AdvisoryIndex::build(records);
    for (eco, name) in packages.iter().take(16) {
        for v in ["0", "1.0.0", "2.3.4-beta.1", "v1.2.3", "1:2.3-4"] {
            let _ = index.match_package(eco, name, v);
        }
    }
}

/// The config loader.
pub fn config(data: &[u8]) {
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta.id).collect();
    let _ = config::parse(".portcullis.yaml", &text(data), &ids);
}

/// Version ordering: for every scheme, two versions (split at the first NUL) must compare
/// antisymmetrically, and equal versions both ways.
pub fn versions(data: &[u8]) {
    let s = text(data);
    let (a, b) = s.split_once('\0').unwrap_or((&s, "1.0.0"));
    for scheme in [
        Scheme::NuGet,
        Scheme::SemVer,
        Scheme::Pep440,
        Scheme::Go,
        Scheme::Debian,
        Scheme::Alpine,
    ] {
        let (Ok(x), Ok(y)) = (version::parse(scheme, a), version::parse(scheme, b)) else {
            continue;
        };
        let xy = x.compare(&y);
        let yx = y.compare(&x);
        assert_eq!(
            xy.map(Ordering::reverse),
            yx,
            "{scheme:?}: `{a}` vs `{b}` is not antisymmetric"
        );
        assert_eq!(
            x.compare(&x),
            Some(Ordering::Equal),
            "{scheme:?}: `{a}` is not equal to itself"
        );
    }
}

/// A small in-memory tree through the whole `scan` and the SBOM: the input is split at NUL
/// bytes into files whose first line is the path (at most 8 files).
pub fn scan_tree(data: &[u8]) {
    let s = text(data);
    let mut files = Vec::new();
    let mut config_text = None;
    for chunk in s.split('\0').take(8) {
        let (path, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let path = path.trim();
        if path.is_empty() || path.starts_with('/') || path.contains("..") {
            continue;
        }
        if path == ".portcullis.yaml" {
            config_text = Some(body.to_string());
        }
        files.push(SourceFile::new(path, body));
    }
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta.id).collect();
    let config = config_text
        .and_then(|t| config::parse(".portcullis.yaml", &t, &ids).ok())
        .unwrap_or_default();
    let report = engine::scan(&files, &config, &ScanOptions::new(TODAY));
    render_all(&report);
    sbom_of(files);
}
