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

use super::to_pretty_json;
use crate::sbom::assemble::{PROJECT_REF_PREFIX, Sbom};
use crate::source::Date;
use build::document;

mod build;
mod iri;
mod model;
#[cfg(test)]
mod tests;
mod xml;

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

/// Whether a bom-ref names a manifest component.
pub fn is_project_ref(bom_ref: &str) -> bool {
    bom_ref.starts_with(PROJECT_REF_PREFIX)
}
