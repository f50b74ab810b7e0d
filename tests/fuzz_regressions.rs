//! Replays the fuzz targets' inputs in the normal test command: every input kept in
//! `fuzz/regressions/<target>/` (crashes the fuzzer found, kept after the fix, and hand-written
//! hostile inputs) and every test
//! fixture, through the same entry points the fuzz targets call (`portcullis::fuzzing`). Those
//! entry points also check laws that must hold for any input (version ordering is antisymmetric,
//! image references print and parse back, shell command ranges are valid slices).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use portcullis::fuzzing;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn target_fn(name: &str) -> fn(&[u8]) {
    match name {
        "dockerfile" => fuzzing::dockerfile,
        "shell" => fuzzing::shell,
        "image_ref" => fuzzing::image_ref,
        "manifest_xml" => |d| fuzzing::manifest(fuzzing::XML_NAMES, d),
        "manifest_json" => |d| fuzzing::manifest(fuzzing::JSON_NAMES, d),
        "manifest_yaml" => |d| fuzzing::manifest(fuzzing::YAML_NAMES, d),
        "manifest_toml" => |d| fuzzing::manifest(fuzzing::TOML_NAMES, d),
        "manifest_lines" => |d| fuzzing::manifest(fuzzing::LINE_NAMES, d),
        "osv" => fuzzing::osv,
        "config" => fuzzing::config,
        "versions" => fuzzing::versions,
        "scan_tree" => fuzzing::scan_tree,
        other => panic!("fuzz/regressions/{other}: no such fuzz target"),
    }
}

#[test]
fn kept_fuzz_inputs_still_pass() {
    let dir = root().join("fuzz/regressions");
    let mut replayed = 0;
    let Ok(targets) = std::fs::read_dir(&dir) else {
        panic!("{} is missing", dir.display());
    };
    for t in targets.filter_map(Result::ok) {
        if !t.path().is_dir() {
            continue;
        }
        let name = t.file_name().to_string_lossy().into_owned();
        let run = target_fn(&name);
        let mut inputs = Vec::new();
        files_under(&t.path(), &mut inputs);
        for input in inputs {
            let data = std::fs::read(&input).expect("read input");
            run(&data);
            replayed += 1;
        }
    }
    // The folder holds at least the crashes found so far; an empty folder would make this test
    // vacuous.
    assert!(
        replayed > 0,
        "no kept fuzz inputs were found under fuzz/regressions"
    );
}

#[test]
fn every_fixture_passes_through_every_entry_point() {
    let mut fixtures = Vec::new();
    files_under(&root().join("tests/fixtures"), &mut fixtures);
    files_under(&root().join("examples"), &mut fixtures);
    assert!(fixtures.len() > 100, "too few fixtures: {}", fixtures.len());
    let families: [&[&str]; 5] = [
        fuzzing::XML_NAMES,
        fuzzing::JSON_NAMES,
        fuzzing::YAML_NAMES,
        fuzzing::TOML_NAMES,
        fuzzing::LINE_NAMES,
    ];
    for path in &fixtures {
        let data = std::fs::read(path).expect("read fixture");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.contains("dockerfile") || name.contains("containerfile") {
            fuzzing::dockerfile(&data);
            for sel in 0u8..3 {
                let mut d = vec![sel];
                d.extend_from_slice(&data);
                fuzzing::shell(&d);
            }
        }
        for names in families {
            if let Some(i) = names.iter().position(|n| {
                n.rsplit('/')
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            }) {
                let mut d = vec![u8::try_from(i).expect("small table")];
                d.extend_from_slice(&data);
                fuzzing::manifest(names, &d);
            }
        }
        if name.ends_with(".json") {
            fuzzing::osv(&data);
        }
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            fuzzing::config(&data);
        }
    }
}

#[test]
fn version_laws_hold_on_tricky_pairs() {
    for pair in [
        "1.0\u{0}1.0.0.0",
        "1.0.0-beta.2\u{0}1.0.0-Beta.10",
        "v1.2.3+incompatible\u{0}v1.2.3",
        "1!2.0.post1.dev3\u{0}2.0rc1",
        "1:2.30-1ubuntu1\u{0}2.30-1",
        "1.2.3_rc1-r0\u{0}1.2.3-r1",
        "0.0.0-20230101000000-abcdefabcdef\u{0}v0.1.0",
        "4.0.0.1\u{0}4.0.0.01",
        "1.0.0-alpha\u{0}1.0.0-alpha.1",
        "2.0~rc1\u{0}2.0",
    ] {
        fuzzing::versions(pair.as_bytes());
    }
    for r in [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "docker.io/library/alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "localhost:5000/a/b/c:tag",
        "ubuntu",
    ] {
        fuzzing::image_ref(r.as_bytes());
    }
}
