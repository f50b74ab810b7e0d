//! DF519: package signature / repository verification switched off.
//!
//! Options: apt `--allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`,
//! `-o APT::Get::AllowUnauthenticated=true` / `Acquire::AllowInsecureRepositories=true`; apk
//! `--allow-untrusted`; yum/dnf/microdnf/tdnf `--nogpgcheck`; zypper `--no-gpg-checks`; rpm
//! `--nosignature` / `--nodigest`; pip `--trusted-host` (and `ENV PIP_TRUSTED_HOST`).
//! Text written by the build (RUN text, heredocs, COPY heredocs): `[trusted=yes]` in APT sources,
//! deb822 `Trusted: yes`, `gpgcheck=0` / `sslverify=0` in yum/dnf repo files or `--setopt`, and
//! APT configuration `AllowUnauthenticated "true"`. npm's `strict-ssl` belongs to the TLS rules.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::packages::{
    Family, Invocation, OptSpec, copied_heredocs, invocations, parse_args, pip_install,
    pkg_command, run_data_heredocs, span_at,
};
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

static TEXT_PATTERNS: LazyLock<Vec<(Option<Regex>, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?P<hit>\[[^\]\n]*\btrusted\s*=\s*yes\b[^\]\n]*\])",
            "APT source marked `[trusted=yes]`: its packages install without any signature check; import the repository key into /etc/apt/keyrings and reference it with `signed-by=`",
        ),
        (
            r"(?i)(?:^|\n|\\n)[ \t]*(?P<hit>Trusted:[ \t]*yes)\b",
            "deb822 APT source with `Trusted: yes`: its packages install without any signature check; use `Signed-By:` with the repository key",
        ),
        (
            r"(?i)(?:^|[^a-z0-9_]|\\n)(?P<hit>gpgcheck[ \t]*=[ \t]*(?:0|false|no))\b",
            "`gpgcheck=0` turns off RPM signature checks for the repository: keep gpgcheck=1 and import the repository key (`rpm --import`)",
        ),
        (
            r"(?i)(?:^|[^a-z0-9_]|\\n)(?P<hit>sslverify[ \t]*=[ \t]*(?:0|false|no))\b",
            "`sslverify=0` turns off TLS certificate checks for the repository: keep sslverify=1 and add the CA to the trust store",
        ),
        (
            r"(?P<hit>PIP_TRUSTED_HOST)[ \t]*=[ \t]*[^\s;&|]",
            "`PIP_TRUSTED_HOST` makes pip accept the listed hosts over plain HTTP or with invalid certificates: serve the index over valid HTTPS instead",
        ),
        (
            r#"(?i)(?P<hit>APT::Get::AllowUnauthenticated\s*"?(?:true|1|yes))"#,
            "APT configured with `AllowUnauthenticated`: unsigned packages install silently; remove the setting",
        ),
        (
            r#"(?i)(?P<hit>Acquire::AllowInsecureRepositories\s*"?(?:true|1|yes))"#,
            "APT configured with `AllowInsecureRepositories`: unsigned repositories are used; remove the setting",
        ),
    ]
    .into_iter()
    .map(|(p, m)| (Regex::new(p).ok(), m))
    .collect()
});

fn text_findings(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out = Vec::new();
    for (re, msg) in TEXT_PATTERNS.iter() {
        let Some(re) = re else { continue };
        for c in re.captures_iter(text) {
            if let Some(m) = c.name("hit") {
                // `git -c http.sslVerify=false` is git's TLS setting (the TLS rules' domain).
                let before = text.get(..m.start()).unwrap_or("");
                let git_http = before.len() >= 5
                    && before
                        .get(before.len() - 5..)
                        .is_some_and(|b| b.eq_ignore_ascii_case("http."));
                if !git_http {
                    out.push((m.range(), *msg));
                }
            }
        }
    }
    out
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let mut seen = BTreeSet::new();
    let mut emit = |out: &mut Emitter, span: Span, msg: String| {
        if seen.insert((span.start, span.end)) {
            out.emit(span, msg);
        }
    };
    for (s, inv) in invocations(cx.run_scripts()) {
        for (range, msg) in inspect(&inv) {
            emit(out, s.span(range), msg);
        }
    }
    for s in cx.run_scripts() {
        for (range, msg) in text_findings(&s.text.text) {
            emit(out, s.span(range), msg.to_string());
        }
        for body in run_data_heredocs(s) {
            for (range, msg) in text_findings(&body.text) {
                emit(out, body.span(range.start, range.end), msg.to_string());
            }
        }
    }
    for (body, base) in copied_heredocs(cx, &[".repo", ".list", ".sources", ".conf", "apt.conf"]) {
        for (range, msg) in text_findings(body) {
            emit(out, span_at(base, range), msg.to_string());
        }
    }
    for (_, inst) in cx.instructions_of(InstructionKind::Env) {
        for p in &inst.pairs {
            if p.key == "PIP_TRUSTED_HOST" && p.value.as_deref().is_some_and(|v| !v.is_empty()) {
                emit(
                    out,
                    p.key_span,
                    "`PIP_TRUSTED_HOST` makes pip accept the listed hosts over plain HTTP or with invalid certificates: serve the index over valid HTTPS instead".to_string(),
                );
            }
        }
    }
}

