//! SCA benchmark: loads the real crates.io (RustSec) and PyPI (PyPA) OSV records from the shared
//! advisory data with the product's directory loader (and the RustSec advisory-db checkout
//! through the `rustsec` crate), builds the index, and matches a generated 1,000-component SBOM made of real
//! vulnerable and fixed versions of packages that appear in the data. Prints load, index and
//! match times. Run with `cargo bench --bench sca`.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use portcullis::Span;
use portcullis::native::advisories::{local, rustsec};
use portcullis::sbom::{Component, ComponentType, Ecosystem, Evidence, Scope, VersionSpec};
use portcullis::vuln::matcher::{AdvisoryIndex, MatchOptions};
use portcullis::vuln::osv::{Event, Record};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/advisories");
const SHARED_FROM_WORKTREE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/advisories");

fn shared_dir() -> PathBuf {
    [SHARED, SHARED_FROM_WORKTREE]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("the shared advisory data must be present at {SHARED}"))
}

/// Loads one OSV directory of the shared data with the product's loader (the same code path
/// as `--advisories DIR`); returns the records and the bytes of JSON read.
fn load(dir: &str) -> (Vec<Record>, usize) {
    let dir = shared_dir().join(dir);
    let bytes = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len() as usize)
        .sum();
    let batch = local::load_dir(&dir, &|_| true);
    assert!(
        batch.diagnostics.is_empty(),
        "{}: {:?}",
        dir.display(),
        batch.diagnostics
    );
    (batch.records, bytes)
}

fn component(ecosystem: Ecosystem, name: &str, version: VersionSpec) -> Component {
    Component {
        ecosystem,
        component_type: ComponentType::Library,
        name: name.to_string(),
        namespace: None,
        version,
        scope: Scope::Required,
        direct: true,
        hashes: Vec::new(),
        url: None,
        evidence: vec![Evidence {
            path: "requirements.txt".into(),
            span: Span::new(0, 0),
            line: 1,
        }],
        properties: BTreeMap::new(),
    }
}

/// (ecosystem, package, a vulnerable version, a fixed version) from each record.
fn samples(records: &[Record]) -> Vec<(Ecosystem, String, String, Option<String>)> {
    let mut out = Vec::new();
    for r in records.iter().filter(|r| !r.is_withdrawn()) {
        for a in &r.affected {
            let Some(pkg) = &a.package else { continue };
            let eco = match pkg.ecosystem.as_str() {
                "crates.io" => Ecosystem::Cargo,
                "PyPI" => Ecosystem::PyPI,
                _ => continue,
            };
            let events: Vec<&Event> = a
                .ranges
                .iter()
                .filter(|r| r.kind != portcullis::vuln::osv::RangeType::Git)
                .flat_map(|r| &r.events)
                .collect();
            let introduced = events.iter().find_map(|e| match e {
                Event::Introduced(v) if v != "0" && v != "0.0.0-0" => Some(v.clone()),
                _ => None,
            });
            let fixed = events.iter().find_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            });
            let vulnerable = a.versions.last().cloned().or(introduced);
            if let Some(v) = vulnerable {
                out.push((eco, pkg.name.clone(), v, fixed));
            }
        }
    }
    out
}

fn main() {
    let t = Instant::now();
    let (mut records, mut bytes) = load("crates.io");
    let (pypi, pypi_bytes) = load("pypi");
    records.extend(pypi);
    bytes += pypi_bytes;
    let load_time = t.elapsed();

    // The RustSec checkout through the rustsec crate (the `--advisories <advisory-db>` path).
    let t = Instant::now();
    let rs = rustsec::load(&shared_dir().join("rustsec"));
    let rustsec_time = t.elapsed();

    let samples = samples(&records);
    let count = records.len();

    let t = Instant::now();
    let index = AdvisoryIndex::build(records);
    let index_time = t.elapsed();

    // 1,000 components: cycle through the samples, alternating vulnerable and fixed versions,
    // with every tenth one a manifest range.
    let mut sbom = Vec::with_capacity(1000);
    let step = (samples.len() / 500).max(1);
    let mut i = 0usize;
    while sbom.len() < 1000 && !samples.is_empty() {
        let (eco, name, vulnerable, fixed) = &samples[(i * step) % samples.len()];
        let version = match (sbom.len() % 10, fixed) {
            (9, Some(f)) if *eco == Ecosystem::PyPI => {
                VersionSpec::Range(format!(">={vulnerable},<{f}"))
            }
            (9, _) if *eco == Ecosystem::Cargo => VersionSpec::Range(format!("^{vulnerable}")),
            (n, Some(f)) if n % 2 == 1 => VersionSpec::Exact(f.clone()),
            _ => VersionSpec::Exact(vulnerable.clone()),
        };
        sbom.push(component(*eco, name, version));
        i += 1;
    }

    let options = MatchOptions::default();
    let t = Instant::now();
    let result = index.match_components(&sbom, &options);
    let match_time = t.elapsed();
    // Repeat to get a steadier per-component figure.
    let rounds = 20;
    let t = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(index.match_components(&sbom, &options));
    }
    let repeat = t.elapsed() / rounds;

    // The slowest components, to see where time goes.
    let mut per: Vec<(Duration, usize)> = sbom
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let t = Instant::now();
            std::hint::black_box(index.evaluate(c, &options));
            (t.elapsed(), i)
        })
        .collect();
    per.sort_by_key(|p| std::cmp::Reverse(p.0));

    let s = result.summary;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "records        {count} ({:.1} MiB of JSON)",
        bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "load + parse   {:>9.1} ms  (OSV directories, crates.io + PyPI)",
        ms(load_time)
    );
    println!(
        "load RustSec   {:>9.1} ms  ({} advisories from the advisory-db checkout)",
        ms(rustsec_time),
        rs.records.len()
    );
    println!(
        "build index    {:>9.1} ms  ({} packages, {} withdrawn)",
        ms(index_time),
        index.stats().packages,
        index.stats().withdrawn
    );
    println!(
        "match 1,000    {:>9.1} ms  first run; {:.1} ms mean of {rounds} more ({:.1} µs/component)",
        ms(match_time),
        ms(repeat),
        repeat.as_secs_f64() * 1e6 / sbom.len() as f64
    );
    println!(
        "result         {} vulnerable, {} clean, {} unknown, {} matches ({} conservative, {} malicious)",
        s.vulnerable, s.clean, s.unknown, s.matches, s.conservative, s.malicious
    );
    for (d, i) in per.iter().take(5) {
        let c = &sbom[*i];
        let n = result.results.get(*i).map_or(0, |r| r.matches.len());
        println!(
            "slowest        {:>9.3} ms  {} {:?} ({n} matches)",
            ms(*d),
            c.name,
            c.version
        );
    }
}
