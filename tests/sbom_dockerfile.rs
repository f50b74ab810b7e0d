//! SBOM components from Dockerfiles: one reviewed snapshot per fixture
//! (`tests/fixtures/sbom/dockerfile/<case>/Dockerfile`), routing through the extractor registry,
//! invariants, and a property test that any text extracts without panicking.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use portcullis::SourceFile;
use portcullis::sbom::extract::{ExtractContext, all};
use portcullis::sbom::{Component, Extracted, VersionSpec};
use proptest::prelude::*;

fn extract(path: &str, text: &str) -> Extracted {
    let file = SourceFile::new(path, text);
    let files: BTreeMap<String, &SourceFile> = [(file.path.clone(), &file)].into_iter().collect();
    let cx = ExtractContext::new(&files);
    let ex = all()
        .iter()
        .find(|e| (e.wants)(&file.path))
        .expect("an extractor wants Dockerfiles");
    assert_eq!(ex.name, "dockerfile");
    (ex.extract)(&file, &cx)
}

fn version(v: &VersionSpec) -> String {
    match v {
        VersionSpec::Exact(x) => format!("exact {x}"),
        VersionSpec::Range(x) => format!("range {x}"),
        VersionSpec::Floating(x) => format!("floating {x}"),
        VersionSpec::Unpinned => "unpinned".to_string(),
    }
}

fn render_component(out: &mut String, text: &str, c: &Component) {
    let ty = serde_json::to_value(c.component_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let eco = serde_json::to_value(c.ecosystem)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{eco} {ty} `{}` {} ({:?}{})",
        c.full_name(),
        version(&c.version),
        c.scope,
        if c.direct { "" } else { ", transitive" }
    );
    for e in &c.evidence {
        let _ = writeln!(out, "  evidence: L{} `{}`", e.line, e.span.slice(text));
    }
    if let Some(u) = &c.url {
        let _ = writeln!(out, "  url: {u}");
    }
    for (alg, hex) in &c.hashes {
        let _ = writeln!(out, "  hash: {alg} {hex}");
    }
    let props: Vec<String> = c
        .properties
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(out, "  properties: {}", props.join(", "));
}

fn render(text: &str, x: &Extracted) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# components ({})", x.components.len());
    for c in &x.components {
        render_component(&mut out, text, c);
    }
    if !x.metadata.is_empty() {
        let _ = writeln!(out, "# metadata");
        for (k, v) in &x.metadata {
            let _ = writeln!(out, "{k} = {v}");
        }
    }
    if !x.diagnostics.is_empty() {
        let _ = writeln!(out, "# diagnostics");
        for d in &x.diagnostics {
            let _ = writeln!(out, "{:?} L{}: {}", d.severity, d.line, d.message);
        }
    }
    out
}

/// Evidence is well-formed: spans on char boundaries inside the text, lines match spans, one
/// component per identity (with the URL of files and images and the distro of OS packages),
/// sorted evidence.
fn check_invariants(text: &str, x: &Extracted) {
    let line_of = |offset: usize| text.get(..offset).map(|p| p.matches('\n').count() + 1);
    let mut keys = Vec::new();
    for c in &x.components {
        assert!(!c.name.is_empty(), "empty name: {c:?}");
        assert!(!c.evidence.is_empty(), "no evidence: {c:?}");
        for e in &c.evidence {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "{e:?}"
            );
            assert!(text.get(e.span.start..e.span.end).is_some(), "{e:?}");
            assert_eq!(Some(e.line), line_of(e.span.start), "{e:?}");
        }
        assert!(c.evidence.windows(2).all(|w| w[0] < w[1]));
        // OS packages of different distribution releases are different components.
        keys.push((c.key(), c.url.clone(), c.properties.get("distro").cloned()));
    }
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "duplicate components");
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sbom/dockerfile");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "found {} fixtures", cases.len());
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(case.join("Dockerfile")).expect("Dockerfile");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let x = extract(&format!("{name}/Dockerfile"), &text);
        check_invariants(&text, &x);
        assert_eq!(
            x,
            extract(&format!("{name}/Dockerfile"), &text),
            "deterministic"
        );
        insta::assert_snapshot!(name.clone(), render(&text, &x));
    }
}

