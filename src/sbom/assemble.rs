//! SBOM assembly: runs the extractors over the scanned files, merges what they found into one
//! component per distinct package, builds the dependency graph and collects diagnostics.
//!
//! * **Merging.** Components are merged by ecosystem + name + version spec. Names compare
//!   case-insensitively for NuGet, Chocolatey, the PowerShell Gallery, Debian and Alpine; PyPI
//!   names compare after PEP 503 normalization (`Foo_Bar` = `foo.bar` = `foo-bar`); container
//!   images compare by registry, repository and digest (`node` = `docker.io/library/node`);
//!   downloaded files by name and URL (two `setup.exe` from different URLs stay two). A merged
//!   component keeps the name, type and first property values of its first occurrence (direct
//!   declarations first, then by path), unites evidence, hashes and property values, is direct
//!   if any occurrence is, and takes the strongest scope (required > optional > excluded).
//! * **Metadata.** [`Extracted::metadata`] of a file goes to its project; the OCI labels
//!   (`org.opencontainers.image.*`) of all Dockerfiles also go to the root.
//! * **Graph.** The scanned root depends on one `application` component per manifest, lock
//!   file or Dockerfile that yielded components; a manifest depends on the components it
//!   declares directly (edges with `from: None`, and components marked `direct`); components
//!   depend on what their `Edge`s say. Every component appears in the graph, with an empty
//!   `dependsOn` when nothing is known. Edges to components that no extractor produced are
//!   dropped.
//! * **Determinism.** Contributions are merged in a fixed order whatever order they were added
//!   in; components are sorted by ecosystem, name and version; evidence, hashes, diagnostics
//!   and every map are sorted.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::extract::{self, ExtractContext, Extractor};
use super::model::{Component, Ecosystem, ExtractDiagnostic, Extracted, VersionSpec};
use super::purl::{self, ImageParts};
use crate::parallel::{Map, Sequential};
use crate::source::SourceFile;

/// Merge identity of a component: ecosystem, normalized name, version spec.
pub type MergeKey = (Ecosystem, String, VersionSpec);

/// bom-ref of the scanned root (`metadata.component`).
pub const ROOT_REF: &str = "root";

/// Prefix of the OCI image labels that become root properties.
pub const OCI_LABEL_PREFIX: &str = "org.opencontainers.image.";

/// Prefix of the bom-refs of manifest / project components (`project:src/App/App.csproj`).
pub const PROJECT_REF_PREFIX: &str = "project:";

/// Options of [`assemble`].
pub struct AssembleOptions<'a> {
    /// Name of the scanned root (usually its directory name), the BOM's `metadata.component`.
    pub root_name: String,
    /// Extractors to run; [`extract::all`] by default.
    pub extractors: &'a [Extractor],
}

impl Default for AssembleOptions<'_> {
    fn default() -> Self {
        Self {
            root_name: "project".into(),
            extractors: extract::all(),
        }
    }
}

/// A manifest, lock file or Dockerfile that contributed components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    /// Repository-relative path.
    pub path: String,
    /// `project:<path>`.
    pub bom_ref: String,
    /// Names of the extractors that read it.
    pub extractors: Vec<String>,
    /// What its extractors reported about the file as a whole ([`Extracted::metadata`]: OCI
    /// labels of a Dockerfile's final image, `portcullis:*` notes).
    pub metadata: BTreeMap<String, String>,
}

/// One merged component with its identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SbomComponent {
    /// Unique within the SBOM: the purl when that is unique, else the purl with a suffix.
    pub bom_ref: String,
    /// Canonical Package URL, `None` when the component has no usable name.
    pub purl: Option<String>,
    /// The merged component (`properties` keeps the first value of each property).
    pub component: Component,
    /// Every distinct value of every property across the merged occurrences.
    pub properties: BTreeMap<String, BTreeSet<String>>,
}

