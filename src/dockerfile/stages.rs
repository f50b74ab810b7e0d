//! Stage model: stages, inferred OS, active shell.
//!
//! [`analyze`] reads the FROM instructions of a parsed Dockerfile into stages, resolves global
//! ARGs in base image names, links stages to the earlier stages they build on, infers each
//! stage's operating system with the evidence used, and tracks the shell that runs shell-form
//! commands at every instruction (SHELL is per stage; a stage built `FROM` an earlier stage
//! inherits its shell).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::expand::expand;
use super::model::{Dockerfile, Form, Instruction, InstructionKind};
use super::shell::{program_name, sets_error_action_stop, sets_progress_silent};
use crate::source::Span;

/// Operating system a stage targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
    Unknown,
}

/// Why the OS was inferred (shown in explanations / `portcullis images`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OsEvidence {
    Platform,
    BaseImage,
    ParentStage,
    EscapeDirective,
    Shell,
    WindowsPaths,
    Default,
}

/// The shell that runs shell-form RUN/CMD/ENTRYPOINT at an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ShellKind {
    /// sh / bash / ash / dash / zsh ... `pipefail` true when `-o pipefail` is in the SHELL argv.
    Posix { program: String, pipefail: bool },
    /// powershell.exe (Windows PowerShell 5.1, `core == false`) or pwsh (PowerShell 7+, `core == true`).
    /// `error_action_stop` / `progress_silent`: the SHELL argv sets `$ErrorActionPreference = 'Stop'` /
    /// `$ProgressPreference = 'SilentlyContinue'`.
    PowerShell {
        core: bool,
        error_action_stop: bool,
        progress_silent: bool,
    },
    /// cmd.exe (`cmd /S /C`), the Windows default.
    Cmd,
    /// Anything else (argv[0] unknown).
    Other { program: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shell {
    pub kind: ShellKind,
    /// The SHELL argv (or the default `["/bin/sh","-c"]` / `["cmd","/S","/C"]`).
    pub argv: Vec<String>,
    /// Index (into `Dockerfile::instructions`) of the SHELL instruction that set it; `None` = default.
    pub set_by: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub index: usize,
    /// `AS name` (lowercased, as BuildKit compares stage names case-insensitively).
    pub name: Option<String>,
    pub name_span: Option<Span>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction indices `from..end` belong to this stage (end exclusive).
    pub end: usize,
    /// The image word as written (e.g. `${BASE}` or `mcr.microsoft.com/windows/servercore:ltsc2022`).
    pub base_raw: String,
    pub base_span: Span,
    /// The base after expanding global ARGs (defaults + build args); `None` if it cannot be resolved
    /// (undeclared variable or ARG without value).
    pub base: Option<String>,
    /// When the base names an earlier stage (case-insensitive), its index.
    pub parent_stage: Option<usize>,
    /// `--platform` value as written.
    pub platform: Option<String>,
    pub os: Os,
    pub os_evidence: OsEvidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlobalArg {
    pub name: String,
    pub default: Option<String>,
    pub instruction: usize,
}

#[derive(Debug, Clone, Default)]
pub struct StageOptions {
    /// `--target`: the final stage name; default = last stage.
    pub target: Option<String>,
    /// `--build-arg` values (override ARG defaults).
    pub build_args: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageModel {
    pub stages: Vec<Stage>,
    /// ARGs declared before the first FROM.
    pub global_args: Vec<GlobalArg>,
    /// Index into `stages` of the final stage (`--target` or last), `None` if there is no stage.
    pub final_stage: Option<usize>,
    /// For every instruction index: the stage it belongs to (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// For every instruction index: the active shell (meaningful for RUN/CMD/ENTRYPOINT/HEALTHCHECK).
    pub shell_at: Vec<Shell>,
    /// `--target` named a stage that does not exist.
    pub unknown_target: Option<String>,
}

impl StageModel {
    /// Case-insensitive stage name lookup; also accepts a numeric index like "0".
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        if let Some(s) = self
            .stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            return Some(s);
        }
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
            return name.parse::<usize>().ok().and_then(|i| self.stages.get(i));
        }
        None
    }

    pub fn is_final(&self, stage: usize) -> bool {
        self.final_stage == Some(stage)
    }

    /// Stages the final stage depends on (FROM parent chain + COPY --from + RUN --mount=from), including itself.
    pub fn reachable_from_final(&self, df: &Dockerfile) -> Vec<bool> {
        let mut seen = vec![false; self.stages.len()];
        let Some(start) = self.final_stage else {
            return seen;
        };
        let mut todo = vec![start];
        while let Some(i) = todo.pop() {
            let Some(stage) = self.stages.get(i) else {
                continue;
            };
            if seen.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(slot) = seen.get_mut(i) {
                *slot = true;
            }
            if let Some(p) = stage.parent_stage {
                todo.push(p);
            }
            for inst in df.instructions.get(stage.from..stage.end).unwrap_or(&[]) {
                for name in stage_refs(inst) {
                    if let Some(dep) = self.stage_ref(&name, i) {
                        todo.push(dep);
                    }
                }
            }
        }
        seen
    }

    /// A stage referenced from stage `from` by `COPY --from` / `RUN --mount=from=`: a name or
    /// an index of another stage.
    fn stage_ref(&self, name: &str, from: usize) -> Option<usize> {
        self.stage_by_name(name)
            .map(|s| s.index)
            .filter(|&s| s != from)
    }
}

