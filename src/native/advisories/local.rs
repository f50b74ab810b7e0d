//! OSV records from the local file system: a directory of JSON files (searched recursively;
//! each file an object, an array, or `{"vulns": [...]}`) or an osv.dev-style `all.zip`.
//!
//! Archives are untrusted input. They are read entry by entry from the central directory and
//! never extracted: entry names are only checked (absolute paths, `..`, drive letters and
//! backslashes are refused as path traversal, and such entries are skipped), every entry is
//! inflated through a reader capped at [`ZipLimits::max_entry_bytes`], the whole archive at
//! [`ZipLimits::max_total_bytes`], the number of entries at [`ZipLimits::max_entries`], and an
//! entry inflating more than [`ZipLimits::max_ratio`] times its compressed size is treated as a
//! zip bomb and stops the archive.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::engine::Diagnostic;
use crate::finding::Severity;
use crate::vuln::osv::{self, Record};

use super::{Batch, summarize_errors};

/// Bounds on reading an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    pub max_entries: usize,
    /// Largest inflated size of one entry.
    pub max_entry_bytes: u64,
    /// Largest inflated size of all entries together.
    pub max_total_bytes: u64,
    /// Largest inflated / compressed ratio of an entry (checked for entries above 1 MiB).
    pub max_ratio: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 1_000_000,
            max_entry_bytes: 32 * 1024 * 1024,
            max_total_bytes: 8 * 1024 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// Largest JSON file read from a directory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest directory level searched.
const MAX_DEPTH: usize = 32;
/// Parse problems shown in full per source (the rest are counted).
const SHOWN_ERRORS: usize = 5;
/// Ratio checks start above this inflated size (tiny entries compress oddly).
const RATIO_MIN_BYTES: u64 = 1024 * 1024;

fn diag(severity: Severity, path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        path: Some(path.to_string()),
        line: None,
        message,
    }
}

/// Whether an archive entry name could point outside an extraction directory (it is never
/// extracted; such names only appear in malicious archives).
pub fn is_traversal(name: &str) -> bool {
    let n = name.replace('\\', "/");
    name.contains('\\')
        || n.starts_with('/')
        || n.split('/').any(|seg| seg == "..")
        || n.as_bytes().get(1) == Some(&b':')
        || name.contains('\0')
}

/// Reads every `*.json` file below `dir` (sorted, depth-limited, symlinked directories not
/// followed). `keep` filters records.
pub fn load_dir(dir: &Path, keep: &dyn Fn(&Record) -> bool) -> Batch {
    let mut out = Batch::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                out.diagnostics.push(diag(
                    Severity::Warning,
                    &d.display().to_string(),
                    format!("cannot read advisory directory: {e}"),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if depth < MAX_DEPTH && path.file_name().is_none_or(|n| n != ".git") {
                    stack.push((path, depth + 1));
                }
            } else if (ft.is_file() || (ft.is_symlink() && path.is_file()))
                && path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut errors = Vec::new();
    for p in &files {
        let shown = p.display().to_string();
        let text = match read_bounded(p, MAX_FILE_BYTES) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let (records, errs) = osv::parse_records(&shown, &text);
        errors.extend(errs.into_iter().map(|e| e.to_string()));
        out.read += records.len();
        out.records.extend(records.into_iter().filter(|r| keep(r)));
    }
    summarize_errors(
        &dir.display().to_string(),
        errors,
        SHOWN_ERRORS,
        &mut out.diagnostics,
    );
    out
}

fn read_bounded(path: &Path, max: u64) -> Result<String, String> {
    let shown = path.display();
    let f = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut bytes = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("{shown}: larger than {max} bytes; skipped"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8; skipped"))
}

/// Reads the JSON entries of an osv.dev-style `all.zip`. `keep` filters records.
pub fn load_zip(path: &Path, limits: &ZipLimits, keep: &dyn Fn(&Record) -> bool) -> Batch {
    let mut out = Batch::default();
    let shown = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            out.diagnostics.push(diag(
                Severity::Error,
                &shown,
                format!("cannot open advisory archive: {e}"),
            ));
            return out;
        }
    };
    let mut archive = match zip::ZipArchive::new(std::io::BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => {
            out.diagnostics.push(diag(
                Severity::Error,
                &shown,
                format!("not a readable zip archive: {e}"),
            ));
            return out;
        }
    };
    if archive.len() > limits.max_entries {
        out.diagnostics.push(diag(
            Severity::Error,
            &shown,
            format!(
                "advisory archive has {} entries, more than the {} allowed; not read",
                archive.len(),
                limits.max_entries
            ),
        ));
        return out;
    }
    let mut total: u64 = 0;
    let mut errors = Vec::new();
    let mut traversal = 0usize;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("entry #{i}: {e}"));
                continue;
            }
        };
        let name = match entry.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                errors.push(format!("entry #{i}: undecodable name: {e}"));
                continue;
            }
        };
        if is_traversal(&name) {
            traversal += 1;
            continue;
        }
        if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let compressed = entry.compressed_size();
        let cap = limits
            .max_entry_bytes
            .min(limits.max_total_bytes.saturating_sub(total));
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry).take(cap + 1).read_to_end(&mut bytes) {
            errors.push(format!("{name}: {e}"));
            continue;
        }
        let size = bytes.len() as u64;
        total = total.saturating_add(size.min(cap));
        if size > RATIO_MIN_BYTES && size / compressed.max(1) > limits.max_ratio {
            out.diagnostics.push(diag(
                Severity::Error,
                &shown,
                format!(
                    "{name} inflates to more than {} times its compressed size: treated as a zip bomb; the rest of the archive is not read",
                    limits.max_ratio
                ),
            ));
            break;
        }
        if size > cap {
            if total >= limits.max_total_bytes {
                out.diagnostics.push(diag(
                    Severity::Error,
                    &shown,
                    format!(
                        "advisory archive inflates to more than {} bytes: the rest of the archive is not read",
                        limits.max_total_bytes
                    ),
                ));
                break;
            }
            errors.push(format!(
                "{name}: inflates to more than {} bytes; skipped",
                limits.max_entry_bytes
            ));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                errors.push(format!("{name}: not UTF-8; skipped"));
                continue;
            }
        };
        let (records, errs) = osv::parse_records(&format!("{shown}!{name}"), &text);
        errors.extend(errs.into_iter().map(|e| e.to_string()));
        out.read += records.len();
        out.records.extend(records.into_iter().filter(|r| keep(r)));
    }
    if traversal > 0 {
        out.diagnostics.push(diag(
            Severity::Warning,
            &shown,
            format!(
                "{traversal} archive entr{} with path-traversal names (absolute, `..`, drive letters or backslashes) skipped",
                if traversal == 1 { "y" } else { "ies" }
            ),
        ));
    }
    summarize_errors(&shown, errors, SHOWN_ERRORS, &mut out.diagnostics);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_names() {
        for bad in [
            "../x.json",
            "a/../../x.json",
            "/etc/x.json",
            "C:/x.json",
            "a\\..\\x.json",
            "a\0.json",
        ] {
            assert!(is_traversal(bad), "{bad}");
        }
        for ok in ["GHSA-x.json", "a/b/c.json", "a..b.json"] {
            assert!(!is_traversal(ok), "{ok}");
        }
    }
}
