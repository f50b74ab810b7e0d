//! Files the build downloads: `ADD <url>`, and in RUN scripts `Invoke-WebRequest` /
//! `Invoke-RestMethod` (and their aliases), `curl` / `curl.exe`, `wget`,
//! `(New-Object Net.WebClient).DownloadFile(…)` / `.DownloadString(…)`, `Start-BitsTransfer`,
//! `certutil -urlcache` and `bitsadmin /transfer`. A download gets its hash only when the
//! Dockerfile verifies it (see [`super::verify`]) or ADD carries `--checksum`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::shell::{Dialect, ShWord, program_name};
use crate::dockerfile::stages::ShellKind;
use crate::dockerfile::{Instruction, InstructionKind};
use crate::lint::ShellScript;
use crate::lint::helpers::packages::{invocation, parse_args};
use crate::lint::helpers::secrets_downloads::{CURL_OPTS, PS_WEB_OPTS, WGET_OPTS};
use crate::sbom::model::{Component, ComponentType, Ecosystem, VersionSpec};
use crate::source::Span;

use super::env::{Resolver, Value, matching_close, split_top};
use super::verify::{self, Check};
use super::{Doc, Sink, base_name, has_var};

/// A download found in the file, before verification is matched.
struct Download {
    component: Component,
    stage: Option<usize>,
    /// Lowercased file name the download is saved as, when it is saved to a file.
    output: Option<String>,
}

static WEBCLIENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\.Download(File|String|Data)(?:Async|TaskAsync)?\s*\(").ok());

pub(super) fn collect(doc: &Doc<'_>, sink: &mut Sink) {
    let mut downloads = Vec::new();
    let mut checks = Vec::new();
    for (idx, inst) in doc.df.instructions.iter().enumerate() {
        if inst.kind == InstructionKind::Add {
            add_instruction(doc, idx, inst, &mut downloads);
        }
    }
    for s in doc.scripts() {
        let r = doc.resolver(s);
        script_downloads(doc, s, &r, &mut downloads);
        checks.extend(verify::checks(s, &r));
    }
    // The first check of each file in each stage.
    let mut by_file: BTreeMap<(Option<usize>, &str), &Check> = BTreeMap::new();
    for k in &checks {
        by_file.entry((k.stage, k.file.as_str())).or_insert(k);
    }
    for mut d in downloads {
        apply_checks(&mut d, &by_file);
        sink.push(d.component);
    }
}

fn apply_checks(d: &mut Download, checks: &BTreeMap<(Option<usize>, &str), &Check>) {
    let c = &mut d.component;
    if c.properties.get("verified").is_some_and(|v| v == "true") {
        return;
    }
    let hit = d
        .output
        .as_deref()
        .and_then(|out| checks.get(&(d.stage, out)));
    match hit {
        Some(k) => {
            c.hashes.push((k.alg.to_string(), k.hex.clone()));
            c.properties
                .insert("verified".to_string(), "true".to_string());
            c.properties
                .insert("verifiedBy".to_string(), k.by.to_string());
        }
        None => {
            c.properties
                .insert("verified".to_string(), "false".to_string());
        }
    }
}

/// Loopback URLs are requests to something the build started, not downloads.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    host == "localhost" || host.starts_with("127.") || host == "[" || host == "0.0.0.0"
}

fn is_url(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")
}

/// A word that is only a variable (`$URL`, `"${URL}"`, `$env:URL`, `%URL%`).
fn is_pure_variable(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with('$') || t.starts_with('%')) && !t.contains(char::is_whitespace)
}

/// The file name a URL names: the last path segment, or the host for a bare host.
pub(super) fn url_file_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    match rest.split_once('/') {
        Some((_, path)) if !base_name(path).is_empty() => base_name(path).to_string(),
        _ => rest.trim_end_matches('/').to_string(),
    }
}

/// Whether a URL's last path segment names a redirect or a query rather than a file: a
/// segment without an extension in front of a query (`/fwlink/?linkid=840945`,
/// `/download?id=7`), or a generic one (`/latest/download`).
fn is_redirect_name(url: &str, name: &str) -> bool {
    let generic = ["download", "latest", "fwlink", "get", "file"];
    (url.contains('?') && !name.contains('.'))
        || generic.iter().any(|g| name.eq_ignore_ascii_case(g))
}

