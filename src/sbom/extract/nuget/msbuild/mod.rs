//! MSBuild projects (`*.csproj`, `*.fsproj`, `*.vbproj`, `*.proj`): `PackageReference` items as NuGet
//! restore sees them, evaluated statically the way MSBuild would.
//!
//! Evaluation order follows MSBuild: `Directory.Build.props` (found upward), then
//! `Directory.Packages.props` (found upward), the project, then `Directory.Build.targets`;
//! `<Import>`s of files in the scan are followed in place (relative paths,
//! `$(MSBuildThisFileDirectory)`, `GetPathOfFileAbove`, `GetDirectoryNameOfFileAbove`). Pass 1
//! evaluates properties in that order (simple conditions are evaluated, property functions are
//! not); pass 2 evaluates items with the final property values. Items under conditions are
//! still listed, with the condition in `properties["condition"]`. An unresolvable `$(Prop)` in
//! a version is a diagnostic and an unpinned component — never a guessed version.
//!
//! When a `packages.lock.json` or `obj/project.assets.json` sits next to the project, its
//! resolution wins: a reference the lock resolved is reported at the lock's version(s) (it
//! merges with the lock's component, so findings point at the `PackageReference` a person
//! edits), with `declaredVersion` (as written) and `resolvedBy`; a reference the lock lacks
//! keeps the project's version, with a note.
//!
//! `<Reference>` (GAC / framework assemblies) and `<ProjectReference>` are never packages, with
//! one exception: a `<Reference>` whose `HintPath` points into a NuGet `packages` folder
//! (`packages\<Id>.<Version>\lib\…`) compiles against that package version, which is reported
//! when the project's `packages.config` does not list it with that version.
//! `*.props` / `*.targets` files on their own only get their XML checked.

use std::collections::BTreeSet;

use crate::sbom::extract::{ExtractContext, dir_of};
use crate::sbom::model::{Extracted, Scope};
use crate::source::SourceFile;

use super::{Builder, ends_with_ci, load_xml};

mod condition;
mod emit;
mod evaluation;
mod paths;
mod props;
#[cfg(test)]
mod tests;

use evaluation::Evaluation;

pub fn wants(path: &str) -> bool {
    is_project(path) || ends_with_ci(path, ".props") || ends_with_ci(path, ".targets")
}

fn is_project(path: &str) -> bool {
    [".csproj", ".fsproj", ".vbproj", ".proj"]
        .iter()
        .any(|e| ends_with_ci(path, e))
}

pub fn extract(file: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    if !is_project(&file.path) {
        // Imported files are evaluated with the projects that import them; here only their
        // syntax is checked, once.
        load_xml(&mut b, file);
        return b.finish();
    }
    Evaluation::run(&mut b, file, cx);
    b.finish()
}

/// Lowercase ids of the packages a project references with `PrivateAssets="all"`,
/// `DevelopmentDependency`, or as a `GlobalPackageReference`: build-time only for this project.
/// Lock and assets files, which do not record this, use it to scope their entries.
pub fn private_packages(project: &SourceFile, cx: &ExtractContext<'_>) -> BTreeSet<String> {
    let mut b = Builder::new();
    Evaluation::run_with(&mut b, project, cx, false);
    b.finish()
        .components
        .into_iter()
        .filter(|c| {
            c.scope == Scope::Optional
                && [
                    "privateAssets",
                    "developmentDependency",
                    "globalPackageReference",
                ]
                .iter()
                .any(|k| c.properties.contains_key(*k))
        })
        .map(|c| c.name.to_ascii_lowercase())
        .collect()
}

/// The MSBuild projects in directory `dir` (not below it).
pub fn projects_in<'a>(cx: &ExtractContext<'a>, dir: &str) -> Vec<&'a SourceFile> {
    cx.files
        .iter()
        .filter(|(p, _)| dir_of(p) == dir && is_project(p))
        .map(|(_, f)| *f)
        .collect()
}
