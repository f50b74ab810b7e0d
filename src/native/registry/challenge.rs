//! `WWW-Authenticate` challenge parsing (RFC 9110 §11.6.1 syntax), enough for the registry
//! token flow: `Bearer realm="…",service="…",scope="…"`.

use std::collections::BTreeMap;

/// One challenge: the auth scheme (lowercased) and its parameters (names lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Header values longer than this are not parsed (no registry sends such a thing).
const MAX_LEN: usize = 16 * 1024;

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~/".contains(c)
}

/// Parses every challenge in one header value. Malformed parts are skipped, never a panic.
pub fn parse(value: &str) -> Vec<Challenge> {
    if value.len() > MAX_LEN {
        return Vec::new();
    }
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    let mut out: Vec<Challenge> = Vec::new();
    let skip_ws = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
            *i += 1;
        }
    };
    let read_token = |i: &mut usize| -> String {
        let start = *i;
        while chars.get(*i).is_some_and(|c| is_tchar(*c)) {
            *i += 1;
        }
        chars
            .get(start..*i)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    };
    while i < chars.len() {
        skip_ws(&mut i);
        while chars.get(i) == Some(&',') {
            i += 1;
            skip_ws(&mut i);
        }
        let before = i;
        let tok = read_token(&mut i);
        if tok.is_empty() {
            // Not a token character: skip it so the loop always advances.
            i = before + 1;
            continue;
        }
        let save = i;
        skip_ws(&mut i);
        if chars.get(i) == Some(&'=') {
            // A parameter of the current challenge (or token68 noise before any scheme).
            i += 1;
            skip_ws(&mut i);
            let val = if chars.get(i) == Some(&'"') {
                i += 1;
                let mut v = String::new();
                while let Some(&c) = chars.get(i) {
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(&n) = chars.get(i) {
                                v.push(n);
                                i += 1;
                            }
                        }
                        _ => v.push(c),
                    }
                }
                v
            } else {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| *c != ',' && !c.is_whitespace())
                {
                    i += 1;
                }
                chars
                    .get(start..i)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default()
            };
            if let Some(ch) = out.last_mut() {
                ch.params.entry(tok.to_ascii_lowercase()).or_insert(val);
            }
        } else {
            i = save;
            out.push(Challenge {
                scheme: tok.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_bearer() {
        let v = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull""#;
        let c = parse(v);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].param("realm"), Some("https://auth.docker.io/token"));
        assert_eq!(c[0].param("service"), Some("registry.docker.io"));
        assert_eq!(c[0].param("scope"), Some("repository:library/node:pull"));
    }

    #[test]
    fn spacing_case_tokens_and_escapes() {
        let v = r#"  BEARER   Realm = "https://r/t?a=b" , service=svc,error="insufficient_scope", x="a\"b\\c" "#;
        let c = parse(v);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].param("realm"), Some("https://r/t?a=b"));
        assert_eq!(c[0].param("service"), Some("svc"));
        assert_eq!(c[0].param("error"), Some("insufficient_scope"));
        assert_eq!(c[0].param("x"), Some(r#"a"b\c"#));
    }

    #[test]
    fn several_challenges_in_one_value() {
        let c =
            parse(r#"Basic realm="Registry Realm", Bearer realm="https://t/token",service="s""#);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, "basic");
        assert_eq!(c[0].param("realm"), Some("Registry Realm"));
        assert_eq!(c[1].scheme, "bearer");
        assert_eq!(c[1].param("service"), Some("s"));
    }

    #[test]
    fn malformed_input_does_not_panic() {
        for v in [
            "",
            ",,,",
            "=",
            "Bearer realm=",
            "Bearer realm=\"unterminated",
            "Bearer realm=\"a\\",
            "\"\"\"",
            "Bearer ,,, realm=\"x\"",
            "Bearer réalm=\"ü\"",
            "Negotiate abc==",
        ] {
            let _ = parse(v);
        }
        assert!(parse(&"a".repeat(MAX_LEN + 1)).is_empty());
        let c = parse("Bearer realm=\"unterminated");
        assert_eq!(c[0].param("realm"), Some("unterminated"));
    }
}
