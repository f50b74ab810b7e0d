//! Variable values visible to a command: ENV / ARG of the stage (and ENV of the stages it is
//! built `FROM`), shell-local assignments earlier in the same RUN (`X=1; …`, PowerShell
//! `$x = '…'`), and the evaluation of simple PowerShell string expressions (`'…' -f $env:V`,
//! `"…$env:V…"`, concatenation).
//!
//! Everything here answers "what text does this word have at build time?" and gives up
//! (`None`) rather than guess: command substitutions, unknown variables and method calls are
//! unresolvable.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::expand::expand;
use crate::dockerfile::shell::{Dialect, ShWord};
use crate::dockerfile::stages::{Os, StageModel};
use crate::dockerfile::{Dockerfile, InstructionKind, KeyValue};
use crate::lint::ShellScript;

/// How deep PowerShell expressions are evaluated (parentheses, `$( )`, format arguments).
const MAX_EVAL_DEPTH: usize = 12;

/// Values a variable took over a stage: `(instruction index, value)` in instruction order;
/// `None` = declared without a value (`ARG X` with no default and no global value).
#[derive(Debug, Clone, Default)]
struct Table {
    map: BTreeMap<String, Vec<(usize, Option<String>)>>,
}

impl Table {
    fn set(&mut self, key: String, at: usize, value: Option<String>) {
        self.map.entry(key).or_default().push((at, value));
    }

    /// The value set by the latest instruction before `at`: `Some(None)` when declared
    /// without a value, `None` when never set.
    fn get(&self, key: &str, at: usize) -> Option<Option<&str>> {
        let history = self.map.get(key)?;
        let n = history.partition_point(|(i, _)| *i < at);
        history.get(n.checked_sub(1)?).map(|(_, v)| v.as_deref())
    }
}

/// ENV and ARG tables of one stage.
#[derive(Debug, Clone, Default)]
struct StageVars {
    env: Table,
    args: Table,
    /// The stage this one is built `FROM` (its ENV is inherited).
    parent: Option<usize>,
    /// Windows stages compare variable names case-insensitively (keys are lowercased).
    case_insensitive: bool,
}

/// ENV / ARG values of every stage of one Dockerfile, computed in one pass.
#[derive(Debug, Clone, Default)]
pub struct Envs {
    stages: Vec<StageVars>,
    stage_of: Vec<Option<usize>>,
}

/// ENV / ARG values in effect at one instruction (before it runs).
#[derive(Debug, Clone, Copy)]
pub struct Env<'e> {
    envs: &'e Envs,
    stage: Option<usize>,
    at: usize,
}

impl Env<'_> {
    /// The value of a variable (ENV wins over ARG; ENV of parent stages is inherited).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.envs.lookup(self.stage, self.at, name)
    }

    /// Case-insensitive lookup (PowerShell `$env:X`, cmd `%X%`).
    pub fn get_ci(&self, name: &str) -> Option<&str> {
        self.get(name).or_else(|| {
            let stage = self.envs.stages.get(self.stage?)?;
            if stage.case_insensitive {
                return None; // already compared case-insensitively
            }
            let key = stage
                .env
                .map
                .keys()
                .chain(stage.args.map.keys())
                .find(|k| k.eq_ignore_ascii_case(name))?;
            self.get(key)
        })
    }
}

