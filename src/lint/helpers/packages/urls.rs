//! URLs in package-manager arguments.

/// `http://` (case-insensitive) to a host other than loopback.
pub fn is_plain_http(url: &str) -> bool {
    let u = url.trim().trim_matches(|c| c == '"' || c == '\'');
    let Some(rest) = u
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .and_then(|_| u.get(7..))
    else {
        return false;
    };
    let host = rest
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !(host.is_empty() || host == "localhost" || host.starts_with("127.") || host == "[")
}

/// The URL with any `user:password@` userinfo replaced by `***@`, for messages (feed and clone URLs
/// often embed tokens).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_string(),
    }
}

/// A UNC path (`\\server\share\…` or `//server/share/…` as written on Windows).
pub fn is_unc(path: &str) -> bool {
    let p = path.trim().trim_matches(|c| c == '"' || c == '\'');
    p.starts_with("\\\\") && p.len() > 2 && !p.starts_with("\\\\?\\") && !p.starts_with("\\\\.\\")
}

/// `http://`, `https://` or `ftp://` URL.
pub fn is_remote_url(s: &str) -> bool {
    let l = s
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")
}
