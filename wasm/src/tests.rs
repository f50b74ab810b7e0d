use serde_json::{Value, json};

use super::*;

const BAD: &str =
    "FROM microsoft/aspnet:4.7.2\nRUN msiexec /i https://downloads.example.com/agent.msi /qn\n";
const GOOD: &str = "FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER ContainerUser\nCMD [\"cmd\"]\n";

fn scan(files: Value, options: Value) -> Value {
    let out = scan_json(&files.to_string(), &options.to_string());
    serde_json::from_str(&out).expect("scan_json returns JSON")
}

fn opts() -> Value {
    json!({ "today": "2026-01-15", "formats": ["sarif", "json", "text", "github", "azure", "cyclonedx"] })
}

#[test]
fn scan_returns_every_requested_format_and_fails_on_errors() {
    let r = scan(json!({ "Dockerfile": BAD }), opts());
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["exitCode"], 1);
    assert!(r["counts"]["errors"].as_u64().unwrap_or(0) >= 1, "{r}");
    assert_eq!(r["counts"]["files"], 1);
    let findings = r["findings"].as_array().expect("findings array");
    assert!(
        findings
            .iter()
            .any(|f| f["location"]["path"] == "Dockerfile")
    );
    let sarif: Value =
        serde_json::from_str(r["sarif"].as_str().expect("sarif")).expect("sarif JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif"))
    );
    assert!(r["text"].as_str().is_some_and(|t| t.contains("Dockerfile")));
    assert!(r["github"].as_str().is_some_and(|t| t.starts_with("::")));
    assert!(
        r["azure"]
            .as_str()
            .is_some_and(|t| t.contains("##vso[task.logissue"))
    );
    let json_report: Value = serde_json::from_str(r["json"].as_str().expect("json")).expect("json");
    assert_eq!(json_report["findings"], r["findings"]);
    let bom: Value = serde_json::from_str(r["cyclonedx"].as_str().expect("cdx")).expect("cdx");
    assert_eq!(bom["bomFormat"], "CycloneDX");
}

#[test]
fn only_requested_formats_are_rendered() {
    let r = scan(
        json!({ "Dockerfile": GOOD }),
        json!({ "today": "2026-01-15", "formats": ["json"] }),
    );
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["json"].is_string());
    assert!(r["sarif"].is_null() && r["text"].is_null() && r["cyclonedx"].is_null());
}

#[test]
fn findings_equal_the_native_engine() {
    let files = vec![
        SourceFile::new("a/Dockerfile", BAD),
        SourceFile::new("b/Containerfile", GOOD),
    ];
    let today = Date::parse("2026-01-15").expect("date");
    let native = engine::scan(&files, &Config::default(), &ScanOptions::new(today));
    let native_json: Value = serde_json::from_str(&report::json::render(&native)).expect("json");
    let r = scan(
        json!({ "a/Dockerfile": BAD, "b/Containerfile": GOOD }),
        json!({ "today": "2026-01-15" }),
    );
    assert_eq!(r["findings"], native_json["findings"]);
    assert!(!r["findings"].as_array().expect("array").is_empty());
}

#[test]
fn fail_on_override_and_config_apply() {
    let r = scan(
        json!({ "Dockerfile": BAD }),
        json!({ "today": "2026-01-15", "failOn": "none" }),
    );
    assert_eq!(r["exitCode"], 0, "{r}");
    assert_eq!(r["failOn"], "none");
    // A config that excludes the only Dockerfile: nothing scanned.
    let r = scan(
        json!({ "legacy/Dockerfile": BAD }),
        json!({ "today": "2026-01-15", "config": "exclude:\n  - legacy/**\n" }),
    );
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["counts"]["files"], 0);
    assert_eq!(r["exitCode"], 0);
    assert!(
        r["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no Dockerfiles, manifests or lock files found"))
    );
}

#[test]
fn category_becomes_automation_id() {
    let r = scan(
        json!({ "Dockerfile": GOOD }),
        json!({ "today": "2026-01-15", "formats": ["sarif"], "category": "containers/windows" }),
    );
    let sarif: Value = serde_json::from_str(r["sarif"].as_str().expect("sarif")).expect("json");
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "containers/windows"
    );
}

