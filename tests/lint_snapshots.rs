//! Text-report snapshots of realistic multi-stage Windows and Linux Dockerfiles
//! (`tests/fixtures/lint/<case>/`). Each case directory is scanned as a small repository.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use portcullis::config::Config;
use portcullis::engine::{ScanOptions, scan};
use portcullis::report::text::{TextOptions, render};
use portcullis::{Date, SourceFile};

fn scan_case(dir: &Path) -> String {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("case dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).expect("utf-8 fixture");
        files.push(SourceFile::new(name, text));
    }
    let opts = ScanOptions::new(Date::new(2026, 11, 22).expect("date"));
    let report = scan(&files, &Config::default(), &opts);
    render(&report, &TextOptions { color: false })
}

#[test]
fn realistic_dockerfiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the realistic fixture set, found {}",
        cases.len()
    );
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let out = scan_case(&case);
        insta::assert_snapshot!(name.clone(), out);
    }
}
