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

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, dir_of, file_name};
use crate::sbom::model::{Extracted, Scope, VersionSpec};
use crate::sbom::xml::{Element, XmlDocument};
use crate::source::{SourceFile, Span};

use super::{Builder, apply_declared, ends_with_ci, load_xml, nuget};

/// Import nesting limit (MSBuild has none; real trees are shallow).
const MAX_IMPORT_DEPTH: usize = 16;

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

// ---------------------------------------------------------------------------------------------
// Properties

#[derive(Debug, Clone, PartialEq, Eq)]
enum Prop {
    Known(String),
    /// Defined, but its value cannot be known statically (why).
    Unknown(String),
}

/// Why an expression could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unresolved {
    /// `$(Name)` is not defined in the evaluated files.
    Undefined(String),
    /// `$(Name)` is defined but unknowable (reason).
    Unknown(String, String),
    /// A property function, item list or metadata reference.
    Expression(String),
}

impl Unresolved {
    fn describe(&self) -> String {
        match self {
            Unresolved::Undefined(_) => {
                "it is not defined in the project or the files it imports".to_string()
            }
            Unresolved::Unknown(n, why) => format!("$({n}) {why}"),
            Unresolved::Expression(_) => "property functions, item lists and metadata are not \
                                          evaluated statically"
                .to_string(),
        }
    }
    fn name(&self) -> String {
        match self {
            Unresolved::Undefined(n) | Unresolved::Unknown(n, _) => format!("$({n})"),
            Unresolved::Expression(e) => e.clone(),
        }
    }
}

#[derive(Default)]
struct Props {
    map: BTreeMap<String, Prop>,
}

