//! The offline OSV database: `portcullis db update` downloads OSV's per-ecosystem exports
//! (`{base}/{Ecosystem}/all.zip`) into the cache, `portcullis db status` lists what is there.
//!
//! Layout under the cache root ([`crate::native::cache::cache_root`]):
//!
//! ```text
//! osv/<Ecosystem>/all.zip     the archive exactly as downloaded
//! osv/<Ecosystem>/meta.json   {"source_url": "...", "downloaded_at": "<RFC 3339 UTC>",
//!                              "sha256": "<hex of all.zip>", "records": <JSON entries>}
//! osv/<Ecosystem>/http.json   validators for the next conditional download (ETag,
//!                              Last-Modified); optional
//! ```
//!
//! An update never leaves a half-written database: the archive is streamed into a temporary
//! file in the same directory, checked to be a readable zip of OSV JSON records (every entry
//! decompressed with its CRC checked, within entry-count and size limits), hashed, and only
//! then renamed over `all.zip`; `meta.json` is written after it (also by rename). Any failure
//! removes the temporary file and leaves the previous database as it was.
//!
//! When a previous download recorded an `ETag` or `Last-Modified`, the request is conditional;
//! a `304 Not Modified` keeps the archive and only refreshes `downloaded_at` (the time the
//! database was last confirmed current, which is what the scan's age warning is about).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::native::cache;
use crate::native::http::{self, DownloadOptions, HttpError, Request};

/// OSV's public bucket of per-ecosystem exports.
pub const DEFAULT_DB_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Environment variable overriding the download base URL (a mirror).
pub const DB_BASE_URL_ENV: &str = "PORTCULLIS_OSV_DB_URL";

/// Ecosystems `db update` downloads when none is named: those the SBOM extractors produce
/// components for (NuGet, Cargo, npm, PyPI, Go modules, gems from `gem install`, and the
/// Debian/Ubuntu-family and Alpine packages installed in Dockerfiles).
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "NuGet",
    "crates.io",
    "npm",
    "PyPI",
    "Go",
    "RubyGems",
    "Debian",
    "Alpine",
];

/// OSV ecosystem names whose spelling is fixed up from any letter case (`nuget` → `NuGet`).
/// Other names are used as typed.
pub const KNOWN_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Android",
    "Bitnami",
    "CRAN",
    "Chainguard",
    "crates.io",
    "Debian",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Linux",
    "Mageia",
    "Maven",
    "npm",
    "NuGet",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "Wolfi",
];

/// File names inside an ecosystem directory.
pub const ARCHIVE_FILE: &str = "all.zip";
pub const META_FILE: &str = "meta.json";
pub const HTTP_META_FILE: &str = "http.json";

/// Bounds on what an archive may hold before it is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Entries (files and directories).
    pub max_entries: usize,
    /// Uncompressed size of one entry.
    pub max_entry_bytes: u64,
    /// Uncompressed size of all entries together.
    pub max_total_bytes: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 2_000_000,
            max_entry_bytes: 32 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024 * 1024,
        }
    }
}

/// What `db update` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbUpdateOptions {
    /// Base URL; archives are at `{base}/{Ecosystem}/all.zip`.
    pub base_url: String,
    /// Ecosystems to download (see [`canonical_ecosystem`]); empty = [`DEFAULT_ECOSYSTEMS`].
    pub ecosystems: Vec<String>,
    /// The cache root; the database goes to `<root>/osv/<Ecosystem>/`.
    pub root: PathBuf,
    /// Size limit and time allowed per archive download.
    pub download: DownloadOptions,
    pub limits: ZipLimits,
    /// Send `If-None-Match` / `If-Modified-Since` from the previous download.
    pub conditional: bool,
}

impl DbUpdateOptions {
    /// Defaults for a cache root: the public bucket (or `$PORTCULLIS_OSV_DB_URL`), the default
    /// ecosystems, a 1 GiB / 15 minute limit per archive, conditional requests.
    pub fn new(root: PathBuf) -> Self {
        let base_url = std::env::var(DB_BASE_URL_ENV)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_DB_BASE_URL.to_string());
        DbUpdateOptions {
            base_url,
            ecosystems: Vec::new(),
            root,
            download: DownloadOptions::default(),
            limits: ZipLimits::default(),
            conditional: true,
        }
    }
}

