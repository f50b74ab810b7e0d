//! Checksum verifications in RUN scripts: which file is checked against which known hash.
//!
//! Recognised (the expected hash must be a literal or a variable with a value here):
//! - PowerShell: `(Get-FileHash f -Algorithm SHA256).Hash -ne $env:X` inside an `if`, or
//!   `$h = (Get-FileHash f).Hash` followed by a comparison of `$h`;
//! - POSIX: `echo "<hex>  f" | sha256sum -c -` (also `printf`, `<<<` here-strings, a check file
//!   written by `echo … > f.sha256` earlier in the RUN, `shasum -a 256 -c`, BSD-style lines),
//!   and `[ "$(sha256sum f | cut -d' ' -f1)" = "$X" ]`;
//! - cmd: `certutil -hashfile f SHA256 | findstr /i <hex>`.

use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::shell::{Command, Connector, ShWord, program_name};
use crate::lint::ShellScript;
use crate::lint::helpers::packages::{OptSpec, parse_args};

use super::base_name;
use super::env::Resolver;

/// A file checked against a known hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub stage: Option<usize>,
    /// Lowercased file name (no directory).
    pub file: String,
    /// CycloneDX algorithm name (`SHA-256`).
    pub alg: &'static str,
    /// Lowercase hex digest.
    pub hex: String,
    /// How it was checked (`Get-FileHash`, `sha256sum -c`, …).
    pub by: &'static str,
}

/// `(CycloneDX name, hex length)` of a hash algorithm name (`sha256`, `SHA-256`, `256`).
fn algorithm(name: &str) -> Option<(&'static str, usize)> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match n.trim_start_matches("sha") {
        "1" => ("SHA-1", 40),
        "224" => ("SHA-224", 56),
        "256" => ("SHA-256", 64),
        "384" => ("SHA-384", 96),
        "512" => ("SHA-512", 128),
        "md5" => ("MD5", 32),
        _ => return None,
    })
}

/// The digest when `s` (trimmed) is hex of the algorithm's length.
fn digest(s: &str, len: usize) -> Option<String> {
    let t = s.trim();
    (t.len() == len && t.bytes().all(|b| b.is_ascii_hexdigit())).then(|| t.to_ascii_lowercase())
}

/// `sha256:<hex>` (ADD `--checksum`) → `("SHA-256", hex)`.
pub fn parse_digest(v: &str) -> Option<(&'static str, String)> {
    let (alg, hex) = v.trim().split_once(':')?;
    let (name, len) = algorithm(alg)?;
    Some((name, digest(hex, len)?))
}

fn file_key(path: &str) -> String {
    base_name(path.trim().trim_start_matches('*')).to_ascii_lowercase()
}

