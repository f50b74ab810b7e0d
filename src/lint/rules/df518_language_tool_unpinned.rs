//! DF518: language tool installs that float.
//!
//! * `go install pkg@latest` (also `@master`, `@main`, `@HEAD`, `@upgrade`, `@patch`), and
//!   `go get <remote path>` without `@version` (GOPATH-era Dockerfiles). `go install pkg` without
//!   `@` builds the version from the current module's go.mod and is not reported.
//! * `gem install <gem>` without `-v` / `--version` or `gem:version`; range requirements
//!   (`-v '~> 2.0'`, `'>= 1'`) are reported as ranges. `gem update --system` without a version.
//! * `cargo install <crate>` without `--version` / `crate@version` (a requirement such as `^1`
//!   or `~1.2` is a range). `--locked` pins the dependency tree, not the crate version, so it
//!   does not make the install pinned (the message recommends it). `cargo install --git <url>`
//!   without `--tag` / `--rev` follows a branch and is reported; `--path` builds are local.
//!
//! One finding per command, at the first unpinned argument.

use std::ops::Range;

use crate::lint::helpers::packages::{Invocation, invocations, is_exact_semver, is_path_or_url, parse_args, GO_OPTS, GEM_OPTS, CARGO_OPTS};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        if let Some((range, msg)) = inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}




const MOVING: &[&str] = &[
    "latest", "master", "main", "head", "upgrade", "patch", "develop", "trunk", "",
];

fn go(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    let args = parse_args(inv.args, &GO_OPTS);
    let sub = args.operands.first()?.text.as_str();
    if sub != "install" && sub != "get" {
        return None;
    }
    if sub == "get" && args.has(&["u"]) {
        return None; // dependency upgrade inside a module, not a tool install
    }
    for w in args.operands.iter().skip(1) {
        let t = w.text.as_str();
        if t.contains('$')
            || is_path_or_url(t)
            || t.starts_with("./")
            || t == "."
            || t.starts_with("..")
        {
            continue;
        }
        match t.rsplit_once('@') {
            Some((path, v)) if MOVING.contains(&v.to_ascii_lowercase().as_str()) => {
                return Some((
                    w.range.clone(),
                    format!(
                        "`go {sub} {t}` resolves `@{v}` at build time: pin a released version (`{path}@v1.2.3`) or a commit"
                    ),
                ));
            }
            Some(_) => {}
            None if sub == "get" && t.split('/').next().is_some_and(|h| h.contains('.')) => {
                return Some((
                    w.range.clone(),
                    format!(
                        "`go get {t}` without @version fetches the newest version at build time: pin it (`{t}@v1.2.3`)"
                    ),
                ));
            }
            None => {}
        }
    }
    None
}

fn gem(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    let args = parse_args(inv.args, &GEM_OPTS);
    let sub = args.operands.first()?;
    let version = args.value(&["v", "version"]);
    match sub.text.as_str() {
        "update" if args.has(&["system"]) => {
            if args.operands.len() > 1 || version.is_some() {
                return None;
            }
            Some((
                sub.range.clone(),
                "`gem update --system` installs the newest RubyGems at build time: give a version (`gem update --system 3.5.23`) or keep the base image's".to_string(),
            ))
        }
        "install" | "i" => {
            let gems: Vec<_> = args
                .operands
                .iter()
                .skip(1)
                .filter(|w| {
                    !w.text.contains('$') && !is_path_or_url(&w.text) && !w.text.ends_with(".gem")
                })
                .collect();
            let first = gems.first()?;
            if let Some(v) = version {
                let t = v.text.trim();
                let exact = t.trim_start_matches('=').trim();
                if t.contains('$') || (!t.contains(['~', '>', '<', '!', ',']) && !exact.is_empty())
                {
                    return None;
                }
                return Some((
                    v.range.clone(),
                    format!(
                        "`gem install {} -v '{t}'` is a version range: the newest match is installed at build time; give one exact version",
                        first.text
                    ),
                ));
            }
            let unpinned: Vec<_> = gems.iter().filter(|w| !w.text.contains(':')).collect();
            let w = unpinned.first()?;
            Some((
                w.range.clone(),
                format!(
                    "`gem install {}` has no version: the newest release is installed at build time; pin it (`-v 1.2.3` or `{}:1.2.3`)",
                    w.text, w.text
                ),
            ))
        }
        _ => None,
    }
}

