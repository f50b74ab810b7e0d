//! Helpers for the Windows / PowerShell rules (DF2xx): base-image classification (family, OS
//! build, default user), a light command splitter for cmd and PowerShell that also descends into
//! `powershell -Command "..."` / `cmd /c "..."`, PowerShell preference detection and registry /
//! Windows-feature extraction.
//!
//! The splitter works on the logical text of a RUN instruction and only needs to find command
//! names, arguments and the operators between commands; it never evaluates anything.

use std::ops::Range;

use crate::dockerfile::shell::program_name;
use crate::dockerfile::stages::{ShellKind, StageModel};
use crate::dockerfile::{Dockerfile, Form, InstructionKind};
use crate::lint::ShellScript;

// ---------------------------------------------------------------------------------------------
// Base images
// ---------------------------------------------------------------------------------------------

/// The Windows base image family an image is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinFamily {
    NanoServer,
    ServerCore,
    /// `mcr.microsoft.com/windows/server`.
    Server,
    /// `mcr.microsoft.com/windows` (the full "Windows" image).
    Windows,
}

impl WinFamily {
    /// The user a container of this family runs as when no USER is set.
    pub fn default_user(self) -> &'static str {
        match self {
            WinFamily::NanoServer => "ContainerUser",
            _ => "ContainerAdministrator",
        }
    }
}

/// Splits an image reference into (lowercased repository, lowercased tag). Digests are dropped.
pub fn split_image(reference: &str) -> (String, String) {
    let r = reference.trim().to_ascii_lowercase();
    let r = r.split('@').next().unwrap_or("").to_string();
    let slash = r.rfind('/').map_or(0, |i| i + 1);
    match r.get(slash..).and_then(|tail| tail.rfind(':')) {
        Some(c) => {
            let at = slash + c;
            (
                r.get(..at).unwrap_or("").to_string(),
                r.get(at + 1..).unwrap_or("").to_string(),
            )
        }
        None => (r, String::new()),
    }
}

/// Repository without a `docker.io/` or `index.docker.io/` prefix.
fn normal_repo(repo: &str) -> &str {
    repo.strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("index.docker.io/"))
        .unwrap_or(repo)
}

/// Windows family of an image reference, when it can be told from the name.
pub fn image_family(reference: &str) -> Option<WinFamily> {
    let (repo, tag) = split_image(reference);
    let repo = normal_repo(&repo);
    if repo.contains("nanoserver") || tag.contains("nanoserver") {
        return Some(WinFamily::NanoServer);
    }
    if repo.contains("servercore")
        || tag.contains("servercore")
        || repo.contains("dotnet/framework")
        || matches!(
            repo,
            "microsoft/windowsservercore"
                | "microsoft/aspnet"
                | "microsoft/iis"
                | "microsoft/dotnet-framework"
                | "microsoft/dotnet-framework-build"
                | "microsoft/wcf"
        )
        || repo.starts_with("microsoft/mssql-server-windows")
    {
        return Some(WinFamily::ServerCore);
    }
    match repo {
        "mcr.microsoft.com/windows/server" | "mcr.microsoft.com/windows/server/insider" => {
            Some(WinFamily::Server)
        }
        "mcr.microsoft.com/windows" | "mcr.microsoft.com/windows/insider" | "microsoft/windows" => {
            Some(WinFamily::Windows)
        }
        _ => None,
    }
}

/// True for images known to ship PowerShell 7 (`pwsh`) even on Nano Server.
pub fn image_has_pwsh(reference: &str) -> bool {
    let (repo, _) = split_image(reference);
    let repo = normal_repo(&repo);
    repo == "mcr.microsoft.com/powershell"
        || repo.starts_with("mcr.microsoft.com/powershell/")
        || repo.ends_with("dotnet/sdk")
        || repo.ends_with("dotnet/core/sdk")
        || repo.ends_with("dotnet/nightly/sdk")
}

/// A Windows OS build a base image tag pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinBuild {
    pub build: u32,
    /// Tag token it was read from (e.g. `ltsc2022`, `1809`).
    pub name: &'static str,
}

/// Known Windows release names and their OS build numbers.
const BUILDS: &[(&str, u32, &str)] = &[
    ("ltsc2016", 14393, "ltsc2016"),
    ("sac2016", 14393, "ltsc2016"),
    ("1607", 14393, "ltsc2016"),
    ("1709", 16299, "1709"),
    ("1803", 17134, "1803"),
    ("1809", 17763, "ltsc2019"),
    ("ltsc2019", 17763, "ltsc2019"),
    ("1903", 18362, "1903"),
    ("1909", 18363, "1909"),
    ("2004", 19041, "2004"),
    ("20h2", 19042, "20H2"),
    ("ltsc2022", 20348, "ltsc2022"),
    ("ltsc2025", 26100, "ltsc2025"),
];

/// The name used for a build number (e.g. 20348 → `ltsc2022`).
pub fn build_name(build: u32) -> &'static str {
    BUILDS
        .iter()
        .find(|(_, b, _)| *b == build)
        .map_or("unknown", |(_, _, n)| n)
}

/// Windows OS build pinned by an image tag (`ltsc2022`, `…-nanoserver-1809`, `10.0.17763.1234`).
pub fn image_build(reference: &str) -> Option<WinBuild> {
    let (_, tag) = split_image(reference);
    for tok in tag.split(['-', '_']) {
        if let Some((_, b, n)) = BUILDS.iter().find(|(t, _, _)| *t == tok) {
            return Some(WinBuild { build: *b, name: n });
        }
        if let Some(rest) = tok.strip_prefix("10.0.") {
            let num: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            // `10.0.17763.1234` — but not a .NET version such as `10.0.1`.
            if let Ok(b) = num.parse::<u32>()
                && b >= 10240
            {
                return Some(WinBuild {
                    build: b,
                    name: build_name(b),
                });
            }
        }
    }
    None
}

/// Stage indices from `stage` up its `FROM <earlier stage>` chain (itself first).
pub fn stage_chain(model: &StageModel, stage: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = Some(stage);
    while let Some(s) = cur {
        if out.contains(&s) || out.len() > model.stages.len() {
            break;
        }
        out.push(s);
        cur = model.stages.get(s).and_then(|st| st.parent_stage);
    }
    out
}

/// The external image at the root of a stage's chain (resolved through ARGs when possible).
pub fn root_image(model: &StageModel, stage: usize) -> Option<String> {
    let root = *stage_chain(model, stage).last()?;
    let st = model.stages.get(root)?;
    if st.parent_stage.is_some() {
        return None;
    }
    match &st.base {
        Some(b) => Some(b.clone()),
        None if !st.base_raw.contains('$') => Some(st.base_raw.clone()),
        None => None,
    }
}

/// Last `USER` of a stage (instruction index and the user word).
pub fn last_user(df: &Dockerfile, model: &StageModel, stage: usize) -> Option<(usize, String)> {
    let st = model.stages.get(stage)?;
    (st.from..st.end.min(df.instructions.len()))
        .rev()
        .find_map(|i| {
            let inst = df.instructions.get(i)?;
            if inst.kind != InstructionKind::User {
                return None;
            }
            let w = inst.words.first()?;
            Some((i, w.text.clone()))
        })
}

/// The user a stage ends with: its own last USER, else its parent stages', else the base
/// image family default. Returns (user, instruction index of the USER if any).
pub fn effective_user(
    df: &Dockerfile,
    model: &StageModel,
    stage: usize,
) -> Option<(String, Option<usize>)> {
    for s in stage_chain(model, stage) {
        if let Some((i, u)) = last_user(df, model, s) {
            return Some((u, Some(i)));
        }
    }
    let fam = image_family(&root_image(model, stage)?)?;
    Some((fam.default_user().to_string(), None))
}

/// Administrator-equivalent Windows account names.
pub fn is_admin_user(user: &str) -> bool {
    let u = user.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let u = u.split(':').next().unwrap_or("");
    matches!(
        u,
        "containeradministrator"
            | "administrator"
            | "nt authority\\system"
            | "nt authority/system"
            | "system"
            | "localsystem"
    )
}