impl Props {
    fn get(&self, name: &str) -> Option<&Prop> {
        self.map.get(&name.to_ascii_lowercase())
    }
    fn set(&mut self, name: &str, p: Prop) {
        self.map.insert(name.to_ascii_lowercase(), p);
    }
    fn is_true(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Prop::Known(v)) if v.trim().eq_ignore_ascii_case("true"))
    }

    /// Expands `$(Name)` references. `this_dir` is the directory of the file the text is in
    /// (for `$(MSBuildThisFileDirectory)`).
    fn expand(&self, s: &str, this_dir: &str) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(['$', '@', '%']) {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            let sigil = tail.chars().next().unwrap_or('$');
            let after = tail.get(1..).unwrap_or("");
            if !after.starts_with('(') {
                out.push(sigil);
                rest = after;
                continue;
            }
            let Some(close) = matching_paren(tail, 1) else {
                return Err(Unresolved::Expression(tail.to_string()));
            };
            let expr = tail.get(..=close).unwrap_or(tail);
            let inner = tail.get(2..close).unwrap_or("");
            rest = tail.get(close + 1..).unwrap_or("");
            if sigil != '$' {
                return Err(Unresolved::Expression(expr.to_string()));
            }
            let name = inner.trim();
            if !is_identifier(name) {
                return Err(Unresolved::Expression(expr.to_string()));
            }
            if name.eq_ignore_ascii_case("MSBuildThisFileDirectory") {
                out.push_str(this_dir);
                if !this_dir.is_empty() {
                    out.push('/');
                }
                continue;
            }
            match self.get(name) {
                Some(Prop::Known(v)) => out.push_str(v),
                Some(Prop::Unknown(why)) => {
                    return Err(Unresolved::Unknown(name.to_string(), why.clone()));
                }
                None => return Err(Unresolved::Undefined(name.to_string())),
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Index of the `)` matching the `(` at byte `open` of `s`.
fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(open) {
        match (quote, b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"' | b'`') if depth > 0 => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// MSBuild's `%XX` escapes (`%3B` = `;`, `%24` = `$`).
fn unescape(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(h) = bytes.get(i + 1..i + 3)
            && let Ok(hs) = std::str::from_utf8(h)
            && let Ok(v) = u8::from_str_radix(hs, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

// ---------------------------------------------------------------------------------------------
// Conditions

/// Three-valued truth for statically evaluated conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Word(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\'' => {
                let end = s.get(i + 1..)?.find('\'')? + i + 1;
                out.push(Tok::Str(s.get(i + 1..end)?.to_string()));
                i = end + 1;
            }
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = s.get(i..i + 2);
                let op = match (c, two) {
                    (_, Some("==")) => "==",
                    (_, Some("!=")) => "!=",
                    (_, Some("<=")) => "<=",
                    (_, Some(">=")) => ">=",
                    (b'!', _) => "!",
                    (b'<', _) => "<",
                    (b'>', _) => ">",
                    _ => return None,
                };
                out.push(Tok::Op(op));
                i += op.len();
            }
            b'$' | b'@' | b'%' if b.get(i + 1) == Some(&b'(') => {
                let close = matching_paren(s.get(i..)?, 1)? + i;
                out.push(Tok::Word(s.get(i..=close)?.to_string()));
                i = close + 1;
            }
            _ => {
                let start = i;
                while let Some(&d) = b.get(i) {
                    if d.is_ascii_alphanumeric()
                        || matches!(d, b'_' | b'.' | b'-' | b':' | b'[' | b']')
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if i == start {
                    return None;
                }
                out.push(Tok::Word(s.get(start..i)?.to_string()));
            }
        }
    }
    Some(out)
}

struct CondEval<'e> {
    toks: Vec<Tok>,
    pos: usize,
    props: &'e Props,
    this_dir: &'e str,
    exists: &'e dyn Fn(&str) -> bool,
    depth: usize,
}

/// A condition operand: its expanded value, or why it could not be expanded.
enum Operand {
    Value(String),
    /// Every unresolved piece was an undefined property: the value MSBuild would see if no
    /// global property sets it (undefined = empty).
    Undefined(String),
    Unknown,
}

impl CondEval<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn word_is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn expr(&mut self) -> Option<Tri> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut v = self.and_expr()?;
        while self.word_is("or") {
            self.pos += 1;
            let r = self.and_expr()?;
            v = v.or(r);
        }
        self.depth -= 1;
        Some(v)
    }

    fn and_expr(&mut self) -> Option<Tri> {
        let mut v = self.unary()?;
        while self.word_is("and") {
            self.pos += 1;
            let r = self.unary()?;
            v = v.and(r);
        }
        Some(v)
    }

    fn unary(&mut self) -> Option<Tri> {
        match self.peek()? {
            Tok::Op("!") => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > 64 {
                    return None;
                }
                let v = self.unary()?.not();
                self.depth -= 1;
                Some(v)
            }
            Tok::Open => {
                self.pos += 1;
                let v = self.expr()?;
                match self.next()? {
                    Tok::Close => Some(v),
                    _ => None,
                }
            }
            Tok::Word(w) if matches!(self.toks.get(self.pos + 1), Some(Tok::Open)) => {
                let func = w.to_ascii_lowercase();
                self.pos += 2;
                let mut args = Vec::new();
                loop {
                    match self.next()? {
                        Tok::Close => break,
                        Tok::Comma => {}
                        Tok::Str(s) | Tok::Word(s) => args.push(s),
                        _ => return None,
                    }
                }
                Some(self.function(&func, &args))
            }
            _ => self.comparison(),
        }
    }

    fn function(&self, func: &str, args: &[String]) -> Tri {
        match (func, args) {
            ("exists", [p]) => match self.props.expand(p, self.this_dir) {
                Ok(path) if (self.exists)(&path) => Tri::True,
                _ => Tri::Unknown,
            },
            _ => Tri::Unknown,
        }
    }

    fn operand(&mut self) -> Option<Operand> {
        let raw = match self.next()? {
            Tok::Str(s) | Tok::Word(s) => s,
            _ => return None,
        };
        Some(self.expand_operand(&raw))
    }

    fn expand_operand(&self, raw: &str) -> Operand {
        match self.props.expand(raw, self.this_dir) {
            Ok(v) => Operand::Value(v),
            Err(Unresolved::Undefined(_)) => {
                // Expand again treating undefined properties as empty; anything else unknown.
                let mut tmp = Props {
                    map: self.props.map.clone(),
                };
                let mut guard = 0;
                loop {
                    guard += 1;
                    if guard > 64 {
                        return Operand::Unknown;
                    }
                    match tmp.expand(raw, self.this_dir) {
                        Ok(v) => return Operand::Undefined(v),
                        Err(Unresolved::Undefined(n)) => tmp.set(&n, Prop::Known(String::new())),
                        Err(_) => return Operand::Unknown,
                    }
                }
            }
            Err(_) => Operand::Unknown,
        }
    }

    fn comparison(&mut self) -> Option<Tri> {
        let lhs = self.operand()?;
        let op = match self.peek() {
            Some(Tok::Op(op)) if *op != "!" => *op,
            _ => {
                // A bare operand: `true` / `false` / `$(Flag)`.
                return Some(match lhs {
                    Operand::Value(v) if v.trim().eq_ignore_ascii_case("true") => Tri::True,
                    Operand::Value(v) if v.trim().eq_ignore_ascii_case("false") => Tri::False,
                    _ => Tri::Unknown,
                });
            }
        };
        self.pos += 1;
        let rhs = self.operand()?;
        // An undefined property only counts as empty in the "default value" idiom
        // (`'$(X)' == ''`); compared with anything else it may be set by the SDK or the
        // command line.
        let (l, r) = match (lhs, rhs) {
            (Operand::Value(l), Operand::Value(r)) => (l, r),
            (Operand::Undefined(u), Operand::Value(v))
            | (Operand::Value(v), Operand::Undefined(u))
                if v.trim().is_empty() =>
            {
                (u, v)
            }
            _ => return Some(Tri::Unknown),
        };
        let eq = l.trim().eq_ignore_ascii_case(r.trim());
        Some(match op {
            "==" => bool_tri(eq),
            "!=" => bool_tri(!eq),
            _ => match (l.trim().parse::<f64>(), r.trim().parse::<f64>()) {
                (Ok(a), Ok(b)) => bool_tri(match op {
                    "<" => a < b,
                    ">" => a > b,
                    "<=" => a <= b,
                    _ => a >= b,
                }),
                _ => Tri::Unknown,
            },
        })
    }
}