impl Envs {
    pub fn new(df: &Dockerfile, model: &StageModel, text: &str) -> Self {
        let globals: BTreeMap<&str, Option<&str>> = model
            .global_args
            .iter()
            .map(|a| (a.name.as_str(), a.default.as_deref()))
            .collect();
        let mut envs = Envs {
            stages: Vec::with_capacity(model.stages.len()),
            stage_of: model.stage_of.clone(),
        };
        for (si, st) in model.stages.iter().enumerate() {
            // A parent is always an earlier stage; anything else is ignored (no cycles).
            let parent = st.parent_stage.filter(|p| *p < si);
            let case_insensitive = st.os == Os::Windows;
            envs.stages.push(StageVars {
                parent,
                case_insensitive,
                ..StageVars::default()
            });
            let insts = df
                .instructions
                .get(st.from + 1..st.end.max(st.from + 1))
                .unwrap_or(&[]);
            for (k, inst) in insts.iter().enumerate() {
                let idx = st.from + 1 + k;
                let is_arg = match inst.kind {
                    InstructionKind::Arg => true,
                    InstructionKind::Env => false,
                    _ => continue,
                };
                // Every pair sees the variables from before the instruction (Docker expands
                // `ENV a=1 b=$a` with the old `a`).
                let values: Vec<(String, Option<String>)> = inst
                    .pairs
                    .iter()
                    .map(|kv| {
                        let value = match &kv.value {
                            Some(_) => envs.value(kv, df.escape, text, Some(si), idx),
                            None if is_arg => globals
                                .get(kv.key.as_str())
                                .copied()
                                .flatten()
                                .map(str::to_string),
                            None => None,
                        };
                        let key = if case_insensitive {
                            kv.key.to_ascii_lowercase()
                        } else {
                            kv.key.clone()
                        };
                        (key, value)
                    })
                    .collect();
                if let Some(sv) = envs.stages.get_mut(si) {
                    let table = if is_arg { &mut sv.args } else { &mut sv.env };
                    for (key, value) in values {
                        table.set(key, idx, value);
                    }
                }
            }
        }
        envs
    }

    /// The variables in effect at instruction `idx`.
    pub fn at(&self, idx: usize) -> Env<'_> {
        Env {
            envs: self,
            stage: self.stage_of.get(idx).copied().flatten(),
            at: idx,
        }
    }

    fn lookup(&self, stage: Option<usize>, at: usize, name: &str) -> Option<&str> {
        let mut cur = stage?;
        let mut at = at;
        let mut own = true;
        // Parents are earlier stages, so the walk ends; bound it anyway.
        for _ in 0..=self.stages.len() {
            let sv = self.stages.get(cur)?;
            let key = if sv.case_insensitive {
                std::borrow::Cow::Owned(name.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(name)
            };
            if let Some(v) = sv.env.get(&key, at) {
                return v;
            }
            // ARGs do not cross stages.
            if own && let Some(v) = sv.args.get(&key, at) {
                return v;
            }
            cur = sv.parent?;
            at = usize::MAX;
            own = false;
        }
        None
    }

    /// The value of an ENV / ARG pair with earlier variables expanded; `None` when it uses a
    /// variable that has no value.
    fn value(
        &self,
        kv: &KeyValue,
        escape: char,
        text: &str,
        stage: Option<usize>,
        at: usize,
    ) -> Option<String> {
        let v = kv.value.as_deref()?;
        if !v.contains('$') {
            return Some(v.to_string());
        }
        // Expand the value as written (quotes and escapes intact) when it is on one line.
        let raw = kv
            .value_span
            .map(|s| s.slice(text))
            .filter(|r| !r.is_empty() && !r.contains('\n'))
            .unwrap_or(v);
        let lookup = |name: &str| self.lookup(stage, at, name).map(str::to_string);
        let e = expand(raw, escape, &lookup);
        (e.error.is_none() && plain_refs(raw).iter().all(|n| lookup(n).is_some()))
            .then_some(e.value)
    }
}

