//! Advisory sources on the file system: OSV directories, osv.dev-style `all.zip` archives
//! (built here, including hostile ones: a zip bomb, oversized entries, too many entries,
//! path-traversal names), the offline database cache with its `meta.json`, the online seam,
//! and RustSec advisory-db checkouts (a tiny one in tests/fixtures/advisories/rustsec-db).
#![allow(clippy::disallowed_methods)]

mod support;
use std::io::Write;
use std::path::{Path, PathBuf};
use support::TempDir;

use portcullis::engine::Diagnostic;
use portcullis::finding::Severity;
use portcullis::native::advisories::{
    self, LoadOptions, Needs, OnlineSource, PackageQuery, SourceSpec, ZipLimits, local, rustsec,
};
use portcullis::sbom::Sbom;
use portcullis::sca::AdvisoryData;
use portcullis::vuln::osv::{Event, Record};
use portcullis::{Date, SourceFile};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn record(id: &str, eco: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","summary":"{id} summary","affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

/// Writes a zip with `(name, bytes)` entries, deflated.
fn write_zip(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let f = std::fs::File::create(path).expect("create zip");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, opts).expect("start entry");
        z.write_all(bytes).expect("write entry");
    }
    z.finish().expect("finish zip");
}

fn ids(records: &[Record]) -> Vec<String> {
    let mut v: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    v.sort();
    v
}