pub(super) fn checks(s: &ShellScript<'_>, r: &Resolver<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, c) in s.script.commands.iter().enumerate() {
        let name = c.name();
        match name.as_str() {
            "get-filehash" => get_filehash(s, r, i, c, &mut out),
            "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" | "md5sum"
            | "shasum" => check_mode(s, r, i, c, &name, &mut out),
            "[" | "[[" | "test" => test_compare(s, r, c, &mut out),
            "certutil" => certutil(s, r, i, c, &mut out),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// PowerShell
// ---------------------------------------------------------------------------------------------

const GET_FILEHASH: OptSpec = OptSpec::powershell(&["Verbose", "Debug"]);

static PS_COMPARE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s)])-[ci]?(?:eq|ne|like|notlike|match|notmatch)(?:[\s(]|$)|\.Equals\(")
        .ok()
});
static PS_VALUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}|\$env:[A-Za-z_][A-Za-z0-9_]*|'[^']*'|"[^"]*"|\$[A-Za-z_][A-Za-z0-9_]*"#)
        .ok()
});
static PS_ASSIGNED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*\$(?:(?:script|global|local):)?([A-Za-z_][A-Za-z0-9_]*)\s*=[^=]").ok()
});
static PS_ASSIGN_BEFORE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[(\[]*\s*$").ok());

fn get_filehash(
    s: &ShellScript<'_>,
    r: &Resolver<'_>,
    i: usize,
    c: &Command,
    out: &mut Vec<Check>,
) {
    let p = parse_args(c.args(), &GET_FILEHASH);
    let Some(path) = p
        .value(&["Path", "LiteralPath"])
        .map(|v| v.word)
        .or_else(|| p.operands.first().copied())
    else {
        return;
    };
    let file = file_key(&r.word(path).text);
    if file.is_empty() || super::has_var(&file) {
        return;
    }
    let alg_name = p.value(&["Algorithm"]).map_or("SHA256", |v| v.text);
    let Some((alg, len)) = algorithm(alg_name) else {
        return;
    };
    let text = s.script.commands.as_slice();
    // Expression statements around the Get-FileHash (`if (… -ne …)`, `$h = (…).Hash`).
    // Commands are in source order: walk back until a top-level command that does not contain
    // this one (nothing before it can).
    let mut enclosing: Vec<&Command> = Vec::new();
    for e in text.get(..i).unwrap_or(&[]).iter().rev() {
        let contains = e.range.start <= c.range.start && c.range.end <= e.range.end;
        if contains && e.depth < c.depth && e.is_expression() {
            enclosing.push(e);
        }
        if e.depth == 0 && !contains {
            break;
        }
    }
    let mut candidates: Vec<(&str, usize)> = enclosing
        .iter()
        .filter_map(|e| e.words.first().map(|w| (w.text.as_str(), e.range.start)))
        .collect();
    // A variable that holds the hash: compared later.
    let assigned = enclosing
        .iter()
        .filter_map(|e| e.words.first())
        .find_map(|w| capture(&PS_ASSIGNED, &w.text))
        .or_else(|| {
            let before = s.text.text.get(..c.range.start).unwrap_or("");
            let stmt = before
                .rfind([';', '\n', '{'])
                .map_or(before, |p| before.get(p + 1..).unwrap_or(""));
            capture(&PS_ASSIGN_BEFORE, stmt)
        });
    if let Some(var) = &assigned {
        let needle = format!("${}", var.to_ascii_lowercase());
        for e in text.iter().filter(|e| e.range.start > c.range.start) {
            let Some(w) = e.words.first() else { continue };
            let lower = w.text.to_ascii_lowercase();
            if e.is_expression() && contains_var(&lower, &needle) {
                candidates.push((w.text.as_str(), e.range.start));
            }
        }
    }
    for (cand, at) in candidates {
        if !PS_COMPARE.as_ref().is_some_and(|re| re.is_match(cand)) {
            continue;
        }
        let Some(re) = PS_VALUE.as_ref() else { return };
        for m in re.find_iter(cand) {
            let token = m.as_str();
            if let Some(var) = &assigned
                && token.eq_ignore_ascii_case(&format!("${var}"))
            {
                continue;
            }
            if let Some(hex) = r.ps_eval(token, at, 0).and_then(|v| digest(&v, len)) {
                out.push(Check {
                    stage: s.stage,
                    file: file.clone(),
                    alg,
                    hex,
                    by: "Get-FileHash",
                });
                return;
            }
        }
    }
}

/// `$name` occurs in `text` as a whole variable (not a prefix of a longer name).
fn contains_var(text: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(p) = text.get(from..).and_then(|t| t.find(needle)) {
        let end = from + p + needle.len();
        let next = text.as_bytes().get(end);
        if !next.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
            return true;
        }
        from = end;
    }
    false
}

fn capture(re: &LazyLock<Option<Regex>>, text: &str) -> Option<String> {
    re.as_ref()?
        .captures(text)?
        .get(1)
        .map(|m| m.as_str().to_string())
}

// ---------------------------------------------------------------------------------------------
// POSIX
// ---------------------------------------------------------------------------------------------

/// The algorithm of a `*sum` / `shasum -a N` command.
fn sum_algorithm(name: &str, args: &[ShWord]) -> Option<(&'static str, usize)> {
    if name == "shasum" {
        let p = parse_args(args, &OptSpec::posix(&["a", "algorithm"]));
        return algorithm(p.value(&["a", "algorithm"]).map_or("1", |v| v.text));
    }
    algorithm(name.strip_suffix("sum")?)
}

fn is_check_mode(args: &[ShWord]) -> bool {
    args.iter().any(|w| {
        let t = w.text.as_str();
        t == "--check"
            || (t.starts_with('-')
                && !t.starts_with("--")
                && t.len() > 1
                && t.get(1..)
                    .is_some_and(|f| f.contains('c') && !f.contains('a')))
            || t == "-c"
    })
}

/// `HEX  file`, `HEX *file` and BSD `SHA256 (file) = HEX` lines.
fn check_lines(text: &str, len: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some((lhs, rhs)) = t.rsplit_once('=')
            && let (Some(open), Some(close)) = (lhs.find('('), lhs.rfind(')'))
            && let (Some(file), Some(hex)) = (lhs.get(open + 1..close), digest(rhs, len))
        {
            out.push((hex, file_key(file)));
            continue;
        }
        let mut parts = t.split_whitespace();
        if let (Some(h), Some(f)) = (parts.next(), parts.next())
            && let Some(hex) = digest(h, len)
        {
            out.push((hex, file_key(f)));
        }
    }
    out
}

