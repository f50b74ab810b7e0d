//! The JSON check BuildKit applies to exec forms (`parseJSON` in `line_parsers.go`): the
//! argument text must be one JSON array (Go's `encoding/json` grammar, nesting limit 10000)
//! whose elements are all strings. Iterative, so deeply nested input cannot overflow the stack.

/// A decoded top-level string element with its byte range (quotes included) in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct JsonString {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum JsonArray {
    /// Does not start with `[`: not an exec form at all.
    NotJson,
    /// A valid array of strings.
    Strings(Vec<JsonString>),
    /// Valid JSON array with a non-string element: BuildKit rejects the instruction.
    NotStrings,
    /// Looks like JSON but is not valid: BuildKit silently uses the shell form.
    Invalid { reason: String, at: usize },
}

/// Go's `encoding/json` nesting limit.
const MAX_NESTING: usize = 10_000;

enum State {
    Value { allow_close: bool },
    AfterValue,
    KeyOrClose,
    Key,
    Colon,
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn invalid(reason: impl Into<String>, at: usize) -> JsonArray {
    JsonArray::Invalid {
        reason: reason.into(),
        at,
    }
}

fn describe(s: &str, at: usize) -> String {
    match s.get(at..).and_then(|r| r.chars().next()) {
        Some(c) if c.is_control() => format!("unexpected character {c:?}"),
        Some(c) => format!("unexpected character '{c}'"),
        None => "unexpected end of text".to_string(),
    }
}

pub(super) fn parse_json_array(s: &str) -> JsonArray {
    let b = s.as_bytes();
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return JsonArray::NotJson;
    }
    let mut stack: Vec<u8> = Vec::new();
    let mut strings = Vec::new();
    let mut all_strings = true;
    let mut state = State::Value { allow_close: false };
    loop {
        match state {
            State::Value { allow_close } => {
                i = ws(b, i);
                let Some(&c) = b.get(i) else {
                    return if stack.is_empty() {
                        invalid("empty", i)
                    } else {
                        invalid("missing closing bracket ]", i)
                    };
                };
                if c == b']' && stack.last() == Some(&b'[') {
                    if !allow_close {
                        return invalid("trailing comma before ]", i);
                    }
                    stack.pop();
                    i += 1;
                    state = State::AfterValue;
                    continue;
                }
                let top_level = stack.len() == 1;
                match c {
                    b'[' | b'{' => {
                        if top_level {
                            all_strings = false;
                        }
                        stack.push(c);
                        if stack.len() > MAX_NESTING {
                            return invalid("nested too deeply", i);
                        }
                        i += 1;
                        state = if c == b'[' {
                            State::Value { allow_close: true }
                        } else {
                            State::KeyOrClose
                        };
                    }
                    b'"' => match string(s, i) {
                        Ok((value, end)) => {
                            if top_level {
                                strings.push(JsonString {
                                    value,
                                    start: i,
                                    end,
                                });
                            }
                            i = end;
                            state = State::AfterValue;
                        }
                        Err(e) => return e,
                    },
                    b'\'' => {
                        return invalid(
                            "single quotes are not JSON strings (use double quotes)",
                            i,
                        );
                    }
                    b't' | b'f' | b'n' => {
                        let lit: &[u8] = match c {
                            b't' => b"true",
                            b'f' => b"false",
                            _ => b"null",
                        };
                        if b.get(i..i + lit.len()) != Some(lit) {
                            return invalid(describe(s, i), i);
                        }
                        if top_level {
                            all_strings = false;
                        }
                        i += lit.len();
                        state = State::AfterValue;
                    }
                    b'-' | b'0'..=b'9' => match number(b, i) {
                        Some(end) => {
                            if top_level {
                                all_strings = false;
                            }
                            i = end;
                            state = State::AfterValue;
                        }
                        None => return invalid("malformed number", i),
                    },
                    _ => return invalid(describe(s, i), i),
                }
            }
            State::AfterValue => {
                i = ws(b, i);
                let Some(&top) = stack.last() else {
                    if i < b.len() {
                        return invalid("text after the closing bracket ]", i);
                    }
                    return if all_strings {
                        JsonArray::Strings(strings)
                    } else {
                        JsonArray::NotStrings
                    };
                };
                match b.get(i) {
                    None => {
                        return if top == b'[' {
                            invalid("missing closing bracket ]", i)
                        } else {
                            invalid("missing closing brace }", i)
                        };
                    }
                    Some(b',') => {
                        i += 1;
                        state = if top == b'[' {
                            State::Value { allow_close: false }
                        } else {
                            State::Key
                        };
                    }
                    Some(b']') if top == b'[' => {
                        stack.pop();
                        i += 1;
                    }
                    Some(b'}') if top == b'{' => {
                        stack.pop();
                        i += 1;
                    }
                    Some(b'\'') => {
                        return invalid(
                            "single quotes are not JSON strings (use double quotes)",
                            i,
                        );
                    }
                    Some(b'"') => return invalid("missing comma between elements", i),
                    Some(_) => return invalid(describe(s, i), i),
                }
            }
            State::KeyOrClose | State::Key => {
                i = ws(b, i);
                match b.get(i) {
                    Some(b'}') if matches!(state, State::KeyOrClose) => {
                        stack.pop();
                        i += 1;
                        state = State::AfterValue;
                    }
                    Some(b'"') => match string(s, i) {
                        Ok((_, end)) => {
                            i = end;
                            state = State::Colon;
                        }
                        Err(e) => return e,
                    },
                    None => return invalid("missing closing brace }", i),
                    Some(_) => return invalid(describe(s, i), i),
                }
            }
            State::Colon => {
                i = ws(b, i);
                match b.get(i) {
                    Some(b':') => {
                        i += 1;
                        state = State::Value { allow_close: false };
                    }
                    None => return invalid("missing closing brace }", i),
                    Some(_) => return invalid(describe(s, i), i),
                }
            }
        }
    }
}

