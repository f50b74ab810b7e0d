//! `cargo xtask generate [--check]`: regenerates the rule registry, the rule module list and
//! the rule index from `rules/*.md`.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use portcullis::codegen::{self, DocInput};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn read_docs(root: &Path) -> std::io::Result<Vec<DocInput>> {
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(root.join("rules"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("DF") && name.ends_with(".md") {
            docs.push(DocInput {
                text: std::fs::read_to_string(entry.path())?,
                file_name: name,
            });
        }
    }
    docs.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(docs)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    match args.first().map(String::as_str) {
        Some("generate") => {}
        _ => {
            eprintln!("usage: cargo xtask generate [--check]");
            return ExitCode::from(2);
        }
    }
    let root = repo_root();
    let docs = match read_docs(&root) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: reading rules/: {e}");
            return ExitCode::from(2);
        }
    };
    let files = match codegen::generate(&docs) {
        Ok(f) => f,
        Err(errs) => {
            for e in errs {
                eprintln!("error: {e}");
            }
            return ExitCode::from(1);
        }
    };
    let mut stale = 0;
    for f in files {
        let path = root.join(&f.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == f.contents {
            continue;
        }
        if check {
            eprintln!("stale: {}", f.path);
            stale += 1;
        } else if let Err(e) = std::fs::write(&path, &f.contents) {
            eprintln!("error: writing {}: {e}", f.path);
            return ExitCode::from(2);
        } else {
            println!("wrote {}", f.path);
        }
    }
    if stale > 0 {
        eprintln!("{stale} generated file(s) are stale: run `cargo xtask generate`");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
