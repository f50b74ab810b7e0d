//! Building the document model from an assembled SBOM and the caller's vulnerability entries.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::iri::iri_escape;
use super::model::{
    Bom, Comp, Dependency, Evidence, ExternalReference, Hash, JsonAdvisory, JsonAffect,
    JsonAffectedVersion, JsonAnalysis, JsonRating, Metadata, Occurrence, Property, Reference,
    Source, Tools, Vuln,
};
use super::{
    AffectedVersionSpec, AnalysisResponse, CycloneDxOptions, Justification, MAX_VERSION_CHARS,
    PROPERTY_PREFIX, RatingSeverity, SERIAL_NAMESPACE, SPEC_VERSION, ScoreMethod, SerialNumber,
    VulnSource, VulnerabilityEntry, format_timestamp, format_uuid,
};
use crate::report::{INFORMATION_URI, TOOL_NAME, to_pretty_json};
use crate::sbom::assemble::{OCI_LABEL_PREFIX, Project, ROOT_REF, Sbom, SbomComponent};
use crate::sbom::model::{ComponentType, Ecosystem, Scope, VersionSpec};

pub(super) fn document(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> Bom {
    let mut bom = Bom {
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: None,
        version: 1,
        metadata: metadata(sbom, opts),
        components: components(sbom),
        dependencies: dependencies(sbom),
        vulnerabilities: opts.vulnerabilities.iter().map(vulnerability).collect(),
    };
    let uuid = match opts.serial {
        SerialNumber::Random(bytes) => format_uuid(bytes, 4),
        SerialNumber::Reproducible => {
            let content = to_pretty_json(&bom);
            let mut h = Sha256::new();
            h.update(SERIAL_NAMESPACE);
            h.update(content.as_bytes());
            let digest = h.finalize();
            let mut bytes = [0u8; 16];
            for (b, d) in bytes.iter_mut().zip(digest.iter()) {
                *b = *d;
            }
            format_uuid(bytes, 8)
        }
    };
    bom.serial_number = Some(format!("urn:uuid:{uuid}"));
    bom
}

pub(super) fn metadata(sbom: &Sbom, opts: &CycloneDxOptions<'_>) -> Metadata {
    let tool = Comp {
        ty: "application",
        group: None,
        name: TOOL_NAME.to_string(),
        version: Some(opts.tool_version.to_string()),
        external_references: vec![ExternalReference {
            url: INFORMATION_URI.to_string(),
            ty: "website",
        }],
        ..Comp::default()
    };
    let root_name = if sbom.root_name.trim().is_empty() {
        "project".to_string()
    } else {
        sbom.root_name.clone()
    };
    let root = Comp {
        ty: "application",
        bom_ref: Some(ROOT_REF.to_string()),
        name: root_name,
        ..Comp::default()
    };
    let mut properties: Vec<Property> = sbom
        .root_properties
        .iter()
        .flat_map(|(k, vs)| {
            vs.iter().map(move |v| Property {
                name: k.clone(),
                value: v.clone(),
            })
        })
        .collect();
    properties.sort();
    Metadata {
        timestamp: format_timestamp(opts.timestamp),
        tools: Tools {
            components: vec![tool],
        },
        component: root,
        properties,
    }
}

pub(super) fn components(sbom: &Sbom) -> Vec<Comp> {
    let mut out: Vec<Comp> = sbom.projects.iter().map(project).collect();
    out.extend(sbom.components.iter().map(component));
    out.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    out
}

pub(super) fn project(p: &Project) -> Comp {
    let mut properties: Vec<Property> = p
        .extractors
        .iter()
        .map(|e| prop("extractor", e))
        .chain(p.metadata.iter().map(|(k, v)| {
            if k.starts_with(OCI_LABEL_PREFIX) || k.starts_with(PROPERTY_PREFIX) {
                Property {
                    name: k.clone(),
                    value: v.clone(),
                }
            } else {
                prop(k, v)
            }
        }))
        .collect();
    properties.sort();
    properties.dedup();
    Comp {
        ty: "application",
        bom_ref: Some(p.bom_ref.clone()),
        name: non_empty(&p.path, "(unnamed manifest)"),
        properties,
        evidence: Some(Evidence {
            occurrences: vec![Occurrence {
                location: p.path.clone(),
                line: None,
            }],
        }),
        ..Comp::default()
    }
}

pub(super) fn prop(name: &str, value: &str) -> Property {
    Property {
        name: format!("{PROPERTY_PREFIX}{name}"),
        value: value.to_string(),
    }
}

pub(super) fn non_empty(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s.to_string()
    }
}

