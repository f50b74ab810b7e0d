//! Components of a Dockerfile: packages its RUN commands install (choco, PowerShellGet,
//! nuget.exe, dotnet tools, apt, apk, dnf/yum/microdnf/zypper, pip, npm/yarn/pnpm, gem, go,
//! cargo), files it downloads (ADD <url>, Invoke-WebRequest, curl, wget, WebClient,
//! BITS, certutil), and the external images it builds on (FROM, COPY --from, RUN --mount
//! from). OCI `org.opencontainers.image.*` labels of the final image go to
//! [`Extracted::metadata`].
//!
//! Windows and Linux stages alike: every RUN script is split in the dialect of the shell active
//! at that instruction (see [`LintContext::run_scripts`]), and variables are resolved from the
//! stage's ENV/ARG and earlier assignments in the same RUN where that can be done exactly.
//!
//! Conventions (all values are strings):
//! - `properties["stage"]`: stage name (or index); `["os"]`: `linux` / `windows` / `unknown`;
//!   `["stageRole"]`: `final` (the final stage or a stage it is built `FROM`), `build` (a stage
//!   the final stage copies or mounts from), `unused` (not needed for the final stage).
//!   Scope is `Required` for `final` and `build` content and `Optional` for `unused` stages;
//!   `dotnet tool install` is always `Optional`.
//! - Packages: `["installer"]` (program, lowercased), `["distro"]` for apt / apk / rpm packages
//!   when the stage's base image names its release (`debian-12`, `ubuntu-22.04`,
//!   `alpine-3.20`; the purl's `distro` qualifier), `["pinned"]` = `true` (exact version),
//!   `false` (no version, a range or a moving tag) or `unknown` (version from a variable that
//!   has no value here; the version is then `Unpinned` and `["versionExpression"]` holds it as
//!   written). `["versionExpression"]` is also set when a variable resolved.
//! - Files: `["downloader"]`, `["verified"]` (`true` only when the Dockerfile checks the
//!   download against a known hash, which is then in `hashes`), `["verifiedBy"]`;
//!   `["urlResolved"] = "false"` when the URL uses a variable without a value (the URL is then
//!   kept as written), `["urlExpression"]` when it used variables.
//! - Images: `["use"]` = `from` / `copy-from` / `mount-from`, `["registry"]`, `["pinned"]`
//!   (`true` when pinned by digest), `["platform"]`.
//!
//! Parse problems are not reported here (the linter reports them); unresolvable image
//! references become notes in [`Extracted::diagnostics`].

mod distro;
mod downloads;
mod env;
mod images;
mod installs;
mod verify;

use std::collections::BTreeMap;

use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::{Os, StageModel, StageOptions, analyze};
use crate::dockerfile::{self, Dockerfile, InstructionKind};
use crate::engine::{FileKind, classify};
use crate::lint::{FileContext, LintContext, ShellScript};
use crate::sbom::extract::ExtractContext;
use crate::sbom::model::{
    Component, ComponentType, Ecosystem, Evidence, ExtractDiagnostic, Extracted, Scope, VersionSpec,
};
use crate::source::{SourceFile, Span};

use env::{Envs, Resolver};

/// Routing: the same file-name rule the linter uses (`Dockerfile`, `Containerfile`,
/// `*.Dockerfile`, `Dockerfile.*`, …).
pub fn wants(path: &str) -> bool {
    classify(path) == FileKind::Dockerfile
}

/// Extracts the components of one Dockerfile.
pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let df = dockerfile::parse(&file.text);
    let model = analyze(&df, &StageOptions::default());
    let fcx = FileContext::default();
    let lint = LintContext::new(file, &df, &model, &fcx);
    let doc = Doc::new(file, &df, &model, &lint);
    let mut sink = Sink::default();
    installs::collect(&doc, &mut sink);
    downloads::collect(&doc, &mut sink);
    images::collect(&doc, &mut sink);
    let mut metadata = oci_labels(&doc);
    let mut files = std::mem::take(&mut sink.pip_requirements);
    files.sort();
    files.dedup();
    if !files.is_empty() {
        metadata.insert("portcullis:pip:requirements".to_string(), files.join(","));
    }
    Extracted {
        components: sink.finish(),
        edges: Vec::new(),
        diagnostics: sink.diagnostics,
        metadata,
    }
}

