//! The `portcullis` command line.
#![allow(clippy::disallowed_methods)]

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use portcullis::baseimage::inventory::inventory;
use portcullis::baseimage::reference::ImageRef;
use portcullis::baseimage::resolved::{Resolutions, ResolvedImage, Signature};
use portcullis::config::{self, Config};
use portcullis::engine::{self, Diagnostic, Report, ScanOptions};
use portcullis::finding::{FailOn, Severity};
use portcullis::lint::registry;
use portcullis::native;
use portcullis::native::advisories::{self, LoadOptions, Needs, SourceSpec};
use portcullis::native::http::HttpOptions;
use portcullis::native::registry::{
    RegistryClient, RegistryOptions, SignatureKind, SignatureStatus,
};
use portcullis::report;
use portcullis::sca::DependencyOptions;
use portcullis::source::{Date, SourceFile};

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "Security gate for container builds: Windows-aware Dockerfile linting with SARIF output"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan directories and files: finds Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* (respects .gitignore).
    Scan {
        /// Files or directories (default: current directory).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        deps: DepArgs,
    },
    /// Lint the named Dockerfiles whatever their names (`-` reads standard input).
    Lint {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Path reported for standard input.
        #[arg(long, default_value = "Dockerfile")]
        stdin_path: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// List every external image the Dockerfiles pull, with stage, OS, policy verdict and lifecycle.
    Images {
        /// Files or directories (default: current directory).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// List the rules, or explain one.
    Rules {
        /// Rule id to explain (e.g. DF501).
        id: Option<String>,
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a CycloneDX 1.6 SBOM of the packages, images and files declared in manifests, lock
    /// files and Dockerfiles (respects .gitignore).
    Sbom {
        /// Files or directories (default: current directory).
        paths: Vec<PathBuf>,
        /// Output file (default: standard output).
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value = "cyclonedx-json")]
        format: SbomFormat,
        /// Byte-identical output for identical input: the serial number is derived from the
        /// content and the timestamp is SOURCE_DATE_EPOCH (or 1970-01-01T00:00:00Z).
        #[arg(long)]
        reproducible: bool,
        /// Name of the root component (default: the repository root's directory name).
        #[arg(long, value_name = "NAME")]
        project_name: Option<String>,
        /// Config file (default: .portcullis.yaml found upward from the scan root); its
        /// `exclude` patterns apply.
        #[arg(long, conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore any .portcullis.yaml.
        #[arg(long)]
        no_config: bool,
        /// Largest file read, in bytes.
        #[arg(long, default_value_t = native::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
        /// Advisories for the `vulnerabilities` section: offline, auto, online or a path
        /// (repeatable; default: none, a plain SBOM).
        #[arg(long = "advisories", value_name = "SOURCE")]
        advisories: Vec<String>,
        /// CycloneDX VEX documents (JSON) whose analyses go into the `vulnerabilities` section.
        #[arg(long = "vex", value_name = "FILE", requires = "advisories")]
        vex: Vec<PathBuf>,
        /// Date used for the offline database's age (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Write a starter .portcullis.yaml.
    Init {
        /// Directory to write it to.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Run the language server on standard input/output (diagnostics, hover and quick fixes
    /// for Dockerfiles, NuGet manifests and .portcullis.yaml in an editor).
    Lsp {
        /// Accepted for editor clients that pass it; standard input/output is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Manage the offline advisory database (OSV per-ecosystem exports) in the cache.
    Db {
        #[command(subcommand)]
        action: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Download the OSV exports (`<base>/<Ecosystem>/all.zip`) into the cache, atomically.
    Update {
        /// Ecosystem to download, repeatable (default: NuGet, crates.io, npm, PyPI, Go,
        /// RubyGems, Debian, Alpine).
        #[arg(long = "ecosystem", short = 'e')]
        ecosystems: Vec<String>,
        /// Base URL of the exports (default: $PORTCULLIS_OSV_DB_URL, else OSV's public bucket).
        #[arg(long)]
        base_url: Option<String>,
        /// Cache root (default: $PORTCULLIS_CACHE_DIR, $XDG_CACHE_HOME/portcullis,
        /// ~/.cache/portcullis; %LOCALAPPDATA%\portcullis on Windows).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Largest archive accepted, in bytes.
        #[arg(long, default_value_t = 1024 * 1024 * 1024)]
        max_download_size: u64,
        /// Download even when the server says the archive has not changed since the last run.
        #[arg(long)]
        force: bool,
        /// Allow plain HTTP to a base URL on a loopback address (local mirrors and tests).
        #[arg(long)]
        allow_insecure_loopback: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the cached ecosystems with their download time, age and record counts.
    Status {
        /// Cache root (default as for `db update`).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    /// One `path:line:column: RULE [severity] message` line per finding, then diagnostics and
    /// the summary.
    Compact,
    Json,
    Sarif,
    Github,
    Azure,
    /// CycloneDX 1.6 SBOM of the scanned dependencies with a `vulnerabilities` section (scan only).
    CyclonedxJson,
}

/// Dependency scanning options of `scan`.
#[derive(Args, Default)]
struct DepArgs {
    /// Where advisories come from: offline (default: the database `portcullis db update`
    /// downloaded), auto (that, else the OSV API), online (the OSV API), none, or the path of
    /// an OSV JSON directory, an osv.dev all.zip or a RustSec advisory-db checkout. Repeatable.
    #[arg(long = "advisories", value_name = "SOURCE")]
    advisories: Vec<String>,
    /// A CycloneDX VEX document (JSON): vulnerabilities it marks not_affected or
    /// false_positive are reported as suppressed. Repeatable.
    #[arg(long = "vex", value_name = "FILE")]
    vex: Vec<PathBuf>,
    /// Lint Dockerfiles only: no SBOM, no advisory matching.
    #[arg(long, conflicts_with_all = ["advisories", "vex"])]
    no_dependencies: bool,
    /// Report dependency findings only (known-vulnerable packages), not Dockerfile rules.
    #[arg(long, conflicts_with = "no_dependencies")]
    dependencies_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SbomFormat {
    CyclonedxJson,
    CyclonedxXml,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImagesFormat {
    Text,
    Json,
    /// SARIF of the base-image rules (DF4xx) only.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct OutputArgs {
    /// Output format; repeat for several. The n-th --output belongs to the n-th --format; formats
    /// without an --output go to standard output.
    #[arg(long, short = 'f', value_enum)]
    format: Vec<Format>,
    /// Output file for the corresponding --format.
    #[arg(long, short = 'o')]
    output: Vec<PathBuf>,
    /// Fail (exit 1) on findings at or above this level: error, warning, note, none.
    #[arg(long, value_parser = parse_fail_on)]
    fail_on: Option<FailOn>,
    /// Config file (default: .portcullis.yaml found upward from the scan root).
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any .portcullis.yaml; use the embedded defaults.
    #[arg(long)]
    no_config: bool,
    /// Final stage (like `docker build --target`).
    #[arg(long)]
    target: Option<String>,
    /// Build argument used to resolve ARGs in FROM (KEY=VALUE), repeatable.
    #[arg(long = "build-arg", value_parser = parse_kv)]
    build_args: Vec<(String, String)>,
    /// SARIF automationDetails.id / analysis category.
    #[arg(long)]
    category: Option<String>,
    /// Date used for dated checks and ignore expiry (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Ask the registries for each image's digest and signature (network; off by default).
    #[arg(long)]
    resolve: bool,
    /// With --resolve: allow plain HTTP to registries on loopback addresses (local test registries).
    #[arg(long, requires = "resolve")]
    allow_insecure_loopback: bool,
    /// Windows Server versions of your container hosts (ltsc2019, ltsc2022, ltsc2025), repeatable.
    #[arg(long = "windows-host")]
    windows_hosts: Vec<String>,
    /// Largest file read, in bytes.
    #[arg(long, default_value_t = native::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    FailOn::parse(s).ok_or_else(|| format!("`{s}` is not one of error, warning, note, none"))
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a YYYY-MM-DD date"))
}

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
        Command::Sbom {
            paths,
            output,
            format,
            reproducible,
            project_name,
            config,
            no_config,
            max_file_size,
            advisories,
            vex,
            today,
        } => sbom(&SbomArgs {
            paths: if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            },
            output,
            format,
            reproducible,
            project_name,
            config,
            no_config,
            max_file_size,
            advisories,
            vex,
            today,
        }),
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

struct SbomArgs {
    paths: Vec<PathBuf>,
    output: Option<PathBuf>,
    format: SbomFormat,
    reproducible: bool,
    project_name: Option<String>,
    config: Option<PathBuf>,
    no_config: bool,
    max_file_size: u64,
    advisories: Vec<String>,
    vex: Vec<PathBuf>,
    today: Option<Date>,
}

fn sbom(args: &SbomArgs) -> Result<u8> {
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
    let base = native::repo_root(&start);
    let mut config_dir = None;
    let config = if args.no_config {
        Config::default()
    } else if let Some(path) = &args.config {
        config_dir = path.parent().map(Path::to_path_buf);
        native::load_config(path, &path.to_string_lossy())
            .map_err(|e| anyhow::anyhow!("invalid config:\n{e}"))?
    } else {
        match native::discover_config(&start, &base) {
            Some(path) => {
                config_dir = path.parent().map(Path::to_path_buf);
                let display = native::relative_path(&path, &base);
                native::load_config(&path, &display)
                    .map_err(|e| anyhow::anyhow!("invalid config:\n{e}"))?
            }
            None => Config::default(),
        }
    };
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
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(rendered.as_bytes())
                .context("cannot write to standard output")?;
            stdout.flush().ok();
        }
    }
    let io_errors = diagnostics.iter().any(|d| d.severity == Severity::Error)
        || !walked.unread_sbom_inputs.is_empty();
    Ok(if io_errors { 2 } else { 0 })
}

/// Seconds since the Unix epoch from the system clock.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// 16 random bytes for a BOM serial number: from /dev/urandom where it exists, otherwise from
/// the standard library's randomly keyed hasher (seeded by the OS) over the clock and process
/// id. Serial numbers need uniqueness, not secrecy.
fn random_bytes() -> [u8; 16] {
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

fn prepare(paths: &[PathBuf], out: &OutputArgs, stdin_path: Option<String>) -> Result<Prepared> {
    let lint_mode = stdin_path.is_some();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let first = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| cwd.clone());
    let base = native::repo_root(if first.exists() { &first } else { &cwd });

    let mut config_dir = None;
    let mut config = if out.no_config {
        Config::default()
    } else if let Some(path) = &out.config {
        config_dir = path.parent().map(Path::to_path_buf);
        native::load_config(path, &path.to_string_lossy())
            .map_err(|e| anyhow::anyhow!("invalid config:\n{e}"))?
    } else {
        match native::discover_config(if first.exists() { &first } else { &cwd }, &base) {
            Some(path) => {
                config_dir = path.parent().map(Path::to_path_buf);
                let display = native::relative_path(&path, &base);
                native::load_config(&path, &display)
                    .map_err(|e| anyhow::anyhow!("invalid config:\n{e}"))?
            }
            None => Config::default(),
        }
    };
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
        let h = h.trim().to_ascii_lowercase();
        let known = portcullis::baseimage::lifecycle::data().is_ok_and(|d| {
            d.windows
                .lines
                .iter()
                .any(|l| !l.semi_annual && l.name == h)
        });
        if !known {
            bail!(
                "--windows-host `{h}` is not a Windows Server version (ltsc2016, ltsc2019, ltsc2022, ltsc2025)"
            );
        }
        if !config.images.windows_hosts.contains(&h) {
            config.images.windows_hosts.push(h);
        }
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
fn source_specs(
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
fn load_dependency_options(
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

fn scan(
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
    report.diagnostics.extend(diagnostics);
    report.diagnostics.sort();
    if report.files.is_empty() && report.diagnostics.is_empty() {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Note,
            path: None,
            line: None,
            message: "no Dockerfiles, manifests or lock files found (looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* and the manifests `portcullis sbom` reads)".into(),
        });
    }
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

fn images(paths: &[PathBuf], format: ImagesFormat, out: &OutputArgs) -> Result<u8> {
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
    match out.output.first() {
        Some(path) => write_file(path, &rendered)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(rendered.as_bytes())
                .context("cannot write to standard output")?;
        }
    }
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
        match target {
            Some(path) => write_file(path, &rendered)?,
            None => {
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(rendered.as_bytes())
                    .context("cannot write to standard output")?;
                stdout.flush().ok();
            }
        }
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

fn write_file(path: &Path, contents: &str) -> Result<()> {
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

fn db(action: DbCommand) -> Result<u8> {
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