fn cargo(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    let args = parse_args(inv.args, &CARGO_OPTS);
    let sub = args.operands.first()?;
    if sub.text != "install" {
        return None;
    }
    if args.has(&["path"]) {
        return None;
    }
    let locked = if args.has(&["locked"]) {
        ""
    } else {
        " and add --locked"
    };
    if let Some(git) = args.value(&["git"]) {
        if args.has(&["tag", "rev"]) {
            return None;
        }
        let what = args
            .value(&["branch"])
            .map_or("the default branch".to_string(), |b| {
                format!("branch `{}`", b.text)
            });
        return Some((
            git.range.clone(),
            format!(
                "`cargo install --git {}` builds {what} as it is at build time: pin `--tag` or `--rev <commit>`{locked}",
                git.text
            ),
        ));
    }
    let krate = args.operands.get(1)?;
    if krate.text.contains('$') {
        return None;
    }
    let (name, inline) = match krate.text.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (krate.text.as_str(), None),
    };
    let version = args.value(&["version", "vers"]).map(|v| v.text).or(inline);
    match version {
        Some(v) if v.contains('$') => None,
        Some(v) if is_exact_semver(v) => None,
        Some(v) => Some((
            krate.range.clone(),
            format!(
                "`cargo install {name}` with version requirement `{v}` takes the newest match at build time: give an exact `MAJOR.MINOR.PATCH`{locked}"
            ),
        )),
        None => Some((
            krate.range.clone(),
            format!(
                "`cargo install {name}` has no --version: the newest release is built at build time; pin it (`{name}@1.2.3`){locked}"
            ),
        )),
    }
}

fn inspect(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    match inv.name().as_str() {
        "go" => go(inv),
        "gem" => gem(inv),
        "cargo" => cargo(inv),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Option<String> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap()).map(|(r, _)| line[r].to_string())
    }

    #[test]
    fn go_cases() {
        assert_eq!(
            run("go install github.com/go-delve/delve/cmd/dlv@latest").as_deref(),
            Some("github.com/go-delve/delve/cmd/dlv@latest")
        );
        assert_eq!(
            run("go install -ldflags '-s' golang.org/x/tools/gopls@master").as_deref(),
            Some("golang.org/x/tools/gopls@master")
        );
        assert_eq!(
            run("go get github.com/golang/dep/cmd/dep").as_deref(),
            Some("github.com/golang/dep/cmd/dep")
        );
        assert!(run("go install github.com/go-delve/delve/cmd/dlv@v1.23.1").is_none());
        assert!(run("go install ./cmd/server").is_none());
        assert!(run("go install github.com/x/y").is_none());
        assert!(run("go get -u ./...").is_none());
        assert!(run("go build ./...").is_none());
    }

    #[test]
    fn gem_cases() {
        assert_eq!(run("gem install bundler").as_deref(), Some("bundler"));
        assert_eq!(
            run("gem install -N rails -v '~>7.1'").as_deref(),
            Some("'~>7.1'")
        );
        assert_eq!(run("gem update --system").as_deref(), Some("update"));
        assert!(run("gem install bundler -v 2.5.23").is_none());
        assert!(run("gem install bundler:2.5.23").is_none());
        assert!(run("gem install bundler --version=2.5.23 --no-document").is_none());
        assert!(run("gem update --system 3.5.23").is_none());
        assert!(run("gem install ./pkg/app-1.0.gem").is_none());
    }

    #[test]
    fn cargo_cases() {
        assert_eq!(
            run("cargo install cargo-audit").as_deref(),
            Some("cargo-audit")
        );
        assert_eq!(
            run("cargo install --locked cargo-audit").as_deref(),
            Some("cargo-audit")
        );
        assert_eq!(
            run("cargo install cargo-audit --version ^0.21").as_deref(),
            Some("cargo-audit")
        );
        assert_eq!(
            run("cargo install --git https://github.com/o/r tool").as_deref(),
            Some("https://github.com/o/r")
        );
        assert!(run("cargo install --locked cargo-audit --version 0.21.0").is_none());
        assert!(run("cargo install --locked cargo-audit@0.21.0").is_none());
        assert!(run("cargo install --git https://github.com/o/r --tag v1.0.0 tool").is_none());
        assert!(run("cargo install --path .").is_none());
        assert!(run("cargo build --release").is_none());
    }
}
