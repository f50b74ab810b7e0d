//! `packages.config` (and `packages.<project>.config`): the flat list of installed packages of a
//! non-SDK project. Every listed package is what NuGet restored into `packages\`, transitive ones
//! included, so each is marked direct (declared by the project).

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, file_name};
use crate::sbom::model::{Extracted, Scope, VersionSpec};
use crate::source::SourceFile;

use super::{Builder, apply_resolved, ends_with_ci, load_xml, nuget};

pub fn wants(path: &str) -> bool {
    let name = file_name(path);
    name.eq_ignore_ascii_case("packages.config")
        || (name.len() > "packages..config".len()
            && name
                .get(..9)
                .is_some_and(|p| p.eq_ignore_ascii_case("packages."))
            && ends_with_ci(name, ".config"))
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    let Some(doc) = load_xml(&mut b, file) else {
        return b.finish();
    };
    if !doc.root.is("packages") {
        b.diag(
            file,
            Severity::Warning,
            doc.root.span,
            format!(
                "expected <packages> as the root element, found <{}>",
                doc.root.name
            ),
        );
        return b.finish();
    }
    for el in doc.root.children_named("package") {
        let Some(id) = el.attr_value("id").map(str::trim).filter(|s| !s.is_empty()) else {
            b.diag(
                file,
                Severity::Warning,
                el.span,
                "<package> without an id is ignored",
            );
            continue;
        };
        let mut c = nuget(id, VersionSpec::Unpinned);
        match el.attr("version") {
            Some(v) if !v.value.trim().is_empty() => {
                apply_resolved(&mut b, file, v.value_span, &v.value, &mut c);
            }
            _ => b.diag(
                file,
                Severity::Warning,
                el.span,
                format!("{id}: no version; the installed version is unknown"),
            ),
        }
        c.direct = true;
        if let Some(tf) = el
            .attr_value("targetFramework")
            .filter(|s| !s.trim().is_empty())
        {
            c.properties
                .insert("targetFramework".into(), tf.trim().to_string());
        }
        if el
            .attr_value("developmentDependency")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        {
            c.scope = Scope::Optional;
            c.properties
                .insert("developmentDependency".into(), "true".into());
        }
        if let Some(av) = el
            .attr_value("allowedVersions")
            .filter(|s| !s.trim().is_empty())
        {
            c.properties
                .insert("allowedVersions".into(), av.trim().to_string());
        }
        c.evidence.push(b.evidence(file, el.span));
        let key = b.add(c);
        b.edge(None, key);
    }
    b.finish()
}

/// The packages a `packages.config` lists: lowercase id → normalized versions (a version that
/// does not parse is kept trimmed, as written). `None` when the text is not a `<packages>`
/// document.
pub fn listed(text: &str) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let doc = crate::sbom::xml::parse(text).ok()?;
    if !doc.root.is("packages") {
        return None;
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for el in doc.root.children_named("package") {
        let Some(id) = el.attr_value("id").map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let versions = out.entry(id.to_ascii_lowercase()).or_default();
        if let Some(v) = el
            .attr_value("version")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            versions.insert(super::version::normalize(v).unwrap_or_else(|_| v.to_string()));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_ids_are_lowercase_and_versions_normalized() {
        let text = r#"<packages>
  <package id="Newtonsoft.Json" version="12.0.3.0" />
  <package id="Owin" version="1.0" />
  <package id="NoVersion" />
  <package version="1.0" />
</packages>"#;
        let l = listed(text).expect("a packages document");
        assert_eq!(l["newtonsoft.json"], BTreeSet::from(["12.0.3".to_string()]));
        assert_eq!(l["owin"], BTreeSet::from(["1.0.0".to_string()]));
        assert!(l["noversion"].is_empty());
        assert_eq!(l.len(), 3);
        assert_eq!(listed("<Project />"), None);
        assert_eq!(listed("<packages"), None);
    }
}
