//! WebAssembly build of the Portcullis core.
//!
//! The boundary is plain JSON text in both directions, so the same module serves Node (the
//! GitHub Action, the Azure DevOps task, the npm package) and browsers without any JS object
//! marshalling. Every export returns a value: bad input comes back as
//! `{"ok": false, "exitCode": 2, "errors": [..]}`, never as a trap (the `wasm` profile aborts on
//! panic, so nothing here may panic).
//!
//! | export | Rust | result |
//! |---|---|---|
//! | `version()` | [`version`] | the core's version |
//! | `rulesJson()` | [`rules_json`] | JSON array of rule metadata |
//! | `wantsFile(path)` | [`wants_file`] | whether the core reads a file of that name |
//! | `fileKind(path)` | [`file_kind`] | dockerfile, dockerignore, manifest or other |
//! | `selectFiles(options, paths)` | [`select_files`] | the paths worth reading under a config |
//! | `scanJson(files, options)` | [`scan_json`] | the scan result (see [`ScanResult`]) |
//! | `lspDiagnostics`, `lspHover`, `lspCodeActions` | [`lsp`] | the language server's answers for one document |
//!
//! The same functions are plain Rust too (`rlib`), so `cargo test` checks them natively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use wasm_bindgen::prelude::wasm_bindgen;

use portcullis::config::{self, Config};
use portcullis::engine::{self, Diagnostic, FileKind, ScanOptions};
use portcullis::finding::{FailOn, Severity};
use portcullis::lint::registry;
use portcullis::report::cyclonedx::{self, CycloneDxOptions, SerialNumber};
use portcullis::report::{self, Counts};
use portcullis::sca::{Advisories, AdvisoryData, DependencyOptions};
use portcullis::source::{Date, SourceFile, normalize_path};
use portcullis::vuln::osv;

pub mod lsp;

/// Formats `scan` can render.
pub const FORMATS: &[&str] = &[
    "sarif",
    "json",
    "text",
    "compact",
    "github",
    "azure",
    "cyclonedx",
];

/// Exit code for usage, configuration and I/O errors (as the native CLI).
const EXIT_ERROR: i32 = 2;

/// The core's version (`portcullis --version`).
#[wasm_bindgen]
pub fn version() -> String {
    engine::TOOL_VERSION.to_string()
}

/// Metadata of every rule as a JSON array: the fields of `portcullis rules --json` plus
/// `summary` (the first paragraph of the rule document) and `helpUri`.
#[wasm_bindgen(js_name = rulesJson)]
pub fn rules_json() -> String {
    let list: Vec<serde_json::Value> = registry::all()
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r.meta).unwrap_or(serde_json::Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("summary".into(), r.meta.summary().into());
                obj.insert("helpUri".into(), r.meta.help_uri().into());
            }
            v
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// Whether the core reads a file with this repository-relative path: Dockerfiles,
/// `.dockerignore` files and the manifests and lock files an SBOM extractor wants (the same
/// selection the native walker makes).
#[wasm_bindgen(js_name = wantsFile)]
pub fn wants_file(path: &str) -> bool {
    file_kind(path) != "other"
}

/// What the core makes of a file by its name: `dockerfile`, `dockerignore`, `manifest` (read
/// by an SBOM extractor) or `other`.
#[wasm_bindgen(js_name = fileKind)]
pub fn file_kind(path: &str) -> String {
    let path = normalize_path(path);
    match engine::classify(&path) {
        FileKind::Dockerfile => "dockerfile",
        FileKind::DockerIgnore => "dockerignore",
        FileKind::Manifest => "manifest",
        FileKind::Other
            if portcullis::sbom::extract::all()
                .iter()
                .any(|e| (e.wants)(&path)) =>
        {
            "manifest"
        }
        FileKind::Other => "other",
    }
    .to_string()
}

