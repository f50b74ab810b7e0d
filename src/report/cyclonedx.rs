//! CycloneDX 1.6 writer (JSON and XML) for an assembled [`Sbom`].
//!
//! Own small serde model rather than the `cyclonedx-bom` crate: that crate writes CycloneDX
//! 1.3–1.5 only and needs `uuid` with its `js` feature to build for wasm32; the subset written
//! here is small and validated against the official 1.6 JSON schema in the test suite.
//!
//! What is written:
//!
//! * `metadata`: `timestamp`, `tools.components` (Portcullis), `component` (the scanned root,
//!   bom-ref [`ROOT_REF`]) and `properties` with the OCI labels
//!   (`org.opencontainers.image.*`) of the scanned Dockerfiles' final images. A manifest's
//!   component carries its extractors' file-level metadata as properties.
//! * `components`: one `application` per manifest / Dockerfile (bom-ref `project:<path>`) and
//!   every package. A package's `version` is its exact version (or an image tag); ranges,
//!   floating versions and unpinned installs have no `version`, their spec goes into the
//!   property `portcullis:versionRange` and `portcullis:pinned` is `false` (also for images
//!   referenced by tag only) unless the extractor set `pinned` itself. `hashes` use the CycloneDX algorithm names; `evidence.occurrences`
//!   give path and 1-based line; extractor properties are written as `portcullis:<name>`.
//! * `dependencies`: root → manifests → direct packages → transitive packages.
//! * `vulnerabilities`: from [`VulnerabilityEntry`] values given by the caller (VEX analysis
//!   included).
//!
//! The core never reads the clock or a random source: the timestamp and the serial number
//! come in through [`CycloneDxOptions`]. With [`SerialNumber::Reproducible`] the serial number
//! is a name-based UUID (RFC 9562 version 8, SHA-256) of the JSON document rendered without a
//! serial number, so equal inputs give byte-identical BOMs and the JSON and XML renderings of
//! one SBOM share their serial number. Lists are sorted (components and dependencies by
//! bom-ref), so output never depends on input order.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{INFORMATION_URI, TOOL_NAME, to_pretty_json};
use crate::sbom::assemble::{
    OCI_LABEL_PREFIX, PROJECT_REF_PREFIX, Project, ROOT_REF, Sbom, SbomComponent,
};
use crate::sbom::model::{ComponentType, Ecosystem, Scope, VersionSpec};
use crate::source::Date;

/// The CycloneDX version written.
pub const SPEC_VERSION: &str = "1.6";
/// XML namespace of CycloneDX 1.6.
pub const XML_NAMESPACE: &str = "http://cyclonedx.org/schema/bom/1.6";
/// Prefix of Portcullis' own property names.
pub const PROPERTY_PREFIX: &str = "portcullis:";
/// Namespace UUID of reproducible serial numbers (hashed in front of the content).
const SERIAL_NAMESPACE: [u8; 16] = [
    0x6f, 0x1c, 0x2b, 0x0e, 0x5d, 0x3a, 0x4c, 0x8f, 0x9e, 0x27, 0x41, 0x6b, 0xd0, 0x55, 0x13, 0xa9,
];
/// Longest version string the 1.6 schema accepts.
const MAX_VERSION_CHARS: usize = 1024;

/// How the BOM's serial number is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialNumber {
    /// Random bytes from the caller, written as a version-4 UUID.
    Random([u8; 16]),
    /// Derived from the content: a SHA-256 name-based UUID (version 8).
    Reproducible,
}

/// Writer options. Build with [`CycloneDxOptions::new`].
#[derive(Debug, Clone)]
pub struct CycloneDxOptions<'a> {
    pub serial: SerialNumber,
    /// `metadata.timestamp` as seconds since 1970-01-01T00:00:00Z (clamped to years 1970–9999).
    pub timestamp: i64,
    /// Portcullis version for `metadata.tools`.
    pub tool_version: &'a str,
    /// The `vulnerabilities` section (empty: omitted).
    pub vulnerabilities: &'a [VulnerabilityEntry],
}

impl<'a> CycloneDxOptions<'a> {
    pub fn new(serial: SerialNumber, timestamp: i64, tool_version: &'a str) -> Self {
        Self {
            serial,
            timestamp,
            tool_version,
            vulnerabilities: &[],
        }
    }
}

