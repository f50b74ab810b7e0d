//! `portcullis images`: every external image a set of Dockerfiles pulls, with stage, OS,
//! policy verdict, lifecycle state and (with `--resolve`) digest and signature.

use serde::Serialize;

use super::images::{self, UseKind};
use super::lifecycle::{self, Support};
use super::policy::Verdict;
use super::resolved::{Resolutions, Signature};
use crate::config::Config;
use crate::dockerfile::stages::{self, Os, StageOptions};
use crate::dockerfile::{self};
use crate::engine::{FileKind, classify};
use crate::source::{Date, SourceFile};

/// One external image reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRow {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Stage name, or its index when unnamed.
    pub stage: Option<String>,
    pub os: Os,
    #[serde(rename = "use")]
    pub kind: UseKind,
    /// As written in the Dockerfile.
    pub raw: String,
    /// Normalized reference (`docker.io/library/node:22`), when it resolves and parses.
    pub reference: Option<String>,
    /// `allowed`, `denied`, `not-allowed`, `unresolved` (ARG without value) or `invalid`.
    pub verdict: String,
    /// Why: the matching policy entry and its reason, the parse error, or the missing ARG.
    pub reason: Option<String>,
    /// Lifecycle notes (deprecated repository, Windows / .NET support state).
    pub lifecycle: Vec<String>,
    pub digest: Option<String>,
    /// `signed (cosign)`, `unsigned`, `not checked`; `None` without `--resolve`.
    pub signature: Option<String>,
}

/// Lists the external images of every Dockerfile in `files`, in path and position order.
pub fn inventory(
    files: &[SourceFile],
    config: &Config,
    forced_dockerfiles: &[String],
    resolved: &Resolutions,
    today: Date,
) -> Vec<ImageRow> {
    let mut rows = Vec::new();
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for file in sorted {
        let is_df =
            forced_dockerfiles.contains(&file.path) || classify(&file.path) == FileKind::Dockerfile;
        if !is_df || config.is_excluded(&file.path) {
            continue;
        }
        let df = dockerfile::parse(&file.text);
        let model = stages::analyze(
            &df,
            &StageOptions {
                target: config.target.clone(),
                build_args: config.build_args.clone(),
            },
        );
        for u in images::collect(&df, &model, &config.build_args) {
            let pos = df.lines.position(&file.text, u.span.start);
            let stage = u.stage.and_then(|s| model.stages.get(s));
            let (reference, verdict, reason) = match &u.reference {
                None => (
                    None,
                    "unresolved".to_string(),
                    Some(format!("no value for ARG {}", u.unresolved.join(", "))),
                ),
                Some(Err(e)) => (None, "invalid".to_string(), Some(e.to_string())),
                Some(Ok(img)) => {
                    let (v, r) = match config.images.verdict(img) {
                        Verdict::Allowed(p) => (
                            "allowed",
                            Some(pattern_reason(&p.describe(), p.reason.as_deref())),
                        ),
                        Verdict::Denied(p) => (
                            "denied",
                            Some(pattern_reason(&p.describe(), p.reason.as_deref())),
                        ),
                        Verdict::NotAllowed => ("not-allowed", None),
                    };
                    (Some(img.normalized()), v.to_string(), r)
                }
            };
            let mut notes = Vec::new();
            let (mut digest, mut signature) = (None, None);
            if let Some(img) = u.image() {
                if let Ok(data) = lifecycle::data() {
                    if let Some(d) = data.deprecated(img) {
                        notes.push(format!("deprecated repository; use {}", d.replacement));
                    }
                    if let Some(line) = img
                        .tag
                        .as_deref()
                        .and_then(|t| data.windows_line_for_tag(t))
                        && (stage.is_some_and(|s| s.os == Os::Windows) || data.is_windows_base(img))
                    {
                        notes.push(match line.support_on(today) {
                            Support::Mainstream => format!(
                                "Windows {} (build {}): mainstream support until {}",
                                line.name, line.build, line.mainstream_end
                            ),
                            Support::Extended => format!(
                                "Windows {} (build {}): extended support only, until {}",
                                line.name, line.build, line.extended_end
                            ),
                            Support::Ended => format!(
                                "Windows {} (build {}): out of support since {}",
                                line.name, line.build, line.extended_end
                            ),
                        });
                    }
                    let dotnet = data.dotnet_release(img).map(|r| (".NET", r)).or_else(|| {
                        data.dotnet_framework_release(img)
                            .map(|r| (".NET Framework", r))
                    });
                    if let Some((product, r)) = dotnet {
                        notes.push(if today > r.end_of_support {
                            format!(
                                "{product} {}: out of support since {}",
                                r.version, r.end_of_support
                            )
                        } else {
                            format!(
                                "{product} {}: supported until {}",
                                r.version, r.end_of_support
                            )
                        });
                    }
                }
                digest = img.digest.clone();
                if let Some(r) = resolved.get(&img.normalized()) {
                    digest = Some(r.digest.clone());
                    signature = Some(match &r.signature {
                        Signature::Signed(kind) => format!("signed ({kind})"),
                        Signature::Unsigned => "unsigned".to_string(),
                        Signature::NotChecked => "not checked".to_string(),
                    });
                }
            }
            rows.push(ImageRow {
                path: file.path.clone(),
                line: pos.line,
                column: pos.column,
                stage: stage.map(|s| s.name.clone().unwrap_or_else(|| s.index.to_string())),
                os: stage.map_or(Os::Unknown, |s| s.os),
                kind: u.kind,
                raw: u.raw.clone(),
                reference,
                verdict,
                reason,
                lifecycle: notes,
                digest,
                signature,
            });
        }
    }
    rows
}