/// The text an `echo` / `printf` command prints, variables resolved.
fn printed(r: &Resolver<'_>, c: &Command) -> Option<String> {
    let name = c.name();
    let args = c.args();
    let words: Vec<String> = args.iter().map(|w| r.word(w).text).collect();
    match name.as_str() {
        "echo" => {
            let skip = words
                .iter()
                .take_while(|w| matches!(w.as_str(), "-n" | "-e" | "-E" | "-ne" | "-en"))
                .count();
            Some(words.get(skip..).unwrap_or(&[]).join(" "))
        }
        "printf" => {
            let (fmt, rest) = words.split_first()?;
            let fmt = fmt.replace("\\n", "\n");
            if !fmt.contains("%s") {
                return Some(fmt);
            }
            let mut out = String::new();
            let mut args = rest.iter();
            let mut pieces = fmt.split("%s").peekable();
            while let Some(p) = pieces.next() {
                out.push_str(p);
                if pieces.peek().is_some() {
                    out.push_str(args.next().map_or("", String::as_str));
                }
            }
            Some(out)
        }
        _ => None,
    }
}

static REDIRECT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#">>?\s*["']?([^\s"';&|<>]+)"#).ok());

fn check_mode(
    s: &ShellScript<'_>,
    r: &Resolver<'_>,
    i: usize,
    c: &Command,
    name: &str,
    out: &mut Vec<Check>,
) {
    let args = c.args();
    if !is_check_mode(args) {
        return;
    }
    let Some((alg, len)) = sum_algorithm(name, args) else {
        return;
    };
    let by: &'static str = match alg {
        "SHA-1" => "sha1sum -c",
        "SHA-224" => "sha224sum -c",
        "SHA-256" => "sha256sum -c",
        "SHA-384" => "sha384sum -c",
        "SHA-512" => "sha512sum -c",
        _ => "md5sum -c",
    };
    let cmds = &s.script.commands;
    let mut texts: Vec<String> = Vec::new();
    // `echo "<hex>  f" | sha256sum -c -`
    if c.connector == Connector::Pipe
        && let Some(prev) = s.script.previous(i).and_then(|p| cmds.get(p))
        && let Some(t) = printed(r, prev)
    {
        texts.push(t);
    }
    // `sha256sum -c <<< "<hex>  f"`
    let raw = s.text.text.get(c.range.clone()).unwrap_or("");
    if let Some((_, rest)) = raw.split_once("<<<") {
        let rest = rest.trim();
        let unquoted = rest.trim_matches(['"', '\'']);
        texts.push(r.raw(rest, unquoted, c.range.start).text);
    }
    // `echo "<hex>  f" > f.sha256 && sha256sum -c f.sha256`
    let files: Vec<String> = args
        .iter()
        .filter(|w| !w.text.starts_with('-'))
        .map(|w| file_key(&w.text))
        .collect();
    if !files.is_empty() {
        for prev in cmds.iter().take(i) {
            let praw = s.text.text.get(prev.range.clone()).unwrap_or("");
            let Some(target) = capture(&REDIRECT, praw) else {
                continue;
            };
            if files.contains(&file_key(&target))
                && let Some(t) = printed(r, prev)
            {
                texts.push(t);
            }
        }
    }
    for t in texts {
        for (hex, file) in check_lines(&t, len) {
            out.push(Check {
                stage: s.stage,
                file,
                alg,
                hex,
                by,
            });
        }
    }
}

