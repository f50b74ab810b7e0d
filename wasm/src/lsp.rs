//! The language-server logic of the core (`portcullis::lsp`) for one document at a time, for
//! editors that run the WASM build in-process (the VS Code extension). Each call scans the given
//! text afresh (a Dockerfile scan takes milliseconds) and answers in the shapes `portcullis lsp`
//! sends: LSP 3.17 JSON with 0-based lines and UTF-16 `character` offsets (UTF-8 bytes when
//! `positionEncoding` is `utf-8`).
//!
//! | export | result |
//! |---|---|
//! | `lspDiagnostics(path, text, options)` | `{ok, kind, diagnostics, notes}` |
//! | `lspHover(path, text, options)` | `{ok, kind, hover}` (`hover` null when there is none) |
//! | `lspCodeActions(path, text, options)` | `{ok, kind, actions}` |
//!
//! `path` is the document's workspace-relative path (`/` separators); `options` is a JSON object
//! (see [`LspInput`]). Unusable input gives `{"ok": false, "errors": [..]}`; an invalid config
//! gives `{"ok": false, "configErrors": [{line, message}], ..}` so the host can keep the last
//! valid one (a `.portcullis.yaml` document itself is checked with `lspDiagnostics`).

use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::prelude::wasm_bindgen;

use portcullis::config::Config;
use portcullis::engine::Diagnostic;
use portcullis::lsp::{self, Doc, DocKind, PositionEncoding};
use portcullis::sca::DependencyOptions;
use portcullis::source::{Date, normalize_path};

use crate::{AdvisoryInput, ScanInput, error_json, to_json};

/// Options of the `lsp*` exports (JSON keys in camelCase; unknown keys are an error).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LspInput {
    /// Text of the workspace's `.portcullis.yaml` (none: the embedded defaults).
    pub config: Option<String>,
    /// Path of that config, shown in messages (default `.portcullis.yaml`).
    pub config_path: Option<String>,
    /// Today's date, `YYYY-MM-DD` (required: the core has no clock).
    pub today: Option<String>,
    /// The document's URI as the editor knows it (used in edits and related locations;
    /// default: the path).
    pub uri: Option<String>,
    /// The editor's language id (`dockerfile` makes any name a Dockerfile).
    pub language_id: Option<String>,
    /// `utf-16` (default) or `utf-8`.
    pub position_encoding: Option<String>,
    /// Threshold override (error, warning, note, none): findings below it are still shown;
    /// it only changes what the config says, as `--fail-on` does.
    pub fail_on: Option<String>,
    /// OSV advisory records for manifests (as `scanJson`); absent: dependencies not checked.
    pub advisories: Option<Vec<AdvisoryInput>>,
    /// `lspHover`: the cursor, `{line, character}`.
    pub position: Option<Value>,
    /// `lspCodeActions`: the selection, `{start, end}`.
    pub range: Option<Value>,
}

struct Prepared {
    path: String,
    uri: String,
    kind: DocKind,
    config: Config,
    today: Date,
    encoding: PositionEncoding,
    dependencies: Option<DependencyOptions>,
    notes: Vec<Diagnostic>,
}

enum Failure {
    Input(Vec<String>),
    Config(Vec<lsp::ConfigProblem>, String),
}

fn failure_json(kind: Option<DocKind>, f: Failure) -> String {
    match f {
        Failure::Input(errors) => error_json(&errors),
        Failure::Config(problems, display) => {
            let list: Vec<Value> = problems
                .iter()
                .map(|p| json!({ "line": p.line, "message": p.message }))
                .collect();
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            to_json(&json!({
                "ok": false,
                "kind": kind.map(DocKind::as_str),
                "errors": [format!("{display} is invalid: {first}")],
                "configErrors": list,
            }))
        }
    }
}