/// The contents of `meta.json` (field order as written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbMeta {
    pub source_url: String,
    /// RFC 3339 UTC, e.g. `2026-11-20T10:00:00Z`.
    pub downloaded_at: String,
    /// Lower-case hex SHA-256 of `all.zip`.
    pub sha256: String,
    /// JSON entries (OSV records) in the archive.
    pub records: u64,
}

/// Validators for a conditional request (`http.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct HttpMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    /// The sha256 of the archive these validators belong to.
    sha256: String,
}

/// Why updating one ecosystem failed. The previous database is intact in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    #[error("`{name}` is not a valid ecosystem name: {reason}")]
    InvalidEcosystem { name: String, reason: String },
    #[error("downloading {url}: {source}")]
    Http { url: String, source: HttpError },
    #[error("downloading {url}: HTTP {status}{hint}{detail}")]
    Status {
        url: String,
        status: u16,
        /// Extra advice (e.g. for 404: ecosystem names are case-sensitive).
        hint: String,
        detail: String,
    },
    #[error("{url} is not a usable OSV archive: {detail}")]
    InvalidArchive { url: String, detail: String },
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
}

/// How an ecosystem's update ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateKind {
    /// A new archive replaced (or created) the database.
    Updated,
    /// The server said the archive has not changed (HTTP 304); only `downloaded_at` moved.
    NotModified,
}

/// A successful update of one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Updated {
    pub kind: UpdateKind,
    pub meta: DbMeta,
    /// Size of `all.zip` in bytes.
    pub bytes: u64,
    /// JSON entries that were not valid JSON objects with an `id` (kept, but the offline
    /// reader will report them).
    pub invalid_entries: u64,
    /// The ecosystem directory.
    pub dir: PathBuf,
}

/// One ecosystem's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemUpdate {
    pub ecosystem: String,
    pub result: Result<Updated, DbError>,
}

/// The directory of one ecosystem's database under a cache root.
pub fn ecosystem_dir(root: &Path, ecosystem: &str) -> PathBuf {
    root.join(cache::OSV_DB_DIR).join(ecosystem)
}

/// The known spelling of an ecosystem name (`nuget` → `NuGet`, `cargo` → `crates.io`,
/// `pypi` → `PyPI`, `golang` → `Go`, `gem` → `RubyGems`), or the name as typed when it is
/// unknown but usable as a directory and URL segment (letters, digits, space, `.`, `-`, `_`;
/// no release suffix such as `Debian:12`: the exports are per ecosystem).
pub fn canonical_ecosystem(name: &str) -> Result<String, DbError> {
    let n = name.trim();
    let invalid = |reason: &str| DbError::InvalidEcosystem {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if n.is_empty() {
        return Err(invalid("empty"));
    }
    let lower = n.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "cargo" | "crates" | "rust" => Some("crates.io"),
        "pip" | "python" => Some("PyPI"),
        "golang" => Some("Go"),
        "gem" | "gems" | "ruby" => Some("RubyGems"),
        "nodejs" | "node" => Some("npm"),
        _ => None,
    };
    if let Some(a) = alias {
        return Ok(a.to_string());
    }
    if let Some(k) = KNOWN_ECOSYSTEMS.iter().find(|k| k.eq_ignore_ascii_case(n)) {
        return Ok((*k).to_string());
    }
    if n.contains(':') {
        return Err(invalid(
            "release-specific names (like `Debian:12`) have no export of their own; use the ecosystem (`Debian`)",
        ));
    }
    if n.len() > 64
        || n.starts_with('.')
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .-_".contains(c))
    {
        return Err(invalid(
            "use letters, digits, space, `.`, `-` and `_` only (at most 64 characters)",
        ));
    }
    Ok(n.to_string())
}

/// `{base}/{Ecosystem}/all.zip` with the ecosystem percent-encoded.
pub fn archive_url(base: &str, ecosystem: &str) -> String {
    let mut seg = String::new();
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            seg.push(char::from(b));
        } else {
            seg.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{}/{seg}/{ARCHIVE_FILE}", base.trim().trim_end_matches('/'))
}

/// Reads `meta.json` of an ecosystem directory.
pub fn read_meta(dir: &Path) -> Result<DbMeta, DbError> {
    let path = dir.join(META_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, &e))?;
    serde_json::from_str(&text).map_err(|e| DbError::Io {
        path: path.display().to_string(),
        detail: format!("not a valid meta.json: {e}"),
    })
}