// ---------------------------------------------------------------------------------------------
// Command splitting
// ---------------------------------------------------------------------------------------------

/// Dialect of a region of a RUN script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinDialect {
    Cmd,
    /// Windows PowerShell 5.1 (`core == false`) or PowerShell 7 `pwsh` (`core == true`).
    PowerShell {
        core: bool,
    },
}

impl WinDialect {
    pub fn is_ps(self) -> bool {
        matches!(self, WinDialect::PowerShell { .. })
    }
    pub fn is_desktop_ps(self) -> bool {
        self == WinDialect::PowerShell { core: false }
    }
}

/// Operator before a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    Start,
    Seq,
    And,
    Or,
    Pipe,
}

/// A word of a command: unquoted text and raw byte range in the script text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub text: String,
    pub range: Range<usize>,
    /// The word contained quotes.
    pub quoted: bool,
}

/// A region of the script text run by one shell process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellCtx {
    pub dialect: WinDialect,
    pub range: Range<usize>,
    /// The region is the RUN's own shell (SHELL instruction or exec-form argv): preferences set
    /// there (see `preset_*`) apply.
    pub top: bool,
    /// `$ErrorActionPreference = 'Stop'` set by the SHELL argv / exec argv before the script.
    pub preset_stop: bool,
    /// `$ProgressPreference = 'SilentlyContinue'` set by the SHELL argv / exec argv.
    pub preset_progress: bool,
    /// Range of the word that started this shell (`powershell`, `pwsh`, `cmd`) for nested ones.
    pub invoker: Option<Range<usize>>,
    /// Index of the enclosing context.
    pub parent: Option<usize>,
}

/// A simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinCmd {
    pub words: Vec<Tok>,
    pub range: Range<usize>,
    pub conn: Conn,
    /// Index into [`Analysis::ctxs`].
    pub ctx: usize,
    /// The command was the right side of a PowerShell assignment (`$x = <cmd>`).
    pub assigned: bool,
}

impl WinCmd {
    /// Lowercased program name (directory and `.exe` etc. removed).
    pub fn name(&self) -> String {
        self.words
            .first()
            .map(|w| program_name(&w.text))
            .unwrap_or_default()
    }
    /// True when the command word was written with an explicit `.exe` suffix.
    pub fn has_exe_suffix(&self) -> bool {
        self.words
            .first()
            .is_some_and(|w| w.text.to_ascii_lowercase().ends_with(".exe"))
    }
    pub fn args(&self) -> &[Tok] {
        self.words.get(1..).unwrap_or(&[])
    }
    /// Argument equal to one of `names` (case-insensitive; `-Name:value` also matches `-Name`).
    pub fn find_arg(&self, names: &[&str]) -> Option<usize> {
        self.args().iter().position(|w| {
            let t = w.text.to_ascii_lowercase();
            let head = t.split(':').next().unwrap_or("");
            names.iter().any(|n| {
                let n = n.to_ascii_lowercase();
                t == n || (n.starts_with('-') && head == n)
            })
        })
    }
    pub fn has_arg(&self, names: &[&str]) -> bool {
        self.find_arg(names).is_some()
    }
    /// Value of a parameter: `-Name value` or `-Name:value`.
    pub fn param(&self, names: &[&str]) -> Option<Tok> {
        let i = self.find_arg(names)?;
        let w = self.args().get(i)?;
        if let Some((_, v)) = w.text.split_once(':')
            && w.text.starts_with('-')
            && !v.is_empty()
        {
            return Some(Tok {
                text: v.to_string(),
                range: w.range.clone(),
                quoted: w.quoted,
            });
        }
        self.args().get(i + 1).cloned()
    }
    /// Positional arguments: words not starting with `-` that are not the value of one of
    /// `valued` parameters.
    pub fn positionals(&self, valued: &[&str]) -> Vec<&Tok> {
        let mut out = Vec::new();
        let mut skip = false;
        for w in self.args() {
            if skip {
                skip = false;
                continue;
            }
            if w.text.starts_with('-') && !w.quoted {
                let t = w.text.to_ascii_lowercase();
                if !t.contains(':') && valued.iter().any(|v| v.eq_ignore_ascii_case(&t)) {
                    skip = true;
                }
                continue;
            }
            out.push(w);
        }
        out
    }
}

/// All contexts and commands of one script.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub ctxs: Vec<ShellCtx>,
    pub cmds: Vec<WinCmd>,
}

impl Analysis {
    /// Commands of one context.
    pub fn cmds_in(&self, ctx: usize) -> impl Iterator<Item = &WinCmd> {
        self.cmds.iter().filter(move |c| c.ctx == ctx)
    }
    pub fn dialect_of(&self, cmd: &WinCmd) -> Option<WinDialect> {
        self.ctxs.get(cmd.ctx).map(|c| c.dialect)
    }
}

const MAX_DEPTH: usize = 6;

/// Top-level shell of a RUN script, with preferences preset by its argv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopShell {
    pub dialect: WinDialect,
    pub preset_stop: bool,
    pub preset_progress: bool,
}

/// The shell a RUN script runs in (exec form: argv[0]; shell form: the active SHELL).
pub fn top_shell(script: &ShellScript<'_>) -> Option<TopShell> {
    if let Form::Exec(words) = &script.inst.form {
        let first = words.first()?;
        let prefix: String = words
            .get(..words.len().saturating_sub(1))
            .unwrap_or(&[])
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        return match program_name(&first.text).as_str() {
            "powershell" => Some(TopShell {
                dialect: WinDialect::PowerShell { core: false },
                preset_stop: sets_error_action_stop(&prefix),
                preset_progress: sets_progress_silent(&prefix),
            }),
            "pwsh" => Some(TopShell {
                dialect: WinDialect::PowerShell { core: true },
                preset_stop: sets_error_action_stop(&prefix),
                preset_progress: sets_progress_silent(&prefix),
            }),
            "cmd" => Some(TopShell {
                dialect: WinDialect::Cmd,
                preset_stop: false,
                preset_progress: false,
            }),
            _ => None,
        };
    }
    match script.shell {
        ShellKind::PowerShell {
            core,
            error_action_stop,
            progress_silent,
        } => Some(TopShell {
            dialect: WinDialect::PowerShell { core: *core },
            preset_stop: *error_action_stop,
            preset_progress: *progress_silent,
        }),
        ShellKind::Cmd => Some(TopShell {
            dialect: WinDialect::Cmd,
            preset_stop: false,
            preset_progress: false,
        }),
        _ => None,
    }
}

/// Splits a RUN script into shell contexts and commands.
pub fn analyze(script: &ShellScript<'_>) -> Analysis {
    match top_shell(script) {
        Some(top) => analyze_text(&script.text.text, top),
        None => Analysis::default(),
    }
}

/// Splits `text` run by `top` into contexts and commands (nested `powershell -Command` and
/// `cmd /c` bodies become contexts of their own).
pub fn analyze_text(text: &str, top: TopShell) -> Analysis {
    let mut a = Analysis::default();
    a.ctxs.push(ShellCtx {
        dialect: top.dialect,
        range: 0..text.len(),
        top: true,
        preset_stop: top.preset_stop,
        preset_progress: top.preset_progress,
        invoker: None,
        parent: None,
    });
    split_ctx(text, 0, &mut a, 0);
    a
}