/// Variables a word uses without a default (`$X`, `${X}`; not `${X:-d}`, `${X+alt}`): the
/// word is only known when they all have values.
fn plain_refs(raw: &str) -> Vec<&str> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut double = false;
    while i < b.len() {
        match b.get(i) {
            Some(b'\\') => {
                i += 2;
                continue;
            }
            Some(b'"') => double = !double,
            Some(b'\'') if !double => {
                // Single-quoted text is literal.
                i += 1;
                while b.get(i).is_some_and(|c| *c != b'\'') {
                    i += 1;
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        if b.get(i) == Some(&b'$') {
            let braced = b.get(i + 1) == Some(&b'{');
            let start = i + 1 + usize::from(braced);
            let mut j = start;
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                j += 1;
            }
            let name = raw.get(start..j).unwrap_or("");
            let modifier = braced && matches!(b.get(j), Some(b':' | b'-' | b'+' | b'?'));
            if !name.is_empty() && !modifier {
                out.push(name);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// A word after variable resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The resolved text, or the text as written (quotes removed) when unresolved.
    pub text: String,
    /// The word as written when it used variables (whether or not they resolved).
    pub expression: Option<String>,
    /// False when a variable (or substitution) could not be resolved.
    pub resolved: bool,
}

impl Value {
    fn literal(text: &str) -> Self {
        Self {
            text: text.to_string(),
            expression: None,
            resolved: true,
        }
    }
    /// The resolved text, if fully resolved.
    pub fn get(&self) -> Option<&str> {
        self.resolved.then_some(self.text.as_str())
    }
}

/// Resolves words of one RUN script.
pub struct Resolver<'s> {
    env: Env<'s>,
    dialect: Dialect,
    text: &'s str,
    /// Variables assigned inside the script, by name (lowercased for PowerShell), with the
    /// offset of each assignment; a `None` value (assigned something we cannot evaluate)
    /// still shadows the stage's ENV.
    locals: Table,
}

static POSIX_ASSIGN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^|[;&|(){}])[ \t]*(?:(?:export|local|readonly|declare(?:[ \t]+-\w+)?)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;&|()]*)"#,
    )
    .ok()
});

static PS_ASSIGN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?is)^\s*\$(?:(?:script|global|local):)?((?:env:)?[A-Za-z_][A-Za-z0-9_]*)\s*=([^=].*)$",
    )
    .ok()
});

impl<'s> Resolver<'s> {
    pub fn new(env: Env<'s>, script: &'s ShellScript<'_>) -> Self {
        let text = script.text.text.as_str();
        let dialect = script.script.dialect;
        let mut r = Self {
            env,
            dialect,
            text,
            locals: Table::default(),
        };
        match dialect {
            Dialect::Posix => r.posix_locals(),
            // In cmd scripts, PowerShell assignments come from `powershell -Command "…"`.
            // cmd itself expands `%X%` when it reads the line: a `set` in the same RUN does
            // not change what `%X%` means later on that line, so cmd has no locals.
            Dialect::PowerShell | Dialect::Cmd => r.ps_locals(script),
        }
        r
    }

    /// A resolver without script-local variables (ADD, LABEL, tests).
    pub fn plain(env: Env<'s>, dialect: Dialect, text: &'s str) -> Self {
        Self {
            env,
            dialect,
            text,
            locals: Table::default(),
        }
    }