/// Filters candidate paths (a JSON array of repository-relative paths) down to the ones the
/// scan reads: [`wants_file`] and not excluded by the config in `options_json` (same options as
/// [`scan_json`]; only `config` and `configPath` matter). Returns
/// `{"ok": true, "paths": [..], "advisoriesSource": ..}` (the config's `advisories.source` or
/// null, for hosts that gather advisories) or an error value.
#[wasm_bindgen(js_name = selectFiles)]
pub fn select_files(options_json: &str, paths_json: &str) -> String {
    let result = (|| -> Result<(Vec<String>, Option<String>), Vec<String>> {
        let input = parse_options(options_json)?;
        let paths: Vec<String> = serde_json::from_str(paths_json)
            .map_err(|e| vec![format!("paths: not a JSON array of strings: {e}")])?;
        let config = load_config(&input)?;
        let matcher = config.exclude_matcher();
        let mut out: Vec<String> = paths
            .iter()
            .map(|p| normalize_path(p))
            .filter(|p| !p.is_empty() && wants_file(p) && !matcher.is_match(p))
            .collect();
        out.sort();
        out.dedup();
        Ok((out, config.advisories.source))
    })();
    match result {
        Ok((paths, source)) => {
            to_json(&serde_json::json!({ "ok": true, "paths": paths, "advisoriesSource": source }))
        }
        Err(errors) => error_json(&errors),
    }
}

/// Scans files and renders the requested formats.
///
/// `files_json` is a JSON object mapping repository-relative paths (`/` separators) to file
/// contents. `options_json` is a JSON object (see [`ScanInput`]); `today` is required because
/// the core has no clock. Returns a [`ScanResult`] as JSON, or
/// `{"ok": false, "exitCode": 2, "errors": [..]}` for unusable input.
#[wasm_bindgen(js_name = scanJson)]
pub fn scan_json(files_json: &str, options_json: &str) -> String {
    match scan_inner(files_json, options_json) {
        Ok(result) => to_json(&result),
        Err(errors) => error_json(&errors),
    }
}

/// Options of [`scan_json`] (JSON keys in camelCase; unknown keys are an error).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ScanInput {
    /// Text of a `.portcullis.yaml` (none: the embedded defaults).
    pub config: Option<String>,
    /// Path of that config, shown in messages (default `.portcullis.yaml`).
    pub config_path: Option<String>,
    /// Formats to render: sarif, json, text, github, azure, cyclonedx.
    pub formats: Vec<String>,
    /// Threshold override: error, warning, note, none.
    pub fail_on: Option<String>,
    /// Today's date, `YYYY-MM-DD` (required).
    pub today: Option<String>,
    /// SARIF `automationDetails.id` (analysis category).
    pub category: Option<String>,
    /// Final stage (like `docker build --target`).
    pub target: Option<String>,
    /// Build arguments used to resolve ARGs in FROM.
    pub build_args: BTreeMap<String, String>,
    /// Windows Server versions of the container hosts (ltsc2019, ltsc2022, ltsc2025).
    pub windows_hosts: Vec<String>,
    /// Paths linted as Dockerfiles whatever their names.
    pub forced_dockerfiles: Vec<String>,
    /// Whether every `.dockerignore` the scan could see was passed (default true).
    pub dockerignore_known: Option<bool>,
    /// Diagnostics of the caller (unreadable or oversized files); error ones make exit code 2.
    pub diagnostics: Vec<DiagnosticInput>,
    /// Dependency scanning (SBOM of manifests, lock files and Dockerfiles, advisory matching);
    /// default true. `false` lints Dockerfiles only (no `cyclonedx`).
    pub dependencies: Option<bool>,
    /// Report dependency findings only (known-vulnerable packages), not Dockerfile rules (as
    /// `portcullis scan --dependencies-only`).
    pub dependencies_only: bool,
    /// OSV advisory records: JSON texts (object, array or `{"vulns": [..]}`), bare or with a
    /// path for messages. Absent: checking is off (a note says so). Present, even empty: the
    /// dependencies are matched against these records.
    pub advisories: Option<Vec<AdvisoryInput>>,
    /// Where the records came from, for the report (default: "N advisory files").
    pub advisory_source: Option<String>,
    /// The host could not get advisory data (API down, ...): why. Dependencies are then listed
    /// but not checked, and a warning says so. Wins over `advisories`.
    pub advisories_unavailable: Option<String>,
    /// CycloneDX VEX documents (JSON): not_affected / false_positive suppress matches.
    pub vex: Vec<TextInput>,
    /// CycloneDX settings.
    pub sbom: SbomInput,
    /// Whether the result carries `findings` (default true). Hosts that only write the
    /// rendered formats set it to false and get `null`, which saves rendering them as JSON.
    pub findings: Option<bool>,
    /// ANSI colour in the text format.
    pub color: bool,
}

