//! Base-image policy and lifecycle through the whole engine: allow / deny / patterns / digest /
//! latest / ARG resolution / stage aliases / COPY --from images, and every lifecycle boundary
//! date checked on both sides.

use portcullis::baseimage::lifecycle;
use portcullis::config::{self, Config};
use portcullis::engine::{ScanOptions, scan};
use portcullis::{Date, Finding, Severity, SourceFile};

fn findings(dockerfile: &str, config: &Config, today: Date) -> Vec<Finding> {
    let files = [
        SourceFile::new("Dockerfile", dockerfile),
        SourceFile::new(".dockerignore", ".git\n"),
    ];
    scan(&files, config, &ScanOptions::new(today)).findings
}

fn ids_at(f: &[Finding], rule: &str) -> Vec<(usize, Severity)> {
    f.iter()
        .filter(|x| x.rule == rule)
        .map(|x| (x.location.region.start.line, x.severity))
        .collect()
}

fn today() -> Date {
    Date::new(2026, 11, 22).expect("date")
}

fn cfg(yaml: &str) -> Config {
    config::parse(".portcullis.yaml", yaml, &[]).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn allow_deny_and_patterns() {
    let c = cfg(
        "images:\n  allow:\n    - registry: \"*.azurecr.io\"\n      repository: \"base/*\"\n  deny:\n    - registry: docker.io\n      repository: library/ubuntu\n      tag: \"1[0-8].*\"\n      reason: EOL\n",
    );
    let df = "FROM contoso.azurecr.io/base/dotnet:10\nFROM contoso.azurecr.io/other/x:1\nFROM ubuntu:18.04\nFROM ubuntu:24.04\nFROM randomuser/tool:1\n";
    let f = findings(df, &c, today());
    let lines: Vec<usize> = ids_at(&f, "DF403").iter().map(|x| x.0).collect();
    assert_eq!(lines, vec![2, 3, 5]);
    let denied = f
        .iter()
        .find(|x| x.rule == "DF403" && x.location.region.start.line == 3)
        .expect("denied");
    assert!(
        denied.message.contains("denied") && denied.message.contains("EOL"),
        "{}",
        denied.message
    );
}

#[test]
fn tags_latest_and_digests() {
    let df = "FROM python\nFROM node:latest\nFROM alpine:3.20\nFROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
    let f = findings(df, &Config::default(), today());
    let lines = |f: &[Finding], rule: &str| ids_at(f, rule).iter().map(|x| x.0).collect::<Vec<_>>();
    assert_eq!(lines(&f, "DF400"), vec![1]);
    assert_eq!(lines(&f, "DF401"), vec![2]);
    // Stages the final image does not depend on are reported one level lower.
    assert_eq!(ids_at(&f, "DF400"), vec![(1, Severity::Note)]);
    let single = findings(
        "FROM python
",
        &Config::default(),
        today(),
    );
    assert_eq!(ids_at(&single, "DF400"), vec![(1, Severity::Warning)]);
    assert!(ids_at(&f, "DF402").is_empty(), "digest pinning is opt-in");
    let c = cfg("images:\n  require-digest: true\n  allow-latest: true\n");
    let f = findings(df, &c, today());
    assert!(ids_at(&f, "DF401").is_empty());
    assert_eq!(
        ids_at(&f, "DF402").iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let c = cfg("images:\n  require-tag: false\n");
    assert!(ids_at(&findings(df, &c, today()), "DF400").is_empty());
    // Untagged Windows base images cannot be pulled at all: error.
    let f = findings(
        "FROM mcr.microsoft.com/windows/servercore\n",
        &Config::default(),
        today(),
    );
    assert_eq!(ids_at(&f, "DF400"), vec![(1, Severity::Error)]);
}

#[test]
fn arg_resolution_and_stage_aliases() {
    let df = "ARG BASE=randomuser/base:1\nARG OTHER\nFROM ${BASE} AS build\nFROM build AS test\nFROM ${OTHER}\nCOPY --from=build /a /a\nCOPY --from=test /b /b\n";
    let f = findings(df, &Config::default(), today());
    // The ARG default is judged; stage aliases are never judged as images.
    assert_eq!(
        ids_at(&f, "DF403").iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![3]
    );
    assert_eq!(
        ids_at(&f, "DF408").iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![5]
    );
    assert!(ids_at(&f, "DF409").is_empty());
    // A build arg overrides the default (like `docker build --build-arg`).
    let mut c = Config::default();
    c.build_args
        .insert("BASE".into(), "mcr.microsoft.com/dotnet/sdk:10.0".into());
    c.build_args.insert("OTHER".into(), "node:22".into());
    let f = findings(df, &c, today());
    assert!(ids_at(&f, "DF403").is_empty(), "{f:#?}");
    assert!(ids_at(&f, "DF408").is_empty());
}

#[test]
fn copy_from_and_mount_from_images() {
    let df = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2025\nCOPY --from=randomuser/tools:1 /t /t\nCOPY --from=mcr.microsoft.com/windows/servercore:ltsc2025 /a /a\nCOPY --from=alpine /x /x\nRUN --mount=type=bind,from=ghcr.io/acme/tool:1,target=/t true\n";
    let f = findings(df, &Config::default(), today());
    assert_eq!(
        ids_at(&f, "DF409").iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![2, 4, 5]
    );
    let untagged = f
        .iter()
        .find(|x| x.rule == "DF409" && x.location.region.start.line == 4)
        .expect("df409");
    assert!(untagged.message.contains("no tag"), "{}", untagged.message);
}

#[test]
fn final_scope_judges_only_the_final_chain() {
    let df = "FROM randomuser/builder:1 AS build\nFROM mcr.microsoft.com/dotnet/aspnet:10.0\nCOPY --from=build /app /app\n";
    assert_eq!(
        ids_at(&findings(df, &Config::default(), today()), "DF403").len(),
        1
    );
    let c = cfg("images:\n  scope: final\n");
    assert!(ids_at(&findings(df, &c, today()), "DF403").is_empty());
}

fn next_day(d: Date) -> Date {
    Date::from_days_since_epoch(d.days_since_epoch() + 1)
}

#[test]
fn every_windows_lifecycle_boundary_on_both_sides() {
    let data = lifecycle::data().expect("embedded data");
    let mut checked = 0;
    for line in &data.windows.lines {
        let tag = &line.tags[0];
        let df = format!("FROM mcr.microsoft.com/windows/servercore:{tag}\n");
        let sev = |day: Date| ids_at(&findings(&df, &Config::default(), day), "DF405");
        if line.mainstream_end < line.extended_end {
            assert!(
                sev(line.mainstream_end).is_empty(),
                "{} on its mainstream end day",
                line.name
            );
            assert_eq!(
                sev(next_day(line.mainstream_end)),
                vec![(1, Severity::Note)],
                "{} day after mainstream end",
                line.name
            );
            assert_eq!(
                sev(line.extended_end),
                vec![(1, Severity::Note)],
                "{} on its extended end day",
                line.name
            );
        } else {
            assert!(
                sev(line.extended_end).is_empty(),
                "{} on its end day",
                line.name
            );
        }
        assert_eq!(
            sev(next_day(line.extended_end)),
            vec![(1, Severity::Warning)],
            "{} day after extended end",
            line.name
        );
        checked += 1;
    }
    assert!(checked >= 10);
}

#[test]
fn every_dotnet_end_of_support_on_both_sides() {
    let data = lifecycle::data().expect("embedded data");
    for r in &data.dotnet.releases {
        let df = format!("FROM mcr.microsoft.com/dotnet/aspnet:{}\n", r.version);
        let hits = |day: Date| ids_at(&findings(&df, &Config::default(), day), "DF412");
        assert!(
            hits(r.end_of_support).is_empty(),
            ".NET {} on its last day",
            r.version
        );
        assert_eq!(
            hits(next_day(r.end_of_support)).len(),
            1,
            ".NET {} the day after",
            r.version
        );
    }
    for r in &data.dotnet_framework.releases {
        let df = format!(
            "FROM mcr.microsoft.com/dotnet/framework/runtime:{}\n",
            r.version
        );
        let hits = |day: Date| ids_at(&findings(&df, &Config::default(), day), "DF412");
        assert!(
            hits(r.end_of_support).is_empty(),
            ".NET Framework {} on its last day",
            r.version
        );
        assert_eq!(
            hits(next_day(r.end_of_support)).len(),
            1,
            ".NET Framework {} the day after",
            r.version
        );
    }
}

#[test]
fn host_compatibility_with_declared_hosts() {
    let df = "FROM mcr.microsoft.com/windows/servercore:ltsc2025 AS a\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS b\nFROM mcr.microsoft.com/windows/servercore:ltsc2019\n";
    let c = cfg("images:\n  windows-hosts: [ltsc2022]\n");
    let f = findings(df, &c, today());
    let hits: Vec<(usize, String)> = f
        .iter()
        .filter(|x| x.rule == "DF411")
        .map(|x| (x.location.region.start.line, x.message.clone()))
        .collect();
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(
        hits[0].0 == 1 && hits[0].1.contains("cannot run it"),
        "{hits:?}"
    );
    assert!(hits[1].0 == 3 && hits[1].1.contains("Hyper-V"), "{hits:?}");
    let c = cfg("images:\n  windows-hosts: [ltsc2025]\n");
    let f = findings(df, &c, today());
    assert_eq!(
        ids_at(&f, "DF411").iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![3]
    );
}

#[test]
fn deprecated_repositories_suggest_the_mcr_replacement() {
    let f = findings(
        "FROM microsoft/windowsservercore:1803\n",
        &Config::default(),
        today(),
    );
    let d = f.iter().find(|x| x.rule == "DF404").expect("DF404");
    assert!(
        d.message.contains("mcr.microsoft.com/windows/servercore"),
        "{}",
        d.message
    );
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(fix.replacement, "mcr.microsoft.com/windows/servercore:1803");
    assert_eq!(ids_at(&f, "DF405"), vec![(1, Severity::Warning)]);
}

#[test]
fn expired_config_ignores_are_reported_and_no_longer_apply() {
    let c = config::parse(
        ".portcullis.yaml",
        "ignore:\n  - rule: DF401\n    reason: migration ticket 42\n    until: 2026-11-21\n",
        &["DF401"],
    )
    .expect("valid config");
    let files = [SourceFile::new("Dockerfile", "FROM node:latest\n")];
    let report = scan(&files, &c, &ScanOptions::new(today()));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "DF401" && !f.is_suppressed())
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("expired"))
        .expect("expiry diagnostic");
    assert_eq!(d.line, Some(2));
    assert!(
        d.message.contains("DF401") && d.message.contains("2026-11-21"),
        "{}",
        d.message
    );
    // On its `until` day it still applies and nothing is reported.
    let report = scan(
        &files,
        &c,
        &ScanOptions::new(Date::new(2026, 11, 21).expect("date")),
    );
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "DF401")
            .all(|f| f.is_suppressed())
    );
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("expired"))
    );
}
