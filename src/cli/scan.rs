//! `portcullis scan`, `lint` and `images`: reading the tree, resolving images, writing the
//! reports.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use portcullis::baseimage::inventory::inventory;
use portcullis::baseimage::reference::ImageRef;
use portcullis::baseimage::resolved::{Resolutions, ResolvedImage, Signature};
use portcullis::config::Config;
use portcullis::engine::{self, Diagnostic, Report, ScanOptions};
use portcullis::finding::Severity;
use portcullis::native;
use portcullis::native::advisories::{self, LoadOptions, Needs, SourceSpec};
use portcullis::native::http::HttpOptions;
use portcullis::native::registry::{
    RegistryClient, RegistryOptions, SignatureKind, SignatureStatus,
};
use portcullis::report;
use portcullis::sca::DependencyOptions;
use portcullis::source::{Date, SourceFile};

use crate::args::{ColorChoice, DepArgs, Format, ImagesFormat, OutputArgs};
use crate::sbom::{random_bytes, unix_now};
use crate::write_output;

/// Files, configuration and early diagnostics for one run.
struct Prepared {
    files: Vec<SourceFile>,
    config: Config,
    /// Directory of the config file (relative `advisories.source` paths start there).
    config_dir: Option<PathBuf>,
    diagnostics: Vec<Diagnostic>,
    forced: Vec<String>,
    dockerignore_known: bool,
    today: Date,
}

/// The run's configuration and the directory it came from: none with `--no-config`, the
/// `--config` file, or the nearest `.portcullis.yaml` from `start` up to `base` (the
/// repository root), shown relative to `base`.
pub(crate) fn load_config(
    no_config: bool,
    explicit: Option<&Path>,
    start: &Path,
    base: &Path,
) -> Result<(Config, Option<PathBuf>)> {
    if no_config {
        return Ok((Config::default(), None));
    }
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => match native::discover_config(start, base) {
            Some(path) => path,
            None => return Ok((Config::default(), None)),
        },
    };
    let display = if explicit.is_some() {
        path.to_string_lossy().into_owned()
    } else {
        native::relative_path(&path, base)
    };
    let config = native::load_config(&path, &display)
        .map_err(|e| anyhow::anyhow!("invalid config:\n{e}"))?;
    Ok((config, path.parent().map(Path::to_path_buf)))
}

fn prepare(paths: &[PathBuf], out: &OutputArgs, stdin_path: Option<String>) -> Result<Prepared> {
    let lint_mode = stdin_path.is_some();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let first = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| cwd.clone());
    let base = native::scan_base(paths, &cwd);

    let (mut config, config_dir) = load_config(
        out.no_config,
        out.config.as_deref(),
        if first.exists() { &first } else { &cwd },
        &base,
    )?;
    if let Some(f) = out.fail_on {
        config.fail_on = f;
    }
    if out.target.is_some() {
        config.target.clone_from(&out.target);
    }
    for (k, v) in &out.build_args {
        config.build_args.insert(k.clone(), v.clone());
    }
    for h in &out.windows_hosts {
        config
            .add_windows_host(h)
            .map_err(|e| anyhow::anyhow!("--windows-host {e}"))?;
    }
    let today = out.today.unwrap_or_else(native::today);

    let mut files = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut forced = Vec::new();
    let mut dockerignore_known = true;
    let mut fs_paths = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            let path = stdin_path.clone().unwrap_or_else(|| "Dockerfile".into());
            forced.push(portcullis::source::normalize_path(&path));
            files.push(SourceFile::new(path, text));
            dockerignore_known = false;
        } else {
            fs_paths.push(p.clone());
        }
    }
    if std::io::stderr().is_terminal() {
        eprint!("portcullis: reading files…\r");
    }
    let walked = native::walk(&fs_paths, &base, &config, out.max_file_size);
    files.extend(walked.files);
    diagnostics.extend(walked.diagnostics);
    forced.extend(walked.forced_dockerfiles);
    if lint_mode {
        // `lint` lints every named file as a Dockerfile.
        for p in &fs_paths {
            if p.is_file() {
                forced.push(native::relative_path(p, &base));
            }
        }
    }
    Ok(Prepared {
        files,
        config,
        config_dir,
        diagnostics,
        forced,
        dockerignore_known,
        today,
    })
}

