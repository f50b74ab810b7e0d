//! The OSV advisory format (schema 1.6), as serde types.
//!
//! Parsing is lenient where the schema lets producers differ (unknown fields are ignored, `null`
//! arrays read as empty, unknown range and severity types are kept as `Other`) and strict where a
//! record would otherwise be misread (an event must name exactly one of `introduced`, `fixed`,
//! `last_affected`, `limit`; `id` must be a non-empty string). Failures are [`OsvError`] values
//! carrying the record's path and id when known.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One OSV record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub upstream: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// `severity[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: SeverityType,
    pub score: String,
}

/// `severity[].type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeverityType {
    CvssV2,
    CvssV3,
    CvssV4,
    Ubuntu,
    Other(String),
}

impl SeverityType {
    pub fn as_str(&self) -> &str {
        match self {
            SeverityType::CvssV2 => "CVSS_V2",
            SeverityType::CvssV3 => "CVSS_V3",
            SeverityType::CvssV4 => "CVSS_V4",
            SeverityType::Ubuntu => "Ubuntu",
            SeverityType::Other(s) => s,
        }
    }
}

impl Serialize for SeverityType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SeverityType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "CVSS_V2" => SeverityType::CvssV2,
            "CVSS_V3" => SeverityType::CvssV3,
            "CVSS_V4" => SeverityType::CvssV4,
            "Ubuntu" => SeverityType::Ubuntu,
            _ => SeverityType::Other(s),
        })
    }
}

/// `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

impl Affected {
    /// RustSec's `database_specific.informational` (`unmaintained`, `unsound`, `notice`):
    /// advisories that are not vulnerabilities.
    pub fn informational(&self) -> Option<&str> {
        self.database_specific
            .as_ref()?
            .get("informational")?
            .as_str()
    }
}

/// `affected[].package`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// `affected[].ranges[].type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RangeType {
    /// Versions in the package's ecosystem ordering.
    Ecosystem,
    /// SemVer 2.0.0 versions, whatever the ecosystem.
    Semver,
    /// Commit hashes (not evaluated by Portcullis: components carry versions, not commits).
    Git,
    Other(String),
}

impl RangeType {
    pub fn as_str(&self) -> &str {
        match self {
            RangeType::Ecosystem => "ECOSYSTEM",
            RangeType::Semver => "SEMVER",
            RangeType::Git => "GIT",
            RangeType::Other(s) => s,
        }
    }
}

impl Serialize for RangeType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RangeType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "ECOSYSTEM" => RangeType::Ecosystem,
            "SEMVER" => RangeType::Semver,
            "GIT" => RangeType::Git,
            _ => RangeType::Other(s),
        })
    }
}

/// One range event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawEvent::deserialize(d)?;
        let mut found = Vec::with_capacity(1);
        if let Some(v) = raw.introduced {
            found.push(Event::Introduced(v));
        }
        if let Some(v) = raw.fixed {
            found.push(Event::Fixed(v));
        }
        if let Some(v) = raw.last_affected {
            found.push(Event::LastAffected(v));
        }
        if let Some(v) = raw.limit {
            found.push(Event::Limit(v));
        }
        match (found.pop(), found.is_empty()) {
            (Some(e), true) => Ok(e),
            (None, _) => Err(serde::de::Error::custom(
                "a range event needs one of introduced, fixed, last_affected, limit",
            )),
            (Some(_), false) => Err(serde::de::Error::custom(
                "a range event must hold exactly one version",
            )),
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.kind(), self.version())?;
        m.end()
    }
}

