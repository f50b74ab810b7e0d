//! Shared matching for the secrets (DF3xx) and download-integrity (DF50x) rules:
//!
//! * secret-like names: [`name_tokens`], [`secret_name`]; literal values: [`literal_secret_value`],
//!   [`contains_reference`], [`is_reference_only`], [`word_is_literal`];
//! * known credential formats: [`find_credentials`], [`mask_secret`];
//! * URLs: [`find_urls`], [`url_credentials`], [`is_plain_http`], [`remote_source`];
//! * downloads and their verification: [`find_downloads`], [`find_verifications`],
//!   [`download_verdicts`];
//! * credential files: [`credential_file`].
//!
//! Everything here is pure string / command matching; regexes are compiled once.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::shell::{Command, Connector, Dialect, Script, ShWord};
use crate::dockerfile::{Dockerfile, Instruction, InstructionKind};
use crate::lint::ShellScript;

// ---------------------------------------------------------------------------------------------
// Secret-like names
// ---------------------------------------------------------------------------------------------

/// Splits a variable / label name into upper-cased tokens: on every non-alphanumeric character
/// (`_`, `-`, `.`, `:` …) and on camelCase boundaries (`dbPassword` → `DB`, `PASSWORD`;
/// `APIKey` → `API`, `KEY`; `OAuth2Token` → `O`, `AUTH2`, `TOKEN`).
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        if part.is_empty() {
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if !cur.is_empty() && c.is_ascii_uppercase() {
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| chars.get(p))
                    .copied()
                    .unwrap_or(' ');
                let next = chars.get(i + 1).copied().unwrap_or(' ');
                let boundary = prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next.is_ascii_lowercase());
                if boundary {
                    out.push(std::mem::take(&mut cur).to_ascii_uppercase());
                }
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur.to_ascii_uppercase());
        }
    }
    out
}

/// What a secret-like name looks like it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretName {
    /// Human label for messages: "password", "token", "API key", …
    pub label: &'static str,
    /// The name denotes a connection string: only embedded credentials make it a secret.
    pub connection_string: bool,
}

impl SecretName {
    /// The label with its indefinite article ("a password", "an API key").
    pub fn with_article(&self) -> String {
        let vowel = self
            .label
            .starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
        format!("{} {}", if vowel { "an" } else { "a" }, self.label)
    }
}

/// Tokens that make a name describe something *about* a secret rather than the secret itself
/// when they come after the secret token (`PASSWORD_FILE`, `TOKEN_URL`, `ACCESS_KEY_ID`).
const NON_SECRET_AFTER: &[&str] = &[
    "FILE",
    "FILES",
    "FILENAME",
    "PATH",
    "PATHS",
    "DIR",
    "DIRS",
    "DIRECTORY",
    "FOLDER",
    "LOCATION",
    "HOME",
    "VERSION",
    "VER",
    "URL",
    "URLS",
    "URI",
    "ENDPOINT",
    "HOST",
    "SERVER",
    "ID",
    "IDS",
    "NAME",
    "NAMES",
    "USER",
    "USERNAME",
    "TYPE",
    "KIND",
    "MODE",
    "LENGTH",
    "LEN",
    "POLICY",
    "EXPIRY",
    "EXPIRES",
    "EXPIRE",
    "EXPIRATION",
    "TTL",
    "TIMEOUT",
    "LIFETIME",
    "AGE",
    "INTERVAL",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "DISABLE",
    "REQUIRED",
    "REQUIRE",
    "MIN",
    "MAX",
    "COMPLEXITY",
    "HASH",
    "HASHED",
    "FINGERPRINT",
    "THUMBPRINT",
    "HEADER",
    "FIELD",
    "PARAM",
    "PROVIDER",
    "HELPER",
    "STORE",
    "PROMPT",
    "PREFIX",
    "SUFFIX",
    "FORMAT",
    "ALGORITHM",
    "ALGO",
    "SIZE",
    "BITS",
    "COUNT",
    "PORT",
    "SCOPE",
    "SCOPES",
    "AUDIENCE",
    "ISSUER",
    "MOUNT",
    "ARN",
    "REGION",
    "VAR",
    "VARIABLE",
    "METHOD",
    "REALM",
    "PERMISSIONS",
    "RETRIES",
    "ATTEMPTS",
    "ROTATION",
    "CHARS",
    "CHARSET",
    "ENCODING",
    "PATTERN",
    "REGEX",
    "SOURCE",
    "REF",
];

/// Tokens that make the whole name non-secret wherever they are (`PUBLIC_KEY`, `NEXT_PUBLIC_…`).
const NON_SECRET_ANYWHERE: &[&str] = &["PUBLIC", "PUB", "PUBLISHABLE"];

/// Qualifiers that turn a following `KEY` into a secret key (`API_KEY`, `ACCOUNT_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "ACCESS",
    "PRIVATE",
    "SECRET",
    "AUTH",
    "ACCOUNT",
    "STORAGE",
    "MASTER",
    "ENCRYPTION",
    "ENCRYPT",
    "SIGNING",
    "SHARED",
    "SUBSCRIPTION",
    "LICENSE",
    "APP",
    "DEPLOY",
    "SSH",
    "CLIENT",
    "ADMIN",
    "HMAC",
    "JWT",
    "WEBHOOK",
    "CRYPT",
];

fn single_token_secret(t: &str, idx: usize, n: usize) -> Option<SecretName> {
    let plain = |label| {
        Some(SecretName {
            label,
            connection_string: false,
        })
    };
    match t {
        "PASSWORD" | "PASSWORDS" | "PASSWD" | "PASSPHRASE" | "PASSCODE" => plain("password"),
        // `PWD` alone is the shell's working directory; `DB_PWD` is a password.
        "PWD" if n > 1 => plain("password"),
        // `DB_PASS`, `ROOT_PASS` — only as the last token (`PASS_THROUGH` is not a password).
        "PASS" if n > 1 && idx + 1 == n => plain("password"),
        "SECRET" | "SECRETS" => plain("secret"),
        "TOKEN" | "TOKENS" => plain("token"),
        "APIKEY" | "APIKEYS" => plain("API key"),
        "ACCESSKEY" | "SECRETKEY" | "PRIVATEKEY" | "ACCOUNTKEY" | "MASTERKEY" | "AUTHKEY" => {
            plain("key")
        }
        "PAT" => plain("personal access token"),
        "CREDENTIAL" | "CREDENTIALS" | "CREDS" | "CRED" => plain("credential"),
        "CONNECTIONSTRING" | "CONNECTIONSTRINGS" | "CONNSTR" | "CONNSTRING" => Some(SecretName {
            label: "connection string",
            connection_string: true,
        }),
        "SAS" => plain("SAS token"),
        _ => {
            // Glued all-caps forms: `SAPASSWORD`, `CLIENTSECRET`, `AUTHTOKEN`, `NUGETAPIKEY`.
            for (suffix, label) in [
                ("PASSWORD", "password"),
                ("PASSWD", "password"),
                ("PWD", "password"),
                ("SECRET", "secret"),
                ("TOKEN", "token"),
                ("APIKEY", "API key"),
            ] {
                if t.len() > suffix.len() && t.ends_with(suffix) && t != "OLDPWD" {
                    return plain(label);
                }
            }
            None
        }
    }
}

/// Whether `name` (an ENV/ARG name or LABEL key) looks like it holds a secret. Token-based, so
/// `PASSWORD_FILE`, `DOTNET_VERSION`, `PUBLIC_KEY_URL`, `AWS_ACCESS_KEY_ID`, `GPG_KEY` and `PWD`
/// are not secrets while `SA_PASSWORD`, `NUGET_API_KEY`, `dbPassword`, `DB_PWD` and
/// `deploy.token` are.
pub fn secret_name(name: &str) -> Option<SecretName> {
    let toks = name_tokens(name);
    if toks
        .iter()
        .any(|t| NON_SECRET_ANYWHERE.contains(&t.as_str()))
    {
        return None;
    }
    let n = toks.len();
    let mut found: Option<(usize, SecretName)> = None;
    for (i, t) in toks.iter().enumerate() {
        if let Some(s) = single_token_secret(t, i, n) {
            found = Some((i, s));
        }
        let next = toks.get(i + 1).map(String::as_str);
        match next {
            Some("KEY" | "KEYS") if KEY_QUALIFIERS.contains(&t.as_str()) => {
                let label = if t == "API" { "API key" } else { "key" };
                found = Some((
                    i + 1,
                    SecretName {
                        label,
                        connection_string: false,
                    },
                ));
            }
            Some("STRING" | "STRINGS") if t == "CONNECTION" || t == "CONN" => {
                found = Some((
                    i + 1,
                    SecretName {
                        label: "connection string",
                        connection_string: true,
                    },
                ));
            }
            _ => {}
        }
    }
    let (pos, s) = found?;
    if toks
        .iter()
        .skip(pos + 1)
        .any(|t| NON_SECRET_AFTER.contains(&t.as_str()))
    {
        return None;
    }
    Some(s)
}

