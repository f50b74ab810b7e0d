//! `packages.config` (and `packages.<project>.config`): the flat list of installed packages of a
//! non-SDK project. Every listed package is what NuGet restored into `packages\`, transitive ones
//! included, so each is marked direct (declared by the project).

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