/// Asks the registries for the digest and signature of every external image (`--resolve`).
/// Failures become warnings; the offline checks still run on everything.
fn resolve(p: &Prepared, out: &OutputArgs, diagnostics: &mut Vec<Diagnostic>) -> Resolutions {
    let mut resolved = Resolutions::new();
    if !out.resolve {
        if p.config.images.require_signature {
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: None,
                line: None,
                message: "the image policy requires signatures, but signatures are only checked with --resolve".into(),
            });
        }
        return resolved;
    }
    let rows = inventory(&p.files, &p.config, &p.forced, &Resolutions::new(), p.today);
    let mut refs: Vec<ImageRef> = rows
        .iter()
        .filter_map(|r| r.reference.as_deref())
        .filter_map(|s| ImageRef::parse(s).ok())
        .collect();
    refs.sort();
    refs.dedup();
    if refs.is_empty() {
        return resolved;
    }
    let opts = RegistryOptions {
        allow_insecure_loopback: out.allow_insecure_loopback,
        http: HttpOptions {
            allow_http_loopback: out.allow_insecure_loopback,
            ..HttpOptions::default()
        },
        ..RegistryOptions::default()
    };
    let client = match RegistryClient::new(opts) {
        Ok(c) => c,
        Err(e) => {
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: None,
                line: None,
                message: format!("--resolve: cannot set up the registry client: {e}"),
            });
            return resolved;
        }
    };
    for (name, result) in client.resolve_all(refs.iter()) {
        match result {
            Ok(r) => {
                let signature = match r.signature {
                    SignatureStatus::Signed {
                        kind: SignatureKind::Cosign,
                    } => Signature::Signed("cosign".into()),
                    SignatureStatus::Signed {
                        kind: SignatureKind::Referrer(t),
                    } => Signature::Signed(t),
                    SignatureStatus::Unsigned => Signature::Unsigned,
                    SignatureStatus::NotChecked => Signature::NotChecked,
                };
                resolved.insert(
                    name,
                    ResolvedImage {
                        digest: r.digest,
                        signature,
                    },
                );
            }
            Err(e) => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: None,
                line: None,
                message: format!("--resolve: {name}: {e}"),
            }),
        }
    }
    resolved
}

/// The `--advisories` values (or `advisories.source` from the config, else `offline`).
pub(crate) fn source_specs(
    values: &[String],
    config: &Config,
    config_dir: Option<&Path>,
) -> Result<Vec<SourceSpec>> {
    if !values.is_empty() {
        return Ok(values.iter().map(|v| SourceSpec::parse(v, None)).collect());
    }
    Ok(match &config.advisories.source {
        Some(v) => vec![SourceSpec::parse(v, config_dir)],
        None => vec![SourceSpec::Offline],
    })
}

/// Loads advisories and VEX documents for a dependency scan of `sbom`.
pub(crate) fn load_dependency_options(
    specs: &[SourceSpec],
    vex_files: &[PathBuf],
    sbom: &portcullis::sbom::Sbom,
    config: &Config,
    today: Date,
    diagnostics: &mut Vec<Diagnostic>,
) -> DependencyOptions {
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprint!("portcullis: loading advisories…   \r");
    }
    let needs = Needs::of(sbom);
    let opts = LoadOptions {
        today,
        max_db_age_days: config.advisories.max_db_age_days,
        cache_root: advisories::cache_root(),
        zip_limits: advisories::ZipLimits::default(),
        filter: true,
    };
    let loaded = advisories::load(specs, &needs, &opts, &|| {
        advisories::online_source(&HttpOptions::default())
    });
    if progress {
        eprint!("{:60}\r", "");
    }
    diagnostics.extend(loaded.diagnostics);
    let mut deps = DependencyOptions::new(loaded.data);
    deps.root_name = sbom.root_name.clone();
    for path in vex_files {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    path: Some(shown),
                    line: None,
                    message: format!("--vex: cannot read the VEX document: {e}"),
                });
                continue;
            }
        };
        portcullis::sca::vex::parse_into(&shown, &text, "--vex", &mut deps.vex, diagnostics);
    }
    deps
}

pub(crate) fn scan(
    paths: &[PathBuf],
    out: &OutputArgs,
    stdin_path: Option<String>,
    deps: Option<&DepArgs>,
) -> Result<u8> {
    let prepared = prepare(paths, out, stdin_path)?;
    let threads = native::parallel::Threads::from_env();
    let mut diagnostics = prepared.diagnostics.clone();
    let resolved = resolve(&prepared, out, &mut diagnostics);
    let dependencies = match deps.filter(|d| !d.no_dependencies) {
        Some(d) => {
            let specs = source_specs(
                &d.advisories,
                &prepared.config,
                prepared.config_dir.as_deref(),
            )?;
            let root_name = paths
                .iter()
                .find(|p| p.as_os_str() != "-")
                .and_then(|p| p.canonicalize().ok())
                .map(|p| {
                    if p.is_file() {
                        p.parent().map(Path::to_path_buf).unwrap_or(p)
                    } else {
                        p
                    }
                })
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "project".to_string());
            let sbom = engine::dependency_sbom_with(
                &prepared.files,
                &prepared.config,
                &root_name,
                &threads,
            );
            let mut options = load_dependency_options(
                &specs,
                &d.vex,
                &sbom,
                &prepared.config,
                prepared.today,
                &mut diagnostics,
            );
            options.root_name = root_name;
            // Assembled once: the scan reuses it.
            options.sbom = Some(sbom);
            Some(options)
        }
        None => {
            if out.format.contains(&Format::CyclonedxJson) {
                bail!(
                    "--format cyclonedx-json needs a dependency scan: use `portcullis scan` without --no-dependencies"
                );
            }
            None
        }
    };
    let Prepared {
        files,
        config,
        forced,
        dockerignore_known,
        today,
        ..
    } = prepared;
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprint!("portcullis: scanning {} files…   \r", files.len());
    }
    let opts = ScanOptions {
        today,
        dockerignore_known,
        forced_dockerfiles: forced,
        resolved,
        dependencies,
    };
    let mut report = engine::scan_with(&files, &config, &opts, &threads);
    if deps.is_some_and(|d| d.dependencies_only) {
        engine::keep_dependency_findings(&mut report);
    }
    if progress {
        eprint!("{:60}\r", "");
    }
    engine::add_host_diagnostics(&mut report, diagnostics);
    write_outputs(&report, out)?;
    let io_errors = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    Ok(if report.exit_code() == 1 {
        1
    } else if io_errors {
        2
    } else {
        0
    })
}

