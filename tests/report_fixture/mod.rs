//! Hand-built reports for the reporter tests (no parser or rules involved).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use portcullis::engine::{Diagnostic, FileKind, Report, ScannedFile};
use portcullis::finding::{
    FailOn, Finding, Fix, Location, Related, Severity, Suppression, SuppressionKind, fingerprint,
};
use portcullis::lint::{OsScope, RuleMeta};
use portcullis::source::{LineIndex, Span};

pub static PIPE_TO_SHELL: RuleMeta = RuleMeta {
    id: "DF125",
    name: "pipe-to-shell",
    title: "Remote script piped to a shell",
    severity: Severity::Error,
    security_severity: "8.1",
    os: OsScope::Linux,
    tags: &["supply-chain", "security"],
    references: &["CWE-494"],
    peers: &[],
    doc: "---\nid: DF125\nname: pipe-to-shell\ntitle: Remote script piped to a shell\nseverity: error\nsecurity-severity: 8.1\nos: linux\ntags: [supply-chain, security]\n---\n# DF125 Remote script piped to a shell\n\nPiping a downloaded script straight into a shell runs whatever the server\nsends, unverified.\n\n```dockerfile bad lines=2\nFROM alpine\nRUN curl -s https://x/i.sh | sh\n```\n",
};

pub static TLS_OFF: RuleMeta = RuleMeta {
    id: "DF124",
    name: "tls-verification-disabled",
    title: "TLS certificate validation disabled",
    severity: Severity::Error,
    security_severity: "7.4",
    os: OsScope::Both,
    tags: &["heuristic"],
    references: &[],
    peers: &[],
    doc: "---\nid: DF124\n---\n# DF124 TLS certificate validation disabled\n\nDownloads without certificate checks can be tampered with.\n",
};

pub static RELATIVE_WORKDIR: RuleMeta = RuleMeta {
    id: "DF501",
    name: "relative-workdir",
    title: "WORKDIR should be an absolute path",
    severity: Severity::Warning,
    security_severity: "0.0",
    os: OsScope::Both,
    tags: &["maintainability"],
    references: &[],
    peers: &["DL3000"],
    doc: "---\nid: DF501\n---\n# DF501 WORKDIR should be an absolute path\n\nA relative WORKDIR depends on the previous WORKDIR.\n",
};

pub static ENV_SELF_REF: RuleMeta = RuleMeta {
    id: "DF122",
    name: "env-self-reference",
    title: "ENV references a variable set in the same ENV",
    severity: Severity::Note,
    security_severity: "0.0",
    os: OsScope::Both,
    tags: &[],
    references: &[],
    peers: &["DL3044"],
    doc: "---\nid: DF122\n---\n# DF122 ENV self reference\n\nThe value is expanded before the same instruction sets it.\n",
};

pub const SVC: &str = "svc/Dockerfile";
pub const SVC_TEXT: &str = concat!(
    "FROM alpine:3.20\n",
    "WORKDIR app\n",
    "RUN curl -s https://example.com/install.sh | sh\n",
    "ENV A=1 B=$A\n",
    "RUN apk add --no-cache ca-certificates openssl bash coreutils findutils grep sed gawk tar gzip xz && wget --no-check-certificate https://example.com/tool.tgz\n",
);

pub const WIN: &str = "win/Dockerfile.windows";
pub const WIN_TEXT: &str = concat!(
    "# escape=`\r\n",
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\r\n",
    "RUN\tpowershell -Command `\r\n",
    "\t  iwr https://example.com/setup.ps1 -UseBasicParsing | iex; `\r\n",
    "\t  Remove-Item C:\\setup -Recurse\r\n",
);

pub const INTL: &str = "équipe/Dockerfile.😀";
pub const INTL_TEXT: &str =
    "FROM alpine\nLABEL note=\"Zoë — 😀\" ; RUN curl https://e.xample/ü.sh | sh\n";

fn at(path: &str, text: &str, span: Span) -> Location {
    let idx = LineIndex::new(text);
    Location {
        path: path.to_string(),
        span,
        region: idx.region(text, span),
    }
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("fixture needle present");
    Span::new(start, start + needle.len())
}

fn finding(
    rule: &str,
    severity: Severity,
    path: &str,
    text: &str,
    span: Span,
    msg: &str,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity,
        message: msg.to_string(),
        location: at(path, text, span),
        fingerprint: fingerprint(rule, path, span.slice(text), 0),
        related: Vec::new(),
        fix: None,
        suppression: None,
    }
}

