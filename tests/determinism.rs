//! Determinism: the same tree scanned twice gives byte-identical SARIF, JSON and (with
//! `--reproducible`) CycloneDX, even when
//!
//! - the two copies of the tree live in different parent directories (the checkout directory
//!   keeps its name: it names the SBOM's root component),
//! - their files were created in opposite orders (so directory listings differ where the file
//!   system keeps creation order),
//! - the paths are passed in opposite orders (files and directories mixed), and
//! - the process runs from different working directories (inside the tree with relative paths,
//!   outside it with absolute paths).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_portcullis");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` as (relative path, bytes), sorted.
fn collect(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            collect(&path, &r, out);
        } else {
            out.push((r, std::fs::read(&path).expect("read file")));
        }
    }
}

/// The tree: both bundled examples, the SBOM fixtures of several ecosystems and a few lint
/// fixtures, under fixed relative paths.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    collect(&repo().join("examples"), "examples", &mut files);
    for dir in ["tests/fixtures/sbom", "tests/fixtures/lint"] {
        let p = repo().join(dir);
        if p.is_dir() {
            collect(&p, dir, &mut files);
        }
    }
    assert!(
        files.len() > 20,
        "the determinism corpus is too small ({} files)",
        files.len()
    );
    files
}

fn materialize(root: &Path, files: &[(String, Vec<u8>)], reverse: bool) {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join(".git")).expect("create tree root");
    let order: Vec<&(String, Vec<u8>)> = if reverse {
        files.iter().rev().collect()
    } else {
        files.iter().collect()
    };
    for (rel, bytes) in order {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("create dirs");
        std::fs::write(&p, bytes).expect("write file");
    }
}

/// Top-level entries of the tree (directories and files), as scan arguments.
fn top_level_args(files: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut args: Vec<String> = files
        .iter()
        .map(|(rel, _)| {
            let mut parts = rel.splitn(3, '/');
            let a = parts.next().unwrap_or_default();
            match parts.next() {
                Some(b) => format!("{a}/{b}"),
                None => a.to_string(),
            }
        })
        .collect();
    args.sort();
    args.dedup();
    args
}

struct Run {
    sarif: Vec<u8>,
    json: Vec<u8>,
    cdx_json: Vec<u8>,
    cdx_xml: Vec<u8>,
}

fn run(cwd: &Path, args: &[String], out: &Path) -> Run {
    std::fs::create_dir_all(out).expect("out dir");
    // Advisory data from outside both trees, named by the same absolute path in both runs.
    let advisories = repo()
        .join("examples/advisories")
        .to_string_lossy()
        .into_owned();
    let go = |extra: &[&str], file: &str| -> Vec<u8> {
        let target = out.join(file);
        let status = Command::new(BIN)
            .current_dir(cwd)
            .env("PORTCULLIS_TODAY", "2026-11-22")
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .args(extra)
            .args(args)
            .arg("--output")
            .arg(&target)
            .output()
            .expect("run portcullis");
        assert!(
            status.status.code().is_some_and(|c| c == 0 || c == 1),
            "{extra:?} failed: {}\n{}",
            status.status,
            String::from_utf8_lossy(&status.stderr)
        );
        std::fs::read(&target).expect("output written")
    };
    Run {
        sarif: go(
            &[
                "scan",
                "--no-config",
                "--fail-on",
                "none",
                "--advisories",
                &advisories,
                "--format",
                "sarif",
            ],
            "out.sarif",
        ),
        json: go(
            &[
                "scan",
                "--no-config",
                "--fail-on",
                "none",
                "--advisories",
                &advisories,
                "--format",
                "json",
            ],
            "out.json",
        ),
        cdx_json: go(
            &[
                "sbom",
                "--reproducible",
                "--no-config",
                "--advisories",
                &advisories,
            ],
            "bom.json",
        ),
        cdx_xml: go(
            &[
                "sbom",
                "--reproducible",
                "--no-config",
                "--format",
                "cyclonedx-xml",
            ],
            "bom.xml",
        ),
    }
}

fn same(label: &str, a: &[u8], b: &[u8]) {
    if a != b {
        let a = String::from_utf8_lossy(a);
        let b = String::from_utf8_lossy(b);
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        panic!(
            "{label} differs between the two runs, first at line {}:\n  a: {}\n  b: {}",
            first + 1,
            a.lines().nth(first).unwrap_or("<end>"),
            b.lines().nth(first).unwrap_or("<end>")
        );
    }
}

#[test]
fn two_runs_over_the_same_tree_are_byte_identical() {
    let files = corpus();
    let scratch =
        std::env::temp_dir().join(format!("portcullis-determinism-{}", std::process::id()));
    let root_a = scratch.join("first").join("checkout");
    let root_b = scratch.join("second-place").join("deeper").join("checkout");
    materialize(&root_a, &files, false);
    materialize(&root_b, &files, true);

    let rel_args = top_level_args(&files);
    // Run A: inside the tree, relative paths in sorted order.
    let a = run(&root_a, &rel_args, &scratch.join("out-a"));
    // Run B: from the scratch directory, absolute paths in reverse order.
    let abs_args: Vec<String> = rel_args
        .iter()
        .rev()
        .map(|r| root_b.join(r).to_string_lossy().into_owned())
        .collect();
    let b = run(&scratch, &abs_args, &scratch.join("out-b"));

    assert!(
        a.sarif.len() > 1000 && a.json.len() > 1000 && a.cdx_json.len() > 1000,
        "outputs are suspiciously small"
    );
    assert!(
        String::from_utf8_lossy(&a.sarif).contains("GHSA-5crp-9r3c-p9vr")
            && String::from_utf8_lossy(&a.cdx_json).contains("GHSA-5crp-9r3c-p9vr"),
        "the dependency findings are missing from the outputs"
    );
    same("SARIF", &a.sarif, &b.sarif);
    same("JSON", &a.json, &b.json);
    same("CycloneDX JSON", &a.cdx_json, &b.cdx_json);
    same("CycloneDX XML", &a.cdx_xml, &b.cdx_xml);
    let bom: serde_json::Value = serde_json::from_slice(&a.cdx_json).expect("BOM is JSON");
    assert_eq!(
        bom["metadata"]["component"]["name"], "checkout",
        "the root component is named after the repository root, not the first argument"
    );
    let root_text = root_a.to_string_lossy().into_owned();
    for (label, bytes) in [
        ("SARIF", &a.sarif),
        ("JSON", &a.json),
        ("CycloneDX", &a.cdx_json),
    ] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&root_text),
            "{label} leaks the absolute checkout path"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