/// Stage references of one instruction: `COPY/ADD --from=x`, `RUN --mount=…,from=x`.
fn stage_refs(inst: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    match inst.kind {
        InstructionKind::Copy | InstructionKind::Add => {
            for f in inst.flags_named("from") {
                if let Some(v) = &f.value {
                    out.push(v.clone());
                }
            }
        }
        InstructionKind::Run => {
            for f in inst.flags_named("mount") {
                let Some(v) = &f.value else { continue };
                for field in v.split(',') {
                    if let Some((k, val)) = field.split_once('=')
                        && k.trim().eq_ignore_ascii_case("from")
                        && !val.trim().is_empty()
                    {
                        out.push(val.trim().trim_matches('"').to_string());
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn default_shell(os: Os) -> Shell {
    match os {
        Os::Windows => Shell {
            kind: ShellKind::Cmd,
            argv: vec!["cmd".into(), "/S".into(), "/C".into()],
            set_by: None,
        },
        Os::Linux | Os::Unknown => Shell {
            kind: ShellKind::Posix {
                program: "/bin/sh".into(),
                pipefail: false,
            },
            argv: vec!["/bin/sh".into(), "-c".into()],
            set_by: None,
        },
    }
}

static PIPEFAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)-[A-Za-z]*o\s*pipefail\b").ok());
fn re_match(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

/// Classifies a SHELL argv.
pub fn classify_shell(argv: &[String]) -> ShellKind {
    let Some(first) = argv.first() else {
        return ShellKind::Other {
            program: String::new(),
        };
    };
    let name = program_name(first);
    let joined = argv.join(" ");
    match name.as_str() {
        n if POSIX_SHELLS.contains(&n) => ShellKind::Posix {
            program: first.clone(),
            pipefail: re_match(&PIPEFAIL, &joined),
        },
        "powershell" | "pwsh" | "pwsh-preview" | "powershell_ise" => ShellKind::PowerShell {
            core: name.starts_with("pwsh"),
            error_action_stop: sets_error_action_stop(&joined),
            progress_silent: sets_progress_silent(&joined),
        },
        "cmd" => ShellKind::Cmd,
        _ => ShellKind::Other {
            program: first.clone(),
        },
    }
}

/// OS implied by a base image reference. The flag is true for strong evidence; false for
/// official images whose plain tags also exist for Windows (`python:3.12`, `mcr.microsoft.com/
/// dotnet/sdk:8.0`): they mean Linux unless something else in the stage says Windows.
pub fn image_os(image: &str) -> Option<(Os, bool)> {
    let lower = image.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return None;
    }
    if lower == "scratch" {
        return Some((Os::Linux, true));
    }
    let no_digest = lower.split('@').next().unwrap_or("");
    let (repo, tag) = match no_digest.rfind(':') {
        Some(i) if !no_digest.get(i..).unwrap_or("").contains('/') => (
            no_digest.get(..i).unwrap_or(""),
            no_digest.get(i + 1..).unwrap_or(""),
        ),
        _ => (no_digest, ""),
    };
    let repo = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo);
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    let segs: Vec<&str> = repo.split('/').collect();
    let last = segs.last().copied().unwrap_or("");
    let tag_tokens: Vec<&str> = tag.split(['-', '_', '.']).collect();

    // Windows
    const WIN_SEGS: &[&str] = &[
        "servercore",
        "nanoserver",
        "windowsservercore",
        "windows-servercore",
    ];
    const WIN_REPOS: &[&str] = &[
        "microsoft/windowsservercore",
        "microsoft/nanoserver",
        "microsoft/iis",
        "microsoft/aspnet",
        "microsoft/dotnet-framework",
        "microsoft/dotnet-framework-build",
        "microsoft/wcf",
    ];
    const WIN_TAG_TOKENS: &[&str] = &[
        "windows", "1607", "1709", "1803", "1809", "1903", "1909", "2004", "20h2", "21h1", "21h2",
        "22h2", "ltsc",
    ];
    if repo == "mcr.microsoft.com/windows"
        || repo.starts_with("mcr.microsoft.com/windows/")
        || repo.starts_with("mcr.microsoft.com/dotnet/framework/")
        || repo.starts_with("microsoft/mssql-server-windows")
        || WIN_REPOS.contains(&repo)
        || segs.iter().any(|s| WIN_SEGS.contains(s))
        || ["windowsservercore", "nanoserver", "servercore", "ltsc20"]
            .iter()
            .any(|k| tag.contains(k))
        || tag_tokens.iter().any(|t| WIN_TAG_TOKENS.contains(t))
    {
        return Some((Os::Windows, true));
    }

    // Linux, from the tag
    const LINUX_TAG_WORDS: &[&str] = &[
        "alpine",
        "bookworm",
        "bullseye",
        "buster",
        "stretch",
        "jessie",
        "trixie",
        "jammy",
        "focal",
        "bionic",
        "noble",
        "xenial",
        "slim",
        "azurelinux",
        "mariner",
        "chiseled",
        "distroless",
        "ubuntu",
        "debian",
        "centos",
        "fedora",
        "amazonlinux",
        "rockylinux",
        "almalinux",
        "oraclelinux",
        "musl",
        "ubi8",
        "ubi9",
        "ubi10",
    ];
    if LINUX_TAG_WORDS.iter().any(|w| tag.contains(w))
        || tag_tokens.iter().any(|t| matches!(*t, "al2" | "al2023"))
    {
        return Some((Os::Linux, true));
    }

    // Linux, from the repository
    const DISTROS: &[&str] = &[
        "alpine",
        "ubuntu",
        "debian",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "oraclelinux",
        "amazonlinux",
        "archlinux",
        "busybox",
        "photon",
        "clearlinux",
        "kali-rolling",
        "leap",
        "tumbleweed",
        "ubi",
        "ubi-minimal",
        "ubi-micro",
        "ubi8",
        "ubi9",
        "ubi10",
        "ubi8-minimal",
        "ubi9-minimal",
        "ubi8-micro",
        "ubi9-micro",
        "wolfi-base",
        "stage3",
        "buildpack-deps",
    ];
    const LINUX_HOSTS: &[&str] = &[
        "gcr.io/distroless/",
        "cgr.dev/",
        "registry.access.redhat.com/",
        "registry.redhat.io/",
        "quay.io/centos",
        "mcr.microsoft.com/cbl-mariner/",
        "mcr.microsoft.com/azurelinux/",
        "mcr.microsoft.com/devcontainers/",
        "mcr.microsoft.com/mssql/",
        "mcr.microsoft.com/dotnet/runtime-deps",
        "public.ecr.aws/amazonlinux/",
        "public.ecr.aws/lambda/",
    ];
    const LINUX_OFFICIAL: &[&str] = &[
        "node",
        "nginx",
        "httpd",
        "redis",
        "postgres",
        "mysql",
        "mariadb",
        "php",
        "ruby",
        "perl",
        "rust",
        "maven",
        "gradle",
        "haproxy",
        "memcached",
        "rabbitmq",
        "elasticsearch",
        "kibana",
        "logstash",
        "tomcat",
        "jetty",
        "wordpress",
        "drupal",
        "ghost",
        "composer",
        "bash",
        "gcc",
        "clojure",
        "elixir",
        "erlang",
        "haskell",
        "r-base",
        "swift",
        "kong",
        "consul",
        "vault",
        "influxdb",
        "cassandra",
        "couchdb",
        "zookeeper",
        "solr",
        "neo4j",
        "nextcloud",
        "sonarqube",
        "bitnami",
        "amazoncorretto",
        "pypy",
        "groovy",
        "nats-streaming",
    ];
    // Official images whose shared tags also have Windows variants.
    const MULTI_OS: &[&str] = &[
        "golang",
        "python",
        "openjdk",
        "eclipse-temurin",
        "mongo",
        "hello-world",
        "docker",
        "traefik",
        "caddy",
        "julia",
        "nats",
        "jenkins/jenkins",
        "jenkins/agent",
        "jenkins/inbound-agent",
        "mcr.microsoft.com/dotnet/sdk",
        "mcr.microsoft.com/dotnet/aspnet",
        "mcr.microsoft.com/dotnet/runtime",
        "mcr.microsoft.com/dotnet/core/sdk",
        "mcr.microsoft.com/dotnet/core/aspnet",
        "mcr.microsoft.com/dotnet/core/runtime",
        "mcr.microsoft.com/powershell",
        "microsoft/dotnet",
        "microsoft/powershell",
    ];
    let has_host = segs.len() > 1
        && segs
            .first()
            .is_some_and(|h| h.contains('.') || h.contains(':'));
    if LINUX_HOSTS.iter().any(|h| repo.starts_with(h)) {
        return Some((Os::Linux, true));
    }
    if MULTI_OS.contains(&repo) {
        return Some((Os::Linux, false));
    }
    if !has_host && (DISTROS.contains(&last) && segs.len() <= 2 || LINUX_OFFICIAL.contains(&repo)) {
        return Some((Os::Linux, true));
    }
    if ["alpine", "ubuntu", "debian", "centos", "fedora"].contains(&last) {
        return Some((Os::Linux, true));
    }
    None
}

static WIN_PATH_START: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z]:[\\/]").ok());
static WIN_PATH_IN_TEXT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?:^|[\s"'=;,(])[CcDd]:\\[A-Za-z0-9_$%]"#).ok());

/// Windows paths in an instruction: `WORKDIR C:/app`, `COPY x C:\app\`, `ENV P=C:\tools`,
/// `RUN … C:\x`, exec form `["C:\\app\\x.exe"]`.
fn has_windows_path(inst: &Instruction) -> bool {
    let starts = |t: &str| re_match(&WIN_PATH_START, t.trim_matches(['"', '\'']));
    match inst.kind {
        InstructionKind::Workdir | InstructionKind::Volume | InstructionKind::User => {
            inst.words.iter().any(|w| starts(&w.text))
        }
        InstructionKind::Copy | InstructionKind::Add => {
            inst.words.last().is_some_and(|w| starts(&w.text))
        }
        InstructionKind::Env | InstructionKind::Arg => inst.pairs.iter().any(|p| {
            p.value
                .as_deref()
                .is_some_and(|v| starts(v) || v.contains(";C:\\"))
        }),
        InstructionKind::Run | InstructionKind::Cmd | InstructionKind::Entrypoint => {
            match &inst.form {
                Form::Exec(words) => words.iter().any(|w| starts(&w.text)),
                Form::Shell(l) => re_match(&WIN_PATH_IN_TEXT, &l.text),
                Form::None => false,
            }
        }
        _ => false,
    }
}

/// OS evidence from a stage's SHELL instructions: cmd / Windows PowerShell → Windows,
/// sh-family → Linux (pwsh runs on both).
fn shell_os(insts: &[Instruction]) -> Option<Os> {
    for inst in insts.iter().filter(|i| i.kind == InstructionKind::Shell) {
        let Form::Exec(words) = &inst.form else {
            continue;
        };
        let Some(first) = words.first() else { continue };
        match program_name(&first.text).as_str() {
            "cmd" | "powershell" | "powershell_ise" => return Some(Os::Windows),
            n if POSIX_SHELLS.contains(&n) => return Some(Os::Linux),
            _ => {}
        }
    }
    None
}

/// OS from a `--platform` value (`windows/amd64`, `linux/arm64/v8`).
fn platform_os(p: &str) -> Option<Os> {
    let os = p
        .trim()
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match os.as_str() {
        "windows" => Some(Os::Windows),
        "linux" => Some(Os::Linux),
        _ => None,
    }
}

/// Expands global ARGs in `raw`. `None` when a variable used without a default has no value,
/// or the expansion fails or is empty.
fn expand_global(
    raw: &str,
    escape: char,
    env: &BTreeMap<String, Option<String>>,
) -> Option<String> {
    if !raw.contains('$') {
        return (!raw.is_empty()).then(|| raw.to_string());
    }
    let lookup = |name: &str| env.get(name).cloned().flatten();
    let e = expand(raw, escape, &lookup);
    if e.error.is_some() || e.value.is_empty() {
        return None;
    }
    // `${X:-default}` / `${X-default}` / `${X:+alt}` are fine without X; `$X`, `${X}` are not.
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b.get(i) == Some(&b'$') {
            let braced = b.get(i + 1) == Some(&b'{');
            let s = i + 1 + usize::from(braced);
            let mut j = s;
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                j += 1;
            }
            let name = raw.get(s..j).unwrap_or("");
            let modifier = braced && matches!(b.get(j), Some(b':' | b'-' | b'+'));
            if !name.is_empty() && !modifier && lookup(name).is_none() {
                return None;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    Some(e.value)
}

pub fn analyze(df: &Dockerfile, opts: &StageOptions) -> StageModel {
    let n = df.instructions.len();
    let first_from = df
        .instructions
        .iter()
        .position(|i| i.kind == InstructionKind::From);

    // Global ARGs: declared before the first FROM; defaults may use earlier global ARGs.
    let mut global_args = Vec::new();
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (idx, inst) in df
        .instructions
        .iter()
        .enumerate()
        .take(first_from.unwrap_or(n))
    {
        if inst.kind != InstructionKind::Arg {
            continue;
        }
        for kv in &inst.pairs {
            let default = kv.value.as_ref().map(|v| {
                if v.contains('$') {
                    let lookup = |name: &str| env.get(name).cloned().flatten();
                    let e = expand(v, df.escape, &lookup);
                    if e.error.is_none() {
                        e.value
                    } else {
                        v.clone()
                    }
                } else {
                    v.clone()
                }
            });
            let value = opts
                .build_args
                .get(&kv.key)
                .cloned()
                .or_else(|| default.clone());
            env.insert(kv.key.clone(), value);
            global_args.push(GlobalArg {
                name: kv.key.clone(),
                default,
                instruction: idx,
            });
        }
    }

    // Stages.
    let from_idx: Vec<usize> = df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == InstructionKind::From)
        .map(|(i, _)| i)
        .collect();
    let mut stages: Vec<Stage> = Vec::with_capacity(from_idx.len());
    let mut stage_of = vec![None; n];
    for (si, &fi) in from_idx.iter().enumerate() {
        let Some(inst) = df.instructions.get(fi) else {
            continue;
        };
        let end = from_idx.get(si + 1).copied().unwrap_or(n);
        for slot in stage_of.iter_mut().take(end).skip(fi) {
            *slot = Some(si);
        }
        let base_word = inst.words.first();
        let base_raw = base_word.map(|w| w.text.clone()).unwrap_or_default();
        let base_span = base_word.map_or(inst.keyword_span, |w| w.span);
        let (name, name_span) = match (inst.words.get(1), inst.words.get(2)) {
            (Some(a), Some(nm)) if a.text.eq_ignore_ascii_case("as") => {
                (Some(nm.text.to_ascii_lowercase()), Some(nm.span))
            }
            _ => (None, None),
        };
        let base = expand_global(&base_raw, df.escape, &env);
        let parent_stage = base.as_deref().and_then(|b| {
            let lb = b.to_ascii_lowercase();
            stages
                .iter()
                .find(|s| s.name.as_deref() == Some(lb.as_str()))
                .map(|s| s.index)
        });
        let platform = inst.flag("platform").and_then(|f| f.value.clone());
        let insts = df.instructions.get(fi..end).unwrap_or(&[]);

        let plat_os = platform.as_deref().and_then(|p| {
            let lower = p.to_ascii_lowercase();
            if lower.contains("buildplatform") || lower.contains("targetplatform") {
                return None;
            }
            platform_os(&expand_global(p, df.escape, &env).unwrap_or_else(|| p.to_string()))
        });
        let parent_os = parent_stage
            .and_then(|p| stages.get(p))
            .map(|s| s.os)
            .filter(|o| *o != Os::Unknown);
        let image = if parent_stage.is_some() {
            None
        } else {
            image_os(base.as_deref().unwrap_or(&strip_vars(&base_raw)))
        };
        let sh_os = shell_os(insts);
        let escape_os = (df.escape == '`').then_some(Os::Windows);
        let path_os = insts.iter().any(has_windows_path).then_some(Os::Windows);
        let (os, os_evidence) = if let Some(o) = plat_os {
            (o, OsEvidence::Platform)
        } else if let Some(o) = parent_os {
            (o, OsEvidence::ParentStage)
        } else if let Some((o, true)) = image {
            (o, OsEvidence::BaseImage)
        } else if let Some((o, false)) = image {
            // A multi-OS image with a plain tag: Linux unless the stage itself says Windows.
            match (sh_os, escape_os, path_os) {
                (Some(Os::Windows), _, _) => (Os::Windows, OsEvidence::Shell),
                (None, Some(w), _) => (w, OsEvidence::EscapeDirective),
                (None, None, Some(w)) => (w, OsEvidence::WindowsPaths),
                _ => (o, OsEvidence::BaseImage),
            }
        } else if let Some(o) = sh_os {
            (o, OsEvidence::Shell)
        } else if let Some(o) = escape_os {
            (o, OsEvidence::EscapeDirective)
        } else if let Some(o) = path_os {
            (o, OsEvidence::WindowsPaths)
        } else {
            (Os::Unknown, OsEvidence::Default)
        };

        stages.push(Stage {
            index: si,
            name,
            name_span,
            from: fi,
            end,
            base_raw,
            base_span,
            base,
            parent_stage,
            platform,
            os,
            os_evidence,
        });
    }

    // Active shell per instruction.
    let mut shell_at: Vec<Shell> = vec![default_shell(Os::Unknown); n];
    let mut last_shell: Vec<Shell> = Vec::with_capacity(stages.len());
    for st in &stages {
        let mut cur = match st.parent_stage.and_then(|p| last_shell.get(p)) {
            Some(s) => s.clone(),
            None => default_shell(st.os),
        };
        for idx in st.from..st.end {
            if let Some(inst) = df.instructions.get(idx)
                && inst.kind == InstructionKind::Shell
                && let Form::Exec(words) = &inst.form
                && !words.is_empty()
            {
                let argv: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
                cur = Shell {
                    kind: classify_shell(&argv),
                    argv,
                    set_by: Some(idx),
                };
            }
            if let Some(slot) = shell_at.get_mut(idx) {
                *slot = cur.clone();
            }
        }
        last_shell.push(cur);
    }

    // Final stage.
    let mut unknown_target = None;
    let last = stages.len().checked_sub(1);
    let final_stage = match &opts.target {
        Some(t) => {
            let lt = t.to_ascii_lowercase();
            match stages
                .iter()
                .find(|s| s.name.as_deref() == Some(lt.as_str()))
            {
                Some(s) => Some(s.index),
                None => {
                    unknown_target = Some(t.clone());
                    last
                }
            }
        }
        None => last,
    };

    StageModel {
        stages,
        global_args,
        final_stage,
        stage_of,
        shell_at,
        unknown_target,
    }
}

/// `mcr.microsoft.com/windows/servercore:${TAG}` → `mcr.microsoft.com/windows/servercore:`:
/// unresolved variables removed so the rest can still be recognised.
fn strip_vars(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            let mut depth = 0usize;
            for d in chars.by_ref() {
                match d {
                    '{' => depth += 1,
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_')
            {
                chars.next();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