/// One vulnerability for the `vulnerabilities` section (filled by the SCA step).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VulnerabilityEntry {
    /// `GHSA-…`, `CVE-…`, `PYSEC-…`.
    pub id: String,
    pub source: Option<VulnSource>,
    /// Equivalent ids in other databases (aliases).
    pub references: Vec<VulnReference>,
    pub ratings: Vec<Rating>,
    /// CWE numbers (`79` for CWE-79); zero is dropped.
    pub cwes: Vec<u32>,
    pub description: Option<String>,
    pub detail: Option<String>,
    pub recommendation: Option<String>,
    /// Advisory URLs.
    pub advisories: Vec<Advisory>,
    /// RFC 3339 timestamps; values that are not `YYYY-MM-DDTHH:MM:SS…` are left out.
    pub published: Option<String>,
    pub updated: Option<String>,
    /// bom-refs of the affected components (with optional version information).
    pub affects: Vec<Affect>,
    /// VEX analysis.
    pub analysis: Option<Analysis>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VulnSource {
    pub name: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnReference {
    pub id: String,
    pub source: VulnSource,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rating {
    pub source: Option<VulnSource>,
    /// Numeric score; NaN and infinities are dropped.
    pub score: Option<f64>,
    pub severity: Option<RatingSeverity>,
    pub method: Option<ScoreMethod>,
    /// CVSS vector string.
    pub vector: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RatingSeverity {
    Critical,
    High,
    Medium,
    Low,
    Info,
    None,
    Unknown,
}

impl RatingSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Info => "info",
            Self::None => "none",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScoreMethod {
    CvssV2,
    CvssV3,
    CvssV31,
    CvssV4,
    Owasp,
    Ssvc,
    Other,
}

impl ScoreMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CvssV2 => "CVSSv2",
            Self::CvssV3 => "CVSSv3",
            Self::CvssV31 => "CVSSv31",
            Self::CvssV4 => "CVSSv4",
            Self::Owasp => "OWASP",
            Self::Ssvc => "SSVC",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advisory {
    pub title: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affect {
    /// bom-ref of the affected component.
    pub bom_ref: String,
    pub versions: Vec<AffectedVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedVersion {
    pub version: AffectedVersionSpec,
    pub status: AffectedStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AffectedVersionSpec {
    Version(String),
    /// A `vers:` range (`vers:nuget/>=1.0.0|<1.2.3`).
    Range(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffectedStatus {
    Affected,
    Unaffected,
    Unknown,
}

impl AffectedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Affected => "affected",
            Self::Unaffected => "unaffected",
            Self::Unknown => "unknown",
        }
    }
}

/// VEX analysis of one vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub state: AnalysisState,
    pub justification: Option<Justification>,
    pub responses: Vec<AnalysisResponse>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisState {
    Resolved,
    ResolvedWithPedigree,
    Exploitable,
    InTriage,
    FalsePositive,
    NotAffected,
}

impl AnalysisState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resolved => "resolved",
            Self::ResolvedWithPedigree => "resolved_with_pedigree",
            Self::Exploitable => "exploitable",
            Self::InTriage => "in_triage",
            Self::FalsePositive => "false_positive",
            Self::NotAffected => "not_affected",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Justification {
    CodeNotPresent,
    CodeNotReachable,
    RequiresConfiguration,
    RequiresDependency,
    RequiresEnvironment,
    ProtectedByCompiler,
    ProtectedAtRuntime,
    ProtectedAtPerimeter,
    ProtectedByMitigatingControl,
}

impl Justification {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CodeNotPresent => "code_not_present",
            Self::CodeNotReachable => "code_not_reachable",
            Self::RequiresConfiguration => "requires_configuration",
            Self::RequiresDependency => "requires_dependency",
            Self::RequiresEnvironment => "requires_environment",
            Self::ProtectedByCompiler => "protected_by_compiler",
            Self::ProtectedAtRuntime => "protected_at_runtime",
            Self::ProtectedAtPerimeter => "protected_at_perimeter",
            Self::ProtectedByMitigatingControl => "protected_by_mitigating_control",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnalysisResponse {
    CanNotFix,
    WillNotFix,
    Update,
    Rollback,
    WorkaroundAvailable,
}

impl AnalysisResponse {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CanNotFix => "can_not_fix",
            Self::WillNotFix => "will_not_fix",
            Self::Update => "update",
            Self::Rollback => "rollback",
            Self::WorkaroundAvailable => "workaround_available",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Document model (shared by the JSON and XML renderings)

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: Metadata,
    components: Vec<Comp>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vuln>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    component: Comp,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Comp>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Comp {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
struct ExternalReference {
    url: String,
    #[serde(rename = "type")]
    ty: &'static str,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Property {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct Evidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Occurrence {
    location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Vuln {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<JsonRating>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cwes: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<JsonAdvisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<JsonAnalysis>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affects: Vec<JsonAffect>,
}

#[derive(Serialize, Clone)]
struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct JsonRating {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct JsonAdvisory {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct JsonAnalysis {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    response: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct JsonAffect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<JsonAffectedVersion>,
}

#[derive(Serialize)]
struct JsonAffectedVersion {
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<String>,
    status: &'static str,
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/// Renders the SBOM as CycloneDX 1.6 JSON (pretty-printed, trailing newline).
pub fn render_json(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> String {
    to_pretty_json(&document(sbom, opts))
}

/// Renders the SBOM as CycloneDX 1.6 XML.
pub fn render_xml(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> String {
    xml::render(&document(sbom, opts))
}

/// The `urn:uuid:…` serial number the renderers write for these inputs.
pub fn serial_number(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> String {
    document(sbom, opts).serial_number.unwrap_or_default()
}

/// RFC 3339 UTC timestamp (`1970-01-01T00:00:00Z`) of Unix seconds, clamped to 1970–9999.
pub fn format_timestamp(secs: i64) -> String {
    let secs = secs.clamp(0, 253_402_300_799);
    let date = Date::from_days_since_epoch(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// Formats 16 bytes as a UUID string after setting its version nibble and RFC 9562 variant.
pub fn format_uuid(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn document(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> Bom {
    let mut bom = Bom {
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: None,
        version: 1,
        metadata: metadata(sbom, opts),
        components: components(sbom),
        dependencies: dependencies(sbom),
        vulnerabilities: opts.vulnerabilities.iter().map(vulnerability).collect(),
    };
    let uuid = match opts.serial {
        SerialNumber::Random(bytes) => format_uuid(bytes, 4),
        SerialNumber::Reproducible => {
            let content = to_pretty_json(&bom);
            let mut h = Sha256::new();
            h.update(SERIAL_NAMESPACE);
            h.update(content.as_bytes());
            let digest = h.finalize();
            let mut bytes = [0u8; 16];
            for (b, d) in bytes.iter_mut().zip(digest.iter()) {
                *b = *d;
            }
            format_uuid(bytes, 8)
        }
    };
    bom.serial_number = Some(format!("urn:uuid:{uuid}"));
    bom
}

fn metadata(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> Metadata {
    let tool = Comp {
        ty: "application",
        group: None,
        name: TOOL_NAME.to_string(),
        version: Some(opts.tool_version.to_string()),
        external_references: vec![ExternalReference {
            url: INFORMATION_URI.to_string(),
            ty: "website",
        }],
        ..Comp::default()
    };
    let root_name = if sbom.root_name.trim().is_empty() {
        "project".to_string()
    } else {
        sbom.root_name.clone()
    };
    let root = Comp {
        ty: "application",
        bom_ref: Some(ROOT_REF.to_string()),
        name: root_name,
        ..Comp::default()
    };
    let mut properties: Vec<Property> = sbom
        .root_properties
        .iter()
        .flat_map(|(k, vs)| {
            vs.iter().map(move |v| Property {
                name: k.clone(),
                value: v.clone(),
            })
        })
        .collect();
    properties.sort();
    Metadata {
        timestamp: format_timestamp(opts.timestamp),
        tools: Tools {
            components: vec![tool],
        },
        component: root,
        properties,
    }
}

fn components(sbom: &Sbom) -> Vec<Comp> {
    let mut out: Vec<Comp> = sbom.projects.iter().map(project).collect();
    out.extend(sbom.components.iter().map(component));
    out.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    out
}

fn project(p: &Project) -> Comp {
    let mut properties: Vec<Property> = p
        .extractors
        .iter()
        .map(|e| prop("extractor", e))
        .chain(p.metadata.iter().map(|(k, v)| {
            if k.starts_with(OCI_LABEL_PREFIX) || k.starts_with(PROPERTY_PREFIX) {
                Property {
                    name: k.clone(),
                    value: v.clone(),
                }
            } else {
                prop(k, v)
            }
        }))
        .collect();
    properties.sort();
    properties.dedup();
    Comp {
        ty: "application",
        bom_ref: Some(p.bom_ref.clone()),
        name: non_empty(&p.path, "(unnamed manifest)"),
        properties,
        evidence: Some(Evidence {
            occurrences: vec![Occurrence {
                location: p.path.clone(),
                line: None,
            }],
        }),
        ..Comp::default()
    }
}

fn prop(name: &str, value: &str) -> Property {
    Property {
        name: format!("{PROPERTY_PREFIX}{name}"),
        value: value.to_string(),
    }
}

fn non_empty(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s.to_string()
    }
}

fn component_type(t: ComponentType) -> &'static str {
    match t {
        ComponentType::Library => "library",
        ComponentType::Application => "application",
        ComponentType::Framework => "framework",
        ComponentType::Container => "container",
        ComponentType::File => "file",
        ComponentType::Platform => "platform",
    }
}

fn ecosystem_name(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::NuGet => "nuget",
        Ecosystem::Cargo => "cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::Go => "go",
        Ecosystem::RubyGems => "rubygems",
        Ecosystem::Debian => "debian",
        Ecosystem::Alpine => "alpine",
        Ecosystem::Rpm => "rpm",
        Ecosystem::Chocolatey => "chocolatey",
        Ecosystem::PowerShellGallery => "powershell-gallery",
        Ecosystem::DotnetSdk => "dotnet-sdk",
        Ecosystem::Container => "container",
        Ecosystem::File => "file",
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn component(sc: &SbomComponent) -> Comp {
    let c = &sc.component;
    let mut properties = vec![
        prop("ecosystem", ecosystem_name(c.ecosystem)),
        prop("direct", if c.direct { "true" } else { "false" }),
    ];
    let is_image = c.ecosystem == Ecosystem::Container;
    let pinned_by_digest = is_image
        && sc
            .purl
            .as_deref()
            .is_some_and(|p| p.starts_with("pkg:oci/"));
    let version = match &c.version {
        VersionSpec::Exact(v) => Some(v.as_str()),
        // An image tag is the image's version as written.
        VersionSpec::Floating(v) if is_image => Some(v.as_str()),
        VersionSpec::Range(r) | VersionSpec::Floating(r) => {
            properties.push(prop("versionRange", r));
            None
        }
        VersionSpec::Unpinned => None,
    }
    .map(str::trim)
    .filter(|v| !v.is_empty())
    .map(|v| truncate_chars(v, MAX_VERSION_CHARS));
    let pinned = if is_image {
        pinned_by_digest
    } else {
        matches!(c.version, VersionSpec::Exact(_))
    };
    // An extractor that knows better (`unknown` for a version from an unset variable) has
    // its own `pinned` property.
    if !pinned && !sc.properties.contains_key("pinned") {
        properties.push(prop("pinned", "false"));
    }
    for (k, values) in &sc.properties {
        for v in values {
            properties.push(prop(k, v));
        }
    }
    let mut hashes = Vec::new();
    for (alg, content) in &c.hashes {
        match hash(alg, content) {
            Some(h) => hashes.push(h),
            None => properties.push(prop("unrecognizedHash", &format!("{alg}:{content}"))),
        }
    }
    hashes.sort();
    hashes.dedup();
    properties.sort();
    properties.dedup();
    let external_references = c
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| {
            vec![ExternalReference {
                url: iri_escape(u),
                ty: "distribution",
            }]
        })
        .unwrap_or_default();
    let mut occurrences: Vec<Occurrence> = c
        .evidence
        .iter()
        .map(|e| Occurrence {
            location: e.path.clone(),
            line: (e.line > 0).then_some(e.line),
        })
        .collect();
    occurrences.sort();
    occurrences.dedup();
    let name = if c.name.trim().is_empty() {
        crate::sbom::purl::for_component(c)
            .map(|p| p.name().to_string())
            .unwrap_or_else(|| "(unnamed)".to_string())
    } else {
        c.name.clone()
    };
    Comp {
        ty: component_type(c.component_type),
        bom_ref: Some(sc.bom_ref.clone()),
        group: c
            .namespace
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        name,
        version,
        scope: Some(match c.scope {
            Scope::Required => "required",
            Scope::Optional => "optional",
            Scope::Excluded => "excluded",
        }),
        hashes,
        purl: sc.purl.clone(),
        external_references,
        properties,
        evidence: (!occurrences.is_empty()).then_some(Evidence { occurrences }),
    }
}

/// A CycloneDX hash from `(algorithm, hex)`, when the algorithm is known and the content is
/// hex of the right length.
fn hash(alg: &str, content: &str) -> Option<Hash> {
    let key: String = alg
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let (name, len) = match key.as_str() {
        "MD5" => ("MD5", 32),
        "SHA1" => ("SHA-1", 40),
        "SHA256" => ("SHA-256", 64),
        "SHA384" => ("SHA-384", 96),
        "SHA512" => ("SHA-512", 128),
        "SHA3256" => ("SHA3-256", 64),
        "SHA3384" => ("SHA3-384", 96),
        "SHA3512" => ("SHA3-512", 128),
        "BLAKE2B256" => ("BLAKE2b-256", 64),
        "BLAKE2B384" => ("BLAKE2b-384", 96),
        "BLAKE2B512" => ("BLAKE2b-512", 128),
        "BLAKE3" => ("BLAKE3", 64),
        _ => return None,
    };
    let content = content.trim();
    (content.len() == len && content.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Hash {
        alg: name,
        content: content.to_ascii_lowercase(),
    })
}

/// Makes `s` a valid RFC 3987 IRI reference (the schema's `iri-reference` format), changing
/// as little as possible: characters a component may not contain are percent-encoded (spaces,
/// `<>"{}|\^`, controls, a second `#`, a `:` in the first segment of a scheme-less reference,
/// a `%` that starts no escape). When the authority cannot be repaired (a bad IP literal, a
/// non-numeric port), the whole text is percent-encoded into a relative reference.
fn iri_escape(s: &str) -> String {
    iri_structured(s).unwrap_or_else(|| encode_except(s, |_| false))
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') || is_ucschar(c)
}

fn is_ucschar(c: char) -> bool {
    matches!(c,
        '\u{A0}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFEF}'
        | '\u{10000}'..='\u{1FFFD}' | '\u{20000}'..='\u{2FFFD}' | '\u{30000}'..='\u{3FFFD}'
        | '\u{40000}'..='\u{4FFFD}' | '\u{50000}'..='\u{5FFFD}' | '\u{60000}'..='\u{6FFFD}'
        | '\u{70000}'..='\u{7FFFD}' | '\u{80000}'..='\u{8FFFD}' | '\u{90000}'..='\u{9FFFD}'
        | '\u{A0000}'..='\u{AFFFD}' | '\u{B0000}'..='\u{BFFFD}' | '\u{C0000}'..='\u{CFFFD}'
        | '\u{D0000}'..='\u{DFFFD}' | '\u{E1000}'..='\u{EFFFD}')
}

fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

fn is_pchar(c: char) -> bool {
    is_unreserved(c) || is_sub_delim(c) || matches!(c, ':' | '@')
}

/// Percent-encodes every char that is not unreserved and for which `keep` is false; valid
/// `%XX` escapes are kept.
fn encode_except(s: &str, keep: impl Fn(char) -> bool) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        let escape = ch == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if escape || (ch != '%' && (is_unreserved(ch) || keep(ch))) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Repairs an IRI reference component by component; `None` when the authority is beyond
/// repair.
fn iri_structured(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let scheme_len = s.find(':').filter(|&i| {
        let scheme = s.get(..i).unwrap_or("");
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if let Some(i) = scheme_len {
        out.push_str(s.get(..=i)?);
        rest = s.get(i + 1..)?;
    }
    let has_scheme = scheme_len.is_some();
    let has_authority = rest.starts_with("//");
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = after.get(..end)?;
        rest = after.get(end..)?;
        out.push_str("//");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if let Some(u) = userinfo {
            out.push_str(&encode_except(u, |c| is_sub_delim(c) || c == ':'));
            out.push('@');
        }
        let (host, port) = if let Some(literal) = hostport.strip_prefix('[') {
            let (inner, after_literal) = literal.split_once(']')?;
            let ipv6ish = !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'));
            if !ipv6ish {
                return None;
            }
            let port = match after_literal.strip_prefix(':') {
                Some(p) => Some(p),
                None if after_literal.is_empty() => None,
                None => return None,
            };
            (format!("[{inner}]"), port)
        } else {
            let (h, p) = match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            };
            (encode_except(h, is_sub_delim), p)
        };
        if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        out.push_str(&host);
        if let Some(p) = port {
            out.push(':');
            out.push_str(p);
        }
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (rest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    if !has_scheme && !has_authority {
        // A scheme-less reference may not have a `:` in its first segment.
        let first_end = path.find('/').unwrap_or(path.len());
        let (first, tail) = path.split_at(first_end);
        out.push_str(&encode_except(first, |c| is_pchar(c) && c != ':'));
        out.push_str(&encode_except(tail, |c| is_pchar(c) || c == '/'));
    } else if !has_authority && path.starts_with("//") {
        // `scheme:` followed by an empty authority-looking path cannot be written as is.
        return None;
    } else {
        out.push_str(&encode_except(path, |c| is_pchar(c) || c == '/'));
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(&encode_except(q, |c| {
            is_pchar(c) || matches!(c, '/' | '?' | '\u{E000}'..='\u{F8FF}')
        }));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&encode_except(f, |c| is_pchar(c) || matches!(c, '/' | '?')));
    }
    Some(out)
}

fn dependencies(sbom: &Sbom) -> Vec<Dependency> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in &sbom.dependencies {
        deps.entry(from.as_str())
            .or_default()
            .extend(to.iter().map(String::as_str));
    }
    // Every component and project appears, with an empty list when nothing is known.
    deps.entry(ROOT_REF).or_default();
    for p in &sbom.projects {
        deps.entry(p.bom_ref.as_str()).or_default();
    }
    for c in &sbom.components {
        deps.entry(c.bom_ref.as_str()).or_default();
    }
    deps.into_iter()
        .map(|(r, to)| Dependency {
            reference: r.to_string(),
            depends_on: to.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

fn source(s: &VulnSource) -> Option<Source> {
    let name = s.name.clone().filter(|n| !n.trim().is_empty());
    let url = s
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(iri_escape);
    (name.is_some() || url.is_some()).then_some(Source { name, url })
}

/// Keeps RFC 3339 date-times (`YYYY-MM-DDTHH:MM:SS` + optional fraction + zone).
fn date_time(s: &Option<String>) -> Option<String> {
    let s = s.as_deref()?.trim();
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = frac.get(n..)?;
    }
    let zone_ok = matches!(rest, "Z" | "z")
        || (rest.len() == 6
            && matches!(rest.as_bytes().first(), Some(b'+' | b'-'))
            && rest.as_bytes().get(3) == Some(&b':')
            && rest
                .bytes()
                .enumerate()
                .all(|(i, c)| i == 0 || i == 3 || c.is_ascii_digit()));
    zone_ok.then(|| s.to_string())
}

fn vulnerability(v: &VulnerabilityEntry) -> Vuln {
    let mut cwes: Vec<u32> = v.cwes.iter().copied().filter(|c| *c > 0).collect();
    cwes.sort_unstable();
    cwes.dedup();
    let text = |s: &Option<String>| s.clone().filter(|t| !t.trim().is_empty());
    Vuln {
        id: non_empty(&v.id, "(unknown)"),
        source: v.source.as_ref().and_then(source),
        references: v
            .references
            .iter()
            .filter(|r| !r.id.trim().is_empty())
            .map(|r| Reference {
                id: r.id.clone(),
                source: source(&r.source).unwrap_or(Source {
                    name: None,
                    url: None,
                }),
            })
            .collect(),
        ratings: v
            .ratings
            .iter()
            .map(|r| JsonRating {
                source: r.source.as_ref().and_then(source),
                score: r.score.filter(|s| s.is_finite()),
                severity: r.severity.map(RatingSeverity::as_str),
                method: r.method.map(ScoreMethod::as_str),
                vector: text(&r.vector),
            })
            .collect(),
        cwes,
        description: text(&v.description),
        detail: text(&v.detail),
        recommendation: text(&v.recommendation),
        advisories: v
            .advisories
            .iter()
            .filter(|a| !a.url.trim().is_empty())
            .map(|a| JsonAdvisory {
                title: text(&a.title),
                url: iri_escape(a.url.trim()),
            })
            .collect(),
        published: date_time(&v.published),
        updated: date_time(&v.updated),
        analysis: v.analysis.as_ref().map(|a| {
            let mut response: Vec<AnalysisResponse> = a.responses.clone();
            response.sort();
            response.dedup();
            JsonAnalysis {
                state: a.state.as_str(),
                justification: a.justification.map(Justification::as_str),
                response: response.into_iter().map(AnalysisResponse::as_str).collect(),
                detail: text(&a.detail),
            }
        }),
        affects: v
            .affects
            .iter()
            .filter(|a| !a.bom_ref.is_empty())
            .map(|a| JsonAffect {
                reference: a.bom_ref.clone(),
                versions: a
                    .versions
                    .iter()
                    .filter_map(|av| {
                        let (version, range) = match &av.version {
                            AffectedVersionSpec::Version(s) if !s.is_empty() => {
                                (Some(truncate_chars(s, MAX_VERSION_CHARS)), None)
                            }
                            AffectedVersionSpec::Range(s) if !s.is_empty() => {
                                (None, Some(truncate_chars(s, 4096)))
                            }
                            _ => return None,
                        };
                        Some(JsonAffectedVersion {
                            version,
                            range,
                            status: av.status.as_str(),
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Whether a bom-ref names a manifest component.
pub fn is_project_ref(bom_ref: &str) -> bool {
    bom_ref.starts_with(PROJECT_REF_PREFIX)
}

// ---------------------------------------------------------------------------------------------
// XML

mod xml {
    use super::*;

    /// Minimal indenting XML writer.
    struct W {
        out: String,
        depth: usize,
    }

    impl W {
        fn indent(&mut self) {
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
        fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
            self.indent();
            self.out.push('<');
            self.out.push_str(name);
            self.attrs(attrs);
            self.out.push_str(">\n");
            self.depth += 1;
        }
        fn close(&mut self, name: &str) {
            self.depth = self.depth.saturating_sub(1);
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
            self.indent();
            self.out.push('<');
            self.out.push_str(name);
            self.attrs(attrs);
            self.out.push_str("/>\n");
        }
        fn text(&mut self, name: &str, attrs: &[(&str, &str)], value: &str) {
            self.indent();
            self.out.push('<');
            self.out.push_str(name);
            self.attrs(attrs);
            self.out.push('>');
            escape_into(&mut self.out, value, false);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        fn opt(&mut self, name: &str, value: Option<&str>) {
            if let Some(v) = value {
                self.text(name, &[], v);
            }
        }
        fn attrs(&mut self, attrs: &[(&str, &str)]) {
            for (k, v) in attrs {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("=\"");
                escape_into(&mut self.out, v, true);
                self.out.push('"');
            }
        }
    }

    /// Escapes markup characters; characters XML 1.0 cannot carry become U+FFFD.
    fn escape_into(out: &mut String, s: &str, attr: bool) {
        for ch in s.chars() {
            match ch {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' if attr => out.push_str("&quot;"),
                '\r' => out.push_str("&#xD;"),
                '\n' if attr => out.push_str("&#xA;"),
                '\t' if attr => out.push_str("&#x9;"),
                '\t' | '\n' => out.push(ch),
                c if is_xml_char(c) => out.push(c),
                _ => out.push('\u{FFFD}'),
            }
        }
    }

    #[cfg(test)]
    pub(super) fn escape_for_test(out: &mut String, s: &str, attr: bool) {
        escape_into(out, s, attr);
    }

    fn is_xml_char(c: char) -> bool {
        matches!(c,
            '\u{9}' | '\u{A}' | '\u{D}'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'..='\u{10FFFF}')
    }

    pub(super) fn render(bom: &Bom) -> String {
        let mut w = W {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        };
        let serial = bom.serial_number.clone().unwrap_or_default();
        let version = bom.version.to_string();
        w.open(
            "bom",
            &[
                ("xmlns", XML_NAMESPACE),
                ("serialNumber", &serial),
                ("version", &version),
            ],
        );
        metadata(&mut w, &bom.metadata);
        if !bom.components.is_empty() {
            w.open("components", &[]);
            for c in &bom.components {
                component(&mut w, c);
            }
            w.close("components");
        }
        if !bom.dependencies.is_empty() {
            w.open("dependencies", &[]);
            for d in &bom.dependencies {
                if d.depends_on.is_empty() {
                    w.empty("dependency", &[("ref", &d.reference)]);
                } else {
                    w.open("dependency", &[("ref", &d.reference)]);
                    for to in &d.depends_on {
                        w.empty("dependency", &[("ref", to)]);
                    }
                    w.close("dependency");
                }
            }
            w.close("dependencies");
        }
        if !bom.vulnerabilities.is_empty() {
            w.open("vulnerabilities", &[]);
            for v in &bom.vulnerabilities {
                vulnerability(&mut w, v);
            }
            w.close("vulnerabilities");
        }
        w.close("bom");
        w.out
    }

    fn metadata(w: &mut W, m: &Metadata) {
        w.open("metadata", &[]);
        w.text("timestamp", &[], &m.timestamp);
        w.open("tools", &[]);
        w.open("components", &[]);
        for t in &m.tools.components {
            component(w, t);
        }
        w.close("components");
        w.close("tools");
        component(w, &m.component);
        properties(w, &m.properties);
        w.close("metadata");
    }

    fn properties(w: &mut W, props: &[Property]) {
        if props.is_empty() {
            return;
        }
        w.open("properties", &[]);
        for p in props {
            w.text("property", &[("name", &p.name)], &p.value);
        }
        w.close("properties");
    }

    fn component(w: &mut W, c: &Comp) {
        let mut attrs: Vec<(&str, &str)> = vec![("type", c.ty)];
        if let Some(r) = &c.bom_ref {
            attrs.push(("bom-ref", r));
        }
        w.open("component", &attrs);
        w.opt("group", c.group.as_deref());
        w.text("name", &[], &c.name);
        w.opt("version", c.version.as_deref());
        w.opt("scope", c.scope);
        if !c.hashes.is_empty() {
            w.open("hashes", &[]);
            for h in &c.hashes {
                w.text("hash", &[("alg", h.alg)], &h.content);
            }
            w.close("hashes");
        }
        w.opt("purl", c.purl.as_deref());
        if !c.external_references.is_empty() {
            w.open("externalReferences", &[]);
            for r in &c.external_references {
                w.open("reference", &[("type", r.ty)]);
                w.text("url", &[], &r.url);
                w.close("reference");
            }
            w.close("externalReferences");
        }
        properties(w, &c.properties);
        if let Some(e) = &c.evidence {
            w.open("evidence", &[]);
            w.open("occurrences", &[]);
            for o in &e.occurrences {
                w.open("occurrence", &[]);
                w.text("location", &[], &o.location);
                if let Some(l) = o.line {
                    w.text("line", &[], &l.to_string());
                }
                w.close("occurrence");
            }
            w.close("occurrences");
            w.close("evidence");
        }
        w.close("component");
    }

    fn source(w: &mut W, name: &str, s: &Source) {
        w.open(name, &[]);
        w.opt("name", s.name.as_deref());
        w.opt("url", s.url.as_deref());
        w.close(name);
    }

    fn vulnerability(w: &mut W, v: &Vuln) {
        w.open("vulnerability", &[]);
        w.text("id", &[], &v.id);
        if let Some(s) = &v.source {
            source(w, "source", s);
        }
        if !v.references.is_empty() {
            w.open("references", &[]);
            for r in &v.references {
                w.open("reference", &[]);
                w.text("id", &[], &r.id);
                source(w, "source", &r.source);
                w.close("reference");
            }
            w.close("references");
        }
        if !v.ratings.is_empty() {
            w.open("ratings", &[]);
            for r in &v.ratings {
                w.open("rating", &[]);
                if let Some(s) = &r.source {
                    source(w, "source", s);
                }
                if let Some(score) = r.score {
                    w.text("score", &[], &decimal(score));
                }
                w.opt("severity", r.severity);
                w.opt("method", r.method);
                w.opt("vector", r.vector.as_deref());
                w.close("rating");
            }
            w.close("ratings");
        }
        if !v.cwes.is_empty() {
            w.open("cwes", &[]);
            for c in &v.cwes {
                w.text("cwe", &[], &c.to_string());
            }
            w.close("cwes");
        }
        w.opt("description", v.description.as_deref());
        w.opt("detail", v.detail.as_deref());
        w.opt("recommendation", v.recommendation.as_deref());
        if !v.advisories.is_empty() {
            w.open("advisories", &[]);
            for a in &v.advisories {
                w.open("advisory", &[]);
                w.opt("title", a.title.as_deref());
                w.text("url", &[], &a.url);
                w.close("advisory");
            }
            w.close("advisories");
        }
        w.opt("published", v.published.as_deref());
        w.opt("updated", v.updated.as_deref());
        if let Some(a) = &v.analysis {
            w.open("analysis", &[]);
            w.text("state", &[], a.state);
            w.opt("justification", a.justification);
            if !a.response.is_empty() {
                w.open("responses", &[]);
                for r in &a.response {
                    w.text("response", &[], r);
                }
                w.close("responses");
            }
            w.opt("detail", a.detail.as_deref());
            w.close("analysis");
        }
        if !v.affects.is_empty() {
            w.open("affects", &[]);
            for a in &v.affects {
                w.open("target", &[]);
                w.text("ref", &[], &a.reference);
                if !a.versions.is_empty() {
                    w.open("versions", &[]);
                    for av in &a.versions {
                        w.open("version", &[]);
                        w.opt("version", av.version.as_deref());
                        w.opt("range", av.range.as_deref());
                        w.text("status", &[], av.status);
                        w.close("version");
                    }
                    w.close("versions");
                }
                w.close("target");
            }
            w.close("affects");
        }
        w.close("vulnerability");
    }

    /// `xs:decimal` text of a finite score (no exponent).
    fn decimal(x: f64) -> String {
        let s = format!("{x}");
        if s.contains('e') || s.contains('E') {
            format!("{x:.6}")
        } else {
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_version_and_variant_bits() {
        assert_eq!(
            format_uuid([0xff; 16], 4),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            format_uuid([0; 16], 8),
            "00000000-0000-8000-8000-000000000000"
        );
    }

    #[test]
    fn hashes_are_normalized_or_refused() {
        let h = hash("sha256", &"AB".repeat(32)).unwrap();
        assert_eq!(
            (h.alg, h.content.as_str()),
            ("SHA-256", "ab".repeat(32).as_str())
        );
        assert_eq!(hash("SHA-512", &"0".repeat(128)).unwrap().alg, "SHA-512");
        assert_eq!(hash("sha3-256", &"0".repeat(64)).unwrap().alg, "SHA3-256");
        assert_eq!(
            hash("BLAKE2b-512", &"0".repeat(128)).unwrap().alg,
            "BLAKE2b-512"
        );
        assert!(hash("SHA-256", "abc").is_none(), "wrong length");
        assert!(hash("SHA-256", &"zz".repeat(32)).is_none(), "not hex");
        assert!(hash("CRC32", "00000000").is_none(), "unknown algorithm");
    }

    #[test]
    fn iri_escaping() {
        let cases = [
            ("https://x/a b", "https://x/a%20b"),
            ("https://x/%20ok", "https://x/%20ok"),
            ("https://x/100%", "https://x/100%25"),
            ("https://x/é?q=ü#frag", "https://x/é?q=ü#frag"),
            ("https://u:p@host:8080/p", "https://u:p@host:8080/p"),
            ("http://[::1]:80/x", "http://[::1]:80/x"),
            ("https://x/a#b#c", "https://x/a#b%23c"),
            ("https://x/[a]", "https://x/%5Ba%5D"),
            ("a\\b<c>\u{7f}", "a%5Cb%3Cc%3E%7F"),
            (":", "%3A"),
            ("a:b/c:d", "a:b/c:d"),
            ("1a:b", "1a%3Ab"),
            ("", ""),
            ("https://host:port/x", "https%3A%2F%2Fhost%3Aport%2Fx"),
            ("http://[zz]/", "http%3A%2F%2F%5Bzz%5D%2F"),
        ];
        for (input, want) in cases {
            assert_eq!(iri_escape(input), want, "{input:?}");
        }
    }

    #[test]
    fn date_times_are_checked() {
        let ok = |s: &str| date_time(&Some(s.to_string())).is_some();
        assert!(ok("2024-01-03T17:15:00Z"));
        assert!(ok("2024-01-03T17:15:00.123+02:00"));
        assert!(!ok("2024-01-03"));
        assert!(!ok("2024-01-03T17:15:00"));
        assert!(!ok("2024-01-03T17:15:00.Z"));
        assert!(!ok("2024-01-03T17:15:00+0200"));
        assert!(!ok("2024-01-03T17:15:00Zjunk"));
        assert!(!ok("२०२४-01-03T17:15:00Z"));
    }

    #[test]
    fn xml_escapes_and_replaces_invalid_chars() {
        let mut s = String::new();
        xml::escape_for_test(&mut s, "a<b>&\"c\"\u{0}\u{FFFE}\r", true);
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c&quot;\u{FFFD}\u{FFFD}&#xD;");
    }

    #[test]
    fn versions_are_truncated_to_the_schema_limit() {
        let long = "9".repeat(2000);
        assert_eq!(
            truncate_chars(&long, MAX_VERSION_CHARS).chars().count(),
            1024
        );
        assert_eq!(truncate_chars("ü".repeat(3).as_str(), 2), "üü");
    }
}