/// `[ "$(sha256sum f | cut -d' ' -f1)" = "$X" ]`.
fn test_compare(s: &ShellScript<'_>, r: &Resolver<'_>, c: &Command, out: &mut Vec<Check>) {
    let args = c.args();
    if !args
        .iter()
        .any(|w| matches!(w.text.as_str(), "=" | "==" | "!="))
    {
        return;
    }
    let inner = s.script.commands.iter().find(|n| {
        n.depth > c.depth
            && c.range.start <= n.range.start
            && n.range.end <= c.range.end
            && matches!(
                n.name().as_str(),
                "sha1sum"
                    | "sha224sum"
                    | "sha256sum"
                    | "sha384sum"
                    | "sha512sum"
                    | "md5sum"
                    | "shasum"
            )
    });
    let Some(inner) = inner else { return };
    let name = inner.name();
    let Some((alg, len)) = sum_algorithm(&name, inner.args()) else {
        return;
    };
    let p = parse_args(inner.args(), &OptSpec::posix(&["a", "algorithm"]));
    let Some(path) = p.operands.first() else {
        return;
    };
    let file = file_key(&r.word(path).text);
    for w in args {
        if w.text.contains("$(") || w.text.contains('`') {
            continue;
        }
        if let Some(hex) = r.word(w).get().and_then(|t| digest(t, len)) {
            out.push(Check {
                stage: s.stage,
                file,
                alg,
                hex,
                by: "shell comparison",
            });
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// cmd
// ---------------------------------------------------------------------------------------------

/// `certutil -hashfile f SHA256 | findstr /i <hex>`.
fn certutil(s: &ShellScript<'_>, r: &Resolver<'_>, i: usize, c: &Command, out: &mut Vec<Check>) {
    let args = c.args();
    let Some(pos) = args.iter().position(|w| {
        w.text.eq_ignore_ascii_case("-hashfile") || w.text.eq_ignore_ascii_case("/hashfile")
    }) else {
        return;
    };
    let Some(path) = args.get(pos + 1) else {
        return;
    };
    let alg_name = args.get(pos + 2).map_or("SHA1", |w| w.text.as_str());
    let Some((alg, len)) = algorithm(alg_name) else {
        return;
    };
    let next = s
        .script
        .commands
        .iter()
        .enumerate()
        .skip(i + 1)
        .find(|(j, n)| n.connector == Connector::Pipe && s.script.previous(*j) == Some(i));
    let Some((_, next)) = next else { return };
    if !matches!(
        program_name(&next.words.first().map_or(String::new(), |w| w.text.clone())).as_str(),
        "findstr" | "find"
    ) {
        return;
    }
    for w in next.args() {
        if let Some(hex) = r
            .word(w)
            .get()
            .and_then(|t| digest(t.trim_matches('"'), len))
        {
            out.push(Check {
                stage: s.stage,
                file: file_key(&r.word(path).text),
                alg,
                hex,
                by: "certutil -hashfile",
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_and_digests() {
        assert_eq!(algorithm("SHA256"), Some(("SHA-256", 64)));
        assert_eq!(algorithm("sha-512"), Some(("SHA-512", 128)));
        assert_eq!(algorithm("256"), Some(("SHA-256", 64)));
        assert_eq!(algorithm("md5"), Some(("MD5", 32)));
        assert_eq!(algorithm("crc32"), None);
        let h = "A".repeat(64);
        assert_eq!(
            parse_digest(&format!("sha256:{h}")),
            Some(("SHA-256", "a".repeat(64)))
        );
        assert_eq!(parse_digest("sha256:abc"), None);
        assert_eq!(parse_digest("nope"), None);
    }

    #[test]
    fn lines() {
        let h = "0".repeat(64);
        assert_eq!(
            check_lines(
                &format!("{h}  /tmp/node.tar.xz\n{h} *x.zip\nSHA256 (y.tgz) = {h}\njunk"),
                64
            ),
            vec![
                (h.clone(), "node.tar.xz".to_string()),
                (h.clone(), "x.zip".to_string()),
                (h.clone(), "y.tgz".to_string())
            ]
        );
        assert!(check_lines("abc  f", 64).is_empty());
        assert!(contains_var("if ($h -ne $x)", "$h"));
        assert!(!contains_var("$hash -ne 1", "$h"));
    }
}
