//! Drives `portcullis lsp` over stdio the way an editor does: JSON-RPC with `Content-Length`
//! framing, every read under a timeout so a hang fails the test instead of blocking it.
#![allow(clippy::disallowed_methods)] // a real client: threads, clock and temp files

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");
const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Messages read while waiting for something else (kept in arrival order).
    backlog: Vec<Value>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0u8; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(workspace: &Path, cache: &Path) -> Client {
        let mut child = Command::new(BIN)
            .args(["lsp", "--stdio"])
            .current_dir(workspace)
            .env("PORTCULLIS_CACHE_DIR", cache)
            .env("PORTCULLIS_TODAY", "2026-01-15")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn portcullis lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).expect("json");
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        stdin.write_all(&body).expect("write body");
        stdin.flush().expect("flush");
    }

    /// Several messages in one write, so they reach the server together.
    fn send_batch(&mut self, msgs: &[Value]) {
        let mut bytes = Vec::new();
        for msg in msgs {
            let body = serde_json::to_vec(msg).expect("json");
            bytes.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
            bytes.extend(body);
        }
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(&bytes).expect("write batch");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("response {id}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// The first message (backlog first) matching `pred`; panics after [`TIMEOUT`].
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed while waiting for {what}")
                }
            }
        }
    }

    /// The oldest unread `publishDiagnostics` for `uri` (messages arrive in order).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portcullis-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("cache")).expect("temp dir");
    dir.canonicalize().expect("canonical temp dir")
}

fn file_uri(p: &Path) -> String {
    format!("file://{}", p.to_string_lossy().replace(' ', "%20"))
}

fn find<'a>(diags: &'a [Value], code: &str) -> Option<&'a Value> {
    diags.iter().find(|d| d["code"] == code)
}

fn range(sl: u64, sc: u64, el: u64, ec: u64) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// A Windows Dockerfile with CRLF line endings, a tab after FROM, and non-ASCII text (an emoji
/// and accented letters) before the flagged `git` on line 5.
const DOCKERFILE: &str = "# escape=`\r\n# café ☕ build\r\nFROM\tmicrosoft/aspnet:4.7.2\r\nSHELL [\"powershell\", \"-Command\"]\r\nRUN Write-Host \"😀 ünïcode\"; \tchoco install git -y\r\n";

