//! SBOM components: what goes into the image, with evidence spans.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::Severity;
use crate::source::Span;

/// Package ecosystems (OSV names where OSV has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Ecosystem {
    NuGet,
    #[serde(rename = "crates.io")]
    Cargo,
    #[serde(rename = "npm")]
    Npm,
    PyPI,
    Go,
    RubyGems,
    Debian,
    Alpine,
    /// dnf / yum / microdnf / zypper packages.
    Rpm,
    Chocolatey,
    /// PowerShell Gallery modules and scripts.
    PowerShellGallery,
    /// .NET SDK / runtime versions from global.json.
    DotnetSdk,
    /// Container images (`pkg:docker` / `pkg:oci`).
    Container,
    /// Downloaded files (ADD <url>, Invoke-WebRequest, curl).
    File,
}

impl Ecosystem {
    /// The purl type.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::NuGet => "nuget",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "golang",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Debian => "deb",
            Ecosystem::Alpine => "apk",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Chocolatey => "chocolatey",
            Ecosystem::PowerShellGallery => "powershellgallery",
            Ecosystem::DotnetSdk => "generic",
            Ecosystem::Container => "docker",
            Ecosystem::File => "generic",
        }
    }
    /// OSV ecosystem name, when OSV covers it.
    pub fn osv_name(self) -> Option<&'static str> {
        match self {
            Ecosystem::NuGet => Some("NuGet"),
            Ecosystem::Cargo => Some("crates.io"),
            Ecosystem::Npm => Some("npm"),
            Ecosystem::PyPI => Some("PyPI"),
            Ecosystem::Go => Some("Go"),
            Ecosystem::RubyGems => Some("RubyGems"),
            Ecosystem::Debian => Some("Debian"),
            Ecosystem::Alpine => Some("Alpine"),
            _ => None,
        }
    }
}

/// What is known about a component's version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum VersionSpec {
    /// One exact, normalized version.
    Exact(String),
    /// A version range as written (NuGet `[1.0,2.0)`, npm `^1.2`, pip `>=2`): never turned into a
    /// fake exact version.
    Range(String),
    /// A floating version (`1.*`, `latest`).
    Floating(String),
    /// No version at all (unpinned install).
    Unpinned,
}

impl VersionSpec {
    pub fn exact(&self) -> Option<&str> {
        match self {
            VersionSpec::Exact(v) => Some(v),
            _ => None,
        }
    }
}

/// CycloneDX component scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Required,
    /// Dev / build-only / optional dependencies.
    Optional,
    Excluded,
}

/// CycloneDX component type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentType {
    #[default]
    Library,
    Application,
    Framework,
    Container,
    File,
    Platform,
}

/// Where a component was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Evidence {
    /// Repository-relative path of the manifest / Dockerfile.
    pub path: String,
    /// Byte span of the declaring element (the `<PackageReference>`, the lock entry, the RUN word).
    pub span: Span,
    /// 1-based line of `span.start` (filled by the extractor from the file's line index).
    pub line: usize,
}

/// A package, image or file that goes into the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub ecosystem: Ecosystem,
    pub component_type: ComponentType,
    /// Name as declared (NuGet ids keep their declared casing; matching is case-insensitive).
    pub name: String,
    /// Group / namespace (npm scope, Go module path prefix, Maven group…), if the ecosystem has one.
    pub namespace: Option<String>,
    pub version: VersionSpec,
    pub scope: Scope,
    /// Directly declared by the project (vs transitive).
    pub direct: bool,
    /// `(algorithm, hex)` e.g. `("SHA-256", "…")`, `("SHA-512", "…")`.
    pub hashes: Vec<(String, String)>,
    /// Download URL (files, images).
    pub url: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Extra facts: `condition`, `targetFramework`, `developmentDependency`, `source`…
    pub properties: BTreeMap<String, String>,
}

impl Component {
    /// Identity used to merge duplicates: ecosystem + lowercased (for case-insensitive
    /// ecosystems) namespace/name + version.
    pub fn key(&self) -> (Ecosystem, String, VersionSpec) {
        let name = match self.ecosystem {
            Ecosystem::NuGet
            | Ecosystem::PyPI
            | Ecosystem::Chocolatey
            | Ecosystem::PowerShellGallery => self.full_name().to_ascii_lowercase(),
            _ => self.full_name(),
        };
        (self.ecosystem, name, self.version.clone())
    }

    pub fn full_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A dependency edge between two components (by their keys), or from a project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    /// `None` = the project / manifest itself.
    pub from: Option<(Ecosystem, String, VersionSpec)>,
    pub to: (Ecosystem, String, VersionSpec),
}

/// A problem met while extracting (malformed file, unresolvable property, range): data, not panic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExtractDiagnostic {
    pub severity: Severity,
    pub path: String,
    pub span: Span,
    pub line: usize,
    pub message: String,
}

/// The output of one extractor on one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    pub components: Vec<Component>,
    pub edges: Vec<Edge>,
    pub diagnostics: Vec<ExtractDiagnostic>,
    /// Facts about the artifact as a whole rather than a component: for a Dockerfile, the final
    /// image's OCI labels (`org.opencontainers.image.*`) and extractor notes (`portcullis:*`).
    pub metadata: BTreeMap<String, String>,
}
