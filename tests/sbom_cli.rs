//! `portcullis sbom` end to end: runs the built binary over a temporary .NET project with a
//! Dockerfile and checks the written BOM (schema-valid CycloneDX 1.6), determinism with
//! `--reproducible`, `SOURCE_DATE_EPOCH`, the XML format, diagnostics on stderr and exit codes.
//!
//! What the BOM contains depends on the extractors registered in `sbom::extract::all()`; the
//! checks that need an extractor ask that table whether one reads the file, and assert the
//! opposite (no components from it) when none does.
#![allow(clippy::disallowed_methods)]

mod cdx_support;

mod support;
use std::path::Path;
use std::process::{Command, Output};
use support::TempDir;

use cdx_support::{parse_xml, schema_errors};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");

const CSPROJ: &str = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
    <PackageReference Include="Serilog" Version="[3.0,4.0)" />
  </ItemGroup>
</Project>
"#;

const DOCKERFILE: &str = "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\n\
WORKDIR /src\n\
COPY . .\n\
RUN dotnet publish src/App/App.csproj -c Release -o /out\n\
\n\
FROM mcr.microsoft.com/dotnet/aspnet:8.0\n\
LABEL org.opencontainers.image.title=\"Contoso App\" org.opencontainers.image.vendor=Contoso\n\
COPY --from=build /out /app\n\
ENTRYPOINT [\"dotnet\", \"/app/App.dll\"]\n";

/// A .NET project with a Dockerfile; `ignored/` is .gitignored.
fn project(tag: &str) -> TempDir {
    let t = TempDir::new(tag);
    t.write("src/App/App.csproj", CSPROJ);
    t.write("Dockerfile", DOCKERFILE);
    t.write(".gitignore", "ignored/\n");
    t.write(
        "ignored/Old/Old.csproj",
        "<Project><ItemGroup><PackageReference Include=\"Ignored.Package\" Version=\"1.0.0\" /></ItemGroup></Project>\n",
    );
    t
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run portcullis")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}\n{text}", p.display()))
}

fn extractor_reads(path: &str) -> bool {
    portcullis::sbom::extract::all()
        .iter()
        .any(|e| (e.wants)(path))
}

fn components(doc: &Value) -> Vec<Value> {
    doc["components"].as_array().cloned().unwrap_or_default()
}