    fn posix_locals(&mut self) {
        let Some(re) = POSIX_ASSIGN.as_ref() else {
            return;
        };
        let text = self.text;
        for c in re.captures_iter(text) {
            let (Some(name), Some(val)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let raw = val.as_str();
            // The unquoted alternative stops at `(`: `arch=$(uname -m)` captures `$`.
            let substitution = text.get(val.end()..).is_some_and(|r| r.starts_with('('));
            let value = if substitution || raw.contains("$(") || raw.contains('`') {
                None
            } else {
                self.expand_posix(raw, name.start())
            };
            self.locals
                .set(name.as_str().to_string(), name.start(), value);
        }
    }

    fn ps_locals(&mut self, script: &ShellScript<'_>) {
        let Some(re) = PS_ASSIGN.as_ref() else {
            return;
        };
        for cmd in &script.script.commands {
            if !cmd.is_expression() {
                continue;
            }
            let Some(word) = cmd.words.first() else {
                continue;
            };
            let Some(c) = re.captures(&word.text) else {
                continue;
            };
            let (Some(name), Some(rhs)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let offset = cmd.range.start;
            let value = self.ps_eval(rhs.as_str(), offset, 0);
            self.locals
                .set(name.as_str().to_ascii_lowercase(), offset, value);
        }
    }

    /// The latest script-local assignment of `name` before `at` (`Some(None)`: assigned a value
    /// we cannot evaluate).
    fn local(&self, name: &str, at: usize, ci: bool) -> Option<Option<&str>> {
        if ci {
            self.locals.get(&name.to_ascii_lowercase(), at)
        } else {
            self.locals.get(name, at)
        }
    }

    /// Resolves a word of this script.
    pub fn word(&self, w: &ShWord) -> Value {
        let raw = self.text.get(w.range.clone()).unwrap_or(&w.text);
        self.raw(raw, &w.text, w.range.start)
    }

    /// Resolves text as written at `at` (`unquoted` is the text with quotes removed).
    pub fn raw(&self, raw: &str, unquoted: &str, at: usize) -> Value {
        if self.dialect == Dialect::Cmd {
            // cmd expands `%X%` in the whole line before any program (PowerShell included)
            // sees it.
            match (self.cmd_expand(raw), self.cmd_expand(unquoted)) {
                (Some(r), Some(u)) if u == unquoted => return self.expanded(&r, &u, at),
                (Some(r), Some(u)) => {
                    let mut v = self.expanded(&r, &u, at);
                    v.expression = Some(unquoted.to_string());
                    return v;
                }
                _ => {
                    return Value {
                        text: unquoted.to_string(),
                        expression: Some(unquoted.to_string()),
                        resolved: false,
                    };
                }
            }
        }
        self.expanded(raw, unquoted, at)
    }

    /// [`Resolver::raw`] after cmd's `%X%` expansion.
    fn expanded(&self, raw: &str, unquoted: &str, at: usize) -> Value {
        let ps = self.dialect == Dialect::PowerShell
            || (self.dialect == Dialect::Cmd && unquoted.contains('$'));
        let resolved = if ps {
            let t = raw.trim();
            if t.starts_with('(') {
                let v = self.ps_eval(t, at, 0);
                return Value {
                    resolved: v.is_some(),
                    text: v.unwrap_or_else(|| unquoted.to_string()),
                    expression: Some(unquoted.to_string()),
                };
            }
            if !unquoted.contains('$') {
                return Value::literal(unquoted);
            }
            if t.starts_with('\'') && t.ends_with('\'') && t.len() >= 2 {
                return Value::literal(unquoted);
            }
            self.ps_eval(t, at, 0)
                .or_else(|| self.ps_interpolate(unquoted, at, 0))
        } else if self.dialect == Dialect::Cmd {
            return Value::literal(unquoted);
        } else {
            if !unquoted.contains('$') {
                return Value::literal(unquoted);
            }
            let t = raw.trim();
            if t.starts_with('\'') && t.ends_with('\'') && t.len() >= 2 {
                return Value::literal(unquoted);
            }
            if raw.contains("$(") || raw.contains('`') {
                None
            } else {
                self.expand_posix(raw, at)
            }
        };
        match resolved {
            Some(text) => Value {
                text,
                expression: Some(unquoted.to_string()),
                resolved: true,
            },
            None => Value {
                text: unquoted.to_string(),
                expression: Some(unquoted.to_string()),
                resolved: false,
            },
        }
    }

    fn expand_posix(&self, raw: &str, at: usize) -> Option<String> {
        let lookup = |name: &str| match self.local(name, at, false) {
            Some(v) => v.map(str::to_string),
            None => self.env.get(name).map(str::to_string),
        };
        let e = expand(raw, '\\', &lookup);
        (e.error.is_none() && plain_refs(raw).iter().all(|n| lookup(n).is_some()))
            .then_some(e.value)
    }

    fn cmd_expand(&self, text: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(p) = rest.find('%') {
            out.push_str(rest.get(..p)?);
            let after = rest.get(p + 1..)?;
            match after.find('%') {
                Some(q) if q > 0 => {
                    let name = after.get(..q)?;
                    if name.contains(char::is_whitespace) {
                        out.push('%');
                        rest = after;
                        continue;
                    }
                    out.push_str(self.env.get_ci(name)?);
                    rest = after.get(q + 1..)?;
                }
                _ => {
                    out.push('%');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Some(out)
    }

    // -----------------------------------------------------------------------------------------
    // PowerShell
    // -----------------------------------------------------------------------------------------

    fn ps_var(&self, name: &str, at: usize) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        if let Some(env_name) = lower.strip_prefix("env:") {
            if let Some(v) = self.local(&lower, at, true) {
                return v.map(str::to_string);
            }
            return self.env.get_ci(env_name).map(str::to_string);
        }
        let lower = lower
            .strip_prefix("script:")
            .or_else(|| lower.strip_prefix("global:"))
            .or_else(|| lower.strip_prefix("local:"))
            .unwrap_or(&lower);
        self.local(lower, at, true).flatten().map(str::to_string)
    }

    /// Evaluates a PowerShell expression made of string literals, variables, `-f` formatting
    /// and `+` concatenation.
    pub fn ps_eval(&self, expr: &str, at: usize, depth: usize) -> Option<String> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        let s = expr.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(inner) = strip_wrapping(s, "(", ")").or_else(|| strip_wrapping(s, "$(", ")")) {
            return self.ps_eval(inner, at, depth + 1);
        }
        if let Some((lhs, rhs)) = split_format(s) {
            let fmt = self.ps_eval(lhs, at, depth + 1)?;
            let args = split_top(rhs, b',')
                .into_iter()
                .map(|a| self.ps_eval(a, at, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            return format_ps(&fmt, &args);
        }
        let parts = split_top(s, b'+');
        if parts.len() > 1 {
            let mut out = String::new();
            for p in parts {
                out.push_str(&self.ps_eval(p, at, depth + 1)?);
            }
            return Some(out);
        }
        if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            if is_single_quoted_body(inner) {
                return Some(inner.replace("''", "'"));
            }
            return None;
        }
        if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return self.ps_interpolate(inner, at, depth + 1);
        }
        if let Some(name) = var_name(s) {
            return self.ps_var(name, at);
        }
        if !s.contains(|c: char| c.is_whitespace() || "$()'\"{}[]@;,|&".contains(c)) {
            return Some(s.to_string());
        }
        None
    }

    /// Expands `$env:X`, `${env:X}`, `$x`, `${x}` and `$( … )` in the body of a double-quoted
    /// string (backtick escapes honoured).
    fn ps_interpolate(&self, body: &str, at: usize, depth: usize) -> Option<String> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '`' => {
                    if let Some((_, n)) = chars.next() {
                        out.push(match n {
                            'n' => '\n',
                            't' => '\t',
                            '0' => '\0',
                            other => other,
                        });
                    }
                }
                '"' if chars.peek().is_some_and(|(_, n)| *n == '"') => {
                    chars.next();
                    out.push('"');
                }
                '$' => {
                    let rest = body.get(i + 1..)?;
                    if let Some(after) = rest.strip_prefix('{') {
                        let close = after.find('}')?;
                        out.push_str(&self.ps_var(after.get(..close)?, at)?);
                        skip_chars(&mut chars, close + 2);
                    } else if rest.starts_with('(') {
                        let close = matching_close(rest, 0)?;
                        let inner = rest.get(1..close)?;
                        out.push_str(&self.ps_eval(inner, at, depth + 1)?);
                        skip_chars(&mut chars, close + 1);
                    } else {
                        let len = ps_name_len(rest);
                        if len == 0 {
                            out.push('$');
                        } else {
                            out.push_str(&self.ps_var(rest.get(..len)?, at)?);
                            skip_chars(&mut chars, len);
                        }
                    }
                }
                other => out.push(other),
            }
        }
        Some(out)
    }
}

