//! Throughput benchmark: lints a few hundred generated, realistic Windows and Linux Dockerfiles
//! in one process and prints files/second. Run with `cargo bench --bench lint`.
#![allow(clippy::disallowed_methods)]

use std::time::{Duration, Instant};

use portcullis::config::Config;
use portcullis::engine::{ScanOptions, scan};
use portcullis::{Date, SourceFile};

const WINDOWS_BASES: &[&str] = &[
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "mcr.microsoft.com/dotnet/framework/aspnet:4.8.1-windowsservercore-ltsc2022",
    "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022",
    "mcr.microsoft.com/windows/servercore:ltsc2019",
];
const LINUX_BASES: &[&str] = &[
    "debian:bookworm-slim",
    "python:3.12-slim",
    "alpine:3.20",
    "node:22-bookworm",
    "golang:1.23",
];

fn windows_file(i: usize) -> String {
    let base = WINDOWS_BASES[i % WINDOWS_BASES.len()];
    format!(
        r#"# escape=`
FROM {base} AS build{i}
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ENV TOOL_VERSION=1.{i}.0 TOOL_SHA256=5f2d1c9e0b8a7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d
RUN [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12; `
    Invoke-WebRequest -Uri ('https://downloads.example.com/tool/{{0}}/tool.zip' -f $env:TOOL_VERSION) -OutFile tool.zip; `
    if ((Get-FileHash tool.zip -Algorithm sha256).Hash -ne $env:TOOL_SHA256) {{ Write-Host 'FAILED!'; exit 1 }}; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip -Force
RUN choco install -y git --version 2.47.{i}; `
    Install-Module SqlServer -RequiredVersion 22.3.0 -Force
WORKDIR C:\src
COPY . .
RUN dotnet restore --locked-mode; dotnet publish -c Release -o C:\out

FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022
WORKDIR C:\app
COPY --from=build{i} C:\out .
USER ContainerUser
HEALTHCHECK CMD ["curl.exe", "-fsS", "http://localhost:8080/health"]
ENTRYPOINT ["dotnet", "App{i}.dll"]
"#
    )
}

fn linux_file(i: usize) -> String {
    let base = LINUX_BASES[i % LINUX_BASES.len()];
    format!(
        r#"# syntax=docker/dockerfile:1
ARG BASE={base}
FROM ${{BASE}} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u{i} ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN set -eux; \
    curl -fsSLo /tmp/tool.tgz "https://downloads.example.com/tool-{i}.tgz"; \
    echo "5f2d1c9e0b8a7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d  /tmp/tool.tgz" | sha256sum -c -; \
    tar -xzf /tmp/tool.tgz -C /usr/local/bin; \
    rm /tmp/tool.tgz
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN <<EOF
set -eu
make build VERSION=1.{i}
EOF

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/out/app /app
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/app"]
"#
    )
}

fn main() {
    let n = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(400);
    let files: Vec<SourceFile> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                SourceFile::new(format!("svc{i}/Dockerfile"), windows_file(i))
            } else {
                SourceFile::new(format!("svc{i}/Dockerfile"), linux_file(i))
            }
        })
        .collect();
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let config = Config::default();
    let opts = ScanOptions::new(Date::new(2026, 11, 22).unwrap_or(Date {
        year: 2026,
        month: 11,
        day: 22,
    }));
    // Warm-up, then measure several rounds and keep the best.
    let warm = scan(&files, &config, &opts);
    let mut best = Duration::MAX;
    let rounds = 5;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = scan(&files, &config, &opts);
        best = best.min(t.elapsed());
        assert_eq!(r.findings.len(), warm.findings.len());
    }
    let secs = best.as_secs_f64();
    println!(
        "linted {n} Dockerfiles ({:.1} KiB) in {:.2} ms (best of {rounds}): {:.0} files/s, {:.1} MiB/s, {} findings",
        bytes as f64 / 1024.0,
        secs * 1000.0,
        n as f64 / secs,
        bytes as f64 / secs / 1024.0 / 1024.0,
        warm.findings.len()
    );
}
