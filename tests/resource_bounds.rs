//! Resource bounds and hostile trees: each hazard sits in one tree next to an ordinary
//! Dockerfile and an ordinary project, and the scan must report the hazard clearly, stay within
//! its bounds and still check everything else.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");

struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "portcullis-bounds-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).expect("temp dir");
        let t = Self(dir);
        // The ordinary files every scan must still see.
        t.write(
            "app/Dockerfile",
            b"FROM ubuntu:latest\nRUN apt-get install -y curl\n",
        );
        t.write(
            "app/App.csproj",
            br#"<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /></ItemGroup></Project>"#,
        );
        t
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        std::fs::write(p, bytes).expect("write");
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `portcullis <args>` in the tree, with a wall-clock bound: a hang is a failure.
fn run(tree: &Tree, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .current_dir(tree.path())
        .env("PORTCULLIS_TODAY", "2026-11-22")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start portcullis");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("portcullis {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `scan . --format json` → (exit code, report).
fn scan_json(tree: &Tree, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["scan", ".", "--no-config", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(tree, &args);
    let code = out.status.code().expect("exit code");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "scan output is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

fn findings_in<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["location"]["path"] == path)
        .collect()
}

fn diagnostics_for<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["path"] == path)
        .collect()
}

/// The ordinary Dockerfile was linted: its unpinned base image is reported.
fn assert_rest_intact(report: &Value) {
    let app = findings_in(report, "app/Dockerfile");
    assert!(
        app.iter()
            .any(|f| f["rule"] == "DF401" || f["rule"] == "DF402"),
        "the ordinary Dockerfile was not checked: {app:#?}"
    );
}

#[test]
fn oversized_file_is_reported_and_skipped() {
    let t = Tree::new("big");
    let mut big = b"FROM alpine:3.20\n".to_vec();
    big.extend(std::iter::repeat_n(b'#', 70_000));
    big.push(b'\n');
    t.write("big/Dockerfile", &big);
    let (code, report) = scan_json(&t, &["--max-file-size", "65536", "--fail-on", "none"]);
    // A Dockerfile the gate could not check fails the run as an I/O problem (exit 2), never a
    // silent pass; everything else is still reported.
    assert_eq!(code, 2);

    let d = diagnostics_for(&report, "big/Dockerfile");
    assert!(
        d.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("65536-byte limit"))),
        "no size-limit diagnostic: {d:#?}"
    );
    assert!(findings_in(&report, "big/Dockerfile").is_empty());
    assert_rest_intact(&report);
}

#[test]
fn extremely_long_line_is_linted_without_blowup() {
    let t = Tree::new("longline");
    // A 3 MB ENV line (one token) and a 600 kB RUN line of 40,000 chained commands (under the
    // default 4 MiB limit).
    let mut text = b"FROM alpine:3.20\nENV BLOB=".to_vec();
    text.extend(std::iter::repeat_n(b'x', 3_000_000));
    text.extend_from_slice(b"\nRUN ");
    for i in 0..40_000 {
        text.extend_from_slice(format!("echo {i} && ").as_bytes());
    }
    text.extend_from_slice(b"true\n");
    t.write("long/Dockerfile", &text);
    let (_, report) = scan_json(&t, &["--fail-on", "none"]);
    assert!(
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .any(|f| f["path"] == "long/Dockerfile"),
        "the long file was not scanned"
    );
    assert_rest_intact(&report);
}

#[test]
fn deep_nesting_in_json_and_xml_manifests_is_an_error_not_a_crash() {
    let t = Tree::new("nesting");
    let depth = 200_000;
    let mut json = "[".repeat(depth);
    json.push_str(&"]".repeat(depth));
    t.write("deep/packages.lock.json", json.as_bytes());
    let mut xml = String::from("<Project>");
    xml.push_str(&"<ItemGroup>".repeat(depth));
    xml.push_str(&"</ItemGroup>".repeat(depth));
    xml.push_str("</Project>");
    t.write("deep/Deep.csproj", xml.as_bytes());
    let out = run(&t, &["sbom", ".", "--no-config", "--reproducible"]);
    assert_ne!(out.status.code(), Some(101), "panicked");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for p in ["deep/packages.lock.json", "deep/Deep.csproj"] {
        assert!(
            stderr.contains(p),
            "{p}: a malformed manifest must be reported:\n{stderr}"
        );
    }
    let bom: Value = serde_json::from_slice(&out.stdout).expect("BOM JSON");
    assert!(
        bom.to_string().contains("Newtonsoft.Json"),
        "the ordinary project was not extracted"
    );
}