fn prepare(
    path: &str,
    options_json: &str,
) -> Result<(Prepared, LspInput), (Option<DocKind>, Failure)> {
    let mut input: LspInput = if options_json.trim().is_empty() {
        LspInput::default()
    } else {
        serde_json::from_str(options_json)
            .map_err(|e| (None, Failure::Input(vec![format!("options: {e}")])))?
    };
    let path = normalize_path(path);
    if path.is_empty() {
        return Err((None, Failure::Input(vec!["path is empty".into()])));
    }
    let kind = DocKind::of(&path, input.language_id.as_deref());
    let today = match input.today.as_deref() {
        Some(t) => Date::parse(t).ok_or_else(|| format!("today `{t}` is not a YYYY-MM-DD date")),
        None => Err("today is required (YYYY-MM-DD): the core has no clock".to_string()),
    }
    .map_err(|e| (Some(kind), Failure::Input(vec![e])))?;
    let encoding = match input.position_encoding.as_deref() {
        None | Some("utf-16") => PositionEncoding::Utf16,
        Some("utf-8") => PositionEncoding::Utf8,
        Some(other) => {
            return Err((
                Some(kind),
                Failure::Input(vec![format!(
                    "positionEncoding `{other}` is not utf-16 or utf-8"
                )]),
            ));
        }
    };
    let mut config = match &input.config {
        None => Config::default(),
        Some(text) => {
            let display = input
                .config_path
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| ".portcullis.yaml".into());
            lsp::parse_config(&display, text)
                .map_err(|p| (Some(kind), Failure::Config(p, display)))?
        }
    };
    if let Some(f) = input.fail_on.as_deref().filter(|s| !s.trim().is_empty()) {
        match portcullis::finding::FailOn::parse(f) {
            Some(f) => config.fail_on = f,
            None => {
                return Err((
                    Some(kind),
                    Failure::Input(vec![format!(
                        "failOn `{f}` is not one of error, warning, note, none"
                    )]),
                ));
            }
        }
    }
    let mut notes = Vec::new();
    let dependencies = if kind == DocKind::Manifest && input.advisories.is_some() {
        let scan_input = ScanInput {
            advisories: input.advisories.take(),
            ..ScanInput::default()
        };
        let (data, _) = crate::advisory_data(&scan_input, &mut notes);
        Some(DependencyOptions::new(data))
    } else {
        None
    };
    let uri = input
        .uri
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| path.clone());
    Ok((
        Prepared {
            path,
            uri,
            kind,
            config,
            today,
            encoding,
            dependencies,
            notes,
        },
        input,
    ))
}

/// Diagnostics of one document: findings and extraction problems of a Dockerfile or manifest,
/// config errors of a `.portcullis.yaml`, nothing for other files. `notes` are scan-wide
/// messages (`{severity, message}`) a host shows in its log.
#[wasm_bindgen(js_name = lspDiagnostics)]
pub fn lsp_diagnostics(path: &str, text: &str, options_json: &str) -> String {
    let (p, _) = match prepare_for(path, options_json) {
        Ok(v) => v,
        Err(s) => return s,
    };
    let doc = Doc::with_encoding(text, p.encoding);
    if p.kind == DocKind::Config {
        let diagnostics = match lsp::parse_config(&p.path, text) {
            Ok(_) => Vec::new(),
            Err(problems) => lsp::config_diagnostics(&doc, &problems),
        };
        return to_json(
            &json!({ "ok": true, "kind": "config", "diagnostics": diagnostics, "notes": [] }),
        );
    }
    let Some(scan) = lsp::scan_document(&p.path, text, p.kind, &p.config, p.today, p.dependencies)
    else {
        return to_json(
            &json!({ "ok": true, "kind": p.kind.as_str(), "diagnostics": [], "notes": [] }),
        );
    };
    let mut notes: Vec<Value> = p
        .notes
        .iter()
        .map(|d| json!({ "severity": d.severity, "message": d.message }))
        .collect();
    notes.extend(
        lsp::scan_notes(&scan.report)
            .into_iter()
            .map(|(severity, message)| json!({ "severity": severity, "message": message })),
    );
    let diagnostics = lsp::diagnostics(&scan.report, &p.path, &p.uri, &doc);
    to_json(
        &json!({ "ok": true, "kind": p.kind.as_str(), "diagnostics": diagnostics, "notes": notes }),
    )
}

/// Hover at `options.position`: an image reference (policy verdict, lifecycle), a rule id in
/// the text, or the rules of the findings under the cursor.
#[wasm_bindgen(js_name = lspHover)]
pub fn lsp_hover(path: &str, text: &str, options_json: &str) -> String {
    let (p, input) = match prepare_for(path, options_json) {
        Ok(v) => v,
        Err(s) => return s,
    };
    let Some(position) = input.position else {
        return error_json(&["position is required".into()]);
    };
    let doc = Doc::with_encoding(text, p.encoding);
    let hover = lsp::scan_document(&p.path, text, p.kind, &p.config, p.today, p.dependencies)
        .and_then(|scan| {
            lsp::hover(
                &scan.report,
                &scan.images,
                &p.path,
                &doc,
                doc.offset_of(&position),
            )
        });
    to_json(&json!({ "ok": true, "kind": p.kind.as_str(), "hover": hover }))
}

