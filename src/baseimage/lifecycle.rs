//! Dated, offline lifecycle data for base images (`rules/base-images.yaml`, embedded).

use std::sync::LazyLock;

use serde::Deserialize;

use super::reference::ImageRef;
use crate::source::Date;

/// The embedded data file.
pub const EMBEDDED: &str = include_str!("../../rules/base-images.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BaseImageData {
    pub version: u32,
    pub checked: Date,
    pub policy: PolicyData,
    pub deprecated_repositories: Vec<Deprecated>,
    pub windows: WindowsData,
    pub dotnet: ReleaseTable,
    pub dotnet_framework: ReleaseTable,
}

/// The default policy as written in the data file (validated into a `Policy` elsewhere).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyData {
    #[serde(default)]
    pub allow: Vec<PatternData>,
    #[serde(default)]
    pub deny: Vec<PatternData>,
    #[serde(default = "yes")]
    pub require_tag: bool,
    #[serde(default)]
    pub require_digest: bool,
    #[serde(default)]
    pub allow_latest: bool,
    #[serde(default)]
    pub scope: Option<String>,
}

fn yes() -> bool {
    true
}

/// One allow/deny entry: registry (glob), optional repository and tag globs, and why.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PatternData {
    pub registry: String,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecated {
    /// Normalized `registry/repository`.
    pub repository: String,
    pub replacement: String,
    pub note: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WindowsData {
    pub repositories: Vec<String>,
    pub source: String,
    pub lines: Vec<WindowsLine>,
    pub insider_repositories: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WindowsLine {
    pub name: String,
    pub build: u32,
    pub tags: Vec<String>,
    pub release: Date,
    pub mainstream_end: Date,
    pub extended_end: Date,
    #[serde(default)]
    pub semi_annual: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseTable {
    pub repositories: Vec<String>,
    pub source: String,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Release {
    pub version: String,
    pub end_of_support: Date,
    #[serde(default)]
    pub replacement: Option<String>,
}

static DATA: LazyLock<Result<BaseImageData, String>> =
    LazyLock::new(|| serde_saphyr::from_str(EMBEDDED).map_err(|e| e.to_string()));

/// The embedded data. The file is validated by a unit test, so an error here is a build defect;
/// callers still get it as a value rather than a panic.
pub fn data() -> Result<&'static BaseImageData, &'static str> {
    DATA.as_ref().map_err(String::as_str)
}

/// Where a date stands against a lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Mainstream,
    /// Past mainstream support, still in extended support.
    Extended,
    /// Past the end of (extended) support.
    Ended,
}

impl WindowsLine {
    pub fn support_on(&self, today: Date) -> Support {
        if today > self.extended_end {
            Support::Ended
        } else if today > self.mainstream_end {
            Support::Extended
        } else {
            Support::Mainstream
        }
    }
}

/// Splits a tag into its `-`/`_` separated, lowercased parts.
fn tag_parts(tag: &str) -> impl Iterator<Item = String> + '_ {
    tag.split(['-', '_']).map(str::to_ascii_lowercase)
}

impl BaseImageData {
    pub fn deprecated(&self, image: &ImageRef) -> Option<&Deprecated> {
        let name = image.name();
        self.deprecated_repositories
            .iter()
            .find(|d| d.repository == name)
    }

    /// Whether the repository is a Windows base OS image (servercore, nanoserver, server, windows).
    pub fn is_windows_base(&self, image: &ImageRef) -> bool {
        let name = image.name();
        self.windows.repositories.contains(&name)
    }

    pub fn is_insider(&self, image: &ImageRef) -> bool {
        let name = image.name();
        self.windows.insider_repositories.contains(&name)
    }

    /// The Windows line a tag names (`ltsc2022`, `4.8.1-windowsservercore-ltsc2019`,
    /// `10.0.20348.2227`, `1809`), for any image whose tag carries one.
    pub fn windows_line_for_tag(&self, tag: &str) -> Option<&WindowsLine> {
        let lower = tag.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("10.0.") {
            let build: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(b) = build.parse::<u32>() {
                return self.windows.lines.iter().find(|l| l.build == b);
            }
        }
        let parts: Vec<String> = tag_parts(tag).collect();
        self.windows.lines.iter().find(|l| {
            l.tags
                .iter()
                .any(|t| parts.iter().any(|p| p == &t.to_ascii_lowercase()))
        })
    }

    pub fn windows_line(&self, name: &str) -> Option<&WindowsLine> {
        let n = name.to_ascii_lowercase();
        self.windows.lines.iter().find(|l| {
            l.name.to_ascii_lowercase() == n || l.tags.iter().any(|t| t.to_ascii_lowercase() == n)
        })
    }

    /// The .NET release of an image tag (`8.0`, `8.0.11-nanoserver-ltsc2022`, `6.0-alpine`).
    pub fn dotnet_release(&self, image: &ImageRef) -> Option<&Release> {
        release_for(&self.dotnet, image)
    }

    /// The retired .NET Framework release of an image tag (`4.6.1`, `4.5.2-windowsservercore-ltsc2016`).
    pub fn dotnet_framework_release(&self, image: &ImageRef) -> Option<&Release> {
        release_for(&self.dotnet_framework, image)
    }
}

fn release_for<'a>(table: &'a ReleaseTable, image: &ImageRef) -> Option<&'a Release> {
    let name = image.name();
    if !table.repositories.contains(&name) {
        return None;
    }
    let tag = image.tag.as_deref()?;
    let version: String = tag
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version = version.trim_end_matches('.');
    // Longest release version that is the tag's version or a dotted prefix of it.
    table
        .releases
        .iter()
        .filter(|r| version == r.version || version.starts_with(&format!("{}.", r.version)))
        .max_by_key(|r| r.version.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(s: &str) -> ImageRef {
        ImageRef::parse(s).expect("valid reference")
    }

    #[test]
    fn embedded_data_is_valid() {
        let d = data().expect("embedded base-images.yaml parses");
        assert_eq!(d.version, 1);
        assert!(
            d.windows
                .lines
                .iter()
                .all(|l| l.release <= l.mainstream_end && l.mainstream_end <= l.extended_end)
        );
        assert!(
            d.deprecated_repositories
                .iter()
                .all(|r| ImageRef::parse(&r.repository).is_ok())
        );
        assert!(
            d.deprecated_repositories
                .iter()
                .all(|r| ImageRef::parse(&r.replacement).is_ok())
        );
    }

    #[test]
    fn windows_lines_from_tags() {
        let d = data().expect("data");
        let name = |t: &str| d.windows_line_for_tag(t).map(|l| l.name.clone());
        assert_eq!(name("ltsc2022").as_deref(), Some("ltsc2022"));
        assert_eq!(
            name("4.8.1-windowsservercore-ltsc2019").as_deref(),
            Some("ltsc2019")
        );
        assert_eq!(name("1809").as_deref(), Some("ltsc2019"));
        assert_eq!(name("10.0.20348.2227").as_deref(), Some("ltsc2022"));
        assert_eq!(name("20H2").as_deref(), Some("20H2"));
        assert_eq!(name("8.0-nanoserver-1909").as_deref(), Some("1909"));
        assert_eq!(name("8.0"), None);
        assert_eq!(name("ltsc2022x"), None);
    }

    #[test]
    fn support_boundaries() {
        let d = data().expect("data");
        let l = d.windows_line("ltsc2019").expect("line");
        let day = |y, m, dd| Date::new(y, m, dd).expect("date");
        assert_eq!(l.support_on(day(2024, 1, 9)), Support::Mainstream);
        assert_eq!(l.support_on(day(2024, 1, 10)), Support::Extended);
        assert_eq!(l.support_on(day(2029, 1, 9)), Support::Extended);
        assert_eq!(l.support_on(day(2029, 1, 10)), Support::Ended);
    }

    #[test]
    fn dotnet_releases() {
        let d = data().expect("data");
        let v = |s: &str| d.dotnet_release(&img(s)).map(|r| r.version.clone());
        assert_eq!(
            v("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022").as_deref(),
            Some("8.0")
        );
        assert_eq!(
            v("mcr.microsoft.com/dotnet/sdk:6.0.428").as_deref(),
            Some("6.0")
        );
        assert_eq!(
            v("mcr.microsoft.com/dotnet/core/sdk:3.1").as_deref(),
            Some("3.1")
        );
        assert_eq!(
            v("mcr.microsoft.com/dotnet/sdk:10.0-preview"),
            Some("10.0".into())
        );
        assert_eq!(v("mcr.microsoft.com/dotnet/sdk:latest"), None);
        assert_eq!(v("node:8.0"), None);
        let f = |s: &str| {
            d.dotnet_framework_release(&img(s))
                .map(|r| r.version.clone())
        };
        assert_eq!(
            f("mcr.microsoft.com/dotnet/framework/aspnet:4.6.1").as_deref(),
            Some("4.6.1")
        );
        assert_eq!(
            f("mcr.microsoft.com/dotnet/framework/sdk:4.6.2-windowsservercore-ltsc2016").as_deref(),
            Some("4.6.2")
        );
        assert_eq!(
            f("mcr.microsoft.com/dotnet/framework/sdk:4.8.1-windowsservercore-ltsc2022"),
            None
        );
    }

    #[test]
    fn deprecated_and_insider() {
        let d = data().expect("data");
        assert_eq!(
            d.deprecated(&img("microsoft/aspnet:4.7.2"))
                .map(|x| x.replacement.as_str()),
            Some("mcr.microsoft.com/dotnet/framework/aspnet")
        );
        assert!(
            d.deprecated(&img("mcr.microsoft.com/dotnet/framework/aspnet:4.8"))
                .is_none()
        );
        assert!(d.is_insider(&img(
            "mcr.microsoft.com/windows/servercore/insider:10.0.26100.1"
        )));
        assert!(d.is_windows_base(&img("mcr.microsoft.com/windows/servercore:ltsc2022")));
    }
}

/// How a Windows container image can run on a Windows host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCompat {
    /// Process isolation (and Hyper-V isolation) work.
    Process,
    /// Only Hyper-V isolation works (older image on a newer host).
    HyperVOnly,
    /// Cannot run at all (image newer than the host).
    Unsupported,
}

