//! The distribution release a stage's base image names, for the `distro` purl qualifier of the
//! packages apt, apk and dnf/yum/microdnf/zypper install in that stage
//! (`pkg:deb/debian/curl?distro=debian-12`).
//!
//! Only what the image reference itself tells counts, so nothing is guessed:
//! - distribution images by their version or code name: `debian:12`, `debian:bookworm-slim`,
//!   `ubuntu:22.04`, `ubuntu:jammy-20240911`, `alpine:3.20.3`, `fedora:40`, `rockylinux:9`,
//!   `almalinux:9`, `amazonlinux:2023`, `oraclelinux:9`, `centos:7`, UBI (`ubi9/ubi-minimal`),
//!   Azure Linux and CBL-Mariner base images;
//! - any other image whose tag or name names the release: `python:3.12-slim-bookworm`,
//!   `node:22-alpine3.20`, `mcr.microsoft.com/dotnet/aspnet:8.0-jammy`,
//!   `nvidia/cuda:12.4.1-runtime-ubuntu22.04`, `…:8.0-cbl-mariner2.0`,
//!   `gcr.io/distroless/base-debian12`.
//!
//! Moving names (`debian:stable`, `ubuntu:rolling`, `alpine:edge`, `latest`), a bare family
//! (`nginx:alpine`, whose Alpine release is not in the tag), digests without a tag and tags that
//! name two different releases give nothing.

use crate::sbom::model::Ecosystem;
use crate::sbom::purl::ImageParts;

/// Debian code names and their release numbers.
const DEBIAN: &[(&str, &str)] = &[
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// Ubuntu code names and their release numbers.
const UBUNTU: &[(&str, &str)] = &[
    ("trusty", "14.04"),
    ("xenial", "16.04"),
    ("bionic", "18.04"),
    ("focal", "20.04"),
    ("jammy", "22.04"),
    ("kinetic", "22.10"),
    ("lunar", "23.04"),
    ("mantic", "23.10"),
    ("noble", "24.04"),
    ("oracular", "24.10"),
    ("plucky", "25.04"),
    ("questing", "25.10"),
];

/// The `distro` qualifier value for packages of `ecosystem` installed on `image` (a resolved
/// reference such as `python:3.12-slim-bookworm`), when the reference tells the release and
/// the release's package format is that ecosystem's.
pub(super) fn for_packages(image: &str, ecosystem: Ecosystem) -> Option<String> {
    let d = of_image(image)?;
    (family(&d) == Some(ecosystem)).then_some(d)
}

/// The package ecosystem of a distro value.
fn family(distro: &str) -> Option<Ecosystem> {
    let id = distro.split('-').next().unwrap_or("");
    match id {
        "debian" | "ubuntu" => Some(Ecosystem::Debian),
        "alpine" => Some(Ecosystem::Alpine),
        "fedora" | "rhel" | "rocky" | "almalinux" | "amzn" | "ol" | "centos" | "azurelinux"
        | "mariner" => Some(Ecosystem::Rpm),
        _ => None,
    }
}

/// The release an image reference names (`debian-12`, `ubuntu-22.04`, `alpine-3.20`, …).
pub(super) fn of_image(image: &str) -> Option<String> {
    let img = ImageParts::parse(image)?;
    let tag = img.tag.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    let repo = img.repository.to_ascii_lowercase();
    let segments: Vec<&str> = repo.split('/').collect();
    let last = segments.last().copied().unwrap_or("");
    let first_token = tag.split(['-', '_']).next().unwrap_or("");

    // Distribution images: the tag's first part is the release.
    let by_repo = match last {
        "debian" => debian_number(first_token).map(|n| format!("debian-{n}")),
        "ubuntu" => ubuntu_number(first_token).map(|n| format!("ubuntu-{n}")),
        "alpine" => major_minor(first_token).map(|v| format!("alpine-{v}")),
        "fedora" => number(first_token).map(|n| format!("fedora-{n}")),
        "rockylinux" => major(first_token).map(|n| format!("rocky-{n}")),
        "almalinux" => major(first_token).map(|n| format!("almalinux-{n}")),
        "amazonlinux" => major(first_token).map(|n| format!("amzn-{n}")),
        "oraclelinux" => major(first_token).map(|n| format!("ol-{n}")),
        "centos" => major(first_token).map(|n| format!("centos-{n}")),
        _ => None,
    };
    if by_repo.is_some() {
        return by_repo;
    }
    // Microsoft's and Red Hat's base images name the release in the path.
    if segments.contains(&"azurelinux") {
        return major_minor(first_token).map(|v| format!("azurelinux-{v}"));
    }
    if segments.contains(&"cbl-mariner") {
        return major_minor(first_token).map(|v| format!("mariner-{v}"));
    }
    if let Some(n) = segments
        .iter()
        .flat_map(|s| s.split('-'))
        .find_map(|t| t.strip_prefix("ubi").and_then(number))
    {
        return Some(format!("rhel-{n}"));
    }

    // Any image: a part of the tag or of the image's name that names a release
    // (`python:3.12-slim-bookworm`, `distroless/base-debian12`). Two different releases: unknown.
    let mut found: Option<String> = None;
    for token in tag.split(['-', '_']).chain(last.split(['-', '_'])) {
        let Some(d) = release_token(token) else {
            continue;
        };
        match &found {
            Some(f) if *f != d => return None,
            _ => found = Some(d),
        }
    }
    found
}

/// Reads the version part of a release name.
type VersionParser = fn(&str) -> Option<String>;

/// A tag part that names a release: a code name, or a family with its version glued on
/// (`alpine3.20`, `ubuntu22.04`, `debian12`, `mariner2.0`, `azurelinux3.0`, `ubi9`).
fn release_token(token: &str) -> Option<String> {
    if let Some((_, n)) = DEBIAN.iter().find(|(name, _)| *name == token) {
        return Some(format!("debian-{n}"));
    }
    if let Some((_, n)) = UBUNTU.iter().find(|(name, _)| *name == token) {
        return Some(format!("ubuntu-{n}"));
    }
    let glued: [(&str, VersionParser, &str); 6] = [
        ("alpine", major_minor, "alpine"),
        ("ubuntu", ubuntu_number, "ubuntu"),
        ("debian", debian_number, "debian"),
        ("mariner", major_minor, "mariner"),
        ("azurelinux", major_minor, "azurelinux"),
        ("ubi", number, "rhel"),
    ];
    glued.iter().find_map(|(prefix, parse, id)| {
        token
            .strip_prefix(prefix)
            .and_then(parse)
            .map(|v| format!("{id}-{v}"))
    })
}

/// A whole number.
fn number(s: &str) -> Option<String> {
    (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let t = s.trim_start_matches('0');
        if t.is_empty() { "0" } else { t }.to_string()
    })
}

