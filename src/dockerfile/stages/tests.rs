use super::*;
use crate::dockerfile::parse;

fn model(text: &str) -> (Dockerfile, StageModel) {
    let df = parse(text);
    let m = analyze(&df, &StageOptions::default());
    (df, m)
}

fn with_opts(text: &str, target: Option<&str>, args: &[(&str, &str)]) -> StageModel {
    let df = parse(text);
    let opts = StageOptions {
        target: target.map(str::to_string),
        build_args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    analyze(&df, &opts)
}

fn os(m: &StageModel) -> Vec<(Os, OsEvidence)> {
    m.stages.iter().map(|s| (s.os, s.os_evidence)).collect()
}

fn shell_of(df: &Dockerfile, m: &StageModel, nth_run: usize) -> Shell {
    let idx = df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == InstructionKind::Run)
        .nth(nth_run)
        .map(|(i, _)| i)
        .expect("RUN");
    m.shell_at[idx].clone()
}

const WINDOWS_MULTI: &str = r#"# escape=`
ARG WIN_TAG=ltsc2022
ARG SDK=mcr.microsoft.com/dotnet/framework/sdk:4.8.1-windowsservercore-${WIN_TAG}

FROM ${SDK} AS Build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
WORKDIR C:\src
COPY . .
RUN nuget restore; msbuild /p:Configuration=Release

FROM build AS test
RUN dotnet test

FROM mcr.microsoft.com/windows/nanoserver:${WIN_TAG}
COPY --from=build C:\src\bin C:\app
USER ContainerUser
RUN dir C:\app
CMD ["C:\\app\\app.exe"]
"#;

#[test]
fn windows_multi_stage() {
    let (df, m) = model(WINDOWS_MULTI);
    assert_eq!(m.stages.len(), 3);
    assert_eq!(
        m.global_args,
        [
            GlobalArg {
                name: "WIN_TAG".into(),
                default: Some("ltsc2022".into()),
                instruction: 0
            },
            GlobalArg {
                name: "SDK".into(),
                default: Some(
                    "mcr.microsoft.com/dotnet/framework/sdk:4.8.1-windowsservercore-ltsc2022"
                        .into()
                ),
                instruction: 1,
            },
        ]
    );
    let b = &m.stages[0];
    assert_eq!(b.name.as_deref(), Some("build"));
    assert_eq!(b.base_raw, "${SDK}");
    assert_eq!(
        b.base.as_deref(),
        Some("mcr.microsoft.com/dotnet/framework/sdk:4.8.1-windowsservercore-ltsc2022")
    );
    assert_eq!(b.name_span.map(|s| s.slice(WINDOWS_MULTI)), Some("Build"));
    assert_eq!(b.base_span.slice(WINDOWS_MULTI), "${SDK}");
    assert_eq!(m.stages[1].parent_stage, Some(0));
    assert_eq!(
        m.stages[2].base.as_deref(),
        Some("mcr.microsoft.com/windows/nanoserver:ltsc2022")
    );
    assert_eq!(
        os(&m),
        [
            (Os::Windows, OsEvidence::BaseImage),
            (Os::Windows, OsEvidence::ParentStage),
            (Os::Windows, OsEvidence::BaseImage)
        ]
    );
    // Stage 0: SHELL powershell with both preferences.
    let sh = shell_of(&df, &m, 0);
    assert_eq!(
        sh.kind,
        ShellKind::PowerShell {
            core: false,
            error_action_stop: true,
            progress_silent: true
        }
    );
    assert_eq!(sh.set_by, Some(3));
    // Stage 1 is FROM build: it inherits the PowerShell shell.
    assert_eq!(shell_of(&df, &m, 1).set_by, Some(3));
    // Stage 2 starts from an image: cmd again.
    let sh = shell_of(&df, &m, 2);
    assert_eq!(
        (sh.kind, sh.argv, sh.set_by),
        (
            ShellKind::Cmd,
            vec!["cmd".into(), "/S".into(), "/C".into()],
            None
        )
    );
    assert_eq!(m.final_stage, Some(2));
    assert!(m.is_final(2));
    assert_eq!(m.reachable_from_final(&df), [true, false, true]);
    assert_eq!(m.stage_of[0], None);
    assert_eq!(m.stage_of[2], Some(0));
    assert_eq!(m.stage_of.last().copied().flatten(), Some(2));
    assert_eq!(m.stage_by_name("BUILD").map(|s| s.index), Some(0));
    assert_eq!(m.stage_by_name("2").map(|s| s.index), Some(2));
    assert!(m.stage_by_name("nope").is_none());
}