/// How a stage relates to the final image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The final stage or a stage in its `FROM` chain: its layers are the image.
    Final,
    /// A stage the final stage copies or mounts from (directly or indirectly).
    Build,
    /// Not needed to build the final stage.
    Unused,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Final => "final",
            Role::Build => "build",
            Role::Unused => "unused",
        }
    }
    fn scope(self) -> Scope {
        match self {
            Role::Final | Role::Build => Scope::Required,
            Role::Unused => Scope::Optional,
        }
    }
}

/// Everything the collectors read.
pub(crate) struct Doc<'a> {
    pub file: &'a SourceFile,
    pub df: &'a Dockerfile,
    pub model: &'a StageModel,
    pub lint: &'a LintContext<'a>,
    pub envs: Envs,
    roles: Vec<Role>,
    /// Per stage: the external image at the root of its `FROM` chain, resolved.
    root_images: Vec<Option<String>>,
}

impl<'a> Doc<'a> {
    fn new(
        file: &'a SourceFile,
        df: &'a Dockerfile,
        model: &'a StageModel,
        lint: &'a LintContext<'a>,
    ) -> Self {
        let n = model.stages.len();
        let reachable = model.reachable_from_final(df);
        let mut chain = vec![false; n];
        let mut cur = model.final_stage;
        let mut guard = 0;
        while let Some(s) = cur {
            if guard > n {
                break;
            }
            guard += 1;
            if let Some(slot) = chain.get_mut(s) {
                *slot = true;
            }
            cur = model.stages.get(s).and_then(|st| st.parent_stage);
        }
        let roles = (0..n)
            .map(|i| {
                if chain.get(i).copied().unwrap_or(false) {
                    Role::Final
                } else if reachable.get(i).copied().unwrap_or(false) {
                    Role::Build
                } else {
                    Role::Unused
                }
            })
            .collect();
        let root_images = (0..n)
            .map(|i| {
                let mut s = model.stages.get(i)?;
                let mut guard = 0;
                while let Some(p) = s.parent_stage {
                    guard += 1;
                    if guard > n {
                        return None;
                    }
                    s = model.stages.get(p)?;
                }
                s.base.clone()
            })
            .collect();
        Self {
            file,
            df,
            model,
            lint,
            envs: Envs::new(df, model, &file.text),
            roles,
            root_images,
        }
    }

    /// The `distro` qualifier for OS packages of `ecosystem` installed in `stage`, when the
    /// stage's base image names its release (see [`distro`]).
    pub fn distro(&self, stage: Option<usize>, ecosystem: Ecosystem) -> Option<String> {
        let image = self.root_images.get(stage?)?.as_deref()?;
        distro::for_packages(image, ecosystem)
    }

    /// RUN scripts that run in this build (ONBUILD triggers run in later builds).
    pub fn scripts(&self) -> impl Iterator<Item = &'a ShellScript<'a>> + 'a {
        let df = self.df;
        self.lint.run_scripts().iter().filter(move |s| {
            df.instructions
                .get(s.instruction)
                .is_some_and(|i| i.kind == InstructionKind::Run)
        })
    }

    /// A resolver for the words of `script`.
    pub fn resolver<'s>(&'s self, script: &'s ShellScript<'_>) -> Resolver<'s> {
        Resolver::new(self.envs.at(script.instruction), script)
    }

    /// A resolver for instruction arguments (ADD, LABEL): ENV/ARG only, BuildKit's `$` syntax.
    pub fn instruction_resolver(&self, idx: usize) -> Resolver<'_> {
        Resolver::plain(self.envs.at(idx), Dialect::Posix, "")
    }

    pub fn role(&self, stage: Option<usize>) -> Role {
        stage
            .and_then(|s| self.roles.get(s).copied())
            .unwrap_or(Role::Final)
    }

    pub fn stage_label(&self, stage: usize) -> String {
        self.model
            .stages
            .get(stage)
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| stage.to_string())
    }

    pub fn os(&self, stage: Option<usize>) -> Os {
        stage
            .and_then(|s| self.model.stages.get(s))
            .map_or(Os::Unknown, |s| s.os)
    }

    /// A component with one piece of evidence, its scope and the stage properties.
    pub fn component(
        &self,
        ecosystem: Ecosystem,
        component_type: ComponentType,
        name: impl Into<String>,
        version: VersionSpec,
        span: Span,
        stage: Option<usize>,
    ) -> Component {
        let role = self.role(stage);
        let mut properties = BTreeMap::new();
        if let Some(s) = stage {
            properties.insert("stage".to_string(), self.stage_label(s));
        }
        let os = match self.os(stage) {
            Os::Linux => "linux",
            Os::Windows => "windows",
            Os::Unknown => "unknown",
        };
        properties.insert("os".to_string(), os.to_string());
        properties.insert("stageRole".to_string(), role.as_str().to_string());
        Component {
            ecosystem,
            component_type,
            name: name.into(),
            namespace: None,
            version,
            scope: role.scope(),
            direct: true,
            hashes: Vec::new(),
            url: None,
            evidence: vec![Evidence {
                path: self.file.path.clone(),
                span,
                line: self.df.lines.line_of(span.start) + 1,
            }],
            properties,
        }
    }

    pub fn note(&self, span: Span, message: String) -> ExtractDiagnostic {
        ExtractDiagnostic {
            severity: crate::finding::Severity::Note,
            path: self.file.path.clone(),
            span,
            line: self.df.lines.line_of(span.start) + 1,
            message,
        }
    }
}