/// The assembled SBOM, ready for a writer such as [`crate::report::cyclonedx`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sbom {
    /// Name of the scanned root.
    pub root_name: String,
    /// OCI labels of the scanned Dockerfiles (several values when Dockerfiles disagree).
    pub root_properties: BTreeMap<String, BTreeSet<String>>,
    /// Manifests, sorted by path.
    pub projects: Vec<Project>,
    /// Components, sorted by ecosystem, normalized name, version.
    pub components: Vec<SbomComponent>,
    /// bom-ref → bom-refs it depends on ([`ROOT_REF`], projects and components).
    pub dependencies: BTreeMap<String, BTreeSet<String>>,
    /// Extraction problems, sorted and deduplicated.
    pub diagnostics: Vec<ExtractDiagnostic>,
}

impl Sbom {
    /// The component with this bom-ref.
    pub fn component(&self, bom_ref: &str) -> Option<&SbomComponent> {
        self.components.iter().find(|c| c.bom_ref == bom_ref)
    }

    /// The first component a [`Component::key`] identity refers to (names compared after the
    /// same normalization as merging; images and files with the same name but different
    /// origins are distinct components, this returns the first).
    pub fn find(&self, key: &(Ecosystem, String, VersionSpec)) -> Option<&SbomComponent> {
        let want = normalize_key(key);
        self.components
            .iter()
            .find(|c| normalize_key(&c.component.key()) == want)
    }
}

/// Runs every extractor whose `wants(path)` matches over `files` and assembles the result.
pub fn assemble(files: &[SourceFile], opts: &AssembleOptions<'_>) -> Sbom {
    assemble_with(files, opts, &Sequential)
}

/// [`assemble`] with the extractor runs (one per file and extractor that wants it) handed to
/// `map`; they are added in the same order whatever `map` does, so the SBOM is the same.
pub fn assemble_with<M: Map>(files: &[SourceFile], opts: &AssembleOptions<'_>, map: &M) -> Sbom {
    let by_path: BTreeMap<String, &SourceFile> =
        files.iter().map(|f| (f.path.clone(), f)).collect();
    let cx = ExtractContext::new(&by_path);
    let mut jobs: Vec<(&str, &SourceFile, &Extractor)> = Vec::new();
    for (path, file) in &by_path {
        for ex in opts.extractors {
            if (ex.wants)(path) {
                jobs.push((path, file, ex));
            }
        }
    }
    let extracted = map.map(&jobs, &|(_, file, ex)| (ex.extract)(file, &cx));
    let mut asm = Assembler::new(&opts.root_name);
    for ((path, _, ex), out) in jobs.iter().zip(extracted) {
        asm.add(path, ex.name, out);
    }
    asm.finish()
}

/// Collects extractor results (in any order) and merges them deterministically.
#[derive(Debug, Default)]
pub struct Assembler {
    root_name: String,
    /// `(path, extractor, seq)` → output.
    results: BTreeMap<(String, String, usize), Extracted>,
    seq: usize,
}

impl Assembler {
    pub fn new(root_name: &str) -> Self {
        Self {
            root_name: root_name.to_string(),
            ..Self::default()
        }
    }

    /// Adds what extractor `extractor` found in the file at `path`.
    pub fn add(&mut self, path: &str, extractor: &str, extracted: Extracted) {
        self.seq += 1;
        self.results.insert(
            (path.to_string(), extractor.to_string(), self.seq),
            extracted,
        );
    }

    pub fn finish(self) -> Sbom {
        // 1. Every contribution, in merge order: direct occurrences first, then by path,
        //    extractor and position.
        struct Contribution<'a> {
            order: (bool, &'a str, &'a str, usize, usize),
            component: &'a Component,
        }
        let mut contributions: Vec<Contribution<'_>> = Vec::new();
        for ((path, extractor, seq), ex) in &self.results {
            for (i, c) in ex.components.iter().enumerate() {
                contributions.push(Contribution {
                    order: (!c.direct, path, extractor, *seq, i),
                    component: c,
                });
            }
        }
        contributions.sort_by(|a, b| a.order.cmp(&b.order));

        // 2. Merge.
        let mut merged: BTreeMap<MergeKey, (Component, BTreeMap<String, BTreeSet<String>>)> =
            BTreeMap::new();
        // Edge endpoints are `Component::key`s: map them to merge keys (first occurrence wins
        // when images or files of one name come from several origins).
        let mut by_key: BTreeMap<MergeKey, MergeKey> = BTreeMap::new();
        for c in &contributions {
            let key = merge_key(c.component);
            by_key
                .entry(normalize_key(&c.component.key()))
                .or_insert_with(|| key.clone());
            match merged.get_mut(&key) {
                Some((m, props)) => merge_into(m, props, c.component),
                None => {
                    let m = c.component.clone();
                    let props = m
                        .properties
                        .iter()
                        .map(|(k, v)| (k.clone(), BTreeSet::from([v.clone()])))
                        .collect();
                    merged.insert(key, (m, props));
                }
            }
        }

