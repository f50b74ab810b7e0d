//! Packages installed by RUN commands.

use crate::dockerfile::shell::ShWord;
use crate::lint::ShellScript;
use crate::lint::helpers::packages::{
    CARGO_OPTS, Family, GEM_OPTS, GO_OPTS, Invocation, Pin, apk_pin, apk_spec, apt_pin, apt_spec,
    choco, dotnet, invocation, is_exact_semver, is_path_or_url, node_install, npm_name_version,
    npm_pin, nuget, nuget_exact_version, nuget_version_pin, parse_args, pip_install,
    pip_requirement, pkg_command, ps_install, rpm_pin, rpm_spec,
};
use crate::sbom::model::{Component, ComponentType, Ecosystem, Scope, VersionSpec};

use super::downloads::url_file_name;
use super::env::{Resolver, Value};
use super::{Doc, Sink, has_var, versioned};

/// One command being looked at.
struct Cmd<'c, 'a> {
    doc: &'c Doc<'a>,
    script: &'c ShellScript<'a>,
    r: &'c Resolver<'c>,
    inv: Invocation<'c>,
}

impl Cmd<'_, '_> {
    /// A package component at a word (or a sub-range of it).
    fn package(
        &self,
        ecosystem: Ecosystem,
        ty: ComponentType,
        name: &str,
        range: std::ops::Range<usize>,
    ) -> Component {
        let mut c = self.doc.component(
            ecosystem,
            ty,
            name,
            VersionSpec::Unpinned,
            self.script.span(range),
            self.script.stage,
        );
        c.properties
            .insert("installer".to_string(), self.inv.name().into_owned());
        if matches!(
            ecosystem,
            Ecosystem::Debian | Ecosystem::Alpine | Ecosystem::Rpm
        ) && let Some(d) = self.doc.distro(self.script.stage, ecosystem)
        {
            c.properties.insert("distro".to_string(), d);
        }
        c
    }

    /// Package arguments after variable resolution: a variable holding a list (`$PKGS`) gives
    /// several specs; a word that does not resolve is kept as written (its name part may still
    /// be literal: `curl=${CURL_VERSION}`).
    fn specs(&self, w: &ShWord) -> Vec<Value> {
        let v = self.r.word(w);
        if v.resolved && v.expression.is_some() && v.text.contains(char::is_whitespace) {
            return v
                .text
                .split_whitespace()
                .map(|t| Value {
                    text: t.to_string(),
                    expression: v.expression.clone(),
                    resolved: true,
                })
                .collect();
        }
        vec![v]
    }

    fn opt_value(&self, w: &ShWord) -> Value {
        self.r.word(w)
    }
}

/// The version part of a package spec as a [`Value`]: `text` is the part of the resolved spec,
/// and the expression (when the word used variables) is the same part of the spec as written.
fn part(of: &Value, text: &str, split: impl Fn(&str) -> Option<&str>) -> Value {
    Value {
        text: text.to_string(),
        expression: of
            .expression
            .as_deref()
            .and_then(split)
            .filter(|e| has_var(e))
            .map(str::to_string),
        resolved: of.resolved || !has_var(text),
    }
}

/// A package argument that is a URL (`dnf install https://…/x.rpm`, `pip install
/// https://…/x.whl`): the package manager downloads that file.
fn remote_package(cmd: &Cmd<'_, '_>, sink: &mut Sink, w: &ShWord, spec: &Value) -> bool {
    let t = spec.text.trim();
    let l = t.to_ascii_lowercase();
    if !(l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")) {
        return false;
    }
    let mut c = cmd.doc.component(
        Ecosystem::File,
        ComponentType::File,
        url_file_name(t),
        VersionSpec::Unpinned,
        cmd.script.span(w.range.clone()),
        cmd.script.stage,
    );
    c.url = Some(t.to_string());
    c.properties
        .insert("downloader".to_string(), cmd.inv.name().into_owned());
    c.properties
        .insert("verified".to_string(), "false".to_string());
    if let Some(e) = &spec.expression {
        c.properties.insert("urlExpression".to_string(), e.clone());
    }
    sink.push(c);
    true
}

