//! DF521: package manager caches left in a layer of the shipped image.
//!
//! Per RUN and package manager, at the first command that creates the cache:
//! * apt: `apt-get update` / `apt update` without removing `/var/lib/apt/lists` in the same RUN
//!   (a cache mount on `/var/lib/apt` or `/var/lib/apt/lists`, or `apt-get dist-clean`, also keeps
//!   the lists out).
//!   Downloaded `.deb`s are removed automatically by the Debian/Ubuntu images' docker-clean
//!   configuration, so `apt-get clean` alone is neither required nor sufficient.
//! * apk: `apk add|update|upgrade` without `--no-cache`, unless the RUN removes `/var/cache/apk`
//!   or mounts a cache there.
//! * pip: `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set (ENV in the
//!   stage or in the RUN), a cache mount covers `/root/.cache[/pip]`, or the RUN runs
//!   `pip cache purge` / removes `.cache/pip`.
//! * Chocolatey (Windows, deliberately conservative): `choco install|upgrade` of packages when
//!   the RUN neither runs `choco cache remove`, removes anything under TEMP or a chocolatey
//!   directory, nor sets `--cache-location`.
//!
//! Only stages whose layers end up in the final image (the final stage and the stages it is built
//! `FROM`) are checked: caches in builder stages that are only copied from never ship.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Family, Invocation, cache_mount_covers, choco, env_set_at, invocation, pip_install,
    pkg_command, script_shipped, shipped_stages,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let shipped = shipped_stages(cx);
    for s in cx.run_scripts() {
        if !script_shipped(&shipped, s) {
            continue;
        }
        let invs: Vec<Invocation<'_>> = s.script.commands.iter().filter_map(invocation).collect();
        let facts = Facts {
            apt_lists_mounted: cache_mount_covers(s.inst, "/var/lib/apt/lists"),
            apk_cache_mounted: cache_mount_covers(s.inst, "/var/cache/apk")
                || cache_mount_covers(s.inst, "/etc/apk/cache"),
            pip_cache_off: cache_mount_covers(s.inst, "/root/.cache/pip")
                || s.text.text.contains("PIP_NO_CACHE_DIR")
                || env_set_at(cx, s.instruction, "PIP_NO_CACHE_DIR"),
        };
        for (range, msg) in inspect(&invs, &facts) {
            out.emit(s.span(range), msg);
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Facts {
    apt_lists_mounted: bool,
    apk_cache_mounted: bool,
    pip_cache_off: bool,
}

fn removed_paths(invs: &[Invocation<'_>]) -> Vec<String> {
    invs.iter()
        .filter(|i| {
            matches!(
                i.name().as_str(),
                "rm" | "remove-item" | "ri" | "del" | "erase" | "rd" | "rmdir"
            )
        })
        .flat_map(|i| {
            i.args
                .iter()
                .map(|w| w.text.replace('\\', "/").to_ascii_lowercase())
        })
        .collect()
}

fn inspect(invs: &[Invocation<'_>], facts: &Facts) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let removed = removed_paths(invs);
    let removes = |pred: &dyn Fn(&str) -> bool| {
        removed
            .iter()
            .any(|p| pred(p.trim_matches(|c| c == '"' || c == '\'')))
    };

    // apt
    // `apt-get dist-clean` (apt 2.7+, Debian trixie) removes the lists too.
    let apt_clean = facts.apt_lists_mounted
        || removes(&|p| {
            p.starts_with("/var/lib/apt/lists") || p == "/var/lib/apt" || p == "/var/lib/apt/"
        })
        || invs.iter().filter_map(pkg_command).any(|p| {
            p.family == Family::Apt && matches!(p.sub.as_str(), "dist-clean" | "distclean")
        });
    if !apt_clean
        && let Some(p) = invs
            .iter()
            .filter_map(pkg_command)
            .find(|p| p.family == Family::Apt && p.sub == "update")
    {
        out.push((
            p.sub_word.range.clone(),
            format!(
                "`{} update` leaves the package lists (/var/lib/apt/lists, tens of MB) in this layer: end the same RUN with `rm -rf /var/lib/apt/lists/*`",
                p.tool
            ),
        ));
    }

    // apk
    let apk_clean = facts.apk_cache_mounted || removes(&|p| p.starts_with("/var/cache/apk"));
    if !apk_clean
        && let Some(p) = invs.iter().filter_map(pkg_command).find(|p| {
            p.family == Family::Apk
                && matches!(p.sub.as_str(), "add" | "update" | "upgrade")
                // `--no-network` fetches no index, so there is nothing to cache.
                && !p.args.has(&["no-cache", "no-network"])
        })
    {
        out.push((
            p.sub_word.range.clone(),
            format!("`apk {}` without --no-cache leaves the package index in /var/cache/apk in this layer: use `apk add --no-cache …`", p.sub_word.text),
        ));
    }

    // pip
    let pip_purged = invs.iter().any(|i| {
        crate::lint::helpers::packages::pip_args(i).is_some_and(|a| {
            a.first().is_some_and(|w| w.text == "cache")
                && a.get(1)
                    .is_some_and(|w| w.text == "purge" || w.text == "remove")
        })
    }) || removes(&|p| {
        p.contains(".cache/pip") || p.ends_with("/root/.cache") || p.ends_with("/root/.cache/")
    });
    if !facts.pip_cache_off
        && !pip_purged
        && let Some((sub, _)) = invs
            .iter()
            .filter(|i| i.name() != "uv")
            .filter_map(pip_install)
            .find(|(_, a)| !a.has(&["no-cache-dir"]))
    {
        out.push((
            sub.range.clone(),
            "`pip install` without --no-cache-dir keeps downloaded wheels in ~/.cache/pip in this layer: add --no-cache-dir or set `ENV PIP_NO_CACHE_DIR=1`".to_string(),
        ));
    }

    // Chocolatey (conservative)
    let choco_clean =
        invs.iter().any(|i| {
            choco(i).is_some_and(|c| {
                (c.sub == "cache"
                    && c.args
                        .operands
                        .first()
                        .is_some_and(|w| w.text.eq_ignore_ascii_case("remove")))
                    || c.args
                        .has(&["cache-location", "cachelocation", "c", "cache"])
            })
        }) || removes(&|p| p.contains("temp") || p.contains("tmp") || p.contains("chocolatey"));
    if !choco_clean
        && let Some(c) = invs
            .iter()
            .filter_map(choco)
            .find(|c| c.installs() && !c.args.operands.is_empty())
    {
        out.push((
            c.sub_word.range.clone(),
            "`choco install` keeps the downloaded installers in %TEMP%\\chocolatey in this layer: run `choco cache remove` (Chocolatey 2.1+) or `Remove-Item $env:TEMP\\chocolatey -Recurse -Force` in the same RUN".to_string(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::script;

    fn run_with(text: &str, facts: Facts) -> Vec<String> {
        let cmds = script(text);
        let invs: Vec<Invocation<'_>> = cmds.iter().filter_map(invocation).collect();
        inspect(&invs, &facts)
            .into_iter()
            .map(|(r, _)| text[r].to_string())
            .collect()
    }

    fn run(text: &str) -> Vec<String> {
        run_with(text, Facts::default())
    }

    #[test]
    fn apt() {
        assert_eq!(
            run("apt-get update && apt-get install -y curl"),
            vec!["update"]
        );
        assert_eq!(
            run("apt-get update && apt-get install -y curl && apt-get clean"),
            vec!["update"]
        );
        assert!(
            run("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*")
                .is_empty()
        );
        assert!(run("apt-get install -y curl").is_empty());
        assert!(run("apt-get update; apt-get install -y curl; apt-get dist-clean").is_empty());
        assert!(run("apt update && apt install -y curl && apt distclean").is_empty());
        assert!(
            run_with(
                "apt-get update && apt-get install -y curl",
                Facts {
                    apt_lists_mounted: true,
                    ..Facts::default()
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn apk() {
        assert_eq!(run("apk add curl"), vec!["add"]);
        assert_eq!(run("apk update && apk add --no-cache curl"), vec!["update"]);
        assert!(run("apk add --no-cache curl").is_empty());
        assert!(run("apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1").is_empty());
        assert!(run("apk add curl && rm -rf /var/cache/apk/*").is_empty());
    }

    #[test]
    fn pip() {
        assert_eq!(run("pip install -r requirements.txt"), vec!["install"]);
        assert!(run("pip install --no-cache-dir -r requirements.txt").is_empty());
        assert!(run("pip install -r requirements.txt && pip cache purge").is_empty());
        assert!(run("pip install -r r.txt && rm -rf /root/.cache/pip").is_empty());
        assert!(
            run_with(
                "pip install x",
                Facts {
                    pip_cache_off: true,
                    ..Facts::default()
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn choco() {
        assert_eq!(
            run("choco install -y git --version 2.47.1"),
            vec!["install"]
        );
        assert!(run("choco install -y git --version 2.47.1 ; choco cache remove").is_empty());
        assert!(
            run("choco install -y git ; Remove-Item $env:TEMP\\chocolatey -Recurse -Force")
                .is_empty()
        );
        assert!(run("choco install -y git --cache-location C:\\choco-cache ; Remove-Item C:\\choco-cache -Recurse").is_empty());
        assert!(run("choco feature enable -n allowGlobalConfirmation").is_empty());
    }
}
