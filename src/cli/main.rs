//! The `portcullis` command line.
#![allow(clippy::disallowed_methods)]

mod args;
mod db;
mod sbom;
mod scan;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;

use portcullis::config;
use portcullis::lint::registry;

use crate::args::{Cli, Command, Format, ImagesFormat};
use crate::db::db;
use crate::sbom::sbom;
use crate::scan::{images, scan};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan { paths, out, deps } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            scan(&paths, &out, None, Some(&deps))
        }
        Command::Lint {
            files,
            stdin_path,
            out,
        } => scan(&files, &out, Some(stdin_path), None),
        Command::Images { paths, out } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let format = match out.format.first() {
                None | Some(Format::Text) => ImagesFormat::Text,
                Some(Format::Json) => ImagesFormat::Json,
                Some(Format::Sarif) => ImagesFormat::Sarif,
                Some(_) => bail!("`portcullis images` writes text, json or sarif"),
            };
            images(&paths, format, &out)
        }
        Command::Rules { id, json } => rules(id.as_deref(), json),
        Command::Init { dir, force } => init(&dir, force),
        Command::Sbom(mut args) => {
            if args.paths.is_empty() {
                args.paths.push(PathBuf::from("."));
            }
            sbom(&args)
        }
        Command::Db { action } => db(action),
        Command::Lsp { stdio: _ } => match portcullis::native::lsp::serve() {
            Ok(()) => Ok(0),
            Err(e) => {
                eprintln!("portcullis lsp: {e}");
                Ok(1)
            }
        },
    }
}

/// Writes `contents` to `path`, or to standard output when there is no path.
pub(crate) fn write_output(path: Option<&Path>, contents: &str) -> Result<()> {
    match path {
        Some(path) => write_file(path, contents),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(contents.as_bytes())
                .context("cannot write to standard output")?;
            stdout.flush().ok();
            Ok(())
        }
    }
}

pub(crate) fn write_file(path: &Path, contents: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn rules(id: Option<&str>, json: bool) -> Result<u8> {
    let mut stdout = std::io::stdout().lock();
    match id {
        Some(id) => {
            let Some(rule) = registry::find(id) else {
                bail!("unknown rule `{id}` (see `portcullis rules`)");
            };
            writeln!(stdout, "{}", rule.meta.body())?;
        }
        None if json => {
            let list: Vec<_> = registry::all().iter().map(|r| r.meta).collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        None => {
            for r in registry::all() {
                let m = r.meta;
                let os = match m.os {
                    portcullis::lint::OsScope::Linux => "linux",
                    portcullis::lint::OsScope::Windows => "windows",
                    portcullis::lint::OsScope::Both => "both",
                };
                writeln!(
                    stdout,
                    "{}  {:<7} {:<7} {}  ({})",
                    m.id,
                    m.severity.as_str(),
                    os,
                    m.title,
                    m.name
                )?;
            }
        }
    }
    Ok(0)
}

fn init(dir: &Path, force: bool) -> Result<u8> {
    let path = dir.join(".portcullis.yaml");
    if path.exists() && !force {
        bail!(
            "{} already exists (use --force to overwrite)",
            path.display()
        );
    }
    write_file(&path, config::starter_config())?;
    println!("wrote {}", path.display());
    println!(
        "The embedded base-image policy trusts mcr.microsoft.com and Docker Official Images only; edit the file to change rules, thresholds and ignores."
    );
    Ok(0)
}
