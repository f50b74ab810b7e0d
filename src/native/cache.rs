//! Where Portcullis keeps downloaded data (the offline OSV database, cached OSV API records),
//! and small helpers for writing files there safely.
//!
//! The cache root is, first match wins:
//! 1. `$PORTCULLIS_CACHE_DIR` (used as is);
//! 2. on Windows `%LOCALAPPDATA%\portcullis`;
//! 3. `$XDG_CACHE_HOME/portcullis` (only when `XDG_CACHE_HOME` is an absolute path, as the XDG
//!    base directory specification requires);
//! 4. `~/.cache/portcullis`.
//!
//! Empty variables count as unset. Layout under the root:
//! - `osv/<Ecosystem>/all.zip` and `osv/<Ecosystem>/meta.json`: the offline database written
//!   by `portcullis db update` ([`crate::native::osv_db`]);
//! - `osv-api/<ID>.json`: full records fetched from the OSV API ([`crate::native::osv_api`]).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Environment variable that overrides the cache root.
pub const CACHE_DIR_ENV: &str = "PORTCULLIS_CACHE_DIR";

/// Sub-directory of the cache root holding the per-ecosystem offline OSV databases.
pub const OSV_DB_DIR: &str = "osv";

/// Sub-directory of the cache root holding records fetched from the OSV API.
pub const OSV_API_DIR: &str = "osv-api";

/// The cache root for this process (see the module docs), or `None` when no variable names a
/// usable directory.
pub fn cache_root() -> Option<PathBuf> {
    cache_root_from(|k| std::env::var_os(k), cfg!(windows))
}

/// [`cache_root`] with the environment given as a function (for tests) and the platform rule
/// chosen by `windows`.
pub fn cache_root_from(env: impl Fn(&str) -> Option<OsString>, windows: bool) -> Option<PathBuf> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(CACHE_DIR_ENV) {
        return Some(dir);
    }
    if windows {
        if let Some(local) = var("LOCALAPPDATA") {
            return Some(local.join("portcullis"));
        }
        return var("USERPROFILE").map(|h| h.join("AppData").join("Local").join("portcullis"));
    }
    if let Some(xdg) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("portcullis"));
    }
    var("HOME").map(|h| h.join(".cache").join("portcullis"))
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh name for a temporary file next to `target` (same directory, so a rename is atomic):
/// `.<file name>.<pid>.<n>.tmp`.
pub fn temp_path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = format!(".{name}.{}.{n}.tmp", std::process::id());
    match target.parent() {
        Some(p) => p.join(tmp),
        None => PathBuf::from(tmp),
    }
}

/// Writes `bytes` to `target` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over `target`. Readers see the old content or the new, never a mix. The
/// parent directory must exist.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_path_for(target);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Seconds since the Unix epoch from the system clock (0 if the clock is before 1970).
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time (UTC). Years outside 0..=9999 are clamped.
pub fn format_rfc3339_utc(unix_secs: i64) -> String {
    let min = -62_167_219_200; // 0000-01-01T00:00:00Z
    let max = 253_402_300_799; // 9999-12-31T23:59:59Z
    let t = unix_secs.clamp(min, max);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Parses an RFC 3339 timestamp (`2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.123456+02:00`,
/// lower-case `t`/`z` accepted) into Unix seconds and nanoseconds. `None` when malformed.
pub fn parse_rfc3339(text: &str) -> Option<(i64, u32)> {
    let b = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !sep(4, b'-') || !sep(7, b'-') || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !sep(13, b':') || !sep(16, b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if sep(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b.get(i).copied().unwrap_or(b'0') - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos = nanos.saturating_mul(10);
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b':') => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    Some((
        days * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset,
        nanos,
    ))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: BTreeMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), OsString::from(*v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn override_wins_everywhere() {
        let e = env(&[
            ("PORTCULLIS_CACHE_DIR", "/srv/cache"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/home/u"),
            ("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local"),
        ]);
        assert_eq!(
            cache_root_from(&e, false),
            Some(PathBuf::from("/srv/cache"))
        );
        assert_eq!(cache_root_from(&e, true), Some(PathBuf::from("/srv/cache")));
    }

    #[test]
    fn unix_order_xdg_then_home() {
        let e = env(&[("XDG_CACHE_HOME", "/x/cache"), ("HOME", "/home/u")]);
        assert_eq!(
            cache_root_from(&e, false),
            Some(PathBuf::from("/x/cache/portcullis"))
        );
        let e = env(&[("HOME", "/home/u")]);
        assert_eq!(
            cache_root_from(&e, false),
            Some(PathBuf::from("/home/u/.cache/portcullis"))
        );
        // Relative and empty XDG_CACHE_HOME are ignored; empty override too.
        let e = env(&[
            ("PORTCULLIS_CACHE_DIR", ""),
            ("XDG_CACHE_HOME", "relative/cache"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            cache_root_from(&e, false),
            Some(PathBuf::from("/home/u/.cache/portcullis"))
        );
        assert_eq!(cache_root_from(env(&[]), false), None);
    }

    #[test]
    fn windows_uses_local_app_data() {
        let e = env(&[
            ("LOCALAPPDATA", "/win/local"),
            ("USERPROFILE", "/win/user"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            cache_root_from(&e, true),
            Some(PathBuf::from("/win/local/portcullis"))
        );
        let e = env(&[("USERPROFILE", "/win/user")]);
        assert_eq!(
            cache_root_from(&e, true),
            Some(PathBuf::from("/win/user/AppData/Local/portcullis"))
        );
        assert_eq!(cache_root_from(env(&[("HOME", "/h")]), true), None);
    }

    #[test]
    fn rfc3339_round_trip_and_parsing() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(format_rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339_utc(i64::MAX), "9999-12-31T23:59:59Z");
        for t in [0, 1, 59, 86_399, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&format_rfc3339_utc(t)), Some((t, 0)), "{t}");
        }
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.5Z"),
            Some((1_700_000_000, 500_000_000))
        );
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.123456789123Z"),
            Some((1_700_000_000, 123_456_789))
        );
        assert_eq!(
            parse_rfc3339("2023-11-15t00:13:20+02:00"),
            Some((1_700_000_000, 0))
        );
        assert_eq!(
            parse_rfc3339("2023-11-14T20:13:20-02:00"),
            Some((1_700_000_000, 0))
        );
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-13-14T22:13:20Z",
            "2023-02-29T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20Zjunk",
            "2023-11-14T22:13:20+0200",
            "２023-11-14T22:13:20Z",
            "2023-11-14T22:1é:20Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert!(parse_rfc3339("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn temp_paths_are_siblings_and_unique() {
        let t = Path::new("/a/b/all.zip");
        let x = temp_path_for(t);
        let y = temp_path_for(t);
        assert_ne!(x, y);
        assert_eq!(x.parent(), Some(Path::new("/a/b")));
        let name = x.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".all.zip.") && name.ends_with(".tmp"),
            "{name}"
        );
    }

    #[test]
    fn atomic_write_replaces_and_cleans_up() {
        let dir = std::env::temp_dir().join(format!(
            "portcullis-cache-test-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("meta.json");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("meta.json")]);
        // A missing parent is an error, and leaves nothing behind.
        assert!(write_atomic(&dir.join("missing").join("x"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
