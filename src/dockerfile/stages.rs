//! Stage model: stages, inferred OS, active shell. STUB bodies — replaced by the stage work.

use serde::Serialize;

use super::model::Dockerfile;
use crate::source::Span;

/// Operating system a stage targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
    Unknown,
}

/// Why the OS was inferred (shown in explanations / `portcullis images`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OsEvidence {
    Platform,
    BaseImage,
    ParentStage,
    EscapeDirective,
    Shell,
    WindowsPaths,
    Default,
}

/// The shell that runs shell-form RUN/CMD/ENTRYPOINT at an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ShellKind {
    /// sh / bash / ash / dash / zsh ... `pipefail` true when `-o pipefail` is in the SHELL argv.
    Posix { program: String, pipefail: bool },
    /// powershell.exe (Windows PowerShell 5.1, `core == false`) or pwsh (PowerShell 7+, `core == true`).
    /// `error_action_stop` / `progress_silent`: the SHELL argv sets `$ErrorActionPreference = 'Stop'` /
    /// `$ProgressPreference = 'SilentlyContinue'`.
    PowerShell {
        core: bool,
        error_action_stop: bool,
        progress_silent: bool,
    },
    /// cmd.exe (`cmd /S /C`), the Windows default.
    Cmd,
    /// Anything else (argv[0] unknown).
    Other { program: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shell {
    pub kind: ShellKind,
    /// The SHELL argv (or the default `["/bin/sh","-c"]` / `["cmd","/S","/C"]`).
    pub argv: Vec<String>,
    /// Index (into `Dockerfile::instructions`) of the SHELL instruction that set it; `None` = default.
    pub set_by: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub index: usize,
    /// `AS name` (lowercased, as BuildKit compares stage names case-insensitively).
    pub name: Option<String>,
    pub name_span: Option<Span>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction indices `from..end` belong to this stage (end exclusive).
    pub end: usize,
    /// The image word as written (e.g. `${BASE}` or `mcr.microsoft.com/windows/servercore:ltsc2022`).
    pub base_raw: String,
    pub base_span: Span,
    /// The base after expanding global ARGs (defaults + build args); `None` if it cannot be resolved
    /// (undeclared variable or ARG without value).
    pub base: Option<String>,
    /// When the base names an earlier stage (case-insensitive), its index.
    pub parent_stage: Option<usize>,
    /// `--platform` value as written.
    pub platform: Option<String>,
    pub os: Os,
    pub os_evidence: OsEvidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlobalArg {
    pub name: String,
    pub default: Option<String>,
    pub instruction: usize,
}

#[derive(Debug, Clone, Default)]
pub struct StageOptions {
    /// `--target`: the final stage name; default = last stage.
    pub target: Option<String>,
    /// `--build-arg` values (override ARG defaults).
    pub build_args: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageModel {
    pub stages: Vec<Stage>,
    /// ARGs declared before the first FROM.
    pub global_args: Vec<GlobalArg>,
    /// Index into `stages` of the final stage (`--target` or last), `None` if there is no stage.
    pub final_stage: Option<usize>,
    /// For every instruction index: the stage it belongs to (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// For every instruction index: the active shell (meaningful for RUN/CMD/ENTRYPOINT/HEALTHCHECK).
    pub shell_at: Vec<Shell>,
    /// `--target` named a stage that does not exist.
    pub unknown_target: Option<String>,
}

impl StageModel {
    /// Case-insensitive stage name lookup; also accepts a numeric index like "0".
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let _ = name;
        None
    }
    pub fn is_final(&self, stage: usize) -> bool {
        self.final_stage == Some(stage)
    }
    /// Stages the final stage depends on (FROM parent chain + COPY --from + RUN --mount=from), including itself.
    pub fn reachable_from_final(&self, df: &Dockerfile) -> Vec<bool> {
        let _ = df;
        vec![true; self.stages.len()]
    }
}

pub fn analyze(df: &Dockerfile, opts: &StageOptions) -> StageModel {
    let _ = opts;
    StageModel {
        stages: Vec::new(),
        global_args: Vec::new(),
        final_stage: None,
        stage_of: vec![None; df.instructions.len()],
        shell_at: vec![
            Shell {
                kind: ShellKind::Posix {
                    program: "/bin/sh".into(),
                    pipefail: false
                },
                argv: vec!["/bin/sh".into(), "-c".into()],
                set_by: None
            };
            df.instructions.len()
        ],
        unknown_target: None,
    }
}
