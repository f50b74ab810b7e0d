//! Manifest extractors: one file per format. Each has a cheap `wants(path)` routing check and a
//! pure `extract(file, cx)`.

pub mod dockerfile;
// Cargo, npm, PyPI and Go extractors.
pub mod cargo_lock;
mod eco_common;
pub mod go_mod;
pub mod npm_lock;
// NuGet / .NET extractors.
pub mod nuget;
pub mod pipfile_lock;
pub mod pnpm_lock;
pub mod poetry_lock;
pub mod requirements;
pub mod uv_lock;
pub mod yarn_lock;

use std::collections::BTreeMap;

use super::model::Extracted;
use crate::source::SourceFile;

/// What an extractor may look at besides its own file: every scanned file by repo-relative
/// path (for MSBuild's `Directory.Build.props` / `Directory.Packages.props` hierarchy lookups,
/// `go.sum` next to `go.mod`, …).
pub struct ExtractContext<'a> {
    pub files: &'a BTreeMap<String, &'a SourceFile>,
    /// `(directory, ASCII-lowercased file name)` → file, built on the first
    /// [`Self::find_upward`] so that lookups do not scan every path.
    /// (Owned, so that the context stays covariant in `'a`.)
    by_dir: std::sync::OnceLock<BTreeMap<(String, String), String>>,
}

impl<'a> ExtractContext<'a> {
    pub fn new(files: &'a BTreeMap<String, &'a SourceFile>) -> Self {
        Self {
            files,
            by_dir: std::sync::OnceLock::new(),
        }
    }

    pub fn get(&self, path: &str) -> Option<&'a SourceFile> {
        self.files.get(path).copied()
    }

    /// The nearest file named `name` in `dir` or its ancestors (case-insensitive name match),
    /// e.g. `Directory.Packages.props` for `src/App/App.csproj`.
    pub fn find_upward(&self, dir: &str, name: &str) -> Option<&'a SourceFile> {
        let index = self.by_dir.get_or_init(|| {
            let mut index = BTreeMap::new();
            for path in self.files.keys() {
                let (dir, base) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
                // The first path in sorted order wins when names differ only in case.
                index
                    .entry((dir.to_string(), base.to_ascii_lowercase()))
                    .or_insert_with(|| path.clone());
            }
            index
        });
        let mut key = (
            dir.trim_end_matches('/').to_string(),
            name.to_ascii_lowercase(),
        );
        loop {
            if let Some(path) = index.get(&key) {
                return self.get(path);
            }
            let d = key.0.as_str();
            if d.is_empty() {
                return None;
            }
            key.0 = d.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        }
    }
}

/// A registered extractor.
pub struct Extractor {
    pub name: &'static str,
    pub wants: fn(&str) -> bool,
    pub extract: fn(&SourceFile, &ExtractContext<'_>) -> Extracted,
}

/// Every extractor, in a fixed order.
pub fn all() -> &'static [Extractor] {
    &[
        Extractor {
            name: "dockerfile",
            wants: dockerfile::wants,
            extract: dockerfile::extract,
        },
        // Cargo, npm, PyPI, Go
        Extractor {
            name: "cargo-lock",
            wants: cargo_lock::wants,
            extract: cargo_lock::extract,
        },
        Extractor {
            name: "npm-lock",
            wants: npm_lock::wants,
            extract: npm_lock::extract,
        },
        Extractor {
            name: "yarn-lock",
            wants: yarn_lock::wants,
            extract: yarn_lock::extract,
        },
        Extractor {
            name: "pnpm-lock",
            wants: pnpm_lock::wants,
            extract: pnpm_lock::extract,
        },
        Extractor {
            name: "requirements-txt",
            wants: requirements::wants,
            extract: requirements::extract,
        },
        Extractor {
            name: "poetry-lock",
            wants: poetry_lock::wants,
            extract: poetry_lock::extract,
        },
        Extractor {
            name: "pipfile-lock",
            wants: pipfile_lock::wants,
            extract: pipfile_lock::extract,
        },
        Extractor {
            name: "uv-lock",
            wants: uv_lock::wants,
            extract: uv_lock::extract,
        },
        Extractor {
            name: "go-mod",
            wants: go_mod::wants,
            extract: go_mod::extract,
        },
        // NuGet / .NET
        Extractor {
            name: "msbuild",
            wants: nuget::msbuild::wants,
            extract: nuget::msbuild::extract,
        },
        Extractor {
            name: "packages-config",
            wants: nuget::packages_config::wants,
            extract: nuget::packages_config::extract,
        },
        Extractor {
            name: "packages-lock-json",
            wants: nuget::packages_lock::wants,
            extract: nuget::packages_lock::extract,
        },
        Extractor {
            name: "project-assets-json",
            wants: nuget::project_assets::wants,
            extract: nuget::project_assets::extract,
        },
        Extractor {
            name: "deps-json",
            wants: nuget::deps_json::wants,
            extract: nuget::deps_json::extract,
        },
        Extractor {
            name: "paket-lock",
            wants: nuget::paket::wants_lock,
            extract: nuget::paket::extract_lock,
        },
        Extractor {
            name: "paket-dependencies",
            wants: nuget::paket::wants_dependencies,
            extract: nuget::paket::extract_dependencies,
        },
        Extractor {
            name: "dotnet-tools-json",
            wants: nuget::dotnet_tools::wants,
            extract: nuget::dotnet_tools::extract,
        },
        Extractor {
            name: "global-json",
            wants: nuget::global_json::wants,
            extract: nuget::global_json::extract,
        },
    ]
}

/// File name (last path component) of a repo-relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Directory of a repo-relative path ("" for the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_upward_walks_to_root() {
        let a = SourceFile::new("Directory.Packages.props", "<Project/>");
        let b = SourceFile::new("src/Directory.Build.props", "<Project/>");
        let c = SourceFile::new("src/App/App.csproj", "<Project/>");
        let files: BTreeMap<String, &SourceFile> = [&a, &b, &c]
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let cx = ExtractContext::new(&files);
        assert_eq!(
            cx.find_upward("src/App", "directory.packages.props")
                .map(|f| f.path.as_str()),
            Some("Directory.Packages.props")
        );
        assert_eq!(
            cx.find_upward("src/App", "Directory.Build.props")
                .map(|f| f.path.as_str()),
            Some("src/Directory.Build.props")
        );
        assert!(cx.find_upward("src/App", "global.json").is_none());
    }
}
