//! Pass 2: items evaluated with the final properties and turned into components.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::sbom::extract::{dir_of, file_name};
use crate::sbom::model::{Scope, VersionSpec};
use crate::source::{SourceFile, Span};

use super::condition::{Tri, eval_condition};
use super::evaluation::{Evaluation, Kind, Meta, RefItem, metadata};
use super::paths::join;
use super::props::unescape;
use crate::sbom::extract::nuget::{Builder, apply_declared, ends_with_ci, nuget};

impl<'a, 'c> Evaluation<'a, 'c> {
    pub(super) fn emit(&self, b: &mut Builder) {
        let this_dir = dir_of(&self.project.path);
        for path in &self.broken {
            b.diag(
                self.project,
                Severity::Note,
                Span::empty(0),
                format!(
                    "{path} is not valid XML; its properties and items are ignored for this project"
                ),
            );
        }
        let cpm = self.props.is_true("ManagePackageVersionsCentrally");
        let pinning = cpm && self.props.is_true("CentralPackageTransitivePinningEnabled");
        let (refs, versions) = self.collect_items(b);

        // Lock / assets resolution wins over static evaluation.
        let lock_path = join(this_dir, "packages.lock.json");
        let assets_path = join(this_dir, "obj/project.assets.json");
        let mut resolved: Option<(
            BTreeMap<String, crate::sbom::extract::nuget::Resolved>,
            &str,
        )> = None;
        if self.honor_lock {
            if let Some(ids) = self
                .cx
                .get(&lock_path)
                .and_then(|f| crate::sbom::extract::nuget::packages_lock::locked_versions(&f.text))
            {
                resolved = Some((ids, "packages.lock.json"));
            } else if let Some(ids) = self.cx.get(&assets_path).and_then(|f| {
                crate::sbom::extract::nuget::project_assets::resolved_versions(&f.text)
            }) {
                resolved = Some((ids, "obj/project.assets.json"));
            }
        }

        for r in &refs {
            let mut locked = None;
            if r.kind != Kind::PackageDownload
                && let Some((ids, name)) = &resolved
            {
                match ids.get(&r.id.to_ascii_lowercase()) {
                    // Listed without a usable version: the lock file's own entry says why.
                    Some(v) if v.versions.is_empty() => continue,
                    Some(v) => locked = Some((v, *name)),
                    None => b.diag(
                        r.file,
                        Severity::Note,
                        r.span,
                        format!("{}: not in {name}; version taken from the project (is the lock file out of date?)", r.id),
                    ),
                }
            }
            self.emit_ref(b, r, cpm, pinning, &versions, locked);
        }
        self.emit_sdks(b);
        self.hint_path_packages(b);
    }

    /// The value of an item's conditions (all of them, from the enclosing groups down) with
    /// the final property values.
    pub(super) fn conditions_truth(&self, conditions: &[String], file: &SourceFile) -> Tri {
        let exists = self.exists_fn();
        conditions.iter().fold(Tri::True, |acc, c| {
            acc.and(eval_condition(c, &self.props, dir_of(&file.path), &exists))
        })
    }

