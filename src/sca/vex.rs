//! CycloneDX VEX input (`--vex FILE`): statements about whether a vulnerability affects a
//! component.
//!
//! Read from a CycloneDX JSON document (a BOM with a `vulnerabilities` section, or a
//! standalone VEX document): each vulnerability with an `analysis.state` becomes a
//! [`VexStatement`] naming the vulnerability by `id` and its `references[].id` (aliases) and
//! the components by `affects[].ref`. A reference may be a bom-ref, a purl, or a BOM-Link
//! (`urn:cdx:<serial>/<version>#<bom-ref>`); purls compare without qualifiers and
//! case-insensitively. A statement with no `affects` applies to every component.
//!
//! `not_affected` and `false_positive` suppress the finding (reported as suppressed, with the
//! justification); every state is carried into the CycloneDX output's `analysis`.

use serde_json::Value;

use crate::report::cyclonedx::{AnalysisState, Justification};

use super::VexAnalysis;

/// Largest VEX document read (the native layer enforces it on the file; here for text input).
pub const MAX_VEX_BYTES: usize = 32 * 1024 * 1024;

/// A VEX document that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct VexError {
    pub path: String,
    pub message: String,
}

/// One statement of a VEX document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability id and its references' ids.
    pub ids: Vec<String>,
    /// Component references; empty = every component.
    pub affects: Vec<String>,
    pub analysis: VexAnalysis,
}

/// [`parse`] for a host: statements go to `out`, warnings and the error become diagnostics
/// whose messages start with `label` (`--vex` on the command line, `vex` in the WASM API).
pub fn parse_into(
    path: &str,
    text: &str,
    label: &str,
    out: &mut Vec<VexStatement>,
    diagnostics: &mut Vec<crate::engine::Diagnostic>,
) {
    use crate::engine::Diagnostic;
    use crate::finding::Severity;
    match parse(path, text) {
        Ok((statements, warnings)) => {
            out.extend(statements);
            diagnostics.extend(warnings.into_iter().map(|w| Diagnostic {
                severity: Severity::Warning,
                path: None,
                line: None,
                message: format!("{label}: {w}"),
            }));
        }
        Err(e) => diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: Some(e.path),
            line: None,
            message: format!("{label}: {}", e.message),
        }),
    }
}

/// Parses a CycloneDX VEX document. Returns the statements and warnings about entries that
/// were skipped (unknown state, no id).
pub fn parse(path: &str, text: &str) -> Result<(Vec<VexStatement>, Vec<String>), VexError> {
    let err = |message: String| VexError {
        path: path.to_string(),
        message,
    };
    if text.len() > MAX_VEX_BYTES {
        return Err(err(format!(
            "VEX document is larger than {MAX_VEX_BYTES} bytes"
        )));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        err(format!(
            "not a CycloneDX JSON document: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(err(
            "not a CycloneDX JSON document: expected an object".into()
        ));
    };
    if let Some(f) = obj.get("bomFormat")
        && f.as_str() != Some("CycloneDX")
    {
        return Err(err(format!(
            "bomFormat is {f}, not \"CycloneDX\"; only CycloneDX VEX (JSON) is read"
        )));
    }
    let Some(vulns) = obj.get("vulnerabilities").and_then(Value::as_array) else {
        return Err(err(
            "no `vulnerabilities` array: a VEX document lists vulnerabilities with an `analysis`"
                .into(),
        ));
    };
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let n = i + 1;
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("");
        if id.is_empty() {
            warnings.push(format!(
                "{path}: vulnerability #{n} has no `id`; statement skipped"
            ));
            continue;
        }
        let Some(analysis) = v.get("analysis") else {
            continue;
        };
        let state_text = analysis
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim();
        let Some(state) = state(state_text) else {
            warnings.push(format!(
                "{path}: {id}: analysis.state {state_text:?} is not a CycloneDX state; statement skipped"
            ));
            continue;
        };
        let justification_text = analysis
            .get("justification")
            .and_then(Value::as_str)
            .map(str::trim);
        let justification = justification_text.and_then(justification);
        if let (Some(t), None) = (justification_text, justification) {
            warnings.push(format!(
                "{path}: {id}: analysis.justification {t:?} is not a CycloneDX justification; ignored"
            ));
        }
        let mut ids = vec![id.to_string()];
        for r in v
            .get("references")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if let Some(rid) = r.get("id").and_then(Value::as_str).map(str::trim)
                && !rid.is_empty()
                && !ids.iter().any(|x| x.eq_ignore_ascii_case(rid))
            {
                ids.push(rid.to_string());
            }
        }
        let affects: Vec<String> = v
            .get("affects")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|a| a.get("ref").and_then(Value::as_str))
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        out.push(VexStatement {
            ids,
            affects,
            analysis: VexAnalysis {
                state,
                justification,
                detail: analysis
                    .get("detail")
                    .and_then(Value::as_str)
                    .map(|d| super::truncate(d.trim(), 2_000))
                    .filter(|d| !d.is_empty()),
                source: path.to_string(),
            },
        });
    }
    Ok((out, warnings))
}

