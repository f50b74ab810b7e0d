//! Pass 1: the project and its imports walked in MSBuild order, properties evaluated.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::sbom::extract::{ExtractContext, dir_of, file_name};
use crate::sbom::xml::{Element, XmlDocument};
use crate::source::{SourceFile, Span};

use super::condition::{Tri, eval_condition};
use super::paths::{find_ci, resolve_path};
use super::props::{Prop, Props, matching_paren};
use crate::sbom::extract::nuget::{Builder, load_xml};

/// Import nesting limit (MSBuild has none; real trees are shallow).
const MAX_IMPORT_DEPTH: usize = 16;

/// A file taking part in the evaluation.
pub(super) struct Loaded<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) doc: Option<Rc<XmlDocument>>,
}

/// An item as written, captured in pass 1 and evaluated in pass 2.
#[derive(Clone)]
pub(super) struct RawItem<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) el: Element,
    /// Conditions of enclosing ItemGroup / When and of the item itself, as written.
    pub(super) conditions: Vec<String>,
    /// Whether the item is written in the project file itself (not an import).
    pub(super) in_project: bool,
}

/// A metadata value and where it is written.
#[derive(Clone)]
pub(super) struct Meta<'a> {
    pub(super) value: String,
    pub(super) span: Span,
    pub(super) file: &'a SourceFile,
}

/// A `PackageReference` / `GlobalPackageReference` / `PackageDownload` after Include / Update /
/// Remove processing.
#[derive(Clone)]
pub(super) struct RefItem<'a> {
    pub(super) kind: Kind,
    pub(super) id: String,
    pub(super) file: &'a SourceFile,
    pub(super) span: Span,
    pub(super) meta: BTreeMap<String, Meta<'a>>,
    pub(super) conditions: Vec<String>,
    /// Evidence of `Update` elements that changed this item.
    pub(super) updates: Vec<(&'a SourceFile, Span)>,
    /// Created by an `Update` in the project for an item we never saw included (an implicit
    /// SDK reference).
    pub(super) update_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    PackageReference,
    GlobalPackageReference,
    PackageDownload,
}

pub(super) struct Evaluation<'a, 'c> {
    pub(super) cx: &'c ExtractContext<'a>,
    pub(super) project: &'a SourceFile,
    pub(super) props: Props,
    pub(super) items: Vec<RawItem<'a>>,
    pub(super) visited: BTreeSet<String>,
    /// Files that could not be parsed (reported by their own extraction).
    pub(super) broken: Vec<String>,
    /// SDK references (`Sdk="Name/Version"`, `<Sdk Name Version>`), with where they are.
    pub(super) sdks: Vec<(String, Option<String>, &'a SourceFile, Span)>,
    /// Leave out references that a lock / assets file next to the project resolves.
    pub(super) honor_lock: bool,
}

impl<'a, 'c> Evaluation<'a, 'c> {
    pub(super) fn run(b: &mut Builder, project: &SourceFile, cx: &ExtractContext<'_>) {
        Self::run_with(b, project, cx, true);
    }

    /// `honor_lock`: leave out references a lock / assets file next to the project resolves.
    pub(super) fn run_with(
        b: &mut Builder,
        project: &SourceFile,
        cx: &ExtractContext<'_>,
        honor_lock: bool,
    ) {
        // Give the project and the context one lifetime.
        fn go<'x>(
            b: &mut Builder,
            project: &'x SourceFile,
            cx: &ExtractContext<'x>,
            honor_lock: bool,
        ) {
            let Some(doc) = load_xml(b, project) else {
                return;
            };
            let mut ev = Evaluation {
                cx,
                project,
                props: Props::default(),
                items: Vec::new(),
                visited: BTreeSet::new(),
                broken: Vec::new(),
                sdks: Vec::new(),
                honor_lock,
            };
            ev.builtin_props();
            ev.evaluate(Rc::new(doc));
            ev.emit(b);
        }
        go(b, project, cx, honor_lock);
    }