        // Evidence and hashes are sorted and deduplicated once, after every contribution is
        // in (per merge it would be quadratic in a component's occurrences).
        for (m, _) in merged.values_mut() {
            m.evidence.sort();
            m.evidence.dedup();
            m.hashes.sort();
            m.hashes.dedup();
        }

        // 3. bom-refs: the purl, disambiguated when several components share one.
        let mut purls: BTreeMap<MergeKey, Option<String>> = BTreeMap::new();
        let mut purl_count: BTreeMap<String, usize> = BTreeMap::new();
        for (key, (c, _)) in &merged {
            let p = purl::for_component(c).map(|p| p.to_string());
            if let Some(p) = &p {
                *purl_count.entry(p.clone()).or_default() += 1;
            }
            purls.insert(key.clone(), p);
        }
        let mut used: BTreeSet<String> = BTreeSet::new();
        used.insert(ROOT_REF.to_string());
        let mut refs: BTreeMap<MergeKey, String> = BTreeMap::new();
        for (key, (c, _)) in &merged {
            let p = purls.get(key).cloned().flatten();
            let base = match &p {
                Some(p) if purl_count.get(p).copied().unwrap_or(0) <= 1 => p.clone(),
                Some(p) => format!("{p}#{}", version_label(&c.version)),
                None => format!(
                    "component:{}:{}#{}",
                    c.ecosystem.purl_type(),
                    c.full_name(),
                    version_label(&c.version)
                ),
            };
            // `base` starts with `pkg:` or `component:`, so it never clashes with a project.
            let mut r = base.clone();
            let mut n = 2;
            while used.contains(&r) {
                r = format!("{base}-{n}");
                n += 1;
            }
            used.insert(r.clone());
            refs.insert(key.clone(), r);
        }

