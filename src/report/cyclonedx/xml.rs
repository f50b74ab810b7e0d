//! The XML rendering (namespace `http://cyclonedx.org/schema/bom/1.6`), from the same model as JSON.

use super::XML_NAMESPACE;
use super::model::{Bom, Comp, Metadata, Property, Source, Vuln};

/// Minimal indenting XML writer.
pub(super) struct W {
    pub(super) out: String,
    pub(super) depth: usize,
}

impl W {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }
    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push_str("/>\n");
    }
    fn text(&mut self, name: &str, attrs: &[(&str, &str)], value: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
        escape_into(&mut self.out, value, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
    fn opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text(name, &[], v);
        }
    }
    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, v, true);
            self.out.push('"');
        }
    }
}

/// Escapes markup characters; characters XML 1.0 cannot carry become U+FFFD.
pub(super) fn escape_into(out: &mut String, s: &str, attr: bool) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            '\n' if attr => out.push_str("&#xA;"),
            '\t' if attr => out.push_str("&#x9;"),
            '\t' | '\n' => out.push(ch),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

#[cfg(test)]
pub(super) fn escape_for_test(out: &mut String, s: &str, attr: bool) {
    escape_into(out, s, attr);
}

pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

pub(super) fn render(bom: &Bom) -> String {
    let mut w = W {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    let serial = bom.serial_number.clone().unwrap_or_default();
    let version = bom.version.to_string();
    w.open(
        "bom",
        &[
            ("xmlns", XML_NAMESPACE),
            ("serialNumber", &serial),
            ("version", &version),
        ],
    );
    metadata(&mut w, &bom.metadata);
    if !bom.components.is_empty() {
        w.open("components", &[]);
        for c in &bom.components {
            component(&mut w, c);
        }
        w.close("components");
    }
    if !bom.dependencies.is_empty() {
        w.open("dependencies", &[]);
        for d in &bom.dependencies {
            if d.depends_on.is_empty() {
                w.empty("dependency", &[("ref", &d.reference)]);
            } else {
                w.open("dependency", &[("ref", &d.reference)]);
                for to in &d.depends_on {
                    w.empty("dependency", &[("ref", to)]);
                }
                w.close("dependency");
            }
        }
        w.close("dependencies");
    }
    if !bom.vulnerabilities.is_empty() {
        w.open("vulnerabilities", &[]);
        for v in &bom.vulnerabilities {
            vulnerability(&mut w, v);
        }
        w.close("vulnerabilities");
    }
    w.close("bom");
    w.out
}

pub(super) fn metadata(w: &mut W, m: &Metadata) {
    w.open("metadata", &[]);
    w.text("timestamp", &[], &m.timestamp);
    w.open("tools", &[]);
    w.open("components", &[]);
    for t in &m.tools.components {
        component(w, t);
    }
    w.close("components");
    w.close("tools");
    component(w, &m.component);
    properties(w, &m.properties);
    w.close("metadata");
}

pub(super) fn properties(w: &mut W, props: &[Property]) {
    if props.is_empty() {
        return;
    }
    w.open("properties", &[]);
    for p in props {
        w.text("property", &[("name", &p.name)], &p.value);
    }
    w.close("properties");
}

pub(super) fn component(w: &mut W, c: &Comp) {
    let mut attrs: Vec<(&str, &str)> = vec![("type", c.ty)];
    if let Some(r) = &c.bom_ref {
        attrs.push(("bom-ref", r));
    }
    w.open("component", &attrs);
    w.opt("group", c.group.as_deref());
    w.text("name", &[], &c.name);
    w.opt("version", c.version.as_deref());
    w.opt("scope", c.scope);
    if !c.hashes.is_empty() {
        w.open("hashes", &[]);
        for h in &c.hashes {
            w.text("hash", &[("alg", h.alg)], &h.content);
        }
        w.close("hashes");
    }
    w.opt("purl", c.purl.as_deref());
    if !c.external_references.is_empty() {
        w.open("externalReferences", &[]);
        for r in &c.external_references {
            w.open("reference", &[("type", r.ty)]);
            w.text("url", &[], &r.url);
            w.close("reference");
        }
        w.close("externalReferences");
    }
    properties(w, &c.properties);
    if let Some(e) = &c.evidence {
        w.open("evidence", &[]);
        w.open("occurrences", &[]);
        for o in &e.occurrences {
            w.open("occurrence", &[]);
            w.text("location", &[], &o.location);
            if let Some(l) = o.line {
                w.text("line", &[], &l.to_string());
            }
            w.close("occurrence");
        }
        w.close("occurrences");
        w.close("evidence");
    }
    w.close("component");
}

pub(super) fn source(w: &mut W, name: &str, s: &Source) {
    w.open(name, &[]);
    w.opt("name", s.name.as_deref());
    w.opt("url", s.url.as_deref());
    w.close(name);
}

pub(super) fn vulnerability(w: &mut W, v: &Vuln) {
    w.open("vulnerability", &[]);
    w.text("id", &[], &v.id);
    if let Some(s) = &v.source {
        source(w, "source", s);
    }
    if !v.references.is_empty() {
        w.open("references", &[]);
        for r in &v.references {
            w.open("reference", &[]);
            w.text("id", &[], &r.id);
            source(w, "source", &r.source);
            w.close("reference");
        }
        w.close("references");
    }
    if !v.ratings.is_empty() {
        w.open("ratings", &[]);
        for r in &v.ratings {
            w.open("rating", &[]);
            if let Some(s) = &r.source {
                source(w, "source", s);
            }
            if let Some(score) = r.score {
                w.text("score", &[], &decimal(score));
            }
            w.opt("severity", r.severity);
            w.opt("method", r.method);
            w.opt("vector", r.vector.as_deref());
            w.close("rating");
        }
        w.close("ratings");
    }
    if !v.cwes.is_empty() {
        w.open("cwes", &[]);
        for c in &v.cwes {
            w.text("cwe", &[], &c.to_string());
        }
        w.close("cwes");
    }
    w.opt("description", v.description.as_deref());
    w.opt("detail", v.detail.as_deref());
    w.opt("recommendation", v.recommendation.as_deref());
    if !v.advisories.is_empty() {
        w.open("advisories", &[]);
        for a in &v.advisories {
            w.open("advisory", &[]);
            w.opt("title", a.title.as_deref());
            w.text("url", &[], &a.url);
            w.close("advisory");
        }
        w.close("advisories");
    }
    w.opt("published", v.published.as_deref());
    w.opt("updated", v.updated.as_deref());
    if let Some(a) = &v.analysis {
        w.open("analysis", &[]);
        w.text("state", &[], a.state);
        w.opt("justification", a.justification);
        if !a.response.is_empty() {
            w.open("responses", &[]);
            for r in &a.response {
                w.text("response", &[], r);
            }
            w.close("responses");
        }
        w.opt("detail", a.detail.as_deref());
        w.close("analysis");
    }
    if !v.affects.is_empty() {
        w.open("affects", &[]);
        for a in &v.affects {
            w.open("target", &[]);
            w.text("ref", &[], &a.reference);
            if !a.versions.is_empty() {
                w.open("versions", &[]);
                for av in &a.versions {
                    w.open("version", &[]);
                    w.opt("version", av.version.as_deref());
                    w.opt("range", av.range.as_deref());
                    w.text("status", &[], av.status);
                    w.close("version");
                }
                w.close("versions");
            }
            w.close("target");
        }
        w.close("affects");
    }
    w.close("vulnerability");
}

/// `xs:decimal` text of a finite score (no exponent).
pub(super) fn decimal(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('e') || s.contains('E') {
        format!("{x:.6}")
    } else {
        s
    }
}