fn find<'x>(x: &'x Extracted, name: &str) -> &'x Component {
    x.components
        .iter()
        .find(|c| c.full_name() == name)
        .unwrap_or_else(|| panic!("no component {name} in {:#?}", x.components))
}

#[test]
fn verified_download_gets_hash_only_when_checked() {
    let sha = "545ea538461003efdc8c81c244531b003f6f26cfccf6c0073b3239fdedf49446";
    let df = format!(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nENV NODE_SHA256={sha}\nRUN iwr https://nodejs.org/dist/v22.11.0/node-v22.11.0-win-x64.zip -OutFile node.zip; `\n    if ((Get-FileHash node.zip).Hash -ne $env:NODE_SHA256) {{ throw 'bad' }}; `\n    iwr https://example.com/other.zip -OutFile other.zip; `\n    Write-Host $env:NODE_SHA256\n"
    );
    let x = extract("Dockerfile", &df);
    let node = find(&x, "node-v22.11.0-win-x64.zip");
    assert_eq!(node.hashes, vec![("SHA-256".to_string(), sha.to_string())]);
    assert_eq!(
        node.properties.get("verified").map(String::as_str),
        Some("true")
    );
    let other = find(&x, "other.zip");
    assert!(other.hashes.is_empty());
    assert_eq!(
        other.properties.get("verified").map(String::as_str),
        Some("false")
    );
}

#[test]
fn a_hash_in_env_without_a_check_is_not_verification() {
    let x = extract(
        "Dockerfile",
        "FROM alpine:3.20\nENV SHA=209fecf03369b4fdb35f1ad8e5e55a57364e6947c51d4b6c134a62e7bcff7406\nRUN curl -fsSLo /tini https://github.com/krallin/tini/releases/download/v0.19.0/tini && echo \"$SHA  /tini\"\n",
    );
    let tini = find(&x, "tini");
    assert!(tini.hashes.is_empty());
}

#[test]
fn scopes_follow_stage_roles() {
    let x = extract(
        "Dockerfile",
        "FROM alpine:3.20 AS unused\nRUN apk add gcc\nFROM alpine:3.20 AS build\nRUN apk add make\nFROM alpine:3.20\nCOPY --from=build /x /x\nRUN apk add curl\n",
    );
    let role = |n: &str| {
        let c = find(&x, n);
        (
            c.scope,
            c.properties.get("stageRole").cloned().unwrap_or_default(),
        )
    };
    use portcullis::sbom::Scope;
    assert_eq!(role("gcc"), (Scope::Optional, "unused".to_string()));
    assert_eq!(role("make"), (Scope::Required, "build".to_string()));
    assert_eq!(role("curl"), (Scope::Required, "final".to_string()));
    // The same image in three stages is one component with merged evidence and stages.
    let alpine = find(&x, "library/alpine");
    assert_eq!(alpine.evidence.len(), 3);
    assert_eq!(alpine.scope, Scope::Required);
    assert_eq!(
        alpine.properties.get("stage").map(String::as_str),
        Some("unused,build,2")
    );
}