fn split_ctx(text: &str, ctx: usize, a: &mut Analysis, depth: usize) {
    let Some(c) = a.ctxs.get(ctx).cloned() else {
        return;
    };
    let raw = split_commands(text, c.range.clone(), c.dialect);
    for (words, conn) in raw {
        let mut words = words;
        let mut assigned = false;
        if c.dialect.is_ps() {
            // `$x = cmd ...`, `[T]::P = ...`: drop the target and operator.
            if let Some(op) = words.get(1) {
                let first = words.first().map(|w| w.text.as_str()).unwrap_or("");
                let is_target = first.starts_with('$') || first.starts_with('[');
                if is_target && !op.quoted && matches!(op.text.as_str(), "=" | "+=" | "-=") {
                    words.drain(..2);
                    assigned = true;
                }
            }
            // `$x=value` / `$x= cmd` written without spaces.
            if !assigned
                && let Some(first) = words.first()
                && first.text.starts_with('$')
                && let Some(eq) = first.text.find('=')
            {
                let rest = first.text.get(eq + 1..).unwrap_or("").to_string();
                if !rest.starts_with('=') {
                    assigned = true;
                    if rest.is_empty() {
                        words.remove(0);
                    } else if let Some(w) = words.first_mut() {
                        w.text = rest;
                    }
                }
            }
        }
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            continue;
        };
        let range = first.range.start..last.range.end;
        let cmd = WinCmd {
            words,
            range,
            conn,
            ctx,
            assigned,
        };
        let nested = if depth < MAX_DEPTH {
            nested_region(text, &cmd)
        } else {
            None
        };
        a.cmds.push(cmd);
        if let Some((dialect, region, invoker)) = nested {
            a.ctxs.push(ShellCtx {
                dialect,
                range: region,
                top: false,
                preset_stop: false,
                preset_progress: false,
                invoker: Some(invoker),
                parent: Some(ctx),
            });
            let idx = a.ctxs.len() - 1;
            split_ctx(text, idx, a, depth + 1);
        }
    }
}

/// For `powershell [opts] -Command <code>` / `cmd /S /C <code>`: the dialect and byte range of
/// the code, and the range of the program word.
fn nested_region(text: &str, cmd: &WinCmd) -> Option<(WinDialect, Range<usize>, Range<usize>)> {
    let name = cmd.name();
    let first = cmd.words.first()?;
    let args = cmd.args();
    let (dialect, start_idx) = match name.as_str() {
        "powershell" | "pwsh" => {
            let core = name == "pwsh";
            let mut i = 0;
            let mut start = None;
            while let Some(w) = args.get(i) {
                let t = w.text.to_ascii_lowercase();
                if !(t.starts_with('-') || t.starts_with('/')) || w.quoted {
                    start = Some(i);
                    break;
                }
                let o = t.trim_start_matches(['-', '/']);
                if o.is_empty() {
                    return None;
                }
                if "command".starts_with(o) {
                    start = Some(i + 1);
                    break;
                }
                if "file".starts_with(o)
                    || "encodedcommand".starts_with(o)
                    || o == "ec"
                    || o == "e"
                    || o == "f"
                {
                    return None;
                }
                let valued = [
                    "executionpolicy",
                    "ep",
                    "inputformat",
                    "outputformat",
                    "windowstyle",
                    "version",
                    "configurationname",
                    "workingdirectory",
                    "wd",
                    "psconsolefile",
                    "settingsfile",
                    "custompipename",
                ];
                if o.len() >= 2 && valued.iter().any(|v| v.starts_with(o)) {
                    i += 2;
                } else {
                    i += 1;
                }
            }
            (WinDialect::PowerShell { core }, start?)
        }
        "cmd" => {
            let i = args.iter().position(|w| {
                let t = w.text.to_ascii_lowercase();
                t == "/c" || t == "/k"
            })?;
            (WinDialect::Cmd, i + 1)
        }
        _ => return None,
    };
    let body = args.get(start_idx..)?;
    let (bf, bl) = (body.first()?, body.last()?);
    let mut region = bf.range.start..bl.range.end;
    // A single quoted word: the code is inside the quotes.
    if body.len() == 1 {
        let raw = text.get(region.clone()).unwrap_or("");
        let q = raw.chars().next();
        if matches!(q, Some('"') | Some('\'')) && raw.len() >= 2 && raw.ends_with(q.unwrap_or('"'))
        {
            region = region.start + 1..region.end - 1;
        } else if matches!(q, Some('"') | Some('\'')) && !raw[1..].contains(q.unwrap_or('"')) {
            region = region.start + 1..region.end;
        }
    }
    Some((dialect, region, first.range.clone()))
}

/// Splits a region into simple commands (words + connector). Groups (`( )`, `{ }`) are
/// flattened: their inner commands become commands of their own.
fn split_commands(text: &str, range: Range<usize>, dialect: WinDialect) -> Vec<(Vec<Tok>, Conn)> {
    let ps = dialect.is_ps();
    let mut out: Vec<(Vec<Tok>, Conn)> = Vec::new();
    let mut words: Vec<Tok> = Vec::new();
    let mut cur = String::new();
    let mut cur_start: Option<usize> = None;
    let mut cur_quoted = false;
    let mut word_depth: i32 = 0;
    let mut conn = Conn::Start;
    let Some(src) = text.get(range.clone()) else {
        return out;
    };
    let base = range.start;
    let chars: Vec<(usize, char)> = src.char_indices().map(|(i, c)| (i + base, c)).collect();
    let end_of = |k: usize| chars.get(k).map_or(range.end, |(i, _)| *i);

    macro_rules! end_word {
        ($end:expr) => {
            if let Some(s) = cur_start.take() {
                words.push(Tok {
                    text: std::mem::take(&mut cur),
                    range: s..$end,
                    quoted: cur_quoted,
                });
            }
            cur_quoted = false;
            word_depth = 0;
        };
    }
    macro_rules! end_cmd {
        ($end:expr, $next:expr) => {
            end_word!($end);
            if !words.is_empty() {
                out.push((std::mem::take(&mut words), conn));
                conn = $next;
            } else if conn == Conn::Start || $next != Conn::Seq {
                if $next != Conn::Seq {
                    conn = $next;
                }
            }
        };
    }

    let mut k = 0;
    while let Some(&(pos, ch)) = chars.get(k) {
        let next = chars.get(k + 1).map(|(_, c)| *c);
        let at_word_start = cur_start.is_none();
        // Quotes.
        if ch == '"' || (ps && ch == '\'') {
            if cur_start.is_none() {
                cur_start = Some(pos);
            }
            cur_quoted = true;
            let q = ch;
            k += 1;
            while let Some(&(_, c)) = chars.get(k) {
                if c == q {
                    if ps && chars.get(k + 1).map(|(_, c)| *c) == Some(q) {
                        cur.push(q);
                        k += 2;
                        continue;
                    }
                    break;
                }
                if ps
                    && q == '"'
                    && c == '`'
                    && let Some(&(_, e)) = chars.get(k + 1)
                {
                    cur.push(e);
                    k += 2;
                    continue;
                }
                cur.push(c);
                k += 1;
            }
            k += 1;
            continue;
        }
        // Escapes.
        if (ps && ch == '`') || (!ps && ch == '^') {
            match next {
                Some('\n') | Some('\r') => {
                    end_word!(pos);
                    k += 2;
                }
                Some(e) => {
                    if cur_start.is_none() {
                        cur_start = Some(pos);
                    }
                    cur.push(e);
                    k += 2;
                }
                None => k += 1,
            }
            continue;
        }
        // Comments (PowerShell).
        if ps && at_word_start && ch == '#' {
            while let Some(&(_, c)) = chars.get(k) {
                if c == '\n' {
                    break;
                }
                k += 1;
            }
            continue;
        }
        if ps && at_word_start && ch == '<' && next == Some('#') {
            k += 2;
            while let Some(&(_, c)) = chars.get(k) {
                if c == '#' && chars.get(k + 1).map(|(_, c)| *c) == Some('>') {
                    k += 2;
                    break;
                }
                k += 1;
            }
            continue;
        }
        // Inside a word's own brackets (`Everyone:(OI)(CI)F`, `.Method($a, $b)`, `@{a=1}`).
        if word_depth > 0 {
            if ch == '(' || ch == '{' || ch == '[' {
                word_depth += 1;
            } else if ch == ')' || ch == '}' || ch == ']' {
                word_depth -= 1;
            }
            cur.push(ch);
            k += 1;
            continue;
        }
        match ch {
            '\n' | '\r' => {
                end_cmd!(pos, Conn::Seq);
            }
            ' ' | '\t' => {
                end_word!(pos);
            }
            ';' if ps => {
                end_cmd!(pos, Conn::Seq);
            }
            '&' if next == Some('&') => {
                end_cmd!(pos, Conn::And);
                k += 1;
            }
            '|' if next == Some('|') => {
                end_cmd!(pos, Conn::Or);
                k += 1;
            }
            '|' => {
                end_cmd!(pos, Conn::Pipe);
            }
            '&' => {
                if ps {
                    // Call operator: the next word is the command.
                    end_word!(pos);
                    if !words.is_empty() {
                        end_cmd!(pos, Conn::Seq);
                    }
                } else {
                    end_cmd!(pos, Conn::Seq);
                }
            }
            '(' | '{' if at_word_start && (ch != '{' || ps) => {
                end_cmd!(pos, Conn::Seq);
            }
            ')' | '}' if at_word_start || ps => {
                end_cmd!(pos, Conn::Seq);
            }
            '(' | '{' | '[' => {
                if cur_start.is_none() {
                    cur_start = Some(pos);
                }
                if ps || ch == '(' {
                    word_depth = 1;
                }
                cur.push(ch);
            }
            _ => {
                if cur_start.is_none() {
                    cur_start = Some(pos);
                }
                // `$(`, `@(`, `@{` open a word-level group in PowerShell.
                if ps && (ch == '$' || ch == '@') && matches!(next, Some('(') | Some('{')) {
                    cur.push(ch);
                    if let Some(n) = next {
                        cur.push(n);
                    }
                    word_depth = 1;
                    k += 2;
                    continue;
                }
                cur.push(ch);
            }
        }
        k += 1;
    }
    let end = end_of(chars.len());
    if let Some(s) = cur_start.take() {
        words.push(Tok {
            text: cur,
            range: s..end,
            quoted: cur_quoted,
        });
    }
    if !words.is_empty() {
        out.push((words, conn));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Text matching
// ---------------------------------------------------------------------------------------------

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Byte offsets of `word` in `text` (ASCII case-insensitive) not glued to identifier characters
/// (letters, digits, `_`, `-`) on either side.
pub fn find_word(text: &str, word: &str) -> Vec<usize> {
    let lower = text.to_ascii_lowercase();
    let w = word.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    if w.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(&w)) {
        let at = from + i;
        let before_ok = at == 0 || bytes.get(at - 1).is_none_or(|b| !is_ident(*b));
        let after_ok = bytes.get(at + w.len()).is_none_or(|b| !is_ident(*b));
        if before_ok && after_ok {
            out.push(at);
        }
        from = at + w.len().max(1);
    }
    out
}

/// Whether `text` assigns `$<var> = <value>` (scope prefixes like `$global:` allowed; value
/// quoted or bare or `[System.Management.Automation.ActionPreference]::<value>`).
fn assigns_pref(text: &str, var: &str, values: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(var)) {
        let at = from + i;
        from = at + var.len();
        let before = lower.get(..at).unwrap_or("");
        let ok_prefix = before.ends_with('$')
            || before.ends_with("$global:")
            || before.ends_with("$script:")
            || before.ends_with("${");
        if !ok_prefix {
            continue;
        }
        let rest = lower
            .get(from..)
            .unwrap_or("")
            .trim_start_matches('}')
            .trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix("[system.management.automation.actionpreference]::")
            .unwrap_or(rest);
        let rest = rest
            .strip_prefix("[management.automation.actionpreference]::")
            .unwrap_or(rest);
        let rest = rest.trim_start_matches(['\'', '"', '\\']);
        let val: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if values.contains(&val.as_str()) {
            return true;
        }
    }
    false
}

