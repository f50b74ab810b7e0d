//! Rule metadata and rule documents (`rules/<ID>.md`: YAML front matter + Markdown body with
//! `bad` / `good` Dockerfile examples).

use serde::{Deserialize, Serialize};

use crate::finding::Severity;

/// Which stages a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OsScope {
    Linux,
    Windows,
    Both,
}

/// Static metadata of a rule, generated from its document by `cargo xtask generate`.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub id: &'static str,
    /// kebab-case name, e.g. `relative-workdir`.
    pub name: &'static str,
    /// One-line title (SARIF shortDescription).
    pub title: &'static str,
    pub severity: Severity,
    /// CVSS-like 0.0–10.0 score as a string (SARIF `security-severity`); "0.0" = not a security rule.
    pub security_severity: &'static str,
    pub os: OsScope,
    pub tags: &'static [&'static str],
    pub references: &'static [&'static str],
    /// Nearest rules of other tools (hadolint DLxxxx, Trivy DS-xxxx, Checkov CKV_...).
    pub peers: &'static [&'static str],
    /// The whole rule document (front matter included).
    #[serde(skip)]
    pub doc: &'static str,
}

impl RuleMeta {
    /// The Markdown body without the front matter.
    pub fn body(&self) -> &'static str {
        split_front_matter(self.doc)
            .map_or(self.doc, |(_, b)| b)
            .trim_start()
    }

    /// First paragraph of the body after the `#` heading (SARIF fullDescription).
    pub fn summary(&self) -> String {
        summary_of(self.body())
    }

    /// Whether this is a security rule (score > 0).
    pub fn is_security(&self) -> bool {
        self.security_severity
            .parse::<f64>()
            .map(|s| s > 0.0)
            .unwrap_or(false)
    }

    /// Link to the rule's documentation.
    pub fn help_uri(&self) -> String {
        format!("{}/{}.md", RULE_DOCS_BASE, self.id)
    }
}

/// Where rule documents are published (the `rules/` folder of the repository).
pub const RULE_DOCS_BASE: &str = "https://github.com/portcullis-sec/portcullis/blob/main/rules";

/// Front matter of a rule document, as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    pub security_severity: f64,
    pub os: OsScope,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub peers: Vec<String>,
}

/// An example Dockerfile from a rule document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// `true` for a `bad` example (the rule must fire), `false` for `good` (it must not).
    pub bad: bool,
    /// 1-based lines (in the example) where the rule must fire; from `lines=3,5` in the fence.
    /// A bad example without `lines=` must fire somewhere.
    pub lines: Vec<usize>,
    /// Extra `key=value` attributes of the fence (e.g. `dockerignore=false`, `path=x.Dockerfile`).
    pub attrs: Vec<(String, String)>,
    pub code: String,
    /// 1-based line of the fence in the document.
    pub doc_line: usize,
}

/// A parsed rule document.
#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub front: FrontMatter,
    pub body: String,
    pub examples: Vec<Example>,
}

/// Splits `---\n<yaml>\n---\n<body>`.
pub fn split_front_matter(doc: &str) -> Option<(&str, &str)> {
    let rest = doc
        .strip_prefix("---\n")
        .or_else(|| doc.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---\n").or_else(|| rest.find("\n---\r\n"))?;
    let yaml = &rest[..end + 1];
    let after = &rest[end + 1..];
    let body = after.split_once('\n').map_or("", |(_, b)| b);
    Some((yaml, body))
}

fn summary_of(body: &str) -> String {
    let mut para = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with('#') && para.is_empty() {
            continue;
        }
        if t.is_empty() {
            if para.is_empty() {
                continue;
            }
            break;
        }
        if t.starts_with("```") {
            break;
        }
        para.push(t);
    }
    para.join(" ")
}

/// Parses a rule document: front matter, body and fenced examples (```` ```dockerfile bad lines=2 ````).
pub fn parse_rule_doc(doc: &str) -> Result<RuleDoc, String> {
    let (yaml, body) = split_front_matter(doc).ok_or("missing `---` front matter")?;
    let front: FrontMatter =
        serde_saphyr::from_str(yaml).map_err(|e| format!("front matter: {e}"))?;
    let body_offset_lines = doc[..doc.len() - body.len()].lines().count();
    let mut examples = Vec::new();
    let mut lines = body.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let t = line.trim_start();
        let Some(info) = t.strip_prefix("```dockerfile") else {
            continue;
        };
        let mut parts = info.split_whitespace();
        let kind = parts.next().unwrap_or("");
        let bad = match kind {
            "bad" => true,
            "good" => false,
            _ => continue,
        };
        let mut ex_lines = Vec::new();
        let mut attrs = Vec::new();
        for p in parts {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| format!("bad fence attribute `{p}`"))?;
            if k == "lines" {
                for n in v.split(',') {
                    ex_lines.push(n.parse().map_err(|_| format!("bad line number `{n}`"))?);
                }
            } else {
                attrs.push((k.to_string(), v.to_string()));
            }
        }
        let mut code = String::new();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                closed = true;
                break;
            }
            code.push_str(l);
            code.push('\n');
        }
        if !closed {
            return Err(format!("unclosed example fence at body line {}", i + 1));
        }
        examples.push(Example {
            bad,
            lines: ex_lines,
            attrs,
            code,
            doc_line: body_offset_lines + i + 1,
        });
    }
    Ok(RuleDoc {
        front,
        body: body.to_string(),
        examples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_doc() {
        let doc = "---\nid: DF999\nname: x-y\ntitle: T\nseverity: warning\nsecurity-severity: 2.5\nos: windows\ntags: [security]\n---\n# DF999 T\n\nFirst para\ncontinues.\n\n```dockerfile bad lines=2\nFROM a\nRUN b\n```\n\n```dockerfile good dockerignore=true\nFROM a\n```\n";
        let d = parse_rule_doc(doc).unwrap();
        assert_eq!(d.front.id, "DF999");
        assert_eq!(d.front.os, OsScope::Windows);
        assert_eq!(d.examples.len(), 2);
        assert!(d.examples[0].bad);
        assert_eq!(d.examples[0].lines, vec![2]);
        assert_eq!(d.examples[0].code, "FROM a\nRUN b\n");
        assert_eq!(
            d.examples[1].attrs,
            vec![("dockerignore".into(), "true".into())]
        );
        assert_eq!(summary_of(&d.body), "First para continues.");
    }
}