pub(crate) fn images(paths: &[PathBuf], format: ImagesFormat, out: &OutputArgs) -> Result<u8> {
    let prepared = prepare(paths, out, None)?;
    let mut diagnostics = prepared.diagnostics.clone();
    let resolved = resolve(&prepared, out, &mut diagnostics);
    let rendered = match format {
        ImagesFormat::Text | ImagesFormat::Json => {
            let rows = inventory(
                &prepared.files,
                &prepared.config,
                &prepared.forced,
                &resolved,
                prepared.today,
            );
            if format == ImagesFormat::Json {
                let doc = serde_json::json!({ "images": rows, "diagnostics": diagnostics });
                format!("{}\n", serde_json::to_string_pretty(&doc)?)
            } else {
                let mut t = portcullis::baseimage::inventory::render_text(&rows);
                for d in &diagnostics {
                    t.push_str(&format!("{}: {}\n", d.severity, d.message));
                }
                t
            }
        }
        ImagesFormat::Sarif => {
            let mut config = prepared.config.clone();
            for r in portcullis::lint::registry::all() {
                if !r.meta.id.starts_with("DF4") {
                    config
                        .rules
                        .insert(r.meta.id.to_string(), portcullis::config::RuleSetting::Off);
                }
            }
            let opts = ScanOptions {
                today: prepared.today,
                dockerignore_known: prepared.dockerignore_known,
                forced_dockerfiles: prepared.forced.clone(),
                resolved,
                dependencies: None,
            };
            let mut report = engine::scan(&prepared.files, &config, &opts);
            report.diagnostics.extend(diagnostics.iter().cloned());
            report.diagnostics.sort();
            report::sarif::render(
                &report,
                &report::sarif::SarifOptions {
                    automation_id: out.category.clone(),
                    tool_version: engine::TOOL_VERSION,
                },
            )
        }
    };
    write_output(out.output.first().map(PathBuf::as_path), &rendered)?;
    Ok(
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            2
        } else {
            0
        },
    )
}

fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn write_outputs(report: &Report, out: &OutputArgs) -> Result<()> {
    let formats = if out.format.is_empty() {
        vec![Format::Text]
    } else {
        out.format.clone()
    };
    if out.output.len() > formats.len() {
        bail!(
            "{} --output given for {} --format",
            out.output.len(),
            formats.len()
        );
    }
    for (i, format) in formats.iter().enumerate() {
        let target = out.output.get(i);
        let color = target.is_none() && use_color(out.color, std::io::stdout().is_terminal());
        let rendered = match format {
            Format::Text => report::text::render(report, &report::text::TextOptions { color }),
            Format::Compact => report::compact::render(report),
            Format::Json => report::json::render(report),
            Format::Sarif => report::sarif::render(
                report,
                &report::sarif::SarifOptions {
                    automation_id: out.category.clone(),
                    tool_version: engine::TOOL_VERSION,
                },
            ),
            Format::Github => report::github::render(report),
            Format::Azure => report::azure::render(report),
            Format::CyclonedxJson => cyclonedx_of(report)?,
        };
        write_output(target.map(PathBuf::as_path), &rendered)?;
    }
    Ok(())
}

/// The CycloneDX rendering of a dependency scan. With SOURCE_DATE_EPOCH set the serial number
/// is content-derived and the timestamp is that epoch (byte-identical output for identical
/// input); otherwise random and now.
fn cyclonedx_of(report: &Report) -> Result<String> {
    use portcullis::report::cyclonedx::{self, CycloneDxOptions, SerialNumber};
    let Some(sbom) = &report.sbom else {
        bail!(
            "--format cyclonedx-json needs a dependency scan (it is not available for `lint`, `images` or with --no-dependencies)"
        );
    };
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|s| *s >= 0);
    let (serial, timestamp) = match epoch {
        Some(e) => (SerialNumber::Reproducible, e),
        None => (SerialNumber::Random(random_bytes()), unix_now()),
    };
    let vulnerabilities = portcullis::sca::cdx::vulnerabilities(&report.sca);
    let mut opts = CycloneDxOptions::new(serial, timestamp, engine::TOOL_VERSION);
    opts.vulnerabilities = &vulnerabilities;
    Ok(cyclonedx::render_json(sbom, &opts))
}
