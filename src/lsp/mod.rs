//! Language-server logic without I/O: a [`Report`] for one open document becomes LSP
//! diagnostics, hovers and code actions, as plain `serde_json` values shaped like the LSP 3.17
//! structures. Positions are UTF-16 code units (the LSP default encoding); lines are 0-based.
//!
//! The native server (`portcullis lsp`, in `native::lsp`) owns the transport, the documents,
//! reading the config from disk and loading advisory data; everything here (what a document is,
//! how one open document is scanned, how the config is checked, the LSP shapes) is pure, so the
//! WASM build (`lspDiagnostics`, `lspHover`, `lspCodeActions` in `wasm/`) and the VS Code
//! extension on it give the same answers as `portcullis lsp`.

use serde_json::{Value, json};

use crate::baseimage::inventory::{ImageRow, inventory};
use crate::baseimage::resolved::Resolutions;
use crate::config::{self, Config};
use crate::engine::{self, FileKind, Report, ScanOptions};
use crate::finding::{Finding, Severity};
use crate::lint::registry;
use crate::report::{help_uri_in, rule_help_uri, title_in};
use crate::sca::DependencyOptions;
use crate::source::{Date, SourceFile};
use crate::source::{LineIndex, Span};

#[cfg(test)]
mod tests;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "portcullis";

/// Reason written into an inserted ignore comment; the user replaces it.
pub const IGNORE_REASON_PLACEHOLDER: &str = "explain why this is acceptable";

/// Config file names looked up at the workspace root, first match wins.
pub const CONFIG_NAMES: [&str; 2] = [".portcullis.yaml", ".portcullis.yml"];

/// What the language server does with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// Linted (and its base images judged).
    Dockerfile,
    /// A manifest or lock file an SBOM extractor reads: extraction problems and advisories.
    Manifest,
    /// `.portcullis.yaml`: checked as a config.
    Config,
    /// Nothing to report.
    Other,
}

impl DocKind {
    /// Kind of the document at repository-relative `path`; an editor that says the document is
    /// a Dockerfile (`language_id` `dockerfile`: any name, untitled buffers) is believed.
    pub fn of(path: &str, language_id: Option<&str>) -> Self {
        let name = path.rsplit('/').next().unwrap_or(path);
        if CONFIG_NAMES.contains(&name) {
            return DocKind::Config;
        }
        match engine::classify(path) {
            FileKind::Dockerfile => DocKind::Dockerfile,
            _ if crate::sbom::extract::all().iter().any(|e| (e.wants)(path)) => DocKind::Manifest,
            _ if language_id == Some("dockerfile") => DocKind::Dockerfile,
            _ => DocKind::Other,
        }
    }

    /// `dockerfile`, `manifest`, `config` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Dockerfile => "dockerfile",
            DocKind::Manifest => "manifest",
            DocKind::Config => "config",
            DocKind::Other => "other",
        }
    }
}

/// The scan of one open document: the report (for diagnostics, hover and code actions) and,
/// for a Dockerfile, its image inventory (for hovers on image references).
#[derive(Debug)]
pub struct DocScan {
    pub report: Report,
    pub images: Vec<ImageRow>,
}

/// The SBOM root name used for documents scanned on their own.
pub const WORKSPACE_ROOT_NAME: &str = "workspace";

