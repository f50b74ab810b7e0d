//! RustSec advisories from a local advisory-db checkout, read with the `rustsec` crate (no git,
//! no network) and converted into OSV [`Record`]s so the one matcher does the matching.
//!
//! Layout: `<root>/crates/<crate>/RUSTSEC-YYYY-NNNN.md` (TOML front matter + Markdown). The
//! `rust/` collection (advisories about the standard library and toolchain) is not read: no
//! lock file names those packages. Each file is parsed on its own, so one malformed advisory
//! is a diagnostic, not a failed load.
//!
//! Conversion: id, aliases, related, title → `summary`, description → `details`, date →
//! `published`, `withdrawn`, the CVSS vector → `severity`, `url` and `references` →
//! `references`, the affected versions → one `SEMVER` range per unaffected gap as computed by
//! `rustsec::osv::ranges_for_advisory` (introduced / fixed), and the informational kind
//! (`unmaintained`, `unsound`, `notice`) → `affected[].database_specific.informational`, where
//! the matcher reads it.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::json;

use crate::engine::Diagnostic;
use crate::finding::Severity;
use crate::vuln::osv::{
    Affected, Event, Package, Range, RangeType, Record, Reference, Severity as OsvSeverity,
    SeverityType,
};

use super::{Batch, summarize_errors};

/// Largest advisory file read.
const MAX_ADVISORY_BYTES: u64 = 1024 * 1024;

/// Whether `dir` looks like a RustSec advisory-db checkout: a `crates/` directory whose
/// sub-directories hold `RUSTSEC-*.md` files.
pub fn is_advisory_db(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("crates")) else {
        return false;
    };
    for e in entries.flatten().take(200) {
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if let Ok(inner) = std::fs::read_dir(e.path())
            && inner.flatten().any(|f| {
                let n = f.file_name();
                let n = n.to_string_lossy();
                n.starts_with("RUSTSEC-") && n.ends_with(".md")
            })
        {
            return true;
        }
    }
    false
}

fn advisory_files(root: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let crates = root.join("crates");
    let dirs = match std::fs::read_dir(&crates) {
        Ok(d) => d,
        Err(e) => {
            errors.push(format!("{}: {e}", crates.display()));
            return (files, errors);
        }
    };
    for d in dirs.flatten() {
        if !d.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(inner) = std::fs::read_dir(d.path()) else {
            continue;
        };
        for f in inner.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            // Drafts (RUSTSEC-0000-0000) and dotfiles are not advisories.
            if name.starts_with("RUSTSEC-")
                && name.ends_with(".md")
                && !name.starts_with("RUSTSEC-0000-0000")
                && f.file_type().is_ok_and(|t| t.is_file())
            {
                files.push(f.path());
            }
        }
    }
    files.sort();
    (files, errors)
}

/// Converts one RustSec advisory into an OSV record.
pub fn to_record(a: &rustsec::Advisory) -> Record {
    let m = &a.metadata;
    let mut events = Vec::new();
    for r in rustsec::osv::ranges_for_advisory(&a.versions) {
        events.push(Event::Introduced(
            r.introduced
                .map(|v| v.to_string())
                .unwrap_or_else(|| "0".to_string()),
        ));
        if let Some(f) = r.fixed {
            events.push(Event::Fixed(f.to_string()));
        }
    }
    let mut database_specific = serde_json::Map::new();
    if let Some(i) = &m.informational {
        database_specific.insert("informational".into(), json!(i.as_str()));
    }
    if !m.categories.is_empty() {
        database_specific.insert(
            "categories".into(),
            json!(
                m.categories
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
            ),
        );
    }
    let mut references = Vec::new();
    if let Some(u) = &m.url {
        references.push(Reference {
            kind: "ADVISORY".into(),
            url: u.to_string(),
        });
    }
    for u in &m.references {
        references.push(Reference {
            kind: "WEB".into(),
            url: u.to_string(),
        });
    }
    let severity = m
        .cvss
        .as_ref()
        .map(|c| {
            let vector = c.to_string();
            let kind = if vector.starts_with("CVSS:4") {
                SeverityType::CvssV4
            } else {
                SeverityType::CvssV3
            };
            vec![OsvSeverity {
                kind,
                score: vector,
            }]
        })
        .unwrap_or_default();
    let date = |d: &rustsec::advisory::Date| format!("{}T00:00:00Z", d.as_str());
    Record {
        schema_version: Some("1.6.0".into()),
        id: m.id.to_string(),
        modified: None,
        published: Some(date(&m.date)),
        withdrawn: m.withdrawn.as_ref().map(date),
        aliases: m.aliases.iter().map(|i| i.to_string()).collect(),
        related: m.related.iter().map(|i| i.to_string()).collect(),
        upstream: Vec::new(),
        summary: Some(m.title.trim().to_string()).filter(|s| !s.is_empty()),
        details: Some(m.description.trim().to_string()).filter(|s| !s.is_empty()),
        severity,
        affected: vec![Affected {
            package: Some(Package {
                ecosystem: "crates.io".into(),
                name: m.package.as_str().to_string(),
                purl: Some(format!("pkg:cargo/{}", m.package.as_str())),
            }),
            severity: Vec::new(),
            ranges: vec![Range {
                kind: RangeType::Semver,
                repo: None,
                events,
                database_specific: None,
            }],
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: (!database_specific.is_empty())
                .then_some(serde_json::Value::Object(database_specific)),
        }],
        references,
        database_specific: None,
    }
}

/// Reads every advisory of the `crates` collection of the checkout at `root`.
pub fn load(root: &Path) -> Batch {
    let (files, mut errors) = advisory_files(root);
    let mut records = Vec::with_capacity(files.len());
    for p in &files {
        let text = match read_small(p) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // `Advisory::from_str` validates the version requirements, which is what makes
        // `ranges_for_advisory` total on its result.
        match rustsec::Advisory::from_str(&text) {
            Ok(a) => records.push(to_record(&a)),
            Err(e) => errors.push(format!("{}: {e}", p.display())),
        }
    }
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let shown = root.display().to_string();
    summarize_errors(&shown, errors, 5, &mut diagnostics);
    if records.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: Some(shown.clone()),
            line: None,
            message: "no RustSec advisories could be read from this checkout".into(),
        });
    }
    Batch {
        read: records.len(),
        records,
        diagnostics,
        description: Some(format!("RustSec advisory database {shown}")),
    }
}

fn read_small(p: &Path) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let mut s = String::new();
    f.take(MAX_ADVISORY_BYTES + 1)
        .read_to_string(&mut s)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    if s.len() as u64 > MAX_ADVISORY_BYTES {
        return Err(format!(
            "{}: larger than {MAX_ADVISORY_BYTES} bytes",
            p.display()
        ));
    }
    Ok(s)
}
