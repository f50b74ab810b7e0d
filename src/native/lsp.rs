//! `portcullis lsp`: a language server over stdio (JSON-RPC with `Content-Length` framing via
//! `lsp-server`). It keeps the open documents, scans a document when it is opened or saved and
//! shortly after it stops changing, and answers hover and code-action requests with the pure
//! logic of [`crate::lsp`]. `.portcullis.yaml` at the workspace root is read at start and
//! re-read when it changes on disk or is saved in the editor; an invalid config is reported on
//! the config document and in a message, and the previous config stays in force.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::config::Config;
use crate::engine::{self, Report};
use crate::lsp::{self as core, CONFIG_NAMES, ConfigProblem, Doc, DocKind, PositionEncoding};
use crate::native::advisories::{self, LoadOptions, Needs, SourceSpec};
use crate::sca::DependencyOptions;
use crate::source::{Date, SourceFile, normalize_path};

/// Quiet time after the last change before a document is scanned again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server on standard input/output until `shutdown` + `exit`. Returns an error when the
/// client exits without `shutdown` or the transport fails (the caller exits non-zero).
pub fn serve() -> Result<(), BoxError> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection.initialize_start()?;
    let root = workspace_root(&params);
    let encoding = PositionEncoding::negotiate(&params);
    connection.initialize_finish(id, initialize_result(encoding))?;
    let mut server = Server::new(&connection, root, encoding);
    if can_watch_files(&params) {
        server.register_config_watcher()?;
    }
    server.load_config_from_disk();
    let outcome = server.run();
    drop(connection);
    io_threads.join()?;
    outcome
}

/// The `InitializeResult`: the negotiated position encoding, incremental sync with save, hover,
/// quick fixes.
fn initialize_result(encoding: PositionEncoding) -> Value {
    json!({
        "capabilities": {
            "positionEncoding": encoding.as_str(),
            "textDocumentSync": {
                "openClose": true,
                "change": 2,
                "save": { "includeText": true }
            },
            "hoverProvider": true,
            "codeActionProvider": { "codeActionKinds": ["quickfix"] }
        },
        "serverInfo": { "name": "portcullis", "version": engine::TOOL_VERSION }
    })
}

/// The workspace root from `initialize`: the first workspace folder, else `rootUri`, else
/// `rootPath`.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let folder = params
        .get("workspaceFolders")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|f| f.get("uri"))
        .and_then(Value::as_str)
        .and_then(uri_to_path);
    folder
        .or_else(|| {
            params
                .get("rootUri")
                .and_then(Value::as_str)
                .and_then(uri_to_path)
        })
        .or_else(|| {
            params
                .get("rootPath")
                .and_then(Value::as_str)
                .map(PathBuf::from)
        })
}