pub(super) fn collect(doc: &Doc<'_>, sink: &mut Sink) {
    for s in doc.scripts() {
        let r = doc.resolver(s);
        for c in &s.script.commands {
            let Some(inv) = invocation(c) else { continue };
            let cmd = Cmd {
                doc,
                script: s,
                r: &r,
                inv,
            };
            match cmd.inv.name().as_str() {
                "choco" | "cinst" | "cup" => choco_install(&cmd, sink),
                "nuget" => nuget_install(&cmd, sink),
                "dotnet" => dotnet_tool(&cmd, sink),
                "apt-get" | "apt" | "aptitude" | "apk" | "yum" | "dnf" | "dnf5" | "microdnf"
                | "tdnf" | "zypper" => os_packages(&cmd, sink),
                "npm" | "yarn" | "pnpm" => node_packages(&cmd, sink),
                "gem" => gems(&cmd, sink),
                "go" => go_install(&cmd, sink),
                "cargo" => cargo_install(&cmd, sink),
                _ => {
                    if !ps_modules(&cmd, sink) {
                        pip(&cmd, sink);
                    }
                }
            }
        }
    }
}

/// NuGet-style version text: exact, floating (`1.*`) or a range (`[1.0,2.0)`).
fn nuget_version(t: &str) -> VersionSpec {
    match nuget_version_pin(t) {
        Pin::Exact => VersionSpec::Exact(nuget_exact_version(t).unwrap_or(t).to_string()),
        _ if t.contains('*') && !t.contains(['[', '(', ',']) => {
            VersionSpec::Floating(t.to_string())
        }
        _ => VersionSpec::Range(t.to_string()),
    }
}

fn is_local_package(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    is_path_or_url(name)
        || [
            ".config", ".nuspec", ".nupkg", ".msi", ".msu", ".exe", ".zip",
        ]
        .iter()
        .any(|e| l.ends_with(e))
}

fn choco_install(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some(ch) = choco(&cmd.inv) else { return };
    if !ch.installs() {
        return;
    }
    let version = ch.args.value(&["version"]).map(|v| cmd.opt_value(v.word));
    let source = ch.args.value(&["s", "source"]).map(|v| v.text.to_string());
    for w in &ch.args.operands {
        for spec in cmd.specs(w) {
            let name = spec.text.as_str();
            if name.is_empty()
                || has_var(name)
                || is_local_package(name)
                || name.eq_ignore_ascii_case("all")
            {
                continue;
            }
            let mut c = cmd.package(
                Ecosystem::Chocolatey,
                ComponentType::Application,
                name,
                w.range.clone(),
            );
            versioned(&mut c, version.as_ref(), nuget_version);
            if let Some(s) = &source {
                c.properties.insert("source".to_string(), s.clone());
            }
            sink.push(c);
        }
    }
}

/// `Install-Module` & co. Returns whether the command was one of them.
fn ps_modules(cmd: &Cmd<'_, '_>, sink: &mut Sink) -> bool {
    let Some(ps) = ps_install(&cmd.inv) else {
        return false;
    };
    let provider = ps
        .args
        .value(&["ProviderName", "Provider"])
        .map(|v| v.text.to_ascii_lowercase());
    let ecosystem = match provider.as_deref() {
        None | Some("powershellget") | Some("psmodule") => Ecosystem::PowerShellGallery,
        Some("nuget") => Ecosystem::NuGet,
        Some("chocolatey") | Some("chocolateyget") => Ecosystem::Chocolatey,
        // msi / msu / Programs and third-party providers: not a package feed we can name.
        Some(_) => return true,
    };
    let value = |full: &str, min: usize| {
        ps.args
            .opt_prefix(full, min)
            .and_then(|o| o.value.as_ref())
            .map(|v| cmd.opt_value(v.word))
    };
    let version = if ps.psresource {
        value("Version", 4)
    } else if let Some(v) = value("RequiredVersion", 3) {
        Some(v)
    } else {
        range_value(value("MinimumVersion", 3), value("MaximumVersion", 3))
    };
    let source = ps
        .args
        .value(&["Repository", "Source"])
        .map(|v| v.text.to_string());
    for n in &ps.names {
        let mut names: Vec<String> = Vec::new();
        if has_var(n.name) {
            if let Some(t) = cmd.r.word(n.word).get() {
                names.extend(
                    t.split([',', ' '])
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                );
            }
        } else {
            names.push(n.name.to_string());
        }
        for name in names {
            if name.contains(['$', '(', '*']) || is_local_package(&name) {
                continue;
            }
            let mut c = cmd.package(ecosystem, ComponentType::Library, &name, n.range.clone());
            versioned(&mut c, version.as_ref(), nuget_version);
            if let Some(p) = &provider {
                c.properties.insert("provider".to_string(), p.clone());
            }
            if let Some(s) = &source {
                c.properties.insert("source".to_string(), s.clone());
            }
            sink.push(c);
        }
    }
    true
}