/// `$ErrorActionPreference = 'Stop'` somewhere in `text`.
pub fn sets_error_action_stop(text: &str) -> bool {
    assigns_pref(text, "erroractionpreference", &["stop"])
}

/// `$ProgressPreference = 'SilentlyContinue'` (or `'Ignore'`) somewhere in `text`.
pub fn sets_progress_silent(text: &str) -> bool {
    assigns_pref(text, "progresspreference", &["silentlycontinue", "ignore"])
}

/// Number of top-level PowerShell statements in `text` (separated by `;` or newlines outside
/// quotes, brackets and blocks), not counting empty ones and assignments of a plain literal
/// (`$ProgressPreference = 'SilentlyContinue'`), which cannot fail.
pub fn ps_statement_count(text: &str) -> usize {
    let mut count = 0;
    let mut seg = String::new();
    let mut depth = 0i32;
    let mut chars = text.chars().peekable();
    let mut flush = |seg: &mut String| {
        let t = seg.trim();
        if !t.is_empty() && !is_literal_assignment(t) {
            count += 1;
        }
        seg.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                seg.push(c);
                while let Some(d) = chars.next() {
                    seg.push(d);
                    if c == '"' && d == '`' {
                        if let Some(e) = chars.next() {
                            seg.push(e);
                        }
                        continue;
                    }
                    if d == c {
                        break;
                    }
                }
            }
            '`' => {
                // Escape / line continuation.
                if let Some(e) = chars.next() {
                    seg.push(if e == '\n' || e == '\r' { ' ' } else { e });
                }
            }
            '#' if seg.trim().is_empty() || seg.ends_with(char::is_whitespace) => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                if depth == 0 {
                    flush(&mut seg);
                }
            }
            '(' | '{' | '[' => {
                depth += 1;
                seg.push(c);
            }
            ')' | '}' | ']' => {
                depth -= 1;
                seg.push(c);
            }
            ';' | '\n' if depth <= 0 => flush(&mut seg),
            _ => seg.push(c),
        }
    }
    flush(&mut seg);
    count
}

fn is_literal_assignment(stmt: &str) -> bool {
    // `[Net.ServicePointManager]::SecurityProtocol = ...`: setting a static property.
    if stmt.starts_with('[') && stmt.contains("]::") && stmt.contains('=') && !stmt.contains('(') {
        return true;
    }
    let Some(rest) = stmt.strip_prefix('$') else {
        return false;
    };
    let Some((_, value)) = rest.split_once('=') else {
        return false;
    };
    let v = value.trim();
    let inner = v.get(1..v.len().saturating_sub(1)).unwrap_or("");
    let quoted = v.len() >= 2
        && ((v.starts_with('\'') && v.ends_with('\'') && !inner.contains('\''))
            || (v.starts_with('"')
                && v.ends_with('"')
                && !inner.contains('"')
                && !v.contains("$(")));
    let bare = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '.' | '_' | ':'));
    let lower = v.to_ascii_lowercase();
    // An expression of variables, literals and operators (`$env:PATH + ';C:\go\bin'`): no call,
    // no pipeline, no cmdlet name.
    let expression = !v.is_empty()
        && !v.contains('(')
        && !v.contains('|')
        && !v
            .split_whitespace()
            .any(|t| t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && t.contains('-'));
    quoted
        || bare
        || expression
        || (lower.starts_with('[') && lower.contains("]::") && !lower.contains('('))
}

/// Names (lowercase) of commands that download over HTTP in PowerShell / Windows.
pub fn is_ps_download_cmdlet(name: &str) -> bool {
    matches!(
        name,
        "invoke-webrequest" | "iwr" | "invoke-restmethod" | "irm" | "start-bitstransfer"
    )
}

/// Text looks like it fetches remote content (cmdlet, .NET WebClient, curl/wget).
pub fn mentions_download(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("downloadstring")
        || lower.contains("downloaddata")
        || lower.contains("downloadfile")
        || lower.contains("net.webclient")
        || lower.contains("net.http.httpclient")
        || lower.contains("getstringasync")
    {
        return true;
    }
    [
        "invoke-webrequest",
        "iwr",
        "invoke-restmethod",
        "irm",
        "curl",
        "curl.exe",
        "wget",
        "start-bitstransfer",
    ]
    .iter()
    .any(|w| !find_word(&lower, w).is_empty())
}

// ---------------------------------------------------------------------------------------------
// Registry, features, services
// ---------------------------------------------------------------------------------------------

/// A registry value written by `reg add` or `Set-ItemProperty` / `New-ItemProperty`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegWrite {
    /// Normalized key: lowercase, `hklm\...` / `hkcu\...`, backslashes.
    pub key: String,
    /// Lowercased value name.
    pub name: String,
    /// Data as written (quotes removed).
    pub data: String,
    /// Range of the whole command.
    pub range: Range<usize>,
}