// ---------------------------------------------------------------------------------------------
// Literal values and variable references
// ---------------------------------------------------------------------------------------------

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_name_char(c: char) -> bool {
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
fn strip_references(s: &str) -> (String, Vec<String>) {
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
fn is_flag_value(v: &str) -> bool {
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
fn is_placeholder(v: &str) -> bool {
    (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || v.chars().all(|c| c == '*' || c == '.' || c == '-')
        || (v.len() >= 3 && v.chars().all(|c| c == 'x' || c == 'X'))
}

fn looks_like_path(v: &str) -> bool {
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

static CONN_CRED: LazyLock<Re> = LazyLock::new(|| {
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

fn re(p: &str) -> Re {
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

// ---------------------------------------------------------------------------------------------
// Known credential formats
// ---------------------------------------------------------------------------------------------

/// A credential in a known format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// e.g. "AWS access key ID".
    pub kind: &'static str,
    /// Byte range of the credential itself in the searched text.
    pub range: Range<usize>,
}

struct CredPattern {
    kind: &'static str,
    re: Re,
    /// Capture group holding the secret (0 = whole match).
    group: usize,
    /// Characters that continue the token: a match touching one of these is rejected.
    token_char: fn(char) -> bool,
    /// Extra check on the secret text.
    accept: fn(&str, &str) -> bool,
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn alnum_us(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
fn alnum_us_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}
fn base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}
fn any_ok(_: &str, _: &str) -> bool {
    true
}
fn not_example(s: &str, _: &str) -> bool {
    !s.contains("EXAMPLE")
}
/// Azurite / storage-emulator account key: published by Microsoft, not a secret.
const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
fn not_azurite(s: &str, _: &str) -> bool {
    s != AZURITE_KEY
}
/// A SAS signature counts only inside a query that also has a service version (`sv=`) and an
/// expiry or permissions (`se=` / `sp=`).
fn sas_context(_: &str, token: &str) -> bool {
    let l = token.to_ascii_lowercase();
    l.contains("sv=") && (l.contains("se=") || l.contains("sp="))
}

static CRED_PATTERNS: LazyLock<Vec<CredPattern>> = LazyLock::new(|| {
    let p = |kind, pat: &str, group, token_char, accept| CredPattern {
        kind,
        re: re(pat),
        group,
        token_char,
        accept,
    };
    vec![
        p(
            "AWS access key ID",
            r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}",
            0,
            alnum as fn(char) -> bool,
            not_example as fn(&str, &str) -> bool,
        ),
        p(
            "AWS secret access key",
            r#"(?i)aws_?secret_?access_?key["']?\s*[=:]?\s*["']?([A-Za-z0-9/+]{40})"#,
            1,
            base64_char,
            not_example,
        ),
        p(
            "GitHub token",
            r"gh[pousr]_[A-Za-z0-9]{36}",
            0,
            alnum_us,
            any_ok,
        ),
        p(
            "GitHub fine-grained token",
            r"github_pat_[A-Za-z0-9_]{82}",
            0,
            alnum_us,
            any_ok,
        ),
        p(
            "GitLab token",
            r"glpat-[A-Za-z0-9_-]{20}",
            0,
            alnum_us_dash,
            any_ok,
        ),
        p(
            "Azure Storage account key",
            r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)",
            1,
            base64_char,
            not_azurite,
        ),
        p(
            "Azure shared access key",
            r"(?i)SharedAccessKey=([A-Za-z0-9+/]{43}=)",
            1,
            base64_char,
            any_ok,
        ),
        p(
            "Azure SAS signature",
            r"(?i)[?&;]sig=([A-Za-z0-9%+/=]{30,})",
            1,
            base64_char,
            sas_context,
        ),
        p("NuGet API key", r"oy2[a-z0-9]{43}", 0, alnum, any_ok),
        p(
            "private key",
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
            0,
            |_| false,
            any_ok,
        ),
        p(
            "JSON Web Token",
            r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}",
            0,
            alnum_us_dash,
            any_ok,
        ),
        p(
            "Slack token",
            r"xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{6,}",
            0,
            alnum_us_dash,
            any_ok,
        ),
        p(
            "Slack webhook URL",
            r"hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}",
            0,
            alnum,
            any_ok,
        ),
        p(
            "Google API key",
            r"AIza[0-9A-Za-z_-]{35}",
            0,
            alnum_us_dash,
            any_ok,
        ),
        p(
            "Stripe secret key",
            r"(?:sk|rk)_live_[0-9A-Za-z]{24,}",
            0,
            alnum_us,
            any_ok,
        ),
        p(
            "npm access token",
            r"npm_[A-Za-z0-9]{36}",
            0,
            alnum_us,
            any_ok,
        ),
        p(
            "PyPI API token",
            r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
            0,
            alnum_us_dash,
            any_ok,
        ),
        p(
            "Docker Hub access token",
            r"dckr_pat_[A-Za-z0-9_-]{27}",
            0,
            alnum_us_dash,
            any_ok,
        ),
    ]
});

/// The whitespace/quote-delimited token around `range`.
fn surrounding_token<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    let stop = |c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '`';
    let start = text
        .get(..range.start)
        .and_then(|b| b.rfind(stop).map(|i| i + 1))
        .unwrap_or(0);
    let end = text
        .get(range.end..)
        .and_then(|a| a.find(stop).map(|i| range.end + i))
        .unwrap_or(text.len());
    text.get(start..end).unwrap_or("")
}

/// Finds credentials in well-known formats (AWS, GitHub, GitLab, Azure Storage / SAS, NuGet,
/// PEM private keys, JWTs, Slack, Google, Stripe, npm, PyPI, Docker Hub). Sorted by position.
pub fn find_credentials(text: &str) -> Vec<Credential> {
    let mut out: Vec<Credential> = Vec::new();
    for p in CRED_PATTERNS.iter() {
        for c in p.re.captures_iter(text) {
            let Some(m) = c.get(p.group) else { continue };
            let whole = c.get(0).map_or(m.range(), |w| w.range());
            let before = text.get(..whole.start).and_then(|b| b.chars().next_back());
            let after = text.get(m.end()..).and_then(|a| a.chars().next());
            // For the AWS-key-with-label and Azure forms the prefix is part of the match; only the
            // start boundary of the whole match and the end of the secret matter.
            if before.is_some_and(p.token_char) && p.group == 0 {
                continue;
            }
            if after.is_some_and(p.token_char) {
                continue;
            }
            if !(p.accept)(m.as_str(), surrounding_token(text, &m.range())) {
                continue;
            }
            if out
                .iter()
                .any(|o| o.range.start < m.end() && m.start() < o.range.end)
            {
                continue;
            }
            out.push(Credential {
                kind: p.kind,
                range: m.range(),
            });
        }
    }
    out.sort_by_key(|c| (c.range.start, c.range.end));
    out
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/// A URL found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    pub range: Range<usize>,
    pub url: String,
}

static URL_RE: LazyLock<Re> =
    LazyLock::new(|| re(r#"(?i)\b[a-z][a-z0-9+.-]{1,15}://[^\s'"<>`|;^]+"#));

/// URLs (`scheme://…`) in `text`, trailing `)`, `,`, `.` trimmed.
pub fn find_urls(text: &str) -> Vec<FoundUrl> {
    URL_RE
        .find_iter(text)
        .map(|m| {
            let s = m.as_str().trim_end_matches([')', ',', '.', ']']);
            FoundUrl {
                range: m.start()..m.start() + s.len(),
                url: s.to_string(),
            }
        })
        .collect()
}

/// How the password of a `scheme://user:password@host` URL is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordKind {
    /// Written out in the file.
    Literal,
    /// A single variable reference (`$TOKEN`, `${TOKEN}`, `$env:TOKEN`, `%TOKEN%`).
    Reference(String),
    /// Something else (command substitution, mixed text with references).
    Other,
}

/// Credentials embedded in a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredential {
    /// The whole URL.
    pub url: Range<usize>,
    pub user: Range<usize>,
    pub password: PasswordKind,
    pub password_range: Range<usize>,
}

static URL_CRED_RE: LazyLock<Re> = LazyLock::new(|| {
    re(
        r#"(?i)\b[a-z][a-z0-9+.-]{1,15}://([^\s/?#@:'"<>`|;]+):([^\s/?#@'"<>`|;]*)@([^\s/?#'"<>`|;@]+)"#,
    )
});

/// `scheme://user:password@host` occurrences with a non-empty password (`user@host` alone, or
/// an empty password, does not count; placeholders such as `<password>` or `***` are skipped).
pub fn url_credentials(text: &str) -> Vec<UrlCredential> {
    let mut out = Vec::new();
    for c in URL_CRED_RE.captures_iter(text) {
        let (Some(whole), Some(user), Some(pw), Some(host)) =
            (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let p = pw.as_str();
        if p.is_empty() || is_placeholder(p) || host.as_str().is_empty() {
            continue;
        }
        let password = if let Some(n) = reference_len(p).filter(|&n| n == p.len()) {
            reference_name(p.get(..n).unwrap_or(""))
                .map_or(PasswordKind::Other, PasswordKind::Reference)
        } else if contains_reference(p) {
            PasswordKind::Other
        } else {
            PasswordKind::Literal
        };
        out.push(UrlCredential {
            url: whole.range(),
            user: user.range(),
            password,
            password_range: pw.range(),
        });
    }
    out
}

/// Host part of a URL (lowercased, userinfo and port removed).
pub fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let auth = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    Some(host.to_ascii_lowercase())
}

/// A plain-HTTP URL to a host other than the local machine.
pub fn is_plain_http(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") {
        return false;
    }
    match url_host(url) {
        Some(h) => {
            !(h.is_empty()
                || h == "localhost"
                || h.starts_with("127.")
                || h == "::1"
                || h == "0.0.0.0")
        }
        None => false,
    }
}

/// Kind of a remote `ADD` source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteSource {
    /// An HTTP(S) file.
    Http,
    /// A Git repository; `pinned` when the ref is a full commit SHA or a checksum is in the URL.
    Git { pinned: bool },
}

fn is_full_sha(s: &str) -> bool {
    s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// Classifies an `ADD` source word; `None` for local paths.
pub fn remote_source(word: &str) -> Option<RemoteSource> {
    let lower = word.to_ascii_lowercase();
    let is_http = lower.starts_with("http://") || lower.starts_with("https://");
    let git_scheme =
        lower.starts_with("git@") || lower.starts_with("git://") || lower.starts_with("ssh://");
    if !is_http && !git_scheme {
        return None;
    }
    let (base, fragment) = match word.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (word, None),
    };
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (base, None),
    };
    let host = url_host(word).unwrap_or_default();
    let forge = matches!(host.as_str(), "github.com" | "gitlab.com" | "bitbucket.org");
    let git = git_scheme
        || path.to_ascii_lowercase().ends_with(".git")
        || (forge && (fragment.is_some() || query.is_some_and(|q| q.contains("ref="))));
    if !git {
        return Some(RemoteSource::Http);
    }
    let frag_ref = fragment.map(|f| f.split(':').next().unwrap_or(""));
    let mut pinned = frag_ref.is_some_and(is_full_sha);
    if let Some(q) = query {
        for kv in q.split('&') {
            match kv.split_once('=') {
                Some(("checksum", v)) if !v.is_empty() => pinned = true,
                Some(("ref" | "commit", v)) if is_full_sha(v) => pinned = true,
                _ => {}
            }
        }
    }
    Some(RemoteSource::Git { pinned })
}

// ---------------------------------------------------------------------------------------------
// Variables for resolving download URLs
// ---------------------------------------------------------------------------------------------

/// `ENV`/`ARG` values (defaults) declared in instructions before `before` (later wins).
pub fn declared_values(df: &Dockerfile, before: usize) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for inst in df.instructions.iter().take(before) {
        if matches!(inst.kind, InstructionKind::Env | InstructionKind::Arg) {
            for p in &inst.pairs {
                if let Some(v) = &p.value {
                    m.insert(p.key.clone(), v.clone());
                }
            }
        }
    }
    m
}