/// `-MinimumVersion a -MaximumVersion b` as a NuGet interval (`[a,b]`, `[a,)`, `(,b]`).
fn range_value(min: Option<Value>, max: Option<Value>) -> Option<Value> {
    if min.is_none() && max.is_none() {
        return None;
    }
    let text = |v: &Option<Value>| v.as_ref().map(|v| v.text.clone()).unwrap_or_default();
    let resolved =
        min.as_ref().is_none_or(|v| v.resolved) && max.as_ref().is_none_or(|v| v.resolved);
    let expression = match (&min, &max) {
        (Some(a), _) if a.expression.is_some() => a.expression.clone(),
        (_, Some(b)) if b.expression.is_some() => b.expression.clone(),
        _ => None,
    };
    let interval = match (&min, &max) {
        (Some(_), Some(_)) => format!("[{},{}]", text(&min), text(&max)),
        (Some(_), None) => format!("[{},)", text(&min)),
        _ => format!("(,{}]", text(&max)),
    };
    Some(Value {
        text: interval,
        expression,
        resolved,
    })
}

fn nuget_install(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some(n) = nuget(&cmd.inv) else { return };
    if n.verb != "install" {
        return;
    }
    let Some(id) = n.args.operands.first() else {
        return;
    };
    let v = cmd.r.word(id);
    let Some(name) = v.get().filter(|t| !t.is_empty() && !is_local_package(t)) else {
        return;
    };
    let version = n.args.value(&["version"]).map(|v| cmd.opt_value(v.word));
    let mut c = cmd.package(
        Ecosystem::NuGet,
        ComponentType::Library,
        name,
        id.range.clone(),
    );
    versioned(&mut c, version.as_ref(), nuget_version);
    if let Some(s) = n.args.value(&["source"]) {
        c.properties
            .insert("source".to_string(), s.text.to_string());
    }
    sink.push(c);
}

fn dotnet_tool(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some(d) = dotnet(&cmd.inv) else { return };
    if d.verb != "tool install" && d.verb != "tool update" {
        return;
    }
    let Some(id) = d.args.operands.first() else {
        return;
    };
    let v = cmd.r.word(id);
    let Some(spec) = v.get() else { return };
    let (name, inline) = match spec.split_once('@') {
        Some((n, ver)) => (n, Some(ver)),
        None => (spec, None),
    };
    if name.is_empty() || is_local_package(name) {
        return;
    }
    let version = match d.args.value(&["version"]) {
        Some(o) => Some(cmd.opt_value(o.word)),
        None => inline.map(|t| part(&v, t, |s| s.split_once('@').map(|x| x.1))),
    };
    let mut c = cmd.package(
        Ecosystem::NuGet,
        ComponentType::Application,
        name,
        id.range.clone(),
    );
    versioned(&mut c, version.as_ref(), nuget_version);
    c.scope = Scope::Optional;
    c.properties
        .insert("dotnetTool".to_string(), "true".to_string());
    if d.args.has(&["g", "global"]) {
        c.properties
            .insert("global".to_string(), "true".to_string());
    }
    if let Some(s) = d.args.value(&["add-source", "source"]) {
        c.properties
            .insert("source".to_string(), s.text.to_string());
    }
    sink.push(c);
}

fn os_packages(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some(p) = pkg_command(&cmd.inv) else {
        return;
    };
    match (p.family, p.sub.as_str()) {
        (Family::Apt, "install") => {
            let release = p
                .args
                .value(&["t", "target-release", "default-release"])
                .map(|v| v.text.to_string());
            for w in p.packages() {
                for spec in cmd.specs(w) {
                    apt_package(cmd, sink, w, &spec, release.as_deref());
                }
            }
        }
        (Family::Apk, "add") => {
            for w in p.packages() {
                for spec in cmd.specs(w) {
                    apk_package(cmd, sink, w, &spec);
                }
            }
        }
        (Family::Dnf | Family::Zypper, "install") => {
            if p.family == Family::Zypper
                && p.args
                    .value(&["t", "type"])
                    .is_some_and(|t| t.text != "package")
            {
                return;
            }
            for w in p.packages() {
                for spec in cmd.specs(w) {
                    rpm_package(cmd, sink, w, &spec);
                }
            }
        }
        _ => {}
    }
}