const LINUX_MULTI: &str = r#"ARG GO_VERSION=1.22
ARG ALPINE=3.19
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS builder
RUN apk add --no-cache git
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
RUN go build -o /out/app ./cmd/app

FROM builder AS tester
RUN go test ./...

FROM alpine:${ALPINE} AS certs
RUN apk add ca-certificates

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /out/app /app
RUN --mount=type=bind,from=certs,source=/etc/ssl,target=/ssl true
ENTRYPOINT ["/app"]
"#;

#[test]
fn linux_multi_stage() {
    let (df, m) = model(LINUX_MULTI);
    assert_eq!(m.stages.len(), 4);
    assert_eq!(m.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(m.stages[0].base.as_deref(), Some("golang:1.22-alpine"));
    assert_eq!(
        os(&m),
        [
            (Os::Linux, OsEvidence::BaseImage),
            (Os::Linux, OsEvidence::ParentStage),
            (Os::Linux, OsEvidence::BaseImage),
            (Os::Linux, OsEvidence::BaseImage),
        ]
    );
    assert_eq!(
        shell_of(&df, &m, 0).kind,
        ShellKind::Posix {
            program: "/bin/sh".into(),
            pipefail: false
        }
    );
    assert_eq!(
        shell_of(&df, &m, 1).kind,
        ShellKind::Posix {
            program: "/bin/bash".into(),
            pipefail: true
        }
    );
    // tester inherits bash + pipefail from builder.
    assert_eq!(
        shell_of(&df, &m, 2).kind,
        ShellKind::Posix {
            program: "/bin/bash".into(),
            pipefail: true
        }
    );
    // certs starts from an image: default shell again.
    assert_eq!(shell_of(&df, &m, 3).set_by, None);
    // Final stage pulls builder (COPY --from) and certs (RUN --mount from), not tester.
    assert_eq!(m.reachable_from_final(&df), [true, false, true, true]);
    let m2 = with_opts(LINUX_MULTI, Some("Tester"), &[]);
    assert_eq!((m2.final_stage, m2.unknown_target.clone()), (Some(1), None));
    assert_eq!(m2.reachable_from_final(&df), [true, true, false, false]);
    let m3 = with_opts(LINUX_MULTI, Some("release"), &[]);
    assert_eq!(
        (m3.final_stage, m3.unknown_target.as_deref()),
        (Some(3), Some("release"))
    );
}

#[test]
fn build_args_and_unresolved_bases() {
    let text = "ARG BASE\nARG TAG=3.19\nFROM ${BASE}\nFROM alpine:${TAG}\nFROM alpine:$NOPE\nFROM alpine:${NOPE:-3.18}\nFROM ${BASE:?missing}\n";
    let m = with_opts(text, None, &[]);
    let bases: Vec<Option<&str>> = m.stages.iter().map(|s| s.base.as_deref()).collect();
    assert_eq!(
        bases,
        [None, Some("alpine:3.19"), None, Some("alpine:3.18"), None]
    );
    // Unresolved but recognisable: alpine:$NOPE is still Linux.
    assert_eq!(m.stages[2].os, Os::Linux);
    assert_eq!(m.stages[0].os, Os::Unknown);
    let m = with_opts(
        text,
        None,
        &[
            ("BASE", "mcr.microsoft.com/windows/servercore:ltsc2019"),
            ("TAG", "3.20"),
            ("UNDECLARED", "x"),
        ],
    );
    let bases: Vec<Option<&str>> = m.stages.iter().map(|s| s.base.as_deref()).collect();
    assert_eq!(
        bases,
        [
            Some("mcr.microsoft.com/windows/servercore:ltsc2019"),
            Some("alpine:3.20"),
            None,
            Some("alpine:3.18"),
            Some("mcr.microsoft.com/windows/servercore:ltsc2019")
        ]
    );
    assert_eq!(m.stages[0].os, Os::Windows);
    // ARGs declared inside a stage are not global.
    let m = with_opts("FROM alpine\nARG X=1\nFROM img:$X\n", None, &[]);
    assert!(m.global_args.is_empty());
    assert_eq!(m.stages[1].base, None);
}

#[test]
fn stage_parents_resolve_case_insensitively_and_only_backwards() {
    let text = "FROM ubuntu:22.04 AS Base\nFROM BASE\nFROM later\nFROM alpine AS later\nFROM 0\n";
    let m = with_opts(text, None, &[]);
    let parents: Vec<Option<usize>> = m.stages.iter().map(|s| s.parent_stage).collect();
    assert_eq!(
        parents,
        [None, Some(0), None, None, None],
        "numeric FROM and forward names are images"
    );
    // A base that expands to a stage name is that stage.
    let m = with_opts("ARG B=build\nFROM alpine AS build\nFROM ${B}\n", None, &[]);
    assert_eq!(m.stages[1].parent_stage, Some(0));
}

#[test]
fn os_evidence_priority() {
    let cases: &[(&str, Os, OsEvidence)] = &[
        (
            "FROM --platform=windows/amd64 alpine\n",
            Os::Windows,
            OsEvidence::Platform,
        ),
        (
            "FROM --platform=linux/arm64 mcr.microsoft.com/windows/servercore:ltsc2022\n",
            Os::Linux,
            OsEvidence::Platform,
        ),
        (
            "ARG P=windows/amd64\nFROM --platform=$P myimg\n",
            Os::Windows,
            OsEvidence::Platform,
        ),
        (
            "FROM --platform=$TARGETPLATFORM myimg\n",
            Os::Unknown,
            OsEvidence::Default,
        ),
        (
            "FROM microsoft/windowsservercore\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM microsoft/iis:10.0.14393.206\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM mcr.microsoft.com/windows:20H2\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-1809\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM python:3.12-windowsservercore-ltsc2022\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM myregistry.local/base:1809\n",
            Os::Windows,
            OsEvidence::BaseImage,
        ),
        (
            "FROM python:3.12-slim-bookworm\n",
            Os::Linux,
            OsEvidence::BaseImage,
        ),
        (
            "FROM docker.io/library/ubuntu:24.04\n",
            Os::Linux,
            OsEvidence::BaseImage,
        ),
        (
            "FROM registry.access.redhat.com/ubi9/ubi-minimal\n",
            Os::Linux,
            OsEvidence::BaseImage,
        ),
        ("FROM node:20\n", Os::Linux, OsEvidence::BaseImage),
        ("FROM scratch\n", Os::Linux, OsEvidence::BaseImage),
        // Multi-OS official images with plain tags: Linux unless the stage says Windows.
        (
            "FROM python:3.12\nRUN pip install x\n",
            Os::Linux,
            OsEvidence::BaseImage,
        ),
        (
            "FROM python:3.12\nSHELL [\"powershell\", \"-Command\"]\n",
            Os::Windows,
            OsEvidence::Shell,
        ),
        (
            "# escape=`\nFROM mcr.microsoft.com/dotnet/sdk:8.0\n",
            Os::Windows,
            OsEvidence::EscapeDirective,
        ),
        // Unknown images: SHELL, then escape, then Windows paths.
        (
            "FROM corp/base:1\nSHELL [\"cmd\", \"/S\", \"/C\"]\n",
            Os::Windows,
            OsEvidence::Shell,
        ),
        (
            "FROM corp/base:1\nSHELL [\"/bin/bash\", \"-c\"]\n",
            Os::Linux,
            OsEvidence::Shell,
        ),
        (
            "FROM corp/base:1\nSHELL [\"pwsh\", \"-c\"]\n",
            Os::Unknown,
            OsEvidence::Default,
        ),
        (
            "# escape=`\nFROM corp/base:1\n",
            Os::Windows,
            OsEvidence::EscapeDirective,
        ),
        (
            "FROM corp/base:1\nWORKDIR C:/app\n",
            Os::Windows,
            OsEvidence::WindowsPaths,
        ),
        (
            "FROM corp/base:1\nCOPY app C:\\\\app\\\\\n",
            Os::Windows,
            OsEvidence::WindowsPaths,
        ),
        (
            "FROM corp/base:1\nRUN setx /M PATH \"%PATH%;C:\\tools\"\n",
            Os::Windows,
            OsEvidence::WindowsPaths,
        ),
        (
            "FROM corp/base:1\nENV JAVA_HOME=C:\\\\openjdk-17\n",
            Os::Windows,
            OsEvidence::WindowsPaths,
        ),
        (
            "FROM corp/base:1\nRUN sed -i 's:\\(a\\):b:' f\n",
            Os::Unknown,
            OsEvidence::Default,
        ),
        (
            "FROM corp/base:1\nRUN make\n",
            Os::Unknown,
            OsEvidence::Default,
        ),
    ];
    for (text, want_os, want_ev) in cases {
        let (_, m) = model(text);
        let s = m.stages.last().expect("stage");
        assert_eq!((s.os, s.os_evidence), (*want_os, *want_ev), "{text}");
    }
}

#[test]
fn shells_per_instruction() {
    let text = r#"FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base
RUN echo cmd
SHELL ["pwsh", "-NoLogo", "-Command", "$ErrorActionPreference='Stop';"]
RUN Write-Host ps
SHELL ["cmd", "/S", "/C"]
RUN echo back
FROM base
RUN echo inherited
FROM ubuntu
RUN echo sh
SHELL ["/usr/bin/env", "bash", "-c"]
RUN echo other
"#;
    let (df, m) = model(text);
    let kinds: Vec<ShellKind> = (0..5).map(|i| shell_of(&df, &m, i).kind).collect();
    assert_eq!(
        kinds,
        [
            ShellKind::Cmd,
            ShellKind::PowerShell {
                core: true,
                error_action_stop: true,
                progress_silent: false
            },
            ShellKind::Cmd,
            ShellKind::Cmd,
            ShellKind::Posix {
                program: "/bin/sh".into(),
                pipefail: false
            },
        ]
    );
    assert_eq!(
        shell_of(&df, &m, 3).set_by,
        Some(4),
        "FROM base inherits the last SHELL of base"
    );
    assert_eq!(
        shell_of(&df, &m, 5).kind,
        ShellKind::Other {
            program: "/usr/bin/env".into()
        }
    );
    // The SHELL instruction's own slot holds the shell it sets.
    assert_eq!(m.shell_at[2].set_by, Some(2));
    assert_eq!(m.shell_at.len(), df.instructions.len());
}

#[test]
fn classify_shell_variants() {
    let v = |a: &[&str]| classify_shell(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        v(&[
            "powershell",
            "-Command",
            "$ErrorActionPreference = \"Stop\"; $ProgressPreference = 'SilentlyContinue';"
        ]),
        ShellKind::PowerShell {
            core: false,
            error_action_stop: true,
            progress_silent: true
        }
    );
    assert_eq!(
        v(&[
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
            "-command",
            "$erroractionpreference='stop'"
        ]),
        ShellKind::PowerShell {
            core: false,
            error_action_stop: true,
            progress_silent: false
        }
    );
    assert_eq!(
        v(&["pwsh", "-Command", "$ErrorActionPreference = 'Continue'"]),
        ShellKind::PowerShell {
            core: true,
            error_action_stop: false,
            progress_silent: false
        }
    );
    assert_eq!(
        v(&["bash", "-o", "pipefail", "-c"]),
        ShellKind::Posix {
            program: "bash".into(),
            pipefail: true
        }
    );
    assert_eq!(
        v(&["/bin/ash", "-eo", "pipefail", "-c"]),
        ShellKind::Posix {
            program: "/bin/ash".into(),
            pipefail: true
        }
    );
    assert_eq!(
        v(&["/bin/sh", "-c"]),
        ShellKind::Posix {
            program: "/bin/sh".into(),
            pipefail: false
        }
    );
    assert_eq!(v(&["cmd.exe", "/S", "/C"]), ShellKind::Cmd);
    assert_eq!(
        v(&[]),
        ShellKind::Other {
            program: String::new()
        }
    );
}

#[test]
fn degenerate_files() {
    let (_, m) = model("");
    assert!(m.stages.is_empty() && m.final_stage.is_none());
    let (df, m) = model("ARG A=1\nRUN echo no stage\n");
    assert_eq!(m.stage_of, [None, None]);
    assert_eq!(m.global_args.len(), 1);
    assert!(m.reachable_from_final(&df).is_empty());
    let (_, m) = model("FROM\nRUN x\n");
    assert_eq!(m.stages.len(), 1);
    assert_eq!(m.stages[0].base, None);
    // Self-references and cycles through COPY --from terminate.
    let (df, m) = model(
        "FROM a AS x\nCOPY --from=y / /\nFROM b AS y\nCOPY --from=x / /\nCOPY --from=1 / /\n",
    );
    assert_eq!(m.reachable_from_final(&df), [true, true]);
}
