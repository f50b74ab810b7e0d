//! Native I/O: walking the tree, reading files, finding the config, the clock. Everything the
//! pure core must not do lives here.

pub mod advisories;
pub mod cache;
pub mod http;
pub mod lsp;
pub mod osv_api;
pub mod osv_db;
pub mod parallel;
pub mod registry;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::engine::{self, Diagnostic, FileKind};
use crate::finding::Severity;
use crate::source::{Date, Encoding, SourceFile, normalize_path};

/// Files larger than this are not read (a finding-free diagnostic says so).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Today's date from the system clock, or `PORTCULLIS_TODAY` (YYYY-MM-DD) when set.
pub fn today() -> Date {
    if let Some(d) = std::env::var("PORTCULLIS_TODAY")
        .ok()
        .and_then(|v| Date::parse(&v))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_days_since_epoch((secs / 86_400) as i64)
}

/// The directory that repository-relative paths are relative to: the nearest ancestor of
/// `start` holding `.git`, else `start` itself.
pub fn repo_root(start: &Path) -> PathBuf {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    let dir = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        start.clone()
    };
    let mut cur = Some(dir.as_path());
    while let Some(d) = cur {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    dir
}

/// The directory the paths of a run are shown relative to: the repository root of the first
/// existing path (see [`repo_root`]); outside a repository, the nearest directory that holds
/// every given path, so that `lint a/Dockerfile b/Dockerfile` shows `a/Dockerfile` and
/// `b/Dockerfile` rather than one of them relative to the other's folder.
pub fn scan_base(paths: &[PathBuf], fallback: &Path) -> PathBuf {
    let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
    let Some(first) = existing.first() else {
        return repo_root(fallback);
    };
    let root = repo_root(first);
    if root.join(".git").exists() {
        return root;
    }
    let dir_of = |p: &Path| {
        let c = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        if c.is_file() {
            c.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            c
        }
    };
    let mut common = dir_of(first);
    for p in existing.iter().skip(1) {
        let d = dir_of(p);
        while !d.starts_with(&common) {
            match common.parent() {
                Some(parent) => common = parent.to_path_buf(),
                None => break,
            }
        }
    }
    common
}

/// [`relative_path`] of `entry`, a regular file (not a link) that a walk which follows no links
/// found under `root`, whose canonical form is `canonical_root`: every directory between them
/// is a real directory, so the file's canonical path is `canonical_root` joined with its path
/// below `root`. That saves a `realpath` (an `lstat` per path component) for every file of the
/// tree; the result is the same.
fn relative_path_in_walk(entry: &Path, root: &Path, canonical_root: &Path, base: &Path) -> String {
    match entry.strip_prefix(root) {
        Ok(below) => match canonical_root.join(below).strip_prefix(base) {
            Ok(rel) => normalize_path(&rel.to_string_lossy()),
            Err(_) => relative_path(entry, base),
        },
        Err(_) => relative_path(entry, base),
    }
}

/// Path of `p` relative to `base` with `/` separators; falls back to the normalized path.
pub fn relative_path(p: &Path, base: &Path) -> String {
    let abs = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match abs.strip_prefix(base) {
        Ok(rel) => normalize_path(&rel.to_string_lossy()),
        Err(_) => normalize_path(&p.to_string_lossy()),
    }
}

/// Finds `.portcullis.yaml` / `.portcullis.yml` from `start` upward, stopping after `stop`.
pub fn discover_config(start: &Path, stop: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    let mut cur = Some(if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    });
    while let Some(d) = cur {
        for name in [".portcullis.yaml", ".portcullis.yml"] {
            let c = d.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
        if d == stop {
            break;
        }
        cur = d.parent().map(Path::to_path_buf);
    }
    None
}

/// Error loading a config file: IO or validation (each with file:line:col).
#[derive(Debug)]
pub struct ConfigLoadError(pub Vec<String>);

impl std::fmt::Display for ConfigLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