#[test]
fn editor_session_over_stdio() {
    let ws = workspace("session");
    let cache = ws.join("cache");
    let df_path = ws.join("Dockerfile");
    std::fs::write(&df_path, DOCKERFILE).expect("write Dockerfile");
    let df = file_uri(&df_path);
    let mut c = Client::start(&ws, &cache);

    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": file_uri(&ws),
            "workspaceFolders": [{"uri": file_uri(&ws), "name": "ws"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
            }
        }),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["hoverProvider"], true);
    c.notify("initialized", json!({}));
    // The server asks to be told about config changes; the client agrees.
    let reg = c.wait_for("registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    c.send(json!({"jsonrpc": "2.0", "id": reg["id"], "result": null}));

    // Open → diagnostics with exact UTF-16 ranges.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": df, "languageId": "dockerfile", "version": 1, "text": DOCKERFILE}}),
    );
    let diags = c.diagnostics(&df);
    let df404 = find(&diags, "DF404").expect("DF404 reported");
    // `FROM\t` is 5 UTF-16 units; the image is 22.
    assert_eq!(df404["range"], range(2, 5, 2, 27));
    assert_eq!(df404["source"], "portcullis");
    assert_eq!(df404["severity"], 1);
    assert!(
        df404["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.contains("DF404")),
        "{df404}"
    );
    // `RUN Write-Host "😀 ünïcode"; \tchoco install ` is 44 UTF-16 units (the emoji counts 2,
    // the tab 1, each accented letter 1); `git` follows.
    let df504 = find(&diags, "DF504").expect("DF504 reported");
    assert_eq!(df504["range"], range(4, 44, 4, 47));
    assert_eq!(df504["severity"], 2);

    // Hover on the image: policy verdict and lifecycle note.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 2, "character": 10}}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("docker.io/microsoft/aspnet:4.7.2"), "{text}");
    assert!(text.contains("Policy:"), "{text}");
    assert_eq!(h["result"]["range"], range(2, 5, 2, 27));

    // Hover on the flagged `git` (inside a diagnostic's range) explains DF504.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 4, "character": 45}}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("DF504"), "{text}");

    // Code actions on the image: the MCR replacement fix and the ignore comment.
    let a = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": df},
            "range": range(2, 12, 2, 12),
            "context": {"diagnostics": []}
        }),
    );
    let actions = a["result"].as_array().cloned().unwrap_or_default();
    let fix = actions
        .iter()
        .find(|x| x["title"].as_str().is_some_and(|t| t.starts_with("DF404:")))
        .expect("DF404 fix offered");
    assert_eq!(
        fix["edit"]["changes"][&df][0],
        json!({"range": range(2, 5, 2, 27), "newText": "mcr.microsoft.com/dotnet/framework/aspnet:4.7.2"})
    );
    let ignore = actions
        .iter()
        .find(|x| x["title"] == "Ignore DF404 here (with a reason)")
        .expect("ignore action offered");
    let edit = &ignore["edit"]["changes"][&df][0];
    assert_eq!(edit["range"], range(2, 0, 2, 0));
    let inserted = edit["newText"].as_str().unwrap_or("");
    assert!(
        inserted.starts_with("# portcullis ignore=DF404 reason=\"") && inserted.ends_with("\"\r\n"),
        "{inserted}"
    );

    // didChange (incremental, UTF-16 positions): pin the choco package and insert the ignore
    // comment → DF504 and DF404 go away; the other findings on the image move down a line.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": df, "version": 2},
            "contentChanges": [
                {"range": range(4, 47, 4, 47), "text": " --version 2.45.1"},
                {"range": range(2, 0, 2, 0), "text": inserted}
            ]
        }),
    );
    let m = c.wait_for("diagnostics v2", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == df
            && m["params"]["version"] == 2
    });
    let diags = m["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let now = codes(&diags);
    assert!(!now.contains(&"DF504".to_string()), "{now:?}");
    assert!(!now.contains(&"DF404".to_string()), "{now:?}");
    // DF403 on the image moved one line down with the inserted comment.
    assert_eq!(
        find(&diags, "DF403").expect("DF403")["range"],
        range(3, 5, 3, 27)
    );

    // Hover on the rule id inside the inserted comment.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 2, "character": 22}}),
    );
    let text = h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("**DF404**"), "{text}");
    assert_eq!(h["result"]["range"], range(2, 20, 2, 25));

    // Unknown request → MethodNotFound; garbage params do not kill the server.
    let r = c.request("portcullis/nonsense", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("textDocument/hover", json!({"textDocument": 7}));
    assert_eq!(r["error"]["code"], -32602);
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": df}, "position": {"line": 999, "character": 999}}),
    );
    assert!(r.get("result").is_some(), "{r}");

    // Config: turn DF403 off on disk and tell the server → rescanned without DF403.
    std::fs::write(ws.join(".portcullis.yaml"), "rules:\n  DF403: off\n").expect("config");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ws.join(".portcullis.yaml")), "type": 1}]}),
    );
    let diags = c.diagnostics(&df);
    assert!(find(&diags, "DF403").is_none(), "{:?}", codes(&diags));
    assert!(find(&diags, "DF203").is_some(), "{:?}", codes(&diags));

    // An invalid config (opened and saved in the editor): a message, a diagnostic on the config
    // file, and the previous config stays (DF403 still off after a rescan).
    let cfg_path = ws.join(".portcullis.yaml");
    let cfg = file_uri(&cfg_path);
    let bad = "rules:\n  DF403: off\nfail-on: sometimes\n";
    std::fs::write(&cfg_path, bad).expect("bad config");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": cfg, "languageId": "yaml", "version": 1, "text": bad}}),
    );
    let cdiags = c.diagnostics(&cfg);
    assert_eq!(cdiags.len(), 1, "{cdiags:?}");
    assert_eq!(cdiags[0]["range"]["start"]["line"], 2);
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": cfg}, "text": bad}),
    );
    let msg = c.wait_for("showMessage", |m| m["method"] == "window/showMessage");
    assert!(
        msg["params"]["message"]
            .as_str()
            .is_some_and(|s| s.contains("previous configuration")),
        "{msg}"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": df, "version": 3}, "contentChanges": [{"text": DOCKERFILE}]}),
    );
    let m = c.wait_for("diagnostics v3", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == df
            && m["params"]["version"] == 3
    });
    let diags = m["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(find(&diags, "DF403").is_none(), "{:?}", codes(&diags));
    assert!(find(&diags, "DF504").is_some(), "{:?}", codes(&diags));

    // Changes in quick succession are scanned once, after the last one (debounce).
    let change = |v: i64, text: &str| {
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": df, "version": v},
            "contentChanges": [{"text": text}]
        }})
    };
    c.send_batch(&[
        change(4, "FROM scratch\r\n"),
        change(5, "FROM microsoft/nanoserver\r\n"),
        change(6, DOCKERFILE),
    ]);
    let m = c.wait_for("diagnostics after the burst", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == df
    });
    assert_eq!(m["params"]["version"], 6, "{m}");

    // The casing fix (DF103) and the MAINTAINER fix (DF111), on a line with a tab and an emoji
    // before the flagged text, requested before the debounced scan ran.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": df, "version": 7}, "contentChanges": [{"text":
            "FROM\tscratch\r\nRun echo 😀\r\n\tMAINTAINER ops@example.com\r\n"}]}),
    );
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": df}, "range": range(1, 1, 2, 3), "context": {"diagnostics": []}}),
    );
    let actions = a["result"].as_array().cloned().unwrap_or_default();
    let edit_of = |prefix: &str| {
        actions
            .iter()
            .find(|x| x["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .map(|x| x["edit"]["changes"][&df][0].clone())
    };
    assert_eq!(
        edit_of("DF103:"),
        Some(json!({"range": range(1, 0, 1, 3), "newText": "RUN"})),
        "{actions:?}"
    );
    assert_eq!(
        edit_of("DF111:"),
        Some(
            json!({"range": range(2, 1, 2, 27), "newText": "LABEL org.opencontainers.image.authors=\"ops@example.com\""})
        ),
        "{actions:?}"
    );
    c.wait_for("diagnostics v7", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == df
            && m["params"]["version"] == 7
    });

    // Close → empty diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": df}}),
    );
    assert!(c.diagnostics(&df).is_empty());

    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    c.stdin.take();
    assert_eq!(c.wait_exit(), 0);
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn csproj_gets_dependency_findings_from_local_advisories() {
    let ws = workspace("csproj");
    let cache = ws.join("cache");
    let adv = ws.join("advisories");
    std::fs::create_dir_all(&adv).expect("advisories dir");
    let record =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/advisories/GHSA-5crp-9r3c-p9vr.json");
    std::fs::copy(&record, adv.join("GHSA-5crp-9r3c-p9vr.json")).expect("copy advisory");
    std::fs::write(
        ws.join(".portcullis.yaml"),
        "advisories:\n  source: advisories\n",
    )
    .expect("config");
    let proj_dir = ws.join("App");
    std::fs::create_dir_all(&proj_dir).expect("project dir");
    let proj = "<Project Sdk=\"Microsoft.NET.Sdk\">\r\n  <!-- café ☕ -->\r\n  <ItemGroup>\r\n\t<PackageReference Include=\"Newtonsoft.Json\" Version=\"12.0.3\" />\r\n  </ItemGroup>\r\n</Project>\r\n";
    let proj_path = proj_dir.join("App.csproj");
    std::fs::write(&proj_path, proj).expect("write csproj");
    let uri = file_uri(&proj_path);

    let mut c = Client::start(&ws, &cache);
    // This client counts positions in UTF-8 bytes only (LSP 3.17 `positionEncodings`).
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": file_uri(&ws),
               "capabilities": {"general": {"positionEncodings": ["utf-8"]}}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "xml", "version": 1, "text": proj}}),
    );
    let diags = c.diagnostics(&uri);
    // The advisory summary goes to the log.
    let log = c.wait_for("logMessage", |m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .is_some_and(|s| s.starts_with("portcullis: ")),
        "{log}"
    );
    let ghsa = find(&diags, "GHSA-5crp-9r3c-p9vr").unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(ghsa["range"]["start"]["line"], 3, "{ghsa}");
    assert_eq!(ghsa["source"], "portcullis");

    // A broken manifest: the extraction problem is reported on the file.
    let broken =
        "<Project>\r\n  <ItemGroup>\r\n    <PackageReference Include=\"A\" Version=\"1.0\"\r\n";
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let m = c.wait_for("diagnostics v2", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 2
    });
    let diags = m["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!diags.is_empty(), "malformed csproj reported");
    assert!(
        diags.iter().all(|d| d["message"]
            .as_str()
            .is_some_and(|s| s.starts_with("dependencies:"))),
        "{diags:?}"
    );

    // An untitled buffer the editor calls a Dockerfile is linted like one.
    let untitled = "untitled:Untitled-1";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": untitled, "languageId": "dockerfile", "version": 1, "text": "FROM microsoft/aspnet:4.7.2\n"}}),
    );
    let diags = c.diagnostics(untitled);
    assert_eq!(
        find(&diags, "DF404").expect("DF404")["range"],
        range(0, 5, 0, 27)
    );
    // UTF-8 columns: `RUN Write-Host "😀 ünïcode"; \tchoco install ` is 48 bytes.
    let untitled2 = "untitled:Untitled-2";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": untitled2, "languageId": "dockerfile", "version": 1, "text": DOCKERFILE}}),
    );
    let diags = c.diagnostics(untitled2);
    assert_eq!(
        find(&diags, "DF504").expect("DF504")["range"],
        range(4, 48, 4, 51)
    );
    assert_eq!(
        find(&diags, "DF404").expect("DF404")["range"],
        range(2, 5, 2, 27)
    );

    // Only quick fixes are offered: a request for other kinds gets none.
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": untitled}, "range": range(0, 6, 0, 6),
               "context": {"diagnostics": [], "only": ["source.organizeImports"]}}),
    );
    assert_eq!(a["result"], json!([]));
    let a = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": untitled}, "range": range(0, 6, 0, 6),
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    assert!(a["result"].as_array().is_some_and(|x| !x.is_empty()), "{a}");

    // Malformed notifications and ranges are tolerated: a change inside the emoji's surrogate
    // pair and past the end of the text, unknown documents, missing fields.
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": 5}}));
    c.notify("textDocument/didChange", json!({"contentChanges": "x"}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere/Dockerfile", "version": 1}, "contentChanges": [{"text": "FROM x"}]}),
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": untitled, "version": 2}, "contentChanges": [
            {"range": range(0, 0, 0, 0), "text": "# 😀\n"},
            {"range": range(0, 3, 0, 3), "text": "é"},
            {"range": range(u64::from(u32::MAX), 9, u64::from(u32::MAX), 9), "text": "RUN true\n"},
            {"range": "bogus", "text": "ignored"}
        ]}),
    );
    let m = c.wait_for("untitled v2", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == untitled
            && m["params"]["version"] == 2
    });
    let diags = m["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // `é` went before the emoji (character 3 is inside its pair → rounded down to its start),
    // the FROM line is now line 1.
    assert_eq!(
        find(&diags, "DF404").expect("DF404")["range"],
        range(1, 5, 1, 27)
    );

    // Exit without shutdown is an error exit.
    c.notify("exit", Value::Null);
    c.stdin.take();
    assert_eq!(c.wait_exit(), 1);
    let _ = std::fs::remove_dir_all(&ws);
}