/// Names of every `ARG` and `ENV` declared anywhere in the file (ONBUILD included).
pub fn declared_names(df: &Dockerfile) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for inst in df.instructions.iter() {
        for i in std::iter::once(inst).chain(inst.onbuild.as_deref()) {
            if matches!(i.kind, InstructionKind::Env | InstructionKind::Arg) {
                names.extend(i.pairs.iter().map(|p| p.key.clone()));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

static PS_ASSIGN: LazyLock<Re> = LazyLock::new(|| {
    re(r#"(?i)\$(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\(?\s*(?:'([^']*)'|"([^"]*)")"#)
});
static SH_ASSIGN: LazyLock<Re> = LazyLock::new(|| {
    re(
        r#"(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|'([^']*)'|([^\s;&|'"]+))"#,
    )
});
static CMD_SET: LazyLock<Re> =
    LazyLock::new(|| re(r#"(?i)\bset\s+"?([A-Za-z_][A-Za-z0-9_]*)=([^"&|\r\n]*)"?"#));

/// Variable assignments in a script text (`$url = 'https://…'`, `URL=https://…`,
/// `set URL=…`), in order; later ones win in the returned map.
pub fn script_assignments(text: &str, dialect: Dialect) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let rx: &Re = match dialect {
        Dialect::PowerShell => &PS_ASSIGN,
        Dialect::Posix => &SH_ASSIGN,
        Dialect::Cmd => &CMD_SET,
    };
    for c in rx.captures_iter(text) {
        let Some(name) = c.get(1) else { continue };
        let val = c
            .get(2)
            .or_else(|| c.get(3))
            .or_else(|| c.get(4))
            .map_or("", |v| v.as_str());
        let key = if dialect == Dialect::PowerShell {
            name.as_str().to_ascii_lowercase()
        } else {
            name.as_str().to_string()
        };
        m.insert(key, val.to_string());
    }
    m
}

/// If `word` starts with a variable reference, resolves that reference (one level) using the
/// script's own assignments first, then declared ENV/ARG values; returns the expanded prefix
/// followed by the rest of the word.
pub fn resolve_leading_reference(
    word: &str,
    script_vars: &BTreeMap<String, String>,
    declared: &BTreeMap<String, String>,
) -> Option<String> {
    let n = reference_len(word)?;
    let r = word.get(..n)?;
    let name = reference_name(r)?;
    let is_env = r.to_ascii_lowercase().starts_with("$env:")
        || r.to_ascii_lowercase().starts_with("${env:")
        || r.starts_with('%');
    let v = script_vars
        .get(&name)
        .or_else(|| script_vars.get(&name.to_ascii_lowercase()))
        .filter(|_| {
            !is_env
                || !script_vars.contains_key(&name.to_ascii_lowercase())
                || script_vars.contains_key(&name)
        })
        .or_else(|| declared.get(&name))
        .or_else(|| {
            if is_env {
                declared
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                    .map(|(_, v)| v)
            } else {
                None
            }
        })?;
    Some(format!("{v}{}", word.get(n..).unwrap_or("")))
}

// ---------------------------------------------------------------------------------------------
// Stages (computed from FROM positions so they work without the stage model)
// ---------------------------------------------------------------------------------------------

/// Stage number of instruction `idx`: count of FROM instructions at or before it (0 = before the
/// first FROM).
pub fn stage_number(df: &Dockerfile, idx: usize) -> usize {
    df.instructions
        .iter()
        .take(idx + 1)
        .filter(|i| i.kind == InstructionKind::From)
        .count()
}

/// The instruction itself and, for `ONBUILD X`, the triggered instruction.
pub fn with_onbuild(inst: &Instruction) -> impl Iterator<Item = &Instruction> {
    std::iter::once(inst).chain(inst.onbuild.as_deref())
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/// Raw text of a command in its script.
pub fn command_text<'t>(text: &'t str, cmd: &Command) -> &'t str {
    text.get(cmd.range.clone()).unwrap_or("")
}

/// Raw text of a word.
pub fn word_raw<'t>(text: &'t str, w: &ShWord) -> &'t str {
    text.get(w.range.clone()).unwrap_or("")
}

/// Index of the command `cmd_idx` pipes into (the next command at the same depth, if it is
/// connected with `|`).
pub fn piped_into(script: &Script, cmd_idx: usize) -> Option<usize> {
    let depth = script.commands.get(cmd_idx)?.depth;
    for (j, c) in script.commands.iter().enumerate().skip(cmd_idx + 1) {
        if c.depth > depth {
            continue;
        }
        if c.depth == depth && c.connector == Connector::Pipe {
            return Some(j);
        }
        return None;
    }
    None
}

/// Index of the command that feeds `cmd_idx` through a pipe.
pub fn piped_from(script: &Script, cmd_idx: usize) -> Option<usize> {
    let c = script.commands.get(cmd_idx)?;
    if c.connector != Connector::Pipe {
        return None;
    }
    (0..cmd_idx)
        .rev()
        .find(|&j| script.commands.get(j).is_some_and(|p| p.depth == c.depth))
}

/// Start of the pipeline `cmd_idx` belongs to (first command of its `a | b | c` chain).
fn pipeline_start(script: &Script, cmd_idx: usize) -> usize {
    let mut i = cmd_idx;
    let mut guard = 0;
    while let Some(p) = piped_from(script, i) {
        i = p;
        guard += 1;
        if guard > 256 {
            break;
        }
    }
    i
}

/// The argument after a flag (`-o x`) or attached (`--output=x`, `-Name:x`). Case-insensitive
/// unless `case_sensitive`.
pub fn flag_value<'c>(
    cmd: &'c Command,
    names: &[&str],
    case_sensitive: bool,
) -> Option<&'c ShWord> {
    let args = cmd.args();
    let eq = |a: &str, b: &str| {
        if case_sensitive {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    };
    for (i, w) in args.iter().enumerate() {
        for n in names {
            if eq(&w.text, n) {
                return args.get(i + 1);
            }
        }
    }
    None
}

/// `--name=value` / `-Name:value` attached values: returns the value text and its byte range.
pub fn attached_value(cmd: &Command, names: &[&str], text: &str) -> Option<(String, Range<usize>)> {
    for w in cmd.args() {
        for n in names {
            for sep in ['=', ':'] {
                let prefix = format!("{n}{sep}");
                if w.text.len() > prefix.len()
                    && w.text
                        .get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
                {
                    let v = w.text.get(prefix.len()..).unwrap_or("").to_string();
                    let raw = word_raw(text, w);
                    let off = raw
                        .find(sep)
                        .map_or(w.range.start, |i| w.range.start + i + 1);
                    return Some((v, off..w.range.end));
                }
            }
        }
    }
    None
}

/// A literal word fed into `cmd_idx` through a pipe by `echo` / `printf` / `Write-Output`
/// (`echo 'root:pw' | chpasswd`, `echo s3cr3t | docker login --password-stdin`).
pub fn fed_literal<'s>(s: &'s ShellScript<'_>, cmd_idx: usize) -> Option<&'s ShWord> {
    let from = piped_from(&s.script, cmd_idx)?;
    let feeder = s.script.commands.get(from)?;
    if !matches!(
        feeder.name().as_str(),
        "echo" | "printf" | "write-output" | "write" | "type"
    ) {
        return None;
    }
    feeder
        .args()
        .iter()
        .find(|w| !(w.text.starts_with('-') && w.text.len() <= 3))
        .filter(|w| arg_is_literal(s, w))
}

/// Non-flag arguments: words not starting with `-` (and, for cmd, not a `/x` switch).
pub fn plain_args(cmd: &Command, dialect: Dialect) -> Vec<&ShWord> {
    cmd.args()
        .iter()
        .filter(|w| {
            let t = w.text.as_str();
            let dash_flag = t.starts_with('-') && t.len() > 1;
            let slash_flag = dialect != Dialect::Posix
                && t.starts_with('/')
                && t.len() > 1
                && t.len() <= 3
                && !t.contains('.');
            !dash_flag && !slash_flag
        })
        .collect()
}

/// PowerShell cmdlets that sign in to a cloud / directory service.
pub fn is_cloud_login_cmdlet(name: &str) -> bool {
    matches!(
        name,
        "connect-azaccount"
            | "login-azaccount"
            | "add-azaccount"
            | "add-azurermaccount"
            | "login-azurermaccount"
            | "connect-azuread"
            | "connect-mggraph"
            | "connect-exchangeonline"
            | "connect-pnponline"
            | "connect-msolservice"
            | "add-azureaccount"
            | "connect-azurermaccount"
    )
}

/// A value given to a flag: either the next word (`-p x`) or attached (`--password=x`,
/// `-Password:x`, or glued `-px` when `glued` is set). Returns the value text, its span range
/// in the script text and whether it is a literal.
pub fn option_value(
    s: &ShellScript<'_>,
    cmd: &Command,
    separate: &[&str],
    attached: &[&str],
    glued: Option<&str>,
    case_sensitive: bool,
) -> Option<(String, Range<usize>, bool)> {
    let text = &s.text.text;
    let dialect = s.script.dialect;
    if let Some(w) = flag_value(cmd, separate, case_sensitive) {
        return Some((w.text.clone(), w.range.clone(), arg_is_literal(s, w)));
    }
    if let Some((v, r)) = attached_value(cmd, attached, text) {
        let raw = text.get(r.clone()).unwrap_or("");
        let lit = word_is_literal(raw, &v, dialect);
        return Some((v, r, lit));
    }
    if let Some(g) = glued {
        for w in cmd.args() {
            if w.text.len() > g.len() && w.text.starts_with(g) && !w.text.starts_with("--") {
                let v = w.text.get(g.len()..).unwrap_or("").to_string();
                let raw = word_raw(text, w);
                let lit = word_is_literal(raw.get(g.len()..).unwrap_or(raw), &v, dialect);
                return Some((v, w.range.clone(), lit));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Downloads
// ---------------------------------------------------------------------------------------------

/// The tool performing a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadTool {
    Curl,
    Wget,
    InvokeWebRequest,
    WebClient,
    BitsTransfer,
    Certutil,
    Bitsadmin,
}

impl DownloadTool {
    pub fn label(self) -> &'static str {
        match self {
            DownloadTool::Curl => "curl",
            DownloadTool::Wget => "wget",
            DownloadTool::InvokeWebRequest => "Invoke-WebRequest",
            DownloadTool::WebClient => "WebClient.DownloadFile",
            DownloadTool::BitsTransfer => "Start-BitsTransfer",
            DownloadTool::Certutil => "certutil -urlcache",
            DownloadTool::Bitsadmin => "bitsadmin /transfer",
        }
    }
    /// Windows-only tools (PowerShell cmdlets, WebClient, certutil, bitsadmin).
    pub fn windows_only(self) -> bool {
        !matches!(self, DownloadTool::Curl | DownloadTool::Wget)
    }
}

/// One download found in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub tool: DownloadTool,
    /// Byte range in the script text of the downloading command (or method call).
    pub range: Range<usize>,
    /// Index into `script.commands` (`None` for WebClient method calls).
    pub command: Option<usize>,
    /// URL arguments as written (text, byte range of the word).
    pub urls: Vec<(String, Range<usize>)>,
    /// File written, as written (`None` when the body goes to stdout / the pipeline).
    pub output: Option<String>,
    /// The download only returns content (stdout / a .NET string / a response object).
    pub to_stdout: bool,
}

/// URLs (text, range), output file, content-only.
type Parsed = (Vec<(String, Range<usize>)>, Option<String>, bool);

const CURL_SHORT_WITH_VALUE: &str = "oHxudAeXwmCTbcKrFYyzUEPQtD";
const CURL_LONG_WITH_VALUE: &[&str] = &[
    "--output",
    "--header",
    "--proxy",
    "--user",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--user-agent",
    "--referer",
    "--request",
    "--write-out",
    "--retry",
    "--connect-timeout",
    "--max-time",
    "--continue-at",
    "--upload-file",
    "--cookie",
    "--cookie-jar",
    "--config",
    "--resolve",
    "--retry-delay",
    "--retry-max-time",
    "--range",
    "--form",
    "--limit-rate",
    "--speed-limit",
    "--speed-time",
    "--time-cond",
    "--proto",
    "--proto-redir",
    "--ciphers",
    "--url",
    "--output-dir",
    "--proxy-user",
    "--interface",
    "--dns-servers",
    "--cacert",
    "--capath",
    "--cert",
    "--key",
    "--cert-type",
    "--key-type",
    "--max-filesize",
    "--max-redirs",
    "--oauth2-bearer",
    "--pass",
    "--connect-to",
    "--ftp-port",
    "--tls-max",
    "--retry-all-errors-delay",
    "--expect100-timeout",
    "--happy-eyeballs-timeout-ms",
    "--keepalive-time",
    "--netrc-file",
    "--noproxy",
    "--preproxy",
    "--unix-socket",
    "--variable",
];
const WGET_SHORT_WITH_VALUE: &str = "OoaPetTUwiBQlDAR";
const WGET_LONG_WITH_VALUE: &[&str] = &[
    "--output-document",
    "--output-file",
    "--append-output",
    "--directory-prefix",
    "--execute",
    "--tries",
    "--timeout",
    "--user-agent",
    "--header",
    "--user",
    "--password",
    "--http-user",
    "--http-password",
    "--post-data",
    "--post-file",
    "--body-data",
    "--body-file",
    "--method",
    "--ca-certificate",
    "--certificate",
    "--private-key",
    "--load-cookies",
    "--save-cookies",
    "--input-file",
    "--base",
    "--limit-rate",
    "--quota",
    "--level",
    "--domains",
    "--wait",
    "--waitretry",
    "--dns-timeout",
    "--connect-timeout",
    "--read-timeout",
    "--referer",
];

fn url_basename(url: &str) -> String {
    let no_frag = url.split(['?', '#']).next().unwrap_or(url);
    no_frag
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

fn looks_like_url_arg(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.contains("://") || l.starts_with('$') || l.starts_with('%') || l.starts_with("www.")
}

/// Output of a `>`/`>>` redirection in a command's raw text.
fn redirect_target(raw: &str) -> Option<String> {
    static REDIR: LazyLock<Re> = LazyLock::new(|| re(r#"(?:^|\s)1?>>?\s*([^\s;&|]+)"#));
    let c = REDIR.captures(raw)?;
    let t = c.get(1)?.as_str().trim_matches(['"', '\'']);
    if t.starts_with('&') {
        None
    } else {
        Some(t.to_string())
    }
}

fn parse_curl(cmd: &Command, text: &str) -> Parsed {
    let args = cmd.args();
    let mut urls = Vec::new();
    let mut output: Option<String> = None;
    let mut remote_name = false;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        i += 1;
        if t.starts_with('>') || t.starts_with("1>") || t.starts_with("2>") || t == "<" {
            if matches!(t, ">" | ">>" | "1>" | "2>" | "<") {
                i += 1;
            }
            continue;
        }
        if let Some(long) = t.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (t.to_string(), None),
            };
            if name == "--remote-name" || name == "--remote-name-all" {
                remote_name = true;
                continue;
            }
            if CURL_LONG_WITH_VALUE.contains(&name.as_str()) {
                let v = match attached {
                    Some(v) => Some((v, w.range.clone())),
                    None => {
                        let n = args.get(i).map(|x| (x.text.clone(), x.range.clone()));
                        i += 1;
                        n
                    }
                };
                if let Some((v, r)) = v {
                    if name == "--output" && output.is_none() {
                        output = Some(v);
                    } else if name == "--url" {
                        urls.push((v, r));
                    }
                }
            }
            continue;
        }
        if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (k, ch) in cluster.char_indices() {
                if ch == 'O' {
                    remote_name = true;
                    continue;
                }
                if CURL_SHORT_WITH_VALUE.contains(ch) {
                    let rest = cluster.get(k + ch.len_utf8()..).unwrap_or("");
                    let v = if rest.is_empty() {
                        let n = args.get(i).map(|x| x.text.clone());
                        i += 1;
                        n
                    } else {
                        Some(rest.to_string())
                    };
                    if ch == 'o' && output.is_none() {
                        output = v;
                    }
                    break;
                }
            }
            continue;
        }
        urls.push((w.text.clone(), w.range.clone()));
    }
    if output.is_none() && remote_name {
        output = urls.first().map(|(u, _)| url_basename(u));
    }
    if output.is_none() {
        output = redirect_target(command_text(text, cmd));
    }
    let to_stdout = output.as_deref().is_none_or(|o| o == "-");
    if output.as_deref() == Some("-") {
        output = None;
    }
    (urls, output, to_stdout)
}

fn parse_wget(cmd: &Command, text: &str) -> Parsed {
    let args = cmd.args();
    let mut urls = Vec::new();
    let mut output: Option<String> = None;
    let mut prefix: Option<String> = None;
    let mut input_file = false;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        i += 1;
        if t.starts_with('>') || t == "<" {
            if matches!(t, ">" | ">>" | "<") {
                i += 1;
            }
            continue;
        }
        if let Some(long) = t.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (t.to_string(), None),
            };
            if WGET_LONG_WITH_VALUE.contains(&name.as_str()) {
                let v = match attached {
                    Some(v) => Some(v),
                    None => {
                        let n = args.get(i).map(|x| x.text.clone());
                        i += 1;
                        n
                    }
                };
                match name.as_str() {
                    "--output-document" => output = output.or(v),
                    "--directory-prefix" => prefix = v,
                    "--input-file" => input_file = true,
                    _ => {}
                }
            }
            continue;
        }
        if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.is_empty()) {
            // `-nv`, `-nc`, `-np`, `-nd`, `-nH`: two-letter boolean short options.
            if cluster.starts_with('n') && cluster.len() == 2 {
                continue;
            }
            for (k, ch) in cluster.char_indices() {
                if WGET_SHORT_WITH_VALUE.contains(ch) {
                    let rest = cluster.get(k + ch.len_utf8()..).unwrap_or("");
                    let v = if rest.is_empty() {
                        let n = args.get(i).map(|x| x.text.clone());
                        i += 1;
                        n
                    } else {
                        Some(rest.to_string())
                    };
                    match ch {
                        'O' => output = output.or(v),
                        'P' => prefix = v,
                        'i' => input_file = true,
                        _ => {}
                    }
                    break;
                }
            }
            continue;
        }
        urls.push((w.text.clone(), w.range.clone()));
    }
    if output.is_none() && !input_file {
        output = urls.first().map(|(u, _)| {
            let b = url_basename(u);
            match &prefix {
                Some(p) => format!("{}/{b}", p.trim_end_matches('/')),
                None => b,
            }
        });
    }
    if output.is_none() {
        output = redirect_target(command_text(text, cmd));
    }
    let to_stdout = output.as_deref() == Some("-");
    if to_stdout {
        output = None;
    }
    (urls, output, to_stdout)
}