#[test]
fn os_package_purls_carry_the_distro_the_base_image_names() {
    use portcullis::sbom::purl::for_component;
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sbom/dockerfile/linux-distro-qualifier/Dockerfile"),
    )
    .expect("fixture");
    let x = extract("Dockerfile", &text);
    let mut purls: Vec<(String, String)> = x
        .components
        .iter()
        .filter(|c| c.properties.contains_key("installer"))
        .filter_map(|c| {
            let stage = c.properties.get("stage").cloned().unwrap_or_default();
            for_component(c).map(|p| (stage, p.to_string()))
        })
        .collect();
    purls.sort();
    let want: Vec<(String, String)> = [
        ("child", "pkg:deb/debian/jq?distro=debian-12"),
        ("debian", "pkg:deb/debian/curl?distro=debian-12"),
        ("moving", "pkg:deb/debian/wget"),
        ("node", "pkg:apk/alpine/git@2.45.2-r0?distro=alpine-3.20"),
        (
            "py",
            "pkg:deb/debian/libpq5@15.8-0%2Bdeb12u1?distro=debian-12",
        ),
        ("py-untold", "pkg:deb/debian/libpq5@15.8-0%2Bdeb12u1"),
        ("rpm", "pkg:rpm/fedora/jq?distro=fedora-40"),
        (
            "ubuntu",
            "pkg:deb/ubuntu/ca-certificates?distro=ubuntu-22.04",
        ),
        ("ubuntu", "pkg:deb/ubuntu/curl?distro=ubuntu-22.04"),
        ("wrong-tool", "pkg:deb/debian/make"),
    ]
    .iter()
    .map(|(s, p)| (s.to_string(), p.to_string()))
    .collect();
    assert_eq!(purls, want);
}

#[test]
fn routing_uses_the_dockerfile_naming_rule() {
    let wants = |p: &str| all().iter().any(|e| e.name == "dockerfile" && (e.wants)(p));
    assert!(wants("Dockerfile"));
    assert!(wants("svc/Dockerfile.windows"));
    assert!(wants("svc/api.Containerfile"));
    assert!(!wants("svc/Dockerfile.dockerignore"));
    assert!(!wants("svc/package.json"));
}

const FRAGMENTS: &[&str] = &[
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS a\n",
    "FROM ${BASE}\n",
    "FROM a\n",
    "ARG V=1.2\n",
    "ENV X=${V} Y=$X\n",
    "SHELL [\"powershell\", \"-Command\"]\n",
    "SHELL [\"cmd\", \"/S\", \"/C\"]\n",
    "RUN choco install -y git --version $env:V\n",
    "RUN Install-Module -Name A,B -MinimumVersion $env:V\n",
    "RUN $u = ('https://x/{0}/a.zip' -f $env:V); iwr $u -OutFile a.zip; if ((Get-FileHash a.zip).Hash -ne $env:X) { throw }\n",
    "RUN (New-Object Net.WebClient).DownloadFile(('{0}' -f (('(' -f $x))), 'b')\n",
    "RUN apt-get install -y curl=${V} $X \"a b\" 'c=d'\n",
    "RUN echo \"$X  f\" | sha256sum -c - && curl -o f https://x/f\n",
    "RUN pip install 'a[b]>=1' c==2 -r r.txt\n",
    "RUN npm i -g @s/p@1.2.3 q@latest\n",
    "ADD --checksum=sha256:00 https://x/${V}/y.tgz /y/\n",
    "COPY --from=busybox:1.37 /bin/sh /sh\n",
    "LABEL org.opencontainers.image.version=$V\n",
    "RUN x=`y` && curl $x\n",
    "# escape=`\n",
    "RUN go install a/b@v1 && gem install c:1 && cargo install d@1\n",
    "\\\n",
    "`\n",
    "\"\n",
    "'\n",
    "(\n",
    "$(\n",
    "%X%\n",
    "\u{e9}\u{1F600}\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_extracts_without_panic(text in "(?s).{0,400}") {
        let x = extract("Dockerfile", &text);
        check_invariants(&text, &x);
    }

    #[test]
    fn dockerfile_like_text_extracts_without_panic(
        parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..24),
        cut in 0usize..2000,
    ) {
        let text: String = parts.concat();
        // Also cut the text at an arbitrary char boundary.
        let mut end = cut.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for t in [text.as_str(), &text[..end]] {
            let x = extract("Dockerfile", t);
            check_invariants(t, &x);
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!(
        "FROM x\nSHELL [\"powershell\", \"-Command\"]\nRUN $u = {}'a'{}; iwr $u\nRUN echo {}\n",
        "(".repeat(5000),
        ")".repeat(5000),
        "$(".repeat(5000)
    );
    let x = extract("Dockerfile", &deep);
    check_invariants(&deep, &x);
}