/// Whether the client lets the server register file watchers itself.
fn can_watch_files(params: &Value) -> bool {
    params
        .get("capabilities")
        .and_then(|c| c.get("workspace"))
        .and_then(|w| w.get("didChangeWatchedFiles"))
        .and_then(|d| d.get("dynamicRegistration"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// A local path from a `file:` URI (percent-decoded; `file:///C:/x` → `C:/x`).
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // Drop an authority (`file://localhost/x`).
    let rest = match rest.find('/') {
        Some(0) => rest,
        Some(i) => rest.get(i..)?,
        None => return None,
    };
    let decoded = percent_decode(rest)?;
    let bytes = decoded.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes.first() == Some(&b'/')
        && bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(2) == Some(&b':');
    if windows_drive {
        return decoded.get(1..).map(PathBuf::from);
    }
    Some(PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

struct OpenDoc {
    text: String,
    version: Option<i64>,
    /// Repository-relative path (relative to the workspace root when inside it).
    path: String,
    kind: DocKind,
    /// The last scan of this document (for hover and code actions).
    report: Option<Report>,
    images: Vec<crate::baseimage::inventory::ImageRow>,
}

struct Server<'c> {
    connection: &'c Connection,
    root: Option<PathBuf>,
    config: Config,
    config_path: Option<PathBuf>,
    docs: BTreeMap<String, OpenDoc>,
    /// Documents waiting for their debounced scan, with the time it is due.
    pending: BTreeMap<String, Instant>,
    today: Date,
    encoding: PositionEncoding,
    /// Scan-wide messages already sent to the client's log.
    logged: BTreeSet<String>,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, root: Option<PathBuf>, encoding: PositionEncoding) -> Self {
        let root = root.map(|r| r.canonicalize().unwrap_or(r));
        Self {
            connection,
            root,
            config: Config::default(),
            config_path: None,
            docs: BTreeMap::new(),
            pending: BTreeMap::new(),
            today: super::today(),
            encoding,
            logged: BTreeSet::new(),
        }
    }

    fn run(&mut self) -> Result<(), BoxError> {
        loop {
            let next_due = self.pending.values().min().copied();
            let msg = match next_due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => m,
                        Err(e) if e.is_timeout() => {
                            self.flush_due();
                            continue;
                        }
                        Err(_) => return Err("the client closed the connection".into()),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Err("the client closed the connection".into()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if self.connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    self.on_request(req)?;
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Err("exit without shutdown".into());
                    }
                    self.on_notification(&n)?;
                }
                Message::Response(_) => {}
            }
        }
    }

    /// Asks the client to report changes of the config file (`client/registerCapability`); the
    /// answer needs no handling.
    fn register_config_watcher(&self) -> Result<(), BoxError> {
        let params = json!({ "registrations": [{
            "id": "portcullis-config",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": { "watchers": [
                { "globPattern": "**/.portcullis.yaml" },
                { "globPattern": "**/.portcullis.yml" }
            ] }
        }] });
        self.send(Message::Request(Request::new(
            RequestId::from("portcullis/register-config-watcher".to_string()),
            "client/registerCapability".to_string(),
            params,
        )))
    }

    fn send(&self, msg: Message) -> Result<(), BoxError> {
        self.connection.sender.send(msg).map_err(|e| e.into())
    }

    fn notify(&self, method: &str, params: Value) -> Result<(), BoxError> {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )))
    }

    fn show_message(&self, kind: u8, message: &str) -> Result<(), BoxError> {
        self.notify(
            "window/showMessage",
            json!({ "type": kind, "message": message }),
        )
    }

    fn on_request(&mut self, req: Request) -> Result<(), BoxError> {
        let Request { id, method, params } = req;
        let response = match method.as_str() {
            "textDocument/hover" => self.hover(id.clone(), &params),
            "textDocument/codeAction" => self.code_action(id.clone(), &params),
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request {method}"),
            ),
        };
        self.send(Message::Response(response))
    }

    fn invalid(id: RequestId, what: &str) -> Response {
        Response::new_err(id, ErrorCode::InvalidParams as i32, what.to_string())
    }

    /// Makes sure the document's last scan reflects its text (a pending debounced scan runs now).
    fn fresh(&mut self, uri: &str) -> Result<(), BoxError> {
        if self.pending.remove(uri).is_some() {
            self.analyze(uri)?;
        }
        Ok(())
    }

    fn hover(&mut self, id: RequestId, params: &Value) -> Response {
        let Some(uri) = text_document_uri(params) else {
            return Self::invalid(id, "missing textDocument.uri");
        };
        let Some(position) = params.get("position") else {
            return Self::invalid(id, "missing position");
        };
        if let Err(e) = self.fresh(&uri) {
            return Response::new_err(id, ErrorCode::InternalError as i32, e.to_string());
        }
        let result = self.docs.get(&uri).and_then(|d| {
            let report = d.report.as_ref()?;
            let doc = Doc::with_encoding(&d.text, self.encoding);
            let offset = doc.offset_of(position);
            core::hover(report, &d.images, &d.path, &doc, offset)
        });
        Response::new_ok(id, result.unwrap_or(Value::Null))
    }

    fn code_action(&mut self, id: RequestId, params: &Value) -> Response {
        let Some(uri) = text_document_uri(params) else {
            return Self::invalid(id, "missing textDocument.uri");
        };
        let Some(range) = params.get("range") else {
            return Self::invalid(id, "missing range");
        };
        if !wants_quickfix(params) {
            return Response::new_ok(id, Value::Array(Vec::new()));
        }
        if let Err(e) = self.fresh(&uri) {
            return Response::new_err(id, ErrorCode::InternalError as i32, e.to_string());
        }
        let actions = self
            .docs
            .get(&uri)
            .and_then(|d| {
                let report = d.report.as_ref()?;
                let doc = Doc::with_encoding(&d.text, self.encoding);
                let sel = doc.span_of(range);
                Some(core::code_actions(
                    report,
                    &d.path,
                    &uri,
                    &doc,
                    sel,
                    d.kind == DocKind::Dockerfile,
                ))
            })
            .unwrap_or_default();
        Response::new_ok(id, Value::Array(actions))
    }

    fn on_notification(&mut self, n: &Notification) -> Result<(), BoxError> {
        let p = &n.params;
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let item = p.get("textDocument");
                let uri = item.and_then(|i| i.get("uri")).and_then(Value::as_str);
                let text = item.and_then(|i| i.get("text")).and_then(Value::as_str);
                let version = item.and_then(|i| i.get("version")).and_then(Value::as_i64);
                let language = item
                    .and_then(|i| i.get("languageId"))
                    .and_then(Value::as_str);
                if let (Some(uri), Some(text)) = (uri, text) {
                    let path = self.relative(uri);
                    let kind = DocKind::of(&path, language);
                    self.docs.insert(
                        uri.to_string(),
                        OpenDoc {
                            text: text.to_string(),
                            version,
                            path,
                            kind,
                            report: None,
                            images: Vec::new(),
                        },
                    );
                    self.pending.remove(uri);
                    self.analyze(uri)?;
                }
            }
            "textDocument/didChange" => {
                let Some(uri) = text_document_uri(p) else {
                    return Ok(());
                };
                let version = p
                    .get("textDocument")
                    .and_then(|t| t.get("version"))
                    .and_then(Value::as_i64);
                let encoding = self.encoding;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return Ok(());
                };
                for change in p
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    apply_change(&mut doc.text, change, encoding);
                }
                doc.version = version.or(doc.version);
                self.pending.insert(uri, Instant::now() + DEBOUNCE);
            }
            "textDocument/didSave" => {
                let Some(uri) = text_document_uri(p) else {
                    return Ok(());
                };
                if let Some(text) = p.get("text").and_then(Value::as_str)
                    && let Some(doc) = self.docs.get_mut(&uri)
                {
                    doc.text = text.to_string();
                }
                self.pending.remove(&uri);
                let is_config = self
                    .docs
                    .get(&uri)
                    .is_some_and(|d| d.kind == DocKind::Config);
                if is_config {
                    self.load_config_from_disk();
                } else {
                    self.analyze(&uri)?;
                }
            }
            "textDocument/didClose" => {
                if let Some(uri) = text_document_uri(p) {
                    self.docs.remove(&uri);
                    self.pending.remove(&uri);
                    self.publish(&uri, None, Vec::new())?;
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let touches_config = p
                    .get("changes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.get("uri").and_then(Value::as_str))
                    .any(|u| {
                        let name = u.rsplit('/').next().unwrap_or(u);
                        CONFIG_NAMES.contains(&name)
                    });
                if touches_config {
                    self.load_config_from_disk();
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Path of a document for the scan: relative to the workspace root when inside it, else
    /// its file name.
    fn relative(&self, uri: &str) -> String {
        let Some(path) = uri_to_path(uri) else {
            let tail = uri.rsplit('/').next().unwrap_or(uri);
            return normalize_path(&percent_decode(tail).unwrap_or_else(|| tail.to_string()));
        };
        if let Some(root) = &self.root {
            let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
            if let Ok(rel) = abs.strip_prefix(root).or_else(|_| path.strip_prefix(root)) {
                let rel = normalize_path(&rel.to_string_lossy());
                if !rel.is_empty() {
                    return rel;
                }
            }
        }
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| normalize_path(&path.to_string_lossy()))
    }

    fn flush_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            if let Err(e) = self.analyze(&uri) {
                eprintln!("portcullis lsp: {e}");
            }
        }
    }

    /// Scans one open document and publishes its diagnostics.
    fn analyze(&mut self, uri: &str) -> Result<(), BoxError> {
        let Some(doc) = self.docs.get(uri) else {
            return Ok(());
        };
        let (path, kind, text, version) =
            (doc.path.clone(), doc.kind, doc.text.clone(), doc.version);
        let diagnostics = match kind {
            DocKind::Other => Vec::new(),
            DocKind::Config => {
                let name = path.clone();
                match parse_config(&name, &text) {
                    Ok(_) => Vec::new(),
                    Err(errors) => config_diagnostics(&text, &errors, self.encoding),
                }
            }
            DocKind::Dockerfile | DocKind::Manifest => {
                let dependencies = (kind == DocKind::Manifest).then(|| {
                    self.dependency_options(&[SourceFile::new(path.clone(), text.clone())])
                });
                let Some(core::DocScan { report, images }) =
                    core::scan_document(&path, &text, kind, &self.config, self.today, dependencies)
                else {
                    return self.publish(uri, version, Vec::new());
                };
                let scanned_path = normalize_path(&path);
                // Scan-wide notes (advisory data missing or stale) go to the client's log, each
                // message once per session.
                for (severity, message) in core::scan_notes(&report) {
                    if self.logged.insert(message.to_string()) {
                        self.notify(
                            "window/logMessage",
                            json!({ "type": core::severity_code(severity), "message": format!("portcullis: {message}") }),
                        )?;
                    }
                }
                let lsp_doc = Doc::with_encoding(&text, self.encoding);
                let diags = core::diagnostics(&report, &scanned_path, uri, &lsp_doc);
                if let Some(d) = self.docs.get_mut(uri) {
                    d.report = Some(report);
                    d.images = images;
                }
                diags
            }
        };
        self.publish(uri, version, diagnostics)
    }

    /// Advisories for a manifest: only local sources (the offline database or a configured
    /// path), never the network from inside an editor.
    fn dependency_options(&self, files: &[SourceFile]) -> DependencyOptions {
        let sbom = engine::dependency_sbom(files, &self.config, core::WORKSPACE_ROOT_NAME);
        let base = self.config_path.as_deref().and_then(Path::parent);
        let spec = match self.config.advisories.source.as_deref() {
            Some(v) => match SourceSpec::parse(v, base) {
                p @ SourceSpec::Path(_) => p,
                SourceSpec::None => SourceSpec::None,
                _ => SourceSpec::Offline,
            },
            None => SourceSpec::Offline,
        };
        let opts = LoadOptions {
            today: self.today,
            max_db_age_days: self.config.advisories.max_db_age_days,
            cache_root: advisories::cache_root(),
            zip_limits: advisories::ZipLimits::default(),
            filter: true,
        };
        let loaded = advisories::load(&[spec], &Needs::of(&sbom), &opts, &|| {
            Err("online advisories are not used by the language server".to_string())
        });
        let mut deps = DependencyOptions::new(loaded.data);
        deps.root_name = core::WORKSPACE_ROOT_NAME.into();
        // The SBOM assembled above is the one the scan needs: reused, not assembled again.
        deps.sbom = Some(sbom);
        deps
    }

    fn publish(
        &self,
        uri: &str,
        version: Option<i64>,
        diagnostics: Vec<Value>,
    ) -> Result<(), BoxError> {
        let mut params = json!({ "uri": uri, "diagnostics": diagnostics });
        if let (Some(v), Some(obj)) = (version, params.as_object_mut()) {
            obj.insert("version".into(), json!(v));
        }
        self.notify("textDocument/publishDiagnostics", params)
    }

    /// (Re)reads `.portcullis.yaml` at the workspace root. An invalid file keeps the previous
    /// config, is reported on the config document (when open) and in a message; a valid one
    /// replaces it and every open document is scanned again.
    fn load_config_from_disk(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let found = CONFIG_NAMES
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file());
        let Some(path) = found else {
            if self.config_path.take().is_some() {
                self.config = Config::default();
                self.rescan_all();
            }
            return;
        };
        let display = super::relative_path(&path, &root);
        let config_uri = self
            .docs
            .iter()
            .find(|(_, d)| d.kind == DocKind::Config && d.path == display)
            .map(|(u, _)| u.clone());
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let _ = self.show_message(1, &format!("portcullis: cannot read {display}: {e}"));
                return;
            }
        };
        match parse_config(&display, &text) {
            Ok(config) => {
                self.config = config;
                self.config_path = Some(path);
                if let Some(uri) = config_uri {
                    let _ = self.publish(&uri, None, Vec::new());
                }
                self.rescan_all();
            }
            Err(errors) => {
                let first = errors.first().cloned().unwrap_or_default();
                let _ = self.show_message(
                    1,
                    &format!(
                        "portcullis: {display} is invalid ({first}); the previous configuration stays in force"
                    ),
                );
                if let Some(uri) = config_uri {
                    let diags = config_diagnostics(&text, &errors, self.encoding);
                    let _ = self.publish(&uri, None, diags);
                }
            }
        }
    }

    fn rescan_all(&mut self) {
        let uris: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.kind != DocKind::Config)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in uris {
            self.pending.remove(&uri);
            if let Err(e) = self.analyze(&uri) {
                eprintln!("portcullis lsp: {e}");
            }
        }
    }
}