/// Advances a char iterator over `bytes` bytes.
fn skip_chars(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, bytes: usize) {
    let Some(&(start, _)) = chars.peek() else {
        return;
    };
    while let Some(&(i, _)) = chars.peek() {
        if i >= start + bytes {
            break;
        }
        chars.next();
    }
}

/// Length of a PowerShell variable name at the start of `s` (`env:NAME`, `script:x`, `x_1`).
fn ps_name_len(s: &str) -> usize {
    let ident = |t: &str| {
        t.bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count()
    };
    let first = ident(s);
    if first == 0 {
        return 0;
    }
    let scope = s.get(..first).unwrap_or("").to_ascii_lowercase();
    if matches!(scope.as_str(), "env" | "script" | "global" | "local")
        && s.as_bytes().get(first) == Some(&b':')
    {
        let n = ident(s.get(first + 1..).unwrap_or(""));
        if n > 0 {
            return first + 1 + n;
        }
    }
    first
}

/// `$name`, `${name}`, `$env:NAME`, `${env:NAME}` → the name.
fn var_name(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('$')?;
    if let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        return (!inner.is_empty() && !inner.contains(['{', '}'])).then_some(inner);
    }
    let n = ps_name_len(rest);
    (n > 0 && n == rest.len()).then(|| rest.get(..n)).flatten()
}