/// Quick fixes for the findings meeting `options.range`: the core's fix (when it has one) and,
/// in a Dockerfile, an ignore comment with a reason above the instruction.
#[wasm_bindgen(js_name = lspCodeActions)]
pub fn lsp_code_actions(path: &str, text: &str, options_json: &str) -> String {
    let (p, input) = match prepare_for(path, options_json) {
        Ok(v) => v,
        Err(s) => return s,
    };
    let Some(range) = input.range else {
        return error_json(&["range is required".into()]);
    };
    let doc = Doc::with_encoding(text, p.encoding);
    let actions = lsp::scan_document(&p.path, text, p.kind, &p.config, p.today, p.dependencies)
        .map(|scan| {
            lsp::code_actions(
                &scan.report,
                &p.path,
                &p.uri,
                &doc,
                doc.span_of(&range),
                p.kind == DocKind::Dockerfile,
            )
        })
        .unwrap_or_default();
    to_json(&json!({ "ok": true, "kind": p.kind.as_str(), "actions": actions }))
}

fn prepare_for(path: &str, options_json: &str) -> Result<(Prepared, LspInput), String> {
    prepare(path, options_json).map_err(|(kind, f)| failure_json(kind, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "FROM\tmicrosoft/aspnet:4.7.2\r\nRun echo 😀\r\n";

    fn parsed(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or(Value::Null)
    }

    #[test]
    fn diagnostics_hover_and_actions_in_lsp_shapes() {
        let opts = r#"{"today": "2026-11-22", "uri": "file:///w/Dockerfile"}"#;
        let d = parsed(&lsp_diagnostics("Dockerfile", TEXT, opts));
        assert_eq!(d["ok"], true, "{d}");
        assert_eq!(d["kind"], "dockerfile");
        let diags = d["diagnostics"].as_array().cloned().unwrap_or_default();
        let df404 = diags.iter().find(|x| x["code"] == "DF404").cloned();
        assert_eq!(
            df404.map(|x| x["range"].clone()),
            Some(
                json!({"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 27}})
            )
        );

        let h = parsed(&lsp_hover(
            "Dockerfile",
            TEXT,
            r#"{"today": "2026-11-22", "position": {"line": 0, "character": 9}}"#,
        ));
        assert!(
            h["hover"]["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("microsoft/aspnet")),
            "{h}"
        );

        let a = parsed(&lsp_code_actions(
            "Dockerfile",
            TEXT,
            r#"{"today": "2026-11-22", "uri": "u", "range": {"start": {"line": 1, "character": 1}, "end": {"line": 1, "character": 1}}}"#,
        ));
        let fix = a["actions"]
            .as_array()
            .and_then(|v| v.iter().find(|x| x["isPreferred"] == true).cloned());
        assert_eq!(
            fix.map(|x| x["edit"]["changes"]["u"][0]["newText"].clone()),
            Some(json!("RUN"))
        );
    }

    #[test]
    fn config_is_applied_and_errors_are_values() {
        let off = r#"{"today": "2026-11-22", "config": "rules:\n  DF404: off\n"}"#;
        let d = parsed(&lsp_diagnostics("Dockerfile", TEXT, off));
        assert!(
            d["diagnostics"]
                .as_array()
                .is_some_and(|v| !v.is_empty() && v.iter().all(|x| x["code"] != "DF404")),
            "{d}"
        );
        let bad = r#"{"today": "2026-11-22", "config": "rules:\n  DF404: sometimes\n"}"#;
        let d = parsed(&lsp_diagnostics("Dockerfile", TEXT, bad));
        assert_eq!(d["ok"], false);
        assert_eq!(d["configErrors"][0]["line"], 2, "{d}");
        let d = parsed(&lsp_diagnostics(
            ".portcullis.yaml",
            "rules:\n  DF404: sometimes\n",
            r#"{"today": "2026-11-22"}"#,
        ));
        assert_eq!(d["kind"], "config");
        assert_eq!(d["diagnostics"][0]["range"]["start"]["line"], 1, "{d}");
        for (opts, want) in [
            ("{", "options"),
            ("{}", "today"),
            (
                r#"{"today": "2026-11-22", "positionEncoding": "utf-32"}"#,
                "positionEncoding",
            ),
            (r#"{"today": "2026-11-22", "failOn": "always"}"#, "failOn"),
        ] {
            let d = parsed(&lsp_diagnostics("Dockerfile", TEXT, opts));
            assert_eq!(d["ok"], false, "{opts}");
            assert!(
                d["errors"][0].as_str().is_some_and(|e| e.contains(want)),
                "{d}"
            );
        }
        let d = parsed(&lsp_hover("Dockerfile", TEXT, r#"{"today": "2026-11-22"}"#));
        assert_eq!(d["ok"], false);
        let d = parsed(&lsp_diagnostics(
            "README.md",
            "# x\n",
            r#"{"today": "2026-11-22"}"#,
        ));
        assert_eq!(d["kind"], "other");
        assert_eq!(d["diagnostics"], json!([]));
    }
}
