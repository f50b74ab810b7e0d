//! A safe XML reader for manifests (MSBuild projects, `packages.config`, nuspec…).
//!
//! Built on `roxmltree` with DTDs disallowed, so no entity is ever declared, expanded or
//! fetched: external entities (XXE) and entity-expansion bombs cannot do anything. A document
//! that carries a `<!DOCTYPE …>` is read the way MSBuild reads one (it ignores the DTD): the
//! declaration is blanked out (byte offsets stay the same) and the rest is parsed; any reference
//! to an entity the DTD would have declared is then an error. The result is an owned element
//! tree with byte spans into the original text, bounded in depth.

use crate::source::{LineIndex, Span};

/// Elements nested deeper than this are dropped (with a warning); manifests are shallow.
pub const MAX_DEPTH: usize = 128;
/// Upper bound on nodes in one document.
pub const MAX_NODES: u32 = 2_000_000;

/// An XML attribute with the spans of the whole attribute and of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Local name (namespace prefix dropped).
    pub name: String,
    /// Value with entities and character references resolved.
    pub value: String,
    /// `name="value"`.
    pub span: Span,
    /// The value between the quotes.
    pub value_span: Span,
}

/// An XML element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name (namespace prefix dropped).
    pub name: String,
    /// From `<` of the start tag to `>` of the end tag (or of `/>`).
    pub span: Span,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    /// Concatenated text and CDATA directly inside this element.
    pub text: String,
    /// Span of the first text node directly inside this element, if any.
    pub text_span: Option<Span>,
}

impl Element {
    /// The attribute named `name` (ASCII case-insensitive, as MSBuild treats metadata names).
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// Value of the attribute named `name` (case-insensitive).
    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    /// Child elements named `name` (case-insensitive).
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }

    /// The first child element named `name` (case-insensitive).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Whether this element's name is `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Something wrong with a document, located in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlIssue {
    pub span: Span,
    pub message: String,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlDocument {
    pub root: Element,
    /// Things that were ignored (a DOCTYPE, too-deep elements).
    pub warnings: Vec<XmlIssue>,
}

/// Parses `text` without ever processing a DTD.
pub fn parse(text: &str) -> Result<XmlDocument, XmlIssue> {
    let mut warnings = Vec::new();
    match parse_inner(text, &mut warnings) {
        Err(Some(roxmltree::Error::DtdDetected)) => {
            let Some(dtd) = find_doctype(text) else {
                return Err(XmlIssue {
                    span: Span::empty(0),
                    message: "malformed DOCTYPE declaration (DTDs are not processed)".into(),
                });
            };
            warnings.push(XmlIssue {
                span: dtd,
                message: "DOCTYPE declaration ignored: DTDs and entity declarations are never \
                          processed"
                    .into(),
            });
            let blanked = blank(text, dtd);
            match parse_inner(&blanked, &mut warnings) {
                Ok(root) => Ok(XmlDocument { root, warnings }),
                Err(e) => Err(issue(text, e)),
            }
        }
        Ok(root) => Ok(XmlDocument { root, warnings }),
        Err(e) => Err(issue(text, e)),
    }
}

fn issue(text: &str, e: Option<roxmltree::Error>) -> XmlIssue {
    let Some(e) = e else {
        return XmlIssue {
            span: Span::empty(0),
            message: "document has no root element".into(),
        };
    };
    let at_end = matches!(
        e,
        roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream
    );
    let offset = if at_end {
        text.len()
    } else {
        let pos = e.pos();
        offset_of(text, pos.row as usize, pos.col as usize)
    };
    let message = match &e {
        roxmltree::Error::UnknownEntityReference(name, _) => format!(
            "reference to undeclared entity &{name}; (entities are never expanded: DTDs are not \
             processed)"
        ),
        roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
            "unexpected end of document (truncated XML?)".to_string()
        }
        roxmltree::Error::NodesLimitReached => "document is too large".to_string(),
        other => format!("invalid XML: {other}"),
    };
    XmlIssue {
        span: Span::empty(offset),
        message,
    }
}

/// Byte offset of a 1-based row and 1-based column counted in characters.
fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let start = LineIndex::new(text).line_start(row.max(1));
    for (n, (i, c)) in (1..).zip(text.get(start..).unwrap_or("").char_indices()) {
        if n >= col || c == '\n' {
            return start + i;
        }
    }
    text.len()
}

/// `Err(None)` means roxmltree produced no document without an error (should not happen).
fn parse_inner(
    text: &str,
    warnings: &mut Vec<XmlIssue>,
) -> Result<Element, Option<roxmltree::Error>> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(Some)?;
    let root = doc.root_element();
    Ok(convert(root, warnings))
}

