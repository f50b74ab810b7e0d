//! Text matching.

pub(super) fn is_ident(b: u8) -> bool {
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

pub use crate::dockerfile::shell::{sets_error_action_stop, sets_progress_silent};

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

pub(super) fn is_literal_assignment(stmt: &str) -> bool {
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
