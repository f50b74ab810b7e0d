//! TLS, Invoke-Expression, JSON escapes.

use super::*;

/// Protocol bits of `[Net.SecurityProtocolType]`.
pub(super) const LEGACY_BITS: i64 = 48 | 192 | 768;
pub(super) const MODERN_BITS: i64 = 3072 | 12288;

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
pub(super) fn var_holds_download(lower: &str, before: usize, arg: &str) -> bool {
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
pub(super) fn balanced_or_statement(lower: &str, start: usize) -> &str {
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
pub(super) fn statement_tail(before: &str) -> &str {
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