fn bool_tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

fn eval_condition(cond: &str, props: &Props, this_dir: &str, exists: &dyn Fn(&str) -> bool) -> Tri {
    let Some(toks) = tokenize(cond) else {
        return Tri::Unknown;
    };
    if toks.is_empty() {
        return Tri::True;
    }
    let mut ev = CondEval {
        toks,
        pos: 0,
        props,
        this_dir,
        exists,
        depth: 0,
    };
    match ev.expr() {
        Some(v) if ev.pos == ev.toks.len() => v,
        _ => Tri::Unknown,
    }
}

// ---------------------------------------------------------------------------------------------
// Paths

/// Joins `rel` (with `\` or `/`) onto `dir` and normalizes `.` / `..`; `None` for absolute
/// paths or paths leaving the scanned tree.
fn resolve_path(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.trim().replace('\\', "/");
    if rel.starts_with('/') || rel.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A file taking part in the evaluation.
struct Loaded<'a> {
    file: &'a SourceFile,
    doc: Option<Rc<XmlDocument>>,
}

/// An item as written, captured in pass 1 and evaluated in pass 2.
#[derive(Clone)]
struct RawItem<'a> {
    file: &'a SourceFile,
    el: Element,
    /// Conditions of enclosing ItemGroup / When and of the item itself, as written.
    conditions: Vec<String>,
    /// Whether the item is written in the project file itself (not an import).
    in_project: bool,
}

/// A metadata value and where it is written.
#[derive(Clone)]
struct Meta<'a> {
    value: String,
    span: Span,
    file: &'a SourceFile,
}

/// A `PackageReference` / `GlobalPackageReference` / `PackageDownload` after Include / Update /
/// Remove processing.
#[derive(Clone)]
struct RefItem<'a> {
    kind: Kind,
    id: String,
    file: &'a SourceFile,
    span: Span,
    meta: BTreeMap<String, Meta<'a>>,
    conditions: Vec<String>,
    /// Evidence of `Update` elements that changed this item.
    updates: Vec<(&'a SourceFile, Span)>,
    /// Created by an `Update` in the project for an item we never saw included (an implicit
    /// SDK reference).
    update_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    PackageReference,
    GlobalPackageReference,
    PackageDownload,
}

struct Evaluation<'a, 'c> {
    cx: &'c ExtractContext<'a>,
    project: &'a SourceFile,
    props: Props,
    items: Vec<RawItem<'a>>,
    visited: BTreeSet<String>,
    /// Files that could not be parsed (reported by their own extraction).
    broken: Vec<String>,
    /// SDK references (`Sdk="Name/Version"`, `<Sdk Name Version>`), with where they are.
    sdks: Vec<(String, Option<String>, &'a SourceFile, Span)>,
    /// Leave out references that a lock / assets file next to the project resolves.
    honor_lock: bool,
}

impl<'a, 'c> Evaluation<'a, 'c> {
    fn run(b: &mut Builder, project: &SourceFile, cx: &ExtractContext<'_>) {
        Self::run_with(b, project, cx, true);
    }