/// `9`, `9.4`, `9.4.1` → `9`.
fn major(s: &str) -> Option<String> {
    let mut parts = s.split('.');
    let m = number(parts.next()?)?;
    parts.all(|p| number(p).is_some()).then_some(m)
}

/// `3.20`, `3.20.3` → `3.20`; a bare `3` names no release.
fn major_minor(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() < 2 || parts.iter().any(|p| number(p).is_none()) {
        return None;
    }
    Some(format!(
        "{}.{}",
        number(parts.first()?)?,
        number(parts.get(1)?)?
    ))
}

/// Debian by number (`12`, `12.7`; the release is the major number) or code name.
fn debian_number(s: &str) -> Option<String> {
    if let Some((_, n)) = DEBIAN.iter().find(|(name, _)| *name == s) {
        return Some((*n).to_string());
    }
    major(s)
}

/// Ubuntu by number (`22.04`, `22.04.4` → `22.04`) or code name.
fn ubuntu_number(s: &str) -> Option<String> {
    if let Some((_, n)) = UBUNTU.iter().find(|(name, _)| *name == s) {
        return Some((*n).to_string());
    }
    let parts: Vec<&str> = s.split('.').collect();
    let year = parts
        .first()
        .filter(|p| p.len() == 2 && number(p).is_some())?;
    let month = parts
        .get(1)
        .filter(|p| p.len() == 2 && number(p).is_some())?;
    parts
        .get(2..)
        .unwrap_or_default()
        .iter()
        .all(|p| number(p).is_some())
        .then(|| format!("{year}.{month}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(image: &str) -> Option<String> {
        of_image(image)
    }

    #[test]
    fn distribution_images_by_number_and_code_name() {
        for (image, want) in [
            ("debian:12", "debian-12"),
            ("debian:12.7-slim", "debian-12"),
            ("debian:bookworm", "debian-12"),
            ("debian:bookworm-20240904-slim", "debian-12"),
            ("docker.io/library/debian:bullseye-backports", "debian-11"),
            ("public.ecr.aws/docker/library/debian:trixie", "debian-13"),
            ("ubuntu:22.04", "ubuntu-22.04"),
            ("ubuntu:jammy", "ubuntu-22.04"),
            ("ubuntu:noble-20240904.1", "ubuntu-24.04"),
            (
                "mcr.microsoft.com/mirror/docker/library/ubuntu:20.04",
                "ubuntu-20.04",
            ),
            ("alpine:3.20", "alpine-3.20"),
            ("alpine:3.20.3", "alpine-3.20"),
            (
                "alpine:3.9@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                "alpine-3.9",
            ),
            ("fedora:40", "fedora-40"),
            ("rockylinux:9.3-minimal", "rocky-9"),
            ("almalinux:9", "almalinux-9"),
            ("amazonlinux:2023", "amzn-2023"),
            ("oraclelinux:9-slim", "ol-9"),
            ("centos:7", "centos-7"),
            ("registry.access.redhat.com/ubi9/ubi-minimal:9.4", "rhel-9"),
            ("redhat/ubi8-minimal:latest", "rhel-8"),
            ("redhat/ubi9", "rhel-9"),
            (
                "mcr.microsoft.com/azurelinux/base/core:3.0",
                "azurelinux-3.0",
            ),
            ("mcr.microsoft.com/cbl-mariner/base/core:2.0", "mariner-2.0"),
        ] {
            assert_eq!(of(image).as_deref(), Some(want), "{image}");
        }
    }

    #[test]
    fn release_in_the_tag_of_any_image() {
        for (image, want) in [
            ("python:3.12-slim-bookworm", "debian-12"),
            ("node:22-bookworm", "debian-12"),
            ("node:22-alpine3.20", "alpine-3.20"),
            ("golang:1.23-alpine3.21", "alpine-3.21"),
            ("mcr.microsoft.com/dotnet/aspnet:8.0-jammy", "ubuntu-22.04"),
            ("mcr.microsoft.com/dotnet/sdk:9.0-noble", "ubuntu-24.04"),
            (
                "mcr.microsoft.com/dotnet/runtime-deps:8.0-bookworm-slim",
                "debian-12",
            ),
            (
                "mcr.microsoft.com/dotnet/runtime-deps:8.0-cbl-mariner2.0",
                "mariner-2.0",
            ),
            (
                "mcr.microsoft.com/dotnet/aspnet:9.0-azurelinux3.0",
                "azurelinux-3.0",
            ),
            ("nvidia/cuda:12.4.1-runtime-ubuntu22.04", "ubuntu-22.04"),
            ("nvidia/cuda:12.4.1-base-ubi9", "rhel-9"),
            ("gcr.io/distroless/base-debian12:nonroot", "debian-12"),
            ("eclipse-temurin:21-jre-jammy", "ubuntu-22.04"),
        ] {
            assert_eq!(of(image).as_deref(), Some(want), "{image}");
        }
    }

    #[test]
    fn nothing_when_the_reference_does_not_tell() {
        for image in [
            "debian",
            "debian:latest",
            "debian:stable-slim",
            "debian:sid",
            "ubuntu:rolling",
            "ubuntu:latest",
            "ubuntu:2204",
            "alpine:3",
            "alpine:edge",
            "nginx:alpine",
            "nginx:1.27",
            "python:3.12-slim",
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "example.com/tool:bookworm-jammy",
            "centos:stream9",
            "",
        ] {
            assert_eq!(of(image), None, "{image}");
        }
    }

    #[test]
    fn only_for_the_matching_package_format() {
        assert_eq!(
            for_packages("debian:12", Ecosystem::Debian).as_deref(),
            Some("debian-12")
        );
        assert_eq!(
            for_packages("ubuntu:jammy", Ecosystem::Debian).as_deref(),
            Some("ubuntu-22.04")
        );
        assert_eq!(for_packages("debian:12", Ecosystem::Alpine), None);
        assert_eq!(for_packages("alpine:3.20", Ecosystem::Debian), None);
        assert_eq!(
            for_packages("alpine:3.20", Ecosystem::Alpine).as_deref(),
            Some("alpine-3.20")
        );
        assert_eq!(
            for_packages("fedora:40", Ecosystem::Rpm).as_deref(),
            Some("fedora-40")
        );
        assert_eq!(for_packages("fedora:40", Ecosystem::Debian), None);
        assert_eq!(for_packages("python:3.12-slim", Ecosystem::Debian), None);
    }
}
