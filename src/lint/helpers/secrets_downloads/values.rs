//! Literal values and variable references.

use super::*;

pub(super) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
pub(super) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Length in bytes of a variable reference at the start of `s`, if there is one:
/// `$X`, `${X}`, `${X:-default}`, `$env:X`, `${env:X}`, `$(cmd)`, `%X%`, `!X!` (cmd delayed
/// expansion is not recognised: `!` is too common in passwords).
pub fn reference_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    match chars.next()? {
        (_, '$') => {
            let rest = s.get(1..)?;
            let first = rest.chars().next()?;
            if first == '{' || first == '(' {
                let close = if first == '{' { '}' } else { ')' };
                let mut depth = 0usize;
                for (i, c) in rest.char_indices() {
                    if c == first {
                        depth += 1;
                    } else if c == close {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(1 + i + 1);
                        }
                    }
                }
                None
            } else if is_name_start(first) {
                let lower = rest.to_ascii_lowercase();
                let skip = if lower.starts_with("env:") { 4 } else { 0 };
                let body = rest.get(skip..)?;
                let n = body.chars().take_while(|&c| is_name_char(c)).count();
                if n == 0 { None } else { Some(1 + skip + n) }
            } else {
                None
            }
        }
        (_, '%') => {
            let rest = s.get(1..)?;
            let n = rest.chars().take_while(|&c| is_name_char(c)).count();
            if n > 0
                && rest.get(n..n + 1) == Some("%")
                && rest.chars().next().is_some_and(is_name_start)
            {
                Some(n + 2)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The variable name of a reference produced by [`reference_len`] (`${X:-d}` → `X`,
/// `$env:X` → `X`, `%X%` → `X`); `None` for `$(…)`.
pub fn reference_name(r: &str) -> Option<String> {
    let inner = if let Some(x) = r.strip_prefix("${") {
        x.strip_suffix('}')?
    } else if let Some(x) = r.strip_prefix('%') {
        x.strip_suffix('%')?
    } else if r.starts_with("$(") {
        return None;
    } else {
        r.strip_prefix('$')?
    };
    let inner = if inner.len() > 4
        && inner
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("env:"))
    {
        inner.get(4..)?
    } else {
        inner
    };
    let n: String = inner.chars().take_while(|&c| is_name_char(c)).collect();
    if n.is_empty() { None } else { Some(n) }
}

/// Splits `s` into (literal remainder, references found).
pub(super) fn strip_references(s: &str) -> (String, Vec<String>) {
    let mut lit = String::new();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let Some(rest) = s.get(i..) else { break };
        if let Some(n) = reference_len(rest) {
            refs.push(rest.get(..n).unwrap_or("").to_string());
            i += n;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        lit.push(c);
        i += c.len_utf8();
    }
    (lit, refs)
}

/// True if `s` contains a variable reference (`$X`, `${X}`, `$env:X`, `$(…)`, `%X%`).
pub fn contains_reference(s: &str) -> bool {
    !strip_references(s).1.is_empty()
}

/// True if `s` is non-empty and made only of variable references and separators/whitespace.
pub fn is_reference_only(s: &str) -> bool {
    let (lit, refs) = strip_references(s.trim());
    !refs.is_empty() && !lit.chars().any(|c| c.is_ascii_alphanumeric())
}

/// Obvious non-values: booleans and small integers used as switches.
pub(super) fn is_flag_value(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "y"
            | "n"
            | "on"
            | "off"
            | "enabled"
            | "disabled"
            | "none"
            | "null"
            | "nil"
            | "0"
            | "1"
    ) || (l.len() <= 5 && l.chars().all(|c| c.is_ascii_digit()))
}

/// `<your-token>`, `{{ .Token }}`, `*****`, `xxxxxxxx`, `...`.
pub(super) fn is_placeholder(v: &str) -> bool {
    (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || v.chars().all(|c| c == '*' || c == '.' || c == '-')
        || (v.len() >= 3 && v.chars().all(|c| c == 'x' || c == 'X'))
}

pub(super) fn looks_like_path(v: &str) -> bool {
    if v.contains(char::is_whitespace) {
        return false;
    }
    let b = v.as_bytes();
    let drive = b.len() >= 3
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(1) == Some(&b':')
        && matches!(b.get(2), Some(b'\\') | Some(b'/'));
    drive
        || v.starts_with("~/")
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("\\\\")
        || (v.starts_with('/') && v.get(1..).is_some_and(|r| r.contains('/')))
}

/// Whether an ENV/ARG/LABEL value is a literal that would be a hard-coded secret: not empty, not
/// only variable references, not a boolean/small-int switch, not a placeholder (`<token>`), not
/// a path (`/run/secrets/x`) and not a URL without credentials. Values mixing references with
/// literal text fire only if at least 4 alphanumeric literal characters remain.
pub fn literal_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 3
        || !v.chars().any(|c| c.is_alphanumeric())
        || is_flag_value(v)
        || is_placeholder(v)
        || looks_like_path(v)
    {
        return false;
    }
    if v.contains("://") && !v.contains(char::is_whitespace) && url_credentials(v).is_empty() {
        return false;
    }
    let (lit, refs) = strip_references(v);
    if refs.is_empty() {
        return true;
    }
    lit.chars().filter(char::is_ascii_alphanumeric).count() >= 4 && !is_placeholder(lit.trim())
}

pub(super) static CONN_CRED: LazyLock<Re> = LazyLock::new(|| {
    Re::new(
        r#"(?i)(?:^|[;"'\s])\s*(password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*=\s*([^;"']*)"#,
    )
});

/// A compiled constant pattern. Compilation of the constant patterns cannot fail; if it ever
/// did, the pattern simply matches nothing (the core never panics).
pub struct Re(Option<Regex>);

impl Re {
    pub fn new(p: &str) -> Self {
        Re(Regex::new(p).ok())
    }
    pub fn captures_iter<'r, 't>(
        &'r self,
        t: &'t str,
    ) -> impl Iterator<Item = regex::Captures<'t>> + use<'r, 't> {
        self.0.iter().flat_map(move |r| r.captures_iter(t))
    }
    pub fn find_iter<'r, 't>(
        &'r self,
        t: &'t str,
    ) -> impl Iterator<Item = regex::Match<'t>> + use<'r, 't> {
        self.0.iter().flat_map(move |r| r.find_iter(t))
    }
    pub fn captures<'t>(&self, t: &'t str) -> Option<regex::Captures<'t>> {
        self.0.as_ref().and_then(|r| r.captures(t))
    }
    pub fn is_match(&self, t: &str) -> bool {
        self.0.as_ref().is_some_and(|r| r.is_match(t))
    }
}