        // 4. Projects: every file that yielded components or edges.
        let mut projects: BTreeMap<String, Project> = BTreeMap::new();
        for ((path, extractor, _), ex) in &self.results {
            if ex.components.is_empty() && ex.edges.is_empty() {
                continue;
            }
            let p = projects.entry(path.clone()).or_insert_with(|| Project {
                path: path.clone(),
                bom_ref: format!("{PROJECT_REF_PREFIX}{path}"),
                extractors: Vec::new(),
                metadata: BTreeMap::new(),
            });
            if !p.extractors.contains(extractor) {
                p.extractors.push(extractor.clone());
            }
            for (k, v) in &ex.metadata {
                p.metadata.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for p in projects.values_mut() {
            p.extractors.sort();
        }

        // 5. Graph.
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        deps.insert(
            ROOT_REF.to_string(),
            projects.values().map(|p| p.bom_ref.clone()).collect(),
        );
        for p in projects.values() {
            deps.insert(p.bom_ref.clone(), BTreeSet::new());
        }
        for r in refs.values() {
            deps.insert(r.clone(), BTreeSet::new());
        }
        let ref_of = |key: &(Ecosystem, String, VersionSpec)| {
            by_key.get(&normalize_key(key)).and_then(|k| refs.get(k))
        };
        for ((path, _, _), ex) in &self.results {
            let Some(project) = projects.get(path) else {
                continue;
            };
            for c in ex.components.iter().filter(|c| c.direct) {
                if let Some(to) = refs.get(&merge_key(c)) {
                    deps.entry(project.bom_ref.clone())
                        .or_default()
                        .insert(to.clone());
                }
            }
            for e in &ex.edges {
                let Some(to) = ref_of(&e.to) else {
                    continue;
                };
                let from = match &e.from {
                    None => Some(&project.bom_ref),
                    Some(k) => ref_of(k),
                };
                if let Some(from) = from
                    && from != to
                {
                    deps.entry(from.clone()).or_default().insert(to.clone());
                }
            }
        }

        // 6. Components in key order.
        let components: Vec<SbomComponent> = merged
            .into_iter()
            .map(|(key, (component, properties))| SbomComponent {
                bom_ref: refs.get(&key).cloned().unwrap_or_default(),
                purl: purls.get(&key).cloned().flatten(),
                component,
                properties,
            })
            .collect();

        // 7. Root properties and diagnostics.
        let mut root_properties: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for ex in self.results.values() {
            for (k, v) in &ex.metadata {
                if k.starts_with(OCI_LABEL_PREFIX) {
                    root_properties
                        .entry(k.clone())
                        .or_default()
                        .insert(v.clone());
                }
            }
        }
        let mut diagnostics: Vec<ExtractDiagnostic> = self
            .results
            .values()
            .flat_map(|ex| ex.diagnostics.iter().cloned())
            .collect();
        diagnostics.sort();
        diagnostics.dedup();

        Sbom {
            root_name: self.root_name,
            root_properties,
            projects: projects.into_values().collect(),
            components,
            dependencies: deps,
            diagnostics,
        }
    }
}

/// Short text of a version spec for disambiguating bom-refs.
fn version_label(v: &VersionSpec) -> String {
    match v {
        VersionSpec::Exact(s) => format!("exact:{s}"),
        VersionSpec::Range(s) => format!("range:{s}"),
        VersionSpec::Floating(s) => format!("floating:{s}"),
        VersionSpec::Unpinned => "unpinned".into(),
    }
}

fn merge_into(m: &mut Component, props: &mut BTreeMap<String, BTreeSet<String>>, c: &Component) {
    m.evidence.extend(c.evidence.iter().cloned());
    m.hashes.extend(c.hashes.iter().cloned());
    m.direct |= c.direct;
    m.scope = m.scope.min(c.scope);
    if m.url.is_none() {
        m.url.clone_from(&c.url);
    }
    if m.namespace.is_none() {
        m.namespace.clone_from(&c.namespace);
    }
    for (k, v) in &c.properties {
        m.properties.entry(k.clone()).or_insert_with(|| v.clone());
        props.entry(k.clone()).or_default().insert(v.clone());
    }
}

/// The merge identity of a component: its normalized [`Component::key`], for images with
/// registry and digest, for files with their URL, for OS packages with their `distro`.
pub fn merge_key(c: &Component) -> MergeKey {
    let (eco, name, version) = normalize_key(&c.key());
    let url = c.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let name = match c.ecosystem {
        Ecosystem::Container => {
            let registry = c.properties.get("registry").map(|r| r.trim());
            let source = match (url, registry) {
                (Some(u), _) => u.to_string(),
                (None, Some(r)) if !r.is_empty() => format!("{r}/{}", c.full_name()),
                _ => c.full_name(),
            };
            let digest = c
                .hashes
                .iter()
                .find(|(alg, _)| alg.eq_ignore_ascii_case("SHA-256"))
                .map(|(_, hex)| format!("sha256:{}", hex.to_ascii_lowercase()));
            image_identity(&source, digest).unwrap_or(name)
        }
        // Without a URL (`Invoke-WebRequest $url`) the download is only known in its own file:
        // two Dockerfiles' `$url` are not the same file.
        Ecosystem::File => match url {
            Some(u) => format!("{name}\u{0}{u}"),
            None => format!(
                "{name}\u{0}{}\u{0}{}",
                c.properties.get("urlExpression").map_or("", String::as_str),
                c.evidence.first().map_or("", |e| e.path.as_str())
            ),
        },
        // The same package name of two distribution releases is two packages.
        Ecosystem::Debian | Ecosystem::Alpine | Ecosystem::Rpm => {
            match c.properties.get("distro").map(|d| d.trim()) {
                Some(d) if !d.is_empty() => format!("{name}\u{0}{d}"),
                _ => name,
            }
        }
        _ => name,
    };
    (eco, name, version)
}

/// `registry/repository[@digest]` of an image reference (the tag is the version).
fn image_identity(reference: &str, digest: Option<String>) -> Option<String> {
    let r = ImageParts::parse(reference)?;
    let mut s = format!("{}/{}", r.registry, r.repository.to_ascii_lowercase());
    if let Some(d) = r.digest.map(|d| d.to_ascii_lowercase()).or(digest) {
        s.push('@');
        s.push_str(&d);
    }
    Some(s)
}

/// Normalizes a [`Component::key`] into a [`MergeKey`].
pub fn normalize_key(key: &(Ecosystem, String, VersionSpec)) -> MergeKey {
    let (eco, name, version) = key;
    let name = match eco {
        Ecosystem::NuGet
        | Ecosystem::Chocolatey
        | Ecosystem::PowerShellGallery
        | Ecosystem::Debian
        | Ecosystem::Alpine => name.to_lowercase(),
        Ecosystem::PyPI => pep503(name),
        Ecosystem::Container => image_identity(name, None).unwrap_or_else(|| name.clone()),
        _ => name.clone(),
    };
    (*eco, name, version.clone())
}

/// PEP 503 normalized project name: lowercase, runs of `-`, `_`, `.` become one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::sbom::model::{ComponentType, Edge, Evidence, Scope};
    use crate::source::Span;

