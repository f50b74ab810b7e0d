//! Findings of a dependency scan: one per (component, advisory), at the component's evidence.
//!
//! * **Location.** A component merged from several files carries several evidence spans. The
//!   finding points at the one a person edits to fix it: a manifest declaration (`.csproj`
//!   `<PackageReference>`, `Directory.Packages.props`, `packages.config`, `requirements.txt`,
//!   `package.json`, a Dockerfile `RUN` line) before a lock-file entry; the others become
//!   related locations.
//! * **Rule id.** The advisory's preferred id (`GHSA-…`, `RUSTSEC-…`, `PYSEC-…`, `MAL-…`), so
//!   code scanning titles alerts by advisory.
//! * **Fingerprint.** Advisory id + path + ecosystem, lowercased name and version spec: stable
//!   across line moves and edits elsewhere in the file.

use std::collections::BTreeMap;

use crate::finding::{Finding, Location, Related, fingerprint};
use crate::sbom::{Evidence, VersionSpec};
use crate::source::{LineIndex, Position, Region, Span};

use super::{ScaMatch, ScaResult};

/// Lock files and restore outputs: evidence there is shown after manifest declarations.
fn is_lock_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    matches!(
        name.as_str(),
        "packages.lock.json"
            | "project.assets.json"
            | "cargo.lock"
            | "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "poetry.lock"
            | "uv.lock"
            | "pipfile.lock"
            | "go.sum"
            | "paket.lock"
    ) || name.ends_with(".deps.json")
}

/// The evidence a finding points at (see the module documentation), then the others.
pub fn primary_evidence(evidence: &[Evidence]) -> (Option<&Evidence>, Vec<&Evidence>) {
    let mut sorted: Vec<&Evidence> = evidence.iter().collect();
    sorted.sort_by(|a, b| {
        (is_lock_file(&a.path), &a.path, a.span.start, a.line).cmp(&(
            is_lock_file(&b.path),
            &b.path,
            b.span.start,
            b.line,
        ))
    });
    sorted.dedup();
    let mut it = sorted.into_iter();
    let first = it.next();
    (first, it.collect())
}

/// The version as shown in messages.
pub fn version_text(v: &VersionSpec) -> String {
    match v {
        VersionSpec::Exact(v) => v.clone(),
        VersionSpec::Range(r) => format!("(range {r})"),
        VersionSpec::Floating(f) => format!("(floating {f})"),
        VersionSpec::Unpinned => "(no version)".to_string(),
    }
}

/// The message of a finding.
pub fn message(m: &ScaMatch) -> String {
    let a = &m.advisory;
    let ids = if a.aliases.is_empty() {
        a.advisory_id.clone()
    } else {
        format!("{} ({})", a.advisory_id, a.aliases.join(", "))
    };
    let who = format!("{} {}", m.package, version_text(&m.version));
    let summary = a
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!(": {}", s.trim_end_matches('.')))
        .unwrap_or_default();
    let mut text = if a.malicious {
        format!(
            "{who} is a malicious package, {ids}{summary}. Remove it, and treat secrets the build or the image could reach as exposed; there is no fixed version"
        )
    } else if let Some(kind) = &a.informational {
        format!("{who}: {kind} advisory {ids}{summary}")
    } else {
        let verb = if a.conservative {
            "may resolve to a version affected by"
        } else {
            "is affected by"
        };
        format!("{who} {verb} {ids}{summary}")
    };
    if !a.malicious {
        match a.fixed.as_slice() {
            [] if a.informational.is_none() => text.push_str(". No fixed version is known"),
            [] => {}
            [one] => text.push_str(&format!(". Upgrade to {one} or later")),
            many => text.push_str(&format!(". Fixed in {}", many.join(", "))),
        }
    }
    if a.conservative {
        text.push_str(&format!(
            ". Matched conservatively: the declared range admits affected versions ({}); pin an exact version or check the lock file",
            a.affected_ranges.join("; ")
        ));
    }
    let severity = match a.severity_score {
        Some(s) => format!("{} {s}", a.severity_label.as_str()),
        None => a.severity_label.as_str().to_string(),
    };
    if !a.malicious && a.informational.is_none() {
        text.push_str(&format!(". Severity: {severity}"));
    }
    text.push_str(&format!(". {}", a.url));
    text
}

fn location(ev: &Evidence, sources: &BTreeMap<String, &str>) -> Location {
    match sources.get(&ev.path) {
        Some(text)
            if ev.span.start <= ev.span.end && text.get(ev.span.start..ev.span.end).is_some() =>
        {
            let idx = LineIndex::new(text);
            Location {
                path: ev.path.clone(),
                span: ev.span,
                region: idx.region(text, ev.span),
            }
        }
        _ => {
            let p = Position {
                line: ev.line.max(1),
                column: 1,
                utf16_column: 0,
            };
            Location {
                path: ev.path.clone(),
                span: ev.span,
                region: Region { start: p, end: p },
            }
        }
    }
}

/// Findings for every match of `result`; `sources` are the scanned files' texts by path (for
/// line and column regions).
pub fn findings(result: &ScaResult, sources: &BTreeMap<String, &str>) -> Vec<Finding> {
    let mut out = Vec::with_capacity(result.matches.len());
    for m in &result.matches {
        let (primary, others) = primary_evidence(&m.evidence);
        let loc = match primary {
            Some(ev) => location(ev, sources),
            None => location(
                &Evidence {
                    path: "(unknown)".to_string(),
                    span: Span::new(0, 0),
                    line: 1,
                },
                sources,
            ),
        };
        let content = format!(
            "{}\u{0}{}\u{0}{}",
            m.ecosystem.purl_type(),
            m.package.to_lowercase(),
            version_text(&m.version)
        );
        let fp = fingerprint(&m.advisory.advisory_id, &loc.path, &content, 0);
        let related = others
            .into_iter()
            .map(|ev| Related {
                message: format!("{} is also declared here", m.package),
                location: location(ev, sources),
            })
            .collect();
        out.push(Finding {
            rule: m.advisory.advisory_id.clone(),
            severity: m.severity,
            message: message(m),
            location: loc,
            fingerprint: fp,
            related,
            fix: None,
            suppression: m.suppression.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(path: &str, start: usize) -> Evidence {
        Evidence {
            path: path.into(),
            span: Span::new(start, start + 1),
            line: 1,
        }
    }

    #[test]
    fn manifests_come_before_lock_files() {
        let e = vec![
            ev("src/App/packages.lock.json", 5),
            ev("src/App/App.csproj", 9),
            ev("Cargo.lock", 1),
        ];
        let (first, rest) = primary_evidence(&e);
        assert_eq!(first.map(|e| e.path.as_str()), Some("src/App/App.csproj"));
        assert_eq!(rest.len(), 2);
        assert_eq!(primary_evidence(&[]).0, None);
    }

    #[test]
    fn versions_in_messages() {
        assert_eq!(version_text(&VersionSpec::Exact("1.0".into())), "1.0");
        assert_eq!(
            version_text(&VersionSpec::Range("[1.0,2.0)".into())),
            "(range [1.0,2.0))"
        );
        assert_eq!(version_text(&VersionSpec::Unpinned), "(no version)");
    }
}
