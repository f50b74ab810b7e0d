//! `portcullis scan` / `portcullis sbom` with advisories, end to end: runs the built binary on
//! the fixture .NET project (tests/fixtures/advisories/project) with the hand-written OSV
//! records of real advisories, and checks SARIF (insta snapshot of the results and advisory
//! rules), CycloneDX with `vulnerabilities` (schema-valid, `affects` resolve), VEX input,
//! config sources, the "no advisory data" warning and exit codes.
#![allow(clippy::disallowed_methods)]

mod cdx_support;

mod support;
use std::path::Path;
use std::process::{Command, Output};
use support::TempDir;

use cdx_support::schema_errors;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");
const PROJECT: &str = "tests/fixtures/advisories/project";
const OSV: &str = "tests/fixtures/advisories/osv";

/// Runs the binary in the repository root with an empty cache directory (so no offline
/// database of the machine is used) and a fixed date.
fn run(args: &[&str], cache: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PORTCULLIS_CACHE_DIR", cache)
        .env("PORTCULLIS_TODAY", "2026-11-22")
        // Never the public OSV API from tests: plain HTTP to loopback is refused by the client
        // without a connection attempt.
        .env("PORTCULLIS_OSV_API_URL", "http://127.0.0.1:9")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("NO_COLOR")
        .output()
        .expect("run portcullis")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn sarif_has_one_result_per_component_and_advisory_and_a_rule_per_advisory() {
    let cache = TempDir::new("cache");
    let out = run(
        &[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "--format",
            "sarif",
        ],
        cache.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = stdout_json(&out);
    let run0 = &doc["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let advisory_rules: Vec<&Value> = rules
        .iter()
        .filter(|r| !r["id"].as_str().unwrap_or("").starts_with("DF"))
        .collect();
    let results: Vec<Value> = run0["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| !r["ruleId"].as_str().unwrap_or("").starts_with("DF"))
        .map(|r| {
            json!({
                "ruleId": r["ruleId"],
                "level": r["level"],
                "message": r["message"]["text"],
                "uri": r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "startLine": r["locations"][0]["physicalLocation"]["region"]["startLine"],
                "related": r["relatedLocations"].as_array().map(|a| a.len()).unwrap_or(0),
            })
        })
        .collect();
    let notifications: Vec<&Value> = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| &n["message"]["text"])
        .collect();
    let rule_view: Vec<Value> = advisory_rules
        .iter()
        .map(|r| {
            json!({
                "id": r["id"],
                "shortDescription": r["shortDescription"]["text"],
                "fullDescription": r["fullDescription"]["text"],
                "level": r["defaultConfiguration"]["level"],
                "helpUri": r["helpUri"],
                "help": r["help"]["text"],
                "properties": r["properties"],
            })
        })
        .collect();
    insta::assert_json_snapshot!(
        "sca_sarif",
        json!({ "results": results, "rules": rule_view, "notifications": notifications })
    );
}

#[test]
fn cyclonedx_output_of_a_scan_is_valid_and_lists_vulnerabilities() {
    let cache = TempDir::new("cache");
    let dir = TempDir::new("cdx");
    let bom_path = dir.path().join("bom.json");
    let bom_arg = bom_path.to_string_lossy().to_string();
    let out = run(
        &[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "--format",
            "text",
            "--format",
            "cyclonedx-json",
            "--output",
            &dir.path().join("report.txt").to_string_lossy(),
            "--output",
            &bom_arg,
        ],
        cache.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom: Value =
        serde_json::from_str(&std::fs::read_to_string(&bom_path).expect("bom")).expect("json");
    let errors = schema_errors(&bom);
    assert!(errors.is_empty(), "{errors:#?}");
    let refs: Vec<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    let ids: Vec<&str> = vulns.iter().filter_map(|v| v["id"].as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "GHSA-2cwj-8chv-9pp9",
            "GHSA-5crp-9r3c-p9vr",
            "GHSA-98g6-xh36-x2p7",
            "GHSA-ghhp-997w-qr28",
            "GHSA-j8r2-6x86-q33q",
            "MAL-0000-fixture-nuget-typosquat"
        ]
    );
    for v in vulns {
        for a in v["affects"].as_array().expect("affects") {
            let r = a["ref"].as_str().expect("ref");
            assert!(refs.contains(&r), "dangling affects ref {r}");
        }
    }
    let nj = vulns
        .iter()
        .find(|v| v["id"] == "GHSA-5crp-9r3c-p9vr")
        .expect("nj");
    assert_eq!(nj["ratings"][0]["score"], 7.5);
    assert_eq!(nj["ratings"][0]["method"], "CVSSv31");
    assert_eq!(nj["ratings"][0]["severity"], "high");
    assert_eq!(nj["cwes"], json!([755]));
    assert_eq!(nj["references"][0]["id"], "CVE-2024-21907");
    assert_eq!(
        nj["recommendation"],
        "Newtonsoft.Json: upgrade to 13.0.1 or later"
    );
    assert_eq!(nj["affects"][0]["ref"], "pkg:nuget/Newtonsoft.Json@12.0.1");
    assert_eq!(nj["source"]["name"], "GitHub Advisory Database");
    // The SqlClient advisory affects the locked 5.0.0 and the range in Worker.csproj.
    let sql = vulns
        .iter()
        .find(|v| v["id"] == "GHSA-98g6-xh36-x2p7")
        .expect("sql");
    assert_eq!(sql["affects"].as_array().map(Vec::len), Some(2));
    let mal = vulns
        .iter()
        .find(|v| v["id"] == "MAL-0000-fixture-nuget-typosquat")
        .expect("mal");
    assert_eq!(mal["ratings"][0]["severity"], "critical");
    // The text report was written too.
    let text = std::fs::read_to_string(dir.path().join("report.txt")).expect("text");
    assert!(text.contains("error[GHSA-5crp-9r3c-p9vr]: Newtonsoft.Json 12.0.1 is affected by"));
}

#[test]
fn sbom_with_advisories_and_vex_carries_the_analysis() {
    let cache = TempDir::new("cache");
    let out = run(
        &[
            "sbom",
            PROJECT,
            "--no-config",
            "--reproducible",
            "--advisories",
            OSV,
            "--vex",
            "tests/fixtures/advisories/vex.json",
        ],
        cache.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom = stdout_json(&out);
    assert!(schema_errors(&bom).is_empty(), "{:#?}", schema_errors(&bom));
    let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    let log4net = vulns
        .iter()
        .find(|v| v["id"] == "GHSA-2cwj-8chv-9pp9")
        .expect("log4net");
    assert_eq!(log4net["analysis"]["state"], "not_affected");
    assert_eq!(
        log4net["analysis"]["justification"],
        "requires_configuration"
    );
    let nj = vulns
        .iter()
        .find(|v| v["id"] == "GHSA-5crp-9r3c-p9vr")
        .expect("nj");
    assert_eq!(nj["analysis"]["state"], "in_triage");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("dependencies: 8 component(s) checked"),
        "{stderr}"
    );
    // Without --advisories the SBOM has no vulnerabilities section (and no warning).
    let plain = run(
        &["sbom", PROJECT, "--no-config", "--reproducible"],
        cache.path(),
    );
    assert_eq!(plain.status.code(), Some(0));
    assert!(stdout_json(&plain).get("vulnerabilities").is_none());
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("advisory"));
}

#[test]
fn vex_suppresses_in_sarif() {
    let cache = TempDir::new("cache");
    let out = run(
        &[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "--vex",
            "tests/fixtures/advisories/vex.json",
            "--format",
            "sarif",
        ],
        cache.path(),
    );
    let doc = stdout_json(&out);
    let res = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "GHSA-2cwj-8chv-9pp9")
        .expect("log4net result")
        .clone();
    assert_eq!(res["suppressions"][0]["kind"], "external");
    assert!(
        res["suppressions"][0]["justification"]
            .as_str()
            .is_some_and(|j| j.contains("not_affected"))
    );
    // A VEX file that is not CycloneDX is an error (exit 2 unless findings fail the run).
    let bad = run(
        &[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "--vex",
            "Cargo.toml",
            "--fail-on",
            "none",
        ],
        cache.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("--vex: not a CycloneDX JSON document"));
}

#[test]
fn no_advisory_data_is_a_warning_not_a_clean_result() {
    let cache = TempDir::new("cache");
    let out = run(
        &["scan", PROJECT, "--no-config", "--fail-on", "error"],
        cache.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: no advisory data: run `portcullis db update` or pass --advisories online|PATH; dependencies were NOT checked for known vulnerabilities"),
        "{text}"
    );
    // Lint warnings only: the exit code stays 0 (the warning does not fail the run).
    assert_eq!(out.status.code(), Some(0), "{text}");
    // `auto` falls back to the OSV API; when it cannot be reached the same warning says why.
    let out = run(
        &["scan", PROJECT, "--no-config", "--advisories", "auto"],
        cache.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no advisory data"), "{text}");
    assert!(text.contains("the OSV API http://127.0.0.1:9"), "{text}");
    // none: a note, no warning.
    let out = run(
        &["scan", PROJECT, "--no-config", "--advisories", "none"],
        cache.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "note: dependencies were not checked for known vulnerabilities (--advisories none)"
        ),
        "{text}"
    );
    assert!(!text.contains("no advisory data"));
}

#[test]
fn exit_codes() {
    let cache = TempDir::new("cache");
    let code = |args: &[&str]| run(args, cache.path()).status.code();
    assert_eq!(
        code(&["scan", PROJECT, "--no-config", "--advisories", OSV]),
        Some(1)
    );
    assert_eq!(
        code(&[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "--fail-on",
            "none"
        ]),
        Some(0)
    );
    // A missing advisory path is an error: exit 2.
    assert_eq!(
        code(&[
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            "no/such/dir",
            "--fail-on",
            "none"
        ]),
        Some(2)
    );
    // Linting only.
    let out = run(
        &[
            "scan",
            PROJECT,
            "--no-config",
            "--no-dependencies",
            "-f",
            "json",
        ],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert!(doc["dependencies"].is_null());
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("DF")))
    );
    assert_eq!(
        code(&[
            "scan",
            PROJECT,
            "--no-config",
            "--no-dependencies",
            "-f",
            "cyclonedx-json"
        ]),
        Some(2)
    );
    assert_eq!(
        code(&[
            "lint",
            "tests/fixtures/advisories/project/Dockerfile",
            "-f",
            "cyclonedx-json"
        ]),
        Some(2)
    );
    // Nothing to scan: exit 0 with a note that says what was looked for.
    let empty = TempDir::new("empty");
    empty.write("README.md", "# nothing to scan\n");
    let dir = empty.path().to_string_lossy().into_owned();
    let out = run(&["scan", &dir, "--no-config"], cache.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no Dockerfiles, manifests or lock files found"),
        "{text}"
    );
    // A container host that is not a Windows Server LTSC release is a usage error.
    let bad_host = run(
        &[
            "lint",
            "tests/fixtures/advisories/project/Dockerfile",
            "--windows-host",
            "ltsc2009",
        ],
        cache.path(),
    );
    assert_eq!(bad_host.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad_host.stderr);
    assert!(
        err.contains("--windows-host `ltsc2009` is not a Windows Server version"),
        "{err}"
    );
}

