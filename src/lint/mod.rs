//! The rule engine: rule metadata (generated from `rules/<ID>.md`), the per-file lint context
//! and the emitter rules report through.

pub mod helpers;
pub mod meta;
#[rustfmt::skip]
pub mod registry;
#[rustfmt::skip]
pub mod rules;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::baseimage::images::{self, ImageUse};
use crate::baseimage::policy::ImagePolicy;
use crate::dockerfile::shell::{self, Dialect, Script};
use crate::dockerfile::stages::{Os, ShellKind, StageModel};
use crate::dockerfile::{Dockerfile, Form, Instruction, InstructionKind, Logical};
use crate::finding::Severity;
use crate::source::{Date, SourceFile, Span};

pub use meta::{OsScope, RuleMeta};

/// Facts about the file's surroundings that rules may need but cannot read themselves.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// A `.dockerignore` (or `<Dockerfile>.dockerignore`) exists next to the Dockerfile / in the
    /// scan root. `None` = unknown (stdin, editor buffers): rules that need it stay silent.
    pub has_dockerignore: Option<bool>,
    /// Digests and signature states the registry reported (`--resolve`), by normalized
    /// reference. Empty when resolution was not asked for.
    pub resolved: crate::baseimage::resolved::Resolutions,
}

/// A shell-form command of one instruction, split into commands in the dialect of the shell
/// active at that instruction. Offsets of `script` commands are into `text.text`; use
/// [`ShellScript::span`] to get file spans.
#[derive(Debug, Clone)]
pub struct ShellScript<'a> {
    /// Index of the instruction (into `Dockerfile::instructions`).
    pub instruction: usize,
    pub inst: &'a Instruction,
    /// The stage the instruction belongs to.
    pub stage: Option<usize>,
    pub os: Os,
    pub shell: &'a ShellKind,
    /// Logical text that was split (the shell form text, or a heredoc body).
    pub text: Logical,
    pub script: Script,
}

impl ShellScript<'_> {
    /// File span of a byte range of `text`.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        self.text.span(range.start, range.end)
    }
}

/// Everything a rule sees for one Dockerfile.
pub struct LintContext<'a> {
    pub file: &'a SourceFile,
    pub df: &'a Dockerfile,
    pub model: &'a StageModel,
    pub ctx: &'a FileContext,
    /// The base-image policy (embedded default unless the engine sets the configured one).
    pub policy: &'a ImagePolicy,
    /// Today's date for dated checks (lifecycle data). Defaults to 1970-01-01 until set.
    pub today: Date,
    /// External images the file pulls (FROM, COPY --from, RUN --mount from), ARGs resolved.
    pub images: Vec<ImageUse>,
    scripts: Vec<ShellScript<'a>>,
    /// Windows command analysis of each entry of `scripts` (same order), computed on first use
    /// and shared by every Windows rule instead of each rule splitting the scripts again.
    windows: std::cell::OnceCell<Vec<helpers::windows::Analysis>>,
}

static EMBEDDED_POLICY: LazyLock<ImagePolicy> = LazyLock::new(ImagePolicy::embedded);

impl<'a> LintContext<'a> {
    pub fn new(
        file: &'a SourceFile,
        df: &'a Dockerfile,
        model: &'a StageModel,
        ctx: &'a FileContext,
    ) -> Self {
        let scripts = build_scripts(df, model);
        let images = images::collect(df, model, &BTreeMap::new());
        Self {
            file,
            df,
            model,
            ctx,
            policy: &EMBEDDED_POLICY,
            today: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            images,
            scripts,
            windows: std::cell::OnceCell::new(),
        }
    }

    /// Sets the base-image policy, today's date and the build args used to resolve ARGs in
    /// image references.
    pub fn with_policy(
        mut self,
        policy: &'a ImagePolicy,
        today: Date,
        build_args: &BTreeMap<String, String>,
    ) -> Self {
        self.policy = policy;
        self.today = today;
        // `new` collected them without build args: redo only when the args can change them.
        if !build_args.is_empty() {
            self.images = images::collect(self.df, self.model, build_args);
        }
        self
    }

    pub fn text(&self) -> &'a str {
        &self.file.text
    }

    /// Every RUN command script (shell form and heredoc bodies run by a shell), in order, parsed
    /// in the dialect of the shell active at that instruction. Exec-form RUN `["powershell",
    /// "-Command", "..."]` and `["cmd","/S","/C","..."]` are included with the script text taken
    /// from the last element.
    pub fn run_scripts(&self) -> &[ShellScript<'a>] {
        &self.scripts
    }

    /// [`Self::run_scripts`] paired with their Windows command analysis (empty for scripts not
    /// run by PowerShell or cmd). Computed once per file.
    pub fn scripts_with_analysis(
        &self,
    ) -> impl Iterator<Item = (&ShellScript<'a>, &helpers::windows::Analysis)> {
        let analyses = self
            .windows
            .get_or_init(|| self.scripts.iter().map(helpers::windows::analyze).collect());
        self.scripts.iter().zip(analyses.iter())
    }

    /// OS of the stage an instruction belongs to (`Unknown` before the first FROM).
    pub fn os_at(&self, instruction: usize) -> Os {
        self.model
            .stage_of
            .get(instruction)
            .copied()
            .flatten()
            .and_then(|s| self.model.stages.get(s))
            .map_or(Os::Unknown, |s| s.os)
    }

    /// Instructions with their indices.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.df.instructions.iter().enumerate()
    }

    pub fn instructions_of(
        &self,
        kind: InstructionKind,
    ) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.df
            .instructions
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.kind == kind)
    }
}