#[test]
fn caller_error_diagnostics_make_exit_code_2() {
    let r = scan(
        json!({ "Dockerfile": GOOD }),
        json!({ "today": "2026-01-15", "diagnostics": [
            { "severity": "error", "path": "big/Dockerfile", "message": "file is larger than the limit" }
        ]}),
    );
    assert_eq!(r["exitCode"], 2, "{r}");
    assert_eq!(r["diagnostics"][0]["path"], "big/Dockerfile");
}

#[test]
fn bad_input_is_an_error_value() {
    let cases: Vec<(String, String, &str)> = vec![
        ("not json".into(), "{}".into(), "files"),
        ("[1,2]".into(), "{}".into(), "files"),
        ("{}".into(), "{\"today\": 3}".into(), "options"),
        ("{}".into(), "{\"unknownKey\": 1}".into(), "unknown field"),
        ("{}".into(), "{}".into(), "today is required"),
        (
            "{}".into(),
            "{\"today\":\"2026-13-01\"}".into(),
            "not a YYYY-MM-DD",
        ),
        (
            "{}".into(),
            "{\"today\":\"2026-01-01\",\"formats\":[\"pdf\"]}".into(),
            "format `pdf`",
        ),
        (
            "{}".into(),
            "{\"today\":\"2026-01-01\",\"failOn\":\"fatal\"}".into(),
            "failOn",
        ),
        (
            "{}".into(),
            "{\"today\":\"2026-01-01\",\"windowsHosts\":[\"win95\"]}".into(),
            "windowsHosts",
        ),
        (
            "{}".into(),
            "{\"today\":\"2026-01-01\",\"config\":\"fail-on: sometimes\\n\"}".into(),
            ".portcullis.yaml:1",
        ),
        (
            "{}".into(),
            "{\"today\":\"2026-01-01\",\"sbom\":{\"serial\":\"xyz\"}}".into(),
            "sbom.serial",
        ),
        (
            "{}".into(),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            "options",
        ),
        (
            format!("{{\"a\":{}}}", "[".repeat(100_000)),
            "{}".into(),
            "files",
        ),
    ];
    for (files, options, needle) in cases {
        let out = scan_json(&files, &options);
        let v: Value = serde_json::from_str(&out).expect("error value is JSON");
        assert_eq!(v["ok"], false, "{out}");
        assert_eq!(v["exitCode"], 2);
        let errors = v["errors"].to_string();
        assert!(errors.contains(needle), "{needle:?} not in {errors}");
    }
}

#[test]
fn hostile_file_contents_do_not_break_the_scan() {
    let deep = format!("FROM a\nRUN {}\n", "$(".repeat(5_000));
    let r = scan(
        json!({
            "Dockerfile": deep,
            "x/Dockerfile": "\u{0}\u{feff}FROM \u{202e}evil\r\n\\\n",
            "packages.lock.json": "{{{{",
            "app.csproj": "<Project><ItemGroup><PackageReference Include=",
        }),
        opts(),
    );
    assert_eq!(r["ok"], true, "{r}");
    assert!(
        r["diagnostics"].to_string().contains("packages.lock.json"),
        "{r}"
    );
}