/// Scans one open document the way the language server does: a Dockerfile is linted whatever
/// its name (`.dockerignore` presence unknown, so DF127 stays silent) and its images are
/// inventoried; a manifest gets dependency scanning with `dependencies` (advisory data the host
/// loaded; `None` = not checked). `Config` and `Other` documents are not scanned (`None`).
pub fn scan_document(
    path: &str,
    text: &str,
    kind: DocKind,
    config: &Config,
    today: Date,
    dependencies: Option<DependencyOptions>,
) -> Option<DocScan> {
    if !matches!(kind, DocKind::Dockerfile | DocKind::Manifest) {
        return None;
    }
    let file = SourceFile::new(path, text);
    let scanned = file.path.clone();
    let files = vec![file];
    let mut opts = ScanOptions::new(today);
    opts.dockerignore_known = false;
    if kind == DocKind::Dockerfile {
        opts.forced_dockerfiles = vec![scanned];
    } else {
        let mut deps = dependencies
            .unwrap_or_else(|| DependencyOptions::new(crate::sca::AdvisoryData::Disabled));
        deps.root_name = WORKSPACE_ROOT_NAME.into();
        opts.dependencies = Some(deps);
    }
    let report = engine::scan(&files, config, &opts);
    let images = if kind == DocKind::Dockerfile {
        inventory(
            &files,
            config,
            &opts.forced_dockerfiles,
            &Resolutions::new(),
            today,
        )
    } else {
        Vec::new()
    };
    Some(DocScan { report, images })
}

/// A config problem: 1-based line (0 = unknown) and message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// Parses a `.portcullis.yaml` text (shown as `display` in messages) against the registry's
/// rule ids.
pub fn parse_config(display: &str, text: &str) -> Result<Config, Vec<ConfigProblem>> {
    let ids: Vec<&str> = registry::all().iter().map(|r| r.meta.id).collect();
    config::parse(display, text, &ids).map_err(|errs| {
        errs.into_iter()
            .map(|e| ConfigProblem {
                line: e.line,
                message: e.message,
            })
            .collect()
    })
}

/// Diagnostics for config problems, each on its line of the config document.
pub fn config_diagnostics(doc: &Doc<'_>, problems: &[ConfigProblem]) -> Vec<Value> {
    problems
        .iter()
        .map(|e| line_diagnostic(doc, Some(e.line), Severity::Error, &e.message))
        .collect()
}

/// Scan-wide notes of a report (no path: advisory data missing or stale, ...), which a host
/// shows in its log rather than on a document.
pub fn scan_notes(report: &Report) -> Vec<(Severity, &str)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.path.is_none())
        .map(|d| (d.severity, d.message.as_str()))
        .collect()
}

/// LSP `DiagnosticSeverity`: 1 error, 2 warning, 3 information.
pub fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Note => 3,
    }
}

/// How LSP `character` offsets are counted (negotiated in `initialize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// UTF-16 code units: the LSP default every client supports.
    #[default]
    Utf16,
    /// UTF-8 bytes (`positionEncoding: "utf-8"`, LSP 3.17), used only when the client offers
    /// it and not UTF-16.
    Utf8,
}

