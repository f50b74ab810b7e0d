//! The pure scan: files + config + today → [`Report`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::baseimage::policy::ImagePolicy;
use crate::baseimage::resolved::Resolutions;
use crate::config::{Config, RuleSetting};
use crate::dockerfile::stages::{self, StageOptions};
use crate::dockerfile::{self, Dockerfile};
use crate::finding::{
    FailOn, Finding, Location, Severity, Suppression, SuppressionKind, fingerprint,
};
use crate::lint::{self, FileContext, LintContext, RawFinding, Rule, RuleMeta, registry};
use crate::parallel::{Map, Sequential};
use crate::sbom::assemble::assemble_with;
use crate::sbom::{AssembleOptions, Sbom};
use crate::sca::{self, AdvisoryData, DependencyOptions, ScaResult};
use crate::source::{Date, LineIndex, SourceFile, Span};
use crate::suppress;

/// What kind of file a path is, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Dockerfile,
    DockerIgnore,
    /// A manifest or lock file an SBOM extractor reads (dependency scans only).
    Manifest,
    Other,
}

/// Classifies a repository-relative path: `Dockerfile`, `Containerfile`, `*.Dockerfile`,
/// `*.dockerfile`, `Dockerfile.*` / `Containerfile.*` (but not `Dockerfile.dockerignore`).
pub fn classify(path: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
        return FileKind::DockerIgnore;
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
    {
        return FileKind::Dockerfile;
    }
    FileKind::Other
}

/// Scan options beyond the config file.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub today: Date,
    /// Paths whose `.dockerignore` presence is unknown (stdin, editor): DF127 stays silent.
    pub dockerignore_known: bool,
    /// Paths linted as Dockerfiles whatever their names (files named on the command line).
    pub forced_dockerfiles: Vec<String>,
    /// Registry answers for images (`--resolve`), by normalized reference.
    pub resolved: Resolutions,
    /// Dependency scanning: SBOM extraction over manifests, lock files and Dockerfiles, and
    /// advisory matching. `None` = Dockerfile linting only.
    pub dependencies: Option<DependencyOptions>,
}

impl ScanOptions {
    pub fn new(today: Date) -> Self {
        Self {
            today,
            dockerignore_known: true,
            forced_dockerfiles: Vec::new(),
            resolved: Resolutions::new(),
            dependencies: None,
        }
    }

    /// These options with dependency scanning.
    pub fn with_dependencies(mut self, dependencies: DependencyOptions) -> Self {
        self.dependencies = Some(dependencies);
        self
    }
}

/// A problem that is not a finding: config errors, unreadable files, expired ignores.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScannedFile {
    pub path: String,
    pub kind: FileKind,
}

/// The result of a scan; reporters are pure functions of it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tool_version: &'static str,
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub files: Vec<ScannedFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Rules that were enabled for this scan, in id order (SARIF `rules[]`).
    #[serde(skip)]
    pub rules: Vec<&'static RuleMeta>,
    pub fail_on: FailOn,
    /// Text of every scanned file by path (for code frames).
    #[serde(skip)]
    pub sources: BTreeMap<String, Arc<str>>,
    /// The SBOM of a dependency scan (CycloneDX output), `None` when dependencies were not
    /// scanned.
    #[serde(skip)]
    pub sbom: Option<Sbom>,
    /// Advisory matches and per-advisory metadata of a dependency scan (SARIF rules,
    /// CycloneDX `vulnerabilities`); empty when dependencies were not checked.
    #[serde(skip)]
    pub sca: ScaResult,
}

impl Report {
    /// Unsuppressed findings at or above the threshold.
    pub fn failing(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.is_suppressed() && self.fail_on.fails(f.severity))
            .count()
    }

    /// Exit code: 0 clean, 1 findings at/above threshold. (2 is decided by the caller for
    /// usage/config/IO errors.)
    pub fn exit_code(&self) -> i32 {
        if self.failing() > 0 { 1 } else { 0 }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.is_suppressed() && f.severity == severity)
            .count()
    }
}

pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Rules enabled under `config` (rules are on by default unless set `off`).
pub fn enabled_rules(config: &Config) -> Vec<&'static Rule> {
    registry::all()
        .iter()
        .filter(|r| !matches!(config.rule_setting(r.meta.id), Some(RuleSetting::Off)))
        .collect()
}

/// Scans the given files: lints Dockerfiles and, with [`ScanOptions::dependencies`], builds
/// the SBOM of manifests, lock files and Dockerfiles and matches it against advisories.
pub fn scan(files: &[SourceFile], config: &Config, opts: &ScanOptions) -> Report {
    scan_with(files, config, opts, &Sequential)
}

