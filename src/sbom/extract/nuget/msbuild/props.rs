//! Properties: definitions, `$(Name)` expansion and why an expression stays unresolved.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Prop {
    Known(String),
    /// Defined, but its value cannot be known statically (why).
    Unknown(String),
}

/// Why an expression could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unresolved {
    /// `$(Name)` is not defined in the evaluated files.
    Undefined(String),
    /// `$(Name)` is defined but unknowable (reason).
    Unknown(String, String),
    /// A property function, item list or metadata reference.
    Expression(String),
}

impl Unresolved {
    pub(super) fn describe(&self) -> String {
        match self {
            Unresolved::Undefined(_) => {
                "it is not defined in the project or the files it imports".to_string()
            }
            Unresolved::Unknown(n, why) => format!("$({n}) {why}"),
            Unresolved::Expression(_) => "property functions, item lists and metadata are not \
                                          evaluated statically"
                .to_string(),
        }
    }
    pub(super) fn name(&self) -> String {
        match self {
            Unresolved::Undefined(n) | Unresolved::Unknown(n, _) => format!("$({n})"),
            Unresolved::Expression(e) => e.clone(),
        }
    }
}

#[derive(Default)]
pub(super) struct Props {
    pub(super) map: BTreeMap<String, Prop>,
}

impl Props {
    pub(super) fn get(&self, name: &str) -> Option<&Prop> {
        self.map.get(&name.to_ascii_lowercase())
    }
    pub(super) fn set(&mut self, name: &str, p: Prop) {
        self.map.insert(name.to_ascii_lowercase(), p);
    }
    pub(super) fn is_true(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Prop::Known(v)) if v.trim().eq_ignore_ascii_case("true"))
    }

    /// Expands `$(Name)` references. `this_dir` is the directory of the file the text is in
    /// (for `$(MSBuildThisFileDirectory)`).
    pub(super) fn expand(&self, s: &str, this_dir: &str) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(['$', '@', '%']) {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            let sigil = tail.chars().next().unwrap_or('$');
            let after = tail.get(1..).unwrap_or("");
            if !after.starts_with('(') {
                out.push(sigil);
                rest = after;
                continue;
            }
            let Some(close) = matching_paren(tail, 1) else {
                return Err(Unresolved::Expression(tail.to_string()));
            };
            let expr = tail.get(..=close).unwrap_or(tail);
            let inner = tail.get(2..close).unwrap_or("");
            rest = tail.get(close + 1..).unwrap_or("");
            if sigil != '$' {
                return Err(Unresolved::Expression(expr.to_string()));
            }
            let name = inner.trim();
            if !is_identifier(name) {
                return Err(Unresolved::Expression(expr.to_string()));
            }
            if name.eq_ignore_ascii_case("MSBuildThisFileDirectory") {
                out.push_str(this_dir);
                if !this_dir.is_empty() {
                    out.push('/');
                }
                continue;
            }
            match self.get(name) {
                Some(Prop::Known(v)) => out.push_str(v),
                Some(Prop::Unknown(why)) => {
                    return Err(Unresolved::Unknown(name.to_string(), why.clone()));
                }
                None => return Err(Unresolved::Undefined(name.to_string())),
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Index of the `)` matching the `(` at byte `open` of `s`.
pub(super) fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(open) {
        match (quote, b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"' | b'`') if depth > 0 => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// MSBuild's `%XX` escapes (`%3B` = `;`, `%24` = `$`).
pub(super) fn unescape(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(h) = bytes.get(i + 1..i + 3)
            && let Ok(hs) = std::str::from_utf8(h)
            && let Ok(v) = u8::from_str_radix(hs, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
