//! Command extraction for sh, PowerShell and cmd.
//!
//! [`parse`] splits the text of a RUN instruction (or a heredoc body) into simple commands,
//! including nested ones: command substitutions, subshells and blocks, PowerShell
//! subexpressions and script blocks, and scripts handed to another interpreter
//! (`sh -c '…'`, `powershell -Command …`, `cmd /S /C "…"`). It is not a full shell parser: it
//! recognises enough syntax to find every command and its arguments, never fails, and never
//! panics. Recursion is bounded, so deeply nested input cannot overflow the stack.
//!
//! Conventions shared by the three dialects:
//! - `ShWord::text` has quotes removed and escapes resolved; variables stay literal.
//! - `--flag=value` (all dialects) and `-Param:value` (PowerShell) are split into two words,
//!   so [`Command::has_arg`] / [`Command::arg_value`] see every spelling of a flag alike.
//! - Redirections (`> f`, `2>&1`, `<<EOF`) and their targets are not words.
//! - `connector` links a command to the previous command of the same list; the first command
//!   of a nested list (substitution, block, `sh -c` script, …) has [`Connector::Start`].
//! - Commands are returned in source order (outer before inner when they start together).

mod cmd;
mod posix;
mod powershell;

pub use powershell::{sets_error_action_stop, sets_progress_silent};

use std::borrow::Cow;
use std::ops::Range;

/// Maximum nesting of recursive constructs that are descended into. Deeper input is skipped
/// over without extracting commands.
pub(crate) const MAX_LEVEL: u32 = 64;

/// Nesting budget used by a script handed to another interpreter (`sh -c`, `cmd /c`, …): each
/// one re-lexes its text, so at most `MAX_LEVEL / REPARSE_COST` are followed.
const REPARSE_COST: u32 = 8;

/// Nesting budget used by a command run through a wrapper (`sudo`, `env`, `call`, …).
const UNWRAP_COST: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Posix,
    PowerShell,
    Cmd,
}