#[test]
fn advisories_are_matched_against_the_dependencies() {
    let record = json!({
        "id": "GHSA-5crp-9r3c-p9vr", "modified": "2023-01-01T00:00:00Z",
        "summary": "Improper Handling of Exceptional Conditions in Newtonsoft.Json",
        "affected": [{ "package": { "ecosystem": "NuGet", "name": "Newtonsoft.Json" },
                       "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "13.0.1" }] }] }]
    });
    let csproj = r#"<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /></ItemGroup></Project>"#;
    let files = json!({ "Dockerfile": GOOD, "src/App/App.csproj": csproj });
    let r = scan(
        files.clone(),
        json!({ "today": "2026-01-15", "formats": ["sarif", "cyclonedx"], "advisorySource": "test records", "advisories": [
            record.to_string(),
            { "path": "osv/broken.json", "text": "{ nope" }
        ]}),
    );
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["advisories"]["sources"], 2);
    assert_eq!(r["advisories"]["records"], 1);
    assert_eq!(r["advisories"]["errors"], 1);
    assert_eq!(r["advisories"]["applied"], true);
    assert!(r["diagnostics"].to_string().contains("osv/broken.json"));
    let finding = r["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "GHSA-5crp-9r3c-p9vr"))
        .unwrap_or_else(|| panic!("no advisory finding in {r}"));
    assert_eq!(finding["location"]["path"], "src/App/App.csproj");
    let bom: Value = serde_json::from_str(r["cyclonedx"].as_str().expect("cdx")).expect("json");
    assert_eq!(bom["vulnerabilities"][0]["id"], "GHSA-5crp-9r3c-p9vr");

    // A VEX document marking it not_affected suppresses the finding.
    let vex = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6",
        "vulnerabilities": [{ "id": "GHSA-5crp-9r3c-p9vr",
            "analysis": { "state": "not_affected", "justification": "code_not_reachable" },
            "affects": [{ "ref": "pkg:nuget/Newtonsoft.Json@12.0.1" }] }]
    });
    let v = scan(
        files.clone(),
        json!({ "today": "2026-01-15", "advisories": [record.to_string()],
                "vex": [{ "path": "vex.json", "text": vex.to_string() }] }),
    );
    let f = v["findings"]
        .as_array()
        .and_then(|f| {
            f.iter()
                .find(|f| f["rule"] == "GHSA-5crp-9r3c-p9vr")
                .cloned()
        })
        .unwrap_or_else(|| panic!("no advisory finding in {v}"));
    assert!(f["suppression"].is_object(), "{f}");

    // No advisories: a note says dependencies were not checked; unavailable: a warning.
    let off = scan(files.clone(), json!({ "today": "2026-01-15" }));
    assert!(
        off["diagnostics"].to_string().contains("not checked"),
        "{off}"
    );
    let down = scan(
        files,
        json!({ "today": "2026-01-15", "advisoriesUnavailable": "the OSV API did not answer" }),
    );
    let d = down["diagnostics"].to_string();
    assert!(
        d.contains("NOT checked") && d.contains("the OSV API did not answer"),
        "{d}"
    );
}

#[test]
fn select_files_applies_names_and_excludes() {
    let out = select_files(
        &json!({ "config": "exclude:\n  - vendor/**\n" }).to_string(),
        &json!([
            "Dockerfile",
            "src/main.rs",
            "vendor/Dockerfile",
            "./app/App.csproj",
            "a\\b\\Containerfile",
            "docs/x.Dockerfile"
        ])
        .to_string(),
    );
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(
        v["paths"],
        json!([
            "Dockerfile",
            "a/b/Containerfile",
            "app/App.csproj",
            "docs/x.Dockerfile"
        ])
    );
    let bad: Value = serde_json::from_str(&select_files("{}", "{}")).expect("json");
    assert_eq!(bad["ok"], false);
}

#[test]
fn wants_file_matches_the_walker() {
    assert!(wants_file("Dockerfile"));
    assert!(wants_file("svc/.dockerignore"));
    assert!(wants_file("src/App/App.csproj"));
    assert!(wants_file("Cargo.lock"));
    assert!(!wants_file("README.md"));
    assert_eq!(file_kind("a\\b.Dockerfile"), "dockerfile");
    assert_eq!(file_kind(".dockerignore"), "dockerignore");
    assert_eq!(file_kind("requirements.txt"), "manifest");
    assert_eq!(file_kind("main.py"), "other");
}

#[test]
fn rules_and_version() {
    let rules: Value = serde_json::from_str(&rules_json()).expect("json");
    let list = rules.as_array().expect("array");
    assert_eq!(list.len(), registry::all().len());
    assert!(
        list.iter()
            .all(|r| r["id"].is_string() && r["helpUri"].is_string())
    );
    assert_eq!(version(), engine::TOOL_VERSION);
}

#[test]
fn reproducible_and_random_serials() {
    let o = |serial: Option<&str>| {
        let mut v = json!({ "today": "2026-01-15", "formats": ["cyclonedx"], "sbom": { "timestamp": 1_700_000_000 } });
        if let Some(s) = serial {
            v["sbom"]["serial"] = json!(s);
        }
        v
    };
    let a = scan(json!({ "Dockerfile": GOOD }), o(None));
    let b = scan(json!({ "Dockerfile": GOOD }), o(None));
    assert_eq!(a["cyclonedx"], b["cyclonedx"]);
    let c = scan(
        json!({ "Dockerfile": GOOD }),
        o(Some("00112233445566778899aabbccddeeff")),
    );
    let bom: Value = serde_json::from_str(c["cyclonedx"].as_str().expect("cdx")).expect("json");
    assert!(
        bom["serialNumber"]
            .as_str()
            .is_some_and(|s| s.starts_with("urn:uuid:00112233-4455-4"))
    );
    assert_eq!(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
}