fn parse_config(display: &str, text: &str) -> Result<Config, Vec<ConfigProblem>> {
    core::parse_config(display, text)
}

fn config_diagnostics(
    text: &str,
    errors: &[ConfigProblem],
    encoding: PositionEncoding,
) -> Vec<Value> {
    core::config_diagnostics(&Doc::with_encoding(text, encoding), errors)
}

/// Whether a code-action request admits `quickfix` actions (`context.only` absent, or holding
/// `quickfix` or one of its parents).
fn wants_quickfix(params: &Value) -> bool {
    match params
        .get("context")
        .and_then(|c| c.get("only"))
        .and_then(Value::as_array)
    {
        None => true,
        Some(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .any(|k| k.is_empty() || k == "quickfix"),
    }
}

fn text_document_uri(params: &Value) -> Option<String> {
    params
        .get("textDocument")
        .and_then(|t| t.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Applies one `TextDocumentContentChangeEvent`: with a `range`, an incremental edit (UTF-16
/// positions); without, the whole new text. A malformed range is ignored.
fn apply_change(text: &mut String, change: &Value, encoding: PositionEncoding) {
    let Some(new_text) = change.get("text").and_then(Value::as_str) else {
        return;
    };
    match change.get("range") {
        Some(range) if range.is_object() => {
            let span = Doc::with_encoding(text, encoding).span_of(range);
            if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) {
                text.replace_range(span.start..span.end, new_text);
            }
        }
        Some(range) if !range.is_null() => {}
        _ => *text = new_text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            uri_to_path("file:///home/a%20b/Dockerfile"),
            Some(PathBuf::from("/home/a b/Dockerfile"))
        );
        assert_eq!(
            uri_to_path("file:///c%3A/src/Dockerfile"),
            Some(PathBuf::from("c:/src/Dockerfile"))
        );
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///bad%zz"), None);
        assert_eq!(uri_to_path("file:///trunc%4"), None);
    }

    #[test]
    fn incremental_and_full_changes() {
        let mut t = "FROM\tcafé ☕\r\nRUN x\r\n".to_string();
        apply_change(
            &mut t,
            &json!({"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 5}}, "text": "y"}),
            PositionEncoding::Utf16,
        );
        assert_eq!(t, "FROM\tcafé ☕\r\nRUN y\r\n");
        apply_change(&mut t, &json!({"text": "new"}), PositionEncoding::Utf16);
        assert_eq!(t, "new");
        apply_change(
            &mut t,
            &json!({"range": 5, "text": "z"}),
            PositionEncoding::Utf16,
        );
        assert_eq!(t, "new");
    }

    #[test]
    fn code_action_kind_filter() {
        assert!(wants_quickfix(&json!({})));
        assert!(wants_quickfix(&json!({"context": {"only": ["quickfix"]}})));
        assert!(!wants_quickfix(
            &json!({"context": {"only": ["source.organizeImports"]}})
        ));
    }
}