fn messages(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("{}: {}", d.severity, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn directories_are_read_recursively_in_every_file_form() {
    let t = TempDir::new("dir");
    t.write("a/GHSA-1.json", &record("GHSA-1", "NuGet", "A", "1.0.0"));
    t.write(
        "b/c/list.json",
        &format!(
            "[{},{}]",
            record("GHSA-2", "NuGet", "B", "1.0.0"),
            record("GHSA-3", "npm", "c", "1.0.0")
        ),
    );
    t.write(
        "vulns.json",
        &format!("{{\"vulns\":[{}]}}", record("PYSEC-4", "PyPI", "d", "1.0")),
    );
    t.write("notes.txt", "not json");
    t.write("bad.json", "{\"id\": 5}");
    let b = local::load_dir(t.path(), &|_| true);
    assert_eq!(
        ids(&b.records),
        vec!["GHSA-1", "GHSA-2", "GHSA-3", "PYSEC-4"]
    );
    assert_eq!(b.diagnostics.len(), 1, "{}", messages(&b.diagnostics));
    assert!(b.diagnostics[0].message.contains("bad.json"));
    // The filter keeps only wanted records.
    let b = local::load_dir(t.path(), &|r| r.id == "GHSA-2");
    assert_eq!(ids(&b.records), vec!["GHSA-2"]);
}

#[test]
fn zip_archives_are_read_entry_by_entry() {
    let t = TempDir::new("zip");
    let zip = t.path().join("all.zip");
    write_zip(
        &zip,
        &[
            (
                "GHSA-1.json",
                record("GHSA-1", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            (
                "nested/GHSA-2.json",
                record("GHSA-2", "NuGet", "B", "2.0.0").into_bytes(),
            ),
            ("README.txt", b"ignored".to_vec()),
            ("broken.json", b"{".to_vec()),
        ],
    );
    let b = local::load_zip(&zip, &ZipLimits::default(), &|_| true);
    assert_eq!(ids(&b.records), vec!["GHSA-1", "GHSA-2"]);
    assert_eq!(b.diagnostics.len(), 1, "{}", messages(&b.diagnostics));
    assert!(b.diagnostics[0].message.contains("broken.json"));
    // Not a zip at all.
    let not = t.write("fake.zip", "PK? no");
    let b = local::load_zip(&not, &ZipLimits::default(), &|_| true);
    assert!(b.records.is_empty());
    assert_eq!(b.diagnostics[0].severity, Severity::Error);
}

#[test]
fn a_zip_bomb_stops_the_archive() {
    let t = TempDir::new("bomb");
    let zip = t.path().join("all.zip");
    // 40 MiB of spaces deflate to a few dozen KiB.
    let mut bomb = b"{\"id\":\"BOMB-1\",\"details\":\"".to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 40 * 1024 * 1024));
    bomb.extend(b"\"}");
    write_zip(
        &zip,
        &[
            (
                "GHSA-1.json",
                record("GHSA-1", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            ("BOMB-1.json", bomb),
            (
                "GHSA-2.json",
                record("GHSA-2", "NuGet", "B", "1.0.0").into_bytes(),
            ),
        ],
    );
    assert!(std::fs::metadata(&zip).expect("zip").len() < 1024 * 1024);
    let b = local::load_zip(&zip, &ZipLimits::default(), &|_| true);
    // Read up to the bomb, then stopped.
    assert_eq!(ids(&b.records), vec!["GHSA-1"]);
    let d = b
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("error");
    assert!(d.message.contains("zip bomb"), "{}", d.message);
}

#[test]
fn oversized_entries_are_skipped_and_total_size_is_capped() {
    let t = TempDir::new("big");
    let zip = t.path().join("all.zip");
    let big = format!(
        "{{\"id\":\"BIG-1\",\"details\":\"{}\"}}",
        (0..4000)
            .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
            .collect::<String>()
    );
    write_zip(
        &zip,
        &[
            (
                "GHSA-1.json",
                record("GHSA-1", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            ("BIG-1.json", big.into_bytes()),
            (
                "GHSA-2.json",
                record("GHSA-2", "NuGet", "B", "1.0.0").into_bytes(),
            ),
        ],
    );
    let limits = ZipLimits {
        max_entry_bytes: 1024,
        ..ZipLimits::default()
    };
    let b = local::load_zip(&zip, &limits, &|_| true);
    assert_eq!(ids(&b.records), vec!["GHSA-1", "GHSA-2"]);
    assert!(messages(&b.diagnostics).contains("BIG-1.json: inflates to more than 1024 bytes"));
    // A total cap below the archive's size stops reading.
    let limits = ZipLimits {
        max_total_bytes: 500,
        ..ZipLimits::default()
    };
    let b = local::load_zip(&zip, &limits, &|_| true);
    assert!(b.records.len() < 3);
    assert!(
        b.diagnostics.iter().any(|d| d.severity == Severity::Error
            && d.message.contains("inflates to more than 500 bytes")),
        "{}",
        messages(&b.diagnostics)
    );
}

#[test]
fn too_many_entries_are_refused_before_reading() {
    let t = TempDir::new("many");
    let zip = t.path().join("all.zip");
    let entries: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("GHSA-{i}.json"),
                record(&format!("GHSA-{i}"), "NuGet", "A", "1.0.0").into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    write_zip(&zip, &refs);
    let limits = ZipLimits {
        max_entries: 3,
        ..ZipLimits::default()
    };
    let b = local::load_zip(&zip, &limits, &|_| true);
    assert!(b.records.is_empty());
    assert!(messages(&b.diagnostics).contains("has 5 entries, more than the 3 allowed"));
    assert_eq!(
        local::load_zip(&zip, &ZipLimits::default(), &|_| true)
            .records
            .len(),
        5
    );
}

#[test]
fn path_traversal_names_are_skipped() {
    let t = TempDir::new("trav");
    let zip = t.path().join("all.zip");
    write_zip(
        &zip,
        &[
            (
                "../evil.json",
                record("EVIL-1", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            (
                "/abs/evil.json",
                record("EVIL-2", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            (
                "ok/../../evil.json",
                record("EVIL-3", "NuGet", "A", "1.0.0").into_bytes(),
            ),
            (
                "GHSA-1.json",
                record("GHSA-1", "NuGet", "A", "1.0.0").into_bytes(),
            ),
        ],
    );
    let b = local::load_zip(&zip, &ZipLimits::default(), &|_| true);
    assert_eq!(ids(&b.records), vec!["GHSA-1"]);
    assert!(messages(&b.diagnostics).contains("3 archive entries with path-traversal names"));
    // Nothing was written next to the archive.
    assert!(
        !t.path()
            .parent()
            .expect("parent")
            .join("evil.json")
            .exists()
    );
}

fn sbom_of(files: &[(&str, &str)]) -> Sbom {
    let files: Vec<SourceFile> = files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect();
    portcullis::engine::dependency_sbom(&files, &portcullis::config::Config::default(), "root")
}

fn csproj(pkgs: &[(&str, &str)]) -> String {
    let refs: String = pkgs
        .iter()
        .map(|(n, v)| format!("<PackageReference Include=\"{n}\" Version=\"{v}\" />"))
        .collect();
    format!("<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup>{refs}</ItemGroup></Project>\n")
}

fn opts(cache: Option<&Path>) -> LoadOptions {
    LoadOptions {
        today: Date::new(2026, 11, 22).expect("date"),
        max_db_age_days: 7,
        cache_root: cache.map(Path::to_path_buf),
        zip_limits: ZipLimits::default(),
        filter: true,
    }
}

fn no_online() -> Result<Box<dyn OnlineSource>, String> {
    Err("online lookups are off in this test".into())
}

#[test]
fn needs_list_ecosystems_packages_and_queries() {
    let sbom = sbom_of(&[
        (
            "App.csproj",
            &csproj(&[("Newtonsoft.Json", "12.0.1"), ("Serilog", "[3.0,4.0)")]),
        ),
        ("requirements.txt", "Django_Rest.Framework==3.15.1\n"),
    ]);
    let n = Needs::of(&sbom);
    assert_eq!(
        n.ecosystems.iter().map(String::as_str).collect::<Vec<_>>(),
        vec!["NuGet", "PyPI"]
    );
    assert!(
        n.packages
            .contains(&("NuGet".into(), "newtonsoft.json".into()))
    );
    assert!(
        n.packages
            .contains(&("PyPI".into(), "django-rest-framework".into()))
    );
    assert!(n.queries.contains(&PackageQuery {
        ecosystem: "NuGet".into(),
        name: "Newtonsoft.Json".into(),
        version: Some("12.0.1".into())
    }));
    // A range is looked up without a version (matched locally).
    assert!(
        n.queries
            .iter()
            .any(|q| q.name == "Serilog" && q.version.is_none())
    );
    let rec: Record = portcullis::vuln::osv::parse_record(&record(
        "GHSA-1",
        "NuGet",
        "NEWTONSOFT.JSON",
        "13.0.1",
    ))
    .expect("record");
    assert!(n.wants(&rec));
    let other: Record =
        portcullis::vuln::osv::parse_record(&record("GHSA-2", "npm", "newtonsoft.json", "1"))
            .expect("record");
    assert!(!n.wants(&other));
}

fn write_cache(root: &Path, eco: &str, records: &[String], downloaded_at: Option<&str>) {
    let dir = advisories::ecosystem_dir(root, eco);
    std::fs::create_dir_all(&dir).expect("dir");
    let entries: Vec<(String, Vec<u8>)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("R-{i}.json"), r.clone().into_bytes()))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    write_zip(&dir.join("all.zip"), &refs);
    if let Some(at) = downloaded_at {
        std::fs::write(
            dir.join("meta.json"),
            format!(
                "{{\"source_url\":\"https://example.invalid/{eco}/all.zip\",\"downloaded_at\":\"{at}\",\"sha256\":\"00\"}}"
            ),
        )
        .expect("meta");
    }
}

#[test]
fn the_offline_database_is_read_for_the_needed_ecosystems_and_its_age_checked() {
    let t = TempDir::new("cache");
    write_cache(
        t.path(),
        "NuGet",
        &[
            record("GHSA-1", "NuGet", "Newtonsoft.Json", "13.0.1"),
            record("GHSA-2", "NuGet", "Unrelated.Package", "2.0.0"),
        ],
        Some("2026-11-20T10:00:00Z"),
    );
    write_cache(
        t.path(),
        "npm",
        &[record("GHSA-3", "npm", "left-pad", "2.0.0")],
        Some("2026-11-20T10:00:00Z"),
    );
    let sbom = sbom_of(&[
        ("App.csproj", &csproj(&[("Newtonsoft.Json", "12.0.1")])),
        ("requirements.txt", "requests==2.25.1\n"),
    ]);
    let needs = Needs::of(&sbom);
    let loaded = advisories::load(
        &[SourceSpec::Offline],
        &needs,
        &opts(Some(t.path())),
        &no_online,
    );
    let AdvisoryData::Loaded(adv) = &loaded.data else {
        panic!("{:?}", loaded.data)
    };
    // Only the scanned package's record is kept; npm is not read at all.
    assert_eq!(adv.index().stats().records, 1);
    assert!(
        adv.describe()
            .contains("the offline OSV database (NuGet of 2026-11-20)"),
        "{}",
        adv.describe()
    );
    // PyPI is not in the cache: a warning names it.
    let text = messages(&loaded.diagnostics);
    assert!(
        text.contains("has no PyPI data: PyPI dependencies were NOT checked"),
        "{text}"
    );
    assert!(!text.contains("days ago"), "{text}");

    // Stale: older than max-db-age-days.
    let mut stale = opts(Some(t.path()));
    stale.today = Date::new(2026, 12, 10).expect("date");
    let loaded = advisories::load(&[SourceSpec::Offline], &needs, &stale, &no_online);
    let text = messages(&loaded.diagnostics);
    assert!(
        text.contains("the offline NuGet advisory database was downloaded 20 days ago (on 2026-11-20), more than the 7 allowed"),
        "{text}"
    );
    assert!(matches!(loaded.data, AdvisoryData::Loaded(_)));

    // meta.json missing: loaded, age unknown.
    let t2 = TempDir::new("cache-nometa");
    write_cache(
        t2.path(),
        "NuGet",
        &[record("GHSA-1", "NuGet", "Newtonsoft.Json", "13.0.1")],
        None,
    );
    let loaded = advisories::load(
        &[SourceSpec::Offline],
        &needs,
        &opts(Some(t2.path())),
        &no_online,
    );
    assert!(messages(&loaded.diagnostics).contains("its age is unknown"));
    assert!(matches!(loaded.data, AdvisoryData::Loaded(_)));
}

#[test]
fn nothing_cached_means_unavailable_never_a_clean_result() {
    let t = TempDir::new("empty");
    let sbom = sbom_of(&[("App.csproj", &csproj(&[("Newtonsoft.Json", "12.0.1")]))]);
    let needs = Needs::of(&sbom);
    let loaded = advisories::load(
        &[SourceSpec::Offline],
        &needs,
        &opts(Some(t.path())),
        &no_online,
    );
    match &loaded.data {
        AdvisoryData::Unavailable(why) => assert!(why.contains("is empty"), "{why}"),
        other => panic!("{other:?}"),
    }
    // auto falls back to the online source; here it is unavailable too.
    let loaded = advisories::load(
        &[SourceSpec::Auto],
        &needs,
        &opts(Some(t.path())),
        &no_online,
    );
    match &loaded.data {
        AdvisoryData::Unavailable(why) => assert!(why.contains("online lookups are off"), "{why}"),
        other => panic!("{other:?}"),
    }
    // none: disabled on purpose.
    let loaded = advisories::load(
        &[SourceSpec::None],
        &needs,
        &opts(Some(t.path())),
        &no_online,
    );
    assert!(matches!(loaded.data, AdvisoryData::Disabled));
    // A missing path is an error diagnostic.
    let loaded = advisories::load(
        &[SourceSpec::Path(t.path().join("nope"))],
        &needs,
        &opts(None),
        &no_online,
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    );
    assert!(matches!(loaded.data, AdvisoryData::Unavailable(_)));
    // The real online source is the OSV API client (building it does not touch the network).
    let real = advisories::online_source(&Default::default());
    assert!(real.is_ok_and(|s| s.describe().starts_with("the OSV API ")));
}

struct Fake {
    records: Vec<String>,
    fail: bool,
    seen: std::sync::Mutex<Vec<PackageQuery>>,
}

impl OnlineSource for Fake {
    fn describe(&self) -> String {
        "fake OSV API".into()
    }
    fn fetch(&self, queries: &[PackageQuery]) -> Result<Vec<Record>, String> {
        self.seen
            .lock()
            .expect("lock")
            .extend(queries.iter().cloned());
        if self.fail {
            return Err("connection refused".into());
        }
        Ok(self
            .records
            .iter()
            .filter_map(|r| portcullis::vuln::osv::parse_record(r).ok())
            .collect())
    }
}

#[test]
fn online_and_auto_use_the_online_seam() {
    let t = TempDir::new("online");
    let sbom = sbom_of(&[("App.csproj", &csproj(&[("Newtonsoft.Json", "12.0.1")]))]);
    let needs = Needs::of(&sbom);
    let fake = std::sync::Arc::new(Fake {
        records: vec![record("GHSA-1", "NuGet", "Newtonsoft.Json", "13.0.1")],
        fail: false,
        seen: Default::default(),
    });
    let f2 = fake.clone();
    let online = move || -> Result<Box<dyn OnlineSource>, String> {
        Ok(Box::new(Fake {
            records: f2.records.clone(),
            fail: false,
            seen: Default::default(),
        }))
    };
    for spec in [SourceSpec::Online, SourceSpec::Auto] {
        let loaded = advisories::load(
            std::slice::from_ref(&spec),
            &needs,
            &opts(Some(t.path())),
            &online,
        );
        let AdvisoryData::Loaded(adv) = &loaded.data else {
            panic!("{spec:?}: {:?}", loaded.data)
        };
        assert_eq!(adv.sources(), &["fake OSV API".to_string()]);
        let m = adv
            .index()
            .match_package("NuGet", "Newtonsoft.Json", "12.0.1");
        assert_eq!(m.matches.len(), 1);
    }
    let failing = || -> Result<Box<dyn OnlineSource>, String> {
        Ok(Box::new(Fake {
            records: Vec::new(),
            fail: true,
            seen: Default::default(),
        }))
    };
    let loaded = advisories::load(&[SourceSpec::Online], &needs, &opts(None), &failing);
    match &loaded.data {
        AdvisoryData::Unavailable(why) => assert_eq!(why, "fake OSV API: connection refused"),
        other => panic!("{other:?}"),
    }
    // Queries carry the exact version.
    fake.fetch(&needs.queries).expect("fake");
    let seen = fake.seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].version.as_deref(), Some("12.0.1"));
}

#[test]
fn several_sources_are_merged() {
    let t = TempDir::new("merge");
    t.write(
        "osv/GHSA-1.json",
        &record("GHSA-1", "NuGet", "Newtonsoft.Json", "13.0.1"),
    );
    let sbom = sbom_of(&[
        ("App.csproj", &csproj(&[("Newtonsoft.Json", "12.0.1")])),
        (
            "Cargo.lock",
            &std::fs::read_to_string(
                root().join("tests/fixtures/advisories/rustsec-project/Cargo.lock"),
            )
            .expect("lock"),
        ),
    ]);
    let needs = Needs::of(&sbom);
    let loaded = advisories::load(
        &[
            SourceSpec::Path(t.path().join("osv")),
            SourceSpec::Path(root().join("tests/fixtures/advisories/rustsec-db")),
        ],
        &needs,
        &opts(None),
        &no_online,
    );
    let AdvisoryData::Loaded(adv) = &loaded.data else {
        panic!("{:?}", loaded.data)
    };
    assert_eq!(adv.sources().len(), 2);
    assert!(adv.sources()[1].starts_with("RustSec advisory database"));
    // smallvec, atty ×2, hyper from RustSec (the broken advisory is reported) + GHSA-1.
    assert_eq!(adv.index().stats().records, 5);
}

#[test]
fn rustsec_checkouts_are_detected_and_converted() {
    let db = root().join("tests/fixtures/advisories/rustsec-db");
    assert!(rustsec::is_advisory_db(&db));
    assert!(!rustsec::is_advisory_db(
        &root().join("tests/fixtures/advisories/osv")
    ));
    let b = rustsec::load(&db);
    assert_eq!(
        ids(&b.records),
        vec![
            "RUSTSEC-2021-0003",
            "RUSTSEC-2021-0078",
            "RUSTSEC-2021-0145",
            "RUSTSEC-2024-0375"
        ]
    );
    // The malformed advisory is one diagnostic, not a failed load.
    assert_eq!(b.diagnostics.len(), 1, "{}", messages(&b.diagnostics));
    assert!(b.diagnostics[0].message.contains("RUSTSEC-2099-0001"));

    let sv = b
        .records
        .iter()
        .find(|r| r.id == "RUSTSEC-2021-0003")
        .expect("smallvec");
    assert_eq!(
        sv.summary.as_deref(),
        Some("Buffer overflow in SmallVec::insert_many")
    );
    assert_eq!(sv.aliases, vec!["CVE-2021-25900", "GHSA-43w2-9j62-hq99"]);
    assert_eq!(sv.published.as_deref(), Some("2021-01-08T00:00:00Z"));
    assert_eq!(
        sv.severity[0].score,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    let events = &sv.affected[0].ranges[0].events;
    // unaffected < 0.6.3, patched >= 0.6.14 < 1.0.0 and >= 1.6.1.
    assert_eq!(
        events,
        &vec![
            Event::Introduced("0.6.3".into()),
            Event::Fixed("0.6.14".into()),
            Event::Introduced("1.0.0".into()),
            Event::Fixed("1.6.1".into()),
        ]
    );
    let atty = b
        .records
        .iter()
        .find(|r| r.id == "RUSTSEC-2024-0375")
        .expect("atty");
    assert_eq!(atty.affected[0].informational(), Some("unmaintained"));
    assert_eq!(
        atty.affected[0].ranges[0].events,
        vec![Event::Introduced("0".into())]
    );

    // The one matcher does the matching on the converted records.
    let idx = portcullis::vuln::AdvisoryIndex::build(b.records.clone());
    let hit = |name: &str, v: &str| -> Vec<String> {
        idx.match_package("crates.io", name, v)
            .matches
            .into_iter()
            .map(|m| m.advisory_id)
            .collect()
    };
    assert_eq!(hit("smallvec", "1.6.0"), vec!["RUSTSEC-2021-0003"]);
    assert!(hit("smallvec", "1.6.1").is_empty());
    assert!(hit("smallvec", "0.6.2").is_empty());
    assert_eq!(hit("smallvec", "0.6.13"), vec!["RUSTSEC-2021-0003"]);
    assert_eq!(hit("hyper", "0.14.9"), vec!["RUSTSEC-2021-0078"]);
    assert!(hit("hyper", "0.11.0").is_empty());
    let atty = idx.match_package("crates.io", "atty", "0.2.14");
    assert_eq!(atty.matches.len(), 2);
    assert!(atty.matches.iter().all(|m| m.informational.is_some()));
}

/// The real data in ../shared/advisories, when present (not part of the repository): the
/// RustSec checkout converts and agrees with the RustSec OSV export on what it flags.
#[test]
fn shared_rustsec_checkout_agrees_with_the_osv_export() {
    let shared = [
        root().join("../shared/advisories"),
        root().join("../../shared/advisories"),
    ]
    .into_iter()
    .find(|p| p.join("rustsec").is_dir() && p.join("crates.io").is_dir());
    let Some(shared) = shared else {
        println!("skipped: ../shared/advisories/{{rustsec,crates.io}} not present");
        return;
    };
    let db = shared.join("rustsec");
    assert!(rustsec::is_advisory_db(&db));
    let native = rustsec::load(&db);
    assert!(native.records.len() > 1000, "{}", native.records.len());
    assert!(
        native
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{}",
        messages(&native.diagnostics)
    );
    let export = local::load_dir(&shared.join("crates.io"), &|_| true);
    assert!(export.records.len() > 1000);
    let idx_native = portcullis::vuln::AdvisoryIndex::build(native.records.clone());
    let idx_export = portcullis::vuln::AdvisoryIndex::build(export.records.clone());
    // For each advisory's first introduced / fixed version, both indexes agree on whether it
    // applies to that package version.
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for r in export.records.iter().filter(|r| !r.is_withdrawn()) {
        let Some(a) = r.affected.first() else {
            continue;
        };
        let Some(pkg) = &a.package else { continue };
        for ev in a.ranges.iter().flat_map(|r| &r.events) {
            let v = match ev {
                Event::Introduced(v) | Event::Fixed(v) if v != "0" && !v.contains('-') => v,
                _ => continue,
            };
            let has = |idx: &portcullis::vuln::AdvisoryIndex| {
                idx.match_package("crates.io", &pkg.name, v)
                    .matches
                    .iter()
                    .any(|m| m.advisory_id == r.id || m.aliases.contains(&r.id))
            };
            checked += 1;
            if has(&idx_native) != has(&idx_export) {
                disagreements.push(format!("{} {} {v}", r.id, pkg.name));
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    // The checkout and the export are different snapshots: allow a handful of records that
    // changed between them, nothing systematic.
    assert!(
        disagreements.len() * 100 <= checked,
        "{} of {checked} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    println!(
        "{checked} version checks, {} disagreements between the RustSec checkout and the OSV export",
        disagreements.len()
    );
}
