//! Base images.

use super::*;
pub use crate::lint::helpers::general::stage_chain;

/// The Windows base image family an image is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinFamily {
    NanoServer,
    ServerCore,
    /// `mcr.microsoft.com/windows/server`.
    Server,
    /// `mcr.microsoft.com/windows` (the full "Windows" image).
    Windows,
}

impl WinFamily {
    /// The user a container of this family runs as when no USER is set.
    pub fn default_user(self) -> &'static str {
        match self {
            WinFamily::NanoServer => "ContainerUser",
            _ => "ContainerAdministrator",
        }
    }
}

/// Splits an image reference into (lowercased repository, lowercased tag). Digests are dropped.
pub fn split_image(reference: &str) -> (String, String) {
    let r = reference.trim().to_ascii_lowercase();
    let r = r.split('@').next().unwrap_or("").to_string();
    let slash = r.rfind('/').map_or(0, |i| i + 1);
    match r.get(slash..).and_then(|tail| tail.rfind(':')) {
        Some(c) => {
            let at = slash + c;
            (
                r.get(..at).unwrap_or("").to_string(),
                r.get(at + 1..).unwrap_or("").to_string(),
            )
        }
        None => (r, String::new()),
    }
}

/// Repository without a `docker.io/` or `index.docker.io/` prefix.
pub(super) fn normal_repo(repo: &str) -> &str {
    repo.strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo)
}

/// Windows family of an image reference, when it can be told from the name.
pub fn image_family(reference: &str) -> Option<WinFamily> {
    let (repo, tag) = split_image(reference);
    let repo = normal_repo(&repo);
    if repo.contains("nanoserver") || tag.contains("nanoserver") {
        return Some(WinFamily::NanoServer);
    }
    if repo.contains("servercore")
        || tag.contains("servercore")
        || repo.contains("dotnet/framework")
        || matches!(
            repo,
            "microsoft/windowsservercore"
                | "microsoft/aspnet"
                | "microsoft/iis"
                | "microsoft/dotnet-framework"
                | "microsoft/dotnet-framework-build"
                | "microsoft/wcf"
        )
        || repo.starts_with("microsoft/mssql-server-windows")
    {
        return Some(WinFamily::ServerCore);
    }
    match repo {
        "mcr.microsoft.com/windows/server" | "mcr.microsoft.com/windows/server/insider" => {
            Some(WinFamily::Server)
        }
        "mcr.microsoft.com/windows" | "mcr.microsoft.com/windows/insider" | "microsoft/windows" => {
            Some(WinFamily::Windows)
        }
        _ => None,
    }
}

/// True for images known to ship PowerShell 7 (`pwsh`) even on Nano Server.
pub fn image_has_pwsh(reference: &str) -> bool {
    let (repo, _) = split_image(reference);
    let repo = normal_repo(&repo);
    repo == "mcr.microsoft.com/powershell"
        || repo.starts_with("mcr.microsoft.com/powershell/")
        || repo.ends_with("dotnet/sdk")
        || repo.ends_with("dotnet/core/sdk")
        || repo.ends_with("dotnet/nightly/sdk")
}

/// A Windows OS build a base image tag pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinBuild {
    pub build: u32,
    /// Tag token it was read from (e.g. `ltsc2022`, `1809`).
    pub name: &'static str,
}

/// Known Windows release names and their OS build numbers.
pub(super) const BUILDS: &[(&str, u32, &str)] = &[
    ("ltsc2016", 14393, "ltsc2016"),
    ("sac2016", 14393, "ltsc2016"),
    ("1607", 14393, "ltsc2016"),
    ("1709", 16299, "1709"),
    ("1803", 17134, "1803"),
    ("1809", 17763, "ltsc2019"),
    ("ltsc2019", 17763, "ltsc2019"),
    ("1903", 18362, "1903"),
    ("1909", 18363, "1909"),
    ("2004", 19041, "2004"),
    ("20h2", 19042, "20H2"),
    ("ltsc2022", 20348, "ltsc2022"),
    ("ltsc2025", 26100, "ltsc2025"),
];

/// The name used for a build number (e.g. 20348 → `ltsc2022`).
pub fn build_name(build: u32) -> &'static str {
    BUILDS
        .iter()
        .find(|(_, b, _)| *b == build)
        .map_or("unknown", |(_, _, n)| n)
}

/// Windows OS build pinned by an image tag (`ltsc2022`, `…-nanoserver-1809`, `10.0.17763.1234`).
pub fn image_build(reference: &str) -> Option<WinBuild> {
    let (_, tag) = split_image(reference);
    for tok in tag.split(['-', '_']) {
        if let Some((_, b, n)) = BUILDS.iter().find(|(t, _, _)| *t == tok) {
            return Some(WinBuild { build: *b, name: n });
        }
        if let Some(rest) = tok.strip_prefix("10.0.") {
            let num: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            // `10.0.17763.1234` — but not a .NET version such as `10.0.1`.
            if let Ok(b) = num.parse::<u32>()
                && b >= 10240
            {
                return Some(WinBuild {
                    build: b,
                    name: build_name(b),
                });
            }
        }
    }
    None
}

/// The external image at the root of a stage's chain (resolved through ARGs when possible).
pub fn root_image(model: &StageModel, stage: usize) -> Option<String> {
    let root = *stage_chain(model, stage).last()?;
    let st = model.stages.get(root)?;
    if st.parent_stage.is_some() {
        return None;
    }
    match &st.base {
        Some(b) => Some(b.clone()),
        None if !st.base_raw.contains('$') => Some(st.base_raw.clone()),
        None => None,
    }
}

/// Last `USER` of a stage (instruction index and the user word).
pub fn last_user(df: &Dockerfile, model: &StageModel, stage: usize) -> Option<(usize, String)> {
    let st = model.stages.get(stage)?;
    (st.from..st.end.min(df.instructions.len()))
        .rev()
        .find_map(|i| {
            let inst = df.instructions.get(i)?;
            if inst.kind != InstructionKind::User {
                return None;
            }
            let w = inst.words.first()?;
            Some((i, w.text.clone()))
        })
}

/// The user a stage ends with: its own last USER, else its parent stages', else the base
/// image family default. Returns (user, instruction index of the USER if any).
pub fn effective_user(
    df: &Dockerfile,
    model: &StageModel,
    stage: usize,
) -> Option<(String, Option<usize>)> {
    for s in stage_chain(model, stage) {
        if let Some((i, u)) = last_user(df, model, s) {
            return Some((u, Some(i)));
        }
    }
    let fam = image_family(&root_image(model, stage)?)?;
    Some((fam.default_user().to_string(), None))
}

/// Administrator-equivalent Windows account names.
pub fn is_admin_user(user: &str) -> bool {
    let u = user.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let u = u.split(':').next().unwrap_or("");
    matches!(
        u,
        "containeradministrator"
            | "administrator"
            | "nt authority\\system"
            | "nt authority/system"
            | "system"
            | "localsystem"
    )
}