/// Builds the component for a URL (resolved or not) at `span`.
fn download(
    doc: &Doc<'_>,
    url: &Value,
    span: Span,
    stage: Option<usize>,
    downloader: &str,
    output: Option<&Value>,
    out: &mut Vec<Download>,
) {
    let text = url.text.trim();
    if text.is_empty() || (url.resolved && (!is_url(text) || is_loopback(text))) {
        return;
    }
    if !url.resolved && !is_url(text) && !is_pure_variable(text) {
        return;
    }
    // Where the file is saved: `-OutFile`, `-o`, … (only its name matters), else the URL's
    // file name; `-` is standard output.
    let out_name = match output {
        Some(o) if o.text.trim() == "-" => None,
        Some(o) => {
            let b = base_name(o.text.trim());
            (!b.is_empty() && !has_var(b)).then(|| b.to_string())
        }
        None => Some(url_file_name(text)).filter(|n| !has_var(n) && !n.is_empty()),
    };
    // The URL's file name, unless it names no file (`fwlink/?linkid=…`, `/latest/download`)
    // and the download is saved under a name: then that name.
    let url_name = url_file_name(text);
    let names_a_file = out_name.is_none() || !is_redirect_name(text, &url_name);
    let name = if !url_name.is_empty() && !has_var(&url_name) && names_a_file {
        url_name
    } else if let Some(o) = &out_name {
        o.clone()
    } else {
        text.to_string()
    };
    let mut c = doc.component(
        Ecosystem::File,
        ComponentType::File,
        name,
        VersionSpec::Unpinned,
        span,
        stage,
    );
    // A URL, even with unexpanded variables; an expression such as `$url` is no URL (it stays
    // in `urlExpression`).
    c.url = is_url(text).then(|| text.to_string());
    c.properties
        .insert("downloader".to_string(), downloader.to_string());
    if let Some(e) = &url.expression {
        c.properties.insert("urlExpression".to_string(), e.clone());
    }
    if !url.resolved {
        c.properties
            .insert("urlResolved".to_string(), "false".to_string());
    }
    out.push(Download {
        component: c,
        stage,
        output: out_name.map(|n| n.to_ascii_lowercase()),
    });
}

fn add_instruction(doc: &Doc<'_>, idx: usize, inst: &Instruction, out: &mut Vec<Download>) {
    let Some((dest, sources)) = inst.words.split_last() else {
        return;
    };
    if sources.is_empty() {
        return;
    }
    let stage = doc.model.stage_of.get(idx).copied().flatten();
    let r = doc.instruction_resolver(idx);
    let checksum = inst
        .flag("checksum")
        .and_then(|f| f.value.as_deref())
        .and_then(verify::parse_digest);
    let dest_dir = dest.text.ends_with(['/', '\\']) || sources.len() > 1;
    for w in sources {
        let raw = w.span.slice(&doc.file.text);
        let v = if raw.is_empty() {
            r.raw(&w.text, &w.text, 0)
        } else {
            r.raw(raw, &w.text, 0)
        };
        let git =
            v.text.starts_with("git@") || v.text.contains(".git#") || v.text.ends_with(".git");
        if !(is_url(&v.text) || git || (!v.resolved && is_url(&w.text))) {
            continue;
        }
        let before = out.len();
        let output = (!dest_dir).then(|| Value {
            text: dest.text.clone(),
            expression: None,
            resolved: true,
        });
        if git {
            let mut c = doc.component(
                Ecosystem::File,
                ComponentType::File,
                url_file_name(v.text.split('#').next().unwrap_or("")),
                VersionSpec::Unpinned,
                w.span,
                stage,
            );
            c.url = Some(v.text.clone());
            c.properties
                .insert("downloader".to_string(), "ADD".to_string());
            c.properties.insert("git".to_string(), "true".to_string());
            if let Some((_, reference)) = v.text.split_once('#') {
                c.properties
                    .insert("ref".to_string(), reference.to_string());
            }
            out.push(Download {
                component: c,
                stage,
                output: None,
            });
        } else {
            download(doc, &v, w.span, stage, "ADD", output.as_ref(), out);
        }
        if let (Some((alg, hex)), Some(d)) = (&checksum, out.get_mut(before)) {
            d.component.hashes.push((alg.to_string(), hex.clone()));
            d.component
                .properties
                .insert("verified".to_string(), "true".to_string());
            d.component
                .properties
                .insert("verifiedBy".to_string(), "ADD --checksum".to_string());
        }
    }
}