    /// Include / Update / Remove for the item types restore reads.
    pub(super) fn collect_items(
        &self,
        b: &mut Builder,
    ) -> (Vec<RefItem<'a>>, BTreeMap<String, RefItem<'a>>) {
        let mut refs: Vec<RefItem<'a>> = Vec::new();
        let mut versions: BTreeMap<String, RefItem<'a>> = BTreeMap::new();
        for it in &self.items {
            let kind = match it.el.name.to_ascii_lowercase().as_str() {
                "packagereference" => Some(Kind::PackageReference),
                "globalpackagereference" => Some(Kind::GlobalPackageReference),
                "packagedownload" => Some(Kind::PackageDownload),
                "packageversion" => None,
                _ => continue,
            };
            let this_dir = dir_of(&it.file.path);
            let meta = metadata(&it.el, it.file);
            let ids = |attr: &str| -> Option<Vec<String>> {
                let a = it.el.attr(attr)?;
                match self.props.expand(&a.value, this_dir) {
                    Ok(v) => Some(
                        v.split(';')
                            .map(|s| unescape(s.trim()))
                            .filter(|s| !s.is_empty())
                            .collect(),
                    ),
                    Err(_) => Some(Vec::new()),
                }
            };
            if let Some(a) = it.el.attr("Include") {
                let list = ids("Include").unwrap_or_default();
                if list.is_empty() {
                    b.diag(
                        it.file,
                        Severity::Warning,
                        a.value_span,
                        format!(
                            "cannot resolve the package id {:?} of <{}>",
                            a.value, it.el.name
                        ),
                    );
                }
                for id in list {
                    let item = RefItem {
                        kind: kind.unwrap_or(Kind::PackageReference),
                        id: id.clone(),
                        file: it.file,
                        span: it.el.span,
                        meta: meta.clone(),
                        conditions: it.conditions.clone(),
                        updates: Vec::new(),
                        update_only: false,
                    };
                    match kind {
                        Some(_) => refs.push(item),
                        // A PackageVersion whose condition is false with the final properties
                        // (`'$(TargetFramework)' == 'net48'` in a net8.0 project) does not
                        // exist for this project; it must not replace the one that does.
                        None if self.conditions_truth(&item.conditions, it.file) == Tri::False => {}
                        None => {
                            versions.insert(id.to_ascii_lowercase(), item);
                        }
                    }
                }
            } else if it.el.attr("Update").is_some() {
                for id in ids("Update").unwrap_or_default() {
                    let lc = id.to_ascii_lowercase();
                    let mut hit = false;
                    let targets: Vec<&mut RefItem<'a>> = match kind {
                        Some(k) => refs
                            .iter_mut()
                            .filter(|r| r.kind == k && r.id.eq_ignore_ascii_case(&id))
                            .collect(),
                        None => versions.get_mut(&lc).into_iter().collect(),
                    };
                    for r in targets {
                        hit = true;
                        for (k, v) in &meta {
                            r.meta.insert(k.clone(), v.clone());
                        }
                        r.updates.push((it.file, it.el.span));
                    }
                    if !hit && it.in_project && kind == Some(Kind::PackageReference) {
                        refs.push(RefItem {
                            kind: Kind::PackageReference,
                            id,
                            file: it.file,
                            span: it.el.span,
                            meta: meta.clone(),
                            conditions: it.conditions.clone(),
                            updates: Vec::new(),
                            update_only: true,
                        });
                    }
                }
            } else if it.el.attr("Remove").is_some() {
                for id in ids("Remove").unwrap_or_default() {
                    match kind {
                        Some(k) => {
                            refs.retain(|r| !(r.kind == k && r.id.eq_ignore_ascii_case(&id)))
                        }
                        None => {
                            versions.remove(&id.to_ascii_lowercase());
                        }
                    }
                }
            }
        }
        (refs, versions)
    }

    pub(super) fn emit_ref(
        &self,
        b: &mut Builder,
        r: &RefItem<'a>,
        cpm: bool,
        pinning: bool,
        versions: &BTreeMap<String, RefItem<'a>>,
        locked: Option<(&crate::sbom::extract::nuget::Resolved, &str)>,
    ) {
        let mut c = nuget(&r.id, VersionSpec::Unpinned);
        c.direct = true;
        c.evidence.push(b.evidence(r.file, r.span));
        for (f, s) in &r.updates {
            let e = b.evidence(f, *s);
            if !c.evidence.contains(&e) {
                c.evidence.push(e);
            }
        }
        let own = r.meta.get("version");
        let central = versions.get(&r.id.to_ascii_lowercase());
        let chosen: Option<Meta<'a>> = match r.kind {
            Kind::PackageReference if cpm => {
                if let Some(v) = own
                    && !r.meta.contains_key("versionoverride")
                {
                    b.diag(
                        v.file,
                        Severity::Warning,
                        v.span,
                        format!(
                            "{}: Version on a PackageReference while central package management is enabled (NuGet error NU1008); use VersionOverride or Directory.Packages.props",
                            r.id
                        ),
                    );
                }
                if let Some(o) = r.meta.get("versionoverride") {
                    c.properties.insert("versionOverride".into(), "true".into());
                    Some(o.clone())
                } else if let Some(cv) = central {
                    c.properties.insert("centralVersion".into(), "true".into());
                    let e = b.evidence(cv.file, cv.span);
                    c.evidence.push(e);
                    cv.meta.get("version").cloned()
                } else {
                    own.cloned()
                }
            }
            _ => {
                if r.kind == Kind::PackageReference
                    && let Some(o) = r.meta.get("versionoverride")
                {
                    b.diag(
                        o.file,
                        Severity::Note,
                        o.span,
                        format!(
                            "{}: VersionOverride is ignored without central package management",
                            r.id
                        ),
                    );
                }
                own.cloned()
            }
        };
        if pinning && r.kind == Kind::PackageReference {
            c.properties
                .insert("centralTransitivePinning".into(), "true".into());
        }
        if !r.conditions.is_empty() {
            let cond = if r.conditions.len() == 1 {
                r.conditions.join("")
            } else {
                r.conditions
                    .iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            c.properties.insert("condition".into(), cond);
            // With the final property values a condition may be certainly false (the item is
            // then not restored unless a global property changes it); it stays listed.
            if self.conditions_truth(&r.conditions, r.file) == Tri::False {
                c.properties.insert("conditionValue".into(), "false".into());
            }
        }
        match r.kind {
            Kind::GlobalPackageReference => {
                c.scope = Scope::Optional;
                c.properties
                    .insert("globalPackageReference".into(), "true".into());
            }
            Kind::PackageDownload => {
                c.scope = Scope::Optional;
                c.properties.insert("packageDownload".into(), "true".into());
            }
            Kind::PackageReference => {}
        }
        if r.update_only {
            c.properties.insert("implicitUpdate".into(), "true".into());
        }
        if let Some(pa) = r.meta.get("privateassets")
            && pa
                .value
                .split(';')
                .any(|s| s.trim().eq_ignore_ascii_case("all"))
        {
            c.scope = Scope::Optional;
            c.properties.insert("privateAssets".into(), "all".into());
        }
        if r.meta
            .get("developmentdependency")
            .is_some_and(|d| d.value.trim().eq_ignore_ascii_case("true"))
        {
            c.scope = Scope::Optional;
            c.properties
                .insert("developmentDependency".into(), "true".into());
        }

        // The lock file (or restore output) next to the project resolved this reference: the
        // declaration is evidence of the resolved versions (fixes are made here, not in the
        // lock), with the version as written kept for reference.
        if let Some((resolved, from)) = locked {
            if let Some(v) = &chosen {
                c.properties
                    .insert("declaredVersion".into(), v.value.trim().to_string());
            }
            c.properties.insert("resolvedBy".into(), from.to_string());
            // The lock spells the id as the package does; the project may not.
            c.name.clone_from(&resolved.name);
            for version in &resolved.versions {
                let mut c = c.clone();
                c.version = VersionSpec::Exact(version.clone());
                let key = b.add(c);
                b.edge(None, key);
            }
            return;
        }
        let Some(v) = chosen else {
            let hint = if !cpm && central.is_some() {
                " (a PackageVersion exists, but ManagePackageVersionsCentrally is not true)"
            } else if cpm {
                " and no PackageVersion in Directory.Packages.props (NuGet error NU1010)"
            } else {
                ""
            };
            b.diag(
                r.file,
                Severity::Warning,
                r.span,
                format!(
                    "{}: no version{hint}; the restored version is unknown",
                    r.id
                ),
            );
            let key = b.add(c);
            b.edge(None, key);
            return;
        };
        let this_dir = dir_of(&v.file.path);
        match self.props.expand(&v.value, this_dir).map(|s| unescape(&s)) {
            Ok(text) if text.trim().is_empty() => {
                b.diag(
                    v.file,
                    Severity::Warning,
                    v.span,
                    format!("{}: empty version; the restored version is unknown", r.id),
                );
            }
            Ok(text) => {
                let parts: Vec<&str> = if r.kind == Kind::PackageDownload {
                    text.split(';').filter(|p| !p.trim().is_empty()).collect()
                } else {
                    vec![text.as_str()]
                };
                if v.value.contains("$(") {
                    c.properties
                        .insert("versionText".into(), v.value.trim().to_string());
                }
                for part in parts {
                    let mut c = c.clone();
                    apply_declared(b, v.file, v.span, part, &mut c);
                    let key = b.add(c);
                    b.edge(None, key);
                }
                return;
            }
            Err(u) => {
                b.diag(
                    v.file,
                    Severity::Warning,
                    v.span,
                    format!(
                        "{}: cannot resolve {} in Version: {}",
                        r.id,
                        u.name(),
                        u.describe()
                    ),
                );
                c.properties
                    .insert("versionText".into(), v.value.trim().to_string());
            }
        }
        let key = b.add(c);
        b.edge(None, key);
    }

    /// MSBuild project SDKs restored from NuGet: those with a version (in the reference or in
    /// `global.json`'s `msbuild-sdks`). Versionless SDKs ship with the .NET SDK.
    pub(super) fn emit_sdks(&self, b: &mut Builder) {
        if self.sdks.is_empty() {
            return;
        }
        let global = self
            .cx
            .find_upward(dir_of(&self.project.path), "global.json")
            .map(|g| crate::sbom::extract::nuget::global_json::msbuild_sdks(&g.text))
            .unwrap_or_default();
        for (name, version, file, span) in &self.sdks {
            let v = version
                .clone()
                .or_else(|| global.get(&name.to_ascii_lowercase()).cloned());
            let Some(v) = v else { continue };
            let mut c = nuget(name, VersionSpec::Unpinned);
            apply_declared(b, file, *span, &v, &mut c);
            c.direct = true;
            c.scope = Scope::Optional;
            c.properties.insert("msbuildSdk".into(), "true".into());
            c.evidence.push(b.evidence(file, *span));
            let key = b.add(c);
            b.edge(None, key);
        }
    }

    /// The `packages.config` NuGet uses for this project: `packages.<project name>.config` when
    /// it exists, else `packages.config`, next to the project.
    pub(super) fn packages_config(&self) -> Option<&'a SourceFile> {
        let dir = dir_of(&self.project.path);
        let name = file_name(&self.project.path);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        self.lookup(&join(dir, &format!("packages.{stem}.config")))
            .or_else(|| self.lookup(&join(dir, "packages.config")))
    }

    /// `<Reference>` items whose `HintPath` points into a NuGet `packages` folder
    /// (`..\packages\<Id>.<Version>\lib\…`): the build compiles against that package version.
    /// A package the project's `packages.config` lists with the same version is that file's
    /// component; any other is reported here, from the HintPath, with a diagnostic: no
    /// `packages.config` next to the project (note), or one that lists another version or not
    /// the package at all (warning: a stale HintPath, the build compiles against that version
    /// only if its folder exists, and restore does not create it).
    pub(super) fn hint_path_packages(&self, b: &mut Builder) {
        let config = self.packages_config();
        let listed =
            config.and_then(|f| crate::sbom::extract::nuget::packages_config::listed(&f.text));
        for it in &self.items {
            if !it.el.is("Reference") {
                continue;
            }
            let Some(h) = it.el.child("HintPath") else {
                continue;
            };
            let (id, version, folder) = match hint_path_package(&h.text) {
                None => continue,
                Some(Ok(found)) => found,
                Some(Err(folder)) => {
                    b.diag(
                        it.file,
                        Severity::Note,
                        it.el.span,
                        format!(
                            "assembly reference resolves from {folder}, a folder name without a version; the package and its version are unknown"
                        ),
                    );
                    continue;
                }
            };
            let listed_versions = listed
                .as_ref()
                .and_then(|l| l.get(&id.to_ascii_lowercase()));
            if listed_versions.is_some_and(|vs| vs.contains(&version)) {
                continue;
            }
            let (severity, message) = match (config, listed_versions) {
                (None, _) => (
                    Severity::Note,
                    format!(
                        "{id} {version}: assembly reference resolves from {folder} but no packages.config is next to the project; reported from the HintPath"
                    ),
                ),
                (Some(f), Some(vs)) if !vs.is_empty() => (
                    Severity::Warning,
                    format!(
                        "{id}: the HintPath points at {version} ({folder}) but {} lists {}; restore installs the listed version, and the build compiles against {version} only if its folder exists",
                        file_name(&f.path),
                        vs.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ),
                (Some(f), _) => (
                    Severity::Warning,
                    format!(
                        "{id} {version}: assembly reference resolves from {folder} but {} does not list {id}; reported from the HintPath",
                        file_name(&f.path)
                    ),
                ),
            };
            b.diag(it.file, severity, it.el.span, message);
            let mut c = nuget(&id, VersionSpec::Exact(version));
            c.direct = true;
            c.evidence.push(b.evidence(it.file, it.el.span));
            c.properties
                .insert("hintPath".into(), h.text.trim().to_string());
            if !it.conditions.is_empty() {
                c.properties
                    .insert("condition".into(), join_conditions(&it.conditions));
            }
            let key = b.add(c);
            b.edge(None, key);
        }
    }
}