#[test]
fn xml_entity_expansion_is_refused() {
    let t = Tree::new("lol");
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!(
                "&lol{};",
                if i == 1 {
                    String::new()
                } else {
                    (i - 1).to_string()
                }
            )
            .repeat(10)
        ));
    }
    doc.push_str("]>\n<Project><ItemGroup><PackageReference Include=\"&lol9;\" Version=\"1.0.0\" /></ItemGroup></Project>\n");
    t.write("bomb/Bomb.csproj", doc.as_bytes());
    let out = run(&t, &["sbom", ".", "--no-config", "--reproducible"]);
    let bom: Value = serde_json::from_slice(&out.stdout).expect("BOM JSON");
    let text = bom.to_string();
    assert!(
        !text.contains("lollollol"),
        "entities were expanded into the BOM"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bomb/Bomb.csproj"),
        "the refused file is not named in the diagnostics:\n{stderr}"
    );
    assert!(
        text.contains("Newtonsoft.Json"),
        "the ordinary project was not extracted"
    );
}

#[test]
fn yaml_alias_bomb_in_config_is_a_config_error() {
    let t = Tree::new("yamlbomb");
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    t.write(".portcullis.yaml", y.as_bytes());
    let out = run(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a hostile config must be a config error (exit 2)"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".portcullis.yaml"),
        "the config error does not name the file:\n{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_root_are_not_followed() {
    let t = Tree::new("links");
    let outside = Tree::new("outside");
    outside.write("secret/Dockerfile", b"FROM scratch\nCOPY x /x\n");
    std::os::unix::fs::symlink(t.path(), t.path().join("app/loop")).expect("loop link");
    std::os::unix::fs::symlink(outside.path().join("secret"), t.path().join("escape"))
        .expect("escape link");
    std::os::unix::fs::symlink(
        outside.path().join("secret/Dockerfile"),
        t.path().join("linked.Dockerfile"),
    )
    .expect("file link");
    let (_, report) = scan_json(&t, &["--fail-on", "none"]);
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.starts_with("escape/") && !p.contains("loop/")),
        "a symlinked directory was followed: {paths:?}"
    );
    assert!(
        !paths.contains(&"linked.Dockerfile"),
        "a symlinked file pointing out of the root was read: {paths:?}"
    );
    assert_rest_intact(&report);
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_dangling_links_never_block_or_abort() {
    let t = Tree::new("special");
    let fifo = t.path().join("pipe/Dockerfile");
    std::fs::create_dir_all(fifo.parent().expect("parent")).expect("dir");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink(
        t.path().join("nowhere"),
        t.path().join("dangling.Dockerfile"),
    )
    .expect("dangling link");
    let _sock =
        std::os::unix::net::UnixListener::bind(t.path().join("sock.Dockerfile")).expect("socket");
    let (_, report) = scan_json(&t, &["--fail-on", "none"]);
    assert_rest_intact(&report);

    // Named explicitly, a FIFO is refused rather than read (reading would block forever).
    let out = run(
        &t,
        &[
            "lint",
            "pipe/Dockerfile",
            "app/Dockerfile",
            "--no-config",
            "--fail-on",
            "none",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains("pipe/Dockerfile") || stdout.contains("pipe/Dockerfile"),
        "the FIFO is not reported:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("app/Dockerfile"),
        "the other named file was not linted:\n{stdout}"
    );
}

#[test]
fn unreadable_entries_are_reported_and_the_rest_is_scanned() {
    let t = Tree::new("unreadable");
    // A directory where a lock file is expected and a Dockerfile that is a directory.
    std::fs::create_dir_all(t.path().join("odd/packages.lock.json/inner")).expect("dir");
    std::fs::create_dir_all(t.path().join("odd/Dockerfile")).expect("dir");
    let (_, report) = scan_json(&t, &["--fail-on", "none"]);
    assert_rest_intact(&report);
    // Named explicitly, a directory-named Dockerfile is scanned as a directory (empty here).
    let out = run(&t, &["lint", "odd/Dockerfile", "--no-config"]);
    assert_ne!(out.status.code(), Some(101), "panicked");
}

#[test]
fn non_utf8_and_utf16_files_are_decoded_and_reported() {
    let t = Tree::new("encodings");
    // Latin-1 bytes in a comment.
    t.write(
        "latin/Dockerfile",
        b"# caf\xe9\nFROM alpine:3.20\nUSER app\n",
    );
    // A Windows Dockerfile saved by Windows PowerShell 5.1 (`>`): UTF-16 LE with a BOM.
    let text = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN Invoke-WebRequest https://example.com/x.zip -OutFile x.zip\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    t.write("win/Dockerfile", &utf16);
    let (_, report) = scan_json(&t, &["--fail-on", "none"]);
    let latin = diagnostics_for(&report, "latin/Dockerfile");
    assert!(
        latin.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("not valid UTF-8"))),
        "{latin:#?}"
    );
    let win = findings_in(&report, "win/Dockerfile");
    assert!(
        win.iter().any(|f| f["rule"] == "DF100"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("UTF-16 LE"))),
        "the UTF-16 file is not reported as unreadable by BuildKit: {win:#?}"
    );
    // Decoded, the rest of the Windows file is checked like any other (no DF100 garbage for
    // every instruction).
    assert_eq!(
        win.iter().filter(|f| f["rule"] == "DF100").count(),
        1,
        "{win:#?}"
    );
    assert!(
        win.iter().any(|f| f["rule"] != "DF100"),
        "the decoded content was not linted: {win:#?}"
    );
    assert_rest_intact(&report);
}