/// [`scan`] with the per-file work (linting each Dockerfile, each SBOM extractor on each file)
/// handed to `map`; the report is the same whatever `map` does with it.
pub fn scan_with<M: Map>(
    files: &[SourceFile],
    config: &Config,
    opts: &ScanOptions,
    map: &M,
) -> Report {
    let rules = enabled_rules(config);
    let policy = &config.images;
    let mut report = Report {
        tool_version: TOOL_VERSION,
        findings: Vec::new(),
        files: Vec::new(),
        diagnostics: Vec::new(),
        rules: rules.iter().map(|r| r.meta).collect(),
        fail_on: config.fail_on,
        sources: BTreeMap::new(),
        sbom: None,
        sca: ScaResult::default(),
    };
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let forced: BTreeSet<&str> = opts.forced_dockerfiles.iter().map(String::as_str).collect();
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut jobs: Vec<(&SourceFile, FileContext)> = Vec::new();
    for file in sorted {
        if config.is_excluded(&file.path) {
            continue;
        }
        let kind = if forced.contains(file.path.as_str()) {
            FileKind::Dockerfile
        } else {
            classify(&file.path)
        };
        if kind == FileKind::Other {
            if opts.dependencies.is_some() && is_manifest(&file.path) {
                report.files.push(ScannedFile {
                    path: file.path.clone(),
                    kind: FileKind::Manifest,
                });
            }
            continue;
        }
        report.files.push(ScannedFile {
            path: file.path.clone(),
            kind,
        });
        if kind != FileKind::Dockerfile {
            continue;
        }
        let ctx = FileContext {
            has_dockerignore: opts
                .dockerignore_known
                .then(|| has_dockerignore(&paths, &file.path)),
            resolved: opts.resolved.clone(),
        };
        jobs.push((file, ctx));
    }
    let linted = map.map(&jobs, &|(file, ctx)| {
        lint_file(file, config, policy, &rules, ctx, opts.today)
    });
    for ((file, _), (findings, diags)) in jobs.iter().zip(linted) {
        report.findings.extend(findings);
        report.diagnostics.extend(diags);
        report
            .sources
            .insert(file.path.clone(), Arc::from(file.text.as_str()));
    }
    if let Some(deps) = &opts.dependencies {
        scan_dependencies(files, config, opts.today, deps, &mut report, map);
    }
    report.findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.region.start,
            &a.rule,
            &a.message,
        )
            .cmp(&(
                &b.location.path,
                b.location.region.start,
                &b.rule,
                &b.message,
            ))
    });
    for ig in config.expired_ignores(opts.today) {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: config.source.clone(),
            line: Some(ig.line),
            message: format!(
                "ignore of {} expired on {} and no longer applies (\"{}\"): fix the findings or renew it with a new `until`",
                ig.rules.join(", "),
                ig.until.map(|d| d.to_string()).unwrap_or_default(),
                ig.reason
            ),
        });
    }
    for ig in config.expired_advisory_ignores(opts.today) {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: config.source.clone(),
            line: Some(ig.line),
            message: format!(
                "advisory ignore of {} expired on {} and no longer applies (\"{}\"): upgrade the package or renew it with a new `until`",
                ig.ids.join(", "),
                ig.until.map(|d| d.to_string()).unwrap_or_default(),
                ig.reason
            ),
        });
    }
    report.diagnostics.sort();
    report.diagnostics.dedup();
    report
}

/// Whether an SBOM extractor reads this path (and it is not a Dockerfile).
fn is_manifest(path: &str) -> bool {
    classify(path) == FileKind::Other && crate::sbom::extract::all().iter().any(|e| (e.wants)(path))
}

/// Merges the host's own diagnostics (reading files, loading advisories) into a finished
/// report and notes when nothing at all was scanned, the same way on every host (CLI,
/// WebAssembly).
pub fn add_host_diagnostics(report: &mut Report, diagnostics: Vec<Diagnostic>) {
    report.diagnostics.extend(diagnostics);
    report.diagnostics.sort();
    if report.files.is_empty() && report.diagnostics.is_empty() {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Note,
            path: None,
            line: None,
            message: "no Dockerfiles, manifests or lock files found (looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* and the manifests and lock files the SBOM reads)".into(),
        });
    }
}