/// Collected components (merged at the end) and diagnostics.
#[derive(Default)]
pub(crate) struct Sink {
    components: Vec<Component>,
    pub diagnostics: Vec<ExtractDiagnostic>,
    /// `pip install -r <file>` files (their packages are not in the Dockerfile).
    pub pip_requirements: Vec<String>,
}

/// Identity for merging: the component key plus, for files and images, the full URL or
/// reference (two `setup.exe` from different hosts are different files; `x:1@sha256:…` and
/// `x:1` may be different images), and for OS packages the distribution release (`curl` of
/// Debian 12 and `curl` of Ubuntu 24.04 are different packages).
fn merge_key(c: &Component) -> (Ecosystem, String, VersionSpec, String) {
    let (e, n, v) = c.key();
    let origin = match c.ecosystem {
        Ecosystem::File | Ecosystem::Container => c.url.clone().unwrap_or_default(),
        Ecosystem::Debian | Ecosystem::Alpine | Ecosystem::Rpm => {
            c.properties.get("distro").cloned().unwrap_or_default()
        }
        _ => String::new(),
    };
    (e, n, v, origin)
}

impl Sink {
    /// Adds a component; one without a plausible name (no letter or digit, or containing
    /// whitespace, as malformed input gives) is dropped.
    pub fn push(&mut self, c: Component) {
        let plausible =
            c.name.chars().any(char::is_alphanumeric) && !c.name.contains(char::is_whitespace);
        if plausible {
            self.components.push(c);
        }
    }

    /// One component per identity with merged evidence, scope (`Required` wins), hashes and
    /// properties (distinct values joined with `,`; `verified` is true if any use is verified).
    fn finish(&mut self) -> Vec<Component> {
        let mut merged: BTreeMap<(Ecosystem, String, VersionSpec, String), Component> =
            BTreeMap::new();
        for c in std::mem::take(&mut self.components) {
            let key = merge_key(&c);
            match merged.get_mut(&key) {
                None => {
                    merged.insert(key, c);
                }
                Some(m) => merge_into(m, c),
            }
        }
        let mut out: Vec<Component> = merged
            .into_values()
            .map(|mut c| {
                c.evidence.sort();
                c.evidence.dedup();
                c.hashes.sort();
                c.hashes.dedup();
                c
            })
            .collect();
        out.sort_by(|a, b| {
            let first = |c: &Component| c.evidence.first().map(|e| e.span);
            first(a)
                .cmp(&first(b))
                .then_with(|| merge_key(a).cmp(&merge_key(b)))
        });
        out
    }
}

fn merge_into(m: &mut Component, c: Component) {
    m.evidence.extend(c.evidence);
    if c.scope < m.scope {
        m.scope = c.scope;
    }
    m.hashes.extend(c.hashes);
    if m.url.is_none() {
        m.url = c.url;
    }
    for (k, v) in c.properties {
        match m.properties.get_mut(&k) {
            None => {
                m.properties.insert(k, v);
            }
            Some(old) if k == "verified" => {
                if v == "true" {
                    *old = v;
                }
            }
            Some(old) => {
                if !old.split(',').any(|x| x == v) {
                    old.push(',');
                    old.push_str(&v);
                }
            }
        }
    }
}

