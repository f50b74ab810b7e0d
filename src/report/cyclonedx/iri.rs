//! IRI escaping of `externalReferences` URLs (the schema's `iri-reference` format).

/// Makes `s` a valid RFC 3987 IRI reference (the schema's `iri-reference` format), changing
/// as little as possible: characters a component may not contain are percent-encoded (spaces,
/// `<>"{}|\^`, controls, a second `#`, a `:` in the first segment of a scheme-less reference,
/// a `%` that starts no escape). When the authority cannot be repaired (a bad IP literal, a
/// non-numeric port), the whole text is percent-encoded into a relative reference.
pub(super) fn iri_escape(s: &str) -> String {
    iri_structured(s).unwrap_or_else(|| encode_except(s, |_| false))
}

pub(super) fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') || is_ucschar(c)
}

pub(super) fn is_ucschar(c: char) -> bool {
    matches!(c,
        '\u{A0}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFEF}'
        | '\u{10000}'..='\u{1FFFD}' | '\u{20000}'..='\u{2FFFD}' | '\u{30000}'..='\u{3FFFD}'
        | '\u{40000}'..='\u{4FFFD}' | '\u{50000}'..='\u{5FFFD}' | '\u{60000}'..='\u{6FFFD}'
        | '\u{70000}'..='\u{7FFFD}' | '\u{80000}'..='\u{8FFFD}' | '\u{90000}'..='\u{9FFFD}'
        | '\u{A0000}'..='\u{AFFFD}' | '\u{B0000}'..='\u{BFFFD}' | '\u{C0000}'..='\u{CFFFD}'
        | '\u{D0000}'..='\u{DFFFD}' | '\u{E1000}'..='\u{EFFFD}')
}

pub(super) fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

pub(super) fn is_pchar(c: char) -> bool {
    is_unreserved(c) || is_sub_delim(c) || matches!(c, ':' | '@')
}

/// Percent-encodes every char that is not unreserved and for which `keep` is false; valid
/// `%XX` escapes are kept.
pub(super) fn encode_except(s: &str, keep: impl Fn(char) -> bool) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        let escape = ch == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if escape || (ch != '%' && (is_unreserved(ch) || keep(ch))) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Repairs an IRI reference component by component; `None` when the authority is beyond
/// repair.
pub(super) fn iri_structured(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let scheme_len = s.find(':').filter(|&i| {
        let scheme = s.get(..i).unwrap_or("");
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if let Some(i) = scheme_len {
        out.push_str(s.get(..=i)?);
        rest = s.get(i + 1..)?;
    }
    let has_scheme = scheme_len.is_some();
    let has_authority = rest.starts_with("//");
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = after.get(..end)?;
        rest = after.get(end..)?;
        out.push_str("//");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if let Some(u) = userinfo {
            out.push_str(&encode_except(u, |c| is_sub_delim(c) || c == ':'));
            out.push('@');
        }
        let (host, port) = if let Some(literal) = hostport.strip_prefix('[') {
            let (inner, after_literal) = literal.split_once(']')?;
            let ipv6ish = !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'));
            if !ipv6ish {
                return None;
            }
            let port = match after_literal.strip_prefix(':') {
                Some(p) => Some(p),
                None if after_literal.is_empty() => None,
                None => return None,
            };
            (format!("[{inner}]"), port)
        } else {
            let (h, p) = match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            };
            (encode_except(h, is_sub_delim), p)
        };
        if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        out.push_str(&host);
        if let Some(p) = port {
            out.push(':');
            out.push_str(p);
        }
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (rest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    if !has_scheme && !has_authority {
        // A scheme-less reference may not have a `:` in its first segment.
        let first_end = path.find('/').unwrap_or(path.len());
        let (first, tail) = path.split_at(first_end);
        out.push_str(&encode_except(first, |c| is_pchar(c) && c != ':'));
        out.push_str(&encode_except(tail, |c| is_pchar(c) || c == '/'));
    } else if !has_authority && path.starts_with("//") {
        // `scheme:` followed by an empty authority-looking path cannot be written as is.
        return None;
    } else {
        out.push_str(&encode_except(path, |c| is_pchar(c) || c == '/'));
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(&encode_except(q, |c| {
            is_pchar(c) || matches!(c, '/' | '?' | '\u{E000}'..='\u{F8FF}')
        }));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&encode_except(f, |c| is_pchar(c) || matches!(c, '/' | '?')));
    }
    Some(out)
}