/// Keeps only the dependency findings of a report (known-vulnerable packages; `--dependencies-only`
/// of `scan`, used by the pre-commit hook for manifests): findings of Dockerfile rules are
/// dropped, diagnostics and the SBOM stay.
pub fn keep_dependency_findings(report: &mut Report) {
    report
        .findings
        .retain(|f| crate::lint::registry::find(&f.rule).is_none());
}

/// The SBOM a dependency scan of `files` builds (what [`scan`] assembles; callers use it to
/// know which advisories to load).
pub fn dependency_sbom(files: &[SourceFile], config: &Config, root_name: &str) -> Sbom {
    dependency_sbom_with(files, config, root_name, &Sequential)
}

/// [`dependency_sbom`] with the extractor runs handed to `map` (same result).
pub fn dependency_sbom_with<M: Map>(
    files: &[SourceFile],
    config: &Config,
    root_name: &str,
    map: &M,
) -> Sbom {
    let opts = AssembleOptions {
        root_name: root_name.to_string(),
        ..AssembleOptions::default()
    };
    if files.iter().any(|f| config.is_excluded(&f.path)) {
        let kept: Vec<SourceFile> = files
            .iter()
            .filter(|f| !config.is_excluded(&f.path))
            .cloned()
            .collect();
        assemble_with(&kept, &opts, map)
    } else {
        assemble_with(files, &opts, map)
    }
}

/// SBOM extraction and advisory matching (see [`ScanOptions::dependencies`]).
fn scan_dependencies<M: Map>(
    files: &[SourceFile],
    config: &Config,
    today: Date,
    deps: &DependencyOptions,
    report: &mut Report,
    map: &M,
) {
    let kept: Vec<&SourceFile> = files
        .iter()
        .filter(|f| !config.is_excluded(&f.path))
        .collect();
    // The caller may have assembled it already (to know which advisories to load).
    let sbom = match &deps.sbom {
        Some(sbom) if sbom.root_name == deps.root_name => sbom.clone(),
        _ => dependency_sbom_with(files, config, &deps.root_name, map),
    };
    // Extraction problems: malformed files and unresolvable properties are warnings (the rest
    // of the scan stands); informational notes stay in the SBOM.
    for d in &sbom.diagnostics {
        if d.severity == Severity::Note {
            continue;
        }
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: Some(d.path.clone()),
            line: Some(d.line.max(1)),
            message: format!("dependencies: {}", d.message),
        });
    }
    let checkable = sbom
        .components
        .iter()
        .any(|c| c.component.ecosystem.osv_name().is_some());
    match &deps.advisories {
        AdvisoryData::Loaded(advisories) => {
            let result = sca::assess(
                &sbom,
                advisories,
                config,
                today,
                &deps.vex,
                &deps.match_options,
            );
            let by_path: BTreeMap<String, &str> = kept
                .iter()
                .map(|f| (f.path.clone(), f.text.as_str()))
                .collect();
            let findings = sca::to_findings(&result, &by_path);
            for f in &findings {
                for path in std::iter::once(&f.location.path)
                    .chain(f.related.iter().map(|r| &r.location.path))
                {
                    if !report.sources.contains_key(path)
                        && let Some(text) = by_path.get(path)
                    {
                        report.sources.insert(path.clone(), Arc::from(*text));
                    }
                }
            }
            report.findings.extend(findings);
            report.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                path: None,
                line: None,
                message: sca::summary_line(&result),
            });
            report.sca = result;
        }
        AdvisoryData::Unavailable(why) => {
            if checkable {
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    path: None,
                    line: None,
                    message: sca::unavailable_message(why),
                });
            }
        }
        AdvisoryData::Disabled => {
            if checkable {
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    path: None,
                    line: None,
                    message: "dependencies were not checked for known vulnerabilities (--advisories none)".into(),
                });
            }
        }
    }
    report.sbom = Some(sbom);
}

fn has_dockerignore(paths: &BTreeSet<&str>, dockerfile: &str) -> bool {
    let dir = dockerfile.rsplit_once('/').map_or("", |(d, _)| d);
    let name = dockerfile.rsplit('/').next().unwrap_or(dockerfile);
    let join = |f: &str| {
        if dir.is_empty() {
            f.to_string()
        } else {
            format!("{dir}/{f}")
        }
    };
    paths.contains(join(".dockerignore").as_str())
        || paths.contains(join(&format!("{name}.dockerignore")).as_str())
        || paths.contains(".dockerignore")
}