/// A diagnostic handed in by the caller.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiagnosticInput {
    pub severity: Severity,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub line: Option<usize>,
    pub message: String,
}

/// One advisory source text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AdvisoryInput {
    Text(String),
    File { path: String, text: String },
}

/// A named text (a VEX document).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    pub path: String,
    pub text: String,
}

/// CycloneDX options: the core has no clock and no random source, so both come from the host.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct SbomInput {
    /// Name of the scanned root (`metadata.component`), default `project`.
    pub root_name: Option<String>,
    /// `metadata.timestamp`, seconds since the Unix epoch (default 0).
    pub timestamp: i64,
    /// 32 hex digits of random bytes for a version-4 serial number; absent: reproducible
    /// (derived from the content).
    pub serial: Option<String>,
}

/// Counts of a scan.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanCounts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
    /// Unsuppressed findings at or above the threshold.
    pub failing: usize,
    /// Files scanned (Dockerfiles, `.dockerignore` files, manifests and lock files).
    pub files: usize,
    /// Files handed in.
    pub inputs: usize,
}

/// What the advisory records handed in amounted to.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvisoryStats {
    pub sources: usize,
    pub records: usize,
    pub withdrawn: usize,
    pub errors: usize,
    /// Whether the dependencies were matched against them.
    pub applied: bool,
}

/// The result of [`scan_json`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    pub ok: bool,
    pub version: &'static str,
    /// 0 clean, 1 findings at or above the threshold, 2 error diagnostics (I/O, config).
    pub exit_code: i32,
    /// The threshold in force.
    pub fail_on: FailOn,
    pub counts: ScanCounts,
    /// The findings as in the JSON format (`findings` of [`report::json`]); `null` when the
    /// options set `findings: false`.
    pub findings: Box<RawValue>,
    /// Diagnostics, sorted (caller's and the core's).
    pub diagnostics: Vec<Diagnostic>,
    pub advisories: AdvisoryStats,
    pub sarif: Option<String>,
    pub json: Option<String>,
    pub text: Option<String>,
    /// One line per finding (see [`report::compact`]).
    pub compact: Option<String>,
    /// GitHub workflow commands, one per line.
    pub github: Option<String>,
    /// Azure DevOps logging commands, one per line.
    pub azure: Option<String>,
    pub cyclonedx: Option<String>,
}

fn parse_options(options_json: &str) -> Result<ScanInput, Vec<String>> {
    if options_json.trim().is_empty() {
        return Ok(ScanInput::default());
    }
    serde_json::from_str(options_json).map_err(|e| vec![format!("options: {e}")])
}

fn load_config(input: &ScanInput) -> Result<Config, Vec<String>> {
    let Some(text) = &input.config else {
        return Ok(Config::default());
    };
    let path = input
        .config_path
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| ".portcullis.yaml".into());
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta.id).collect();
    config::parse(&path, text, &ids).map_err(|errs| {
        let mut out = vec![format!("invalid config {path}:")];
        out.extend(errs.iter().map(ToString::to_string));
        out
    })
}