/// Converts a roxmltree element into an owned tree, iteratively, dropping anything deeper than
/// [`MAX_DEPTH`].
fn convert(root: roxmltree::Node<'_, '_>, warnings: &mut Vec<XmlIssue>) -> Element {
    // Stack of (node, element being built); children are appended when a frame is finished.
    let mut stack: Vec<(
        roxmltree::Node<'_, '_>,
        Element,
        Vec<roxmltree::Node<'_, '_>>,
    )> = Vec::new();
    let start = shallow(root);
    let kids: Vec<_> = root.children().collect();
    stack.push((root, start, kids.into_iter().rev().collect()));
    let mut warned = false;
    loop {
        let Some(top) = stack.last_mut() else {
            return Element::default();
        };
        match top.2.pop() {
            Some(child) if child.is_element() => {
                if stack.len() >= MAX_DEPTH {
                    if !warned {
                        warned = true;
                        let r = child.range();
                        warnings.push(XmlIssue {
                            span: Span::new(r.start, r.end),
                            message: format!(
                                "elements nested deeper than {MAX_DEPTH} levels are ignored"
                            ),
                        });
                    }
                    continue;
                }
                let el = shallow(child);
                let kids: Vec<_> = child.children().collect();
                stack.push((child, el, kids.into_iter().rev().collect()));
            }
            Some(child) if child.is_text() => {
                let r = child.range();
                let (_, el, _) = top;
                if el.text_span.is_none() {
                    el.text_span = Some(Span::new(r.start, r.end));
                }
                el.text.push_str(child.text().unwrap_or(""));
            }
            Some(_) => {}
            None => {
                let Some((_, done, _)) = stack.pop() else {
                    return Element::default();
                };
                match stack.last_mut() {
                    Some(parent) => parent.1.children.push(done),
                    None => return done,
                }
            }
        }
    }
}

fn shallow(node: roxmltree::Node<'_, '_>) -> Element {
    let r = node.range();
    Element {
        name: node.tag_name().name().to_string(),
        span: Span::new(r.start, r.end),
        attrs: node
            .attributes()
            .map(|a| {
                let r = a.range();
                let v = a.range_value();
                Attr {
                    name: a.name().to_string(),
                    value: a.value().to_string(),
                    span: Span::new(r.start, r.end),
                    value_span: Span::new(v.start, v.end),
                }
            })
            .collect(),
        children: Vec::new(),
        text: String::new(),
        text_span: None,
    }
}

/// Finds the `<!DOCTYPE …>` declaration (with its internal subset) and returns its span.
fn find_doctype(text: &str) -> Option<Span> {
    let start = text.find("<!DOCTYPE")?;
    let bytes = text.as_bytes();
    let mut i = start + "<!DOCTYPE".len();
    let mut in_subset = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' => {
                let close = bytes.get(i + 1..)?.iter().position(|&c| c == b)?;
                i += close + 2;
                continue;
            }
            b'<' if in_subset && bytes.get(i..i + 4) == Some(b"<!--") => {
                let rest = text.get(i + 4..)?;
                let close = rest.find("-->")?;
                i += 4 + close + 3;
                continue;
            }
            b'[' if !in_subset => in_subset = true,
            b']' if in_subset => in_subset = false,
            b'>' if !in_subset => return Some(Span::new(start, i + 1)),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `text` with the bytes under `span` replaced by spaces (newlines kept), same byte length.
fn blank(text: &str, span: Span) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if span.contains(i) {
            if c == '\n' || c == '\r' {
                out.push(c);
            } else {
                for _ in 0..c.len_utf8() {
                    out.push(' ');
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_elements_attributes_and_text() {
        let text = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"A\"><Version>1.0</Version></PackageReference>\n  </ItemGroup>\n</Project>";
        let doc = parse(text).expect("valid");
        assert_eq!(doc.root.name, "Project");
        let pr = doc.root.children[0].children[0].clone();
        assert_eq!(pr.attr_value("include"), Some("A"));
        let v = pr.child("version").expect("version");
        assert_eq!(v.text, "1.0");
        assert_eq!(v.text_span.map(|s| s.slice(text)), Some("1.0"));
        assert!(pr.span.slice(text).starts_with("<PackageReference"));
        assert_eq!(pr.attrs[0].value_span.slice(text), "A");
    }

    #[test]
    fn namespaces_are_dropped_from_names() {
        let text = r#"<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><ItemGroup/></Project>"#;
        let doc = parse(text).expect("valid");
        assert_eq!(doc.root.children[0].name, "ItemGroup");
    }

    #[test]
    fn external_entity_is_never_resolved() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<p>&x;</p>";
        let err = parse(text).expect_err("undeclared entity");
        assert!(err.message.contains("&x;"), "{}", err.message);
        assert_eq!(err.span.start, text.find("&x;").expect("ref"));
    }

    #[test]
    fn doctype_without_entities_is_ignored_with_a_warning() {
        let text =
            "<!DOCTYPE Project [ <!-- ] > --> <!ENTITY a \"]>\"> ]>\n<Project><A/></Project>";
        let doc = parse(text).expect("parsed without the DTD");
        assert_eq!(doc.root.children.len(), 1);
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(doc.warnings[0].span.start, 0);
    }

    #[test]
    fn truncated_document_points_at_the_end() {
        let text = "<Project>\n  <ItemGroup>\n";
        let err = parse(text).expect_err("truncated");
        assert_eq!(err.span.start, text.len());
    }

    #[test]
    fn error_position_is_a_byte_offset() {
        let text = "<a>\n  é<b></a>";
        let err = parse(text).expect_err("mismatched");
        assert!(text.is_char_boundary(err.span.start));
        assert!(err.span.start > 4);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 10_000;
        let text = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let doc = parse(&text).expect("valid");
        let mut d = 1;
        let mut e = &doc.root;
        while let Some(c) = e.children.first() {
            d += 1;
            e = c;
        }
        assert_eq!(d, MAX_DEPTH);
        assert_eq!(doc.warnings.len(), 1);
    }
}