    fn comp(eco: Ecosystem, name: &str, v: VersionSpec, path: &str, line: usize) -> Component {
        Component {
            ecosystem: eco,
            component_type: ComponentType::Library,
            name: name.into(),
            namespace: None,
            version: v,
            scope: Scope::Required,
            direct: true,
            hashes: Vec::new(),
            url: None,
            evidence: vec![Evidence {
                path: path.into(),
                span: Span::new(line * 10, line * 10 + 5),
                line,
            }],
            properties: BTreeMap::new(),
        }
    }
    fn exact(v: &str) -> VersionSpec {
        VersionSpec::Exact(v.into())
    }

    #[test]
    fn merges_case_insensitive_nuget_and_unites_evidence() {
        let mut a = comp(
            Ecosystem::NuGet,
            "Newtonsoft.Json",
            exact("13.0.3"),
            "b/B.csproj",
            4,
        );
        a.properties
            .insert("targetFramework".into(), "net8.0".into());
        a.hashes.push(("SHA-512".into(), "bb".into()));
        let mut b = comp(
            Ecosystem::NuGet,
            "newtonsoft.json",
            exact("13.0.3"),
            "a/A.csproj",
            7,
        );
        b.properties
            .insert("targetFramework".into(), "net6.0".into());
        b.hashes.push(("SHA-512".into(), "aa".into()));
        b.scope = Scope::Optional;
        let mut asm = Assembler::new("repo");
        asm.add(
            "b/B.csproj",
            "msbuild",
            Extracted {
                components: vec![a],
                ..Extracted::default()
            },
        );
        asm.add(
            "a/A.csproj",
            "msbuild",
            Extracted {
                components: vec![b],
                ..Extracted::default()
            },
        );
        let sbom = asm.finish();
        assert_eq!(sbom.components.len(), 1);
        let c = &sbom.components[0];
        // First by path wins the casing.
        assert_eq!(c.component.name, "newtonsoft.json");
        assert_eq!(c.bom_ref, "pkg:nuget/newtonsoft.json@13.0.3");
        assert_eq!(c.component.scope, Scope::Required);
        assert_eq!(
            c.component
                .evidence
                .iter()
                .map(|e| e.path.as_str())
                .collect::<Vec<_>>(),
            ["a/A.csproj", "b/B.csproj"]
        );
        assert_eq!(c.component.hashes.len(), 2);
        assert_eq!(
            c.properties["targetFramework"].iter().collect::<Vec<_>>(),
            ["net6.0", "net8.0"]
        );
        assert_eq!(c.component.properties["targetFramework"], "net6.0");
        // Both projects depend on it; the root on both projects.
        assert_eq!(
            sbom.dependencies[ROOT_REF].iter().collect::<Vec<_>>(),
            ["project:a/A.csproj", "project:b/B.csproj"]
        );
        assert!(sbom.dependencies["project:a/A.csproj"].contains(&c.bom_ref));
        assert!(sbom.dependencies["project:b/B.csproj"].contains(&c.bom_ref));
    }