    pub(super) fn builtin_props(&mut self) {
        let dir = dir_of(&self.project.path);
        let name = file_name(&self.project.path);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        self.props
            .set("MSBuildProjectDirectory", Prop::Known(dir.to_string()));
        self.props
            .set("MSBuildProjectName", Prop::Known(stem.to_string()));
        self.props
            .set("MSBuildProjectFile", Prop::Known(name.to_string()));
        // The default PackageId / AssemblyName equal the project name.
        for p in ["Configuration", "Platform", "RuntimeIdentifier", "OS"] {
            self.props.set(
                p,
                Prop::Unknown(
                    "is set by the build command (configuration, platform, runtime)".into(),
                ),
            );
        }
    }

    pub(super) fn lookup(&self, path: &str) -> Option<&'a SourceFile> {
        if let Some(f) = self.cx.get(path) {
            return Some(f);
        }
        self.cx
            .files
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map(|(_, f)| *f)
    }

    pub(super) fn load(&mut self, file: &'a SourceFile) -> Loaded<'a> {
        let doc = match crate::sbom::xml::parse(&file.text) {
            Ok(d) => Some(Rc::new(d)),
            Err(_) => {
                self.broken.push(file.path.clone());
                None
            }
        };
        Loaded { file, doc }
    }

    pub(super) fn evaluate(&mut self, project_doc: Rc<XmlDocument>) {
        let dir = dir_of(&self.project.path).to_string();
        self.visited.insert(self.project.path.to_ascii_lowercase());
        // The project's own SDK attribute.
        if let Some(a) = project_doc.root.attr("Sdk") {
            for s in a.value.split(';') {
                self.sdk_ref(s, None, self.project, a.span);
            }
        }
        if let Some(f) = self.cx.find_upward(&dir, "Directory.Build.props") {
            self.import_file(f, &[], 0);
        }
        if let Some(f) = self.cx.find_upward(&dir, "Directory.Packages.props") {
            self.import_file(f, &[], 0);
        }
        let project = self.project;
        self.walk(project, &project_doc.root, &[], 0);
        if let Some(f) = self.cx.find_upward(&dir, "Directory.Build.targets") {
            self.import_file(f, &[], 0);
        }
    }

    pub(super) fn import_file(&mut self, f: &'a SourceFile, conditions: &[String], depth: usize) {
        if depth > MAX_IMPORT_DEPTH || !self.visited.insert(f.path.to_ascii_lowercase()) {
            return;
        }
        let loaded = self.load(f);
        if let Some(doc) = loaded.doc {
            self.walk(loaded.file, &doc.root, conditions, depth + 1);
        }
    }

    pub(super) fn exists_fn(&self) -> impl Fn(&str) -> bool + '_ {
        move |p: &str| {
            let Some(path) = resolve_path(dir_of(&self.project.path), p) else {
                return false;
            };
            let prefix = format!("{path}/");
            self.cx.files.keys().any(|k| {
                k.eq_ignore_ascii_case(&path)
                    || k.get(..prefix.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(&prefix))
            })
        }
    }

    pub(super) fn condition(&self, el: &Element, file: &SourceFile) -> (Option<String>, Tri) {
        match el
            .attr_value("Condition")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => (None, Tri::True),
            Some(c) => {
                let exists = self.exists_fn();
                let t = eval_condition(c, &self.props, dir_of(&file.path), &exists);
                (Some(c.to_string()), t)
            }
        }
    }

    /// Pass 1 over one element's children: properties now, items captured, imports followed.
    pub(super) fn walk(
        &mut self,
        file: &'a SourceFile,
        el: &Element,
        conditions: &[String],
        depth: usize,
    ) {
        for child in &el.children {
            let (cond, truth) = self.condition(child, file);
            let mut conds = conditions.to_vec();
            if let Some(c) = &cond {
                conds.push(c.clone());
            }
            let name = child.name.to_ascii_lowercase();
            match name.as_str() {
                "propertygroup" => {
                    if truth == Tri::False {
                        continue;
                    }
                    for p in &child.children {
                        self.property(file, p, truth, &conds);
                    }
                }
                "itemgroup" => {
                    for item in &child.children {
                        let (icond, _) = self.condition(item, file);
                        let mut iconds = conds.clone();
                        if let Some(c) = icond {
                            iconds.push(c);
                        }
                        self.items.push(RawItem {
                            file,
                            el: item.clone(),
                            conditions: iconds,
                            in_project: std::ptr::eq(file, self.project),
                        });
                    }
                }
                "choose" => self.choose(file, child, &conds, depth),
                "import" if truth != Tri::False => {
                    self.import(file, child, &conds, depth);
                }
                "importgroup" if truth != Tri::False => {
                    for i in child.children.iter().filter(|c| c.is("Import")) {
                        let (icond, it) = self.condition(i, file);
                        let mut iconds = conds.clone();
                        if let Some(c) = icond {
                            iconds.push(c);
                        }
                        if it != Tri::False {
                            self.import(file, i, &iconds, depth);
                        }
                    }
                }
                "sdk" => {
                    if let Some(n) = child.attr_value("Name") {
                        let v = child.attr_value("Version").map(str::to_string);
                        self.sdk_ref(n, v, file, child.span);
                    }
                }
                // Targets run at build time; restore never sees items inside them.
                _ => {}
            }
        }
    }

    pub(super) fn choose(
        &mut self,
        file: &'a SourceFile,
        choose: &Element,
        conds: &[String],
        depth: usize,
    ) {
        let mut previous: Vec<String> = Vec::new();
        let mut decided = false;
        let mut all_false = true;
        for branch in &choose.children {
            if branch.is("When") {
                let (cond, truth) = self.condition(branch, file);
                let c = cond.unwrap_or_default();
                if !decided && truth != Tri::False {
                    let mut bconds = conds.to_vec();
                    bconds.push(c.clone());
                    self.walk_branch(file, branch, truth, &bconds, depth);
                    decided = truth == Tri::True;
                }
                all_false &= truth == Tri::False;
                previous.push(c);
            } else if branch.is("Otherwise") && !decided {
                let mut bconds = conds.to_vec();
                if !previous.is_empty() && !all_false {
                    let joined = if previous.len() == 1 {
                        previous.join("")
                    } else {
                        previous
                            .iter()
                            .map(|p| format!("({p})"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    };
                    bconds.push(format!("!({joined})"));
                }
                // Reached only when no earlier branch was certainly taken.
                let truth = if all_false { Tri::True } else { Tri::Unknown };
                self.walk_branch(file, branch, truth, &bconds, depth);
            }
        }
    }

    /// A `When` / `Otherwise` body: properties are certain only if the branch certainly applies.
    pub(super) fn walk_branch(
        &mut self,
        file: &'a SourceFile,
        branch: &Element,
        truth: Tri,
        conds: &[String],
        depth: usize,
    ) {
        if truth == Tri::True {
            self.walk(file, branch, conds, depth);
            return;
        }
        // Uncertain branch: its properties become unknown; items are still listed.
        for child in &branch.children {
            if child.is("PropertyGroup") {
                if self.condition(child, file).1 == Tri::False {
                    continue;
                }
                for p in &child.children {
                    self.property(file, p, Tri::Unknown, conds);
                }
            } else if child.is("ItemGroup") {
                let mut wrapper = Element::default();
                wrapper.children.push(child.clone());
                self.walk(file, &wrapper, conds, depth);
            } else if child.is("Choose") {
                self.choose(file, child, conds, depth);
            }
        }
    }

    pub(super) fn property(
        &mut self,
        file: &'a SourceFile,
        p: &Element,
        group_truth: Tri,
        conds: &[String],
    ) {
        let (cond, truth) = self.condition(p, file);
        let truth = group_truth.and(truth);
        if truth == Tri::False {
            return;
        }
        let this_dir = dir_of(&file.path);
        if truth == Tri::Unknown {
            let mut all = conds.to_vec();
            if let Some(c) = cond {
                all.push(c);
            }
            let why = format!(
                "is set under a condition that cannot be evaluated statically ({}) in {}",
                all.join(" and "),
                file.path
            );
            self.props.set(&p.name, Prop::Unknown(why));
            return;
        }
        let value = match self.props.expand(&p.text, this_dir) {
            Ok(v) => Prop::Known(v.trim().to_string()),
            Err(u) => Prop::Unknown(format!(
                "is defined in {} using {}, which cannot be resolved",
                file.path,
                u.name()
            )),
        };
        self.props.set(&p.name, value);
    }

    pub(super) fn import(
        &mut self,
        file: &'a SourceFile,
        el: &Element,
        conds: &[String],
        depth: usize,
    ) {
        if let Some(sdk) = el.attr_value("Sdk") {
            let v = el.attr_value("Version").map(str::to_string);
            for s in sdk.split(';') {
                self.sdk_ref(s, v.clone(), file, el.span);
            }
            return;
        }
        let Some(expr) = el.attr_value("Project") else {
            return;
        };
        let this_dir = dir_of(&file.path).to_string();
        let Some(path) = self.resolve_import(expr, &this_dir) else {
            return;
        };
        if let Some(f) = self.lookup(&path) {
            self.import_file(f, conds, depth);
        }
    }

    pub(super) fn resolve_import(&self, expr: &str, this_dir: &str) -> Option<String> {
        for func in ["GetPathOfFileAbove", "GetDirectoryNameOfFileAbove"] {
            let Some(at) = find_ci(expr, &format!("::{func}(")) else {
                continue;
            };
            let open = at + func.len() + 2;
            let close = matching_paren(expr, open)?;
            let args: Vec<String> = expr
                .get(open + 1..close)?
                .split(',')
                .map(|a| a.trim().trim_matches(['\'', '"']).to_string())
                .collect();
            let expand = |s: &str| self.props.expand(s, this_dir).ok();
            let (name, start) = if func == "GetPathOfFileAbove" {
                (
                    expand(args.first()?)?,
                    args.get(1)
                        .map_or(Some(this_dir.to_string()), |s| expand(s))?,
                )
            } else {
                (expand(args.get(1)?)?, expand(args.first()?)?)
            };
            let start = resolve_path("", &start)?;
            let found = self.cx.find_upward(&start, name.trim())?;
            if func == "GetPathOfFileAbove" {
                return Some(found.path.clone());
            }
            // `$([MSBuild]::GetDirectoryNameOfFileAbove(…))\rest`: the `$(` … `)` wrapper ends
            // one character after the function's closing parenthesis.
            let rest = expr.get(close + 2..).unwrap_or("");
            let rest = self.props.expand(rest, this_dir).ok()?;
            return resolve_path(dir_of(&found.path), &rest);
        }
        let expanded = self.props.expand(expr, this_dir).ok()?;
        if expanded.contains('*') || expanded.contains('?') {
            return None;
        }
        resolve_path(this_dir, &expanded)
    }

    pub(super) fn sdk_ref(
        &mut self,
        spec: &str,
        version: Option<String>,
        file: &'a SourceFile,
        span: Span,
    ) {
        let spec = spec.trim();
        if spec.is_empty() {
            return;
        }
        let (name, v) = match spec.split_once('/') {
            Some((n, v)) => (n.trim(), Some(v.trim().to_string())),
            None => (spec, version),
        };
        self.sdks.push((name.to_string(), v, file, span));
    }
}

/// Item metadata from attributes and child elements (lowercase names).
pub(super) fn metadata<'a>(el: &Element, file: &'a SourceFile) -> BTreeMap<String, Meta<'a>> {
    let mut out = BTreeMap::new();
    for a in &el.attrs {
        let n = a.name.to_ascii_lowercase();
        if matches!(
            n.as_str(),
            "include" | "update" | "remove" | "exclude" | "condition"
        ) {
            continue;
        }
        out.insert(
            n,
            Meta {
                value: a.value.clone(),
                span: a.value_span,
                file,
            },
        );
    }
    for c in &el.children {
        out.insert(
            c.name.to_ascii_lowercase(),
            Meta {
                value: c.text.clone(),
                span: c.text_span.unwrap_or(c.span),
                file,
            },
        );
    }
    out
}