const RPM_OPTS: OptSpec = OptSpec::posix(&[
    "root",
    "dbpath",
    "define",
    "D",
    "macros",
    "rcfile",
    "prefix",
    "relocate",
    "excludepath",
]);

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if let Some(p) = pkg_command(inv) {
        for o in &p.args.options {
            let bad = match p.family {
                Family::Apt => matches!(
                    o.name,
                    "allow-unauthenticated" | "force-yes" | "allow-insecure-repositories"
                ),
                Family::Apk => o.name == "allow-untrusted",
                Family::Dnf => o.name == "nogpgcheck" || o.name == "no-gpgchecks",
                Family::Zypper => matches!(o.name, "no-gpg-checks" | "no-gpg-check"),
            };
            if bad {
                out.push((
                    o.word.range.clone(),
                    format!(
                        "`{} {}` installs packages without verifying their signatures: a tampered mirror or proxy can substitute packages; remove the option and import the repository key",
                        p.tool, o.word.text
                    ),
                ));
            }
            if p.family == Family::Apt
                && (o.name == "o" || o.name == "option")
                && let Some(v) = &o.value
            {
                let (k, val) = v.text.split_once('=').unwrap_or((v.text, ""));
                let on = matches!(
                    val.trim_matches('"').to_ascii_lowercase().as_str(),
                    "true" | "1" | "yes"
                );
                let k = k.to_ascii_lowercase();
                if on
                    && (k == "apt::get::allowunauthenticated"
                        || k == "acquire::allowinsecurerepositories"
                        || k == "acquire::allowdowngradetoinsecurerepositories")
                {
                    out.push((
                        v.range.clone(),
                        format!("`{} -o {}` disables APT signature checks: remove it and import the repository key", p.tool, v.text),
                    ));
                }
            }
        }
        return out;
    }
    match inv.name().as_str() {
        "rpm" => {
            let args = parse_args(inv.args, &RPM_OPTS);
            for o in &args.options {
                if matches!(o.name, "nosignature" | "nodigest") {
                    out.push((
                        o.word.range.clone(),
                        format!("`rpm {}` skips package signature or digest verification: remove it and import the vendor key (`rpm --import`)", o.word.text),
                    ));
                }
            }
        }
        _ => {
            if let Some((_, args)) = pip_install(inv) {
                for o in args.options.iter().filter(|o| o.name == "trusted-host") {
                    let host = o.value.as_ref().map_or("", |v| v.text);
                    out.push((
                        o.word.range.clone(),
                        format!("`pip install --trusted-host {host}` accepts that index over plain HTTP or with an invalid certificate: serve it over valid HTTPS (or add its CA with --cert)"),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::flagged;

    fn run(line: &str) -> Vec<String> {
        flagged(line, inspect)
    }

    fn text(t: &str) -> Vec<String> {
        text_findings(t)
            .into_iter()
            .map(|(r, _)| t[r].to_string())
            .collect()
    }

    #[test]
    fn options() {
        assert_eq!(
            run("apt-get install -y --allow-unauthenticated curl"),
            vec!["--allow-unauthenticated"]
        );
        assert_eq!(
            run("apt-get install -y --force-yes curl"),
            vec!["--force-yes"]
        );
        assert_eq!(
            run("apt-get -o APT::Get::AllowUnauthenticated=true install -y curl"),
            vec!["APT::Get::AllowUnauthenticated=true"]
        );
        assert_eq!(
            run("apk add --allow-untrusted /tmp/x.apk"),
            vec!["--allow-untrusted"]
        );
        assert_eq!(run("dnf install -y --nogpgcheck x"), vec!["--nogpgcheck"]);
        assert_eq!(
            run("zypper --no-gpg-checks in -y x"),
            vec!["--no-gpg-checks"]
        );
        assert_eq!(run("rpm -ivh --nosignature x.rpm"), vec!["--nosignature"]);
        assert_eq!(
            run("pip install --trusted-host pypi.corp -i http://pypi.corp/simple x==1"),
            vec!["--trusted-host"]
        );
        assert!(run("apt-get install -y curl").is_empty());
        assert!(run("apt-get -o Dpkg::Options::=--force-confold install -y curl").is_empty());
        assert!(run("rpm --import https://x/key.asc").is_empty());
    }

    #[test]
    fn texts() {
        assert_eq!(
            text(
                "echo 'deb [trusted=yes] http://repo.corp/ bookworm main' > /etc/apt/sources.list.d/corp.list"
            ),
            vec!["[trusted=yes]"]
        );
        assert_eq!(
            text("echo 'deb [arch=amd64 trusted=yes] http://r/ x main'"),
            vec!["[arch=amd64 trusted=yes]"]
        );
        assert_eq!(
            text("printf '[corp]\\nbaseurl=http://x\\ngpgcheck=0\\n' > /etc/yum.repos.d/corp.repo"),
            vec!["gpgcheck=0"]
        );
        assert_eq!(
            text("[corp]\ngpgcheck = 0\nsslverify=false\n"),
            vec!["gpgcheck = 0", "sslverify=false"]
        );
        assert_eq!(
            text("sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/x.repo"),
            vec!["gpgcheck=0"]
        );
        assert_eq!(
            text("dnf install -y --setopt=corp.gpgcheck=0 x"),
            vec!["gpgcheck=0"]
        );
        assert!(text("repo_gpgcheck=0\nlocalpkg_gpgcheck=0\ngpgcheck=1").is_empty());
        assert!(text("deb [signed-by=/etc/apt/keyrings/x.gpg] https://r/ x main").is_empty());
        assert_eq!(text("Types: deb\nTrusted: yes\n"), vec!["Trusted: yes"]);
        assert!(text("git -c http.sslVerify=false clone https://x/r").is_empty());
        assert_eq!(
            text("export PIP_TRUSTED_HOST=pypi.corp && pip install x==1"),
            vec!["PIP_TRUSTED_HOST"]
        );
    }
}