/// The cmdlet or program a command word names: module qualifiers and directories dropped,
/// `iwr` / `irm` resolved, and `curl` / `wget` read as Invoke-WebRequest only in Windows
/// PowerShell 5.1 (pwsh 7 removed those aliases; `curl.exe` is always the program).
fn command_name(word: &ShWord, ps51: bool) -> String {
    let base = word.text.rsplit(['/', '\\']).next().unwrap_or(&word.text);
    if base.contains('.') && !base.starts_with('.') {
        return program_name(&word.text).into_owned();
    }
    match base.to_ascii_lowercase().as_str() {
        "iwr" => "invoke-webrequest".to_string(),
        "irm" => "invoke-restmethod".to_string(),
        "curl" | "wget" if ps51 => "invoke-webrequest".to_string(),
        _ => program_name(&word.text).into_owned(),
    }
}

fn script_downloads(doc: &Doc<'_>, s: &ShellScript<'_>, r: &Resolver<'_>, out: &mut Vec<Download>) {
    let ps51 = s.script.dialect == Dialect::PowerShell
        && !matches!(s.shell, ShellKind::PowerShell { core: true, .. });
    for c in &s.script.commands {
        let Some(inv) = invocation(c) else { continue };
        let name = command_name(inv.name_word, ps51);
        let found = match name.as_str() {
            "invoke-webrequest" | "invoke-restmethod" => web_cmdlet(inv.args),
            "start-bitstransfer" => bits_transfer(inv.args),
            "curl" if inv.args.iter().any(|w| starts_ci(&w.text, "-outf")) => web_cmdlet(inv.args),
            "curl" => curl(inv.args),
            "wget" => wget(inv.args),
            "certutil"
                if inv.args.iter().any(|w| {
                    w.text.eq_ignore_ascii_case("-urlcache")
                        || w.text.eq_ignore_ascii_case("/urlcache")
                }) =>
            {
                url_then_output(inv.args)
            }
            "bitsadmin"
                if inv
                    .args
                    .iter()
                    .any(|w| w.text.eq_ignore_ascii_case("/transfer")) =>
            {
                url_then_output(inv.args)
            }
            _ => Vec::new(),
        };
        for (url_word, out_word) in found {
            let url = r.word(url_word);
            let output = out_word.map(|w| r.word(w));
            download(
                doc,
                &url,
                s.span(url_word.range.clone()),
                s.stage,
                &name,
                output.as_ref(),
                out,
            );
        }
    }
    webclient(doc, s, r, out);
}

fn starts_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

type Found<'a> = Vec<(&'a ShWord, Option<&'a ShWord>)>;

fn web_cmdlet(args: &[ShWord]) -> Found<'_> {
    let p = parse_args(args, &PS_WEB_OPTS);
    let url = p
        .opt_prefix("Uri", 2)
        .and_then(|o| o.value.as_ref().map(|v| v.word))
        .or_else(|| p.operands.first().copied());
    let output = p
        .opt_prefix("OutFile", 4)
        .and_then(|o| o.value.as_ref().map(|v| v.word));
    url.map(|u| vec![(u, output)]).unwrap_or_default()
}

fn bits_transfer(args: &[ShWord]) -> Found<'_> {
    let p = parse_args(args, &PS_WEB_OPTS);
    let url = p
        .value(&["Source"])
        .map(|v| v.word)
        .or_else(|| p.operands.first().copied());
    let output = p
        .value(&["Destination"])
        .map(|v| v.word)
        .or_else(|| p.operands.get(1).copied());
    url.map(|u| vec![(u, output)]).unwrap_or_default()
}

fn curl(args: &[ShWord]) -> Found<'_> {
    let p = parse_args(args, &CURL_OPTS);
    let uploads = [
        "d",
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "F",
        "form",
        "T",
        "upload-file",
        "json",
    ];
    if p.has(&uploads) {
        return Vec::new();
    }
    let mut urls: Vec<&ShWord> = p.values(&["url"]).into_iter().map(|v| v.word).collect();
    urls.extend(p.operands.iter().copied());
    let outputs: Vec<&ShWord> = p
        .values(&["o", "output"])
        .into_iter()
        .map(|v| v.word)
        .collect();
    urls.into_iter()
        .enumerate()
        .map(|(i, u)| (u, outputs.get(i).copied()))
        .collect()
}

