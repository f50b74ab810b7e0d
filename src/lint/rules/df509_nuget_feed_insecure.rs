//! DF509: NuGet / dotnet restore from a plain-HTTP feed: `-s|--source|--add-source http://` on
//! `dotnet` commands, `-p:RestoreSources=http://…`, `dotnet nuget add|update source http://…`,
//! `nuget.exe` `-Source` / `-FallbackSource`, and `nuget.config` content with
//! `value="http://…"` written by a RUN (echo, Set-Content, heredoc) or a COPY heredoc.
//! Loopback hosts are not reported. Each URL occurrence is reported once.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::lint::helpers::packages::{
    Invocation, copied_heredocs, dotnet, invocations, is_plain_http, nuget, redact_url,
    run_data_heredocs, span_at, split_sources,
};
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

/// `value="http://…"` in nuget.config XML, also with escaped quotes (`\"`, `` `" ``) or none.
static CONFIG_VALUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)\bvalue\s*=\s*(?:\\|`)?["']?(http://[^"'`\s<>\\]+)"#).ok());

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
        if mentions_nuget_config(&s.text.text) {
            for (range, url) in config_values(&s.text.text) {
                emit(out, s.span(range), config_message(&url));
            }
        }
        for body in run_data_heredocs(s) {
            if mentions_nuget_config(&body.text) || mentions_nuget_config(&s.text.text) {
                for (range, url) in config_values(&body.text) {
                    emit(out, body.span(range.start, range.end), config_message(&url));
                }
            }
        }
    }
    for (body, base) in copied_heredocs(cx, &[".config"]) {
        for (range, url) in config_values(body) {
            emit(out, span_at(base, range), config_message(&url));
        }
    }
}

fn mentions_nuget_config(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    l.contains("nuget.config") || l.contains("packagesources")
}

fn config_values(text: &str) -> Vec<(Range<usize>, String)> {
    let Some(re) = CONFIG_VALUE.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter(|m| is_plain_http(m.as_str()))
        .map(|m| (m.range(), m.as_str().to_string()))
        .collect()
}

fn config_message(url: &str) -> String {
    let url = redact_url(url);
    format!(
        "nuget.config package source `{url}` is plain HTTP: packages restored from it can be read and replaced in transit; use an https:// feed"
    )
}

fn message(cmd: &str, url: &str) -> String {
    let url = redact_url(url);
    format!(
        "`{cmd}` restores from the plain-HTTP feed `{url}`: packages can be read and replaced in transit; use an https:// feed"
    )
}

fn inspect(inv: &Invocation<'_>) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut push = |range: Range<usize>, cmd: &str, value: &str| {
        if let Some(url) = split_sources(value).into_iter().find(|u| is_plain_http(u)) {
            out.push((range, message(cmd, url)));
        }
    };
    if let Some(d) = dotnet(inv) {
        let cmd = format!("dotnet {}", d.verb);
        for v in d.args.values(&["s", "source", "add-source"]) {
            push(v.range.clone(), &cmd, v.text);
        }
        for v in d.args.values(&["p", "property"]) {
            if let Some((k, val)) = v.text.split_once('=')
                && (k.eq_ignore_ascii_case("RestoreSources")
                    || k.eq_ignore_ascii_case("RestoreAdditionalProjectSources"))
            {
                push(v.range.clone(), &cmd, val);
            }
        }
        if d.verb.starts_with("nuget ") && d.verb.ends_with(" source") {
            for w in &d.args.operands {
                push(w.range.clone(), &cmd, &w.text);
            }
        }
        // MSBuild-style `/p:RestoreSources=…` words are operands for the parser.
        for w in &d.args.operands {
            let t = w.text.as_str();
            if let Some(rest) = t
                .strip_prefix("/p:")
                .or_else(|| t.strip_prefix("/property:"))
                && let Some((k, val)) = rest.split_once('=')
                && k.to_ascii_lowercase().starts_with("restore")
                && k.to_ascii_lowercase().ends_with("sources")
            {
                push(w.range.clone(), &cmd, val);
            }
        }
        return out;
    }
    if let Some(n) = nuget(inv) {
        let cmd = format!("nuget {}", n.verb);
        for v in n.args.values(&["source", "fallbacksource"]) {
            push(v.range.clone(), &cmd, v.text);
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

    #[test]
    fn commands() {
        assert_eq!(
            run("dotnet restore -s http://feed.corp/nuget"),
            vec!["http://feed.corp/nuget"]
        );
        assert_eq!(
            run("dotnet restore --source=http://feed.corp/nuget"),
            vec!["http://feed.corp/nuget"]
        );
        assert_eq!(
            run("dotnet tool install -g x --version 1.0.0 --add-source http://f/v3"),
            vec!["http://f/v3"]
        );
        assert_eq!(
            run("dotnet nuget add source http://feed.corp/v3/index.json -n corp"),
            vec!["http://feed.corp/v3/index.json"]
        );
        assert_eq!(
            run("dotnet build -p:RestoreSources=https://a;http://b"),
            vec!["RestoreSources=https://a;http://b"]
        );
        assert_eq!(
            run("dotnet publish /p:RestoreSources=http://b"),
            vec!["/p:RestoreSources=http://b"]
        );
        assert_eq!(
            run("nuget sources add -Name corp -Source http://feed.corp/nuget"),
            vec!["http://feed.corp/nuget"]
        );
        assert_eq!(
            run("nuget.exe restore App.sln -Source http://feed.corp/nuget"),
            vec!["http://feed.corp/nuget"]
        );
        assert!(run("dotnet restore -s https://api.nuget.org/v3/index.json").is_empty());
        assert!(run("dotnet restore -s ./packages").is_empty());
        assert!(run("dotnet test -s test.runsettings").is_empty());
    }

    #[test]
    fn config_text() {
        let t = r#"echo '<add key="corp" value="http://feed.corp/nuget" />' >> nuget.config"#;
        let v = config_values(t);
        assert_eq!(v.len(), 1);
        assert_eq!(&t[v[0].0.clone()], "http://feed.corp/nuget");
        assert!(
            config_values(r#"<add key="nuget" value="https://api.nuget.org/v3/index.json" />"#)
                .is_empty()
        );
        assert_eq!(config_values(r#"value=\"http://x.corp/n\""#).len(), 1);
        assert_eq!(config_values("value=`\"http://x.corp/n`\"").len(), 1);
    }
}