/// Windows host/container compatibility (Microsoft's version-compatibility matrix): process
/// isolation needs the same build, except that a Windows Server 2025 host also runs Windows
/// Server 2022 images process-isolated; older images run under Hyper-V isolation only; images
/// newer than the host do not run.
pub fn host_compat(host_build: u32, image_build: u32) -> HostCompat {
    if host_build == image_build || (host_build == 26100 && image_build == 20348) {
        HostCompat::Process
    } else if image_build < host_build {
        HostCompat::HyperVOnly
    } else {
        HostCompat::Unsupported
    }
}

#[cfg(test)]
mod compat_tests {
    use super::*;

    #[test]
    fn matrix() {
        assert_eq!(host_compat(26100, 26100), HostCompat::Process);
        assert_eq!(host_compat(26100, 20348), HostCompat::Process);
        assert_eq!(host_compat(26100, 17763), HostCompat::HyperVOnly);
        assert_eq!(host_compat(20348, 20348), HostCompat::Process);
        assert_eq!(host_compat(20348, 17763), HostCompat::HyperVOnly);
        assert_eq!(host_compat(20348, 26100), HostCompat::Unsupported);
        assert_eq!(host_compat(17763, 20348), HostCompat::Unsupported);
        assert_eq!(host_compat(17763, 17763), HostCompat::Process);
    }
}