fn pattern_reason(pattern: &str, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("{pattern}: {r}"),
        None => pattern.to_string(),
    }
}

/// A plain-text table of the rows.
pub fn render_text(rows: &[ImageRow]) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("no external images found\n");
        return out;
    }
    for r in rows {
        let stage = r.stage.as_deref().unwrap_or("-");
        let os = match r.os {
            Os::Linux => "linux",
            Os::Windows => "windows",
            Os::Unknown => "unknown",
        };
        let kind = match r.kind {
            UseKind::From => "FROM",
            UseKind::CopyFrom => "COPY --from",
            UseKind::MountFrom => "RUN --mount",
        };
        out.push_str(&format!(
            "{}:{}:{}  {}  stage {}  {}  {}\n",
            r.path,
            r.line,
            r.column,
            kind,
            stage,
            os,
            r.reference.as_deref().unwrap_or(&r.raw)
        ));
        out.push_str(&format!(
            "    verdict: {}{}\n",
            r.verdict,
            r.reason
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
        for n in &r.lifecycle {
            out.push_str(&format!("    lifecycle: {n}\n"));
        }
        if let Some(d) = &r.digest {
            out.push_str(&format!("    digest: {d}\n"));
        }
        if let Some(s) = &r.signature {
            out.push_str(&format!("    signature: {s}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 22).expect("date")
    }

    #[test]
    fn lists_external_images_only_with_args_and_stage_aliases() {
        let text = "ARG BASE=mcr.microsoft.com/dotnet/sdk:10.0-nanoserver-ltsc2025\nARG RUNTIME\nFROM ${BASE} AS build\nFROM build AS test\nRUN echo\nFROM ${RUNTIME} AS final\nCOPY --from=build /app /app\nCOPY --from=randomuser/tools:1 /t /t\nRUN --mount=type=bind,from=alpine:3.20,source=/bin/sh,target=/sh /sh -c true\nFROM scratch\n";
        let files = [SourceFile::new("svc/Dockerfile", text)];
        let rows = inventory(
            &files,
            &Config::default(),
            &[],
            &Resolutions::new(),
            today(),
        );
        let refs: Vec<(&str, Option<&str>, &str)> = rows
            .iter()
            .map(|r| (r.raw.as_str(), r.reference.as_deref(), r.verdict.as_str()))
            .collect();
        assert_eq!(
            refs,
            vec![
                (
                    "${BASE}",
                    Some("mcr.microsoft.com/dotnet/sdk:10.0-nanoserver-ltsc2025"),
                    "allowed"
                ),
                ("${RUNTIME}", None, "unresolved"),
                (
                    "randomuser/tools:1",
                    Some("docker.io/randomuser/tools:1"),
                    "not-allowed"
                ),
                (
                    "alpine:3.20",
                    Some("docker.io/library/alpine:3.20"),
                    "allowed"
                ),
            ]
        );
        assert_eq!(rows[0].stage.as_deref(), Some("build"));
        assert_eq!(rows[0].line, 3);
        assert!(rows[0].lifecycle.iter().any(|n| n.contains(".NET 10.0")));
        assert!(
            rows[1]
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("RUNTIME"))
        );
    }

    #[test]
    fn build_args_resolve_and_resolutions_show() {
        let text = "ARG BASE\nFROM $BASE\n";
        let files = [SourceFile::new("Dockerfile", text)];
        let mut config = Config::default();
        config.build_args.insert(
            "BASE".into(),
            "mcr.microsoft.com/windows/servercore:ltsc2019".into(),
        );
        let mut resolved = Resolutions::new();
        resolved.insert(
            "mcr.microsoft.com/windows/servercore:ltsc2019".into(),
            super::super::resolved::ResolvedImage {
                digest: "sha256:ab".into(),
                signature: Signature::Unsigned,
            },
        );
        let rows = inventory(&files, &config, &[], &resolved, today());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].verdict, "allowed");
        assert_eq!(rows[0].os, Os::Windows);
        assert_eq!(rows[0].digest.as_deref(), Some("sha256:ab"));
        assert_eq!(rows[0].signature.as_deref(), Some("unsigned"));
        assert!(
            rows[0]
                .lifecycle
                .iter()
                .any(|n| n.contains("extended support only"))
        );
        let text = render_text(&rows);
        assert!(text.contains("Dockerfile:2:6  FROM  stage 0  windows  mcr.microsoft.com/windows/servercore:ltsc2019"), "{text}");
    }
}