fn number(b: &[u8], mut i: usize) -> Option<usize> {
    let digit = |c: Option<&u8>| c.is_some_and(u8::is_ascii_digit);
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(b.get(i)) {
                i += 1;
            }
        }
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digit(b.get(i)) {
            return None;
        }
        while digit(b.get(i)) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(b.get(i)) {
            return None;
        }
        while digit(b.get(i)) {
            i += 1;
        }
    }
    Some(i)
}

fn hex4(s: &str, at: usize) -> Option<u32> {
    let h = s.get(at..at + 4)?;
    if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

/// Decodes the string starting at the `"` at `start`; returns the value and the end offset
/// (after the closing quote).
fn string(s: &str, start: usize) -> Result<(String, usize), JsonArray> {
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let Some(rest) = s.get(i..) else {
            return Err(invalid("unterminated string", start));
        };
        let Some(c) = rest.chars().next() else {
            return Err(invalid("unterminated string", start));
        };
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some(e) = s.get(i + 1..).and_then(|r| r.chars().next()) else {
                    return Err(invalid("unterminated string", start));
                };
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let Some(cp) = hex4(s, i + 2) else {
                            return Err(invalid("invalid JSON escape \\u (needs 4 hex digits)", i));
                        };
                        i += 6;
                        if (0xD800..0xDC00).contains(&cp) {
                            // A high surrogate must be followed by an escaped low surrogate.
                            if s.get(i..i + 2) == Some("\\u")
                                && let Some(lo) = hex4(s, i + 2)
                                && (0xDC00..0xE000).contains(&lo)
                            {
                                let v = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                                i += 6;
                                continue;
                            }
                            out.push('\u{FFFD}');
                            continue;
                        }
                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        continue;
                    }
                    other => {
                        return Err(invalid(
                            format!(
                                "invalid JSON escape \\{other} (a backslash must be written \\\\)"
                            ),
                            i,
                        ));
                    }
                }
                i += 1 + e.len_utf8();
            }
            c if (c as u32) < 0x20 => {
                return Err(invalid("control character inside a string", i));
            }
            c => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<String> {
        match parse_json_array(s) {
            JsonArray::Strings(v) => v.into_iter().map(|s| s.value).collect(),
            other => panic!("{s}: {other:?}"),
        }
    }

    fn reason(s: &str) -> String {
        match parse_json_array(s) {
            JsonArray::Invalid { reason, .. } => reason,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn valid_arrays() {
        assert_eq!(strings(r#"["a", "b c"]"#), vec!["a", "b c"]);
        assert_eq!(strings("[]"), Vec::<String>::new());
        assert_eq!(strings(r#"[ "C:\\app.exe" ]  "#), vec!["C:\\app.exe"]);
        assert_eq!(strings(r#"["\u00e9\ud83d\ude00\n"]"#), vec!["é😀\n"]);
        assert_eq!(strings(r#"["\ud800x"]"#), vec!["\u{FFFD}x"]);
    }

    #[test]
    fn not_strings() {
        assert_eq!(parse_json_array(r#"["a", 1]"#), JsonArray::NotStrings);
        assert_eq!(parse_json_array(r#"[["a"]]"#), JsonArray::NotStrings);
        assert_eq!(
            parse_json_array(r#"[{"a": [1, true, null]}]"#),
            JsonArray::NotStrings
        );
        assert_eq!(parse_json_array("a"), JsonArray::NotJson);
    }

    #[test]
    fn invalid_reasons() {
        assert!(reason("['a']").contains("single quotes"));
        assert!(reason(r#"["C:\app.exe"]"#).contains("invalid JSON escape \\a"));
        assert!(reason(r#"["a", "b""#).contains("missing closing bracket"));
        assert!(reason(r#"["a"#).contains("unterminated string"));
        assert!(reason(r#"["a",]"#).contains("trailing comma"));
        assert!(reason(r#"["a"] x"#).contains("after the closing bracket"));
        assert!(reason(r#"["a" "b"]"#).contains("missing comma"));
        assert!(reason("[\"a\tb\"]").contains("control character"));
        assert!(reason("[01]").contains("unexpected character"));
    }

    #[test]
    fn deep_nesting_is_iterative() {
        let deep = "[".repeat(100_000);
        assert!(reason(&deep).contains("nested too deeply"));
        let ok = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(parse_json_array(&ok), JsonArray::NotStrings);
    }
}
