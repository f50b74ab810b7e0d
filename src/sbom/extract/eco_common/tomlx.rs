use toml::de::{DeTable, DeValue};

use crate::source::Span;

pub type Table<'i> = DeTable<'i>;
pub type Value<'i> = DeValue<'i>;
pub type Spanned<T> = toml::Spanned<T>;

/// Parses a TOML document. Errors carry a byte span when toml knows one.
pub fn parse(text: &str) -> Result<Spanned<Table<'_>>, (Option<Span>, String)> {
    let base = super::bom_len(text);
    let body = text.get(base..).unwrap_or("");
    DeTable::parse(body).map_err(|e| {
        let span = e
            .span()
            .map(|r| Span::new(r.start + base, r.end.max(r.start) + base));
        (span, e.message().trim().to_string())
    })
}

pub fn span<T>(s: &Spanned<T>, base: usize) -> Span {
    let r = s.span();
    Span::new(r.start + base, r.end.max(r.start) + base)
}

pub fn get<'a, 'i>(t: &'a Table<'i>, key: &str) -> Option<&'a Spanned<Value<'i>>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

pub fn key_span(t: &Table<'_>, key: &str, base: usize) -> Option<Span> {
    t.iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, _)| span(k, base))
}

pub fn str_of<'a>(v: &'a Value<'_>) -> Option<&'a str> {
    match v {
        DeValue::String(s) => Some(s),
        _ => None,
    }
}

pub fn get_str<'a>(t: &'a Table<'_>, key: &str) -> Option<&'a str> {
    get(t, key).and_then(|v| str_of(v.get_ref()))
}

pub fn get_table<'a, 'i>(t: &'a Table<'i>, key: &str) -> Option<&'a Table<'i>> {
    match get(t, key).map(Spanned::get_ref) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    }
}

pub fn get_array<'a, 'i>(t: &'a Table<'i>, key: &str) -> &'a [Spanned<Value<'i>>] {
    match get(t, key).map(Spanned::get_ref) {
        Some(DeValue::Array(a)) => &a[..],
        _ => &[],
    }
}

pub fn get_bool(t: &Table<'_>, key: &str) -> Option<bool> {
    match get(t, key).map(Spanned::get_ref) {
        Some(DeValue::Boolean(b)) => Some(*b),
        _ => None,
    }
}

pub fn as_table<'a, 'i>(v: &'a Spanned<Value<'i>>) -> Option<&'a Table<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The byte span covered by a table's keys and values (for `[[package]]` entries, whose own
/// span is only their header).
pub fn extent(t: &Table<'_>, base: usize) -> Option<Span> {
    let mut out: Option<Span> = None;
    for (k, v) in t.iter() {
        let s = span(k, base).cover(span(v, base));
        out = Some(out.map_or(s, |o| o.cover(s)));
    }
    out
}
