//! Dependency scans through the library: the fixture .NET project (tests/fixtures/advisories/
//! project) matched against hand-written OSV records of real advisories
//! (tests/fixtures/advisories/osv), read with the native directory loader.
//!
//! Covers: one finding per (component, advisory) at the evidence location, alias collapsing
//! (GHSA + CVE records → one finding), severity mapping (CVSS → error/warning, malicious →
//! error), conservative matches of version ranges, fixed versions and URLs in messages,
//! fingerprint stability, extractor errors as diagnostics, config ignores (by alias, scoped to
//! a package, with expiry), VEX suppression, exit codes, and the "no advisory data" warning.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portcullis::config::{self, Config};
use portcullis::engine::{Report, ScanOptions, scan};
use portcullis::finding::{FailOn, Finding, Severity, SuppressionKind};
use portcullis::native::advisories::local;
use portcullis::sca::{Advisories, AdvisoryData, DependencyOptions, vex};
use portcullis::{Date, SourceFile};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn today() -> Date {
    Date::new(2026, 11, 22).expect("date")
}

/// The files of the fixture project, with repository-relative paths.
fn project_files() -> Vec<SourceFile> {
    let base = root();
    let mut files = Vec::new();
    let mut stack = vec![base.join("tests/fixtures/advisories/project")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("fixture dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&base)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(SourceFile::new(
                    rel,
                    std::fs::read_to_string(&p).expect("text"),
                ));
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn advisories() -> Arc<Advisories> {
    let batch = local::load_dir(&root().join("tests/fixtures/advisories/osv"), &|_| true);
    assert!(batch.diagnostics.is_empty(), "{:?}", batch.diagnostics);
    assert_eq!(batch.records.len(), 7);
    Arc::new(Advisories::new(
        batch.records,
        vec!["fixture OSV records".into()],
    ))
}

fn run(files: &[SourceFile], config: &Config, deps: DependencyOptions) -> Report {
    scan(
        files,
        config,
        &ScanOptions::new(today()).with_dependencies(deps),
    )
}

fn scan_project(config: &Config) -> Report {
    run(
        &project_files(),
        config,
        DependencyOptions::new(AdvisoryData::Loaded(advisories())),
    )
}

fn sca_findings(report: &Report) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| !f.rule.starts_with("DF"))
        .collect()
}

fn find<'a>(report: &'a Report, rule: &str, path_end: &str) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule && f.location.path.ends_with(path_end))
        .unwrap_or_else(|| panic!("no {rule} finding in {path_end}: {:#?}", report.findings))
}

#[test]
fn one_finding_per_component_and_advisory_with_aliases_collapsed() {
    let report = scan_project(&Config::default());
    let mut got: Vec<(String, String, usize)> = sca_findings(&report)
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.location
                    .path
                    .trim_start_matches("tests/fixtures/advisories/project/")
                    .to_string(),
                f.location.region.start.line,
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String, usize)> = [
        // Resolved by App's packages.lock.json: reported where App.csproj declares them.
        ("GHSA-2cwj-8chv-9pp9", "src/App/App.csproj", 10),
        ("GHSA-5crp-9r3c-p9vr", "src/App/App.csproj", 9),
        ("GHSA-98g6-xh36-x2p7", "src/App/App.csproj", 11),
        ("GHSA-98g6-xh36-x2p7", "src/Worker/Worker.csproj", 9),
        // Transitive: only the lock file lists it.
        ("GHSA-ghhp-997w-qr28", "src/App/packages.lock.json", 33),
        ("GHSA-j8r2-6x86-q33q", "Dockerfile", 8),
        ("MAL-0000-fixture-nuget-typosquat", "src/App/App.csproj", 12),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
    .collect();
    assert_eq!(got, want);
    // The CVE record is the same vulnerability as the GHSA: never its own finding.
    assert!(report.findings.iter().all(|f| f.rule != "CVE-2024-21907"));
    let nj = find(&report, "GHSA-5crp-9r3c-p9vr", "App.csproj");
    assert!(nj.message.contains("(CVE-2024-21907)"), "{}", nj.message);
    // Declared in App.csproj (and locked in its packages.lock.json) and in Worker.csproj: the
    // first manifest line is the location; the other declaration and the lock entry are
    // related locations.
    let related: Vec<(&str, usize)> = nj
        .related
        .iter()
        .map(|r| {
            (
                r.location
                    .path
                    .trim_start_matches("tests/fixtures/advisories/project/"),
                r.location.region.start.line,
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            ("src/Worker/Worker.csproj", 8),
            ("src/App/packages.lock.json", 18)
        ],
        "{:#?}",
        nj.related
    );
    // Serilog 3.1.1 has no advisory.
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.message.contains("Serilog"))
    );
    // Counts.
    let s = report.sca.summary;
    assert_eq!((s.checked, s.vulnerable, s.matches), (8, 7, 7));
    assert_eq!((s.malicious, s.conservative), (1, 1));
    assert_eq!(report.sca.rules.len(), 6);
    assert!(report.sbom.is_some());
}