/// Parses and lints one Dockerfile with the given rules, applying suppressions, config
/// severities and ignores.
pub fn lint_file(
    file: &SourceFile,
    config: &Config,
    policy: &ImagePolicy,
    rules: &[&'static Rule],
    ctx: &FileContext,
    today: Date,
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let df: Dockerfile = dockerfile::parse(&file.text);
    let model = stages::analyze(
        &df,
        &StageOptions {
            target: config.target.clone(),
            build_args: config.build_args.clone(),
        },
    );
    let cx =
        LintContext::new(file, &df, &model, ctx).with_policy(policy, today, &config.build_args);
    let raw = lint::run_rules(&cx, rules);
    let mut diags = Vec::new();
    let findings = finalize(file, &df, &model, config, raw, today, &mut diags);
    (findings, diags)
}

fn finalize(
    file: &SourceFile,
    df: &Dockerfile,
    model: &stages::StageModel,
    config: &Config,
    raw: Vec<RawFinding>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Finding> {
    let lines: &LineIndex = &df.lines;
    let mut sup = suppress::Suppressions::collect(df, model);
    let mut occurrences: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(raw.len());
    let mut raw = raw;
    raw.sort_by_key(|r| (r.span.start, r.rule.id));
    let mut reach: Option<Vec<bool>> = None;
    for r in raw {
        let mut severity = r.severity.unwrap_or(r.rule.severity);
        if let Some(RuleSetting::Severity(s)) = config.rule_setting(r.rule.id) {
            severity = s;
        } else if config.build_only_downgrade
            && r.rule.is_security()
            && !r.rule.id.starts_with("DF3")
        {
            // Security findings on stages the final image does not depend on are less severe.
            if let Some(stage) = stage_of_span(df, model, r.span) {
                let reach = reach.get_or_insert_with(|| model.reachable_from_final(df));
                if !reach.get(stage).copied().unwrap_or(true) {
                    severity = downgrade(severity);
                }
            }
        }
        let content = r
            .fingerprint_content
            .clone()
            .unwrap_or_else(|| instruction_text(file, df, r.span));
        let key = (r.rule.id.to_string(), content.clone());
        let n = occurrences.entry(key).or_insert(0);
        let fp = fingerprint(r.rule.id, &file.path, &content, *n);
        *n += 1;
        let suppression = sup
            .suppress(r.rule.id, r.span, lines, &file.text)
            .map(|reason| Suppression {
                kind: SuppressionKind::InSource,
                reason,
            })
            .or_else(|| {
                config
                    .ignore_for(r.rule.id, &file.path, today)
                    .map(|ig| Suppression {
                        kind: SuppressionKind::External,
                        reason: ig.reason.clone(),
                    })
            });
        out.push(Finding {
            rule: r.rule.id.to_string(),
            severity,
            message: r.message,
            location: Location {
                path: file.path.clone(),
                span: r.span,
                region: lines.region(&file.text, r.span),
            },
            fingerprint: fp,
            related: Vec::new(),
            fix: r.fix,
            suppression,
        });
    }
    for unused in sup.unused() {
        let span = unused.span;
        out.push(Finding {
            rule: suppress::UNUSED_SUPPRESSION_RULE.to_string(),
            severity: Severity::Warning,
            message: unused.message(),
            location: Location {
                path: file.path.clone(),
                span,
                region: lines.region(&file.text, span),
            },
            fingerprint: fingerprint(
                suppress::UNUSED_SUPPRESSION_RULE,
                &file.path,
                span.slice(&file.text),
                0,
            ),
            related: Vec::new(),
            fix: None,
            suppression: None,
        });
    }
    for bad in sup.malformed() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: Some(file.path.clone()),
            line: Some(lines.position(&file.text, bad.span.start).line),
            message: bad.message.clone(),
        });
    }
    out
}

fn downgrade(s: Severity) -> Severity {
    match s {
        Severity::Error => Severity::Warning,
        _ => Severity::Note,
    }
}

fn stage_of_span(df: &Dockerfile, model: &stages::StageModel, span: Span) -> Option<usize> {
    let idx = df
        .instructions
        .iter()
        .position(|i| i.full_span.start <= span.start && span.start <= i.full_span.end)?;
    model.stage_of.get(idx).copied().flatten()
}

/// The text of the instruction containing `span` (fingerprint content), else the span text.
fn instruction_text(file: &SourceFile, df: &Dockerfile, span: Span) -> String {
    let hit = span.slice(&file.text);
    let inst = df
        .instructions
        .iter()
        .find(|i| i.full_span.start <= span.start && span.start <= i.full_span.end);
    match inst {
        Some(i) => format!("{}\u{0}{}", i.span.slice(&file.text), hit),
        None => hit.to_string(),
    }
}
