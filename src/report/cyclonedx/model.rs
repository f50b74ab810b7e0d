//! The document model shared by the JSON and XML renderings (serde field names are CycloneDX's).

use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Bom {
    pub(super) bom_format: &'static str,
    pub(super) spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) serial_number: Option<String>,
    pub(super) version: u32,
    pub(super) metadata: Metadata,
    pub(super) components: Vec<Comp>,
    pub(super) dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) vulnerabilities: Vec<Vuln>,
}

#[derive(Serialize)]
pub(super) struct Metadata {
    pub(super) timestamp: String,
    pub(super) tools: Tools,
    pub(super) component: Comp,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) properties: Vec<Property>,
}

#[derive(Serialize)]
pub(super) struct Tools {
    pub(super) components: Vec<Comp>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Comp {
    #[serde(rename = "type")]
    pub(super) ty: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub(super) bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) group: Option<String>,
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) external_references: Vec<ExternalReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) evidence: Option<Evidence>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Hash {
    pub(super) alg: &'static str,
    pub(super) content: String,
}

#[derive(Serialize)]
pub(super) struct ExternalReference {
    pub(super) url: String,
    #[serde(rename = "type")]
    pub(super) ty: &'static str,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Property {
    pub(super) name: String,
    pub(super) value: String,
}

#[derive(Serialize)]
pub(super) struct Evidence {
    pub(super) occurrences: Vec<Occurrence>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Occurrence {
    pub(super) location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) line: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Dependency {
    #[serde(rename = "ref")]
    pub(super) reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) depends_on: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Vuln {
    pub(super) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) ratings: Vec<JsonRating>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) cwes: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) advisories: Vec<JsonAdvisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) analysis: Option<JsonAnalysis>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) affects: Vec<JsonAffect>,
}

#[derive(Serialize, Clone)]
pub(super) struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Reference {
    pub(super) id: String,
    pub(super) source: Source,
}

#[derive(Serialize)]
pub(super) struct JsonRating {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) vector: Option<String>,
}

#[derive(Serialize)]
pub(super) struct JsonAdvisory {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<String>,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct JsonAnalysis {
    pub(super) state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) response: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) detail: Option<String>,
}

#[derive(Serialize)]
pub(super) struct JsonAffect {
    #[serde(rename = "ref")]
    pub(super) reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) versions: Vec<JsonAffectedVersion>,
}

#[derive(Serialize)]
pub(super) struct JsonAffectedVersion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) range: Option<String>,
    pub(super) status: &'static str,
}