pub(super) fn component_type(t: ComponentType) -> &'static str {
    match t {
        ComponentType::Library => "library",
        ComponentType::Application => "application",
        ComponentType::Framework => "framework",
        ComponentType::Container => "container",
        ComponentType::File => "file",
        ComponentType::Platform => "platform",
    }
}

pub(super) fn ecosystem_name(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::NuGet => "nuget",
        Ecosystem::Cargo => "cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::Go => "go",
        Ecosystem::RubyGems => "rubygems",
        Ecosystem::Debian => "debian",
        Ecosystem::Alpine => "alpine",
        Ecosystem::Rpm => "rpm",
        Ecosystem::Chocolatey => "chocolatey",
        Ecosystem::PowerShellGallery => "powershell-gallery",
        Ecosystem::DotnetSdk => "dotnet-sdk",
        Ecosystem::Container => "container",
        Ecosystem::File => "file",
    }
}

pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

pub(super) fn component(sc: &SbomComponent) -> Comp {
    let c = &sc.component;
    let mut properties = vec![
        prop("ecosystem", ecosystem_name(c.ecosystem)),
        prop("direct", if c.direct { "true" } else { "false" }),
    ];
    let is_image = c.ecosystem == Ecosystem::Container;
    let pinned_by_digest = is_image
        && sc
            .purl
            .as_deref()
            .is_some_and(|p| p.starts_with("pkg:oci/"));
    let version = match &c.version {
        VersionSpec::Exact(v) => Some(v.as_str()),
        // An image tag is the image's version as written.
        VersionSpec::Floating(v) if is_image => Some(v.as_str()),
        VersionSpec::Range(r) | VersionSpec::Floating(r) => {
            properties.push(prop("versionRange", r));
            None
        }
        VersionSpec::Unpinned => None,
    }
    .map(str::trim)
    .filter(|v| !v.is_empty())
    .map(|v| truncate_chars(v, MAX_VERSION_CHARS));
    let pinned = if is_image {
        pinned_by_digest
    } else {
        matches!(c.version, VersionSpec::Exact(_))
    };
    // An extractor that knows better (`unknown` for a version from an unset variable) has
    // its own `pinned` property.
    if !pinned && !sc.properties.contains_key("pinned") {
        properties.push(prop("pinned", "false"));
    }
    for (k, values) in &sc.properties {
        for v in values {
            properties.push(prop(k, v));
        }
    }
    let mut hashes = Vec::new();
    for (alg, content) in &c.hashes {
        match hash(alg, content) {
            Some(h) => hashes.push(h),
            None => properties.push(prop("unrecognizedHash", &format!("{alg}:{content}"))),
        }
    }
    hashes.sort();
    hashes.dedup();
    properties.sort();
    properties.dedup();
    let external_references = c
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| {
            vec![ExternalReference {
                url: iri_escape(u),
                ty: "distribution",
            }]
        })
        .unwrap_or_default();
    let mut occurrences: Vec<Occurrence> = c
        .evidence
        .iter()
        .map(|e| Occurrence {
            location: e.path.clone(),
            line: (e.line > 0).then_some(e.line),
        })
        .collect();
    occurrences.sort();
    occurrences.dedup();
    let name = if c.name.trim().is_empty() {
        crate::sbom::purl::for_component(c)
            .map(|p| p.name().to_string())
            .unwrap_or_else(|| "(unnamed)".to_string())
    } else {
        c.name.clone()
    };
    Comp {
        ty: component_type(c.component_type),
        bom_ref: Some(sc.bom_ref.clone()),
        group: c
            .namespace
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        name,
        version,
        scope: Some(match c.scope {
            Scope::Required => "required",
            Scope::Optional => "optional",
            Scope::Excluded => "excluded",
        }),
        hashes,
        purl: sc.purl.clone(),
        external_references,
        properties,
        evidence: (!occurrences.is_empty()).then_some(Evidence { occurrences }),
    }
}

/// A CycloneDX hash from `(algorithm, hex)`, when the algorithm is known and the content is
/// hex of the right length.
pub(super) fn hash(alg: &str, content: &str) -> Option<Hash> {
    let key: String = alg
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let (name, len) = match key.as_str() {
        "MD5" => ("MD5", 32),
        "SHA1" => ("SHA-1", 40),
        "SHA256" => ("SHA-256", 64),
        "SHA384" => ("SHA-384", 96),
        "SHA512" => ("SHA-512", 128),
        "SHA3256" => ("SHA3-256", 64),
        "SHA3384" => ("SHA3-384", 96),
        "SHA3512" => ("SHA3-512", 128),
        "BLAKE2B256" => ("BLAKE2b-256", 64),
        "BLAKE2B384" => ("BLAKE2b-384", 96),
        "BLAKE2B512" => ("BLAKE2b-512", 128),
        "BLAKE3" => ("BLAKE3", 64),
        _ => return None,
    };
    let content = content.trim();
    (content.len() == len && content.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Hash {
        alg: name,
        content: content.to_ascii_lowercase(),
    })
}