/// PowerShell switch parameters of Invoke-WebRequest / Invoke-RestMethod (no value).
const IWR_SWITCHES: &[&str] = &[
    "-usebasicparsing",
    "-passthru",
    "-usedefaultcredentials",
    "-skipcertificatecheck",
    "-disablekeepalive",
    "-resume",
    "-skipheadervalidation",
    "-skiphttperrorcheck",
    "-allowunencryptedauthentication",
    "-noproxy",
    "-preservehttpmethodonredirect",
    "-allowinsecureredirect",
    "-verbose",
    "-debug",
    "-preserveauthorizationonredirect",
];

fn parse_iwr(cmd: &Command) -> Parsed {
    let args = cmd.args();
    let mut urls = Vec::new();
    let mut output = None;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        i += 1;
        if t.starts_with('-') && t.len() > 1 && !t.starts_with("--") {
            let (name, attached) = match t.split_once(':') {
                Some((n, v)) => (
                    n.to_ascii_lowercase(),
                    Some((v.to_string(), w.range.clone())),
                ),
                None => (t.to_ascii_lowercase(), None),
            };
            // Switches, also abbreviated (`-useb`), take no value.
            if attached.is_none()
                && IWR_SWITCHES
                    .iter()
                    .any(|sw| sw.starts_with(name.as_str()) && name.len() >= 4)
            {
                continue;
            }
            let known_value = name.len() >= 4 && ("-outfile".starts_with(&name) || name == "-uri");
            let v = attached.or_else(|| {
                let next = args.get(i)?;
                if next.text.starts_with('-') && !known_value {
                    return None;
                }
                i += 1;
                Some((next.text.clone(), next.range.clone()))
            });
            if name.len() >= 5 && "-outfile".starts_with(&name) {
                output = v.map(|(t, _)| t);
            } else if (name == "-uri" || name == "-url")
                && let Some(v) = v
            {
                urls.push(v);
            }
            continue;
        }
        if urls.is_empty() {
            urls.push((w.text.clone(), w.range.clone()));
        }
    }
    let to_stdout = output.is_none();
    (urls, output, to_stdout)
}

fn positionals(cmd: &Command) -> Vec<&ShWord> {
    cmd.args()
        .iter()
        .filter(|w| !(w.text.starts_with('-') || w.text.starts_with('/')))
        .collect()
}

static WEBCLIENT_RE: LazyLock<Re> = LazyLock::new(|| {
    re(
        r#"(?i)\.Download(File|String|Data)(?:Async|TaskAsync)?\s*\(\s*((?:'[^']*'|"[^"]*"|[^,()'"]|\([^()]*\))+?)\s*(?:,\s*((?:'[^']*'|"[^"]*"|[^,()'"]|\([^()]*\))+?)\s*)?\)"#,
    )
});

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|x| x.strip_suffix('"')))
        .unwrap_or(s)
}

/// Every download in a script: curl / wget (any dialect), Invoke-WebRequest / iwr /
/// Invoke-RestMethod (and the `curl`/`wget` aliases of Windows PowerShell when used with
/// `-OutFile`), Start-BitsTransfer, certutil -urlcache, bitsadmin /transfer and
/// `WebClient.DownloadFile/DownloadString` calls. Sorted by position.
pub fn find_downloads(text: &str, script: &Script) -> Vec<Download> {
    let mut out = Vec::new();
    for (ci, cmd) in script.commands.iter().enumerate() {
        let name = cmd.name();
        let first_raw = cmd
            .words
            .first()
            .map_or("", |w| word_raw(text, w))
            .to_ascii_lowercase();
        let has_outfile = cmd.args().iter().any(|w| {
            let l = w.text.to_ascii_lowercase();
            let n = l.split(':').next().unwrap_or("");
            n.len() >= 5 && "-outfile".starts_with(n)
        });
        let (tool, (urls, output, to_stdout)) = match name.as_str() {
            "invoke-webrequest" | "iwr" | "invoke-restmethod" | "irm" => {
                (DownloadTool::InvokeWebRequest, parse_iwr(cmd))
            }
            // Windows PowerShell aliases `curl`/`wget` to Invoke-WebRequest.
            // (`-OutFile` is meaningless to the real curl/wget, so it identifies the alias.)
            "curl" | "wget" if has_outfile && !first_raw.ends_with(".exe") => {
                (DownloadTool::InvokeWebRequest, parse_iwr(cmd))
            }
            // HEAD requests and link checks fetch no content.
            "curl" | "wget" if cmd.has_arg(&["--spider", "-I", "--head"]) => continue,
            "curl" => (DownloadTool::Curl, parse_curl(cmd, text)),
            "wget" => (DownloadTool::Wget, parse_wget(cmd, text)),
            "start-bitstransfer" => {
                let src = flag_value(cmd, &["-Source"], false)
                    .or_else(|| positionals(cmd).first().copied())
                    .map(|w| (w.text.clone(), w.range.clone()));
                let dst = flag_value(cmd, &["-Destination"], false)
                    .map(|w| w.text.clone())
                    .or_else(|| {
                        let p = positionals(cmd);
                        let has_source_flag = cmd.has_arg(&["-Source"]);
                        p.get(if has_source_flag { 0 } else { 1 })
                            .map(|w| w.text.clone())
                    });
                (
                    DownloadTool::BitsTransfer,
                    (src.into_iter().collect(), dst, false),
                )
            }
            "certutil"
                if cmd.args().iter().any(|w| {
                    w.text.eq_ignore_ascii_case("-urlcache")
                        || w.text.eq_ignore_ascii_case("/urlcache")
                }) =>
            {
                let p = positionals(cmd);
                let url = p.iter().find(|w| looks_like_url_arg(&w.text)).copied();
                let outp = url
                    .and_then(|u| p.iter().skip_while(|w| w.range != u.range).nth(1))
                    .map(|w| w.text.clone());
                (
                    DownloadTool::Certutil,
                    (
                        url.map(|u| (u.text.clone(), u.range.clone()))
                            .into_iter()
                            .collect(),
                        outp,
                        false,
                    ),
                )
            }
            "bitsadmin"
                if cmd
                    .args()
                    .iter()
                    .any(|w| w.text.eq_ignore_ascii_case("/transfer")) =>
            {
                let args = cmd.args();
                let url_i = args.iter().position(|w| {
                    w.text.contains("://") || (w.text.starts_with('%') && w.text.len() > 2)
                });
                let url = url_i.and_then(|i| args.get(i));
                let outp = url_i.and_then(|i| args.get(i + 1)).map(|w| w.text.clone());
                (
                    DownloadTool::Bitsadmin,
                    (
                        url.map(|u| (u.text.clone(), u.range.clone()))
                            .into_iter()
                            .collect(),
                        outp,
                        false,
                    ),
                )
            }
            _ => continue,
        };
        let output = output.filter(|o| {
            !o.is_empty()
                && o != "/dev/null"
                && !o.eq_ignore_ascii_case("nul")
                && !o.eq_ignore_ascii_case("$null")
        });
        out.push(Download {
            tool,
            range: cmd.range.clone(),
            command: Some(ci),
            urls,
            to_stdout: to_stdout && output.is_none(),
            output,
        });
    }
    if script.dialect != Dialect::Posix || text.contains(".Download") {
        for c in WEBCLIENT_RE.captures_iter(text) {
            let (Some(whole), Some(kind), Some(u)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            let url_text = unquote(u.as_str()).to_string();
            let (output, to_stdout) = if kind.as_str().eq_ignore_ascii_case("file") {
                (c.get(3).map(|o| unquote(o.as_str()).to_string()), false)
            } else {
                (None, true)
            };
            out.push(Download {
                tool: DownloadTool::WebClient,
                range: whole.range(),
                command: None,
                urls: vec![(url_text, u.range())],
                output,
                to_stdout,
            });
        }
    }
    out.sort_by_key(|d| d.range.start);
    out
}

/// A checksum / signature verification in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Start offset in the script text (for ordering).
    pub start: usize,
    /// Raw text of the verifying pipeline (`echo "$SHA *f" | sha256sum -c -`).
    pub text: String,
    /// Index of the verifying command (and of the first command of its pipeline).
    pub command: Option<usize>,
    pub pipeline_start: Option<usize>,
}

const HASH_TOOLS: &[&str] = &[
    "sha256sum",
    "sha512sum",
    "sha384sum",
    "sha224sum",
    "sha1sum",
    "shasum",
    "b2sum",
    "md5sum",
    "sha3sum",
    "rhash",
];
const COMPARE_OPS: &[&str] = &[
    "-ne",
    "-eq",
    "-cne",
    "-ceq",
    "-ine",
    "-ieq",
    "-like",
    "-notlike",
    "-match",
    "-notmatch",
    "-in",
    "-notin",
    "-contains",
    "-notcontains",
    ".equals(",
    "compare-object",
];

