//! Fails when the files generated from `rules/*.md` are stale (`cargo xtask generate`).
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use portcullis::codegen::{DocInput, generate};

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(root.join("rules")).expect("rules/ exists") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("DF") && name.ends_with(".md") {
            let text = std::fs::read_to_string(entry.path()).expect("readable rule doc");
            docs.push(DocInput {
                file_name: name,
                text,
            });
        }
    }
    let files =
        generate(&docs).unwrap_or_else(|errs| panic!("rule docs invalid:\n{}", errs.join("\n")));
    let mut stale = Vec::new();
    for f in files {
        let on_disk = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            stale.push(f.path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo xtask generate`"
    );
}