fn io_error(path: &Path, e: &std::io::Error) -> DbError {
    DbError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// Downloads every requested ecosystem in turn. `progress(ecosystem, bytes so far, total)`
/// is called while an archive streams in. One ecosystem's failure does not stop the others.
pub fn update(
    http: &http::Client,
    opts: &DbUpdateOptions,
    progress: &mut dyn FnMut(&str, u64, Option<u64>),
) -> Vec<EcosystemUpdate> {
    let requested: Vec<String> = if opts.ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS
            .iter()
            .map(|s| (*s).to_string())
            .collect()
    } else {
        opts.ecosystems.clone()
    };
    let mut done: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for name in requested {
        let eco = match canonical_ecosystem(&name) {
            Ok(e) => e,
            Err(e) => {
                out.push(EcosystemUpdate {
                    ecosystem: name,
                    result: Err(e),
                });
                continue;
            }
        };
        if done.contains(&eco) {
            continue;
        }
        done.push(eco.clone());
        let dir = ecosystem_dir(&opts.root, &eco);
        let existed = dir.exists();
        let result = update_one(http, opts, &eco, &mut |n, total| progress(&eco, n, total));
        if result.is_err() && !existed {
            // Do not leave an empty directory that looks like a database; only removed when
            // empty, so nothing else is touched.
            let _ = std::fs::remove_dir(&dir);
        }
        out.push(EcosystemUpdate {
            ecosystem: eco,
            result,
        });
    }
    out
}

/// Removes the temporary file when dropped (unless it was renamed into place).
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn update_one(
    http: &http::Client,
    opts: &DbUpdateOptions,
    eco: &str,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Updated, DbError> {
    let url = archive_url(&opts.base_url, eco);
    let dir = ecosystem_dir(&opts.root, eco);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
    let archive = dir.join(ARCHIVE_FILE);
    let old_meta = read_meta(&dir).ok();
    let old_http = read_http_meta(&dir);

    let mut req = Request::get(url.clone()).header("Accept", "application/zip");
    if opts.conditional
        && archive.is_file()
        && let (Some(meta), Some(h)) = (&old_meta, &old_http)
        && h.sha256 == meta.sha256
    {
        if let Some(etag) = &h.etag {
            req = req.header("If-None-Match", etag.as_str());
        }
        if let Some(lm) = &h.last_modified {
            req = req.header("If-Modified-Since", lm.as_str());
        }
    }

    let tmp_path = cache::temp_path_for(&archive);
    let mut guard = TempFile(Some(tmp_path.clone()));
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&tmp_path)
        .map_err(|e| io_error(&tmp_path, &e))?;
    let got = http
        .download(&req, &mut file, &opts.download, progress)
        .map_err(|source| DbError::Http {
            url: url.clone(),
            source,
        })?;
    let resp = &got.response;

    if resp.status == 304 {
        drop(file);
        drop(guard);
        let Some(mut meta) = old_meta else {
            return Err(DbError::InvalidArchive {
                url,
                detail: "the server answered 304 Not Modified but there is no previous download"
                    .into(),
            });
        };
        meta.downloaded_at = cache::format_rfc3339_utc(cache::now_unix());
        write_json(&dir.join(META_FILE), &meta)?;
        let bytes = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or(0);
        return Ok(Updated {
            kind: UpdateKind::NotModified,
            meta,
            bytes,
            invalid_entries: 0,
            dir,
        });
    }
    if !resp.is_success() {
        return Err(DbError::Status {
            url,
            status: resp.status,
            hint: if resp.status == 404 {
                " (no export for this ecosystem; names are case-sensitive, e.g. `NuGet`, `crates.io`, `PyPI`)".into()
            } else {
                String::new()
            },
            detail: resp.detail_suffix(200),
        });
    }
    file.sync_all().map_err(|e| io_error(&tmp_path, &e))?;
    drop(file);

    let check =
        verify_archive(&tmp_path, &opts.limits).map_err(|detail| DbError::InvalidArchive {
            url: url.clone(),
            detail,
        })?;
    let sha256 = sha256_file(&tmp_path).map_err(|e| io_error(&tmp_path, &e))?;
    std::fs::rename(&tmp_path, &archive).map_err(|e| io_error(&archive, &e))?;
    guard.0 = None;

    let meta = DbMeta {
        source_url: url,
        downloaded_at: cache::format_rfc3339_utc(cache::now_unix()),
        sha256: sha256.clone(),
        records: check.records,
    };
    write_json(&dir.join(META_FILE), &meta)?;
    let validators = HttpMeta {
        etag: resp.header("etag").map(str::to_string),
        last_modified: resp.header("last-modified").map(str::to_string),
        sha256,
    };
    let http_path = dir.join(HTTP_META_FILE);
    if validators.etag.is_some() || validators.last_modified.is_some() {
        write_json(&http_path, &validators)?;
    } else {
        let _ = std::fs::remove_file(&http_path);
    }
    Ok(Updated {
        kind: UpdateKind::Updated,
        meta,
        bytes: got.bytes,
        invalid_entries: check.invalid,
        dir,
    })
}

