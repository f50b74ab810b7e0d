//! `portcullis sbom`: the CycloneDX document of a tree, and the clock and randomness it needs.

use std::io::{Read, Write};

use anyhow::{Context, Result};

use portcullis::engine::{self, Diagnostic};
use portcullis::finding::Severity;
use portcullis::native;

use crate::args::{SbomArgs, SbomFormat};
use crate::scan::{load_config, load_dependency_options, source_specs};
use crate::write_output;

pub(crate) fn sbom(args: &SbomArgs) -> Result<u8> {
    use portcullis::report::cyclonedx::{self, CycloneDxOptions, SerialNumber};
    use portcullis::sbom::AssembleOptions;
    use portcullis::sbom::assemble::assemble_with;

    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let first = args.paths.first().cloned().unwrap_or_else(|| cwd.clone());
    let start = if first.exists() {
        first.clone()
    } else {
        cwd.clone()
    };
    let base = native::scan_base(&args.paths, &cwd);
    let (config, config_dir) = load_config(args.no_config, args.config.as_deref(), &start, &base)?;
    // SOURCE_DATE_EPOCH is checked before any work so a bad value fails fast.
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => Some(
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "SOURCE_DATE_EPOCH `{v}` is not a non-negative number of seconds"
                    )
                })?,
        ),
        _ => None,
    };

    let walked = native::walk(&args.paths, &base, &config, args.max_file_size);
    let mut diagnostics = walked.diagnostics.clone();
    for p in &args.paths {
        if p.is_file() {
            let rel = native::relative_path(p, &base);
            if !native::is_sbom_input(&rel) {
                diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    path: Some(rel),
                    line: None,
                    message: "no SBOM extractor reads files of this name; skipped".into(),
                });
            }
        }
    }
    // The root component is the project: the repository root's directory name (not the first
    // path argument's, so argument order never changes the BOM), unless named explicitly.
    let root_name = args.project_name.clone().unwrap_or_else(|| {
        base.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".to_string())
    });
    let sbom = assemble_with(
        &walked.files,
        &AssembleOptions {
            root_name,
            ..AssembleOptions::default()
        },
        &native::parallel::Threads::from_env(),
    );

    let mut vulnerabilities = Vec::new();
    if !args.advisories.is_empty() {
        let today = args.today.unwrap_or_else(native::today);
        let specs = source_specs(&args.advisories, &config, config_dir.as_deref())?;
        let deps =
            load_dependency_options(&specs, &args.vex, &sbom, &config, today, &mut diagnostics);
        match &deps.advisories {
            portcullis::sca::AdvisoryData::Loaded(adv) => {
                let result = portcullis::sca::assess(
                    &sbom,
                    adv,
                    &config,
                    today,
                    &deps.vex,
                    &deps.match_options,
                );
                diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    path: None,
                    line: None,
                    message: portcullis::sca::summary_line(&result),
                });
                vulnerabilities = portcullis::sca::cdx::vulnerabilities(&result);
            }
            portcullis::sca::AdvisoryData::Unavailable(why) => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: None,
                line: None,
                message: portcullis::sca::unavailable_message(why),
            }),
            portcullis::sca::AdvisoryData::Disabled => {}
        }
    }

    let (serial, timestamp) = if args.reproducible {
        (SerialNumber::Reproducible, source_date_epoch.unwrap_or(0))
    } else {
        (
            SerialNumber::Random(random_bytes()),
            source_date_epoch.unwrap_or_else(unix_now),
        )
    };
    let mut opts = CycloneDxOptions::new(serial, timestamp, engine::TOOL_VERSION);
    opts.vulnerabilities = &vulnerabilities;
    let rendered = match args.format {
        SbomFormat::CyclonedxJson => cyclonedx::render_json(&sbom, &opts),
        SbomFormat::CyclonedxXml => cyclonedx::render_xml(&sbom, &opts),
    };

    {
        let mut stderr = std::io::stderr().lock();
        diagnostics.sort();
        for d in &diagnostics {
            let place = match (&d.path, d.line) {
                (Some(p), Some(l)) => format!("{p}:{l}: "),
                (Some(p), None) => format!("{p}: "),
                _ => String::new(),
            };
            writeln!(stderr, "{place}{}: {}", d.severity.as_str(), d.message).ok();
        }
        for d in &sbom.diagnostics {
            writeln!(
                stderr,
                "{}:{}: {}: {}",
                d.path,
                d.line,
                d.severity.as_str(),
                d.message
            )
            .ok();
        }
    }
    write_output(args.output.as_deref(), &rendered)?;
    let io_errors = diagnostics.iter().any(|d| d.severity == Severity::Error)
        || !walked.unread_sbom_inputs.is_empty();
    Ok(if io_errors { 2 } else { 0 })
}

/// Seconds since the Unix epoch from the system clock.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// 16 random bytes for a BOM serial number: from /dev/urandom where it exists, otherwise from
/// the standard library's randomly keyed hasher (seeded by the OS) over the clock and process
/// id. Serial numbers need uniqueness, not secrecy.
pub(crate) fn random_bytes() -> [u8; 16] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom")
        && f.read_exact(&mut out).is_ok()
    {
        return out;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_usize(i);
        h.write_u32(std::process::id());
        for (b, x) in chunk.iter_mut().zip(h.finish().to_le_bytes()) {
            *b = x;
        }
    }
    out
}