fn is_verification(cmd: &Command, script_lower: &str) -> bool {
    let name = cmd.name();
    let has = |names: &[&str]| cmd.has_arg(names);
    match name.as_str() {
        n if HASH_TOOLS.contains(&n) => true,
        "gpg" | "gpg2" => {
            has(&["--verify", "--verify-files"])
                || cmd.args().iter().any(|w| w.text.starts_with("--verify"))
        }
        "gpgv" | "gpgv2" | "slsa-verifier" | "pkgcheck" => true,
        "cosign" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text.starts_with("verify")),
        "notation" | "sigstore" => cmd.args().first().is_some_and(|a| a.text == "verify"),
        "gh" => cmd.args().first().is_some_and(|a| a.text == "attestation"),
        "minisign" | "signify" => has(&["-V", "-Vm", "-C"]),
        "openssl" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text == "dgst" || a.text == "sha256" || a.text == "sha512"),
        "rpm" | "rpmkeys" => has(&["-K", "--checksig"]),
        "dpkg-sig" => has(&["--verify"]),
        "get-filehash" => COMPARE_OPS.iter().any(|op| script_lower.contains(op)),
        "get-authenticodesignature" | "test-filecatalog" => true,
        "signtool" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text.eq_ignore_ascii_case("verify")),
        "certutil" => has(&["-hashfile", "/hashfile"]),
        _ => false,
    }
}

/// Checksum and signature verifications in a script (`sha256sum -c`, `gpg --verify`, `gpgv`,
/// `cosign verify*`, `minisign -V`, `openssl dgst`, `rpm -K`, `Get-FileHash` with a comparison,
/// `Get-AuthenticodeSignature`, `certutil -hashfile`, `signtool verify`).
pub fn find_verifications(text: &str, script: &Script) -> Vec<Verification> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for (ci, cmd) in script.commands.iter().enumerate() {
        if !is_verification(cmd, &lower) {
            continue;
        }
        let ps = pipeline_start(script, ci);
        let start = script
            .commands
            .get(ps)
            .map_or(cmd.range.start, |c| c.range.start.min(cmd.range.start));
        let t = text
            .get(start..cmd.range.end.max(start))
            .unwrap_or("")
            .to_string();
        out.push(Verification {
            start: cmd.range.start,
            text: t,
            command: Some(ci),
            pipeline_start: Some(ps),
        });
    }
    out
}

/// Downloads that fetch verification material (checksums, signatures, keys) or repository
/// configuration rather than an artifact.
/// `gpg --import`, `gpg --dearmor`, `apt-key add`, `rpm --import`: the file is a signing key.
fn is_key_import(c: &Command) -> bool {
    let name = c.name();
    match name.as_str() {
        "gpg" | "gpg2" => c.has_arg(&["--import", "--dearmor", "--enarmor"]),
        "apt-key" => true,
        "rpm" | "rpmkeys" => c.has_arg(&["--import"]),
        _ => false,
    }
}

pub fn is_verification_material(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    let base = l.rsplit(['/', '\\']).next().unwrap_or(&l);
    const EXT: &[&str] = &[
        ".asc",
        ".sig",
        ".sign",
        ".gpg",
        ".pgp",
        ".key",
        ".pub",
        ".pem",
        ".crt",
        ".cer",
        ".der",
        ".sha1",
        ".sha256",
        ".sha512",
        ".md5",
        ".sha256sum",
        ".sha512sum",
        ".sha256sums",
        ".sums",
        ".repo",
        ".list",
        ".sources",
        ".minisig",
        ".bundle",
        ".intoto.jsonl",
        ".sbom",
        ".spdx",
        ".cdx.json",
        ".sha256.txt",
        ".sha512.txt",
    ];
    EXT.iter().any(|e| base.ends_with(e))
        || base.contains("sha256sums")
        || base.contains("sha512sums")
        || base.contains("shasums")
        || base.contains("checksums")
        || base.contains("keyring")
        || base == "keys"
        || base.ends_with(".keys")
        || [
            "sha256", "sha384", "sha512", "sha1sum", "checksum", "shasum", "-sha.", "_sha.",
        ]
        .iter()
        .any(|k| base.contains(k))
        || l.contains("/etc/apt/")
        || l.contains("/usr/share/keyrings/")
        || l.contains("/etc/pki/")
        || l.contains("/etc/yum.repos.d/")
        || l.contains("/usr/local/share/ca-certificates/")
}