fn dialect_of(shell: &ShellKind) -> Dialect {
    match shell {
        ShellKind::PowerShell { .. } => Dialect::PowerShell,
        ShellKind::Cmd => Dialect::Cmd,
        ShellKind::Posix { .. } | ShellKind::Other { .. } => Dialect::Posix,
    }
}

fn build_scripts<'a>(df: &'a Dockerfile, model: &'a StageModel) -> Vec<ShellScript<'a>> {
    let mut out = Vec::new();
    for (idx, inst) in df.instructions.iter().enumerate() {
        let inst_ref: &Instruction = match inst.kind {
            InstructionKind::Run => inst,
            InstructionKind::Onbuild => match inst.onbuild.as_deref() {
                Some(sub) if sub.kind == InstructionKind::Run => sub,
                _ => continue,
            },
            _ => continue,
        };
        let Some(shell) = model.shell_at.get(idx) else {
            continue;
        };
        let stage = model.stage_of.get(idx).copied().flatten();
        let os = stage
            .and_then(|s| model.stages.get(s))
            .map_or(Os::Unknown, |s| s.os);
        let mut push = |text: Logical, kind: &'a ShellKind, dialect: Dialect| {
            let script = shell::parse(&text.text, dialect);
            out.push(ShellScript {
                instruction: idx,
                inst: inst_ref,
                stage,
                os,
                shell: kind,
                text,
                script,
            });
        };
        match &inst_ref.form {
            Form::Shell(text) => {
                push(text.clone(), &shell.kind, dialect_of(&shell.kind));
                // Heredoc bodies of `RUN <<EOF` are scripts run by the same shell.
                for h in &inst_ref.heredocs {
                    let first = text.text.split_whitespace().next().unwrap_or("");
                    let runs_body = first.starts_with("<<")
                        || matches!(
                            shell::program_name(first).as_str(),
                            "sh" | "bash" | "ash" | "dash" | "zsh" | "powershell" | "pwsh"
                        );
                    if runs_body {
                        let body = h.body_logical.clone();
                        push(body, &shell.kind, dialect_of(&shell.kind));
                    }
                }
            }
            Form::Exec(words) => {
                // ["powershell", "-Command", "..."] / ["cmd", "/S", "/C", "..."] / ["sh", "-c", "..."]
                if let (Some(first), Some(last)) = (words.first(), words.last())
                    && words.len() >= 2
                {
                    let prog = shell::program_name(&first.text);
                    let dialect = match prog.as_str() {
                        "powershell" | "pwsh" => Some(Dialect::PowerShell),
                        "cmd" => Some(Dialect::Cmd),
                        "sh" | "bash" | "ash" | "dash" | "zsh" => Some(Dialect::Posix),
                        _ => None,
                    };
                    if let Some(d) = dialect {
                        // Exec-form words are JSON-decoded; offsets inside map approximately
                        // to the quoted word (skip the opening quote).
                        let text = Logical {
                            text: last.text.clone(),
                            segments: vec![(0, last.span.start + 1)],
                        };
                        push(text, &shell.kind, d);
                    }
                }
            }
            Form::None => {}
        }
    }
    out
}

/// Collects findings of one rule.
pub struct Emitter {
    rule: &'static RuleMeta,
    pub(crate) out: Vec<RawFinding>,
}

/// A finding before suppression, severity overrides and location resolution.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule: &'static RuleMeta,
    pub span: Span,
    pub message: String,
    /// Overrides the rule's default severity for this one finding (e.g. DF400 is an error for
    /// untagged MCR Windows images). Config overrides still win.
    pub severity: Option<Severity>,
    /// Content used for the fingerprint; defaults to the text under `span`.
    pub fingerprint_content: Option<String>,
    pub fix: Option<crate::finding::Fix>,
}

impl Emitter {
    pub fn new(rule: &'static RuleMeta) -> Self {
        Self {
            rule,
            out: Vec::new(),
        }
    }

    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// Reports a finding at `span` with the rule's default severity.
    pub fn emit(&mut self, span: Span, message: impl Into<String>) {
        self.out.push(RawFinding {
            rule: self.rule,
            span,
            message: message.into(),
            severity: None,
            fingerprint_content: None,
            fix: None,
        });
    }

    /// Reports a finding with full control over its fields.
    pub fn emit_raw(&mut self, f: RawFinding) {
        self.out.push(f);
    }

    pub fn into_findings(self) -> Vec<RawFinding> {
        self.out
    }
}

/// A rule's check function: reads the context, emits findings.
pub type CheckFn = fn(&LintContext<'_>, &mut Emitter);

/// A registered rule: metadata parsed from its doc plus its check.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: CheckFn,
}

/// Runs `rules` over one parsed Dockerfile. Parse diagnostics (DF100–DF102) are produced by the
/// caller from `df.diagnostics`.
pub fn run_rules(cx: &LintContext<'_>, rules: &[&Rule]) -> Vec<RawFinding> {
    let mut all = Vec::new();
    for rule in rules {
        let mut em = Emitter::new(rule.meta);
        (rule.check)(cx, &mut em);
        all.extend(em.out);
    }
    all
}