fn wget(args: &[ShWord]) -> Found<'_> {
    let p = parse_args(args, &WGET_OPTS);
    if p.has(&["post-data", "post-file", "body-data", "body-file"]) {
        return Vec::new();
    }
    let output = p.value(&["O", "output-document"]).map(|v| v.word);
    p.operands
        .iter()
        .enumerate()
        .map(|(i, u)| (*u, if i == 0 { output } else { None }))
        .collect()
}

/// `certutil -urlcache -split -f <url> [file]`, `bitsadmin /transfer <job> <url> <file>`.
fn url_then_output(args: &[ShWord]) -> Found<'_> {
    let Some(i) = args.iter().position(|w| is_url(&w.text)) else {
        return Vec::new();
    };
    let Some(url) = args.get(i) else {
        return Vec::new();
    };
    let output = args
        .get(i + 1)
        .filter(|w| !w.text.starts_with('-') && !w.text.starts_with('/'));
    vec![(url, output)]
}

/// `.DownloadFile(url, path)`, `.DownloadString(url)`, `.DownloadData(url)` anywhere in the
/// script text (method calls are expressions, not commands).
fn webclient(doc: &Doc<'_>, s: &ShellScript<'_>, r: &Resolver<'_>, out: &mut Vec<Download>) {
    let Some(re) = WEBCLIENT.as_ref() else { return };
    let text = s.text.text.as_str();
    for m in re.captures_iter(text) {
        let (Some(all), Some(kind)) = (m.get(0), m.get(1)) else {
            continue;
        };
        let open = all.end() - 1;
        let Some(close) = text.get(open..).and_then(|t| matching_close(t, 0)) else {
            continue;
        };
        let Some(inner) = text.get(open + 1..open + close) else {
            continue;
        };
        let parts = split_top(inner, b',');
        let Some(first) = parts.first() else { continue };
        let lead = first.len() - first.trim_start().len();
        let url_start = open + 1 + lead;
        let url_range = url_start..url_start + first.trim().len();
        let Some(url_raw) = text.get(url_range.clone()) else {
            continue;
        };
        let url = match r.ps_eval(url_raw, url_range.start, 0) {
            Some(t) => Value {
                text: t,
                expression: url_raw.contains('$').then(|| url_raw.to_string()),
                resolved: true,
            },
            None => Value {
                text: url_raw.trim_matches(['\'', '"']).to_string(),
                expression: Some(url_raw.to_string()),
                resolved: false,
            },
        };
        let output = if kind.as_str().eq_ignore_ascii_case("file") {
            parts.get(1).map(|p| {
                let raw = p.trim();
                match r.ps_eval(raw, url_range.start, 0) {
                    Some(t) => Value {
                        text: t,
                        expression: None,
                        resolved: true,
                    },
                    None => Value {
                        text: raw.trim_matches(['\'', '"']).to_string(),
                        expression: None,
                        resolved: false,
                    },
                }
            })
        } else {
            // DownloadString / DownloadData return the content: nothing is saved.
            Some(Value {
                text: "-".to_string(),
                expression: None,
                resolved: true,
            })
        };
        let label = format!("webclient.download{}", kind.as_str().to_ascii_lowercase());
        download(
            doc,
            &url,
            s.span(url_range),
            s.stage,
            &label,
            output.as_ref(),
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_names() {
        assert_eq!(url_file_name("https://x.org/a/b.zip?x=1"), "b.zip");
        assert_eq!(url_file_name("https://x.org/"), "x.org");
        assert_eq!(url_file_name("https://x.org"), "x.org");
        assert_eq!(url_file_name("$env:URL"), "$env:URL");
        assert!(is_loopback("http://localhost:8080/health"));
        assert!(is_loopback("http://user@127.0.0.1/x"));
        assert!(!is_loopback("https://nodejs.org/dist"));
        assert!(is_pure_variable("$env:NODE_URL"));
        assert!(!is_pure_variable("https://x/$V"));
        let redirect = |u: &str| is_redirect_name(u, &url_file_name(u));
        assert!(redirect("https://go.microsoft.com/fwlink/?linkid=840945"));
        assert!(redirect("https://x.org/releases/latest/download"));
        assert!(!redirect("https://x.org/a/b.zip?x=1"));
        assert!(!redirect(
            "https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64"
        ));
    }
}