#[test]
fn config_source_is_relative_to_the_config_file() {
    let cache = TempDir::new("cache");
    let dir = TempDir::new("cfg");
    std::fs::create_dir_all(dir.path().join("data")).expect("dir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(OSV)
            .join("GHSA-5crp-9r3c-p9vr.json"),
        dir.path().join("data/GHSA-5crp-9r3c-p9vr.json"),
    )
    .expect("copy");
    let cfg = dir.path().join(".portcullis.yaml");
    std::fs::write(&cfg, "advisories:\n  source: data\n  max-db-age-days: 3\n").expect("cfg");
    let out = run(
        &[
            "scan",
            PROJECT,
            "--config",
            &cfg.to_string_lossy(),
            "-f",
            "json",
        ],
        cache.path(),
    );
    let doc = stdout_json(&out);
    assert_eq!(doc["dependencies"]["matches"], 1, "{doc:#}");
    assert!(
        doc["dependencies"]["advisories"]
            .as_str()
            .is_some_and(|s| s.contains("data"))
    );
    // --advisories overrides the config.
    let out = run(
        &[
            "scan",
            PROJECT,
            "--config",
            &cfg.to_string_lossy(),
            "--advisories",
            OSV,
            "-f",
            "json",
        ],
        cache.path(),
    );
    assert_eq!(stdout_json(&out)["dependencies"]["matches"], 7);
}

