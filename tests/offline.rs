//! The offline guarantee: linting, the base-image policy, the SBOM and dependency scans against
//! an offline advisory database make no network connection.
//!
//! Two independent proofs run over the bundled examples (a Windows .NET app and a Linux Python
//! API) with every subcommand that must stay offline:
//!
//! 1. Every proxy variable points at a loopback listener this test owns. Any HTTP(S) request
//!    the binary made through the shared client would reach it; the listener must see no
//!    connection.
//! 2. The binary runs under `strace -f -e trace=connect`, which records every `connect(2)` of
//!    the process and its threads. No IPv4 or IPv6 connect may appear (Unix sockets are not the
//!    network). `scripts/test-tools-setup.sh` installs strace for the test command.
#![allow(clippy::disallowed_methods)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The offline invocations: (name, args). Each runs in the repository root.
fn invocations() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "scan",
            vec![
                "scan",
                "examples",
                "--no-config",
                "--advisories",
                "examples/advisories",
                "--fail-on",
                "none",
                "--format",
                "sarif",
            ],
        ),
        (
            "scan-default-advisories",
            vec!["scan", "examples", "--no-config", "--fail-on", "none"],
        ),
        (
            "lint",
            vec![
                "lint",
                "examples/windows-app/Dockerfile",
                "--no-config",
                "--fail-on",
                "none",
            ],
        ),
        ("images", vec!["images", "examples", "--no-config"]),
        ("sbom", vec!["sbom", "examples", "--reproducible"]),
        (
            "sbom-vulnerabilities",
            vec![
                "sbom",
                "examples",
                "--reproducible",
                "--advisories",
                "examples/advisories",
            ],
        ),
        ("rules", vec!["rules", "--json"]),
    ]
}

/// A loopback listener that counts the connections it accepts.
struct Trap {
    port: u16,
    hits: Arc<AtomicUsize>,
}

fn trap() -> Trap {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    listener.set_nonblocking(false).expect("blocking listener");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut s) = stream {
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
            }
        }
    });
    Trap { port, hits }
}

fn offline_command(program: &str, trap: &Trap) -> Command {
    let mut cmd = Command::new(program);
    let proxy = format!("http://127.0.0.1:{}", trap.port);
    cmd.current_dir(repo())
        .env("PORTCULLIS_TODAY", "2026-11-22")
        .env("HTTPS_PROXY", &proxy)
        .env("https_proxy", &proxy)
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("all_proxy", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    cmd
}

#[test]
fn offline_commands_send_nothing_to_the_proxy() {
    let trap = trap();
    for (name, args) in invocations() {
        let out = offline_command(BIN, &trap)
            .args(&args)
            .output()
            .expect("run portcullis");
        assert!(
            out.status.success(),
            "{name} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{name} printed nothing");
    }
    // Give a connection that raced the process exit time to be accepted.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        trap.hits.load(Ordering::SeqCst),
        0,
        "an offline command connected to the proxy"
    );
}

fn strace() -> Option<PathBuf> {
    ["/usr/bin/strace", "/bin/strace"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The network `connect(2)` calls in an strace log: lines with AF_INET or AF_INET6.
fn network_connects(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("connect(") && (l.contains("AF_INET") || l.contains("AF_INET6")))
        .collect()
}

#[test]
fn offline_commands_make_no_network_connect_syscall() {
    let strace = strace().expect(
        "strace is needed for the offline guarantee test: scripts/test-tools-setup.sh installs it",
    );
    let trap = trap();
    let dir = std::env::temp_dir().join(format!("portcullis-offline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    // The probe itself must work: a command that does connect is seen in the log.
    let probe_log = dir.join("probe.log");
    let probe = offline_command(strace.to_str().unwrap_or("strace"), &trap)
        .args(["-f", "-qq", "-e", "trace=connect", "-o"])
        .arg(&probe_log)
        .args([
            BIN,
            "images",
            "examples/linux-api/Dockerfile",
            "--no-config",
            "--resolve",
            "--format",
            "json",
        ])
        .output()
        .expect("run strace");
    let probe_text = std::fs::read_to_string(&probe_log).unwrap_or_default();
    assert!(
        !network_connects(&probe_text).is_empty(),
        "the strace probe saw no connect of `images --resolve` (status {}): the check could not fail\n{}",
        probe.status,
        String::from_utf8_lossy(&probe.stderr)
    );

    for (name, args) in invocations() {
        let log = dir.join(format!("{name}.log"));
        let out = offline_command(strace.to_str().unwrap_or("strace"), &trap)
            .args(["-f", "-qq", "-e", "trace=connect", "-o"])
            .arg(&log)
            .arg(BIN)
            .args(&args)
            .output()
            .expect("run strace");
        assert!(
            out.status.success(),
            "{name} under strace failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&log).expect("strace log");
        let connects = network_connects(&text);
        assert!(
            connects.is_empty(),
            "{name} made network connections:\n{}",
            connects.join("\n")
        );
    }
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