fn apt_package(
    cmd: &Cmd<'_, '_>,
    sink: &mut Sink,
    w: &ShWord,
    spec: &Value,
    release: Option<&str>,
) {
    if apt_pin(&spec.text) == Pin::Artifact {
        remote_package(cmd, sink, w, spec);
        return;
    }
    let a = apt_spec(&spec.text);
    if a.name.is_empty() || has_var(a.name) {
        return;
    }
    let mut c = cmd.package(
        Ecosystem::Debian,
        ComponentType::Library,
        a.name,
        w.range.clone(),
    );
    let version = a.version.map(|v| part(spec, v, |s| apt_spec(s).version));
    versioned(&mut c, version.as_ref(), |t| {
        if t.contains('*') {
            VersionSpec::Floating(t.to_string())
        } else {
            VersionSpec::Exact(t.to_string())
        }
    });
    if let Some(arch) = a.arch {
        c.properties.insert("arch".to_string(), arch.to_string());
    }
    if let Some(rel) = a.release.or(release) {
        c.properties.insert("release".to_string(), rel.to_string());
    }
    sink.push(c);
}

fn apk_package(cmd: &Cmd<'_, '_>, sink: &mut Sink, w: &ShWord, spec: &Value) {
    if apk_pin(&spec.text) == Pin::Artifact {
        remote_package(cmd, sink, w, spec);
        return;
    }
    let a = apk_spec(&spec.text);
    if a.name.is_empty() || has_var(a.name) {
        return;
    }
    let mut c = cmd.package(
        Ecosystem::Alpine,
        ComponentType::Library,
        a.name,
        w.range.clone(),
    );
    let op = a.op.unwrap_or("");
    let version = a.version.map(|v| part(spec, v, |s| apk_spec(s).version));
    versioned(&mut c, version.as_ref(), |t| match op {
        "=" if t.contains('*') => VersionSpec::Floating(t.to_string()),
        "=" => VersionSpec::Exact(t.to_string()),
        _ => VersionSpec::Range(format!("{op}{t}")),
    });
    if let Some(tag) = a.tag {
        c.properties
            .insert("repositoryTag".to_string(), tag.to_string());
    }
    sink.push(c);
}

fn rpm_package(cmd: &Cmd<'_, '_>, sink: &mut Sink, w: &ShWord, spec: &Value) {
    if rpm_pin(&spec.text) == Pin::Artifact {
        remote_package(cmd, sink, w, spec);
        return;
    }
    let r = rpm_spec(&spec.text);
    if r.name.is_empty() || has_var(r.name) {
        return;
    }
    let mut c = cmd.package(
        Ecosystem::Rpm,
        ComponentType::Library,
        r.name,
        w.range.clone(),
    );
    let op = r.op.unwrap_or("");
    let mut version = r.version.map(|v| part(spec, v, |s| rpm_spec(s).version));
    // `name-1.2-3.el9.x86_64`: the architecture is not part of the version.
    if matches!(op, "" | "=" | "==")
        && let Some(v) = version.as_mut()
        && let Some((ver, arch)) = v.text.rsplit_once('.')
        && RPM_ARCHES.contains(&arch)
    {
        c.properties.insert("arch".to_string(), arch.to_string());
        v.text = ver.to_string();
    }
    versioned(&mut c, version.as_ref(), |t| match op {
        "" | "=" | "==" if t.contains('*') => VersionSpec::Floating(t.to_string()),
        "" | "=" | "==" => VersionSpec::Exact(t.to_string()),
        _ => VersionSpec::Range(format!("{op}{t}")),
    });
    sink.push(c);
}

const RPM_ARCHES: &[&str] = &[
    "x86_64", "aarch64", "noarch", "i686", "i386", "ppc64le", "s390x", "armv7hl", "src",
];

/// PEP 503 normalized project name.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(ch.to_ascii_lowercase());
    }
    out
}