/// `references[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl Record {
    /// GitHub's `database_specific.severity` (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`).
    pub fn ghsa_severity(&self) -> Option<&str> {
        self.database_specific.as_ref()?.get("severity")?.as_str()
    }

    /// GitHub's `database_specific.cwe_ids`.
    pub fn cwe_ids(&self) -> Vec<String> {
        self.database_specific
            .as_ref()
            .and_then(|d| d.get("cwe_ids"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// Malicious-package reports: an OpenSSF `MAL-` id, or a `MAL-` alias.
    pub fn is_malicious(&self) -> bool {
        self.id.starts_with("MAL-") || self.aliases.iter().any(|a| a.starts_with("MAL-"))
    }
}

/// What kind of problem a record had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsvErrorKind {
    /// Not JSON, or JSON of the wrong shape for an OSV record.
    Syntax,
    /// Well-formed JSON that breaks an OSV rule (empty id …).
    Schema,
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct OsvError {
    pub kind: OsvErrorKind,
    /// Where the record came from, when the caller said.
    pub path: Option<String>,
    /// The record's id, when it could be read.
    pub id: Option<String>,
    /// 1-based line and column of a syntax error.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for OsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, &self.id) {
            (Some(p), Some(id)) => write!(f, "{p} ({id})")?,
            (Some(p), None) => write!(f, "{p}")?,
            (None, Some(id)) => write!(f, "{id}")?,
            (None, None) => write!(f, "OSV record")?,
        }
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

fn best_effort_id(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

fn validate(record: Record, path: Option<&str>) -> Result<Record, OsvError> {
    if record.id.trim().is_empty() {
        return Err(OsvError {
            kind: OsvErrorKind::Schema,
            path: path.map(str::to_string),
            id: None,
            line: 0,
            column: 0,
            message: "empty id".into(),
        });
    }
    Ok(record)
}

fn syntax_error(e: &serde_json::Error, text: &str, path: Option<&str>) -> OsvError {
    OsvError {
        kind: OsvErrorKind::Syntax,
        path: path.map(str::to_string),
        id: best_effort_id(text),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Parses one OSV record.
pub fn parse_record(text: &str) -> Result<Record, OsvError> {
    parse_record_inner(text, None)
}

/// Parses one OSV record; errors name `path`.
pub fn parse_record_at(path: &str, text: &str) -> Result<Record, OsvError> {
    parse_record_inner(text, Some(path))
}

fn parse_record_inner(text: &str, path: Option<&str>) -> Result<Record, OsvError> {
    let record: Record = serde_json::from_str(text).map_err(|e| syntax_error(&e, text, path))?;
    validate(record, path)
}

/// Parses a document holding OSV records: one record, an array of records, or an object with a
/// `vulns` array (the OSV API's answer shape). Each record is read independently: the good ones
/// come back with the errors of the bad ones.
pub fn parse_records(path: &str, text: &str) -> (Vec<Record>, Vec<OsvError>) {
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return (Vec::new(), vec![syntax_error(&e, text, Some(path))]),
    };
    let items: Vec<Value> = match doc {
        Value::Array(items) => items,
        Value::Object(mut map)
            if !map.contains_key("id") && map.get("vulns").is_some_and(Value::is_array) =>
        {
            match map.remove("vulns") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            }
        }
        other => vec![other],
    };
    let mut records = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let id = item.get("id").and_then(Value::as_str).map(str::to_string);
        match serde_json::from_value::<Record>(item) {
            Ok(r) => match validate(r, Some(path)) {
                Ok(r) => records.push(r),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(OsvError {
                kind: OsvErrorKind::Syntax,
                path: Some(format!("{path}[{i}]")),
                id,
                line: 0,
                column: 0,
                message: e.to_string(),
            }),
        }
    }
    (records, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "schema_version": "1.6.0",
      "id": "GHSA-aaaa-bbbb-cccc",
      "modified": "2024-01-01T00:00:00Z",
      "aliases": null,
      "future_field": {"x": 1},
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, {"type": "Made_Up", "score": "9"}],
      "affected": [{
        "package": {"ecosystem": "NuGet", "name": "Example.Lib"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]},
                   {"type": "GIT", "repo": "https://example.invalid/r", "events": [{"introduced": "abc"}, {"limit": "def"}]}],
        "versions": ["1.0.0"],
        "database_specific": {"informational": "unsound"}
      }],
      "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-79", "CWE-20"]}
    }"#;

    #[test]
    fn reads_fields_and_ignores_unknown() {
        let r = match parse_record(SAMPLE) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r.id, "GHSA-aaaa-bbbb-cccc");
        assert!(r.aliases.is_empty());
        assert_eq!(r.severity.len(), 2);
        assert_eq!(r.severity[1].kind, SeverityType::Other("Made_Up".into()));
        assert_eq!(r.ghsa_severity(), Some("HIGH"));
        assert_eq!(
            r.cwe_ids(),
            vec!["CWE-79".to_string(), "CWE-20".to_string()]
        );
        let a = &r.affected[0];
        assert_eq!(a.informational(), Some("unsound"));
        assert_eq!(
            a.ranges[0].events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.2.3".into())]
        );
        assert_eq!(a.ranges[1].kind, RangeType::Git);
        assert_eq!(a.ranges[1].events[1], Event::Limit("def".into()));
        // Round trip through serde keeps the record.
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(parse_record(&json).ok(), Some(r));
    }

    #[test]
    fn malformed_records_are_errors() {
        let two = SAMPLE.replace(
            r#"{"fixed": "1.2.3"}"#,
            r#"{"fixed": "1.2.3", "introduced": "1.0"}"#,
        );
        let e = parse_record_at("osv/x.json", &two).err();
        let e = e.as_ref();
        assert_eq!(e.map(|e| e.kind), Some(OsvErrorKind::Syntax));
        assert_eq!(
            e.and_then(|e| e.id.clone()).as_deref(),
            Some("GHSA-aaaa-bbbb-cccc")
        );
        assert!(e.is_some_and(|e| {
            e.to_string()
                .starts_with("osv/x.json (GHSA-aaaa-bbbb-cccc):")
        }));

        let empty = SAMPLE.replace(r#"{"fixed": "1.2.3"}"#, "{}");
        assert!(parse_record(&empty).is_err());
        assert!(parse_record(r#"{"id": ""}"#).is_err_and(|e| e.kind == OsvErrorKind::Schema));
        assert!(parse_record(r#"{"id": 5}"#).is_err());
        assert!(parse_record("[").is_err());
        assert!(parse_record(r#"{"id":"X","affected":[{"ranges":"nope"}]}"#).is_err());
        let deep = "[".repeat(100_000);
        assert!(parse_record(&deep).is_err());
    }

    #[test]
    fn documents_with_many_records() {
        let doc = format!(r#"{{"vulns": [{SAMPLE}, {{"id": 3}}, {{"id": "OK-1"}}]}}"#);
        let (records, errors) = parse_records("api.json", &doc);
        assert_eq!(records.len(), 2);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path.as_deref(), Some("api.json[1]"));
        let (records, errors) = parse_records("one.json", SAMPLE);
        assert_eq!((records.len(), errors.len()), (1, 0));
    }
}