#[test]
fn dependencies_only_reports_known_vulnerable_packages_alone() {
    let cache = TempDir::new("cache");
    let json_of = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            PROJECT,
            "--no-config",
            "--advisories",
            OSV,
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = run(&args, cache.path());
        (out.status.code(), stdout_json(&out))
    };
    let rules = |doc: &Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule"].as_str().map(str::to_string))
            .collect()
    };
    let (_, all) = json_of(&[]);
    let (code, only) = json_of(&["--dependencies-only"]);
    let all = rules(&all);
    let only = rules(&only);
    assert!(all.iter().any(|r| r.starts_with("DF")), "{all:?}");
    assert!(!only.is_empty(), "{only:?}");
    assert!(only.iter().all(|r| !r.starts_with("DF")), "{only:?}");
    assert_eq!(
        only,
        all.iter()
            .filter(|r| !r.starts_with("DF"))
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(code, Some(1));
    // Contradictory flags are a usage error.
    let out = run(
        &["scan", PROJECT, "--no-dependencies", "--dependencies-only"],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_dockerfile_named_on_its_own_brings_its_dockerignore() {
    let cache = TempDir::new("cache");
    let dir = TempDir::new("dockerignore");
    let copy_all = "FROM alpine:3.20\nCOPY . /app\n";
    for (rel, text) in [
        ("a/Dockerfile", copy_all),
        ("a/.dockerignore", ".git\n"),
        ("b/Dockerfile", copy_all),
        ("c/api.Dockerfile", copy_all),
        ("c/api.Dockerfile.dockerignore", "*.md\n"),
    ] {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let df127 = |rel: &str| {
        let file = dir.path().join(rel);
        let out = run(
            &[
                "scan",
                file.to_str().expect("utf-8 path"),
                "--no-config",
                "--no-dependencies",
                "-f",
                "json",
            ],
            cache.path(),
        );
        stdout_json(&out)["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["rule"] == "DF127")
            .count()
    };
    assert_eq!(df127("a/Dockerfile"), 0);
    assert_eq!(df127("b/Dockerfile"), 1);
    assert_eq!(df127("c/api.Dockerfile"), 0);
}

#[test]
fn files_outside_a_repository_are_shown_relative_to_their_common_folder() {
    let cache = TempDir::new("cache");
    let tree = TempDir::new("two-files");
    let a = tree.write(
        "a/Dockerfile",
        "FROM alpine:3.20\nRUN wget https://x.example/t.tgz\n",
    );
    let b = tree.write(
        "b/Dockerfile",
        "FROM alpine:3.20\nRUN wget https://x.example/t.tgz\n",
    );
    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
    let out = run(&["lint", &a, &b, "--format", "compact"], cache.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\na/Dockerfile:2:") || text.starts_with("a/Dockerfile:2:"),
        "{text}"
    );
    assert!(text.contains("\nb/Dockerfile:2:"), "{text}");
    // One file on its own: relative to its folder, as before.
    let out = run(&["lint", &a, "--format", "compact"], cache.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Dockerfile:2:"), "{text}");
}