fn read_http_meta(dir: &Path) -> Option<HttpMeta> {
    let text = std::fs::read_to_string(dir.join(HTTP_META_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), DbError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| DbError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    bytes.push(b'\n');
    cache::write_atomic(path, &bytes).map_err(|e| io_error(path, &e))
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// What [`verify_archive`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveCheck {
    /// `.json` entries that are JSON objects with a string `id`.
    pub records: u64,
    /// `.json` entries that are not.
    pub invalid: u64,
}

#[derive(Deserialize)]
struct IdOnly {
    #[allow(dead_code)]
    id: String,
}

/// Checks that `path` is a zip archive of OSV records within `limits`: every entry is read
/// to its end (so its CRC is checked) without ever holding more than one entry in memory;
/// entry names must be relative without `..`; at least one `.json` entry must be an OSV
/// record. Returns the counts, or what is wrong.
pub fn verify_archive(path: &Path, limits: &ZipLimits) -> Result<ArchiveCheck, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    let n = zip.len();
    if n > limits.max_entries {
        return Err(format!(
            "{n} entries, more than the limit of {}",
            limits.max_entries
        ));
    }
    let mut total: u64 = 0;
    let mut check = ArchiveCheck {
        records: 0,
        invalid: 0,
    };
    let mut buf = Vec::new();
    for i in 0..n {
        let mut entry = zip.by_index(i).map_err(|e| format!("entry #{i}: {e}"))?;
        let name = entry
            .name()
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned());
        if !safe_entry_name(&name) || entry.enclosed_name().is_none() {
            return Err(format!(
                "entry `{}` has an unsafe path",
                name.escape_debug()
            ));
        }
        if entry.is_dir() {
            continue;
        }
        if entry.size() > limits.max_entry_bytes {
            return Err(format!(
                "entry `{}` is {} bytes, more than the limit of {}",
                name.escape_debug(),
                entry.size(),
                limits.max_entry_bytes
            ));
        }
        buf.clear();
        (&mut entry)
            .take(limits.max_entry_bytes.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| format!("entry `{}` cannot be read: {e}", name.escape_debug()))?;
        let len = buf.len() as u64;
        if len > limits.max_entry_bytes {
            return Err(format!(
                "entry `{}` unpacks to more than the limit of {} bytes",
                name.escape_debug(),
                limits.max_entry_bytes
            ));
        }
        total = total.saturating_add(len);
        if total > limits.max_total_bytes {
            return Err(format!(
                "the entries unpack to more than the limit of {} bytes",
                limits.max_total_bytes
            ));
        }
        if name.to_ascii_lowercase().ends_with(".json") {
            if serde_json::from_slice::<IdOnly>(&buf).is_ok() {
                check.records += 1;
            } else {
                check.invalid += 1;
            }
        }
    }
    if check.records == 0 {
        return Err(if check.invalid > 0 {
            format!(
                "none of its {} JSON entries is an OSV record",
                check.invalid
            )
        } else {
            "it holds no OSV records (.json entries)".into()
        });
    }
    Ok(check)
}

/// A relative `/`-separated name without `..`, drive letters, backslashes or NULs.
fn safe_entry_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains(['\\', ':', '\0'])
        && name.split('/').all(|c| c != "..")
}

/// One cached ecosystem, for `db status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbStatus {
    pub ecosystem: String,
    pub dir: PathBuf,
    pub meta: Option<DbMeta>,
    /// Size of `all.zip`, when present.
    pub bytes: Option<u64>,
    /// Seconds since `downloaded_at` (negative if it lies in the future).
    pub age_secs: Option<i64>,
    /// What is wrong with this entry (missing archive or meta.json, unreadable meta.json).
    pub problem: Option<String>,
}