/// `a`, or `(a) and (b)` for several conditions.
pub(super) fn join_conditions(conditions: &[String]) -> String {
    if conditions.len() == 1 {
        conditions.join("")
    } else {
        conditions
            .iter()
            .map(|c| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// The two segments after a `packages` directory in a HintPath: `..\packages\Foo.1.0\lib\x.dll`
/// or `$(SolutionDir)packages\Foo.1.0\…` → (`Foo.1.0`, `lib`).
pub(super) fn package_segments(hint: &str) -> Option<(&str, Option<&str>)> {
    let mut segments = hint.trim().split(['/', '\\']);
    while let Some(seg) = segments.next() {
        if seg.eq_ignore_ascii_case("packages") || ends_with_ci(seg, ")packages") {
            let folder = segments.next().map(str::trim).filter(|f| !f.is_empty())?;
            let next = segments.next().map(str::trim).filter(|f| !f.is_empty());
            return Some((folder, next));
        }
    }
    None
}

/// The package a HintPath compiles against, from `packages\<Id>.<Version>\…` (the layout of
/// `packages.config` restore) or `packages\<id>\<version>\…` (the global packages folder,
/// `~/.nuget/packages`), with the folder as written for messages.
pub(super) fn hint_path_package(hint: &str) -> Option<Result<(String, String, String), String>> {
    let (folder, next) = package_segments(hint)?;
    if let Some((id, version)) = split_package_folder(folder) {
        return Some(Ok((id, version, format!("packages/{folder}"))));
    }
    if let Some(n) = next.filter(|n| is_folder_version(n))
        && is_plausible_id(folder)
        && let Ok(version) = crate::sbom::extract::nuget::version::normalize(n)
    {
        return Some(Ok((
            folder.to_string(),
            version,
            format!("packages/{folder}/{n}"),
        )));
    }
    Some(Err(format!("packages/{folder}")))
}

/// A NuGet id that a folder name can hold: valid, and not only digits.
pub(super) fn is_plausible_id(id: &str) -> bool {
    id.chars().any(char::is_alphabetic) && crate::sbom::extract::nuget::id_problem(id).is_none()
}

/// NuGet version syntax as folder names carry it: two to four dot-separated numbers, then
/// nothing, a `-prerelease` or `+metadata`.
pub(super) fn is_folder_version(s: &str) -> bool {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (numbers, tail) = s.split_at(end);
    let parts: Vec<&str> = numbers.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty())
        && (tail.is_empty() || tail.starts_with(['-', '+']))
}

/// Splits a NuGet package folder name (`<Id>.<Version>`, as `packages.config` restore lays
/// them out) at the first `.` after which a NuGet version follows: `Microsoft.Owin.4.0.1` →
/// (`Microsoft.Owin`, `4.0.1`), `Xamarin.Android.Support.v4.23.0` → (`…Support.v4`, `23.0.0`).
/// The version comes back normalized.
pub(super) fn split_package_folder(folder: &str) -> Option<(String, String)> {
    for (i, _) in folder.match_indices('.') {
        let (Some(id), Some(rest)) = (folder.get(..i), folder.get(i + 1..)) else {
            continue;
        };
        if !is_plausible_id(id) || !is_folder_version(rest) {
            continue;
        }
        if let Ok(v) = crate::sbom::extract::nuget::version::normalize(rest) {
            return Some((id.to_string(), v));
        }
    }
    None
}