pub(super) fn dependencies(sbom: &Sbom) -> Vec<Dependency> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in &sbom.dependencies {
        deps.entry(from.as_str())
            .or_default()
            .extend(to.iter().map(String::as_str));
    }
    // Every component and project appears, with an empty list when nothing is known.
    deps.entry(ROOT_REF).or_default();
    for p in &sbom.projects {
        deps.entry(p.bom_ref.as_str()).or_default();
    }
    for c in &sbom.components {
        deps.entry(c.bom_ref.as_str()).or_default();
    }
    deps.into_iter()
        .map(|(r, to)| Dependency {
            reference: r.to_string(),
            depends_on: to.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

pub(super) fn source(s: &VulnSource) -> Option<Source> {
    let name = s.name.clone().filter(|n| !n.trim().is_empty());
    let url = s
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(iri_escape);
    (name.is_some() || url.is_some()).then_some(Source { name, url })
}

/// Keeps RFC 3339 date-times (`YYYY-MM-DDTHH:MM:SS` + optional fraction + zone).
pub(super) fn date_time(s: &Option<String>) -> Option<String> {
    let s = s.as_deref()?.trim();
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = frac.get(n..)?;
    }
    let zone_ok = matches!(rest, "Z" | "z")
        || (rest.len() == 6
            && matches!(rest.as_bytes().first(), Some(b'+' | b'-'))
            && rest.as_bytes().get(3) == Some(&b':')
            && rest
                .bytes()
                .enumerate()
                .all(|(i, c)| i == 0 || i == 3 || c.is_ascii_digit()));
    zone_ok.then(|| s.to_string())
}

pub(super) fn vulnerability(v: &VulnerabilityEntry) -> Vuln {
    let mut cwes: Vec<u32> = v.cwes.iter().copied().filter(|c| *c > 0).collect();
    cwes.sort_unstable();
    cwes.dedup();
    let text = |s: &Option<String>| s.clone().filter(|t| !t.trim().is_empty());
    Vuln {
        id: non_empty(&v.id, "(unknown)"),
        source: v.source.as_ref().and_then(source),
        references: v
            .references
            .iter()
            .filter(|r| !r.id.trim().is_empty())
            .map(|r| Reference {
                id: r.id.clone(),
                source: source(&r.source).unwrap_or(Source {
                    name: None,
                    url: None,
                }),
            })
            .collect(),
        ratings: v
            .ratings
            .iter()
            .map(|r| JsonRating {
                source: r.source.as_ref().and_then(source),
                score: r.score.filter(|s| s.is_finite()),
                severity: r.severity.map(RatingSeverity::as_str),
                method: r.method.map(ScoreMethod::as_str),
                vector: text(&r.vector),
            })
            .collect(),
        cwes,
        description: text(&v.description),
        detail: text(&v.detail),
        recommendation: text(&v.recommendation),
        advisories: v
            .advisories
            .iter()
            .filter(|a| !a.url.trim().is_empty())
            .map(|a| JsonAdvisory {
                title: text(&a.title),
                url: iri_escape(a.url.trim()),
            })
            .collect(),
        published: date_time(&v.published),
        updated: date_time(&v.updated),
        analysis: v.analysis.as_ref().map(|a| {
            let mut response: Vec<AnalysisResponse> = a.responses.clone();
            response.sort();
            response.dedup();
            JsonAnalysis {
                state: a.state.as_str(),
                justification: a.justification.map(Justification::as_str),
                response: response.into_iter().map(AnalysisResponse::as_str).collect(),
                detail: text(&a.detail),
            }
        }),
        affects: v
            .affects
            .iter()
            .filter(|a| !a.bom_ref.is_empty())
            .map(|a| JsonAffect {
                reference: a.bom_ref.clone(),
                versions: a
                    .versions
                    .iter()
                    .filter_map(|av| {
                        let (version, range) = match &av.version {
                            AffectedVersionSpec::Version(s) if !s.is_empty() => {
                                (Some(truncate_chars(s, MAX_VERSION_CHARS)), None)
                            }
                            AffectedVersionSpec::Range(s) if !s.is_empty() => {
                                (None, Some(truncate_chars(s, 4096)))
                            }
                            _ => return None,
                        };
                        Some(JsonAffectedVersion {
                            version,
                            range,
                            status: av.status.as_str(),
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}