/// Reads and validates a config file; `display` is the path shown in messages.
pub fn load_config(path: &Path, display: &str) -> Result<Config, ConfigLoadError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigLoadError(vec![format!("{display}: cannot read config: {e}")]))?;
    let ids: Vec<&str> = crate::lint::registry::all()
        .iter()
        .map(|r| r.meta.id)
        .collect();
    config::parse(display, &text, &ids)
        .map_err(|errs| ConfigLoadError(errs.iter().map(ToString::to_string).collect()))
}

/// Reads one file as text. Invalid UTF-8 is replaced (and reported); oversized files are
/// skipped with a diagnostic.
pub fn read_source(
    path: &Path,
    rel: &str,
    max_size: u64,
) -> Result<(SourceFile, Option<Diagnostic>), Diagnostic> {
    let io_err = |e: std::io::Error| Diagnostic {
        severity: Severity::Error,
        path: Some(rel.to_string()),
        line: None,
        message: format!("cannot read file: {e}"),
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut bytes = Vec::new();
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > max_size {
        return Err(Diagnostic {
            severity: Severity::Error,
            path: Some(rel.to_string()),
            line: None,
            message: format!("file is larger than the {max_size}-byte limit; not scanned"),
        });
    }
    let file = SourceFile::from_bytes(rel, &bytes);
    let note = match file.encoding {
        Encoding::Utf8 => None,
        Encoding::Utf8Lossy => Some(Diagnostic {
            severity: Severity::Warning,
            path: Some(rel.to_string()),
            line: None,
            message: "file is not valid UTF-8; invalid bytes were replaced before scanning".into(),
        }),
        enc @ (Encoding::Utf16Le | Encoding::Utf16Be) => Some(Diagnostic {
            severity: Severity::Note,
            path: Some(rel.to_string()),
            line: None,
            message: format!(
                "file is {} encoded (byte order mark); decoded before scanning",
                enc.label()
            ),
        }),
    };
    Ok((file, note))
}

/// Result of walking: files to scan and problems met on the way.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Explicitly named files whose names do not look like Dockerfiles (lint them anyway).
    pub forced_dockerfiles: Vec<String>,
    /// Manifests and lock files found by walking (not Dockerfiles) that could not be read.
    /// Their diagnostics are warnings, so they never fail a lint run; `sbom` treats them as
    /// errors.
    pub unread_sbom_inputs: Vec<String>,
}