fn pip(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some((_, args)) = pip_install(&cmd.inv) else {
        return;
    };
    let files: Vec<String> = args
        .values(&["r", "requirement"])
        .iter()
        .map(|v| v.text.to_string())
        .collect();
    if !files.is_empty() {
        sink.pip_requirements.extend(files.iter().cloned());
    }
    let index = args.value(&["i", "index-url"]).map(|v| v.text.to_string());
    for w in &args.operands {
        for spec in cmd.specs(w) {
            let Some(req) = pip_requirement(&spec.text) else {
                remote_package(cmd, sink, w, &spec);
                continue;
            };
            if has_var(req.name) {
                continue;
            }
            let mut c = cmd.package(
                Ecosystem::PyPI,
                ComponentType::Library,
                &pep503(req.name),
                w.range.clone(),
            );
            let version = req
                .specifier
                .map(|v| part(&spec, v, |s| pip_requirement(s).and_then(|r| r.specifier)));
            versioned(&mut c, version.as_ref(), |t| {
                let exact = t
                    .strip_prefix("===")
                    .or_else(|| t.strip_prefix("=="))
                    .map(str::trim)
                    .filter(|v| !v.is_empty() && !v.contains(['*', ',', '<', '>', '!', '~', '=']));
                match exact {
                    Some(v) => VersionSpec::Exact(v.to_string()),
                    None => VersionSpec::Range(t.to_string()),
                }
            });
            let installer = if cmd.inv.name() == "uv" {
                "uv pip"
            } else {
                "pip"
            };
            c.properties
                .insert("installer".to_string(), installer.to_string());
            if let Some(e) = req.extras {
                c.properties.insert("extras".to_string(), e.to_string());
            }
            if let Some(m) = req.marker {
                c.properties.insert("marker".to_string(), m.to_string());
            }
            if !files.is_empty() {
                c.properties
                    .insert("requirements".to_string(), files.join(","));
            }
            if let Some(i) = &index {
                c.properties.insert("source".to_string(), i.clone());
            }
            sink.push(c);
        }
    }
}

fn node_packages(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let Some(n) = node_install(&cmd.inv) else {
        return;
    };
    let registry = n.args.value(&["registry"]).map(|v| v.text.to_string());
    for w in &n.packages {
        for spec in cmd.specs(w) {
            if npm_pin(&spec.text) == Pin::Artifact {
                remote_package(cmd, sink, w, &spec);
                continue;
            }
            let (full, ver) = npm_name_version(&spec.text);
            if full.is_empty() || has_var(full) {
                continue;
            }
            let (namespace, name) = match full.split_once('/') {
                Some((scope, n)) if scope.starts_with('@') => (Some(scope.to_string()), n),
                _ => (None, full),
            };
            if name.is_empty() {
                continue;
            }
            let mut c = cmd.package(
                Ecosystem::Npm,
                ComponentType::Library,
                name,
                w.range.clone(),
            );
            c.namespace = namespace;
            let version = ver.map(|v| part(&spec, v, |s| npm_name_version(s).1));
            versioned(&mut c, version.as_ref(), |t| {
                if is_exact_semver(t) {
                    let v = t
                        .strip_prefix('v')
                        .or_else(|| t.strip_prefix('='))
                        .unwrap_or(t);
                    VersionSpec::Exact(v.to_string())
                } else if t.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
                    VersionSpec::Floating(t.to_string())
                } else {
                    VersionSpec::Range(t.to_string())
                }
            });
            c.properties
                .insert("global".to_string(), n.global.to_string());
            if let Some(r) = &registry {
                c.properties.insert("source".to_string(), r.clone());
            }
            sink.push(c);
        }
    }
}

fn gems(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let args = parse_args(cmd.inv.args, &GEM_OPTS);
    let Some(sub) = args.operands.first() else {
        return;
    };
    if sub.text != "install" && sub.text != "i" {
        return;
    }
    let version = args.value(&["v", "version"]).map(|v| cmd.opt_value(v.word));
    let source = args.value(&["s", "source"]).map(|v| v.text.to_string());
    for w in args.operands.iter().skip(1) {
        for spec in cmd.specs(w) {
            let t = spec.text.as_str();
            if t.is_empty() || is_path_or_url(t) || t.ends_with(".gem") {
                continue;
            }
            let (name, inline) = match t.split_once(':') {
                Some((n, v)) => (n, Some(v)),
                None => (t, None),
            };
            if name.is_empty() || has_var(name) {
                continue;
            }
            let mut c = cmd.package(
                Ecosystem::RubyGems,
                ComponentType::Library,
                name,
                w.range.clone(),
            );
            let v = version
                .clone()
                .or_else(|| inline.map(|i| part(&spec, i, |s| s.split_once(':').map(|x| x.1))));
            versioned(&mut c, v.as_ref(), |t| {
                let bare = t.trim_start_matches('=').trim();
                if !bare.is_empty() && !t.contains(['~', '>', '<', '!', ',']) {
                    VersionSpec::Exact(bare.to_string())
                } else {
                    VersionSpec::Range(t.to_string())
                }
            });
            if let Some(s) = &source {
                c.properties.insert("source".to_string(), s.clone());
            }
            sink.push(c);
        }
    }
}

