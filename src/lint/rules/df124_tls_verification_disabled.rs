//! DF124: TLS certificate validation switched off: `curl -k`, `wget --no-check-certificate`,
//! `git config http.sslVerify false`, `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`,
//! `PYTHONHTTPSVERIFY=0`, npm/yarn `strict-ssl false`, `pip --trusted-host`, PowerShell
//! `-SkipCertificateCheck` and `ServerCertificateValidationCallback = { $true }`.

use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::{Command, ShWord};
use crate::lint::helpers::packages::parse_args;
use crate::lint::helpers::secrets_downloads::CURL_OPTS;
use crate::lint::{Emitter, LintContext};

/// `-k` / `--insecure`, also inside a cluster (`-fsSLk`), but not an option's value (`-H -k`).
fn curl_insecure(cmd: &Command) -> Option<&ShWord> {
    parse_args(cmd.args(), &CURL_OPTS)
        .opt(&["k", "insecure"])
        .map(|o| o.word)
}

fn falsy(v: &str) -> bool {
    matches!(
        v.trim_matches(|c| c == '"' || c == '\'')
            .to_ascii_lowercase()
            .as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// The offending word of a command, with a description.
fn command_finding(cmd: &Command) -> Option<(&ShWord, String)> {
    let name = cmd.name();
    let args = cmd.args();
    match name.as_str() {
        "curl" => curl_insecure(cmd).map(|w| {
            (
                w,
                format!("`curl {}` skips TLS certificate validation", w.text),
            )
        }),
        "wget" => args
            .iter()
            .find(|w| {
                w.text == "--no-check-certificate"
                    || w.text.eq_ignore_ascii_case("--check-certificate=off")
            })
            .map(|w| {
                (
                    w,
                    format!("`wget {}` skips TLS certificate validation", w.text),
                )
            }),
        "git" => {
            for (k, w) in args.iter().enumerate() {
                let t = w.text.to_ascii_lowercase();
                // git -c http.sslVerify=false ...
                if let Some(v) = t.strip_prefix("http.sslverify=")
                    && falsy(v)
                {
                    return Some((
                        w,
                        format!("`git -c {}` disables TLS certificate validation", w.text),
                    ));
                }
                // git config [--global] http.sslVerify false
                if (t == "http.sslverify" || (t.starts_with("http.") && t.ends_with(".sslverify")))
                    && args.get(k + 1).is_some_and(|n| falsy(&n.text))
                {
                    return Some((
                        w,
                        format!(
                            "`git config {} false` disables TLS certificate validation",
                            w.text
                        ),
                    ));
                }
            }
            None
        }
        "npm" | "yarn" | "pnpm" => {
            for (k, w) in args.iter().enumerate() {
                let t = w.text.to_ascii_lowercase();
                if let Some(v) = t.strip_prefix("--strict-ssl=")
                    && falsy(v)
                {
                    return Some((
                        w,
                        format!("`{name} {}` disables TLS certificate validation", w.text),
                    ));
                }
                if (t == "strict-ssl" || t == "--strict-ssl")
                    && args.get(k + 1).is_some_and(|n| falsy(&n.text))
                {
                    return Some((
                        w,
                        format!(
                            "`{name} ... {} false` disables TLS certificate validation",
                            w.text
                        ),
                    ));
                }
                if let Some(v) = t.strip_prefix("strict-ssl=")
                    && falsy(v)
                {
                    return Some((
                        w,
                        format!(
                            "`{name} config set {}` disables TLS certificate validation",
                            w.text
                        ),
                    ));
                }
            }
            None
        }
        "pip" | "pip3" | "python" | "python3" => args
            .iter()
            .find(|w| {
                let t = w.text.to_ascii_lowercase();
                t == "--trusted-host"
                    || t.starts_with("--trusted-host=")
                    || t.ends_with(".trusted-host")
            })
            .map(|w| {
                (
                    w,
                    format!(
                        "pip `{}` accepts the host without a valid TLS certificate",
                        w.text
                    ),
                )
            }),
        "invoke-webrequest" | "invoke-restmethod" | "iwr" | "irm" => args
            .iter()
            .find(|w| {
                w.text.eq_ignore_ascii_case("-SkipCertificateCheck")
                    || w.text
                        .to_ascii_lowercase()
                        .starts_with("-skipcertificatecheck:$true")
            })
            .map(|w| (w, format!("`{}` skips TLS certificate validation", w.text))),
        _ => None,
    }
}

static ENV_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(GIT_SSL_NO_VERIFY|NODE_TLS_REJECT_UNAUTHORIZED|PYTHONHTTPSVERIFY)\s*=\s*["']?([A-Za-z0-9_]*)"#).ok()
});
static CALLBACK_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)ServerCertificateValidationCallback\s*=\s*\{\s*\$true\s*\}").ok()
});

