//! External images: every `FROM` that is not an earlier stage or `scratch`, `COPY --from=<image>`
//! and `RUN --mount=…,from=<image>` (ARGs resolved by [`crate::baseimage::images::collect`]).

use crate::baseimage::images::UseKind;
use crate::sbom::model::{ComponentType, Ecosystem, VersionSpec};

use super::verify::parse_digest;
use super::{Doc, Sink};

pub(super) fn collect(doc: &Doc<'_>, sink: &mut Sink) {
    for u in &doc.lint.images {
        let is_onbuild = doc
            .df
            .instructions
            .get(u.instruction)
            .is_some_and(|i| i.kind == crate::dockerfile::InstructionKind::Onbuild);
        if is_onbuild {
            continue;
        }
        let Some(img) = u.image() else {
            if u.raw.trim().is_empty() {
                continue; // a parse error the linter reports
            }
            let why = match (&u.expanded, &u.reference) {
                (None, _) if !u.unresolved.is_empty() => format!(
                    "image `{}` is not in the SBOM: {} {} no value here (pass it as a build argument to resolve it)",
                    u.raw,
                    u.unresolved.join(", "),
                    if u.unresolved.len() == 1 {
                        "has"
                    } else {
                        "have"
                    }
                ),
                (_, Some(Err(e))) => format!("image `{}` is not in the SBOM: {e}", u.raw),
                _ => format!(
                    "image `{}` is not in the SBOM: it cannot be resolved",
                    u.raw
                ),
            };
            sink.diagnostics.push(doc.note(u.span, why));
            continue;
        };
        let version = match img.tag.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("latest") => VersionSpec::Floating(t.to_string()),
            Some(t) => VersionSpec::Exact(t.to_string()),
            None => VersionSpec::Unpinned,
        };
        let mut c = doc.component(
            Ecosystem::Container,
            ComponentType::Container,
            img.repository.clone(),
            version,
            u.span,
            u.stage,
        );
        c.url = Some(img.normalized());
        if let Some((alg, hex)) = img.digest.as_deref().and_then(parse_digest) {
            c.hashes.push((alg.to_string(), hex));
        }
        let kind = match u.kind {
            UseKind::From => "from",
            UseKind::CopyFrom => "copy-from",
            UseKind::MountFrom => "mount-from",
        };
        c.properties.insert("use".to_string(), kind.to_string());
        c.properties
            .insert("registry".to_string(), img.registry.clone());
        c.properties
            .insert("pinned".to_string(), img.digest.is_some().to_string());
        if u.raw != u.expanded.clone().unwrap_or_default() {
            c.properties.insert("reference".to_string(), u.raw.clone());
        }
        if u.kind == UseKind::From
            && let Some(p) = u
                .stage
                .and_then(|s| doc.model.stages.get(s))
                .and_then(|s| s.platform.clone())
        {
            c.properties.insert("platform".to_string(), p);
        }
        sink.push(c);
    }
}