#[test]
fn writes_a_valid_bom_for_a_dotnet_project_with_a_dockerfile() {
    let t = project("basic");
    let out = t.path().join("out/bom.cdx.json");
    let o = run(&["sbom", s(t.path()), "-o", s(&out), "--reproducible"], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "with -o nothing goes to stdout");
    let doc = read_json(&out);
    let errors = schema_errors(&doc);
    assert!(errors.is_empty(), "{}\n{doc:#}", errors.join("\n"));
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "1970-01-01T00:00:00Z");
    let dir_name = t.path().file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(doc["metadata"]["component"]["name"], dir_name.as_str());
    assert_eq!(
        doc["metadata"]["properties"],
        serde_json::json!([
            { "name": "org.opencontainers.image.title", "value": "Contoso App" },
            { "name": "org.opencontainers.image.vendor", "value": "Contoso" },
        ])
    );

    let comps = components(&doc);
    let locations: Vec<String> = comps
        .iter()
        .flat_map(|c| {
            c["evidence"]["occurrences"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|o| o["location"].as_str().map(str::to_string))
        .collect();
    assert!(
        locations.iter().all(|l| !l.starts_with("ignored/")),
        ".gitignore is respected: {locations:?}"
    );
    assert!(
        !comps.iter().any(|c| c["name"] == "Ignored.Package"),
        ".gitignore is respected"
    );

    let newtonsoft = comps
        .iter()
        .find(|c| c["purl"] == "pkg:nuget/Newtonsoft.Json@13.0.3");
    if extractor_reads("src/App/App.csproj") {
        let c = newtonsoft.unwrap_or_else(|| panic!("Newtonsoft.Json missing:\n{doc:#}"));
        assert_eq!(c["version"], "13.0.3");
        assert!(
            c["evidence"]["occurrences"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!({ "location": "src/App/App.csproj", "line": 3 })),
            "{c:#}"
        );
        let serilog = comps
            .iter()
            .find(|c| c["name"] == "Serilog")
            .unwrap_or_else(|| panic!("Serilog missing:\n{doc:#}"));
        assert!(serilog.get("version").is_none(), "a range is not a version");
        assert_eq!(serilog["purl"], "pkg:nuget/Serilog");
        let deps = doc["dependencies"].as_array().unwrap();
        let project = deps
            .iter()
            .find(|d| d["ref"] == "project:src/App/App.csproj")
            .unwrap_or_else(|| panic!("project node missing:\n{doc:#}"));
        assert!(
            project["dependsOn"]
                .as_array()
                .is_some_and(|d| d.iter().any(|r| r == c["bom-ref"].as_str().unwrap())),
            "{project}"
        );
    } else {
        assert!(newtonsoft.is_none());
        assert!(
            locations.iter().all(|l| l != "src/App/App.csproj"),
            "no extractor reads .csproj files yet: {locations:?}"
        );
    }
    let aspnet = comps.iter().find(|c| {
        c["name"]
            .as_str()
            .is_some_and(|n| n.ends_with("dotnet/aspnet"))
    });
    if extractor_reads("Dockerfile") {
        let c = aspnet.unwrap_or_else(|| panic!("base image missing:\n{doc:#}"));
        assert_eq!(c["type"], "container");
        assert!(
            c["purl"]
                .as_str()
                .is_some_and(|p| p.starts_with("pkg:docker/dotnet/aspnet")),
            "{c:#}"
        );
    } else {
        assert!(aspnet.is_none());
    }
}

#[test]
fn lock_files_ignored_by_name_are_read_but_ignored_directories_are_not() {
    // Repositories commit lock files their .gitignore names (git ignores patterns for tracked
    // files); directories such as bin/ stay skipped.
    let t = TempDir::new("ignored-lock");
    t.write(".gitignore", "paket.lock\n*.lock.json\nbin/\n");
    t.write(
        "paket.lock",
        "NUGET\n  remote: https://api.nuget.org/v3/index.json\n    FSharp.Core (8.0.200)\n",
    );
    t.write(
        "src/App/packages.lock.json",
        r#"{"version":1,"dependencies":{"net8.0":{"Serilog":{"type":"Direct","requested":"[3.1.1, )","resolved":"3.1.1"}}}}"#,
    );
    t.write(
        "bin/paket.lock",
        "NUGET\n  remote: https://api.nuget.org/v3/index.json\n    Stale.Package (1.0.0)\n",
    );
    let out = t.path().join("bom.cdx.json");
    let o = run(&["sbom", s(t.path()), "-o", s(&out), "--reproducible"], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let purls: Vec<String> = components(&read_json(&out))
        .iter()
        .filter_map(|c| c["purl"].as_str().map(str::to_string))
        .collect();
    for (file, purl) in [
        ("paket.lock", "pkg:nuget/FSharp.Core@8.0.200"),
        ("src/App/packages.lock.json", "pkg:nuget/Serilog@3.1.1"),
    ] {
        if extractor_reads(file) {
            assert!(
                purls.iter().any(|p| p == purl),
                "{purl} from {file}: {purls:?}"
            );
        }
    }
    assert!(
        !purls.iter().any(|p| p.contains("Stale.Package")),
        "bin/ is ignored: {purls:?}"
    );
}

#[test]
fn reproducible_output_is_byte_identical() {
    let t = project("repro");
    let a = t.path().join("a.json");
    let b = t.path().join("b.json");
    for out in [&a, &b] {
        let o = run(&["sbom", s(t.path()), "-o", s(out), "--reproducible"], &[]);
        assert_eq!(o.status.code(), Some(0));
    }
    let a_bytes = std::fs::read(&a).unwrap();
    assert_eq!(a_bytes, std::fs::read(&b).unwrap());
    // Without --reproducible the serial number is random (the timestamp may also differ).
    let c = t.path().join("c.json");
    let d = t.path().join("d.json");
    for out in [&c, &d] {
        let o = run(&["sbom", s(t.path()), "-o", s(out)], &[]);
        assert_eq!(o.status.code(), Some(0));
    }
    let (c, d) = (read_json(&c), read_json(&d));
    assert_ne!(c["serialNumber"], d["serialNumber"]);
    let serial = c["serialNumber"].as_str().unwrap();
    assert_eq!(
        serial.as_bytes()[23],
        b'4',
        "random serials are UUIDv4: {serial}"
    );
    assert!(schema_errors(&c).is_empty());
}

#[test]
fn source_date_epoch_sets_the_timestamp() {
    let t = project("epoch");
    let out = t.path().join("bom.json");
    let o = run(
        &["sbom", s(t.path()), "-o", s(&out), "--reproducible"],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        read_json(&out)["metadata"]["timestamp"],
        "2023-11-14T22:13:20Z"
    );
    let o = run(
        &["sbom", s(t.path()), "-o", s(&out)],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        read_json(&out)["metadata"]["timestamp"],
        "2023-11-14T22:13:20Z"
    );
    let o = run(
        &["sbom", s(t.path()), "--reproducible"],
        &[("SOURCE_DATE_EPOCH", "yesterday")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn xml_format_and_stdout() {
    let t = project("xml");
    let o = run(
        &[
            "sbom",
            s(t.path()),
            "--format",
            "cyclonedx-xml",
            "--reproducible",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let xml = String::from_utf8(o.stdout).expect("UTF-8 XML");
    let root = parse_xml(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    assert_eq!(root.name, "bom");
    assert_eq!(root.attrs["xmlns"], "http://cyclonedx.org/schema/bom/1.6");
    assert!(root.attrs["serialNumber"].starts_with("urn:uuid:"));
    let meta = root.child("metadata").expect("metadata");
    assert_eq!(
        meta.child("timestamp").unwrap().text,
        "1970-01-01T00:00:00Z"
    );
    assert!(root.child("dependencies").is_some());
    // JSON on stdout by default.
    let o = run(&["sbom", s(t.path()), "--reproducible"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(doc["bomFormat"], "CycloneDX");
}

#[test]
fn exit_codes_and_diagnostics() {
    let t = project("exit");
    // A path that does not exist: IO error → 2, said on stderr, BOM still written.
    let missing = t.path().join("missing");
    let out = t.path().join("bom.json");
    let o = run(&["sbom", s(&missing), "-o", s(&out)], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file or directory"));
    assert!(out.exists());
    // Usage errors → 2.
    let o = run(&["sbom", "--format", "spdx"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["sbom", "--no-such-flag"], &[]);
    assert_eq!(o.status.code(), Some(2));
    // An explicitly named file no extractor reads is noted, not an error.
    t.write("notes.txt", "hello\n");
    let o = run(&["sbom", s(&t.path().join("notes.txt"))], &[]);
    assert_eq!(o.status.code(), Some(0));
    if !extractor_reads("notes.txt") {
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("notes.txt: note: no SBOM extractor"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // A malformed manifest: a diagnostic with file:line on stderr, exit 0.
    t.write(
        "src/Broken/Broken.csproj",
        "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Version=\"1.0.0\"\n",
    );
    let o = run(&["sbom", s(t.path()), "-o", s(&out)], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    if extractor_reads("src/Broken/Broken.csproj") {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("src/Broken/Broken.csproj:")
                    && l.split(':')
                        .nth(1)
                        .is_some_and(|n| n.parse::<usize>().is_ok())),
            "diagnostic with file:line expected:\n{stderr}"
        );
    } else {
        assert!(!stderr.contains("Broken.csproj"), "{stderr}");
    }
    assert!(schema_errors(&read_json(&out)).is_empty());
}

#[test]
fn unreadable_manifests_fail_sbom_but_not_scan() {
    let t = TempDir::new("small");
    t.write("src/App/App.csproj", CSPROJ);
    let sbom = run(
        &["sbom", s(t.path()), "--max-file-size", "10", "--no-config"],
        &[],
    );
    let scan = run(
        &["scan", s(t.path()), "--max-file-size", "10", "--no-config"],
        &[],
    );
    if extractor_reads("src/App/App.csproj") {
        assert_eq!(sbom.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&sbom.stderr)
                .contains("src/App/App.csproj: warning: file is larger"),
            "{}",
            String::from_utf8_lossy(&sbom.stderr)
        );
    } else {
        assert_eq!(sbom.status.code(), Some(0));
    }
    // `scan` lints Dockerfiles; a manifest it cannot read never makes it fail.
    assert_eq!(
        scan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    // A Dockerfile over the limit is an error for both.
    t.write("Dockerfile", DOCKERFILE);
    let sbom = run(
        &["sbom", s(t.path()), "--max-file-size", "10", "--no-config"],
        &[],
    );
    assert_eq!(sbom.status.code(), Some(2));
}

/// Every fixture of the repository (malformed ones included) goes into one schema-valid BOM.
#[test]
fn bom_over_all_fixtures_is_valid() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = TempDir::new("fixtures");
    for (format, name) in [("cyclonedx-json", "bom.json"), ("cyclonedx-xml", "bom.xml")] {
        let out = t.path().join(name);
        let o = run(
            &[
                "sbom",
                s(&fixtures),
                "--reproducible",
                "-f",
                format,
                "-o",
                s(&out),
            ],
            &[],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        if format == "cyclonedx-json" {
            let doc = read_json(&out);
            let errors = schema_errors(&doc);
            assert!(errors.is_empty(), "{}", errors.join("\n"));
            let refs: Vec<String> = components(&doc)
                .iter()
                .filter_map(|c| c["bom-ref"].as_str().map(str::to_string))
                .collect();
            let mut unique = refs.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), refs.len(), "bom-refs are unique");
            for d in doc["dependencies"].as_array().unwrap() {
                for to in d["dependsOn"].as_array().cloned().unwrap_or_default() {
                    let to = to.as_str().unwrap().to_string();
                    assert!(unique.contains(&to), "dangling dependency {to}");
                }
            }
        } else {
            let xml = std::fs::read_to_string(&out).unwrap();
            parse_xml(&xml).unwrap_or_else(|e| panic!("XML not well-formed: {e}"));
        }
    }
}