/// Whether an environment setting disables validation.
pub(crate) fn env_disables(name: &str, value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    match name.to_ascii_uppercase().as_str() {
        // git checks only whether the variable is set: any value, even `false`, disables checks
        "GIT_SSL_NO_VERIFY" => true,
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
        _ => false,
    }
}

fn env_message(name: &str, value: &str) -> String {
    let why = if name.eq_ignore_ascii_case("GIT_SSL_NO_VERIFY") {
        " (git skips validation whenever the variable is set, whatever its value)"
    } else {
        ""
    };
    format!(
        "`{name}={value}` turns off TLS certificate validation{why}: remove it and install the CA certificate you need instead"
    )
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        for cmd in &s.script.commands {
            if let Some((w, what)) = command_finding(cmd) {
                out.emit(
                    s.span(w.range.clone()),
                    format!("{what}: remove it and trust the server's CA certificate instead"),
                );
            }
        }
        let text = &s.text.text;
        if let Some(re) = ENV_RE.as_ref() {
            for c in re.captures_iter(text) {
                let (Some(all), Some(n), Some(v)) = (c.get(0), c.get(1), c.get(2)) else {
                    continue;
                };
                if env_disables(n.as_str(), v.as_str()) {
                    out.emit(
                        s.span(all.start()..all.end()),
                        env_message(n.as_str(), v.as_str()),
                    );
                }
            }
        }
        if let Some(re) = CALLBACK_RE.as_ref() {
            for m in re.find_iter(text) {
                out.emit(
                    s.span(m.start()..m.end()),
                    "`ServerCertificateValidationCallback = { $true }` accepts every TLS certificate: remove it and import the CA certificate instead",
                );
            }
        }
    }
    for (_, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Env | InstructionKind::Arg) {
            continue;
        }
        for p in &inst.pairs {
            let Some(v) = p.value.as_deref() else {
                continue;
            };
            if env_disables(&p.key, v) {
                out.emit(p.span, env_message(&p.key, v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values() {
        assert!(env_disables("GIT_SSL_NO_VERIFY", "true"));
        assert!(env_disables("GIT_SSL_NO_VERIFY", "1"));
        assert!(env_disables("GIT_SSL_NO_VERIFY", "false"));
        assert!(env_disables("NODE_TLS_REJECT_UNAUTHORIZED", "0"));
        assert!(!env_disables("NODE_TLS_REJECT_UNAUTHORIZED", "1"));
        assert!(env_disables("PYTHONHTTPSVERIFY", "'0'"));
    }

    #[test]
    fn curl_clusters() {
        let mk = |args: &[&str]| Command {
            words: std::iter::once("curl")
                .chain(args.iter().copied())
                .map(|t| ShWord {
                    text: t.to_string(),
                    range: 0..0,
                })
                .collect(),
            range: 0..0,
            connector: crate::dockerfile::shell::Connector::Start,
            depth: 0,
        };
        assert!(curl_insecure(&mk(&["-fsSLk", "https://x"])).is_some());
        assert!(curl_insecure(&mk(&["--insecure"])).is_some());
        assert!(curl_insecure(&mk(&["-fsSLo", "kfile", "https://x"])).is_none());
        assert!(curl_insecure(&mk(&["-ok"])).is_none());
        assert!(curl_insecure(&mk(&["-fsSL", "https://k"])).is_none());
        // An option's value is not `-k`; `-4` is an option before it.
        assert!(curl_insecure(&mk(&["-H", "-k", "https://x"])).is_none());
        assert!(curl_insecure(&mk(&["-4", "-k", "https://x"])).is_some());
        assert!(curl_insecure(&mk(&["--user-agent=-k", "https://x"])).is_none());
    }
}