/// Go version queries that move: branch names and `latest`-like keywords.
fn go_version(t: &str) -> VersionSpec {
    let lower = t.to_ascii_lowercase();
    let hex = t.len() >= 7 && t.len() <= 40 && t.bytes().all(|b| b.is_ascii_hexdigit());
    if is_exact_semver(t) || hex {
        VersionSpec::Exact(t.to_string())
    } else if matches!(
        lower.as_str(),
        "latest" | "master" | "main" | "head" | "upgrade" | "patch" | "develop" | "trunk"
    ) || !t.starts_with(['v', '<', '>', '='])
    {
        VersionSpec::Floating(t.to_string())
    } else {
        VersionSpec::Range(t.to_string())
    }
}

fn go_install(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let args = parse_args(cmd.inv.args, &GO_OPTS);
    if args.operands.first().is_none_or(|s| s.text != "install") {
        return;
    }
    for w in args.operands.iter().skip(1) {
        let spec = cmd.r.word(w);
        let Some((path, ver)) = spec.text.rsplit_once('@') else {
            continue; // builds the version the current module requires
        };
        if path.is_empty() || has_var(path) || path.starts_with('.') || is_path_or_url(path) {
            continue;
        }
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n),
            None => (None, path),
        };
        let mut c = cmd.package(
            Ecosystem::Go,
            ComponentType::Application,
            name,
            w.range.clone(),
        );
        c.namespace = namespace;
        let v = part(&spec, ver, |s| s.rsplit_once('@').map(|x| x.1));
        versioned(&mut c, Some(&v), go_version);
        sink.push(c);
    }
}

fn cargo_install(cmd: &Cmd<'_, '_>, sink: &mut Sink) {
    let args = parse_args(cmd.inv.args, &CARGO_OPTS);
    if args.operands.first().is_none_or(|s| s.text != "install") || args.has(&["path", "git"]) {
        return;
    }
    let version = args
        .value(&["version", "vers"])
        .map(|v| cmd.opt_value(v.word));
    for w in args.operands.iter().skip(1) {
        let spec = cmd.r.word(w);
        let (name, inline) = match spec.text.split_once('@') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (spec.text.clone(), None),
        };
        if name.is_empty() || has_var(&name) {
            continue;
        }
        let mut c = cmd.package(
            Ecosystem::Cargo,
            ComponentType::Application,
            &name,
            w.range.clone(),
        );
        let v = version.clone().or_else(|| {
            inline
                .as_deref()
                .map(|i| part(&spec, i, |s| s.split_once('@').map(|x| x.1)))
        });
        versioned(&mut c, v.as_ref(), |t| {
            let bare = t.trim_start_matches('=');
            if is_exact_semver(bare) {
                VersionSpec::Exact(bare.to_string())
            } else {
                VersionSpec::Range(t.to_string())
            }
        });
        sink.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_names() {
        assert_eq!(pep503("Django_REST.framework"), "django-rest-framework");
        assert_eq!(pep503("a--b__c"), "a-b-c");
        assert_eq!(pep503("_x"), "x");
    }

    #[test]
    fn version_kinds() {
        assert_eq!(nuget_version("1.2.3"), VersionSpec::Exact("1.2.3".into()));
        assert_eq!(nuget_version("9.*"), VersionSpec::Floating("9.*".into()));
        assert_eq!(
            nuget_version("[1.0,2.0)"),
            VersionSpec::Range("[1.0,2.0)".into())
        );
        assert_eq!(go_version("v1.23.1"), VersionSpec::Exact("v1.23.1".into()));
        assert_eq!(go_version("latest"), VersionSpec::Floating("latest".into()));
        assert_eq!(go_version("v1.2"), VersionSpec::Range("v1.2".into()));
        assert_eq!(go_version("3f2a9c1"), VersionSpec::Exact("3f2a9c1".into()));
        let r = range_value(
            Some(Value {
                text: "5.0".into(),
                expression: None,
                resolved: true,
            }),
            None,
        );
        assert_eq!(r.map(|v| v.text).as_deref(), Some("[5.0,)"));
        assert!(range_value(None, None).is_none());
    }
}
