//! `portcullis db`: the offline advisory database (update, status, verify).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};

use portcullis::native;
use portcullis::native::http::HttpOptions;

use crate::args::DbCommand;

fn db_root(cache_dir: Option<PathBuf>) -> Result<PathBuf> {
    cache_dir.or_else(native::cache::cache_root).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot tell where the cache is: no PORTCULLIS_CACHE_DIR, XDG_CACHE_HOME or HOME; pass --cache-dir"
        )
    })
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in UNITS.iter().skip(1) {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

pub(crate) fn db(action: DbCommand) -> Result<u8> {
    use portcullis::native::http::{self, DownloadOptions};
    use portcullis::native::osv_db::{self, DbUpdateOptions, UpdateKind};

    match action {
        DbCommand::Update {
            ecosystems,
            base_url,
            cache_dir,
            max_download_size,
            force,
            allow_insecure_loopback,
            json,
        } => {
            let root = db_root(cache_dir)?;
            let mut opts = DbUpdateOptions::new(root);
            if let Some(b) = base_url {
                opts.base_url = b;
            }
            opts.ecosystems = ecosystems;
            opts.conditional = !force;
            opts.download = DownloadOptions {
                max_bytes: max_download_size,
                ..DownloadOptions::default()
            };
            let client = http::client(&HttpOptions {
                allow_http_loopback: allow_insecure_loopback,
                ..HttpOptions::default()
            })
            .context("cannot set up the HTTP client")?;
            let show_progress = std::io::stderr().is_terminal();
            let mut last_shown: u64 = 0;
            let mut current = String::new();
            let mut progress = |eco: &str, done: u64, total: Option<u64>| {
                if !show_progress {
                    return;
                }
                if eco != current {
                    current = eco.to_string();
                    last_shown = 0;
                }
                if done < last_shown.saturating_add(256 * 1024) && Some(done) != total {
                    return;
                }
                last_shown = done;
                let of = total
                    .map(|t| format!(" / {}", human_bytes(t)))
                    .unwrap_or_default();
                eprint!("\r\x1b[2K{eco}: {}{of}", human_bytes(done));
            };
            let results = osv_db::update(&client, &opts, &mut progress);
            if show_progress {
                eprint!("\r\x1b[2K");
            }
            let failed = results.iter().filter(|r| r.result.is_err()).count();
            if json {
                let rows: Vec<serde_json::Value> = results
                    .iter()
                    .map(|r| match &r.result {
                        Ok(u) => serde_json::json!({
                            "ecosystem": r.ecosystem,
                            "status": match u.kind {
                                UpdateKind::Updated => "updated",
                                UpdateKind::NotModified => "not_modified",
                            },
                            "records": u.meta.records,
                            "bytes": u.bytes,
                            "sha256": u.meta.sha256,
                            "downloaded_at": u.meta.downloaded_at,
                            "source_url": u.meta.source_url,
                            "invalid_entries": u.invalid_entries,
                            "path": u.dir.join(osv_db::ARCHIVE_FILE).display().to_string(),
                        }),
                        Err(e) => serde_json::json!({
                            "ecosystem": r.ecosystem,
                            "status": "error",
                            "error": e.to_string(),
                        }),
                    })
                    .collect();
                let doc = serde_json::json!({
                    "cache": opts.root.join(native::cache::OSV_DB_DIR).display().to_string(),
                    "ecosystems": rows,
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                for r in &results {
                    match &r.result {
                        Ok(u) => {
                            let what = match u.kind {
                                UpdateKind::Updated => "updated",
                                UpdateKind::NotModified => "not modified since the last download",
                            };
                            println!(
                                "{}: {what}: {} records, {} ({})",
                                r.ecosystem,
                                u.meta.records,
                                human_bytes(u.bytes),
                                u.dir.join(osv_db::ARCHIVE_FILE).display()
                            );
                            if u.invalid_entries > 0 {
                                eprintln!(
                                    "warning: {}: {} entries of the archive are not OSV records",
                                    r.ecosystem, u.invalid_entries
                                );
                            }
                        }
                        Err(e) => eprintln!("error: {}: {e}", r.ecosystem),
                    }
                }
                if failed > 0 {
                    eprintln!(
                        "{failed} of {} ecosystem(s) failed; their previous databases (if any) are unchanged",
                        results.len()
                    );
                }
            }
            Ok(if failed > 0 { 2 } else { 0 })
        }
        DbCommand::Status { cache_dir, json } => {
            let root = db_root(cache_dir)?;
            let rows = osv_db::status(&root, native::cache::now_unix())?;
            let dir = root.join(native::cache::OSV_DB_DIR);
            if json {
                let doc = serde_json::json!({
                    "cache": dir.display().to_string(),
                    "ecosystems": rows,
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
                return Ok(0);
            }
            if rows.is_empty() {
                println!(
                    "no offline advisory database in {}; run `portcullis db update`",
                    dir.display()
                );
                return Ok(0);
            }
            println!("offline advisory database: {}", dir.display());
            let mut table = vec![[
                "ECOSYSTEM".to_string(),
                "RECORDS".to_string(),
                "SIZE".to_string(),
                "DOWNLOADED".to_string(),
                "AGE".to_string(),
            ]];
            let mut problems = Vec::new();
            for r in &rows {
                table.push([
                    r.ecosystem.clone(),
                    r.meta
                        .as_ref()
                        .map(|m| m.records.to_string())
                        .unwrap_or_else(|| "-".into()),
                    r.bytes.map(human_bytes).unwrap_or_else(|| "-".into()),
                    r.meta
                        .as_ref()
                        .map(|m| m.downloaded_at.clone())
                        .unwrap_or_else(|| "-".into()),
                    r.age_secs
                        .map(osv_db::format_age)
                        .unwrap_or_else(|| "-".into()),
                ]);
                if let Some(p) = &r.problem {
                    problems.push(format!("{}: {p}", r.ecosystem));
                }
            }
            let widths: Vec<usize> = (0..5)
                .map(|i| {
                    table
                        .iter()
                        .map(|row| row.get(i).map_or(0, |c| c.chars().count()))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for row in &table {
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect();
                println!("{}", line.join("  ").trim_end());
            }
            for p in problems {
                eprintln!("warning: {p}");
            }
            Ok(0)
        }
    }
}