/// A report touching every reporter feature: three files (one CRLF with tabs, one with a
/// non-ASCII path), all severities, a multi-line span, a long line, a fix, related locations,
/// both suppression kinds, a rule id without metadata (DF128) and diagnostics.
pub fn sample() -> Report {
    let mut findings = Vec::new();

    let mut wd = finding(
        "DF501",
        Severity::Warning,
        SVC,
        SVC_TEXT,
        span_of(SVC_TEXT, "app"),
        "WORKDIR `app` is relative",
    );
    wd.fix = Some(Fix {
        description: "Make the path absolute".into(),
        span: span_of(SVC_TEXT, "app"),
        replacement: "/app".into(),
    });
    findings.push(wd);

    findings.push(finding(
        "DF125",
        Severity::Error,
        SVC,
        SVC_TEXT,
        span_of(SVC_TEXT, "curl -s https://example.com/install.sh | sh"),
        "script from https://example.com/install.sh is piped into `sh`",
    ));

    let mut env = finding(
        "DF122",
        Severity::Note,
        SVC,
        SVC_TEXT,
        span_of(SVC_TEXT, "$A"),
        "`$A` is expanded before this ENV sets `A`",
    );
    env.suppression = Some(Suppression {
        kind: SuppressionKind::InSource,
        reason: "intended: A is empty here".into(),
    });
    findings.push(env);

    findings.push(finding(
        "DF124",
        Severity::Error,
        SVC,
        SVC_TEXT,
        span_of(SVC_TEXT, "--no-check-certificate"),
        "wget runs with --no-check-certificate",
    ));

    // A whole instruction spanning three CRLF lines, line terminator included.
    let run_start = WIN_TEXT.find("RUN").expect("RUN");
    let mut piped = finding(
        "DF125",
        Severity::Error,
        WIN,
        WIN_TEXT,
        Span::new(run_start, WIN_TEXT.len()),
        "script from https://example.com/setup.ps1 is piped into `iex`",
    );
    piped.related.push(Related {
        message: "stage base image".into(),
        location: at(
            WIN,
            WIN_TEXT,
            span_of(WIN_TEXT, "mcr.microsoft.com/windows/servercore:ltsc2022"),
        ),
    });
    findings.push(piped);

    let mut intl = finding(
        "DF125",
        Severity::Error,
        INTL,
        INTL_TEXT,
        span_of(INTL_TEXT, "curl https://e.xample/ü.sh | sh"),
        "script from https://e.xample/ü.sh is piped into `sh` (Zoë's 😀 test, 100% sure: a,b)",
    );
    intl.suppression = Some(Suppression {
        kind: SuppressionKind::External,
        reason: "vendored installer, reviewed; until 2027-01-31".into(),
    });
    findings.push(intl);

    findings.push(finding(
        "DF128",
        Severity::Warning,
        INTL,
        INTL_TEXT,
        span_of(INTL_TEXT, "LABEL"),
        "suppression of DF501 (next instruction) matched no finding; remove it",
    ));

    let mut sources = BTreeMap::new();
    for (p, t) in [(SVC, SVC_TEXT), (WIN, WIN_TEXT), (INTL, INTL_TEXT)] {
        sources.insert(p.to_string(), Arc::from(t));
    }
    Report {
        tool_version: "0.1.0",
        findings,
        files: [WIN, SVC, INTL]
            .iter()
            .map(|p| ScannedFile {
                path: p.to_string(),
                kind: FileKind::Dockerfile,
            })
            .collect(),
        diagnostics: vec![
            Diagnostic {
                severity: Severity::Warning,
                path: Some(".portcullis.yaml".into()),
                line: Some(7),
                message: "ignore for DF501 expired on 2026-01-01".into(),
            },
            Diagnostic {
                severity: Severity::Error,
                path: None,
                line: None,
                message: "could not read build/Dockerfile: permission denied".into(),
            },
        ],
        rules: vec![&ENV_SELF_REF, &TLS_OFF, &PIPE_TO_SHELL, &RELATIVE_WORKDIR],
        fail_on: FailOn::Error,
        sources,
        sbom: None,
        sca: Default::default(),
    }
}

/// A scan that found nothing in one file.
pub fn empty() -> Report {
    Report {
        tool_version: "0.1.0",
        findings: Vec::new(),
        files: vec![ScannedFile {
            path: "Dockerfile".into(),
            kind: FileKind::Dockerfile,
        }],
        diagnostics: Vec::new(),
        rules: vec![&RELATIVE_WORKDIR, &PIPE_TO_SHELL],
        fail_on: FailOn::Error,
        sources: BTreeMap::new(),
        sbom: None,
        sca: Default::default(),
    }
}

/// `n` findings in one file without sources (regions only), alternating severities; every
/// seventh is suppressed.
pub fn many(n: usize) -> Report {
    let text = "FROM a\n";
    let findings = (0..n)
        .map(|i| {
            let severity = match i % 3 {
                0 => Severity::Note,
                1 => Severity::Warning,
                _ => Severity::Error,
            };
            let mut f = finding(
                "DF501",
                severity,
                "Dockerfile",
                text,
                Span::new(0, 4),
                "many",
            );
            f.fingerprint = format!("{i:032x}");
            if i % 7 == 0 {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::External,
                    reason: "bulk".into(),
                });
            }
            f
        })
        .collect();
    Report {
        tool_version: "0.1.0",
        findings,
        files: vec![ScannedFile {
            path: "Dockerfile".into(),
            kind: FileKind::Dockerfile,
        }],
        diagnostics: Vec::new(),
        rules: vec![&RELATIVE_WORKDIR],
        fail_on: FailOn::Error,
        sources: BTreeMap::new(),
        sbom: None,
        sca: Default::default(),
    }
}
