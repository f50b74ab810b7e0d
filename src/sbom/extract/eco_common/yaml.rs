use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::source::{LineIndex, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte span of the node (for mappings and sequences only the start is meaningful).
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    /// A scalar: the decoded string for strings, the text as written for numbers/booleans.
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    /// Byte span of the key as written (quotes included).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            Kind::Map(m) => m,
            _ => &[],
        }
    }
    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_true(&self) -> bool {
        self.as_str() == Some("true")
    }
    #[cfg(test)]
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(s) => s,
            _ => &[],
        }
    }
}

/// Parses one YAML document.
pub fn parse(text: &str) -> Result<Node, Error> {
    let raw = match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options()) {
        Ok(r) => r,
        Err(e) => {
            let loc = e.location();
            let message = innermost(&e).to_string();
            let message = message.lines().next().unwrap_or("").to_string();
            return Err(Error {
                line: loc.map_or(1, |l| usize::try_from(l.line()).unwrap_or(1)),
                column: loc.map_or(1, |l| usize::try_from(l.column()).unwrap_or(1)),
                message,
            });
        }
    };
    let index = LineIndex::new(text);
    // Recursion is bounded by the parser's depth budget.
    Ok(convert(raw, text, &index))
}

fn innermost(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    let mut e = e;
    for _ in 0..8 {
        match e {
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => e = error,
            _ => break,
        }
    }
    e
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_recorded_anchor_events: 50_000,
            max_recorded_anchor_bytes: 1024 * 1024,
            // Lock files nest about eight levels; each level costs several deserializer
            // frames, so the bound stays small enough for a 1 MiB wasm stack.
            max_depth: 24,
            max_documents: 2,
            max_nodes: 20_000_000,
            max_total_scalar_bytes: 1024 * 1024 * 1024,
            max_merge_keys: 100,
            max_inclusion_depth: 0,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 50_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
    }
}

fn span_of(loc: &serde_saphyr::Location, text: &str, index: &LineIndex) -> Span {
    let sp = loc.span();
    match (sp.byte_offset(), sp.byte_len()) {
        (Some(o), Some(l)) => {
            let s = usize::try_from(o).unwrap_or(usize::MAX).min(text.len());
            let e = usize::try_from(o.saturating_add(l))
                .unwrap_or(usize::MAX)
                .min(text.len());
            Span::new(s, e.max(s))
        }
        _ => {
            let line = usize::try_from(loc.line()).unwrap_or(1);
            let col = usize::try_from(loc.column()).unwrap_or(1);
            Span::empty(super::offset_of(text, index, line, col))
        }
    }
}

fn convert(raw: Spanned<Raw>, text: &str, index: &LineIndex) -> Node {
    let span = span_of(&raw.referenced, text, index);
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Str(s) => Kind::Scalar(s),
        Raw::Other(fallback) => {
            let written = span.slice(text).trim();
            if written.is_empty() || written.contains(['\n', '#']) {
                Kind::Scalar(fallback)
            } else {
                Kind::Scalar(written.to_string())
            }
        }
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|i| convert(i, text, index)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        span: span_of(&k.referenced, text, index),
                        text: k.value,
                    };
                    (key, convert(v, text, index))
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

/// What serde-saphyr hands over, before spans are turned into byte ranges.
enum Raw {
    Null,
    Str(String),
    /// A number or boolean: the text is taken from the source span when possible.
    Other(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Other(v.to_string()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
                Ok(Raw::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw, E> {
                Ok(Raw::Str(s))
            }
            fn visit_bytes<E>(self, b: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Str(String::from_utf8_lossy(b).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_entry()? {
                    v.push(x);
                }
                Ok(Raw::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}
