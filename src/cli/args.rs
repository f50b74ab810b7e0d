//! Command-line syntax: the subcommands, their options and value parsers.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use portcullis::finding::FailOn;
use portcullis::native;
use portcullis::source::Date;

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "Security gate for container builds: Windows-aware Dockerfile linting with SARIF output"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    Sbom(SbomArgs),
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
pub(crate) enum DbCommand {
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
pub(crate) enum Format {
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
pub(crate) struct DepArgs {
    /// Where advisories come from: offline (default: the database `portcullis db update`
    /// downloaded), auto (that, else the OSV API), online (the OSV API), none, or the path of
    /// an OSV JSON directory, an osv.dev all.zip or a RustSec advisory-db checkout. Repeatable.
    #[arg(long = "advisories", value_name = "SOURCE")]
    pub(crate) advisories: Vec<String>,
    /// A CycloneDX VEX document (JSON): vulnerabilities it marks not_affected or
    /// false_positive are reported as suppressed. Repeatable.
    #[arg(long = "vex", value_name = "FILE")]
    pub(crate) vex: Vec<PathBuf>,
    /// Lint Dockerfiles only: no SBOM, no advisory matching.
    #[arg(long, conflicts_with_all = ["advisories", "vex"])]
    pub(crate) no_dependencies: bool,
    /// Report dependency findings only (known-vulnerable packages), not Dockerfile rules.
    #[arg(long, conflicts_with = "no_dependencies")]
    pub(crate) dependencies_only: bool,
}

/// Options of `portcullis sbom`.
#[derive(Args)]
pub(crate) struct SbomArgs {
    /// Files or directories (default: current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short = 'o')]
    pub(crate) output: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "cyclonedx-json")]
    pub(crate) format: SbomFormat,
    /// Byte-identical output for identical input: the serial number is derived from the
    /// content and the timestamp is SOURCE_DATE_EPOCH (or 1970-01-01T00:00:00Z).
    #[arg(long)]
    pub(crate) reproducible: bool,
    /// Name of the root component (default: the repository root's directory name).
    #[arg(long, value_name = "NAME")]
    pub(crate) project_name: Option<String>,
    /// Config file (default: .portcullis.yaml found upward from the scan root); its
    /// `exclude` patterns apply.
    #[arg(long, conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Ignore any .portcullis.yaml.
    #[arg(long)]
    pub(crate) no_config: bool,
    /// Largest file read, in bytes.
    #[arg(long, default_value_t = native::DEFAULT_MAX_FILE_SIZE)]
    pub(crate) max_file_size: u64,
    /// Advisories for the `vulnerabilities` section: offline, auto, online or a path
    /// (repeatable; default: none, a plain SBOM).
    #[arg(long = "advisories", value_name = "SOURCE")]
    pub(crate) advisories: Vec<String>,
    /// CycloneDX VEX documents (JSON) whose analyses go into the `vulnerabilities` section.
    #[arg(long = "vex", value_name = "FILE", requires = "advisories")]
    pub(crate) vex: Vec<PathBuf>,
    /// Date used for the offline database's age (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date)]
    pub(crate) today: Option<Date>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SbomFormat {
    CyclonedxJson,
    CyclonedxXml,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImagesFormat {
    Text,
    Json,
    /// SARIF of the base-image rules (DF4xx) only.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub(crate) struct OutputArgs {
    /// Output format; repeat for several. The n-th --output belongs to the n-th --format; formats
    /// without an --output go to standard output.
    #[arg(long, short = 'f', value_enum)]
    pub(crate) format: Vec<Format>,
    /// Output file for the corresponding --format.
    #[arg(long, short = 'o')]
    pub(crate) output: Vec<PathBuf>,
    /// Fail (exit 1) on findings at or above this level: error, warning, note, none.
    #[arg(long, value_parser = parse_fail_on)]
    pub(crate) fail_on: Option<FailOn>,
    /// Config file (default: .portcullis.yaml found upward from the scan root).
    #[arg(long, conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Ignore any .portcullis.yaml; use the embedded defaults.
    #[arg(long)]
    pub(crate) no_config: bool,
    /// Final stage (like `docker build --target`).
    #[arg(long)]
    pub(crate) target: Option<String>,
    /// Build argument used to resolve ARGs in FROM (KEY=VALUE), repeatable.
    #[arg(long = "build-arg", value_parser = parse_kv)]
    pub(crate) build_args: Vec<(String, String)>,
    /// SARIF automationDetails.id / analysis category.
    #[arg(long)]
    pub(crate) category: Option<String>,
    /// Date used for dated checks and ignore expiry (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date)]
    pub(crate) today: Option<Date>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: ColorChoice,
    /// Ask the registries for each image's digest and signature (network; off by default).
    #[arg(long)]
    pub(crate) resolve: bool,
    /// With --resolve: allow plain HTTP to registries on loopback addresses (local test registries).
    #[arg(long, requires = "resolve")]
    pub(crate) allow_insecure_loopback: bool,
    /// Windows Server versions of your container hosts (ltsc2019, ltsc2022, ltsc2025), repeatable.
    #[arg(long = "windows-host")]
    pub(crate) windows_hosts: Vec<String>,
    /// Largest file read, in bytes.
    #[arg(long, default_value_t = native::DEFAULT_MAX_FILE_SIZE)]
    pub(crate) max_file_size: u64,
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