/// The config with the option overrides applied (as the CLI flags do).
fn effective_config(input: &ScanInput) -> Result<Config, Vec<String>> {
    let mut config = load_config(input)?;
    let mut errors = Vec::new();
    if let Some(f) = input.fail_on.as_deref().filter(|s| !s.trim().is_empty()) {
        match FailOn::parse(f) {
            Some(f) => config.fail_on = f,
            None => errors.push(format!(
                "failOn `{f}` is not one of error, warning, note, none"
            )),
        }
    }
    if let Some(t) = input.target.as_deref().filter(|s| !s.trim().is_empty()) {
        config.target = Some(t.to_string());
    }
    for (k, v) in &input.build_args {
        config.build_args.insert(k.clone(), v.clone());
    }
    for h in &input.windows_hosts {
        if let Err(e) = config.add_windows_host(h) {
            errors.push(format!("windowsHosts {e}"));
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn scan_inner(files_json: &str, options_json: &str) -> Result<ScanResult, Vec<String>> {
    let input = parse_options(options_json)?;
    let files: BTreeMap<String, String> = serde_json::from_str(files_json).map_err(|e| {
        vec![format!(
            "files: not a JSON object mapping paths to contents: {e}"
        )]
    })?;
    let mut errors = Vec::new();
    let today = match input.today.as_deref() {
        Some(t) => Date::parse(t).ok_or_else(|| format!("today `{t}` is not a YYYY-MM-DD date")),
        None => Err("today is required (YYYY-MM-DD): the core has no clock".to_string()),
    };
    let today = today.map_err(|e| errors.push(e)).ok();
    for f in &input.formats {
        if !FORMATS.contains(&f.as_str()) {
            errors.push(format!("format `{f}` is not one of {}", FORMATS.join(", ")));
        }
    }
    let serial = match input.sbom.serial.as_deref() {
        None => Some(SerialNumber::Reproducible),
        Some(s) => match parse_hex16(s) {
            Some(b) => Some(SerialNumber::Random(b)),
            None => {
                errors.push(format!("sbom.serial `{s}` is not 32 hex digits"));
                None
            }
        },
    };
    let config = match effective_config(&input) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let (Some(today), Some(config), Some(serial), true) =
        (today, config, serial, errors.is_empty())
    else {
        return Err(errors);
    };

    let sources: Vec<SourceFile> = files
        .into_iter()
        .map(|(path, text)| SourceFile::new(path, text))
        .filter(|f| !f.path.is_empty())
        .collect();
    let mut caller_diagnostics: Vec<Diagnostic> = input
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            severity: d.severity,
            path: d.path.as_deref().map(normalize_path),
            line: d.line,
            message: d.message.clone(),
        })
        .collect();

    let wants = |f: &str| input.formats.iter().any(|x| x == f);
    let dependencies = input.dependencies.unwrap_or(true);
    if !dependencies && input.dependencies_only {
        return Err(vec![
            "dependenciesOnly needs dependency scanning (dependencies: false)".into(),
        ]);
    }
    if !dependencies && wants("cyclonedx") {
        return Err(vec![
            "format `cyclonedx` needs dependency scanning (dependencies: false)".into(),
        ]);
    }
    let mut opts = ScanOptions {
        dockerignore_known: input.dockerignore_known.unwrap_or(true),
        forced_dockerfiles: input
            .forced_dockerfiles
            .iter()
            .map(|p| normalize_path(p))
            .collect(),
        ..ScanOptions::new(today)
    };
    let (data, advisories) = advisory_data(&input, &mut caller_diagnostics);
    if dependencies {
        let mut deps = DependencyOptions::new(data);
        deps.root_name = input
            .sbom
            .root_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "project".into());
        deps.vex = parse_vex(&input.vex, &mut caller_diagnostics);
        opts = opts.with_dependencies(deps);
    }

    let mut report = engine::scan(&sources, &config, &opts);
    if input.dependencies_only {
        engine::keep_dependency_findings(&mut report);
    }
    engine::add_host_diagnostics(&mut report, caller_diagnostics);

    let io_errors = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let exit_code = if report.exit_code() == 1 {
        1
    } else if io_errors {
        EXIT_ERROR
    } else {
        0
    };
    let counts = Counts::of(&report);
    let json_text =
        (wants("json") || input.findings != Some(false)).then(|| report::json::render(&report));
    let findings = match &json_text {
        Some(text) if input.findings != Some(false) => findings_of(text)?,
        _ => {
            RawValue::from_string("null".to_string()).map_err(|e| vec![format!("findings: {e}")])?
        }
    };

    let cyclonedx = match (&report.sbom, wants("cyclonedx")) {
        (Some(sbom), true) => {
            let vulnerabilities = portcullis::sca::cdx::vulnerabilities(&report.sca);
            let mut opts =
                CycloneDxOptions::new(serial, input.sbom.timestamp, engine::TOOL_VERSION);
            opts.vulnerabilities = &vulnerabilities;
            Some(cyclonedx::render_json(sbom, &opts))
        }
        _ => None,
    };

    Ok(ScanResult {
        ok: true,
        version: engine::TOOL_VERSION,
        exit_code,
        fail_on: report.fail_on,
        counts: ScanCounts {
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            suppressed: counts.suppressed,
            failing: report.failing(),
            files: report.files.len(),
            inputs: sources.len(),
        },
        findings,
        diagnostics: report.diagnostics.clone(),
        advisories,
        sarif: wants("sarif").then(|| {
            report::sarif::render(
                &report,
                &report::sarif::SarifOptions {
                    automation_id: input.category.clone().filter(|c| !c.trim().is_empty()),
                    tool_version: engine::TOOL_VERSION,
                },
            )
        }),
        json: if wants("json") { json_text } else { None },
        text: wants("text")
            .then(|| report::text::render(&report, &report::TextOptions { color: input.color })),
        compact: wants("compact").then(|| report::compact::render(&report)),
        github: wants("github").then(|| report::github::render(&report)),
        azure: wants("azure").then(|| report::azure::render(&report)),
        cyclonedx,
    })
}