    #[test]
    fn order_of_adding_does_not_matter() {
        let make = |rev: bool| {
            let mut items = vec![
                (
                    "x/packages.lock.json",
                    comp(
                        Ecosystem::NuGet,
                        "A",
                        exact("1.0.0"),
                        "x/packages.lock.json",
                        3,
                    ),
                ),
                (
                    "y/App.csproj",
                    comp(Ecosystem::NuGet, "a", exact("1.0.0"), "y/App.csproj", 2),
                ),
                (
                    "y/App.csproj",
                    comp(Ecosystem::PyPI, "Foo_Bar", exact("2"), "y/App.csproj", 9),
                ),
                (
                    "z/req.txt",
                    comp(Ecosystem::PyPI, "foo.bar", exact("2"), "z/req.txt", 1),
                ),
            ];
            if rev {
                items.reverse();
            }
            let mut asm = Assembler::new("r");
            for (p, c) in items {
                asm.add(
                    p,
                    "x",
                    Extracted {
                        components: vec![c],
                        ..Extracted::default()
                    },
                );
            }
            asm.finish()
        };
        let a = make(false);
        let b = make(true);
        assert_eq!(a.components, b.components);
        assert_eq!(a.dependencies, b.dependencies);
        assert_eq!(a.components.len(), 2, "{:#?}", a.components);
    }

    #[test]
    fn graph_from_edges_and_dangling_edges_dropped() {
        let direct = comp(Ecosystem::NuGet, "Top", exact("1.0.0"), "App.csproj", 1);
        let mut trans = comp(
            Ecosystem::NuGet,
            "Leaf",
            exact("2.0.0"),
            "packages.lock.json",
            5,
        );
        trans.direct = false;
        let ex = Extracted {
            components: vec![direct.clone(), trans.clone()],
            edges: vec![
                Edge {
                    from: None,
                    to: direct.key(),
                },
                Edge {
                    from: Some(direct.key()),
                    to: trans.key(),
                },
                Edge {
                    from: Some(direct.key()),
                    to: (Ecosystem::NuGet, "missing".into(), exact("1")),
                },
            ],
            ..Extracted::default()
        };
        let mut asm = Assembler::new("r");
        asm.add("packages.lock.json", "lock", ex);
        let sbom = asm.finish();
        let top = "pkg:nuget/Top@1.0.0";
        let leaf = "pkg:nuget/Leaf@2.0.0";
        assert_eq!(
            sbom.dependencies["project:packages.lock.json"],
            BTreeSet::from([top.to_string()])
        );
        assert_eq!(sbom.dependencies[top], BTreeSet::from([leaf.to_string()]));
        assert!(sbom.dependencies[leaf].is_empty());
        assert_eq!(sbom.dependencies.len(), 4);
    }

    #[test]
    fn colliding_purls_get_distinct_refs() {
        let a = comp(
            Ecosystem::NuGet,
            "Foo",
            VersionSpec::Range("[1.0,2.0)".into()),
            "A.csproj",
            1,
        );
        let b = comp(
            Ecosystem::NuGet,
            "Foo",
            VersionSpec::Range("[1.5,2.0)".into()),
            "B.csproj",
            1,
        );
        let c = comp(
            Ecosystem::NuGet,
            "Foo",
            VersionSpec::Unpinned,
            "C.csproj",
            1,
        );
        let mut asm = Assembler::new("r");
        for (p, x) in [("A.csproj", a), ("B.csproj", b), ("C.csproj", c)] {
            asm.add(
                p,
                "msbuild",
                Extracted {
                    components: vec![x],
                    ..Extracted::default()
                },
            );
        }
        let sbom = asm.finish();
        let refs: BTreeSet<&str> = sbom.components.iter().map(|c| c.bom_ref.as_str()).collect();
        assert_eq!(refs.len(), 3);
        assert!(refs.contains("pkg:nuget/Foo#range:[1.0,2.0)"));
        assert!(refs.contains("pkg:nuget/Foo#unpinned"));
        for c in &sbom.components {
            assert_eq!(c.purl.as_deref(), Some("pkg:nuget/Foo"));
        }
    }

