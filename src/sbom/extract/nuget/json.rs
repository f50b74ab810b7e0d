//! JSON with byte spans: serde_json parses (and reports syntax errors with line and column);
//! borrowed `RawValue`s point into the original text, so every value — and every object key —
//! has an exact span.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::source::{LineIndex, Span};

/// One `"key": value` member of an object.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub key: String,
    /// The key with its quotes.
    pub key_span: Span,
    pub value: &'a RawValue,
}

/// A syntax error located in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

/// Parses `text` (a leading BOM is skipped). The returned value borrows from `text`.
pub fn parse(text: &str) -> Result<&RawValue, JsonError> {
    let (body, skip) = match text.strip_prefix('\u{feff}') {
        Some(b) => (b, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    serde_json::from_str::<&RawValue>(body).map_err(|e| {
        let idx = LineIndex::new(body);
        let line_start = idx.line_start(e.line().max(1));
        let mut off = (line_start + e.column().saturating_sub(1)).min(body.len());
        while off > 0 && !body.is_char_boundary(off) {
            off -= 1;
        }
        let message = match e.classify() {
            serde_json::error::Category::Eof => {
                format!(
                    "truncated JSON: unexpected end of file (line {}, column {})",
                    e.line(),
                    e.column()
                )
            }
            _ => format!("invalid JSON: {e}"),
        };
        JsonError {
            span: Span::empty(off + skip),
            message,
        }
    })
}

/// The span of `raw` inside `text` (both must come from the same buffer).
pub fn span(text: &str, raw: &RawValue) -> Span {
    let base = text.as_ptr() as usize;
    let p = raw.get().as_ptr() as usize;
    match p.checked_sub(base) {
        Some(off) if off + raw.get().len() <= text.len() => Span::new(off, off + raw.get().len()),
        _ => Span::empty(0),
    }
}

/// The members of an object, in order (duplicates kept), or `None` if `raw` is not an object.
pub fn object<'a>(text: &str, raw: &'a RawValue) -> Option<Vec<Entry<'a>>> {
    let members: Members<'a> = serde_json::from_str(raw.get()).ok()?;
    Some(
        members
            .0
            .into_iter()
            .map(|(key, value)| {
                let vs = span(text, value);
                Entry {
                    key,
                    key_span: key_span_before(text, vs.start),
                    value,
                }
            })
            .collect(),
    )
}

/// The elements of an array, or `None` if `raw` is not an array.
pub fn array(raw: &RawValue) -> Option<Vec<&RawValue>> {
    let items: Items<'_> = serde_json::from_str(raw.get()).ok()?;
    Some(items.0)
}

/// A string value, or `None`.
pub fn string(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

/// A boolean value, or `None`.
pub fn boolean(raw: &RawValue) -> Option<bool> {
    serde_json::from_str::<bool>(raw.get()).ok()
}

/// A scalar (string, number, bool) as text, or `None` for objects, arrays and null.
pub fn scalar_text(raw: &RawValue) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The member `key` (exact) of an object's members.
pub fn get<'e, 'a>(entries: &'e [Entry<'a>], key: &str) -> Option<&'e Entry<'a>> {
    entries.iter().find(|e| e.key == key)
}

/// Same length as `text`, with `//` and `/* */` comments and trailing commas blanked out (the
/// leniency of the .NET readers of `global.json` and `dotnet-tools.json`).
pub fn relax(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let mut i = 0;
    let mut last_comma: Option<usize> = None;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                last_comma = None;
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break;
                    }
                    blank_byte(&mut out, i);
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                let end = (i + 2).min(bytes.len());
                for j in start..end {
                    blank_byte(&mut out, j);
                }
                i = end;
                continue;
            }
            b',' => last_comma = Some(i),
            b'}' | b']' => {
                if let Some(c) = last_comma.take() {
                    blank_byte(&mut out, c);
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => last_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes outside strings were replaced by spaces, and a multi-byte character is
    // blanked whole (all of its bytes are inside the comment), so the result is valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn blank_byte(out: &mut [u8], i: usize) {
    if let Some(b) = out.get_mut(i)
        && *b != b'\n'
        && *b != b'\r'
    {
        *b = b' ';
    }
}

/// The span of the quoted key that precedes a member value starting at `value_start`.
fn key_span_before(text: &str, value_start: usize) -> Span {
    let bytes = text.as_bytes();
    let mut i = value_start;
    let skip_ws = |mut i: usize| {
        while i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i -= 1;
        }
        i
    };
    i = skip_ws(i);
    if i == 0 || bytes.get(i - 1) != Some(&b':') {
        return Span::empty(value_start);
    }
    i = skip_ws(i - 1);
    if i == 0 || bytes.get(i - 1) != Some(&b'"') {
        return Span::empty(value_start);
    }
    let end = i;
    let mut j = i - 1;
    while j > 0 {
        j -= 1;
        if bytes.get(j) == Some(&b'"') {
            let mut backslashes = 0;
            while j > backslashes && bytes.get(j - 1 - backslashes) == Some(&b'\\') {
                backslashes += 1;
            }
            if backslashes % 2 == 0 {
                return Span::new(j, end);
            }
        }
    }
    Span::empty(value_start)
}

struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

struct Items<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<&'de RawValue>()? {
                    out.push(v);
                }
                Ok(Items(out))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_have_spans() {
        let text = "{\n  \"a\\\"b\" : {\"x\": \"1\"},\n  \"c\": [1, 2]\n}";
        let root = parse(text).expect("valid");
        let members = object(text, root).expect("object");
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].key, "a\"b");
        assert_eq!(members[0].key_span.slice(text), "\"a\\\"b\"");
        assert_eq!(span(text, members[0].value).slice(text), "{\"x\": \"1\"}");
        let inner = object(text, members[0].value).expect("inner");
        assert_eq!(inner[0].key_span.slice(text), "\"x\"");
        assert_eq!(string(inner[0].value).as_deref(), Some("1"));
        assert_eq!(array(members[1].value).map(|a| a.len()), Some(2));
    }

    #[test]
    fn syntax_errors_are_located() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}";
        let err = parse(text).expect_err("missing colon");
        assert_eq!(LineIndex::new(text).line_of(err.span.start), 2);
        let err = parse("{\"a\": [1,").expect_err("truncated");
        assert!(err.message.starts_with("truncated JSON"), "{}", err.message);
    }

    #[test]
    fn bom_is_skipped_and_offsets_stay_in_the_original() {
        let text = "\u{feff}{\"a\": \"b\"}";
        let root = parse(text).expect("valid");
        let m = object(text, root).expect("object");
        assert_eq!(m[0].key_span.slice(text), "\"a\"");
    }

    #[test]
    fn relax_removes_comments_and_trailing_commas() {
        let text = "{ // c\n \"a\": \"//x\", /* y */ \"b\": [1,2,], }";
        let r = relax(text);
        assert_eq!(r.len(), text.len());
        let v: serde_json::Value = serde_json::from_str(&r).expect("relaxed parses");
        assert_eq!(v["a"], "//x");
    }
}