/// `LABEL org.opencontainers.image.*` of the final image (the final stage and the stages it
/// is built `FROM`, later values winning), with ENV/ARG expanded.
fn oci_labels(doc: &Doc<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (idx, inst) in doc.df.instructions.iter().enumerate() {
        if inst.kind != InstructionKind::Label {
            continue;
        }
        let stage = doc.model.stage_of.get(idx).copied().flatten();
        if stage.is_none() || doc.role(stage) != Role::Final {
            continue;
        }
        let mut resolver = None;
        for kv in &inst.pairs {
            if !kv.key.starts_with("org.opencontainers.image.") {
                continue;
            }
            let Some(v) = &kv.value else { continue };
            let value = if v.contains('$') {
                let r = resolver.get_or_insert_with(|| doc.instruction_resolver(idx));
                let raw = kv
                    .value_span
                    .map(|s| s.slice(&doc.file.text))
                    .filter(|r| !r.is_empty() && !r.contains('\n'))
                    .unwrap_or(v);
                // A label from a build argument without a value here is unknown, not `$X`.
                match r.raw(raw, v, 0) {
                    x if x.resolved => x.text,
                    _ => continue,
                }
            } else {
                v.clone()
            };
            out.insert(kv.key.clone(), value);
        }
    }
    out
}

/// File name of a path or URL (last `/` or `\` segment, query and fragment removed).
pub(crate) fn base_name(path: &str) -> &str {
    let p = path.split(['?', '#']).next().unwrap_or(path);
    let p = p.trim_end_matches(['/', '\\']);
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

/// Whether text still holds a variable reference in any dialect (`$X`, `%X%`).
pub(crate) fn has_var(s: &str) -> bool {
    s.contains('$') || s.contains('`') || {
        let mut parts = s.split('%');
        parts.next();
        let mut found = false;
        while let (Some(name), Some(_)) = (parts.next(), parts.clone().next()) {
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                found = true;
                break;
            }
        }
        found
    }
}

/// A version text turned into a [`VersionSpec`] with the `pinned` / `versionExpression`
/// properties, given how it classifies when it is known.
pub(crate) fn versioned(
    c: &mut Component,
    value: Option<&env::Value>,
    classify: impl Fn(&str) -> VersionSpec,
) {
    let (spec, pinned) = match value {
        None => (VersionSpec::Unpinned, "false"),
        Some(v) => {
            if let Some(e) = &v.expression {
                c.properties
                    .insert("versionExpression".to_string(), e.clone());
            }
            match v.get() {
                // `pkg==`, `pkg@`: an operator without a version.
                Some(t) if !t.chars().any(|c| c.is_ascii_alphanumeric()) => {
                    (VersionSpec::Unpinned, "false")
                }
                Some(t) if !has_var(t) => {
                    let spec = classify(t.trim());
                    let pinned = if matches!(spec, VersionSpec::Exact(_)) {
                        "true"
                    } else {
                        "false"
                    };
                    (spec, pinned)
                }
                Some(_) | None => (VersionSpec::Unpinned, "unknown"),
            }
        }
    };
    c.version = spec;
    c.properties
        .insert("pinned".to_string(), pinned.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        assert!(wants("Dockerfile"));
        assert!(wants("src/app/Dockerfile.windows"));
        assert!(wants("build/api.dockerfile"));
        assert!(wants("Containerfile"));
        assert!(!wants("Dockerfile.dockerignore"));
        assert!(!wants("src/App.csproj"));
    }

    #[test]
    fn names_and_vars() {
        assert_eq!(base_name("https://x/a/b.zip?x=1#f"), "b.zip");
        assert_eq!(base_name("C:\\temp\\n.msi"), "n.msi");
        assert_eq!(base_name("dir/"), "dir");
        assert_eq!(base_name(""), "");
        assert!(has_var("%TEMP%\\x"));
        assert!(has_var("$x"));
        assert!(!has_var("100%"));
        assert!(!has_var("a%20b"));
        assert!(!has_var("plain"));
    }
}
