//! Every real OSV record of the shared advisory data (RustSec's crates.io export and the PyPA
//! database) must parse, index and match. The data lives outside the repository
//! (`../shared/advisories` from the crate root; from a worktree nested one level deeper,
//! `../../shared/advisories`); a missing directory is a failure, not a skip.
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;

use portcullis::vuln::cvss::v4;
use portcullis::vuln::matcher::{AdvisoryIndex, MatchStatus};
use portcullis::vuln::osv::{Event, Record, SeverityType, parse_record_at};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/advisories");
const SHARED_FROM_WORKTREE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/advisories");

fn shared_dir() -> PathBuf {
    [SHARED, SHARED_FROM_WORKTREE]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("the shared advisory data must be present at {SHARED}"))
}

fn load(ecosystem_dir: &str) -> Vec<Record> {
    let dir = shared_dir().join(ecosystem_dir);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the shared advisory data must be present at {}: {e}",
            dir.display()
        )
    });
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut records = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        match parse_record_at(&p.display().to_string(), &text) {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(
        errors.is_empty(),
        "{} records failed to parse:\n{}",
        errors.len(),
        errors.join("\n")
    );
    records
}

fn ids(idx: &AdvisoryIndex, eco: &str, name: &str, version: &str) -> Vec<String> {
    idx.match_package(eco, name, version)
        .matches
        .into_iter()
        .map(|m| m.advisory_id)
        .collect()
}

#[test]
fn crates_io_records_parse_and_match() {
    let records = load("crates.io");
    assert!(
        records.len() > 1000,
        "only {} crates.io records",
        records.len()
    );
    let withdrawn = records.iter().filter(|r| r.is_withdrawn()).count();
    let total = records.len();
    let idx = AdvisoryIndex::build(records.clone());
    let stats = idx.stats();
    assert_eq!(stats.records + stats.withdrawn, total);
    assert_eq!(stats.withdrawn, withdrawn);
    assert!(idx.warnings().is_empty(), "{:?}", idx.warnings());

    // rust-openssl's insecure defaults before 0.9.0.
    assert!(ids(&idx, "crates.io", "openssl", "0.8.3").contains(&"RUSTSEC-2016-0001".to_string()));
    assert!(!ids(&idx, "crates.io", "openssl", "0.9.0").contains(&"RUSTSEC-2016-0001".to_string()));
    // A malicious typosquat (aliases a MAL- id).
    let r = idx.match_package("crates.io", "rustdecimal", "1.23.1");
    assert_eq!(r.status, MatchStatus::Vulnerable);
    assert!(
        r.matches
            .iter()
            .any(|m| m.malicious && m.advisory_id == "RUSTSEC-2022-0042")
    );
    // A withdrawn advisory is reported as skipped, never as a match.
    let r = idx.match_package("crates.io", "dirs", "1.0.5");
    assert!(
        r.withdrawn_skipped
            .contains(&"RUSTSEC-2020-0053".to_string())
    );
    assert!(
        r.matches
            .iter()
            .all(|m| m.advisory_id != "RUSTSEC-2020-0053")
    );
    // Records scored only with CVSS v4 get the score computed from their vector.
    let mut checked = 0;
    for r in records.iter().filter(|r| !r.is_withdrawn()) {
        let Some(vector) = r
            .severity
            .iter()
            .find(|s| s.kind == SeverityType::CvssV4)
            .map(|s| s.score.clone())
        else {
            continue;
        };
        let Some(affected) = r.affected.first() else {
            continue;
        };
        let Some(pkg) = &affected.package else {
            continue;
        };
        let Some(Event::Introduced(first)) = affected
            .ranges
            .first()
            .and_then(|range| range.events.first())
        else {
            continue;
        };
        let version = if first == "0.0.0-0" {
            "0.0.0"
        } else {
            first.as_str()
        };
        let result = idx.match_package("crates.io", &pkg.name, version);
        let m = result
            .matches
            .iter()
            .find(|m| m.advisory_id == r.id || m.aliases.contains(&r.id))
            .unwrap_or_else(|| panic!("{} not matched at {} {version}", r.id, pkg.name));
        assert!(m.severity_score >= v4::score(&vector).ok(), "{}", r.id);
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} CVSS v4 records checked");
}

#[test]
fn pypi_records_parse_and_match() {
    let records = load("pypi");
    assert!(records.len() > 1000, "only {} PyPI records", records.len());
    let idx = AdvisoryIndex::build(records);
    // Real records contain a few version strings that are not PEP 440 (legacy spellings); they
    // are reported, never fatal.
    assert!(idx.warnings().len() < 20, "{:?}", idx.warnings());
    for w in idx.warnings() {
        assert!(w.advisory_id.starts_with("PYSEC-"), "{w:?}");
    }

    // Roundup 1.4.4 (fixed in 1.4.5).
    let r = idx.match_package("PyPI", "roundup", "1.4.4");
    let m = r
        .matches
        .iter()
        .find(|m| m.advisory_id == "PYSEC-2008-10")
        .unwrap_or_else(|| panic!("{r:?}"));
    assert!(m.fixed.contains(&"1.4.5".to_string()));
    assert!(m.aliases.contains(&"CVE-2008-1475".to_string()));
    assert!(!ids(&idx, "PyPI", "roundup", "1.4.5").contains(&"PYSEC-2008-10".to_string()));
    // `last_affected`, name normalization.
    assert!(ids(&idx, "PyPI", "Py", "1.11.0").contains(&"PYSEC-2022-42969".to_string()));
    // A much-advised package: old versions hit many records, each id once.
    let old = ids(&idx, "PyPI", "Django", "1.2");
    assert!(old.len() > 10, "{old:?}");
    let mut dedup = old.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), old.len());
}