pub(super) fn re(p: &str) -> Re {
    Re::new(p)
}

/// Whether a connection-string value embeds a literal credential (`Password=…`, `Pwd=…`,
/// `AccountKey=…`, `SharedAccessKey=…`, `user:pass@` in a URL, or a known credential format).
pub fn connection_string_has_literal_secret(value: &str) -> bool {
    for c in CONN_CRED.captures_iter(value) {
        if let Some(v) = c.get(2) {
            let v = v.as_str().trim();
            if !v.is_empty() && !is_reference_only(v) && !is_placeholder(v) {
                return true;
            }
        }
    }
    url_credentials(value)
        .iter()
        .any(|u| u.password == PasswordKind::Literal)
        || !find_credentials(value).is_empty()
}

/// Whether a shell word is a literal (its value is written in the Dockerfile): not empty and
/// not containing a variable reference / subexpression. `raw` is the word as written (with
/// quotes): single-quoted words are literal in sh and PowerShell.
pub fn word_is_literal(raw: &str, text: &str, dialect: Dialect) -> bool {
    if text.is_empty() {
        return false;
    }
    if raw.starts_with('\'') && dialect != Dialect::Cmd {
        return true;
    }
    if text.starts_with('(') || text.starts_with("@(") {
        return false;
    }
    match dialect {
        Dialect::Cmd => !text.contains('%'),
        _ => !contains_reference(text) && !text.contains("$("),
    }
}

/// [`word_is_literal`] for a word of a RUN script.
pub fn arg_is_literal(s: &ShellScript<'_>, w: &ShWord) -> bool {
    let raw = s.text.text.get(w.range.clone()).unwrap_or("");
    word_is_literal(raw, &w.text, s.script.dialect)
}

/// First 4 characters of a secret followed by `…`.
pub fn mask_secret(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("{head}…")
}