impl PositionEncoding {
    /// The LSP name (`utf-16`, `utf-8`).
    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf8 => "utf-8",
        }
    }

    /// Picks the encoding from the client's `general.positionEncodings`: UTF-16 when offered or
    /// when the list is absent (the protocol's default), else UTF-8 when offered, else UTF-16.
    pub fn negotiate(initialize_params: &Value) -> Self {
        let offered: Vec<&str> = initialize_params
            .get("capabilities")
            .and_then(|c| c.get("general"))
            .and_then(|g| g.get("positionEncodings"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !offered.contains(&"utf-16") && offered.contains(&"utf-8") {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }
}

/// One open document: its text, the line index over it and the position encoding.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub text: &'a str,
    pub lines: LineIndex,
    pub encoding: PositionEncoding,
}

impl<'a> Doc<'a> {
    /// A document addressed in UTF-16 positions.
    pub fn new(text: &'a str) -> Self {
        Self::with_encoding(text, PositionEncoding::Utf16)
    }

    pub fn with_encoding(text: &'a str, encoding: PositionEncoding) -> Self {
        Self {
            text,
            lines: LineIndex::new(text),
            encoding,
        }
    }

    /// LSP position (`{line, character}`, 0-based) of a byte offset.
    pub fn position(&self, offset: usize) -> Value {
        let p = self.lines.position(self.text, offset);
        let character = match self.encoding {
            PositionEncoding::Utf16 => p.utf16_column,
            PositionEncoding::Utf8 => {
                let start = self.lines.line_start(p.line);
                let mut off = offset.min(self.text.len());
                while off > start && !self.text.is_char_boundary(off) {
                    off -= 1;
                }
                off.saturating_sub(start)
            }
        };
        json!({ "line": p.line.saturating_sub(1), "character": character })
    }

    /// LSP range of a byte span.
    pub fn range(&self, span: Span) -> Value {
        json!({ "start": self.position(span.start), "end": self.position(span.end.max(span.start)) })
    }

    /// Byte offset of an LSP position (0-based line, character in the document's encoding).
    /// Positions past the end of a line clamp to its end (before `\r\n`); positions inside a
    /// character (a surrogate pair, a multi-byte sequence) round down to its start; lines past the
    /// end clamp to the end of the text.
    pub fn offset(&self, line: u64, character: u64) -> usize {
        let Ok(line) = usize::try_from(line) else {
            return self.text.len();
        };
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let span = self.lines.line_span(self.text, line + 1);
        let content = span.slice(self.text);
        let mut units = 0u64;
        for (i, c) in content.char_indices() {
            let width = match self.encoding {
                PositionEncoding::Utf16 => c.len_utf16(),
                PositionEncoding::Utf8 => c.len_utf8(),
            };
            let next = units + width as u64;
            if next > character {
                return span.start + i;
            }
            units = next;
        }
        span.end
    }

    /// Byte offset of an LSP `Position` JSON value (missing fields read as 0).
    pub fn offset_of(&self, pos: &Value) -> usize {
        let line = pos.get("line").and_then(Value::as_u64).unwrap_or(0);
        let ch = pos.get("character").and_then(Value::as_u64).unwrap_or(0);
        self.offset(line, ch)
    }

    /// The byte span of an LSP `Range` JSON value.
    pub fn span_of(&self, range: &Value) -> Span {
        let start = range.get("start").map_or(0, |p| self.offset_of(p));
        let end = range.get("end").map_or(start, |p| self.offset_of(p));
        Span::new(start.min(end), start.max(end))
    }
}

fn findings_for<'r>(report: &'r Report, path: &'r str) -> impl Iterator<Item = &'r Finding> + 'r {
    report
        .findings
        .iter()
        .filter(move |f| f.location.path == path && !f.is_suppressed())
}

/// Diagnostics for the document at `path` (repository-relative, as scanned): its unsuppressed
/// findings (code = rule id, codeDescription = rule doc, related locations in the same file) and
/// the scan diagnostics (config and extraction problems) that name this path, on their line.
pub fn diagnostics(report: &Report, path: &str, uri: &str, doc: &Doc<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for f in findings_for(report, path) {
        let meta = registry::find(&f.rule).map(|r| r.meta);
        let mut d = json!({
            "range": doc.range(f.location.span),
            "severity": severity_code(f.severity),
            "code": f.rule,
            "codeDescription": { "href": help_uri_in(report, &f.rule, meta) },
            "source": SOURCE,
            "message": f.message,
            "data": { "fingerprint": f.fingerprint },
        });
        let related: Vec<Value> = f
            .related
            .iter()
            .filter(|r| r.location.path == path)
            .map(|r| {
                json!({
                    "location": { "uri": uri, "range": doc.range(r.location.span) },
                    "message": r.message,
                })
            })
            .collect();
        if !related.is_empty()
            && let Some(obj) = d.as_object_mut()
        {
            obj.insert("relatedInformation".into(), Value::Array(related));
        }
        out.push(d);
    }
    for d in &report.diagnostics {
        if d.path.as_deref() != Some(path) {
            continue;
        }
        out.push(line_diagnostic(doc, d.line, d.severity, &d.message));
    }
    out
}