#[test]
fn messages_name_version_fix_and_url_and_severity_follows_the_score() {
    let report = scan_project(&Config::default());
    let nj = find(&report, "GHSA-5crp-9r3c-p9vr", "App.csproj");
    assert_eq!(nj.severity, Severity::Error);
    assert_eq!(
        nj.message,
        "Newtonsoft.Json 12.0.1 is affected by GHSA-5crp-9r3c-p9vr (CVE-2024-21907): Improper \
         Handling of Exceptional Conditions in Newtonsoft.Json. Upgrade to 13.0.1 or later. \
         Severity: high 7.5. https://github.com/advisories/GHSA-5crp-9r3c-p9vr"
    );
    // System.Text.Encodings.Web 4.5.0 lies in the first of three ranges: its fix only.
    let stew = find(&report, "GHSA-ghhp-997w-qr28", "packages.lock.json");
    assert!(
        stew.message.contains("Upgrade to 4.5.1 or later"),
        "{}",
        stew.message
    );
    assert!(stew.message.contains("critical 9.8"), "{}", stew.message);
    // A medium (6.1) advisory is a warning, at the Dockerfile RUN word.
    let req = find(&report, "GHSA-j8r2-6x86-q33q", "Dockerfile");
    assert_eq!(req.severity, Severity::Warning);
    assert!(req.message.starts_with("requests 2.25.1 is affected by"));
    assert_eq!(req.location.region.start.column, 32);
    // Malicious: always an error, no fix, says so.
    let mal = find(&report, "MAL-0000-fixture-nuget-typosquat", "App.csproj");
    assert_eq!(mal.severity, Severity::Error);
    assert!(mal.message.contains("is a malicious package"));
    assert!(mal.message.contains("there is no fixed version"));
    // A version range is matched conservatively and says so.
    let range = find(&report, "GHSA-98g6-xh36-x2p7", "Worker.csproj");
    assert!(
        range.message.starts_with(
            "Microsoft.Data.SqlClient (range [5.0.0,)) may resolve to a version affected by"
        ),
        "{}",
        range.message
    );
    assert!(range.message.contains("Matched conservatively"));
    assert!(range.message.contains(">= 5.0.0, < 5.1.3"));
    let exact = find(&report, "GHSA-98g6-xh36-x2p7", "App.csproj");
    assert!(!exact.message.contains("conservatively"));
    assert!(exact.message.contains("Upgrade to 5.1.3 or later"));
}

#[test]
fn extractor_errors_are_diagnostics_with_file_and_line() {
    let report = scan_project(&Config::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| {
            d.path
                .as_deref()
                .is_some_and(|p| p.ends_with("Broken.csproj"))
        })
        .expect("diagnostic for the malformed project");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.line, Some(4));
    assert!(d.message.contains("invalid XML"), "{}", d.message);
    // The summary note says what was checked against what.
    assert!(report.diagnostics.iter().any(|d| d.severity == Severity::Note
        && d.message.starts_with("dependencies: 8 component(s) checked against 7 advisories from fixture OSV records: 7 vulnerable")));
    // Manifests are listed as scanned files.
    assert!(
        report
            .files
            .iter()
            .any(|f| f.path.ends_with("Worker.csproj")
                && f.kind == portcullis::engine::FileKind::Manifest)
    );
}

#[test]
fn fingerprints_survive_line_moves_and_differ_per_component() {
    let report = scan_project(&Config::default());
    let before = find(&report, "GHSA-5crp-9r3c-p9vr", "App.csproj")
        .fingerprint
        .clone();
    let mut files = project_files();
    for f in &mut files {
        if f.path.ends_with("App.csproj") {
            f.text = f
                .text
                .replacen("<ItemGroup>", "<ItemGroup>\n\n\n    <!-- moved -->", 1);
        }
    }
    let moved = run(
        &files,
        &Config::default(),
        DependencyOptions::new(AdvisoryData::Loaded(advisories())),
    );
    let after = find(&moved, "GHSA-5crp-9r3c-p9vr", "App.csproj");
    assert_eq!(after.location.region.start.line, 12);
    assert_eq!(after.fingerprint, before);
    let fps: std::collections::BTreeSet<&str> = sca_findings(&report)
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(fps.len(), sca_findings(&report).len());
}