fn state(s: &str) -> Option<AnalysisState> {
    Some(match s {
        "resolved" => AnalysisState::Resolved,
        "resolved_with_pedigree" => AnalysisState::ResolvedWithPedigree,
        "exploitable" => AnalysisState::Exploitable,
        "in_triage" => AnalysisState::InTriage,
        "false_positive" => AnalysisState::FalsePositive,
        "not_affected" => AnalysisState::NotAffected,
        _ => return None,
    })
}

fn justification(s: &str) -> Option<Justification> {
    Some(match s {
        "code_not_present" => Justification::CodeNotPresent,
        "code_not_reachable" => Justification::CodeNotReachable,
        "requires_configuration" => Justification::RequiresConfiguration,
        "requires_dependency" => Justification::RequiresDependency,
        "requires_environment" => Justification::RequiresEnvironment,
        "protected_by_compiler" => Justification::ProtectedByCompiler,
        "protected_at_runtime" => Justification::ProtectedAtRuntime,
        "protected_at_perimeter" => Justification::ProtectedAtPerimeter,
        "protected_by_mitigating_control" => Justification::ProtectedByMitigatingControl,
        _ => return None,
    })
}

/// A reference without a BOM-Link prefix and, for purls, without qualifiers and subpath,
/// lowercased.
fn normalize_ref(r: &str) -> String {
    let r = r.trim();
    let r = if r.starts_with("urn:cdx:") {
        r.split_once('#').map_or(r, |(_, frag)| frag)
    } else {
        r
    };
    let r = if r.starts_with("pkg:") {
        r.split(['?', '#']).next().unwrap_or(r)
    } else {
        r
    };
    r.to_ascii_lowercase()
}

/// The analysis of the first statement naming one of `ids` for the component with this
/// bom-ref / purl.
pub fn applicable(
    statements: &[VexStatement],
    ids: &[&str],
    bom_ref: &str,
    purl: Option<&str>,
) -> Option<VexAnalysis> {
    let want: Vec<String> = std::iter::once(bom_ref)
        .chain(purl)
        .map(normalize_ref)
        .collect();
    statements
        .iter()
        .find(|s| {
            s.ids
                .iter()
                .any(|sid| ids.iter().any(|i| i.eq_ignore_ascii_case(sid)))
                && (s.affects.is_empty()
                    || s.affects.iter().any(|a| want.contains(&normalize_ref(a))))
        })
        .map(|s| s.analysis.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6",
      "vulnerabilities": [
        {"id": "CVE-2024-21907", "references": [{"id": "GHSA-5crp-9r3c-p9vr", "source": {"name": "GitHub"}}],
         "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "no untrusted JSON"},
         "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:nuget/Newtonsoft.Json@12.0.1?x=1"}]},
        {"id": "GHSA-xxxx", "analysis": {"state": "exploitable"}},
        {"id": "GHSA-yyyy", "analysis": {"state": "wontfix"}},
        {"analysis": {"state": "not_affected"}}
      ]}"#;

    #[test]
    fn parses_statements_and_warns_about_bad_ones() {
        let (s, w) = parse("vex.json", DOC).expect("valid");
        assert_eq!(s.len(), 2);
        assert_eq!(w.len(), 2);
        assert_eq!(s[0].ids, vec!["CVE-2024-21907", "GHSA-5crp-9r3c-p9vr"]);
        assert_eq!(s[0].analysis.state, AnalysisState::NotAffected);
        assert_eq!(
            s[0].analysis.justification,
            Some(Justification::CodeNotReachable)
        );
        assert!(s[0].analysis.suppresses());
        assert!(!s[1].analysis.suppresses());
    }

    #[test]
    fn applies_by_alias_and_reference() {
        let (s, _) = parse("vex.json", DOC).expect("valid");
        let hit = applicable(
            &s,
            &["GHSA-5crp-9r3c-p9vr"],
            "pkg:nuget/Newtonsoft.Json@12.0.1",
            None,
        );
        assert!(hit.is_some_and(|a| a.suppresses()));
        // Another version of the package is not covered.
        assert!(
            applicable(
                &s,
                &["GHSA-5crp-9r3c-p9vr"],
                "pkg:nuget/Newtonsoft.Json@13.0.1",
                None
            )
            .is_none()
        );
        // A statement without affects applies everywhere.
        assert!(applicable(&s, &["ghsa-xxxx"], "anything", None).is_some());
        assert!(applicable(&s, &["GHSA-zzzz"], "anything", None).is_none());
    }

    #[test]
    fn rejects_what_is_not_vex() {
        assert!(parse("a", "not json").is_err());
        assert!(parse("a", "[]").is_err());
        assert!(parse("a", r#"{"bomFormat":"SPDX"}"#).is_err());
        assert!(parse("a", r#"{"bomFormat":"CycloneDX"}"#).is_err());
        let deep = "[".repeat(100_000);
        assert!(parse("a", &deep).is_err());
    }
}