    #[test]
    fn diagnostics_sorted_and_deduplicated() {
        let d = |p: &str, line| ExtractDiagnostic {
            severity: Severity::Warning,
            path: p.into(),
            span: Span::new(0, 1),
            line,
            message: "bad".into(),
        };
        let mut asm = Assembler::new("r");
        asm.add(
            "b",
            "x",
            Extracted {
                diagnostics: vec![d("b", 2), d("b", 2)],
                ..Extracted::default()
            },
        );
        asm.add(
            "a",
            "x",
            Extracted {
                diagnostics: vec![d("a", 9)],
                ..Extracted::default()
            },
        );
        let sbom = asm.finish();
        assert_eq!(sbom.diagnostics, vec![d("a", 9), d("b", 2)]);
        // Files with only diagnostics are not projects.
        assert!(sbom.projects.is_empty());
        assert!(sbom.dependencies[ROOT_REF].is_empty());
    }

    #[test]
    fn containers_merge_across_spellings() {
        let a = comp(
            Ecosystem::Container,
            "node",
            VersionSpec::Floating("22".into()),
            "Dockerfile",
            1,
        );
        let b = comp(
            Ecosystem::Container,
            "docker.io/library/node",
            VersionSpec::Floating("22".into()),
            "web/Dockerfile",
            1,
        );
        let mut asm = Assembler::new("r");
        asm.add(
            "Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![a],
                ..Extracted::default()
            },
        );
        asm.add(
            "web/Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![b],
                ..Extracted::default()
            },
        );
        let sbom = asm.finish();
        assert_eq!(sbom.components.len(), 1);
        assert_eq!(sbom.components[0].bom_ref, "pkg:docker/library/node@22");
    }

    #[test]
    fn assemble_runs_wanted_extractors_with_context() {
        fn wants(p: &str) -> bool {
            p.ends_with(".txt")
        }
        fn extract(f: &SourceFile, cx: &ExtractContext<'_>) -> Extracted {
            let mut c = comp(Ecosystem::PyPI, f.text.trim(), exact("1.0"), &f.path, 1);
            c.properties
                .insert("peers".into(), cx.files.len().to_string());
            Extracted {
                components: vec![c],
                metadata: BTreeMap::from([
                    (
                        "org.opencontainers.image.source".to_string(),
                        format!("https://example.com/{}", f.path),
                    ),
                    ("portcullis:note".to_string(), "x".to_string()),
                ]),
                ..Extracted::default()
            }
        }
        static EX: [Extractor; 1] = [Extractor {
            name: "txt",
            wants,
            extract,
        }];
        let files = vec![
            SourceFile::new("b/req.txt", "Requests"),
            SourceFile::new("a/req.txt", "requests"),
            SourceFile::new("Dockerfile", "FROM scratch\n"),
        ];
        let sbom = assemble(
            &files,
            &AssembleOptions {
                root_name: "repo".into(),
                extractors: &EX,
            },
        );
        assert_eq!(sbom.components.len(), 1);
        assert_eq!(sbom.components[0].component.name, "requests");
        assert_eq!(sbom.components[0].component.properties["peers"], "3");
        assert_eq!(sbom.projects.len(), 2);
        assert_eq!(sbom.projects[0].extractors, ["txt"]);
        assert_eq!(sbom.projects[0].metadata["portcullis:note"], "x");
        // OCI labels of every file go to the root (both values kept); other metadata does not.
        assert_eq!(
            sbom.root_properties,
            BTreeMap::from([(
                "org.opencontainers.image.source".to_string(),
                BTreeSet::from([
                    "https://example.com/a/req.txt".to_string(),
                    "https://example.com/b/req.txt".to_string(),
                ])
            )])
        );
    }

    #[test]
    fn files_and_images_keep_their_origins_apart() {
        let mut a = comp(
            Ecosystem::File,
            "setup.exe",
            VersionSpec::Unpinned,
            "Dockerfile",
            3,
        );
        a.url = Some("https://a.example/setup.exe".into());
        let mut b = comp(
            Ecosystem::File,
            "setup.exe",
            VersionSpec::Unpinned,
            "Dockerfile",
            4,
        );
        b.url = Some("https://b.example/setup.exe".into());
        let mut c = a.clone();
        c.evidence = vec![Evidence {
            path: "win/Dockerfile".into(),
            span: Span::new(1, 2),
            line: 9,
        }];
        // Same repository path on two registries; the same image pinned and unpinned.
        let mut mcr = comp(
            Ecosystem::Container,
            "dotnet/aspnet",
            exact("8.0"),
            "Dockerfile",
            1,
        );
        mcr.properties
            .insert("registry".into(), "mcr.microsoft.com".into());
        let mut hub = comp(
            Ecosystem::Container,
            "dotnet/aspnet",
            exact("8.0"),
            "Dockerfile",
            2,
        );
        hub.properties.insert("registry".into(), "docker.io".into());
        let mut pinned = hub.clone();
        pinned.hashes.push(("SHA-256".into(), "ab".repeat(32)));
        let mut asm = Assembler::new("r");
        asm.add(
            "Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![a, b, mcr, hub, pinned],
                ..Extracted::default()
            },
        );
        asm.add(
            "win/Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![c],
                ..Extracted::default()
            },
        );
        let sbom = asm.finish();
        let refs: Vec<&str> = sbom.components.iter().map(|c| c.bom_ref.as_str()).collect();
        assert_eq!(
            refs,
            [
                "pkg:docker/dotnet/aspnet@8.0",
                "pkg:oci/aspnet@sha256:abababababababababababababababababababababababababababababababab?repository_url=docker.io%2Fdotnet%2Faspnet&tag=8.0",
                "pkg:docker/dotnet/aspnet@8.0?repository_url=mcr.microsoft.com",
                "pkg:generic/setup.exe?download_url=https:%2F%2Fa.example%2Fsetup.exe",
                "pkg:generic/setup.exe?download_url=https:%2F%2Fb.example%2Fsetup.exe",
            ]
        );
        // The download seen in two Dockerfiles is one component with both occurrences.
        let a = &sbom.components[3].component;
        assert_eq!(a.evidence.len(), 2);
    }

    #[test]
    fn downloads_without_a_url_stay_in_their_file() {
        // `Invoke-WebRequest $url -OutFile app.exe` in two Dockerfiles: nothing says it is the
        // same file (here the hashes even differ), so two components; in one file, one.
        let dl = |path: &str, line: usize, sha: char| {
            let mut c = comp(
                Ecosystem::File,
                "app.exe",
                VersionSpec::Unpinned,
                path,
                line,
            );
            c.properties.insert("urlExpression".into(), "$url".into());
            c.hashes
                .push(("SHA-256".into(), sha.to_string().repeat(64)));
            c
        };
        let mut asm = Assembler::new("r");
        for (path, sha) in [("x1/Dockerfile", '1'), ("x2/Dockerfile", '2')] {
            asm.add(
                path,
                "dockerfile",
                Extracted {
                    components: vec![dl(path, 3, sha), dl(path, 5, sha)],
                    ..Extracted::default()
                },
            );
        }
        let sbom = asm.finish();
        let files: Vec<_> = sbom
            .components
            .iter()
            .map(|c| (c.component.evidence.len(), c.component.hashes.len()))
            .collect();
        assert_eq!(files, [(2, 1), (2, 1)]);
    }

    #[test]
    fn os_packages_of_different_releases_stay_apart() {
        let deb = |distro: Option<&str>, path: &str, line: usize| {
            let mut c = comp(Ecosystem::Debian, "curl", VersionSpec::Unpinned, path, line);
            if let Some(d) = distro {
                c.properties.insert("distro".into(), d.into());
            }
            c
        };
        let mut asm = Assembler::new("r");
        asm.add(
            "a/Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![
                    deb(Some("debian-12"), "a/Dockerfile", 2),
                    deb(None, "a/Dockerfile", 5),
                ],
                ..Extracted::default()
            },
        );
        asm.add(
            "b/Dockerfile",
            "dockerfile",
            Extracted {
                components: vec![
                    deb(Some("debian-12"), "b/Dockerfile", 3),
                    deb(Some("ubuntu-24.04"), "b/Dockerfile", 7),
                ],
                ..Extracted::default()
            },
        );
        let sbom = asm.finish();
        let got: Vec<(&str, usize)> = sbom
            .components
            .iter()
            .map(|c| (c.bom_ref.as_str(), c.component.evidence.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("pkg:deb/debian/curl", 1),
                ("pkg:deb/debian/curl?distro=debian-12", 2),
                ("pkg:deb/ubuntu/curl?distro=ubuntu-24.04", 1),
            ]
        );
    }
}