    /// `honor_lock`: leave out references a lock / assets file next to the project resolves.
    fn run_with(b: &mut Builder, project: &SourceFile, cx: &ExtractContext<'_>, honor_lock: bool) {
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

    fn builtin_props(&mut self) {
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

    fn lookup(&self, path: &str) -> Option<&'a SourceFile> {
        if let Some(f) = self.cx.get(path) {
            return Some(f);
        }
        self.cx
            .files
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map(|(_, f)| *f)
    }

    fn load(&mut self, file: &'a SourceFile) -> Loaded<'a> {
        let doc = match crate::sbom::xml::parse(&file.text) {
            Ok(d) => Some(Rc::new(d)),
            Err(_) => {
                self.broken.push(file.path.clone());
                None
            }
        };
        Loaded { file, doc }
    }

    fn evaluate(&mut self, project_doc: Rc<XmlDocument>) {
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

    fn import_file(&mut self, f: &'a SourceFile, conditions: &[String], depth: usize) {
        if depth > MAX_IMPORT_DEPTH || !self.visited.insert(f.path.to_ascii_lowercase()) {
            return;
        }
        let loaded = self.load(f);
        if let Some(doc) = loaded.doc {
            self.walk(loaded.file, &doc.root, conditions, depth + 1);
        }
    }

    fn exists_fn(&self) -> impl Fn(&str) -> bool + '_ {
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

    fn condition(&self, el: &Element, file: &SourceFile) -> (Option<String>, Tri) {
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
    fn walk(&mut self, file: &'a SourceFile, el: &Element, conditions: &[String], depth: usize) {
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

    fn choose(&mut self, file: &'a SourceFile, choose: &Element, conds: &[String], depth: usize) {
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
    fn walk_branch(
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

    fn property(&mut self, file: &'a SourceFile, p: &Element, group_truth: Tri, conds: &[String]) {
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

    fn import(&mut self, file: &'a SourceFile, el: &Element, conds: &[String], depth: usize) {
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

    fn resolve_import(&self, expr: &str, this_dir: &str) -> Option<String> {
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

    fn sdk_ref(&mut self, spec: &str, version: Option<String>, file: &'a SourceFile, span: Span) {
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

    // -----------------------------------------------------------------------------------------
    // Pass 2

    fn emit(&self, b: &mut Builder) {
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
        let mut resolved: Option<(BTreeMap<String, super::Resolved>, &str)> = None;
        if self.honor_lock {
            if let Some(ids) = self
                .cx
                .get(&lock_path)
                .and_then(|f| super::packages_lock::locked_versions(&f.text))
            {
                resolved = Some((ids, "packages.lock.json"));
            } else if let Some(ids) = self
                .cx
                .get(&assets_path)
                .and_then(|f| super::project_assets::resolved_versions(&f.text))
            {
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

    /// Include / Update / Remove for the item types restore reads.
    fn collect_items(&self, b: &mut Builder) -> (Vec<RefItem<'a>>, BTreeMap<String, RefItem<'a>>) {
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

    fn emit_ref(
        &self,
        b: &mut Builder,
        r: &RefItem<'a>,
        cpm: bool,
        pinning: bool,
        versions: &BTreeMap<String, RefItem<'a>>,
        locked: Option<(&super::Resolved, &str)>,
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
            let exists = self.exists_fn();
            let truth = r.conditions.iter().fold(Tri::True, |acc, c| {
                acc.and(eval_condition(
                    c,
                    &self.props,
                    dir_of(&r.file.path),
                    &exists,
                ))
            });
            if truth == Tri::False {
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
    fn emit_sdks(&self, b: &mut Builder) {
        if self.sdks.is_empty() {
            return;
        }
        let global = self
            .cx
            .find_upward(dir_of(&self.project.path), "global.json")
            .map(|g| super::global_json::msbuild_sdks(&g.text))
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
    fn packages_config(&self) -> Option<&'a SourceFile> {
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
    fn hint_path_packages(&self, b: &mut Builder) {
        let config = self.packages_config();
        let listed = config.and_then(|f| super::packages_config::listed(&f.text));
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
fn join_conditions(conditions: &[String]) -> String {
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
fn package_segments(hint: &str) -> Option<(&str, Option<&str>)> {
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
fn hint_path_package(hint: &str) -> Option<Result<(String, String, String), String>> {
    let (folder, next) = package_segments(hint)?;
    if let Some((id, version)) = split_package_folder(folder) {
        return Some(Ok((id, version, format!("packages/{folder}"))));
    }
    if let Some(n) = next.filter(|n| is_folder_version(n))
        && is_plausible_id(folder)
        && let Ok(version) = super::version::normalize(n)
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
fn is_plausible_id(id: &str) -> bool {
    id.chars().any(char::is_alphabetic) && super::id_problem(id).is_none()
}

/// NuGet version syntax as folder names carry it: two to four dot-separated numbers, then
/// nothing, a `-prerelease` or `+metadata`.
fn is_folder_version(s: &str) -> bool {
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
fn split_package_folder(folder: &str) -> Option<(String, String)> {
    for (i, _) in folder.match_indices('.') {
        let (Some(id), Some(rest)) = (folder.get(..i), folder.get(i + 1..)) else {
            continue;
        };
        if !is_plausible_id(id) || !is_folder_version(rest) {
            continue;
        }
        if let Ok(v) = super::version::normalize(rest) {
            return Some((id.to_string(), v));
        }
    }
    None
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

/// Item metadata from attributes and child elements (lowercase names).
fn metadata<'a>(el: &Element, file: &'a SourceFile) -> BTreeMap<String, Meta<'a>> {
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

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.to_ascii_lowercase();
    h.find(&needle.to_ascii_lowercase())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        let mut p = Props::default();
        for (k, v) in pairs {
            p.set(k, Prop::Known((*v).to_string()));
        }
        p
    }

    #[test]
    fn expands_properties_and_refuses_functions() {
        let p = props(&[("A", "1.2"), ("B", "$(A)")]);
        assert_eq!(p.expand("$(A).3", "src").as_deref(), Ok("1.2.3"));
        assert_eq!(
            p.expand("$(MSBuildThisFileDirectory)x", "src").as_deref(),
            Ok("src/x")
        );
        assert_eq!(
            p.expand("$(Nope)", ""),
            Err(Unresolved::Undefined("Nope".into()))
        );
        assert!(matches!(
            p.expand("$(A.Trim())", ""),
            Err(Unresolved::Expression(_))
        ));
        assert!(matches!(
            p.expand("$([System.String]::Copy('1'))", ""),
            Err(Unresolved::Expression(_))
        ));
        assert!(matches!(
            p.expand("@(Foo)", ""),
            Err(Unresolved::Expression(_))
        ));
        assert!(matches!(
            p.expand("$(A", ""),
            Err(Unresolved::Expression(_))
        ));
        assert_eq!(p.expand("100%", "").as_deref(), Ok("100%"));
    }

    #[test]
    fn conditions() {
        let p = props(&[("TargetFramework", "net8.0"), ("Flag", "true")]);
        let no = |_: &str| false;
        let ev = |c: &str| eval_condition(c, &p, "", &no);
        assert_eq!(ev("'$(TargetFramework)' == 'net8.0'"), Tri::True);
        assert_eq!(ev("'$(TargetFramework)' == 'NET8.0'"), Tri::True);
        assert_eq!(ev("'$(TargetFramework)' != 'net8.0'"), Tri::False);
        assert_eq!(ev("'$(Undefined)' == ''"), Tri::True);
        assert_eq!(ev("'$(Undefined)' == 'x'"), Tri::Unknown);
        assert_eq!(ev("$(Flag)"), Tri::True);
        assert_eq!(
            ev("'$(Flag)' == 'true' and '$(Undefined)' == 'x'"),
            Tri::Unknown
        );
        assert_eq!(
            ev("'$(Flag)' == 'false' and '$(Undefined)' == 'x'"),
            Tri::False
        );
        assert_eq!(
            ev("('$(Flag)' == 'false') or !('$(Flag)' == 'false')"),
            Tri::True
        );
        assert_eq!(ev("Exists('x')"), Tri::Unknown);
        assert_eq!(ev("$([MSBuild]::IsOSPlatform('Windows'))"), Tri::Unknown);
        assert_eq!(ev("'unterminated"), Tri::Unknown);
        assert_eq!(ev("1 < 2"), Tri::True);
        let deep = format!("{}true{}", "(".repeat(500), ")".repeat(500));
        assert_eq!(ev(&deep), Tri::Unknown);
        let nots = format!("{}true", "!".repeat(500));
        assert_eq!(ev(&nots), Tri::Unknown);
    }

    #[test]
    fn paths() {
        assert_eq!(
            resolve_path("src/App", "..\\Directory.Build.props").as_deref(),
            Some("src/Directory.Build.props")
        );
        assert_eq!(resolve_path("", "../x"), None);
        assert_eq!(resolve_path("a", "C:\\x"), None);
        assert_eq!(unescape("A%3BB"), "A;B");
        assert_eq!(unescape("%zz"), "%zz");
    }

    #[test]
    fn package_folders_of_hint_paths() {
        fn folder(h: &str) -> Option<&str> {
            package_segments(h).map(|(f, _)| f)
        }
        assert_eq!(
            folder("..\\..\\packages\\Microsoft.Owin.4.0.1\\lib\\net45\\Microsoft.Owin.dll"),
            Some("Microsoft.Owin.4.0.1")
        );
        assert_eq!(
            folder("$(SolutionDir)packages\\Antlr.3.5.0.2\\lib\\Antlr3.Runtime.dll"),
            Some("Antlr.3.5.0.2")
        );
        assert_eq!(folder("../Packages/x.1.0/a.dll"), Some("x.1.0"));
        assert_eq!(folder("..\\mypackages\\x.1.0\\a.dll"), None);
        assert_eq!(folder("..\\lib\\a.dll"), None);
        assert_eq!(folder("packages\\"), None);
        assert_eq!(folder(""), None);
        let pkg = |h: &str| hint_path_package(h).map(|r| r.map(|(i, v, f)| format!("{i} {v} {f}")));
        assert_eq!(
            pkg("..\\packages\\Owin.1.0\\lib\\Owin.dll"),
            Some(Ok("Owin 1.0.0 packages/Owin.1.0".to_string()))
        );
        assert_eq!(
            pkg("$(UserProfile)\\.nuget\\packages\\serilog.sinks.console\\4.1.0\\lib\\x.dll"),
            Some(Ok(
                "serilog.sinks.console 4.1.0 packages/serilog.sinks.console/4.1.0".to_string()
            ))
        );
        assert_eq!(
            pkg("..\\packages\\BuildTools\\lib\\BuildTools.dll"),
            Some(Err("packages/BuildTools".to_string()))
        );
        assert_eq!(pkg("..\\lib\\x.dll"), None);
    }

    #[test]
    fn package_folder_names_split_into_id_and_version() {
        let split = |f: &str| split_package_folder(f).map(|(i, v)| format!("{i} {v}"));
        assert_eq!(
            split("Microsoft.Owin.4.0.1").as_deref(),
            Some("Microsoft.Owin 4.0.1")
        );
        assert_eq!(split("Antlr.3.5.0.2").as_deref(), Some("Antlr 3.5.0.2"));
        assert_eq!(split("Owin.1.0").as_deref(), Some("Owin 1.0.0"));
        assert_eq!(split("log4net.2.0.10").as_deref(), Some("log4net 2.0.10"));
        assert_eq!(
            split("Xamarin.Android.Support.v4.23.0.1.3").as_deref(),
            Some("Xamarin.Android.Support.v4 23.0.1.3")
        );
        assert_eq!(
            split("NETStandard.Library.NETFramework.2.0.0-preview2-25405-01").as_deref(),
            Some("NETStandard.Library.NETFramework 2.0.0-preview2-25405-01")
        );
        assert_eq!(split("Foo.2D.1.0.0").as_deref(), Some("Foo.2D 1.0.0"));
        assert_eq!(
            split("51Degrees.mobi.3.2.1").as_deref(),
            Some("51Degrees.mobi 3.2.1")
        );
        assert_eq!(split("BuildTools"), None);
        assert_eq!(split("1.0.0"), None);
        assert_eq!(split("Foo."), None);
        assert_eq!(split("Foo.1.x"), None);
        assert_eq!(split("Foo.1"), None);
        // Five numbers: the first belongs to the id.
        assert_eq!(split("Foo.1.2.3.4.5").as_deref(), Some("Foo.1 2.3.4.5"));
        assert_eq!(split("Bar.1.Baz.1.0").as_deref(), Some("Bar.1.Baz 1.0.0"));
        assert_eq!(split("é.1.0"), Some("é 1.0.0".to_string()));
    }
}