/// Operator that connects a command to the previous one in the same list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// First command of a script or of a nested list.
    Start,
    /// `;` or newline (and cmd's single `&`).
    Seq,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|`
    Pipe,
    /// The previous command was sent to the background with `&` (POSIX, pwsh 7).
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShWord {
    /// Unquoted text (quotes removed, escapes resolved; variables NOT expanded).
    pub text: String,
    /// Byte range of the raw word in the script text.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `words[0]` is the command name as written. For a PowerShell expression statement
    /// (`[Net.ServicePointManager]::SecurityProtocol = …`, `(New-Object X).M()`), it is the
    /// single word holding the raw statement text.
    pub words: Vec<ShWord>,
    /// Byte range of the whole simple command in the script text.
    pub range: Range<usize>,
    pub connector: Connector,
    /// Nesting depth: 0 = top level.
    pub depth: u32,
}

impl Command {
    /// Lowercased command name without directory and `.exe`/`.cmd`/`.bat`/`.ps1`/`.com`.
    pub fn name(&self) -> ProgramName<'_> {
        self.words
            .first()
            .map(|w| program_name(&w.text))
            .unwrap_or_default()
    }

    /// PowerShell view of the name: [`Command::name`] with a module qualifier
    /// (`Microsoft.PowerShell.Utility\Invoke-WebRequest`) removed and a built-in alias resolved
    /// (`iwr` → `invoke-webrequest`, `%` → `foreach-object`). A name written with an extension
    /// (`curl.exe`) is never treated as an alias.
    pub fn cmdlet_name(&self) -> String {
        let Some(first) = self.words.first() else {
            return String::new();
        };
        let raw = first.text.as_str();
        let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
        if base.contains('.') && !base.starts_with('.') {
            return program_name(raw).into_owned();
        }
        let lower = base.to_ascii_lowercase();
        powershell_alias(&lower).map_or(lower, str::to_string)
    }

    /// Arguments after the name.
    pub fn args(&self) -> &[ShWord] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// True if any argument equals one of `names`, ignoring ASCII case.
    pub fn has_arg(&self, names: &[&str]) -> bool {
        self.args()
            .iter()
            .any(|w| names.iter().any(|n| w.text.eq_ignore_ascii_case(n)))
    }

    /// Like [`Command::has_arg`] but case-sensitive (POSIX tools: `curl -O` is not `curl -o`).
    pub fn has_arg_cs(&self, names: &[&str]) -> bool {
        self.args()
            .iter()
            .any(|w| names.iter().any(|n| w.text == *n))
    }

    /// The word following the first argument equal to one of `names` (ignoring ASCII case):
    /// `-o x`, `--output x`, `--output=x` and PowerShell `-Name:x` all give `x`.
    pub fn arg_value(&self, names: &[&str]) -> Option<&ShWord> {
        let args = self.args();
        args.iter()
            .position(|w| names.iter().any(|n| w.text.eq_ignore_ascii_case(n)))
            .and_then(|i| args.get(i + 1))
    }

    /// Like [`Command::arg_value`] but case-sensitive.
    pub fn arg_value_cs(&self, names: &[&str]) -> Option<&ShWord> {
        let args = self.args();
        args.iter()
            .position(|w| names.iter().any(|n| w.text == *n))
            .and_then(|i| args.get(i + 1))
    }

    /// True for a PowerShell expression statement (see [`Command::words`]): one word whose
    /// text starts like an expression (`$`, `(`, `[`, `@`, a quote or a digit).
    pub fn is_expression(&self) -> bool {
        self.words.len() == 1
            && self
                .words
                .first()
                .and_then(|w| w.text.chars().next())
                .is_some_and(|c| {
                    matches!(
                        c,
                        '$' | '(' | '[' | '@' | '\'' | '"' | '0'..='9' | '!' | '-' | '{'
                    )
                })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub dialect: Dialect,
    pub commands: Vec<Command>,
}

impl Script {
    /// Commands whose [`Command::name`] is one of `names` (lowercase, no extension).
    pub fn named<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands.iter().filter(move |c| {
            let n = c.name();
            names.iter().any(|x| n == *x)
        })
    }

    /// Index of the command that `commands[i]`'s connector refers to: the nearest earlier
    /// command of the same list (same depth, without crossing a shallower command).
    pub fn previous(&self, i: usize) -> Option<usize> {
        let depth = self.commands.get(i)?.depth;
        let mut j = i;
        while j > 0 {
            j -= 1;
            let c = self.commands.get(j)?;
            if c.depth == depth {
                return Some(j);
            }
            if c.depth < depth {
                return None;
            }
        }
        None
    }
}

/// Splits a script into commands. Never panics, any input.
pub fn parse(script: &str, dialect: Dialect) -> Script {
    let mut commands = Vec::new();
    parse_into(script, dialect, 0, 0, &mut commands);
    commands.sort_by_key(|c| (c.range.start, c.depth));
    Script { dialect, commands }
}

/// Lowercased program name without directory and `.exe`/`.cmd`/`.bat`/`.ps1`/`.com` suffix.
/// Borrows from `word` unless it has upper-case letters (this runs for every command word, so
/// the common case allocates nothing).
pub fn program_name(word: &str) -> ProgramName<'_> {
    let start = word
        .as_bytes()
        .iter()
        .rposition(|&b| b == b'/' || b == b'\\')
        .map_or(0, |i| i + 1);
    let base = &word[start..];
    let name = match base.len().checked_sub(4) {
        Some(cut)
            if base.is_char_boundary(cut)
                && [".exe", ".cmd", ".bat", ".ps1", ".com"]
                    .iter()
                    .any(|ext| base[cut..].eq_ignore_ascii_case(ext)) =>
        {
            &base[..cut]
        }
        _ => base,
    };
    ProgramName(if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    })
}

/// A lowercased program name ([`program_name`]): borrowed from the command word when it is
/// already lower-case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramName<'a>(Cow<'a, str>);

impl ProgramName<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for ProgramName<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ProgramName<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for ProgramName<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Display for ProgramName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The cmdlet a built-in PowerShell alias stands for (lowercase in, lowercase out). Includes the
/// Windows PowerShell 5.1 aliases `curl`/`wget` (→ `invoke-webrequest`) that pwsh 7 removed.
pub fn powershell_alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "iwr" | "curl" | "wget" => "invoke-webrequest",
        "irm" => "invoke-restmethod",
        "iex" => "invoke-expression",
        "icm" => "invoke-command",
        "%" | "foreach" => "foreach-object",
        "?" | "where" => "where-object",
        "saps" | "start" => "start-process",
        "gci" | "dir" | "ls" => "get-childitem",
        "gc" | "cat" | "type" => "get-content",
        "sc" => "set-content",
        "ac" => "add-content",
        "ri" | "rm" | "rmdir" | "del" | "erase" | "rd" => "remove-item",
        "ni" => "new-item",
        "cp" | "copy" | "cpi" => "copy-item",
        "mv" | "move" | "mi" => "move-item",
        "echo" | "write" => "write-output",
        "cd" | "sl" | "chdir" => "set-location",
        "gi" => "get-item",
        "gp" => "get-itemproperty",
        "sp" => "set-itemproperty",
        "ipmo" => "import-module",
        "sal" => "set-alias",
        "sv" | "set" => "set-variable",
        "nal" => "new-alias",
        "gcm" => "get-command",
        "gps" | "ps" => "get-process",
        "kill" | "spps" => "stop-process",
        "sleep" => "start-sleep",
        _ => return None,
    })
}

/// Parses `text` in `dialect`, appending commands whose depths start at `depth`.
pub(crate) fn parse_into(
    text: &str,
    dialect: Dialect,
    depth: u32,
    level: u32,
    out: &mut Vec<Command>,
) {
    if level >= MAX_LEVEL {
        return;
    }
    match dialect {
        Dialect::Posix => posix::parse(text, depth, level, out),
        Dialect::PowerShell => powershell::parse(text, depth, level, out),
        Dialect::Cmd => cmd::parse(text, depth, level, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared lexing helpers
// ---------------------------------------------------------------------------------------------

/// A word being built by a lexer: unquoted text plus, for every byte of `text`, the byte range
/// of the source construct that produced it (so nested scripts map back to the outer text).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tok {
    pub text: String,
    pub map: Vec<(usize, usize)>,
    pub start: usize,
    pub end: usize,
    /// The raw word begins with a quote (a PowerShell parameter never does).
    pub quoted_start: bool,
    /// Some part of the word was quoted or escaped.
    pub quoted: bool,
}

impl Tok {
    pub fn new(start: usize) -> Self {
        Tok {
            start,
            end: start,
            ..Tok::default()
        }
    }

    /// Appends `c`, produced by the source bytes `s..e`.
    pub fn push(&mut self, c: char, s: usize, e: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.map.push((s, e));
        }
    }

    /// Appends the source text `from..to` verbatim.
    pub fn push_src(&mut self, src: &str, from: usize, to: usize) {
        if let Some(sl) = src.get(from..to) {
            self.text.push_str(sl);
            self.map.reserve(sl.len());
            for (i, c) in sl.char_indices() {
                let s = from + i;
                let e = s + c.len_utf8();
                for _ in 0..c.len_utf8() {
                    self.map.push((s, e));
                }
            }
        }
    }
}

/// Cursor over a script with an exclusive end limit.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    pub src: &'a str,
    pub pos: usize,
    pub end: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Cursor {
            src,
            pos: 0,
            end: src.len(),
        }
    }

    pub fn peek(&self) -> Option<u8> {
        self.at(0)
    }

    pub fn at(&self, k: usize) -> Option<u8> {
        let i = self.pos.checked_add(k)?;
        if i < self.end {
            self.src.as_bytes().get(i).copied()
        } else {
            None
        }
    }

    pub fn ch(&self) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().next()
    }

    /// Advances over one character.
    pub fn bump(&mut self) -> Option<char> {
        let c = self.ch()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Advances over one character and appends it to `t` verbatim.
    pub fn take(&mut self, t: &mut Tok) {
        let s = self.pos;
        if let Some(c) = self.bump() {
            t.push(c, s, self.pos);
        }
    }

    pub fn starts_with(&self, s: &str) -> bool {
        self.src
            .get(self.pos..self.end)
            .is_some_and(|r| r.starts_with(s))
    }

    pub fn starts_with_ci(&self, s: &str) -> bool {
        self.src
            .get(self.pos..self.end)
            .and_then(|r| r.get(..s.len()))
            .is_some_and(|r| r.eq_ignore_ascii_case(s))
    }

    pub fn eof(&self) -> bool {
        self.pos >= self.end
    }

    /// Moves to the next `\n` (not consumed) or the end.
    pub fn skip_to_eol(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' {
                break;
            }
            self.bump();
        }
    }

    pub fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or("")
    }
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Splits `--flag=value` (and, for PowerShell, `-Param:value`) into two words.
fn to_words(toks: &[Tok], dialect: Dialect) -> Vec<ShWord> {
    let mut words = Vec::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        if i > 0
            && let Some(w) = split_flag(t, dialect)
        {
            words.extend(w);
            continue;
        }
        words.push(ShWord {
            text: t.text.clone(),
            range: t.start..t.end,
        });
    }
    words
}

fn split_flag(t: &Tok, dialect: Dialect) -> Option<Vec<ShWord>> {
    let b = t.text.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let name_ok = |from: usize, to: usize, extra: &[u8]| {
        b.get(from..to).is_some_and(|r| {
            r.iter()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
        })
    };
    let (sep_idx, keep_empty) =
        if b.starts_with(b"--") && at(2).is_some_and(|c| c.is_ascii_alphanumeric()) {
            let i = b.iter().position(|&c| c == b'=')?;
            if !name_ok(2, i, b"-_.") {
                return None;
            }
            (i, true)
        } else if dialect == Dialect::PowerShell
            && !t.quoted_start
            && at(0) == Some(b'-')
            && at(1).is_some_and(is_name_start)
        {
            let i = b.iter().position(|&c| c == b':')?;
            if !name_ok(1, i, b"_-") {
                return None;
            }
            (i, false)
        } else {
            return None;
        };
    let &(sep_s, sep_e) = t.map.get(sep_idx)?;
    let name = ShWord {
        text: t.text.get(..sep_idx)?.to_string(),
        range: t.start..sep_s.max(t.start),
    };
    let value_text = t.text.get(sep_idx + 1..)?.to_string();
    if value_text.is_empty() && !keep_empty {
        return Some(vec![name]);
    }
    let vs = sep_e.min(t.end);
    let value = ShWord {
        text: value_text,
        range: vs..t.end,
    };
    Some(vec![name, value])
}

/// Records a finished simple command and descends into what it runs: a script handed to
/// another interpreter, or a command run through a wrapper (`sudo`, `env`, cmd's `call`/`start`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit(
    src: &str,
    dialect: Dialect,
    level: u32,
    toks: &[Tok],
    range: Range<usize>,
    connector: Connector,
    depth: u32,
    out: &mut Vec<Command>,
) {
    let Some(first) = toks.first() else { return };
    out.push(Command {
        words: to_words(toks, dialect),
        range,
        connector,
        depth,
    });
    let name = program_name(&first.text);
    let args = toks.get(1..).unwrap_or(&[]);
    let reparse_level = level + REPARSE_COST;
    if reparse_level >= MAX_LEVEL {
        // too deep: neither inline scripts nor wrapped commands are followed
    } else if let Some((d, script)) = interpreter_script(&name, args, dialect, src) {
        match script {
            Inner::Toks(ts) => {
                let (text, map) = join_toks(ts);
                let fallback = ts.last().map_or(0, |t| t.end);
                parse_mapped(&text, &map, fallback, d, depth + 1, reparse_level, out);
            }
            Inner::Owned(text, map, fallback) => {
                parse_mapped(&text, &map, fallback, d, depth + 1, reparse_level, out);
            }
        }
    }
    if level + UNWRAP_COST < MAX_LEVEL
        && let Some(k) = wrapped_command(&name, args, dialect)
    {
        let inner = args.get(k..).unwrap_or(&[]);
        if let (Some(a), Some(b)) = (inner.first(), inner.last()) {
            emit(
                src,
                dialect,
                level + UNWRAP_COST,
                inner,
                a.start..b.end,
                Connector::Start,
                depth + 1,
                out,
            );
        }
    }
}

enum Inner<'t> {
    /// Argument words, joined with spaces (how the program rebuilds its command line).
    Toks(&'t [Tok]),
    /// Text taken from the source, with its byte map and end offset.
    Owned(String, Vec<(usize, usize)>, usize),
}

fn join_toks(toks: &[Tok]) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut map = Vec::new();
    let mut prev_end = None;
    for t in toks {
        if let Some(pe) = prev_end {
            text.push(' ');
            map.push((pe, t.start.max(pe)));
        }
        text.push_str(&t.text);
        map.extend_from_slice(&t.map);
        prev_end = Some(t.end);
    }
    (text, map)
}

fn parse_mapped(
    text: &str,
    map: &[(usize, usize)],
    fallback: usize,
    dialect: Dialect,
    depth: u32,
    level: u32,
    out: &mut Vec<Command>,
) {
    let mut inner = Vec::new();
    parse_into(text, dialect, depth, level, &mut inner);
    let remap = |r: &Range<usize>| -> Range<usize> {
        let s = map.get(r.start).map_or(fallback, |m| m.0);
        let e = if r.end > r.start {
            map.get(r.end - 1).map_or(fallback, |m| m.1)
        } else {
            s
        };
        s..e.max(s)
    };
    for mut c in inner {
        c.range = remap(&c.range);
        for w in &mut c.words {
            w.range = remap(&w.range);
        }
        out.push(c);
    }
}

const POSIX_SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

/// The script an interpreter invocation runs, if it is given inline.
fn interpreter_script<'t>(
    name: &str,
    args: &'t [Tok],
    dialect: Dialect,
    src: &str,
) -> Option<(Dialect, Inner<'t>)> {
    let _ = src;
    match name {
        n if POSIX_SHELLS.contains(&n) => {
            let mut args = args;
            if n == "busybox" {
                let first = args.first()?;
                if !POSIX_SHELLS.contains(&program_name(&first.text).as_str()) {
                    return None;
                }
                args = args.get(1..)?;
            }
            posix_c_script(args).map(|t| (Dialect::Posix, Inner::Toks(std::slice::from_ref(t))))
        }
        "su" => {
            let i = args
                .iter()
                .position(|t| t.text == "-c" || t.text == "--command")?;
            args.get(i + 1)
                .map(|t| (Dialect::Posix, Inner::Toks(std::slice::from_ref(t))))
        }
        "powershell" | "pwsh" | "powershell_ise" | "pwsh-preview" => {
            powershell_command(args, name != "powershell")
                .map(|ts| (Dialect::PowerShell, Inner::Toks(ts)))
        }
        "cmd" => {
            let i = args.iter().position(|t| {
                let l = t.text.to_ascii_lowercase();
                l == "/c" || l == "/k" || l == "/r"
            })?;
            let has_s = args
                .get(..i)?
                .iter()
                .any(|t| t.text.eq_ignore_ascii_case("/s"));
            let rest = args.get(i + 1..)?;
            let (first, last) = (rest.first()?, rest.last()?);
            if dialect == Dialect::Cmd {
                let (text, map) = cmd_c_text(src, first.start, last.end, has_s);
                Some((Dialect::Cmd, Inner::Owned(text, map, last.end)))
            } else {
                Some((Dialect::Cmd, Inner::Toks(rest)))
            }
        }
        _ => None,
    }
}

/// The command line after `cmd /C`, as the inner cmd sees it: with `/S`, or unless the quoted
/// part is simply a quoted program path, cmd removes the first and the last quote.
fn cmd_c_text(src: &str, from: usize, to: usize, has_s: bool) -> (String, Vec<(usize, usize)>) {
    let s = src.get(from..to).unwrap_or("");
    let mut drop = [usize::MAX; 2];
    if s.starts_with('"') {
        let quotes = s.bytes().filter(|&b| b == b'"').count();
        let last_q = s.rfind('"').unwrap_or(0);
        let inner = s.get(1..last_q).unwrap_or("");
        let keep = !has_s
            && quotes == 2
            && inner.contains(' ')
            && !inner
                .bytes()
                .any(|b| matches!(b, b'&' | b'<' | b'>' | b'(' | b')' | b'@' | b'^' | b'|'));
        if !keep {
            drop = [0, if last_q > 0 { last_q } else { usize::MAX }];
        }
    }
    let mut text = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if drop.contains(&i) {
            continue;
        }
        let st = from + i;
        text.push(c);
        for _ in 0..c.len_utf8() {
            map.push((st, st + c.len_utf8()));
        }
    }
    (text, map)
}

/// The script operand of `sh [options] -c script`.
fn posix_c_script(args: &[Tok]) -> Option<&Tok> {
    let mut saw_c = false;
    let mut i = 0;
    while let Some(t) = args.get(i) {
        let s = t.text.as_str();
        if s == "--" {
            i += 1;
            break;
        }
        if (s == "-o" || s == "+o" || s == "-O" || s == "+O") && !t.quoted {
            i += 2;
            continue;
        }
        if s.starts_with("--") {
            i += 1;
            continue;
        }
        if (s.starts_with('-') || s.starts_with('+')) && s.len() > 1 {
            if s.get(1..).is_some_and(|f| f.contains('c')) {
                saw_c = true;
            }
            i += 1;
            continue;
        }
        break;
    }
    if saw_c { args.get(i) } else { None }
}

/// The words after `-Command` of a `powershell`/`pwsh` command line. Windows PowerShell runs
/// the first non-parameter argument and the rest as a command; pwsh treats it as `-File`.
fn powershell_command(args: &[Tok], core: bool) -> Option<&[Tok]> {
    let mut i = 0;
    while let Some(t) = args.get(i) {
        let s = t.text.as_str();
        let param = s
            .strip_prefix('-')
            .or_else(|| s.strip_prefix('/'))
            .filter(|p| !p.is_empty() && !t.quoted_start);
        let Some(p) = param else {
            return if core { None } else { args.get(i..) };
        };
        let p = p.to_ascii_lowercase();
        let p = p.split(':').next().unwrap_or("");
        match ps_host_param(p) {
            HostParam::Command => {
                let rest = args.get(i + 1..)?;
                if rest.is_empty() || rest.first().is_some_and(|t| t.text == "-") {
                    return None;
                }
                return Some(rest);
            }
            HostParam::Stop => return None,
            HostParam::Value => i += 2,
            HostParam::Switch => i += 1,
        }
    }
    None
}

enum HostParam {
    Command,
    Stop,
    Value,
    Switch,
}

fn ps_host_param(p: &str) -> HostParam {
    const VALUE: &[&str] = &[
        "executionpolicy",
        "inputformat",
        "outputformat",
        "windowstyle",
        "version",
        "configurationname",
        "custompipename",
        "settingsfile",
        "workingdirectory",
        "psconsolefile",
        "encodedarguments",
    ];
    const SWITCH: &[&str] = &[
        "noprofile",
        "nologo",
        "noninteractive",
        "noexit",
        "sta",
        "mta",
        "login",
        "interactive",
        "help",
        "noprofileloadtime",
    ];
    match p {
        "c" | "command" => return HostParam::Command,
        "e" | "ec" | "encodedcommand" | "f" | "file" => return HostParam::Stop,
        "ep" | "ex" => return HostParam::Value,
        "nop" | "noni" | "nol" => return HostParam::Switch,
        _ => {}
    }
    if p.len() >= 2 && "command".starts_with(p) {
        return HostParam::Command;
    }
    if p.len() >= 2 && ("encodedcommand".starts_with(p) || "file".starts_with(p)) {
        return HostParam::Stop;
    }
    if VALUE.iter().any(|v| v.starts_with(p)) {
        return HostParam::Value;
    }
    if SWITCH.iter().any(|v| v.starts_with(p)) {
        return HostParam::Switch;
    }
    HostParam::Switch
}

/// For wrapper programs that run another command, the index (into `args`) where the wrapped
/// command starts.
fn wrapped_command(name: &str, args: &[Tok], dialect: Dialect) -> Option<usize> {
    let k = match (dialect, name) {
        (Dialect::Posix, "sudo" | "doas") => skip_opts(
            args,
            &[
                "-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D", "-T", "-R",
            ],
            true,
        ),
        (Dialect::Posix, "env") => skip_opts(args, &["-u", "-C", "-S", "--unset", "--chdir"], true),
        (Dialect::Posix, "nice") => skip_opts(args, &["-n", "--adjustment"], false),
        (Dialect::Posix, "exec") => skip_opts(args, &["-a"], false),
        (Dialect::Posix, "nohup" | "builtin") => Some(0),
        (Dialect::Posix, "time") => skip_opts(args, &["-f", "-o", "--format", "--output"], false),
        (Dialect::Posix, "command") => {
            if args.iter().any(|t| t.text == "-v" || t.text == "-V") {
                None
            } else {
                skip_opts(args, &[], false)
            }
        }
        (Dialect::Posix, "timeout") => {
            skip_opts(args, &["-s", "-k", "--signal", "--kill-after"], false).map(|k| k + 1)
        }
        (Dialect::Posix, "xargs") => skip_opts(
            args,
            &[
                "-I",
                "-L",
                "-n",
                "-P",
                "-d",
                "-E",
                "-s",
                "-a",
                "--max-args",
                "--max-procs",
                "--delimiter",
                "--arg-file",
            ],
            false,
        ),
        (Dialect::Cmd, "call") => {
            if args.first().is_some_and(|t| t.text.starts_with(':')) {
                None
            } else {
                Some(0)
            }
        }
        (Dialect::Cmd, "start") => cmd_start_target(args),
        _ => None,
    }?;
    (k < args.len()).then_some(k)
}

/// Skips leading options; `with_value` lists options that take a separate value. With
/// `assignments`, `NAME=value` words after the options are skipped too (`env A=1 cmd`).
fn skip_opts(args: &[Tok], with_value: &[&str], assignments: bool) -> Option<usize> {
    let mut i = 0;
    while let Some(t) = args.get(i) {
        let s = t.text.as_str();
        if s == "--" {
            i += 1;
            break;
        }
        if s.starts_with('-') && s.len() > 1 {
            i += if with_value.contains(&s) { 2 } else { 1 };
            continue;
        }
        break;
    }
    if assignments {
        while args.get(i).is_some_and(|t| is_assignment(&t.text)) {
            i += 1;
        }
    }
    Some(i)
}

fn cmd_start_target(args: &[Tok]) -> Option<usize> {
    let mut i = 0;
    let mut title_seen = false;
    while let Some(t) = args.get(i) {
        let l = t.text.to_ascii_lowercase();
        if !t.quoted_start && l.starts_with('/') {
            i += if matches!(l.as_str(), "/d" | "/node" | "/affinity") {
                2
            } else {
                1
            };
            continue;
        }
        if t.quoted_start && !title_seen {
            title_seen = true;
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// `NAME=value` / `NAME+=value` with a valid shell variable name.
pub(crate) fn is_assignment(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.first().copied().is_some_and(is_name_start) {
        return false;
    }
    let mut i = 1;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        i += 1;
    }
    if b.get(i) == Some(&b'[') {
        while b.get(i).is_some_and(|c| *c != b']') {
            i += 1;
        }
        i += 1;
    }
    if b.get(i) == Some(&b'+') {
        i += 1;
    }
    b.get(i) == Some(&b'=')
}

#[cfg(test)]
mod tests;