#[test]
fn config_ignores_by_alias_scoped_to_a_package_and_expiring() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/advisories/ignore.yaml"))
        .expect("fixture");
    let config = config::parse("ignore.yaml", &text, &[]).expect("valid config");
    let report = scan_project(&config);
    // CVE-2021-26701 is the alias of GHSA-ghhp-997w-qr28; the ignore names the package in
    // another casing.
    let stew = find(&report, "GHSA-ghhp-997w-qr28", "packages.lock.json");
    let sup = stew.suppression.as_ref().expect("suppressed");
    assert_eq!(sup.kind, SuppressionKind::External);
    assert!(sup.reason.contains("only encodes constant strings"));
    // The SqlClient ignore expired on 2026-01-31: both findings are back, and the expired
    // entry is reported with its line.
    for f in report
        .findings
        .iter()
        .filter(|f| f.rule == "GHSA-98g6-xh36-x2p7")
    {
        assert!(f.suppression.is_none());
    }
    let expired = report
        .diagnostics
        .iter()
        .find(|d| {
            d.message
                .starts_with("advisory ignore of GHSA-98G6-XH36-X2P7 expired on 2026-01-31")
        })
        .expect("expired ignore reported");
    assert_eq!(expired.line, Some(8));
    assert_eq!(expired.path.as_deref(), Some("ignore.yaml"));
    assert_eq!(report.sca.summary.suppressed, 1);
    // Before expiry the ignore applies.
    let mut opts = ScanOptions::new(Date::new(2026, 1, 31).expect("date"))
        .with_dependencies(DependencyOptions::new(AdvisoryData::Loaded(advisories())));
    opts.dockerignore_known = true;
    let early = scan(&project_files(), &config, &opts);
    assert!(
        early
            .findings
            .iter()
            .filter(|f| f.rule == "GHSA-98g6-xh36-x2p7")
            .all(|f| f.suppression.is_some())
    );
    // Scoped to a package: the same id on another package is not ignored.
    let scoped = config::parse(
        "x.yaml",
        "advisories:\n  ignore:\n    - id: GHSA-98G6-XH36-X2P7\n      package: System.Data.SqlClient\n      reason: other package\n",
        &[],
    )
    .expect("valid");
    let r = scan_project(&scoped);
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule == "GHSA-98g6-xh36-x2p7")
            .all(|f| f.suppression.is_none())
    );
}

#[test]
fn vex_not_affected_suppresses_and_other_states_do_not() {
    let path = "tests/fixtures/advisories/vex.json";
    let text = std::fs::read_to_string(root().join(path)).expect("fixture");
    let (statements, warnings) = vex::parse(path, &text).expect("valid VEX");
    assert!(warnings.is_empty());
    let mut deps = DependencyOptions::new(AdvisoryData::Loaded(advisories()));
    deps.vex = statements;
    let report = run(&project_files(), &Config::default(), deps);
    let log4net = find(&report, "GHSA-2cwj-8chv-9pp9", "App.csproj");
    let sup = log4net.suppression.as_ref().expect("VEX suppresses");
    assert!(
        sup.reason.contains("not_affected (requires_configuration)"),
        "{}",
        sup.reason
    );
    assert!(sup.reason.contains("configured in code"));
    // in_triage is carried to CycloneDX but does not suppress.
    let nj = find(&report, "GHSA-5crp-9r3c-p9vr", "App.csproj");
    assert!(nj.suppression.is_none());
    let vulns = portcullis::sca::cdx::vulnerabilities(&report.sca);
    let states: Vec<(&str, Option<&str>)> = vulns
        .iter()
        .map(|v| (v.id.as_str(), v.analysis.as_ref().map(|a| a.state.as_str())))
        .collect();
    assert!(states.contains(&("GHSA-2cwj-8chv-9pp9", Some("not_affected"))));
    assert!(states.contains(&("GHSA-5crp-9r3c-p9vr", Some("in_triage"))));
    // Suppressed findings never fail the run.
    assert_eq!(
        report.failing(),
        report
            .findings
            .iter()
            .filter(|f| !f.is_suppressed() && f.severity == Severity::Error)
            .count()
    );
}