/// Lists the ecosystems cached under `root` (sorted by name), with their age relative to
/// `now_unix`. A missing `osv` directory is an empty list.
pub fn status(root: &Path, now_unix: i64) -> Result<Vec<DbStatus>, DbError> {
    let osv = root.join(cache::OSV_DB_DIR);
    let rd = match std::fs::read_dir(&osv) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&osv, &e)),
    };
    let mut out = Vec::new();
    for entry in rd.flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        let ecosystem = entry.file_name().to_string_lossy().into_owned();
        if ecosystem.starts_with('.') {
            continue;
        }
        let bytes = std::fs::metadata(dir.join(ARCHIVE_FILE))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let (meta, mut problem) = match read_meta(&dir) {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e.to_string())),
        };
        if bytes.is_none() {
            problem = Some(format!("{ARCHIVE_FILE} is missing"));
        }
        let age_secs = meta.as_ref().and_then(|m| {
            cache::parse_rfc3339(&m.downloaded_at).map(|(t, _)| now_unix.saturating_sub(t))
        });
        if meta.is_some() && age_secs.is_none() && problem.is_none() {
            problem = Some("meta.json has no valid downloaded_at time".into());
        }
        out.push(DbStatus {
            ecosystem,
            dir,
            meta,
            bytes,
            age_secs,
            problem,
        });
    }
    out.sort_by(|a, b| a.ecosystem.cmp(&b.ecosystem));
    Ok(out)
}

/// `3d 4h`, `5h 12m`, `42m`, `just now` for an age in seconds.
pub fn format_age(secs: i64) -> String {
    if secs < 0 {
        return "in the future".into();
    }
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        "just now".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_names() {
        assert_eq!(canonical_ecosystem("nuget").unwrap(), "NuGet");
        assert_eq!(canonical_ecosystem(" PYPI ").unwrap(), "PyPI");
        assert_eq!(canonical_ecosystem("cargo").unwrap(), "crates.io");
        assert_eq!(canonical_ecosystem("CRATES.IO").unwrap(), "crates.io");
        assert_eq!(canonical_ecosystem("golang").unwrap(), "Go");
        assert_eq!(canonical_ecosystem("red hat").unwrap(), "Red Hat");
        assert_eq!(canonical_ecosystem("MyMirror_1").unwrap(), "MyMirror_1");
        for bad in ["", "  ", "Debian:12", "../x", ".hidden", "a/b", "a\\b", "é"] {
            assert!(canonical_ecosystem(bad).is_err(), "{bad}");
        }
        let e = canonical_ecosystem("Debian:12").unwrap_err().to_string();
        assert!(e.contains("`Debian`"), "{e}");
        for d in DEFAULT_ECOSYSTEMS {
            assert_eq!(canonical_ecosystem(d).unwrap(), *d);
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            archive_url(
                "https://osv-vulnerabilities.storage.googleapis.com/",
                "crates.io"
            ),
            "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip"
        );
        assert_eq!(
            archive_url("http://127.0.0.1:9/m", "Red Hat"),
            "http://127.0.0.1:9/m/Red%20Hat/all.zip"
        );
    }

    #[test]
    fn entry_names() {
        for ok in ["GHSA-x.json", "a/b.json", "dir/", "a..b.json"] {
            assert!(safe_entry_name(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/x.json",
            "../x.json",
            "a/../../x",
            "a\\b.json",
            "C:x.json",
            "a\0b",
        ] {
            assert!(!safe_entry_name(bad), "{bad}");
        }
    }

    #[test]
    fn ages() {
        assert_eq!(format_age(-5), "in the future");
        assert_eq!(format_age(10), "just now");
        assert_eq!(format_age(600), "10m");
        assert_eq!(format_age(3 * 3600 + 120), "3h 2m");
        assert_eq!(format_age(2 * 86_400 + 5 * 3600), "2d 5h");
    }

    #[test]
    fn meta_json_shape() {
        let m = DbMeta {
            source_url: "https://x/NuGet/all.zip".into(),
            downloaded_at: "2026-11-20T10:00:00Z".into(),
            sha256: "ab".into(),
            records: 3,
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"source_url":"https://x/NuGet/all.zip","downloaded_at":"2026-11-20T10:00:00Z","sha256":"ab","records":3}"#
        );
    }
}