impl RegWrite {
    /// Data as a number (`0`, `0x1`, `$true`, `true`).
    pub fn number(&self) -> Option<i64> {
        parse_number(&self.data)
    }
}

/// `0`, `0x10`, `$true` → 1, `$false` → 0, `true`, `false`.
pub fn parse_number(s: &str) -> Option<i64> {
    let t = s.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match t.as_str() {
        "$true" | "true" => return Some(1),
        "$false" | "false" => return Some(0),
        _ => {}
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    t.parse().ok()
}

/// Normalizes a registry key path.
pub fn normal_key(key: &str) -> String {
    let k = key
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .replace('/', "\\");
    let k = k.strip_prefix("registry::").unwrap_or(&k).to_string();
    let k = k
        .strip_prefix("microsoft.powershell.core\\registry::")
        .unwrap_or(&k)
        .to_string();
    for (long, short) in [
        ("hkey_local_machine\\", "hklm\\"),
        ("hkey_current_user\\", "hkcu\\"),
        ("hklm:\\", "hklm\\"),
        ("hkcu:\\", "hkcu\\"),
        ("hklm:", "hklm\\"),
        ("hkcu:", "hkcu\\"),
    ] {
        if let Some(r) = k.strip_prefix(long) {
            return format!("{short}{r}");
        }
    }
    k
}

/// Registry writes of one command, if it is `reg add` or `Set-ItemProperty`/`New-ItemProperty`.
pub fn registry_write(cmd: &WinCmd) -> Option<RegWrite> {
    let name = cmd.name();
    match name.as_str() {
        "reg" => {
            let args = cmd.args();
            if !args.first()?.text.eq_ignore_ascii_case("add") {
                return None;
            }
            let key = args.get(1)?;
            let v = cmd.param(&["/v"])?;
            let d = cmd.param(&["/d"])?;
            Some(RegWrite {
                key: normal_key(&key.text),
                name: v.text.to_ascii_lowercase(),
                data: d.text,
                range: cmd.range.clone(),
            })
        }
        "set-itemproperty" | "sp" | "new-itemproperty" => {
            let valued = [
                "-path",
                "-literalpath",
                "-name",
                "-value",
                "-type",
                "-propertytype",
                "-credential",
                "-filter",
                "-include",
                "-exclude",
            ];
            let pos = cmd.positionals(&valued);
            let mut pi = pos.into_iter();
            let path = match cmd.param(&["-path", "-literalpath"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            let vname = match cmd.param(&["-name"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            let value = match cmd.param(&["-value"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            Some(RegWrite {
                key: normal_key(&path),
                name: vname.to_ascii_lowercase(),
                data: value,
                range: cmd.range.clone(),
            })
        }
        _ => None,
    }
}

/// Windows features a command enables: `Enable-WindowsOptionalFeature -FeatureName`,
/// `Install-WindowsFeature` / `Add-WindowsFeature`, `dism /enable-feature /featurename:`.
/// Returns lowercased names with the range of the word naming them.
pub fn enabled_features(cmd: &WinCmd) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut push_list = |t: &Tok| {
        for n in t.text.split(',') {
            let n = n.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            if !n.is_empty() {
                out.push((n, t.range.clone()));
            }
        }
    };
    match cmd.name().as_str() {
        "enable-windowsoptionalfeature" => {
            if let Some(v) = cmd.param(&["-featurename"]) {
                push_list(&v);
            } else {
                let valued = [
                    "-source",
                    "-logpath",
                    "-loglevel",
                    "-scratchdirectory",
                    "-windowsdirectory",
                    "-systemdrive",
                    "-path",
                    "-packagename",
                ];
                for p in cmd.positionals(&valued) {
                    push_list(p);
                }
            }
        }
        "install-windowsfeature" | "add-windowsfeature" => {
            if let Some(v) = cmd.param(&["-name"]) {
                push_list(&v);
            } else {
                let valued = [
                    "-source",
                    "-logpath",
                    "-computername",
                    "-credential",
                    "-configurationfilepath",
                    "-vhd",
                ];
                for p in cmd.positionals(&valued) {
                    push_list(p);
                }
            }
        }
        "dism" => {
            let enabling = cmd
                .args()
                .iter()
                .any(|w| w.text.eq_ignore_ascii_case("/enable-feature"));
            if enabling {
                for w in cmd.args() {
                    let lower = w.text.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("/featurename:") {
                        out.push((v.trim_matches(['"', '\'']).to_string(), w.range.clone()));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// `sc config <svc> start= disabled` or `Set-Service [-Name] <svc> -StartupType Disabled` or
/// `Stop-Service`: returns true when the command disables the service `svc` (lowercase).
pub fn disables_service(cmd: &WinCmd, svc: &str) -> bool {
    let args = cmd.args();
    match cmd.name().as_str() {
        "sc" => {
            let is_cfg = args
                .first()
                .is_some_and(|w| w.text.eq_ignore_ascii_case("config"));
            let named = args
                .get(1)
                .is_some_and(|w| w.text.eq_ignore_ascii_case(svc));
            let joined: String = args
                .iter()
                .map(|w| w.text.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            is_cfg
                && named
                && (joined.contains("start= disabled") || joined.contains("start=disabled"))
        }
        "set-service" => {
            let named = cmd
                .param(&["-name"])
                .is_some_and(|w| w.text.eq_ignore_ascii_case(svc))
                || cmd
                    .positionals(&[
                        "-startuptype",
                        "-status",
                        "-displayname",
                        "-description",
                        "-computername",
                    ])
                    .first()
                    .is_some_and(|w| w.text.eq_ignore_ascii_case(svc));
            named
                && cmd
                    .param(&["-startuptype"])
                    .is_some_and(|w| w.text.eq_ignore_ascii_case("disabled"))
        }
        _ => false,
    }
}

/// Indices of commands in a RUN script that belong to PowerShell contexts.
pub fn ps_cmds(a: &Analysis) -> impl Iterator<Item = &WinCmd> {
    a.cmds
        .iter()
        .filter(|c| a.dialect_of(c).is_some_and(WinDialect::is_ps))
}

// ---------------------------------------------------------------------------------------------
// TLS, Invoke-Expression, JSON escapes
// ---------------------------------------------------------------------------------------------

/// Protocol bits of `[Net.SecurityProtocolType]`.
const LEGACY_BITS: i64 = 48 | 192 | 768;
const MODERN_BITS: i64 = 3072 | 12288;

/// Classifies the protocol names / numbers mentioned in `rhs`: (legacy, modern) present.
pub fn protocol_mentions(rhs: &str) -> (bool, bool) {
    let lower = rhs.to_ascii_lowercase();
    let mut legacy = false;
    let mut modern = false;
    for tok in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        match tok {
            "ssl2" | "ssl3" | "tls" | "tls1" | "tls10" | "tls11" => legacy = true,
            "tls12" | "tls13" => modern = true,
            _ if !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(n) = tok.parse::<i64>() {
                    legacy |= n & LEGACY_BITS != 0;
                    modern |= n & MODERN_BITS != 0;
                }
            }
            _ => {}
        }
    }
    (legacy, modern)
}

/// Assignments to `[Net.ServicePointManager]::SecurityProtocol` that allow only legacy
/// protocols (SSL 3, TLS 1.0, TLS 1.1) and neither TLS 1.2 nor 1.3. Returns the range from
/// `SecurityProtocol` to the end of the assigned expression. Removals (`-band -bnot`) and
/// upgrades (`= Tls12`, `-bor Tls12`, `3072`) are not reported.
pub fn tls_downgrades(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let key = "securityprotocol";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(key)) {
        let at = from + i;
        from = at + key.len();
        if lower
            .as_bytes()
            .get(from)
            .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            continue;
        }
        let rest = lower.get(from..).unwrap_or("");
        let trimmed = rest.trim_start();
        let Some(after_eq) = trimmed.strip_prefix('=') else {
            continue;
        };
        if after_eq.starts_with('=') {
            continue;
        }
        let rhs_start = from + (rest.len() - trimmed.len()) + 1;
        let mut depth = 0i32;
        let mut end = lower.len();
        let rhs_text = lower.get(rhs_start..).unwrap_or("");
        let lead = rhs_text.len() - rhs_text.trim_start().len();
        let mut quote: Option<(char, usize)> = None;
        for (k, c) in rhs_text.char_indices() {
            if let Some((q, _)) = quote {
                if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                // A string that is the value itself (`= "Tls"`); any other `"` ends the code
                // (PowerShell code passed inside a cmd-quoted `-Command "..."`).
                '"' | '\'' if depth == 0 && k == lead => quote = Some((c, k)),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    if depth == 0 {
                        end = rhs_start + k;
                        break;
                    }
                    depth -= 1;
                }
                ';' | '\n' | '"' | '|' if depth == 0 => {
                    end = rhs_start + k;
                    break;
                }
                _ => {}
            }
        }
        let rhs = lower.get(rhs_start..end).unwrap_or("");
        if rhs.contains("-bnot") || rhs.contains("-bxor") {
            continue;
        }
        let (legacy, modern) = protocol_mentions(rhs);
        if legacy && !modern {
            let trimmed_end = rhs_start + rhs.trim_end().len();
            out.push(at..trimmed_end);
        }
    }
    out
}

/// Where a PowerShell script runs downloaded text as code: `iex (<download>)`,
/// `<download> | iex`, `Invoke-Expression (iwr …).Content`, `[scriptblock]::Create(<download>)`.
/// Returns the ranges of the `iex` / `Invoke-Expression` / `[scriptblock]::Create` words.
pub fn iex_downloads(text: &str) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut hits: Vec<Range<usize>> = Vec::new();
    let mut words: Vec<(usize, usize)> = Vec::new();
    for w in ["iex", "invoke-expression"] {
        for at in find_word(&lower, w) {
            words.push((at, at + w.len()));
        }
    }
    let mut from = 0;
    while let Some(i) = lower
        .get(from..)
        .and_then(|s| s.find("[scriptblock]::create"))
    {
        let at = from + i;
        words.push((at, at + "[scriptblock]::create".len()));
        from = at + 1;
    }
    words.sort_unstable();
    for (start, end) in words {
        // Argument: a balanced (...) group, or text up to the next separator.
        let after = lower.get(end..).unwrap_or("");
        let lead = after.len() - after.trim_start().len();
        let arg_start = end + lead;
        let arg = balanced_or_statement(&lower, arg_start);
        // Pipeline input: the statement before `|`.
        let before = lower.get(..start).unwrap_or("").trim_end();
        let piped = if let Some(b) = before.strip_suffix('|') {
            if b.ends_with('|') {
                ""
            } else {
                statement_tail(b)
            }
        } else {
            ""
        };
        if mentions_download(arg)
            || mentions_download(piped)
            || var_holds_download(&lower, start, arg)
        {
            hits.push(start..end);
        }
    }
    hits
}

/// `iex $script` where `$script = <download>` earlier in the same text.
fn var_holds_download(lower: &str, before: usize, arg: &str) -> bool {
    let arg = arg
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let Some(name) = arg.strip_prefix('$') else {
        return false;
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return false;
    }
    let prefix = lower.get(..before).unwrap_or("");
    let needle = format!("${name}");
    let mut from = 0;
    while let Some(i) = prefix.get(from..).and_then(|x| x.find(&needle)) {
        let at = from + i + needle.len();
        from = at;
        if prefix
            .as_bytes()
            .get(at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            continue;
        }
        let rest = prefix.get(at..).unwrap_or("").trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            if value.starts_with('=') {
                continue;
            }
            let stmt = value.split([';', '\n']).next().unwrap_or("");
            if mentions_download(stmt) {
                return true;
            }
        }
    }
    false
}

/// From `start`: the balanced parenthesized group if one starts there, else the text up to the
/// next statement separator.
fn balanced_or_statement(lower: &str, start: usize) -> &str {
    let rest = lower.get(start..).unwrap_or("");
    // A quoted argument (`iex "& { $(irm https://...) }"`): the whole string.
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = rest
            .get(1..)
            .and_then(|r| r.find(q))
            .map_or(rest.len(), |p| p + 2);
        return rest.get(..end).unwrap_or(rest);
    }
    let mut depth = 0i32;
    for (k, c) in rest.char_indices() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => {
                depth -= 1;
                if depth <= 0 {
                    let cut = if depth == 0 { k + 1 } else { k };
                    // Keep a member access like `(...).Content`.
                    let tail = rest.get(cut..).unwrap_or("");
                    let member: usize = tail
                        .char_indices()
                        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
                        .last()
                        .map_or(0, |(i, c)| i + c.len_utf8());
                    return rest.get(..cut + member).unwrap_or(rest);
                }
            }
            ';' | '\n' | '|' | '"' if depth == 0 => return rest.get(..k).unwrap_or(rest),
            _ => {}
        }
    }
    rest
}

/// The last statement of `before` (text after the last top-level `;`, newline, `{`, `(` or `"`).
fn statement_tail(before: &str) -> &str {
    let mut depth = 0i32;
    for (k, c) in before.char_indices().rev() {
        match c {
            ')' | '}' | ']' => depth += 1,
            '(' | '{' | '[' => {
                if depth == 0 {
                    return before.get(k + 1..).unwrap_or("");
                }
                depth -= 1;
            }
            ';' | '\n' | '"' if depth == 0 => return before.get(k + 1..).unwrap_or(""),
            _ => {}
        }
    }
    before
}

/// In a raw JSON string (as written, with quotes), the first escape `\t` `\n` `\b` `\f` `\r`
/// that sits in a Windows path (after a drive `X:` or a path character, in a string that looks
/// like a path). Returns (byte offset of the backslash in `raw`, escape letter).
pub fn path_control_escape(raw: &str) -> Option<(usize, char)> {
    let b = raw.as_bytes();
    let looks_path = {
        let has_drive = b
            .windows(3)
            .any(|w| matches!(w, [d, b':', b'\\'] if d.is_ascii_alphabetic()));
        has_drive || raw.contains("\\\\")
    };
    let mut k = 0;
    while k < b.len() {
        if b.get(k) == Some(&b'\\') {
            let code = b.get(k + 1).copied();
            if let Some(c) = code
                && matches!(c, b't' | b'n' | b'b' | b'f' | b'r')
            {
                let prev = if k == 0 { None } else { b.get(k - 1).copied() };
                let next = b.get(k + 2).copied();
                let prev_ok = prev.is_some_and(|p| {
                    p.is_ascii_alphanumeric()
                        || matches!(p, b':' | b'.' | b'_' | b'-' | b')' | b'%')
                });
                let next_ok = next.is_some_and(|n| {
                    n.is_ascii_alphanumeric() || matches!(n, b'.' | b'_' | b'-' | b'\\')
                });
                if (prev == Some(b':') || looks_path) && prev_ok && next_ok {
                    return Some((k, c as char));
                }
            }
            k += 2;
            continue;
        }
        k += 1;
    }
    None
}

/// Windows RUN scripts with their command analysis.
pub fn windows_scripts<'a, 'b>(
    cx: &'b crate::lint::LintContext<'a>,
) -> impl Iterator<Item = (&'b ShellScript<'a>, &'b Analysis)> + 'b {
    cx.scripts_with_analysis()
        .filter(|(s, _)| s.os == crate::dockerfile::stages::Os::Windows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ps51() -> TopShell {
        TopShell {
            dialect: WinDialect::PowerShell { core: false },
            preset_stop: false,
            preset_progress: false,
        }
    }
    fn cmd() -> TopShell {
        TopShell {
            dialect: WinDialect::Cmd,
            preset_stop: false,
            preset_progress: false,
        }
    }
    fn names(a: &Analysis) -> Vec<String> {
        a.cmds.iter().map(WinCmd::name).collect()
    }

    #[test]
    fn families_and_builds() {
        assert_eq!(
            image_family("mcr.microsoft.com/windows/nanoserver:ltsc2022"),
            Some(WinFamily::NanoServer)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/windows/servercore:ltsc2019"),
            Some(WinFamily::ServerCore)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/dotnet/framework/aspnet:4.8"),
            Some(WinFamily::ServerCore)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/powershell:lts-windowsservercore-ltsc2022"),
            Some(WinFamily::ServerCore)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/windows/server:ltsc2022"),
            Some(WinFamily::Server)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/windows:1809"),
            Some(WinFamily::Windows)
        );
        assert_eq!(
            image_family("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022"),
            Some(WinFamily::NanoServer)
        );
        assert_eq!(image_family("ubuntu:22.04"), None);
        assert_eq!(
            image_build("mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019")
                .map(|b| b.build),
            Some(17763)
        );
        assert_eq!(
            image_build("mcr.microsoft.com/windows/nanoserver:1809").map(|b| b.build),
            Some(17763)
        );
        assert_eq!(
            image_build("mcr.microsoft.com/windows/servercore:10.0.20348.2340").map(|b| b.build),
            Some(20348)
        );
        assert_eq!(
            image_build("mcr.microsoft.com/windows/servercore:ltsc2025-amd64").map(|b| b.build),
            Some(26100)
        );
        assert_eq!(
            image_build("mcr.microsoft.com/dotnet/framework/sdk:4.8"),
            None
        );
        assert_eq!(
            image_build("mcr.microsoft.com/dotnet/aspnet:10.0.1-nanoserver-ltsc2025")
                .map(|b| b.build),
            Some(26100)
        );
        assert!(image_has_pwsh(
            "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022"
        ));
        assert!(image_has_pwsh(
            "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022"
        ));
        assert!(!image_has_pwsh(
            "mcr.microsoft.com/windows/nanoserver:ltsc2022"
        ));
        assert_eq!(
            split_image("host:5000/a/b:tag@sha256:00"),
            ("host:5000/a/b".into(), "tag".into())
        );
        assert_eq!(
            split_image("host:5000/a/b"),
            ("host:5000/a/b".into(), String::new())
        );
    }

    #[test]
    fn admin_names() {
        assert!(is_admin_user("ContainerAdministrator"));
        assert!(is_admin_user("\"NT AUTHORITY\\SYSTEM\""));
        assert!(!is_admin_user("ContainerUser"));
    }

    #[test]
    fn preferences() {
        assert!(sets_error_action_stop("$ErrorActionPreference = 'Stop'; x"));
        assert!(sets_error_action_stop("$ErrorActionPreference='stop'"));
        assert!(sets_error_action_stop(
            "$global:ErrorActionPreference = [System.Management.Automation.ActionPreference]::Stop"
        ));
        assert!(!sets_error_action_stop(
            "$ErrorActionPreference = 'Continue'"
        ));
        assert!(!sets_error_action_stop(
            "Write-Host ErrorActionPreference = Stop"
        ));
        assert!(sets_progress_silent(
            "$ProgressPreference = \"SilentlyContinue\";"
        ));
        assert!(!sets_progress_silent("$ProgressPreference = 'Continue'"));
    }

    #[test]
    fn splits_powershell() {
        let t = "$ErrorActionPreference = 'Stop'; Invoke-WebRequest -Uri $u -OutFile x.zip; Expand-Archive x.zip -DestinationPath C:\\x | Out-Null";
        let a = analyze_text(t, ps51());
        assert_eq!(
            names(&a),
            vec!["stop", "invoke-webrequest", "expand-archive", "out-null"]
        );
        assert!(a.cmds[0].assigned);
        assert_eq!(a.cmds[3].conn, Conn::Pipe);
        assert_eq!(
            a.cmds[1].param(&["-outfile"]).map(|t| t.text),
            Some("x.zip".to_string())
        );
    }

    #[test]
    fn splits_and_or() {
        let a = analyze_text("a && b || c; cmd /c \"d && e\"", ps51());
        let conns: Vec<(String, Conn, bool)> = a
            .cmds
            .iter()
            .map(|c| {
                (
                    c.name(),
                    c.conn,
                    a.dialect_of(c).is_some_and(WinDialect::is_ps),
                )
            })
            .collect();
        assert_eq!(
            conns,
            vec![
                ("a".into(), Conn::Start, true),
                ("b".into(), Conn::And, true),
                ("c".into(), Conn::Or, true),
                ("cmd".into(), Conn::Seq, true),
                ("d".into(), Conn::Start, false),
                ("e".into(), Conn::And, false),
            ]
        );
    }

    #[test]
    fn nested_powershell_in_cmd() {
        let t = "powershell -NoProfile -ExecutionPolicy Bypass -Command \"$ProgressPreference='SilentlyContinue'; iwr https://x/a.zip -OutFile a.zip\" && del a.zip";
        let a = analyze_text(t, cmd());
        assert_eq!(
            names(&a),
            vec!["powershell", "silentlycontinue", "iwr", "del"]
        );
        assert_eq!(a.ctxs.len(), 2);
        assert_eq!(a.ctxs[1].dialect, WinDialect::PowerShell { core: false });
        let region = &t[a.ctxs[1].range.clone()];
        assert!(
            region.starts_with("$Progress") && region.ends_with("a.zip"),
            "{region}"
        );
        assert_eq!(a.cmds[3].conn, Conn::And);
        assert_eq!(a.dialect_of(&a.cmds[3]), Some(WinDialect::Cmd));
        // -File runs a script: no inline code.
        let a = analyze_text("powershell -File C:\\setup.ps1 -x 1", cmd());
        assert_eq!(a.ctxs.len(), 1);
    }

    #[test]
    fn word_groups() {
        let a = analyze_text("icacls C:\\app /grant Everyone:(OI)(CI)F /T", cmd());
        assert_eq!(
            a.cmds[0]
                .args()
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>(),
            vec!["C:\\app", "/grant", "Everyone:(OI)(CI)F", "/T"]
        );
        let a = analyze_text(
            "icacls C:\\app /grant 'Everyone:(OI)(CI)F'; $x = (New-Object Net.WebClient).DownloadString($u)",
            ps51(),
        );
        assert_eq!(
            a.cmds[0].args().get(2).map(|w| w.text.as_str()),
            Some("Everyone:(OI)(CI)F")
        );
        assert!(names(&a).contains(&"new-object".to_string()));
        let a = analyze_text(
            "winrm set winrm/config/service @{AllowUnencrypted=\"true\"}",
            cmd(),
        );
        assert_eq!(
            a.cmds[0].args().get(2).map(|w| w.text.as_str()),
            Some("@{AllowUnencrypted=true}")
        );
    }

    #[test]
    fn comments_and_continuations() {
        let a = analyze_text("# note iwr\nGet-Item `\n  -Path x <# iex #>; y", ps51());
        assert_eq!(names(&a), vec!["get-item", "y"]);
        assert_eq!(a.cmds[0].args().len(), 2);
    }

    #[test]
    fn registry() {
        let a = analyze_text(
            "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\" /v LmCompatibilityLevel /t REG_DWORD /d 1 /f",
            cmd(),
        );
        let w = registry_write(&a.cmds[0]).expect("reg write");
        assert_eq!(w.key, "hklm\\system\\currentcontrolset\\control\\lsa");
        assert_eq!(w.name, "lmcompatibilitylevel");
        assert_eq!(w.number(), Some(1));
        let a = analyze_text(
            "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\X' -Name EnableLUA -Value 0 -Type DWord",
            ps51(),
        );
        let w = registry_write(&a.cmds[0]).expect("sp");
        assert_eq!(
            (w.key.as_str(), w.name.as_str(), w.number()),
            ("hklm\\software\\x", "enablelua", Some(0))
        );
        let a = analyze_text(
            "New-ItemProperty HKLM:\\SOFTWARE\\X UseLogonCredential 1 -PropertyType DWord -Force",
            ps51(),
        );
        let w = registry_write(&a.cmds[0]).expect("positional");
        assert_eq!(
            (w.name.as_str(), w.number()),
            ("uselogoncredential", Some(1))
        );
    }

    #[test]
    fn features() {
        let a = analyze_text(
            "Enable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol,TelnetClient -All",
            ps51(),
        );
        let f: Vec<String> = enabled_features(&a.cmds[0])
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(f, vec!["smb1protocol", "telnetclient"]);
        let a = analyze_text("dism /online /enable-feature /featurename:TFTP /all", cmd());
        assert_eq!(
            enabled_features(&a.cmds[0])
                .first()
                .map(|(n, _)| n.as_str()),
            Some("tftp")
        );
        let a = analyze_text(
            "Install-WindowsFeature Web-Server, Web-Ftp-Server -IncludeManagementTools",
            ps51(),
        );
        let f: Vec<String> = enabled_features(&a.cmds[0])
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(f.contains(&"web-ftp-server".to_string()), "{f:?}");
        let a = analyze_text("dism /online /disable-feature /featurename:TFTP", cmd());
        assert!(enabled_features(&a.cmds[0]).is_empty());
    }

    #[test]
    fn services() {
        let a = analyze_text("sc config mpssvc start= disabled", cmd());
        assert!(disables_service(&a.cmds[0], "mpssvc"));
        let a = analyze_text("Set-Service -Name WinDefend -StartupType Disabled", ps51());
        assert!(disables_service(&a.cmds[0], "windefend"));
        let a = analyze_text("Set-Service WinDefend -StartupType Manual", ps51());
        assert!(!disables_service(&a.cmds[0], "windefend"));
    }

    #[test]
    fn words_and_downloads() {
        assert_eq!(find_word("iwr x | iex", "iex"), vec![8]);
        assert!(find_word("Invoke-Expression-Foo", "invoke-expression").is_empty());
        assert!(mentions_download(
            "(New-Object System.Net.WebClient).DownloadString('https://x')"
        ));
        assert!(mentions_download("irm https://get.example/x.ps1"));
        assert!(!mentions_download("Get-Content C:\\x.ps1"));
    }

    #[test]
    fn tls() {
        let up = [
            "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12",
            "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12",
            "[System.Net.ServicePointManager]::SecurityProtocol = 'Tls,Tls11,Tls12'",
            "[Net.ServicePointManager]::SecurityProtocol = 3072",
            "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls13 -bor [Net.SecurityProtocolType]::Tls12",
            "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -band -bnot [Net.SecurityProtocolType]::Ssl3",
            "Write-Host ([Net.ServicePointManager]::SecurityProtocol)",
            "if ([Net.ServicePointManager]::SecurityProtocol -eq 'Tls') { }",
            "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::SystemDefault",
            "[Net.ServicePointManager]::SecurityProtocol = \"Tls12, Tls11, Tls\"",
            "powershell -Command \"[Net.ServicePointManager]::SecurityProtocol = 'Tls12'; iwr $u\"",
        ];
        for t in up {
            assert!(tls_downgrades(t).is_empty(), "{t}");
        }
        let down = [
            "[Net.ServicePointManager]::SecurityProtocol = 'Tls'",
            "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls11; iwr $u",
            "[Net.ServicePointManager]::SecurityProtocol=[Net.SecurityProtocolType]::Ssl3 -bor [Net.SecurityProtocolType]::Tls",
            "[Net.ServicePointManager]::SecurityProtocol = 192",
            "[Net.ServicePointManager]::SecurityProtocol = \"Tls\"; iwr $u",
        ];
        for t in down {
            let r = tls_downgrades(t);
            assert_eq!(r.len(), 1, "{t}");
            assert!(!t[r[0].clone()].contains(';'), "{t}");
        }
    }

    #[test]
    fn iex() {
        let bad = [
            "iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))",
            "Set-ExecutionPolicy Bypass -Scope Process -Force; iex ((New-Object Net.WebClient).DownloadString($u))",
            "iwr https://x/i.ps1 -UseBasicParsing | iex",
            "irm https://get.example.com | Invoke-Expression",
            "Invoke-Expression (Invoke-WebRequest -Uri $u -UseBasicParsing).Content",
            "& ([scriptblock]::Create((irm https://x/y.ps1)))",
            "iex \"& { $(irm https://aka.ms/install-powershell.ps1) } -UseMSI\"",
            "$x = (New-Object Net.WebClient).DownloadString('https://x/s.ps1'); iex $x",
            "powershell -Command \"iex ((New-Object Net.WebClient).DownloadString('https://x'))\"",
        ];
        for t in bad {
            assert_eq!(iex_downloads(t).len(), 1, "{t}");
        }
        let good = [
            "iex $env:TEMP\\setup.ps1",
            "Invoke-WebRequest $u -OutFile x.ps1; if ((Get-FileHash x.ps1).Hash -ne $h) { exit 1 }; & .\\x.ps1",
            "Get-Content C:\\x.ps1 | iex",
            "iwr $u -OutFile a.zip; iex 'Write-Host done'",
            "$x = Get-Content C:\\s.ps1 -Raw; iwr $u -OutFile a.zip; iex $x",
        ];
        for t in good {
            assert!(iex_downloads(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn json_escapes() {
        assert_eq!(path_control_escape(r#""C:\tools\new.ps1""#), Some((3, 't')));
        assert!(path_control_escape(r#""C:\\tools\\new.ps1""#).is_none());
        assert!(path_control_escape(r#""printf 'a\tb'""#).is_none());
        assert!(path_control_escape(r#""C:/tools/new.ps1""#).is_none());
        assert_eq!(
            path_control_escape(r#""C:\\app\\bin\release""#).map(|x| x.1),
            Some('r')
        );
    }

    #[test]
    fn statement_counts() {
        assert_eq!(
            ps_statement_count("if ($err = dir $Env:TEMP | Get-Content) { throw $err }"),
            1
        );
        assert_eq!(
            ps_statement_count("$ProgressPreference = 'SilentlyContinue'; iwr $u -OutFile x"),
            1
        );
        assert_eq!(
            ps_statement_count("iwr $u -OutFile x; Expand-Archive x C:\\x"),
            2
        );
        assert_eq!(ps_statement_count("a `\n  -b c\nd"), 2);
        assert_eq!(ps_statement_count("'a;b'; # c; d\n"), 1);
        assert_eq!(ps_statement_count(""), 0);
        assert_eq!(
            ps_statement_count(
                "$path = $env:path + ';c:\\go\\bin'; Set-ItemProperty -Path x -Name Path -Value $path"
            ),
            1
        );
        assert_eq!(ps_statement_count("$h = Get-FileHash x; Remove-Item x"), 2);
        assert_eq!(
            ps_statement_count(
                "$ProgressPreference = 'SilentlyContinue'; [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12; iwr $u"
            ),
            1
        );
        assert_eq!(ps_statement_count("$a = '; $b = \"; $c = '"), 0);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "\"",
            "'",
            "`",
            "^",
            "(",
            ")",
            "{",
            "}",
            "@{",
            "$(",
            "<#",
            "a & & b",
            "powershell -c \"",
            "cmd /c",
            "é'ü\"ñ`",
            "powershell -Command",
        ] {
            let _ = analyze_text(t, ps51());
            let _ = analyze_text(t, cmd());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn matching_never_panics(text in "[ -~\t\n\u{e9}\u{3000}`'\"$(){}\\[\\]|&;%^\\\\]{0,120}") {
            for top in [ps51(), cmd(), TopShell { dialect: WinDialect::PowerShell { core: true }, preset_stop: true, preset_progress: true }] {
                let a = analyze_text(&text, top);
                for c in &a.cmds {
                    proptest::prop_assert!(c.range.start <= c.range.end && c.range.end <= text.len());
                    let _ = registry_write(c);
                    let _ = enabled_features(c);
                    let _ = disables_service(c, "mpssvc");
                }
                for ctx in &a.ctxs {
                    proptest::prop_assert!(text.get(ctx.range.clone()).is_some());
                }
            }
            for r in tls_downgrades(&text).into_iter().chain(iex_downloads(&text)) {
                proptest::prop_assert!(text.get(r).is_some());
            }
            let _ = ps_statement_count(&text);
            let _ = path_control_escape(&text);
            let _ = sets_error_action_stop(&text);
            let _ = mentions_download(&text);
            let _ = image_build(&text);
            let _ = image_family(&text);
        }
    }
}