#[test]
fn exit_codes_follow_the_threshold() {
    let mut config = Config::default();
    assert_eq!(scan_project(&config).exit_code(), 1);
    config.fail_on = FailOn::None;
    assert_eq!(scan_project(&config).exit_code(), 0);
    // Only the medium requests advisory and lint warnings remain once every error advisory
    // is ignored: fail-on error passes, fail-on warning fails.
    let text = "advisories:\n  ignore:\n    - id: [GHSA-2cwj-8chv-9pp9, GHSA-5crp-9r3c-p9vr, GHSA-98g6-xh36-x2p7, GHSA-ghhp-997w-qr28, MAL-0000-fixture-nuget-typosquat]\n      reason: accepted for the test\n";
    let mut config = config::parse("c.yaml", text, &[]).expect("valid");
    assert_eq!(scan_project(&config).exit_code(), 0);
    config.fail_on = FailOn::Warning;
    assert_eq!(scan_project(&config).exit_code(), 1);
}

#[test]
fn without_advisory_data_a_warning_says_dependencies_were_not_checked() {
    let report = run(
        &project_files(),
        &Config::default(),
        DependencyOptions::new(AdvisoryData::Unavailable(
            "the offline database is empty".into(),
        )),
    );
    assert!(sca_findings(&report).is_empty());
    let w = report
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Warning && d.path.is_none())
        .expect("warning");
    assert_eq!(
        w.message,
        "no advisory data: run `portcullis db update` or pass --advisories online|PATH; dependencies were NOT checked for known vulnerabilities (the offline database is empty)"
    );
    // The SBOM is still there for CycloneDX output.
    assert!(
        report
            .sbom
            .as_ref()
            .is_some_and(|s| !s.components.is_empty())
    );
    // Turned off on purpose: a note.
    let off = run(
        &project_files(),
        &Config::default(),
        DependencyOptions::new(AdvisoryData::Disabled),
    );
    assert!(
        off.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Note && d.message.contains("--advisories none"))
    );
    // Nothing to check (no manifests): no warning at all.
    let df = vec![SourceFile::new("Dockerfile", "FROM scratch\n")];
    let none = run(
        &df,
        &Config::default(),
        DependencyOptions::new(AdvisoryData::Unavailable(String::new())),
    );
    assert!(
        none.diagnostics
            .iter()
            .all(|d| !d.message.starts_with("no advisory data"))
    );
}

#[test]
fn linting_alone_is_unchanged() {
    let files = project_files();
    let report = scan(&files, &Config::default(), &ScanOptions::new(today()));
    assert!(report.findings.iter().all(|f| f.rule.starts_with("DF")));
    assert!(report.sbom.is_none());
    assert!(report.sca.matches.is_empty());
    assert!(
        report
            .files
            .iter()
            .all(|f| f.kind != portcullis::engine::FileKind::Manifest)
    );
}

#[test]
fn git_and_private_registry_crates_are_not_matched_against_crates_io() {
    let lock = std::fs::read_to_string(
        root().join("tests/fixtures/advisories/rustsec-project/Cargo.lock"),
    )
    .expect("fixture");
    let files = vec![SourceFile::new("Cargo.lock", lock)];
    let batch = portcullis::native::advisories::rustsec::load(
        &root().join("tests/fixtures/advisories/rustsec-db"),
    );
    let adv = Arc::new(Advisories::new(
        batch.records,
        vec!["fixture RustSec".into()],
    ));
    let report = run(
        &files,
        &Config::default(),
        DependencyOptions::new(AdvisoryData::Loaded(adv)),
    );
    let ids: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.location.region.start.line))
        .collect();
    // smallvec 1.6.0 (crates.io, line 28) is vulnerable; smallvec 1.5.0 from git (line 34)
    // is not judged against crates.io advisories.
    assert!(ids.contains(&("RUSTSEC-2021-0003", 28)), "{ids:?}");
    assert!(!ids.iter().any(|(_, l)| *l == 34), "{ids:?}");
    assert_eq!(report.sca.summary.not_covered, 1);
    // Informational advisories are notes; hyper 0.14.10 is fixed.
    let notes: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Note)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(notes, vec!["RUSTSEC-2021-0145", "RUSTSEC-2024-0375"]);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule != "RUSTSEC-2021-0078")
    );
    let unmaintained = report
        .findings
        .iter()
        .find(|f| f.rule == "RUSTSEC-2024-0375")
        .expect("note");
    assert!(
        unmaintained
            .message
            .starts_with("atty 0.2.14: unmaintained advisory RUSTSEC-2024-0375"),
        "{}",
        unmaintained.message
    );
}

#[test]
fn fixture_paths_exist() {
    for p in [
        "osv",
        "project",
        "rustsec-db",
        "rustsec-project",
        "vex.json",
        "ignore.yaml",
    ] {
        assert!(
            Path::new(&root().join("tests/fixtures/advisories").join(p)).exists(),
            "{p}"
        );
    }
}