/// The advisory data of a scan and what it amounted to. Syntax and schema errors in records
/// become warning diagnostics (a broken record never stops the scan).
fn advisory_data(
    input: &ScanInput,
    diagnostics: &mut Vec<Diagnostic>,
) -> (AdvisoryData, AdvisoryStats) {
    let mut stats = AdvisoryStats {
        sources: 0,
        records: 0,
        withdrawn: 0,
        errors: 0,
        applied: false,
    };
    if let Some(why) = input
        .advisories_unavailable
        .as_deref()
        .filter(|w| !w.trim().is_empty())
    {
        return (AdvisoryData::Unavailable(why.to_string()), stats);
    }
    let Some(inputs) = &input.advisories else {
        return (AdvisoryData::Disabled, stats);
    };
    stats.sources = inputs.len();
    let mut records = Vec::new();
    for (i, a) in inputs.iter().enumerate() {
        let (path, text) = match a {
            AdvisoryInput::Text(t) => (format!("advisories[{i}]"), t.as_str()),
            AdvisoryInput::File { path, text } => (normalize_path(path), text.as_str()),
        };
        let (recs, errs) = osv::parse_records(&path, text);
        records.extend(recs);
        stats.errors += errs.len();
        diagnostics.extend(errs.iter().map(|e| Diagnostic {
            severity: Severity::Warning,
            path: None,
            line: None,
            message: format!("advisory record skipped: {e}"),
        }));
    }
    let source = input
        .advisory_source
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} advisory file{}",
                inputs.len(),
                if inputs.len() == 1 { "" } else { "s" }
            )
        });
    let advisories = Advisories::new(records, vec![source]);
    let s = advisories.index().stats();
    stats.records = s.records;
    stats.withdrawn = s.withdrawn;
    stats.applied = true;
    (AdvisoryData::Loaded(std::sync::Arc::new(advisories)), stats)
}

/// VEX statements of the given documents; unreadable documents are error diagnostics (as
/// `--vex` in the CLI).
fn parse_vex(
    docs: &[TextInput],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<portcullis::sca::vex::VexStatement> {
    let mut out = Vec::new();
    for d in docs {
        let path = normalize_path(&d.path);
        portcullis::sca::vex::parse_into(&path, &d.text, "vex", &mut out, diagnostics);
    }
    out
}

/// The `findings` array of a rendered JSON report, as raw JSON.
fn findings_of(json_text: &str) -> Result<Box<RawValue>, Vec<String>> {
    #[derive(Deserialize)]
    struct Doc<'a> {
        #[serde(borrow)]
        findings: &'a RawValue,
    }
    serde_json::from_str::<Doc<'_>>(json_text)
        .map(|d| d.findings.to_owned())
        .map_err(|e| vec![format!("internal error: JSON report unreadable: {e}")])
}

fn parse_hex16(s: &str) -> Option<[u8; 16]> {
    let s = s.trim();
    if s.len() != 32 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|e| error_json(&[format!("internal error: result not serializable: {e}")]))
}

fn error_json(errors: &[String]) -> String {
    let v = serde_json::json!({
        "ok": false,
        "version": engine::TOOL_VERSION,
        "exitCode": EXIT_ERROR,
        "errors": errors,
    });
    // A `Value` of strings always serializes; keep the fallback valid JSON anyway.
    serde_json::to_string(&v)
        .unwrap_or_else(|_| "{\"ok\":false,\"exitCode\":2,\"errors\":[\"internal error\"]}".into())
}

#[cfg(test)]
mod tests;