/// A diagnostic covering the whole 1-based `line` (or the first line when unknown).
pub fn line_diagnostic(
    doc: &Doc<'_>,
    line: Option<usize>,
    severity: Severity,
    message: &str,
) -> Value {
    let line = line.unwrap_or(1).max(1);
    let span = if line <= doc.lines.line_count() {
        doc.lines.line_span(doc.text, line)
    } else {
        Span::empty(doc.text.len())
    };
    json!({
        "range": doc.range(span),
        "severity": severity_code(severity),
        "source": SOURCE,
        "message": message,
    })
}

/// Whether `c` can be part of a rule or advisory id.
fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The id-like word (letters/digits/`-`/`_`) around `offset`, with its span.
fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let before = text.get(..offset)?;
    let after = text.get(offset..)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| id_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + after
            .char_indices()
            .find(|(_, c)| !id_char(*c))
            .map_or(after.len(), |(i, _)| i);
    let word = text.get(start..end)?;
    (!word.is_empty()).then_some((Span::new(start, end), word))
}

/// Markdown describing rule (or advisory) `id` in this report.
pub fn rule_markdown(report: &Report, id: &str) -> Option<String> {
    if let Some(rule) = registry::find(id) {
        let m = rule.meta;
        let summary = m.summary();
        let mut s = format!(
            "**{}** {} — {} ({})\n\n",
            m.id,
            m.name,
            m.title,
            m.severity.as_str()
        );
        if !summary.is_empty() {
            s.push_str(&summary);
            s.push_str("\n\n");
        }
        s.push_str(&format!("[Rule documentation]({})", m.help_uri()));
        return Some(s);
    }
    if report.sca.rules.contains_key(id) {
        return Some(format!(
            "**{id}** {}\n\n[Advisory]({})",
            title_in(report, id, None),
            help_uri_in(report, id, None)
        ));
    }
    None
}

/// Markdown describing one image reference (policy verdict, lifecycle notes, digest).
pub fn image_markdown(row: &ImageRow) -> String {
    let mut s = format!(
        "**{}**",
        row.reference.as_deref().unwrap_or(row.raw.as_str())
    );
    if let Some(stage) = &row.stage {
        s.push_str(&format!(" (stage {stage})"));
    }
    s.push_str(&format!("\n\nPolicy: **{}**", row.verdict));
    if let Some(reason) = &row.reason {
        s.push_str(&format!(" — {reason}"));
    }
    for l in &row.lifecycle {
        s.push_str(&format!("\n\n- {l}"));
    }
    if let Some(d) = &row.digest {
        s.push_str(&format!("\n\nDigest: `{d}`"));
    }
    if let Some(sig) = &row.signature {
        s.push_str(&format!("\n\nSignature: {sig}"));
    }
    s
}

/// Byte span of an image row in `doc` (rows carry 1-based line and scalar column).
fn image_span(doc: &Doc<'_>, row: &ImageRow) -> Option<Span> {
    if row.line == 0 || row.line > doc.lines.line_count() {
        return None;
    }
    let line = doc.lines.line_span(doc.text, row.line);
    let content = line.slice(doc.text);
    let start = match content.char_indices().nth(row.column.saturating_sub(1)) {
        Some((i, _)) => line.start + i,
        None => line.end,
    };
    let end = (start + row.raw.len()).min(line.end.max(start));
    Some(Span::new(start, end))
}