/// Walks `roots` (files or directories), respecting `.gitignore`, and reads every file the
/// core wants (Dockerfiles, `.dockerignore`, and the manifests and lock files an SBOM
/// extractor wants). Paths are made relative to `base`. Explicitly named files are always
/// read, whatever their name. A manifest or lock file ignored by its own name in a directory
/// that is not ignored is read too (see [`read_file_ignored_sbom_inputs`]).
pub fn walk(roots: &[PathBuf], base: &Path, config: &Config, max_size: u64) -> Walked {
    let mut out = Walked::default();
    let mut seen = std::collections::BTreeSet::new();
    for root in roots {
        if !root.exists() {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: Some(normalize_path(&root.to_string_lossy())),
                line: None,
                message: "no such file or directory".into(),
            });
            continue;
        }
        if !root.is_file() && !root.is_dir() {
            // A FIFO, socket or device: reading it could block forever or never end.
            out.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: Some(relative_path(root, base)),
                line: None,
                message: "not a regular file or directory (FIFO, socket or device); skipped".into(),
            });
            continue;
        }
        if root.is_file() {
            let rel = relative_path(root, base);
            if seen.insert(rel.clone()) {
                push_read(&mut out, root, &rel, max_size, true);
            }
            // A Dockerfile named on its own brings the `.dockerignore` files that apply to it,
            // so DF127 knows whether the build context is filtered (as in a directory walk).
            if engine::classify(&rel) == FileKind::Dockerfile {
                for (path, rel) in dockerignores_for(root, &rel, base) {
                    if seen.insert(rel.clone()) {
                        push_read(&mut out, &path, &rel, max_size, false);
                    }
                }
            }
            continue;
        }
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .parents(true)
            .require_git(false);
        builder.filter_entry(|e| e.file_name() != ".git");
        let mut dirs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
        for entry in builder.build() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    out.diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        path: None,
                        line: None,
                        message: format!("while walking: {e}"),
                    });
                    continue;
                }
            };
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                dirs.insert(entry.path().to_path_buf());
            }
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = relative_path_in_walk(entry.path(), root, &canonical_root, base);
            if (engine::classify(&rel) == FileKind::Other && !is_sbom_input(&rel))
                || config.is_excluded(&rel)
            {
                continue;
            }
            if seen.insert(rel.clone()) {
                let sbom_only = engine::classify(&rel) == FileKind::Other;
                push_read(&mut out, entry.path(), &rel, max_size, false);
                if sbom_only
                    && let Some(d) = out.diagnostics.last_mut().filter(|d| {
                        d.severity == Severity::Error && d.path.as_deref() == Some(&rel)
                    })
                {
                    d.severity = Severity::Warning;
                    out.unread_sbom_inputs.push(rel.clone());
                }
            }
        }
        read_file_ignored_sbom_inputs(
            &mut out,
            &mut seen,
            (root, &canonical_root),
            &dirs,
            base,
            config,
            max_size,
        );
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Manifests and lock files that a `.gitignore` pattern matches by their own name (`paket.lock`,
/// `*.lock`) but that sit in a directory the walk visited (`dirs`). Repositories commit such
/// files anyway (git ignores patterns for tracked files), and when one is on disk it is what
/// restore uses. Files in ignored directories (`bin/`, `obj/`, `node_modules/`) stay skipped.
fn read_file_ignored_sbom_inputs(
    out: &mut Walked,
    seen: &mut std::collections::BTreeSet<String>,
    (root, canonical_root): (&Path, &Path),
    dirs: &std::collections::BTreeSet<PathBuf>,
    base: &Path,
    config: &Config,
    max_size: u64,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.standard_filters(false);
    let visited = dirs.clone();
    builder.filter_entry(move |e| {
        !e.file_type().is_some_and(|t| t.is_dir()) || visited.contains(e.path())
    });
    for entry in builder.build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = relative_path_in_walk(entry.path(), root, canonical_root, base);
        if engine::classify(&rel) != FileKind::Other
            || !is_sbom_input(&rel)
            || config.is_excluded(&rel)
            || !seen.insert(rel.clone())
        {
            continue;
        }
        push_read(out, entry.path(), &rel, max_size, false);
        if let Some(d) = out
            .diagnostics
            .last_mut()
            .filter(|d| d.severity == Severity::Error && d.path.as_deref() == Some(&rel))
        {
            d.severity = Severity::Warning;
            out.unread_sbom_inputs.push(rel.clone());
        }
    }
}

/// Whether an SBOM extractor wants this file (manifests, lock files, ...).
pub fn is_sbom_input(rel: &str) -> bool {
    crate::sbom::extract::all().iter().any(|e| (e.wants)(rel))
}

/// The `.dockerignore` files that exist for the Dockerfile at `path` (`rel` from `base`): next to
/// it (`.dockerignore`, `<name>.dockerignore`) and at `base`, with their relative paths.
fn dockerignores_for(path: &Path, rel: &str, base: &Path) -> Vec<(PathBuf, String)> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let dir = path.parent().unwrap_or(base);
    let mut out = Vec::new();
    for candidate in [
        dir.join(".dockerignore"),
        dir.join(format!("{name}.dockerignore")),
        base.join(".dockerignore"),
    ] {
        if candidate.is_file() {
            let rel = relative_path(&candidate, base);
            if !out.iter().any(|(_, r)| r == &rel) {
                out.push((candidate, rel));
            }
        }
    }
    out
}

fn push_read(out: &mut Walked, path: &Path, rel: &str, max_size: u64, explicit: bool) {
    match read_source(path, rel, max_size) {
        Ok((file, diag)) => {
            if explicit && engine::classify(rel) == FileKind::Other {
                // An explicitly named file is linted as a Dockerfile whatever its name.
                out.forced_dockerfiles.push(rel.to_string());
            }
            out.files.push(file);
            out.diagnostics.extend(diag);
        }
        Err(d) => out.diagnostics.push(d),
    }
}