/// `''` pairs only: a single-quoted body without a lone quote.
fn is_single_quoted_body(s: &str) -> bool {
    s.replace("''", "").find('\'').is_none()
}

/// The inner text when `s` is exactly `open … close` with the brackets matching each other.
fn strip_wrapping<'s>(s: &'s str, open: &str, close: &str) -> Option<&'s str> {
    let rest = s.strip_prefix(open)?;
    let open_at = open.len() - 1;
    let end = matching_close(s, open_at)?;
    (end + close.len() == s.len())
        .then(|| rest.get(..end - open.len()))
        .flatten()
}

/// Byte index of the `)` / `]` / `}` matching the bracket at `open` (quotes skipped).
pub(crate) fn matching_close(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) => {
                if c == b'`' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'`' => i += 1,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Splits at a separator byte outside quotes and brackets.
pub(crate) fn split_top(s: &str, sep: u8) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) => {
                if c == b'`' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'`' => i += 1,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ if c == sep && depth == 0 => {
                    out.push(s.get(start..i).unwrap_or(""));
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// `<lhs> -f <rhs>` at the top level (case-insensitive operator between blanks).
fn split_format(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match quote {
            Some(q) => {
                if c == b'`' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b'-' if depth == 0
                    && i > 0
                    && b.get(i - 1).is_some_and(u8::is_ascii_whitespace)
                    && matches!(b.get(i + 1), Some(b'f' | b'F'))
                    && b.get(i + 2).is_some_and(u8::is_ascii_whitespace) =>
                {
                    return Some((s.get(..i)?, s.get(i + 2..)?));
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// .NET composite formatting: `{0}`, `{1,10}`, `{0:x}` (alignment and format ignored),
/// `{{` / `}}`.
fn format_ps(fmt: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(x) => spec.push(x),
                        None => return None,
                    }
                }
                let index = spec.split([',', ':']).next().unwrap_or("").trim();
                let n: usize = index.parse().ok()?;
                out.push_str(args.get(n)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::stages::{StageOptions, analyze};
    use crate::dockerfile::{Form, parse};
    use crate::lint::{FileContext, LintContext};
    use crate::source::SourceFile;

    fn with_script<R>(text: &str, f: impl FnOnce(&Resolver<'_>, &ShellScript<'_>) -> R) -> R {
        let file = SourceFile::new("Dockerfile", text);
        let df = parse(&file.text);
        let model = analyze(&df, &StageOptions::default());
        let fcx = FileContext::default();
        let cx = LintContext::new(&file, &df, &model, &fcx);
        let envs = Envs::new(&df, &model, &file.text);
        let s = cx.run_scripts().last().expect("a RUN");
        let r = Resolver::new(envs.at(s.instruction), s);
        f(&r, s)
    }

    fn words(text: &str) -> Vec<Value> {
        with_script(text, |r, s| {
            s.script
                .commands
                .iter()
                .filter(|c| c.depth == 0 && !c.is_expression())
                .flat_map(|c| c.words.iter())
                .map(|w| r.word(w))
                .collect()
        })
    }

    #[test]
    fn stage_env_and_args() {
        let df_text = "ARG BASE=alpine:3.20\nARG V=1.0\nFROM ${BASE} AS a\nENV A=1\nENV B=${A}-x C=$A\nFROM a\nARG V\nENV C=$B/$V\nRUN echo $A $B $C ${NOPE:-d} $NOPE\n";
        let v = words(df_text);
        let t: Vec<_> = v.iter().map(|v| (v.text.as_str(), v.resolved)).collect();
        assert_eq!(
            t,
            [
                ("echo", true),
                ("1", true),
                ("1-x", true),
                ("1-x/1.0", true),
                ("d", true),
                ("$NOPE", false)
            ]
        );
        assert_eq!(v[1].expression.as_deref(), Some("$A"));
        assert_eq!(v[0].expression, None);
    }

    #[test]
    fn args_do_not_cross_stages() {
        let v = words("FROM alpine AS a\nARG X=1\nENV Y=2\nFROM a\nRUN echo $X $Y\n");
        assert!(!v[1].resolved);
        assert_eq!(v[2].text, "2");
    }

    #[test]
    fn posix_locals_shadow_env() {
        let v = words(
            "FROM alpine\nENV V=1\nRUN V=2; sha='ab$c' && u=\"https://x/$V\"; echo $V \"$u\" $sha $(date)\n",
        );
        let t: Vec<_> = v.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(t, ["echo", "2", "https://x/2", "ab$c", "$(date)"]);
        assert!(!v[4].resolved);
        // A command substitution is unknown, never its leading `$`.
        let v = words(
            "FROM alpine\nARG V=1.2.3\nRUN arch=$(uname -m) && echo \"https://x/v${V}/t-${arch}.tgz\"\n",
        );
        assert_eq!(v[1].text, "https://x/v${V}/t-${arch}.tgz");
        assert!(!v[1].resolved);
    }

    #[test]
    fn powershell_expressions() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nENV NODE_VERSION=22.11.0\nRUN $url = ('https://nodejs.org/dist/v{0}/node-v{0}-win-x64.zip' -f $env:node_version); $b = 'https://x/' + $env:NODE_VERSION + '/a.zip'; $env:EXTRA = \"e-$($env:NODE_VERSION)\"; Write-Host $url $b \"${env:EXTRA}/z\" '$env:NODE_VERSION' \"$nope\" (\"{0}-{{x}}\" -f 'y')\n";
        let v = words(text);
        let t: Vec<_> = v.iter().map(|v| (v.text.as_str(), v.resolved)).collect();
        assert_eq!(
            t[1..],
            [
                (
                    "https://nodejs.org/dist/v22.11.0/node-v22.11.0-win-x64.zip",
                    true
                ),
                ("https://x/22.11.0/a.zip", true),
                ("e-22.11.0/z", true),
                ("$env:NODE_VERSION", true),
                ("$nope", false),
                ("y-{x}", true),
            ]
        );
    }

    #[test]
    fn cmd_percent_variables() {
        let v = words(
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV Tool_Ver=3.1\nRUN set X=1 && curl.exe -o t.zip https://x/%TOOL_VER%/t.zip %X% 100%\n",
        );
        let t: Vec<_> = v.iter().map(|v| (v.text.as_str(), v.resolved)).collect();
        assert!(t.contains(&("https://x/3.1/t.zip", true)), "{t:?}");
        assert!(t.contains(&("%X%", false)), "{t:?}");
        assert!(t.contains(&("100%", true)), "{t:?}");
    }

    #[test]
    fn evaluator_edges() {
        let file = SourceFile::new("Dockerfile", "FROM x\n");
        let df = parse(&file.text);
        let model = analyze(&df, &StageOptions::default());
        let envs = Envs::new(&df, &model, &file.text);
        let r = Resolver::plain(envs.at(0), Dialect::PowerShell, "");
        assert_eq!(r.ps_eval("'it''s'", 0, 0).as_deref(), Some("it's"));
        assert_eq!(r.ps_eval("'{0}' -f", 0, 0), None);
        assert_eq!(r.ps_eval("'{1}' -f 'a'", 0, 0), None);
        assert_eq!(r.ps_eval("((('a')))", 0, 0).as_deref(), Some("a"));
        assert_eq!(r.ps_eval("(Get-Item x).Name", 0, 0), None);
        let deep = format!("{}'a'{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(r.ps_eval(&deep, 0, 0), None);
        assert!(matches!(df.instructions[0].form, Form::None));
    }
}