/// Whether `hay` mentions `name` as a whole path component / word (the characters around the
/// match are not name characters), optionally ignoring ASCII case.
/// `${NAME}` → `$NAME` so both spellings of a variable compare equal.
fn unbrace(s: &str) -> String {
    static BRACED: LazyLock<Re> = LazyLock::new(|| re(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"));
    let mut out = String::new();
    let mut last = 0;
    for c in BRACED.captures_iter(s) {
        let (Some(m), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        out.push_str(s.get(last..m.start()).unwrap_or(""));
        out.push('$');
        out.push_str(name.as_str());
        last = m.end();
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

pub fn mentions(hay: &str, name: &str, ignore_case: bool) -> bool {
    if name.is_empty() {
        return false;
    }
    let (h, n) = if ignore_case {
        (
            unbrace(&hay.to_ascii_lowercase()),
            unbrace(&name.to_ascii_lowercase()),
        )
    } else {
        (unbrace(hay), unbrace(name))
    };
    let cont = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
    let mut from = 0;
    while let Some(pos) = h.get(from..).and_then(|s| s.find(&n)) {
        let s = from + pos;
        let e = s + n.len();
        let before = h.get(..s).and_then(|b| b.chars().next_back());
        let after = h.get(e..).and_then(|a| a.chars().next());
        let before_ok = before.is_none_or(|c| !cont(c) || n.starts_with('$'));
        let after_ok = after.is_none_or(|c| {
            !cont(c)
                || (c == '.'
                    && h.get(e + 1..)
                        .is_none_or(|r| r.is_empty() || r.starts_with(char::is_whitespace)))
        });
        if before_ok && after_ok {
            return true;
        }
        from = s + n.len().max(1);
        if from >= h.len() {
            break;
        }
    }
    false
}

/// The file name a download writes (basename, quotes removed).
pub fn output_basename(output: &str) -> String {
    let b = output
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(output);
    b.trim_matches(['"', '\'']).to_string()
}

/// Commands that print or remove a file rather than use it.
const NOT_A_USE: &[&str] = &[
    "echo",
    "printf",
    "write-host",
    "write-output",
    "write-verbose",
    "write-information",
    "rm",
    "remove-item",
    "del",
    "erase",
    "ri",
    "test-path",
    "ls",
    "dir",
    "get-childitem",
    "gci",
    "stat",
    "get-item",
    "file",
    "du",
    "wc",
    "true",
    ":",
];

/// Consumers that unpack or execute a piped download (its bytes are used directly).
pub fn is_pipe_consumer(name: &str) -> bool {
    matches!(
        name,
        "tar"
            | "bsdtar"
            | "unzip"
            | "gunzip"
            | "gzip"
            | "zcat"
            | "xz"
            | "unxz"
            | "xzcat"
            | "bzip2"
            | "bunzip2"
            | "zstd"
            | "unzstd"
            | "cpio"
            | "dpkg"
            | "rpm"
            | "rpm2cpio"
            | "busybox"
            | "7z"
            | "7za"
            | "jar"
            | "tee"
            | "install"
    )
}

/// Interpreters (a pipe into these is DF125's remote-script case, not a download check).
pub fn is_shell_interpreter(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash"
            | "ash"
            | "dash"
            | "zsh"
            | "ksh"
            | "fish"
            | "python"
            | "python3"
            | "python2"
            | "perl"
            | "ruby"
            | "node"
            | "php"
            | "pwsh"
            | "powershell"
            | "iex"
            | "invoke-expression"
    )
}

/// Extensions of files that verify the file they are named after (`x.tgz.asc` verifies `x.tgz`).
const SIDECAR_EXT: &[&str] = &[
    ".asc",
    ".sig",
    ".sign",
    ".gpg",
    ".sha256",
    ".sha512",
    ".sha256sum",
    ".sha512sum",
    ".md5",
    ".minisig",
    ".bundle",
    ".pem",
];

/// Expands `$X` / `${X}` / `$env:X` / `%X%` references with known values (one level).
pub fn expand_references(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let Some(rest) = s.get(i..) else { break };
        if let Some(n) = reference_len(rest) {
            let r = rest.get(..n).unwrap_or("");
            match reference_name(r).and_then(|name| {
                vars.get(&name).or_else(|| {
                    vars.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                        .map(|(_, v)| v)
                })
            }) {
                Some(v) => out.push_str(v),
                None => out.push_str(r),
            }
            i += n;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A URL that names an immutable Git commit (a 40-hex path segment, e.g.
/// `raw.githubusercontent.com/o/r/<sha>/file`): its content cannot change.
pub fn url_pinned_by_commit(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.split('/')
        .any(|seg| seg.len() == 40 && seg.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What happened to a download within its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadVerdict {
    /// A checksum/signature check covers it before any use.
    Verified,
    /// It is used (range of the using command in its script, and which script) before any check.
    UsedUnverified { script: usize, range: Range<usize> },
    /// The body is piped straight into a consumer (`curl … | tar x`).
    PipedUnverified { consumer: String },
    /// It is never checked in the stage.
    NeverVerified,
}

/// One analysed download: index into the scripts slice, the download, and the verdict.
#[derive(Debug, Clone)]
pub struct DownloadFinding {
    pub script: usize,
    pub download: Download,
    pub verdict: DownloadVerdict,
}

/// Analyses every download of `scripts` (RUN scripts in file order): a download to a file is
/// verified if a checksum/signature check that mentions the file (or mentions none of the
/// stage's downloaded files, e.g. `sha256sum -c SHA256SUMS`) follows it in the same RUN or a
/// later RUN of the same stage before any command uses the file. Downloads of checksums,
/// signatures, keys and repository files, and content-only downloads not piped into an
/// unpacker, are skipped.
pub fn download_verdicts(df: &Dockerfile, scripts: &[ShellScript<'_>]) -> Vec<DownloadFinding> {
    struct Info {
        downloads: Vec<Download>,
        verifs: Vec<Verification>,
        stage: usize,
    }
    let infos: Vec<Info> = scripts
        .iter()
        .map(|s| Info {
            downloads: find_downloads(&s.text.text, &s.script),
            verifs: find_verifications(&s.text.text, &s.script),
            stage: stage_number(df, s.instruction),
        })
        .collect();
    let mut out = Vec::new();
    for (si, info) in infos.iter().enumerate() {
        let Some(script) = scripts.get(si) else {
            continue;
        };
        let ignore_case = script.script.dialect != Dialect::Posix;
        let stage_outputs: Vec<String> = infos
            .iter()
            .filter(|o| o.stage == info.stage)
            .flat_map(|o| {
                o.downloads
                    .iter()
                    .filter_map(|d| d.output.as_deref().map(output_basename))
            })
            .filter(|b| !b.is_empty())
            .collect();
        let declared = declared_values(df, script.instruction);
        let script_vars = script_assignments(&script.text.text, script.script.dialect);
        for d in &info.downloads {
            let pinned = d.urls.iter().any(|(u, _)| {
                let e = expand_references(u, &declared);
                url_pinned_by_commit(&e)
                    || url_pinned_by_commit(&expand_references(u, &script_vars))
            });
            if pinned {
                continue;
            }
            if d.urls.iter().any(|(u, _)| is_verification_material(u))
                && d.output.as_deref().is_none_or(is_verification_material)
            {
                continue;
            }
            if d.to_stdout {
                let consumer = d
                    .command
                    .and_then(|ci| piped_into(&script.script, ci))
                    .and_then(|j| script.script.commands.get(j));
                if let Some(c) = consumer {
                    let name = c.name();
                    let key_import = name == "gpg"
                        || name == "apt-key"
                        || name == "rpm" && c.has_arg(&["--import"]);
                    if is_pipe_consumer(&name) && !key_import {
                        let tee_target = if name == "tee" {
                            c.args()
                                .iter()
                                .find(|w| !w.text.starts_with('-'))
                                .map(|w| w.text.clone())
                        } else {
                            None
                        };
                        if tee_target.as_deref().is_some_and(is_verification_material) {
                            continue;
                        }
                        out.push(DownloadFinding {
                            script: si,
                            download: d.clone(),
                            verdict: DownloadVerdict::PipedUnverified { consumer: name },
                        });
                    }
                }
                continue;
            }
            let Some(output) = d.output.as_deref() else {
                continue;
            };
            if is_verification_material(output) {
                continue;
            }
            let base = output_basename(output);
            if base.is_empty() {
                continue;
            }
            let covers = |v: &Verification| {
                mentions(&v.text, &base, ignore_case)
                    || SIDECAR_EXT
                        .iter()
                        .any(|e| mentions(&v.text, &format!("{base}{e}"), ignore_case))
                    || !stage_outputs
                        .iter()
                        .any(|o| mentions(&v.text, o, ignore_case))
            };
            let mut verdict = DownloadVerdict::NeverVerified;
            let mut key_material = false;
            'scan: for (sj, other) in infos.iter().enumerate().skip(si) {
                if other.stage != info.stage {
                    continue;
                }
                let Some(os) = scripts.get(sj) else { continue };
                let after = if sj == si { d.range.end } else { 0 };
                // Events of this script after the download, ordered by position.
                let mut events: Vec<(usize, bool, Range<usize>)> = Vec::new();
                for v in other.verifs.iter().filter(|v| v.start >= after) {
                    if covers(v) {
                        events.push((v.start, true, v.start..v.start));
                    }
                }
                let verif_cmds: Vec<usize> = other
                    .verifs
                    .iter()
                    .flat_map(|v| {
                        let a = v.pipeline_start.unwrap_or(usize::MAX);
                        let b = v.command.unwrap_or(usize::MAX);
                        if a <= b {
                            (a..=b).collect::<Vec<_>>()
                        } else {
                            Vec::new()
                        }
                    })
                    .collect();
                let download_cmds: Vec<usize> =
                    other.downloads.iter().filter_map(|x| x.command).collect();
                for (ci, c) in os.script.commands.iter().enumerate() {
                    if c.range.start < after
                        || verif_cmds.contains(&ci)
                        || download_cmds.contains(&ci)
                    {
                        continue;
                    }
                    if NOT_A_USE.contains(&c.name().as_str()) {
                        continue;
                    }
                    // A command containing nested commands (e.g. `if (…) { … }`) is judged by
                    // the nested ones.
                    let has_nested = os.script.commands.iter().any(|n| {
                        n.depth > c.depth
                            && n.range.start >= c.range.start
                            && n.range.end <= c.range.end
                            && n.range != c.range
                    });
                    if has_nested {
                        continue;
                    }
                    // PowerShell expression statements (`$_ -match …`, `[x]::y(…)`) are not
                    // commands that consume the file.
                    let first = c.words.first().map_or("", |w| w.text.as_str());
                    if first.starts_with(['$', '(', '[', '@'])
                        && first.contains(char::is_whitespace)
                    {
                        continue;
                    }
                    let ct = command_text(&os.text.text, c);
                    if mentions(ct, &base, ignore_case)
                        || (base != output && mentions(ct, output, ignore_case))
                    {
                        events.push((c.range.start, false, c.range.clone()));
                    }
                }
                events.sort_by_key(|e| (e.0, !e.1));
                if let Some((_, is_verif, r)) = events.first() {
                    if *is_verif {
                        key_material = false;
                    } else if let Some(c) = os.script.commands.iter().find(|c| c.range == *r) {
                        key_material = is_key_import(c);
                    }
                    verdict = if *is_verif {
                        DownloadVerdict::Verified
                    } else {
                        DownloadVerdict::UsedUnverified {
                            script: sj,
                            range: r.clone(),
                        }
                    };
                    break 'scan;
                }
            }
            if key_material {
                // The first use imports it as a signing key (`gpg --import KEYS`).
                continue;
            }
            if verdict != DownloadVerdict::Verified {
                out.push(DownloadFinding {
                    script: si,
                    download: d.clone(),
                    verdict,
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Credential files
// ---------------------------------------------------------------------------------------------

/// How sure we are that a file holds credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFileKind {
    /// Private keys, credential stores: a secret by construction.
    Certain,
    /// Configuration that often, but not always, carries credentials (NuGet.Config, .npmrc).
    Possible,
}

/// Whether a path (COPY/ADD source or destination) names a credential file. Returns a short
/// description and how certain it is.
pub fn credential_file(path: &str) -> Option<(&'static str, CredentialFileKind)> {
    use CredentialFileKind::{Certain, Possible};
    let norm = path.replace('\\', "/");
    let trimmed = norm.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if base.is_empty() || base.contains('*') && !base.starts_with("*.") {
        return None;
    }
    for sample in [
        ".example",
        ".sample",
        ".template",
        ".dist",
        ".tmpl",
        ".tpl",
        ".default",
    ] {
        if base.ends_with(sample) {
            return None;
        }
    }
    if base.ends_with(".pub") {
        return None;
    }
    let parent_is = |d: &str| {
        lower.contains(&format!("{d}/"))
            || lower.starts_with(&format!("{}/", d.trim_start_matches('/')))
    };
    match base {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return Some(("SSH private key", Certain));
        }
        ".ssh" => return Some(("SSH directory", Certain)),
        ".git-credentials" => return Some(("Git credential store", Certain)),
        ".netrc" | "_netrc" => return Some(("netrc credentials", Certain)),
        ".pgpass" => return Some(("PostgreSQL password file", Certain)),
        ".pypirc" => return Some(("PyPI credentials", Certain)),
        ".htpasswd" => return Some(("htpasswd file", Certain)),
        ".env" => return Some((".env file", Certain)),
        "nuget.config" => {
            return Some(("NuGet.Config (may hold packageSourceCredentials)", Possible));
        }
        ".npmrc" => return Some((".npmrc (may hold an auth token)", Possible)),
        ".yarnrc.yml" => return Some((".yarnrc.yml (may hold an auth token)", Possible)),
        "credentials" if parent_is(".aws") => return Some(("AWS credentials", Certain)),
        "config.json" if parent_is(".docker") => {
            return Some(("Docker registry credentials", Certain));
        }
        _ => {}
    }
    if let Some(rest) = base.strip_prefix(".env.")
        && !matches!(
            rest,
            "example" | "sample" | "template" | "dist" | "defaults" | "default"
        )
    {
        return Some((".env file", Certain));
    }
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "pfx" | "p12" => Some(("PKCS#12 certificate with private key", Certain)),
        "ppk" => Some(("PuTTY private key", Certain)),
        "key" => {
            const PUBLIC_HINTS: &[&str] = &[
                "pub", "gpg", "pgp", "release", "repo", "archive", "signing", "keyring", "apt",
                "yum",
            ];
            const PRIVATE_HINTS: &[&str] = &[
                "priv",
                "tls",
                "ssl",
                "server",
                "client",
                "localhost",
                "cert",
                "host",
                "domain",
                "site",
            ];
            if PUBLIC_HINTS.iter().any(|h| base.contains(h)) {
                None
            } else if PRIVATE_HINTS.iter().any(|h| base.contains(h)) || base == "key.key" {
                Some(("private key", Certain))
            } else {
                Some(("key file (may be a private key)", Possible))
            }
        }
        "pem" if (base.contains("key") || base.contains("priv")) && !base.contains("pub") => {
            Some(("private key", Certain))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        name_tokens(s)
    }

    #[test]
    fn tokenizer_splits_separators_and_camel_case() {
        assert_eq!(toks("SA_PASSWORD"), ["SA", "PASSWORD"]);
        assert_eq!(toks("deploy.token"), ["DEPLOY", "TOKEN"]);
        assert_eq!(toks("my-api-key"), ["MY", "API", "KEY"]);
        assert_eq!(toks("dbPassword"), ["DB", "PASSWORD"]);
        assert_eq!(toks("APIKey"), ["API", "KEY"]);
        assert_eq!(toks("OAuth2Token"), ["O", "AUTH2", "TOKEN"]);
        assert_eq!(
            toks("ConnectionStrings__Default"),
            ["CONNECTION", "STRINGS", "DEFAULT"]
        );
        assert_eq!(toks("S3Key"), ["S3", "KEY"]);
        assert_eq!(toks("__"), Vec::<String>::new());
        assert_eq!(toks("ÄÖ_token"), ["TOKEN"]);
        assert_eq!(toks("PWD"), ["PWD"]);
    }

    #[test]
    fn secret_names_true_positives() {
        for n in [
            "SA_PASSWORD",
            "MSSQL_SA_PASSWORD",
            "NUGET_API_KEY",
            "GITHUB_TOKEN",
            "DB_PWD",
            "DB_PASS",
            "dbPassword",
            "deploy.token",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "CLIENT_SECRET",
            "AZURE_STORAGE_ACCOUNT_KEY",
            "NUGET_PAT",
            "PAT",
            "SAPASSWORD",
            "ConnectionStrings__Default",
            "DB_CONNECTION_STRING",
            "NuGetPackageSourceCredentials_feed",
            "PASSWORD",
            "X_API_KEY",
            "apiKey",
            "AZURE_SAS",
            "SECRET_KEY_BASE",
            "CERT_FILE_PASSWORD",
            "USER_PASSWORD",
            "ASPNETCORE_Kestrel__Certificates__Default__Password",
            "NODE_AUTH_TOKEN",
            "ENCRYPTION_KEY",
            "PRIVATE_KEY",
            "SSH_PRIVATE_KEY",
            "REFRESH_TOKEN",
            "passphrase",
            "SAPWD",
        ] {
            assert!(secret_name(n).is_some(), "{n} should be secret-like");
        }
        assert!(secret_name("ConnectionStrings__Default").is_some_and(|s| s.connection_string));
        assert_eq!(
            secret_name("NUGET_API_KEY").map(|s| s.label),
            Some("API key")
        );
        let art = |n: &str| secret_name(n).map(|s| s.with_article());
        assert_eq!(art("NUGET_API_KEY").as_deref(), Some("an API key"));
        assert_eq!(art("DB_PWD").as_deref(), Some("a password"));
    }

    #[test]
    fn secret_names_false_positives() {
        for n in [
            "PASSWORD_FILE",
            "SA_PASSWORD_FILE",
            "DOTNET_VERSION",
            "PUBLIC_KEY_URL",
            "PWD",
            "OLDPWD",
            "PATH",
            "AWS_ACCESS_KEY_ID",
            "CLIENT_ID",
            "GPG_KEY",
            "KEY",
            "TOKEN_URL",
            "SECRET_NAME",
            "SECRETS_DIR",
            "PASSWORD_MIN_LENGTH",
            "AUTH_TYPE",
            "ACCEPT_EULA",
            "PASS_THROUGH",
            "TOKENIZERS_PARALLELISM",
            "NEXT_PUBLIC_API_KEY",
            "PASSWORD_HASH",
            "GOOGLE_APPLICATION_CREDENTIALS_FILE",
            "APPINSIGHTS_INSTRUMENTATIONKEY",
            "PATCH_LEVEL",
            "SASL_MECHANISM",
            "GIT_CREDENTIAL_HELPER",
            "KEY_ID",
            "POSTGRES_HOST_AUTH_METHOD",
            "COMPASS",
            "BYPASS",
            "NO_AUTH",
            "TOKEN_ENDPOINT",
            "org.opencontainers.image.authors",
        ] {
            assert!(secret_name(n).is_none(), "{n} should not be secret-like");
        }
    }

    #[test]
    fn literal_values() {
        for v in [
            "Passw0rd!",
            "changeme",
            "oy2abc",
            "s3cr3t-${SUFFIX}-tail",
            "hunter22",
        ] {
            assert!(literal_secret_value(v), "{v} should be a literal secret");
        }
        for v in [
            "",
            "  ",
            "$SA_PASSWORD",
            "${TOKEN}",
            "${TOKEN:-}",
            "$env:TOKEN",
            "%TOKEN%",
            "${A}:${B}",
            "true",
            "no",
            "1",
            "8",
            "<your-token>",
            "{{ .Token }}",
            "*****",
            "xxxx",
            "/run/secrets/token",
            "C:\\secrets\\pw.txt",
            "https://login.example.com/token",
        ] {
            assert!(
                !literal_secret_value(v),
                "{v:?} should not be a literal secret"
            );
        }
        assert!(literal_secret_value("https://bot:hunter2@example.com/"));
    }

    #[test]
    fn references() {
        assert_eq!(reference_len("$X rest"), Some(2));
        assert_eq!(reference_len("${X:-a}b"), Some(7));
        assert_eq!(reference_len("$env:TOKEN;"), Some(10));
        assert_eq!(reference_len("%TOKEN%x"), Some(7));
        assert_eq!(reference_len("$(cat /run/secrets/x)"), Some(21));
        assert_eq!(reference_len("$"), None);
        assert_eq!(reference_len("$1"), None);
        assert_eq!(reference_len("%%"), None);
        assert_eq!(reference_len("${unclosed"), None);
        assert_eq!(reference_name("${X:-a}").as_deref(), Some("X"));
        assert_eq!(reference_name("$env:Token").as_deref(), Some("Token"));
        assert_eq!(reference_name("%PAT%").as_deref(), Some("PAT"));
        assert!(is_reference_only("${A}:${B}"));
        assert!(!is_reference_only("pw${A}"));
        assert!(word_is_literal(
            "'P@$$w0rd'",
            "P@$$w0rd",
            Dialect::PowerShell
        ));
        assert!(!word_is_literal("\"$pw\"", "$pw", Dialect::PowerShell));
        assert!(!word_is_literal("%PW%", "%PW%", Dialect::Cmd));
        assert!(word_is_literal("P$ss", "P$ss", Dialect::Cmd));
        assert!(!word_is_literal(
            "$(cat /run/secrets/pw)",
            "$(cat /run/secrets/pw)",
            Dialect::Posix
        ));
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find_credentials(text).into_iter().map(|c| c.kind).collect()
    }

    #[test]
    fn credential_patterns_true_positives() {
        assert_eq!(
            kinds("RUN setx KEY AKIAZ3MQ7TXR4NBWLD5Q"),
            ["AWS access key ID"]
        );
        assert_eq!(
            kinds("aws_secret_access_key = zQ4mT7rW9xK2pL5nB8vC1dF6gH3jA0sE4uY7iO2q"),
            ["AWS secret access key"]
        );
        let gh = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
        assert_eq!(kinds(&format!("TOKEN={gh}")), ["GitHub token"]);
        let fg = format!("github_pat_{}_{}", "11ABCDEFG0123456789abc", "x".repeat(59));
        assert_eq!(kinds(&fg), ["GitHub fine-grained token"]);
        let key = format!("{}==", "Q".repeat(86));
        assert_eq!(
            kinds(&format!(
                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey={key};"
            )),
            ["Azure Storage account key"]
        );
        let sas = "https://acct.blob.core.windows.net/c/f.zip?sv=2022-11-02&se=2026-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=abcdEFGHijklMNOPqrstUVWXyz0123456789%2Babc%3D";
        assert_eq!(kinds(sas), ["Azure SAS signature"]);
        assert_eq!(
            kinds(&format!("nuget push -k oy2{}", "a1".repeat(21) + "b")),
            ["NuGet API key"]
        );
        assert_eq!(
            kinds("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
            ["private key"]
        );
        assert_eq!(
            kinds("-----BEGIN OPENSSH PRIVATE KEY-----"),
            ["private key"]
        );
        assert_eq!(kinds("-----BEGIN PRIVATE KEY-----"), ["private key"]);
        assert_eq!(
            kinds(
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ),
            ["JSON Web Token"]
        );
        assert_eq!(
            kinds("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
            ["Slack token"]
        );
        assert_eq!(
            kinds(&format!("AIza{}", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6q")),
            ["Google API key"]
        );
        assert_eq!(
            kinds(&format!("npm_{}", "A1b2".repeat(9))),
            ["npm access token"]
        );
        assert_eq!(
            kinds(&format!("dckr_pat_{}", "a".repeat(27))),
            ["Docker Hub access token"]
        );
        assert_eq!(
            kinds(&format!("glpat-{}", "a1".repeat(10))),
            ["GitLab token"]
        );
    }

    #[test]
    fn credential_patterns_false_positives() {
        for t in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "XAKIAZ3MQ7TXR4NBWLD5Q1",
            "ghp_short",
            "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8X",
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "AccountKey=$STORAGE_KEY",
            "https://x/y?sig=abcdEFGHijklMNOPqrstUVWXyz0123456789",
            "https://x/y?sv=2022&sig=$SIG",
            "oy2short",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----",
            "eyJhbGciOi",
            "ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305",
            "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
        ] {
            assert!(kinds(t).is_empty(), "{t} fired {:?}", kinds(t));
        }
    }

    #[test]
    fn mask() {
        assert_eq!(mask_secret("ghp_abcdef"), "ghp_…");
        assert_eq!(mask_secret("ab"), "ab…");
        assert_eq!(mask_secret("ÄÖÜßx"), "ÄÖÜß…");
    }

    #[test]
    fn urls_and_credentials() {
        let t = "git clone https://bot:tok3n@dev.azure.com/org/_git/r && curl https://example.com/a.tgz";
        let u = find_urls(t);
        assert_eq!(u.len(), 2);
        assert_eq!(u[1].url, "https://example.com/a.tgz");
        let c = url_credentials(t);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].password, PasswordKind::Literal);
        assert_eq!(&t[c[0].password_range.clone()], "tok3n");
        let r = url_credentials("https://x-access-token:${GITHUB_TOKEN}@github.com/o/r.git");
        assert_eq!(
            r[0].password,
            PasswordKind::Reference("GITHUB_TOKEN".into())
        );
        assert_eq!(
            url_credentials("https://u:$env:PAT@x.com")[0].password,
            PasswordKind::Reference("PAT".into())
        );
        assert_eq!(
            url_credentials("http://u:%PAT%@x.com")[0].password,
            PasswordKind::Reference("PAT".into())
        );
        assert!(url_credentials("ssh://git@github.com/o/r").is_empty());
        assert!(url_credentials("https://user@host/x").is_empty());
        assert!(url_credentials("https://user:@host/x").is_empty());
        assert!(url_credentials("https://user:<password>@host/x").is_empty());
        assert!(url_credentials("git@github.com:o/r.git").is_empty());
        assert!(is_plain_http("http://dl.example.com/x.zip"));
        assert!(!is_plain_http("https://dl.example.com/x.zip"));
        assert!(!is_plain_http("http://localhost:8080/x"));
        assert!(!is_plain_http("http://127.0.0.1/x"));
        assert!(!is_plain_http("http://[::1]:80/x"));
        assert_eq!(
            url_host("http://u:p@Host.Example:80/x").as_deref(),
            Some("host.example")
        );
    }

    #[test]
    fn remote_sources() {
        assert_eq!(remote_source("https://x/a.zip"), Some(RemoteSource::Http));
        assert_eq!(remote_source("C:/a.zip"), None);
        assert_eq!(remote_source("app/"), None);
        assert_eq!(
            remote_source("https://github.com/moby/buildkit.git#v0.10.1"),
            Some(RemoteSource::Git { pinned: false })
        );
        let sha = "a".repeat(40);
        assert_eq!(
            remote_source(&format!("https://github.com/moby/buildkit.git#{sha}")),
            Some(RemoteSource::Git { pinned: true })
        );
        assert_eq!(
            remote_source(&format!("git@github.com:moby/buildkit#{sha}:docs")),
            Some(RemoteSource::Git { pinned: true })
        );
        assert_eq!(
            remote_source("git@github.com:moby/buildkit.git"),
            Some(RemoteSource::Git { pinned: false })
        );
        assert_eq!(
            remote_source("https://github.com/o/r.git?ref=v1&checksum=abc"),
            Some(RemoteSource::Git { pinned: true })
        );
    }

    #[test]
    fn credential_files() {
        for p in [
            "id_rsa",
            "keys/id_ed25519",
            "cert.pfx",
            "site.p12",
            "server.key",
            "privkey.pem",
            "tls-key.pem",
            ".env",
            ".env.production",
            ".git-credentials",
            ".aws/credentials",
            "home/.docker/config.json",
            ".pypirc",
            ".netrc",
            ".ssh",
        ] {
            assert_eq!(
                credential_file(p).map(|c| c.1),
                Some(CredentialFileKind::Certain),
                "{p}"
            );
        }
        for p in ["NuGet.Config", "nuget.config", ".npmrc"] {
            assert_eq!(
                credential_file(p).map(|c| c.1),
                Some(CredentialFileKind::Possible),
                "{p}"
            );
        }
        for p in [
            "id_rsa.pub",
            "cert.pem",
            "fullchain.pem",
            "ca.crt",
            ".env.example",
            "app.config",
            "config.json",
            "credentials",
            "src/",
            "public.key",
            "web.config",
            "*",
        ] {
            assert!(credential_file(p).is_none(), "{p}");
        }
    }

    #[test]
    fn mention_boundaries() {
        assert!(mentions(
            "tar -xf node.tar.xz -C /usr",
            "node.tar.xz",
            false
        ));
        assert!(!mentions("wget -O node.tar.xz.asc u", "node.tar.xz", false));
        assert!(mentions(
            "Start-Process C:\\Temp\\Python.exe",
            "python.exe",
            true
        ));
        assert!(!mentions("Start-Process python.exe", "python.exe2", true));
        assert!(mentions("& $installer /quiet", "$installer", true));
        assert!(mentions("ends with file.zip.", "file.zip", false));
        assert!(mentions("tar xf \"$FILE\"", "${FILE}", false));
        assert!(mentions("tar xf ${FILE}.tgz", "$FILE.tgz", false));
        assert!(!mentions("tar xf $FILENAME", "${FILE}", false));
        assert!(!mentions("", "x", false));
        assert!(!mentions("abc", "", false));
        assert!(is_verification_material("SHA256SUMS"));
        assert!(is_verification_material("/usr/share/keyrings/docker.gpg"));
        assert!(!is_verification_material("node.tar.xz"));
    }

    #[test]
    fn assignments_and_resolution() {
        let ps = script_assignments(
            "$url = ('http://x/{0}' -f $v); iwr $url -OutFile a",
            Dialect::PowerShell,
        );
        assert_eq!(ps.get("url").map(String::as_str), Some("http://x/{0}"));
        let sh = script_assignments("URL=http://x/a.tgz; curl -o a $URL", Dialect::Posix);
        assert_eq!(sh.get("URL").map(String::as_str), Some("http://x/a.tgz"));
        let cmd = script_assignments("set URL=http://x/a.zip&& curl.exe -o a %URL%", Dialect::Cmd);
        assert_eq!(cmd.get("URL").map(String::as_str), Some("http://x/a.zip"));
        let declared: BTreeMap<String, String> =
            [("BASE".to_string(), "http://mirror".to_string())].into();
        assert_eq!(
            resolve_leading_reference("${BASE}/x.tgz", &BTreeMap::new(), &declared).as_deref(),
            Some("http://mirror/x.tgz")
        );
        assert_eq!(
            resolve_leading_reference("$url", &ps, &BTreeMap::new()).as_deref(),
            Some("http://x/{0}")
        );
        assert_eq!(
            resolve_leading_reference("$env:BASE/x", &BTreeMap::new(), &declared).as_deref(),
            Some("http://mirror/x")
        );
        assert!(resolve_leading_reference("https://x", &ps, &declared).is_none());
    }

    #[test]
    fn connection_strings() {
        assert!(connection_string_has_literal_secret(
            "Server=db;User Id=sa;Password=Passw0rd!;"
        ));
        assert!(!connection_string_has_literal_secret(
            "Server=db;User Id=sa;Password=$SA_PASSWORD;"
        ));
        assert!(!connection_string_has_literal_secret(
            "Server=db;Integrated Security=true"
        ));
        assert!(connection_string_has_literal_secret(
            "postgres://app:s3cret@db:5432/app"
        ));
    }

    // --- command-level matching (uses the shell and stage model) ---

    use crate::dockerfile::shell::parse as sh_parse;

    fn downloads(text: &str, d: Dialect) -> Vec<(DownloadTool, Option<String>, bool)> {
        find_downloads(text, &sh_parse(text, d))
            .into_iter()
            .map(|x| (x.tool, x.output, x.to_stdout))
            .collect()
    }

    #[test]
    fn finds_downloads_and_outputs() {
        use DownloadTool::*;
        let p = Dialect::Posix;
        assert_eq!(
            downloads("curl -fsSLo /tmp/a.tgz https://x/a.tgz", p),
            [(Curl, Some("/tmp/a.tgz".into()), false)]
        );
        assert_eq!(
            downloads("curl -fsSLO https://x/dir/b.tar.xz?x=1", p),
            [(Curl, Some("b.tar.xz".into()), false)]
        );
        assert_eq!(
            downloads("curl --output=c.zip https://x/c", p),
            [(Curl, Some("c.zip".into()), false)]
        );
        assert_eq!(
            downloads("curl -fsSL https://x/i.sh > i.sh", p),
            [(Curl, Some("i.sh".into()), false)]
        );
        assert_eq!(
            downloads("curl -fsSL -H 'A: b' https://x/api", p),
            [(Curl, None, true)]
        );
        assert_eq!(
            downloads("wget https://x/d/e.deb", p),
            [(Wget, Some("e.deb".into()), false)]
        );
        assert_eq!(
            downloads("wget -qO- https://x/e.tgz", p),
            [(Wget, None, true)]
        );
        assert_eq!(
            downloads("wget -P /opt https://x/f.jar", p),
            [(Wget, Some("/opt/f.jar".into()), false)]
        );
        assert!(downloads("wget -q --spider https://x/", p).is_empty());
        assert!(downloads("curl -I https://x/", p).is_empty());
        assert!(
            downloads("curl -o /dev/null https://x/", p)
                .iter()
                .all(|d| d.1.is_none() && !d.2)
        );
        let ps = Dialect::PowerShell;
        assert_eq!(
            downloads(
                "Invoke-WebRequest -Uri $u -OutFile 'p.exe' -UseBasicParsing",
                ps
            ),
            [(InvokeWebRequest, Some("p.exe".into()), false)]
        );
        assert_eq!(
            downloads("iwr -useb -outfile t.js https://x/t", ps),
            [(InvokeWebRequest, Some("t.js".into()), false)]
        );
        assert_eq!(
            downloads("(iwr https://x/api).Content", ps),
            [(InvokeWebRequest, None, true)]
        );
        assert_eq!(
            downloads(
                "(New-Object Net.WebClient).DownloadFile('https://x/g.msi', 'C:\\g.msi')",
                ps
            ),
            [(WebClient, Some("C:\\g.msi".into()), false)]
        );
        assert_eq!(
            downloads(
                "Start-BitsTransfer -Source https://x/h.zip -Destination C:\\h.zip",
                ps
            ),
            [(BitsTransfer, Some("C:\\h.zip".into()), false)]
        );
        let cmd = Dialect::Cmd;
        assert_eq!(
            downloads(
                "certutil -urlcache -split -f https://x/i.exe C:\\i.exe",
                cmd
            ),
            [(Certutil, Some("C:\\i.exe".into()), false)]
        );
        assert_eq!(
            downloads(
                "bitsadmin /transfer j /download /priority normal https://x/j.zip C:\\j.zip",
                cmd
            ),
            [(Bitsadmin, Some("C:\\j.zip".into()), false)]
        );
        assert_eq!(
            downloads("curl.exe -fSLo C:\\k.zip https://x/k.zip", cmd),
            [(Curl, Some("C:\\k.zip".into()), false)]
        );
        // Windows PowerShell `wget` alias, nested under cmd.
        assert_eq!(
            downloads(
                "powershell -Command wget https://x/l.exe -OutFile c:\\l.exe",
                cmd
            ),
            [(InvokeWebRequest, Some("c:\\l.exe".into()), false)]
        );
    }

    #[test]
    fn finds_verifications() {
        let n = |t: &str, d| find_verifications(t, &sh_parse(t, d)).len();
        assert_eq!(
            n("echo \"$SHA *f.tgz\" | sha256sum -c -", Dialect::Posix),
            1
        );
        assert_eq!(n("gpg --batch --verify f.asc f", Dialect::Posix), 1);
        assert_eq!(n("gpg --batch --import k.asc", Dialect::Posix), 0);
        assert_eq!(n("cosign verify-blob --key k.pub f", Dialect::Posix), 1);
        assert_eq!(
            n(
                "if ((Get-FileHash f.zip -Algorithm sha256).Hash -ne $env:S) { exit 1 }",
                Dialect::PowerShell
            ),
            1
        );
        assert_eq!(n("Get-FileHash f.zip", Dialect::PowerShell), 0);
        assert_eq!(n("certutil -hashfile f.zip SHA256", Dialect::Cmd), 1);
        let t = "echo \"$SHA *f.tgz\" | sha256sum -c -";
        let v = find_verifications(t, &sh_parse(t, Dialect::Posix));
        assert!(v.first().is_some_and(|v| v.text.contains("f.tgz")));
    }

    fn verdicts(src: &str) -> Vec<DownloadVerdict> {
        use crate::dockerfile::stages::{StageOptions, analyze};
        use crate::lint::{FileContext, LintContext};
        let file = crate::source::SourceFile::new("Dockerfile", src);
        let df = crate::dockerfile::parse(src);
        let model = analyze(&df, &StageOptions::default());
        let ctx = FileContext::default();
        let cx = LintContext::new(&file, &df, &model, &ctx);
        download_verdicts(&df, cx.run_scripts())
            .into_iter()
            .map(|f| f.verdict)
            .collect()
    }

    #[test]
    fn download_verdicts_follow_the_stage() {
        // Verified in the same RUN (docker-library style).
        assert!(verdicts("FROM debian\nRUN wget -O p.tar.xz https://x/p.tar.xz; echo \"$S *p.tar.xz\" | sha256sum -c -; tar -xJf p.tar.xz\n").is_empty());
        // Verified in a later RUN before use.
        assert!(verdicts("FROM debian\nRUN curl -fsSLo a.tgz https://x/a.tgz\nRUN echo \"$S  a.tgz\" | sha256sum -c - && tar xzf a.tgz\n").is_empty());
        // Detached signature named after the file.
        assert!(verdicts("FROM debian\nRUN curl -fsSLo /sbin/tini https://x/tini && curl -fsSLo /sbin/tini.asc https://x/tini.asc && gpg --verify /sbin/tini.asc && chmod +x /sbin/tini\n").is_empty());
        // Keys and checksum files are not artifacts; a key imported first is a key.
        assert!(
            verdicts("FROM debian\nRUN wget -O KEYS https://x/KEYS && gpg --import KEYS\n")
                .is_empty()
        );
        // Commit-pinned raw URL.
        assert!(verdicts("FROM debian\nENV C=8d9e3502aba39127e4d12196dae16d306f76993d\nRUN wget -O /usr/local/bin/dind \"https://raw.githubusercontent.com/docker/docker/${C}/hack/dind\"; chmod +x /usr/local/bin/dind\n").is_empty());
        // Used before any check.
        let v = verdicts(
            "FROM debian\nRUN curl -fsSLo a.tgz https://x/a.tgz && tar xzf a.tgz && echo \"$S  a.tgz\" | sha256sum -c -\n",
        );
        assert!(
            matches!(v.as_slice(), [DownloadVerdict::UsedUnverified { .. }]),
            "{v:?}"
        );
        // Never checked.
        let v = verdicts("FROM debian\nRUN curl -fsSLo /usr/local/bin/k https://x/k\n");
        assert_eq!(v, [DownloadVerdict::NeverVerified]);
        // Piped into an unpacker; a pipe into a shell is left to DF125.
        let v = verdicts(
            "FROM debian\nRUN curl -fsSL https://x/a.tgz | tar -xz -C /opt\nRUN curl -fsSL https://x/i.sh | sh\n",
        );
        assert_eq!(
            v,
            [DownloadVerdict::PipedUnverified {
                consumer: "tar".into()
            }]
        );
        // A check in another stage does not count.
        let v = verdicts(
            "FROM debian AS a\nRUN curl -fsSLo a.tgz https://x/a.tgz\nFROM debian\nRUN echo \"$S  a.tgz\" | sha256sum -c -\n",
        );
        assert_eq!(v, [DownloadVerdict::NeverVerified]);
        // PowerShell: Get-FileHash compared before use; expression statements are not uses.
        let ps = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n";
        assert!(verdicts(&format!("{ps}RUN iwr -OutFile d.zip https://x/d.zip; $h = (Get-Content s.txt | Where-Object {{ $_ -match 'd.zip' }}); if ((Get-FileHash d.zip -Algorithm sha512).Hash -ne $h) {{ exit 1 }}; tar -xf d.zip\n")).is_empty());
        let v = verdicts(&format!(
            "{ps}RUN iwr -OutFile d.zip https://x/d.zip; Expand-Archive d.zip C:/d\n"
        ));
        assert!(
            matches!(v.as_slice(), [DownloadVerdict::UsedUnverified { .. }]),
            "{v:?}"
        );
    }

    fn run_group_rules(src: &str) -> usize {
        use crate::dockerfile::stages::{StageOptions, analyze};
        use crate::lint::{FileContext, LintContext, registry, run_rules};
        let file = crate::source::SourceFile::new("Dockerfile", src);
        let df = crate::dockerfile::parse(src);
        let model = analyze(&df, &StageOptions::default());
        let ctx = FileContext::default();
        let cx = LintContext::new(&file, &df, &model, &ctx);
        let rules: Vec<_> = registry::all()
            .iter()
            .filter(|r| {
                r.meta.id.starts_with("DF30")
                    || ["DF500", "DF501", "DF502", "DF503"].contains(&r.meta.id)
            })
            .collect();
        let found = run_rules(&cx, &rules);
        for f in &found {
            assert!(
                f.span.start <= f.span.end && f.span.end <= src.len(),
                "span out of range"
            );
        }
        found.len()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

        #[test]
        fn pure_matchers_never_panic(s in "[ -~\u{e9}\u{1F600}\u{feff}]{0,120}") {
            let _ = (name_tokens(&s), secret_name(&s), literal_secret_value(&s), is_reference_only(&s));
            let _ = (find_credentials(&s), find_urls(&s), url_credentials(&s), remote_source(&s), credential_file(&s));
            let _ = (connection_string_has_literal_secret(&s), mask_secret(&s), is_plain_http(&s), url_host(&s));
            let _ = (is_verification_material(&s), output_basename(&s), mentions(&s, "a.b", true), expand_references(&s, &BTreeMap::new()));
            for d in [Dialect::Posix, Dialect::PowerShell, Dialect::Cmd] {
                let _ = script_assignments(&s, d);
                let _ = word_is_literal(&s, &s, d);
                let sc = crate::dockerfile::shell::parse(&s, d);
                let _ = (find_downloads(&s, &sc), find_verifications(&s, &sc));
            }
        }

        #[test]
        fn rules_never_panic(lines in proptest::collection::vec(
            proptest::sample::select(vec![
                "FROM debian", "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS b", "# escape=`",
                "SHELL [\"powershell\", \"-Command\"]", "ARG TOKEN", "ARG PASSWORD=x$y", "ENV SA_PASSWORD=Pa55word",
                "LABEL a.token=ghp_", "COPY id_rsa /root/.ssh/", "COPY <<EOF /x/.npmrc", "EOF", "ADD https://x/a.git#v1 /s",
                "RUN curl -fsSLo a.tgz http://x/a.tgz && tar xzf a.tgz", "RUN wget -qO- $U | tar x", "RUN rm -f /root/.ssh/id_rsa",
                "RUN iwr $u -OutFile a.zip; Expand-Archive a.zip", "RUN (New-Object Net.WebClient).DownloadFile('", "RUN net user a b /add",
                "RUN echo 'r:p' | chpasswd", "RUN git clone https://u:p@h/r", "ONBUILD ENV X_TOKEN=abc123", "RUN \\", "  `", "'", "\"",
                "RUN dotnet nuget add source u -p x", "RUN docker login -p x", "RUN $x = ConvertTo-SecureString 'p' -AsPlainText",
                "RUN if ((Get-FileHash a.zip).Hash -ne $h) { exit 1 }", "é😀", "${", "%A", "RUN sha256sum -c -",
            ]),
            0..12,
        )) {
            let src = lines.join("\n");
            let _ = run_group_rules(&src);
        }
    }
}
