//! Command splitting.

use super::*;

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
    pub fn name(&self) -> ProgramName<'_> {
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

pub(super) const MAX_DEPTH: usize = 6;

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

pub(super) fn split_ctx(text: &str, ctx: usize, a: &mut Analysis, depth: usize) {
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
pub(super) fn nested_region(
    text: &str,
    cmd: &WinCmd,
) -> Option<(WinDialect, Range<usize>, Range<usize>)> {
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
pub(super) fn split_commands(
    text: &str,
    range: Range<usize>,
    dialect: WinDialect,
) -> Vec<(Vec<Tok>, Conn)> {
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
