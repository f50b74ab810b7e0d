//! URLs.

use super::*;

/// A URL found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    pub range: Range<usize>,
    pub url: String,
}

pub(super) static URL_RE: LazyLock<Re> =
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

pub(super) static URL_CRED_RE: LazyLock<Re> = LazyLock::new(|| {
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

pub(super) fn is_full_sha(s: &str) -> bool {
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