/// Hover at byte `offset` of the document at `path`: an image reference (from `images`, the
/// inventory rows of this document), a rule id written in the text (e.g. in a
/// `# portcullis ignore=DF501` comment), or the rules of findings whose range holds the cursor.
pub fn hover(
    report: &Report,
    images: &[ImageRow],
    path: &str,
    doc: &Doc<'_>,
    offset: usize,
) -> Option<Value> {
    for row in images.iter().filter(|r| r.path == path) {
        if let Some(span) = image_span(doc, row)
            && span.start <= offset
            && offset <= span.end
        {
            return Some(markdown_hover(image_markdown(row), doc.range(span)));
        }
    }
    if let Some((span, word)) = word_at(doc.text, offset)
        && let Some(md) = rule_markdown(report, word)
    {
        return Some(markdown_hover(md, doc.range(span)));
    }
    let mut parts: Vec<String> = Vec::new();
    let mut covered: Option<Span> = None;
    for f in findings_for(report, path) {
        let s = f.location.span;
        if s.start <= offset && offset <= s.end.max(s.start) {
            let md = rule_markdown(report, &f.rule).unwrap_or_else(|| {
                format!(
                    "**{}**\n\n[Documentation]({})",
                    f.rule,
                    rule_help_uri(&f.rule, None)
                )
            });
            if !parts.contains(&md) {
                parts.push(md);
            }
            covered = Some(covered.map_or(s, |c| c.cover(s)));
        }
    }
    let span = covered?;
    Some(markdown_hover(parts.join("\n\n---\n\n"), doc.range(span)))
}

fn markdown_hover(value: String, range: Value) -> Value {
    json!({ "contents": { "kind": "markdown", "value": value }, "range": range })
}

/// Code actions for findings of the document at `path` whose range meets `selection`: the
/// finding's fix (a `quickfix` with one `TextEdit`) and, in Dockerfiles, an ignore comment with a
/// reason inserted above the instruction holding the finding.
pub fn code_actions(
    report: &Report,
    path: &str,
    uri: &str,
    doc: &Doc<'_>,
    selection: Span,
    dockerfile: bool,
) -> Vec<Value> {
    let parsed = dockerfile.then(|| crate::dockerfile::parse(doc.text));
    let mut out = Vec::new();
    for f in findings_for(report, path) {
        let s = f.location.span;
        let meets = s.start <= selection.end && selection.start <= s.end.max(s.start);
        if !meets {
            continue;
        }
        let diag = json!({
            "range": doc.range(s),
            "severity": severity_code(f.severity),
            "code": f.rule,
            "source": SOURCE,
            "message": f.message,
        });
        if let Some(fix) = &f.fix
            && doc.text.get(fix.span.start..fix.span.end).is_some()
        {
            out.push(json!({
                "title": format!("{}: {}", f.rule, fix.description),
                "kind": "quickfix",
                "isPreferred": true,
                "diagnostics": [diag.clone()],
                "edit": { "changes": { uri: [ { "range": doc.range(fix.span), "newText": fix.replacement } ] } },
            }));
        }
        if let Some(df) = &parsed
            && let Some((at, text)) = ignore_comment_edit(df, doc, &f.rule, s.start)
        {
            out.push(json!({
                "title": format!("Ignore {} here (with a reason)", f.rule),
                "kind": "quickfix",
                "diagnostics": [diag],
                "edit": { "changes": { uri: [ { "range": doc.range(Span::empty(at)), "newText": text } ] } },
            }));
        }
    }
    out
}

/// Where and what to insert for `# portcullis ignore=RULE reason="…"` covering a finding that
/// starts at byte `at`: at the start of the first line of the instruction holding it, with the
/// instruction's indentation and the file's line ending.
pub fn ignore_comment_edit(
    df: &crate::dockerfile::Dockerfile,
    doc: &Doc<'_>,
    rule: &str,
    at: usize,
) -> Option<(usize, String)> {
    let inst = df
        .instructions
        .iter()
        .find(|i| i.full_span.start <= at && at <= i.full_span.end)?;
    let line = doc.lines.line_of(inst.full_span.start) + 1;
    let line_span = doc.lines.line_span(doc.text, line);
    let indent: String = line_span
        .slice(doc.text)
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let eol = if doc
        .text
        .get(line_span.end..)
        .is_some_and(|r| r.starts_with("\r\n"))
    {
        "\r\n"
    } else {
        "\n"
    };
    Some((
        line_span.start,
        format!("{indent}# portcullis ignore={rule} reason=\"{IGNORE_REASON_PLACEHOLDER}\"{eol}"),
    ))
}
