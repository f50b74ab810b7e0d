//! Known credential formats.

use super::*;

/// A credential in a known format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// e.g. "AWS access key ID".
    pub kind: &'static str,
    /// Byte range of the credential itself in the searched text.
    pub range: Range<usize>,
}

pub(super) struct CredPattern {
    kind: &'static str,
    re: Re,
    /// Capture group holding the secret (0 = whole match).
    group: usize,
    /// Characters that continue the token: a match touching one of these is rejected.
    token_char: fn(char) -> bool,
    /// Extra check on the secret text.
    accept: fn(&str, &str) -> bool,
}

pub(super) fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
pub(super) fn alnum_us(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
pub(super) fn alnum_us_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}
pub(super) fn base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}
pub(super) fn any_ok(_: &str, _: &str) -> bool {
    true
}
pub(super) fn not_example(s: &str, _: &str) -> bool {
    !s.contains("EXAMPLE")
}
/// Azurite / storage-emulator account key: published by Microsoft, not a secret.
pub(super) const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
pub(super) fn not_azurite(s: &str, _: &str) -> bool {
    s != AZURITE_KEY
}
/// A SAS signature counts only inside a query that also has a service version (`sv=`) and an
/// expiry or permissions (`se=` / `sp=`).
pub(super) fn sas_context(_: &str, token: &str) -> bool {
    let l = token.to_ascii_lowercase();
    l.contains("sv=") && (l.contains("se=") || l.contains("sp="))
}

pub(super) static CRED_PATTERNS: LazyLock<Vec<CredPattern>> = LazyLock::new(|| {
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
pub(super) fn surrounding_token<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
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
