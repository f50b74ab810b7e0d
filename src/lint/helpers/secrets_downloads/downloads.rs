//! Downloads.

use super::*;
use crate::lint::helpers::packages::{OptSpec, parse_args};

/// The tool performing a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadTool {
    Curl,
    Wget,
    InvokeWebRequest,
    WebClient,
    BitsTransfer,
    Certutil,
    Bitsadmin,
}

impl DownloadTool {
    pub fn label(self) -> &'static str {
        match self {
            DownloadTool::Curl => "curl",
            DownloadTool::Wget => "wget",
            DownloadTool::InvokeWebRequest => "Invoke-WebRequest",
            DownloadTool::WebClient => "WebClient.DownloadFile",
            DownloadTool::BitsTransfer => "Start-BitsTransfer",
            DownloadTool::Certutil => "certutil -urlcache",
            DownloadTool::Bitsadmin => "bitsadmin /transfer",
        }
    }
    /// Windows-only tools (PowerShell cmdlets, WebClient, certutil, bitsadmin).
    pub fn windows_only(self) -> bool {
        !matches!(self, DownloadTool::Curl | DownloadTool::Wget)
    }
}

/// One download found in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub tool: DownloadTool,
    /// Byte range in the script text of the downloading command (or method call).
    pub range: Range<usize>,
    /// Index into `script.commands` (`None` for WebClient method calls).
    pub command: Option<usize>,
    /// URL arguments as written (text, byte range of the word).
    pub urls: Vec<(String, Range<usize>)>,
    /// File written, as written (`None` when the body goes to stdout / the pipeline).
    pub output: Option<String>,
    /// The download only returns content (stdout / a .NET string / a response object).
    pub to_stdout: bool,
}

/// URLs (text, range), output file, content-only.
pub(super) type Parsed = (Vec<(String, Range<usize>)>, Option<String>, bool);

/// Value-taking options of curl (`-o`, `-H`, …); everything else is a switch, and `-4`, `-1`
/// are options. Shared by the download rules, DF124 and the SBOM extractor.
pub const CURL_OPTS: OptSpec = OptSpec::posix(&[
    "o",
    "output",
    "u",
    "user",
    "H",
    "header",
    "d",
    "data",
    "data-raw",
    "data-binary",
    "data-urlencode",
    "data-ascii",
    "A",
    "user-agent",
    "e",
    "referer",
    "x",
    "proxy",
    "U",
    "proxy-user",
    "X",
    "request",
    "retry",
    "retry-delay",
    "retry-max-time",
    "m",
    "max-time",
    "connect-timeout",
    "C",
    "continue-at",
    "w",
    "write-out",
    "T",
    "upload-file",
    "cacert",
    "capath",
    "cert",
    "E",
    "key",
    "b",
    "cookie",
    "c",
    "cookie-jar",
    "r",
    "range",
    "z",
    "time-cond",
    "K",
    "config",
    "resolve",
    "connect-to",
    "output-dir",
    "limit-rate",
    "Y",
    "speed-limit",
    "y",
    "speed-time",
    "proto",
    "proto-redir",
    "max-redirs",
    "interface",
    "dns-servers",
    "url",
    "oauth2-bearer",
    "ciphers",
    "F",
    "form",
    "form-string",
    "P",
    "ftp-port",
    "Q",
    "quote",
    "t",
    "telnet-option",
    "max-filesize",
    "netrc-file",
    "pinnedpubkey",
    "unix-socket",
    "abstract-unix-socket",
    "happy-eyeballs-timeout-ms",
    "expect100-timeout",
    "keepalive-time",
    "local-port",
    "aws-sigv4",
    "variable",
    "json",
    "url-query",
    "etag-save",
    "etag-compare",
    "tls-max",
    "hostpubmd5",
    "hostpubsha256",
    "krb",
    "login-options",
    "mail-from",
    "mail-rcpt",
    "noproxy",
    "pass",
    "preproxy",
    "proxy-header",
    "random-file",
    "sasl-authzid",
    "service-name",
    "socks4",
    "socks4a",
    "socks5",
    "socks5-hostname",
    "stderr",
    "trace",
    "trace-ascii",
    "ftp-method",
    "ftp-account",
    "ftp-alternative-to-user",
    "ftp-ssl-ccc-mode",
    "retry-connrefused-max",
    "parallel-max",
    "engine",
    "cert-type",
    "key-type",
    "D",
    "dump-header",
    "doh-url",
    "crlfile",
    "curves",
    "delegation",
    "hsts",
    "alt-svc",
    "proxy-cacert",
    "proxy-capath",
    "proxy-cert",
    "proxy-cert-type",
    "proxy-ciphers",
    "proxy-key",
    "proxy-key-type",
    "proxy-pass",
    "proxy-service-name",
    "pubkey",
    "request-target",
    "tls13-ciphers",
    "tlsauthtype",
    "tlspassword",
    "tlsuser",
    "create-file-mode",
    "ip-tos",
    "vlan-priority",
    "trace-config",
    "proto-default",
    "egd-file",
    "mail-auth",
])
.with_numeric_options();

/// Value-taking options of wget (shared like [`CURL_OPTS`]).
pub const WGET_OPTS: OptSpec = OptSpec::posix(&[
    "O",
    "output-document",
    "P",
    "directory-prefix",
    "o",
    "output-file",
    "a",
    "append-output",
    "t",
    "tries",
    "T",
    "timeout",
    "w",
    "wait",
    "U",
    "user-agent",
    "header",
    "e",
    "execute",
    "i",
    "input-file",
    "B",
    "base",
    "user",
    "password",
    "http-user",
    "http-password",
    "ca-certificate",
    "ca-directory",
    "certificate",
    "private-key",
    "post-data",
    "post-file",
    "Q",
    "quota",
    "limit-rate",
    "l",
    "level",
    "A",
    "accept",
    "R",
    "reject",
    "D",
    "domains",
    "X",
    "exclude-directories",
    "I",
    "include-directories",
    "load-cookies",
    "save-cookies",
    "referer",
    "progress",
    "restrict-file-names",
    "bind-address",
    "dns-timeout",
    "connect-timeout",
    "read-timeout",
    "waitretry",
    "method",
    "body-data",
    "body-file",
    "max-redirect",
    "secure-protocol",
    "ciphers",
    "hsts-file",
    "config",
    "use-askpass",
    "report-speed",
    "default-page",
    "cut-dirs",
]);

pub(super) fn url_basename(url: &str) -> String {
    let no_frag = url.split(['?', '#']).next().unwrap_or(url);
    no_frag
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

pub(super) fn looks_like_url_arg(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.contains("://") || l.starts_with('$') || l.starts_with('%') || l.starts_with("www.")
}

/// Output of a `>`/`>>` redirection in a command's raw text.
pub(super) fn redirect_target(raw: &str) -> Option<String> {
    static REDIR: LazyLock<Re> = LazyLock::new(|| re(r#"(?:^|\s)1?>>?\s*([^\s;&|]+)"#));
    let c = REDIR.captures(raw)?;
    let t = c.get(1)?.as_str().trim_matches(['"', '\'']);
    if t.starts_with('&') {
        None
    } else {
        Some(t.to_string())
    }
}

/// A URL operand or option value with its range.
fn url_of(v: &ShWord) -> (String, Range<usize>) {
    (v.text.clone(), v.range.clone())
}

pub(super) fn parse_curl(cmd: &Command, text: &str) -> Parsed {
    let p = parse_args(cmd.args(), &CURL_OPTS);
    // `--url` values and operands, in the order written.
    let mut urls: Vec<(String, Range<usize>)> = p
        .values(&["url"])
        .iter()
        .map(|v| (v.text.to_string(), v.range.clone()))
        .chain(p.operands.iter().map(|w| url_of(w)))
        .collect();
    urls.sort_by_key(|(_, r)| r.start);
    let mut output = p.value(&["o", "output"]).map(|v| v.text.to_string());
    if output.is_none() && p.has(&["O", "remote-name", "remote-name-all"]) {
        output = urls.first().map(|(u, _)| url_basename(u));
    }
    if output.is_none() {
        output = redirect_target(command_text(text, cmd));
    }
    let to_stdout = output.as_deref().is_none_or(|o| o == "-");
    if output.as_deref() == Some("-") {
        output = None;
    }
    (urls, output, to_stdout)
}

pub(super) fn parse_wget(cmd: &Command, text: &str) -> Parsed {
    let p = parse_args(cmd.args(), &WGET_OPTS);
    let urls: Vec<(String, Range<usize>)> = p.operands.iter().map(|w| url_of(w)).collect();
    let mut output = p
        .value(&["O", "output-document"])
        .map(|v| v.text.to_string());
    if output.is_none() && !p.has(&["i", "input-file"]) {
        let prefix = p.values(&["P", "directory-prefix"]).pop();
        output = urls.first().map(|(u, _)| {
            let b = url_basename(u);
            match &prefix {
                Some(p) => format!("{}/{b}", p.text.trim_end_matches('/')),
                None => b,
            }
        });
    }
    if output.is_none() {
        output = redirect_target(command_text(text, cmd));
    }
    let to_stdout = output.as_deref() == Some("-");
    if to_stdout {
        output = None;
    }
    (urls, output, to_stdout)
}

/// Parameters of Invoke-WebRequest / Invoke-RestMethod / Start-BitsTransfer: the switches (every
/// other parameter takes a value) and the value parameters whose names share a prefix with a
/// switch. Shared by the download rules and the SBOM extractor.
pub const PS_WEB_OPTS: OptSpec = OptSpec::powershell(&[
    "UseBasicParsing",
    "UseDefaultCredentials",
    "DisableKeepAlive",
    "PassThru",
    "SkipCertificateCheck",
    "AllowUnencryptedAuthentication",
    "SkipHeaderValidation",
    "SkipHttpErrorCheck",
    "Resume",
    "NoProxy",
    "ProxyUseDefaultCredentials",
    "AllowInsecureRedirect",
    "PreserveAuthorizationOnRedirect",
    "FollowRelLink",
    "Asynchronous",
    "Suspended",
    "Dynamic",
    "Verbose",
    "Debug",
    "WhatIf",
    "Confirm",
    "PreserveHttpMethodOnRedirect",
])
.with_value_params(&[
    "Proxy",
    "ProxyCredential",
    "ProxyUsage",
    "ProxyList",
    "ProxyBypass",
    "ProxyAuthentication",
    "ResponseHeadersVariable",
    "StatusCodeVariable",
    "Description",
    "DisplayName",
]);

pub(super) fn parse_iwr(cmd: &Command) -> Parsed {
    let p = parse_args(cmd.args(), &PS_WEB_OPTS);
    let uri = p
        .opt_prefix("Uri", 2)
        .or_else(|| p.opt(&["Url"]))
        .and_then(|o| o.value.as_ref())
        .map(|v| (v.text.to_string(), v.range.clone()));
    let urls: Vec<(String, Range<usize>)> = uri
        .or_else(|| p.operands.first().map(|w| url_of(w)))
        .into_iter()
        .collect();
    let output = p
        .opt_prefix("OutFile", 4)
        .and_then(|o| o.value.as_ref())
        .map(|v| v.text.to_string());
    let to_stdout = output.is_none();
    (urls, output, to_stdout)
}

pub(super) fn positionals(cmd: &Command) -> Vec<&ShWord> {
    cmd.args()
        .iter()
        .filter(|w| !(w.text.starts_with('-') || w.text.starts_with('/')))
        .collect()
}

pub(super) static WEBCLIENT_RE: LazyLock<Re> = LazyLock::new(|| {
    re(
        r#"(?i)\.Download(File|String|Data)(?:Async|TaskAsync)?\s*\(\s*((?:'[^']*'|"[^"]*"|[^,()'"]|\([^()]*\))+?)\s*(?:,\s*((?:'[^']*'|"[^"]*"|[^,()'"]|\([^()]*\))+?)\s*)?\)"#,
    )
});

pub(super) fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|x| x.strip_suffix('"')))
        .unwrap_or(s)
}

/// Every download in a script: curl / wget (any dialect), Invoke-WebRequest / iwr /
/// Invoke-RestMethod (and the `curl`/`wget` aliases of Windows PowerShell when used with
/// `-OutFile`), Start-BitsTransfer, certutil -urlcache, bitsadmin /transfer and
/// `WebClient.DownloadFile/DownloadString` calls. Sorted by position.
pub fn find_downloads(text: &str, script: &Script) -> Vec<Download> {
    let mut out = Vec::new();
    for (ci, cmd) in script.commands.iter().enumerate() {
        let name = cmd.name();
        let first_raw = cmd
            .words
            .first()
            .map_or("", |w| word_raw(text, w))
            .to_ascii_lowercase();
        let has_outfile = cmd.args().iter().any(|w| {
            let l = w.text.to_ascii_lowercase();
            let n = l.split(':').next().unwrap_or("");
            n.len() >= 5 && "-outfile".starts_with(n)
        });
        let (tool, (urls, output, to_stdout)) = match name.as_str() {
            "invoke-webrequest" | "iwr" | "invoke-restmethod" | "irm" => {
                (DownloadTool::InvokeWebRequest, parse_iwr(cmd))
            }
            // Windows PowerShell aliases `curl`/`wget` to Invoke-WebRequest.
            // (`-OutFile` is meaningless to the real curl/wget, so it identifies the alias.)
            "curl" | "wget" if has_outfile && !first_raw.ends_with(".exe") => {
                (DownloadTool::InvokeWebRequest, parse_iwr(cmd))
            }
            // HEAD requests and link checks fetch no content.
            "curl" | "wget" if cmd.has_arg(&["--spider", "-I", "--head"]) => continue,
            "curl" => (DownloadTool::Curl, parse_curl(cmd, text)),
            "wget" => (DownloadTool::Wget, parse_wget(cmd, text)),
            "start-bitstransfer" => {
                let src = flag_value(cmd, &["-Source"], false)
                    .or_else(|| positionals(cmd).first().copied())
                    .map(|w| (w.text.clone(), w.range.clone()));
                let dst = flag_value(cmd, &["-Destination"], false)
                    .map(|w| w.text.clone())
                    .or_else(|| {
                        let p = positionals(cmd);
                        let has_source_flag = cmd.has_arg(&["-Source"]);
                        p.get(if has_source_flag { 0 } else { 1 })
                            .map(|w| w.text.clone())
                    });
                (
                    DownloadTool::BitsTransfer,
                    (src.into_iter().collect(), dst, false),
                )
            }
            "certutil"
                if cmd.args().iter().any(|w| {
                    w.text.eq_ignore_ascii_case("-urlcache")
                        || w.text.eq_ignore_ascii_case("/urlcache")
                }) =>
            {
                let p = positionals(cmd);
                let url = p.iter().find(|w| looks_like_url_arg(&w.text)).copied();
                let outp = url
                    .and_then(|u| p.iter().skip_while(|w| w.range != u.range).nth(1))
                    .map(|w| w.text.clone());
                (
                    DownloadTool::Certutil,
                    (
                        url.map(|u| (u.text.clone(), u.range.clone()))
                            .into_iter()
                            .collect(),
                        outp,
                        false,
                    ),
                )
            }
            "bitsadmin"
                if cmd
                    .args()
                    .iter()
                    .any(|w| w.text.eq_ignore_ascii_case("/transfer")) =>
            {
                let args = cmd.args();
                let url_i = args.iter().position(|w| {
                    w.text.contains("://") || (w.text.starts_with('%') && w.text.len() > 2)
                });
                let url = url_i.and_then(|i| args.get(i));
                let outp = url_i.and_then(|i| args.get(i + 1)).map(|w| w.text.clone());
                (
                    DownloadTool::Bitsadmin,
                    (
                        url.map(|u| (u.text.clone(), u.range.clone()))
                            .into_iter()
                            .collect(),
                        outp,
                        false,
                    ),
                )
            }
            _ => continue,
        };
        let output = output.filter(|o| {
            !o.is_empty()
                && o != "/dev/null"
                && !o.eq_ignore_ascii_case("nul")
                && !o.eq_ignore_ascii_case("$null")
        });
        out.push(Download {
            tool,
            range: cmd.range.clone(),
            command: Some(ci),
            urls,
            to_stdout: to_stdout && output.is_none(),
            output,
        });
    }
    if script.dialect != Dialect::Posix || text.contains(".Download") {
        for c in WEBCLIENT_RE.captures_iter(text) {
            let (Some(whole), Some(kind), Some(u)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            let url_text = unquote(u.as_str()).to_string();
            let (output, to_stdout) = if kind.as_str().eq_ignore_ascii_case("file") {
                (c.get(3).map(|o| unquote(o.as_str()).to_string()), false)
            } else {
                (None, true)
            };
            out.push(Download {
                tool: DownloadTool::WebClient,
                range: whole.range(),
                command: None,
                urls: vec![(url_text, u.range())],
                output,
                to_stdout,
            });
        }
    }
    out.sort_by_key(|d| d.range.start);
    out
}

/// A checksum / signature verification in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Start offset in the script text (for ordering).
    pub start: usize,
    /// Raw text of the verifying pipeline (`echo "$SHA *f" | sha256sum -c -`).
    pub text: String,
    /// Index of the verifying command (and of the first command of its pipeline).
    pub command: Option<usize>,
    pub pipeline_start: Option<usize>,
}

pub(super) const HASH_TOOLS: &[&str] = &[
    "sha256sum",
    "sha512sum",
    "sha384sum",
    "sha224sum",
    "sha1sum",
    "shasum",
    "b2sum",
    "md5sum",
    "sha3sum",
    "rhash",
];
pub(super) const COMPARE_OPS: &[&str] = &[
    "-ne",
    "-eq",
    "-cne",
    "-ceq",
    "-ine",
    "-ieq",
    "-like",
    "-notlike",
    "-match",
    "-notmatch",
    "-in",
    "-notin",
    "-contains",
    "-notcontains",
    ".equals(",
    "compare-object",
];

pub(super) fn is_verification(cmd: &Command, script_lower: &str) -> bool {
    let name = cmd.name();
    let has = |names: &[&str]| cmd.has_arg(names);
    match name.as_str() {
        n if HASH_TOOLS.contains(&n) => true,
        "gpg" | "gpg2" => {
            has(&["--verify", "--verify-files"])
                || cmd.args().iter().any(|w| w.text.starts_with("--verify"))
        }
        "gpgv" | "gpgv2" | "slsa-verifier" | "pkgcheck" => true,
        "cosign" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text.starts_with("verify")),
        "notation" | "sigstore" => cmd.args().first().is_some_and(|a| a.text == "verify"),
        "gh" => cmd.args().first().is_some_and(|a| a.text == "attestation"),
        "minisign" | "signify" => has(&["-V", "-Vm", "-C"]),
        "openssl" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text == "dgst" || a.text == "sha256" || a.text == "sha512"),
        "rpm" | "rpmkeys" => has(&["-K", "--checksig"]),
        "dpkg-sig" => has(&["--verify"]),
        "get-filehash" => COMPARE_OPS.iter().any(|op| script_lower.contains(op)),
        "get-authenticodesignature" | "test-filecatalog" => true,
        "signtool" => cmd
            .args()
            .first()
            .is_some_and(|a| a.text.eq_ignore_ascii_case("verify")),
        "certutil" => has(&["-hashfile", "/hashfile"]),
        _ => false,
    }
}

/// Checksum and signature verifications in a script (`sha256sum -c`, `gpg --verify`, `gpgv`,
/// `cosign verify*`, `minisign -V`, `openssl dgst`, `rpm -K`, `Get-FileHash` with a comparison,
/// `Get-AuthenticodeSignature`, `certutil -hashfile`, `signtool verify`).
pub fn find_verifications(text: &str, script: &Script) -> Vec<Verification> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for (ci, cmd) in script.commands.iter().enumerate() {
        if !is_verification(cmd, &lower) {
            continue;
        }
        let ps = pipeline_start(script, ci);
        let start = script
            .commands
            .get(ps)
            .map_or(cmd.range.start, |c| c.range.start.min(cmd.range.start));
        let t = text
            .get(start..cmd.range.end.max(start))
            .unwrap_or("")
            .to_string();
        out.push(Verification {
            start: cmd.range.start,
            text: t,
            command: Some(ci),
            pipeline_start: Some(ps),
        });
    }
    out
}

/// Downloads that fetch verification material (checksums, signatures, keys) or repository
/// configuration rather than an artifact.
/// `gpg --import`, `gpg --dearmor`, `apt-key add`, `rpm --import`: the file is a signing key.
pub(super) fn is_key_import(c: &Command) -> bool {
    let name = c.name();
    match name.as_str() {
        "gpg" | "gpg2" => c.has_arg(&["--import", "--dearmor", "--enarmor"]),
        "apt-key" => true,
        "rpm" | "rpmkeys" => c.has_arg(&["--import"]),
        _ => false,
    }
}

pub fn is_verification_material(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    let base = l.rsplit(['/', '\\']).next().unwrap_or(&l);
    const EXT: &[&str] = &[
        ".asc",
        ".sig",
        ".sign",
        ".gpg",
        ".pgp",
        ".key",
        ".pub",
        ".pem",
        ".crt",
        ".cer",
        ".der",
        ".sha1",
        ".sha256",
        ".sha512",
        ".md5",
        ".sha256sum",
        ".sha512sum",
        ".sha256sums",
        ".sums",
        ".repo",
        ".list",
        ".sources",
        ".minisig",
        ".bundle",
        ".intoto.jsonl",
        ".sbom",
        ".spdx",
        ".cdx.json",
        ".sha256.txt",
        ".sha512.txt",
    ];
    EXT.iter().any(|e| base.ends_with(e))
        || base.contains("sha256sums")
        || base.contains("sha512sums")
        || base.contains("shasums")
        || base.contains("checksums")
        || base.contains("keyring")
        || base == "keys"
        || base.ends_with(".keys")
        || [
            "sha256", "sha384", "sha512", "sha1sum", "checksum", "shasum", "-sha.", "_sha.",
        ]
        .iter()
        .any(|k| base.contains(k))
        || l.contains("/etc/apt/")
        || l.contains("/usr/share/keyrings/")
        || l.contains("/etc/pki/")
        || l.contains("/etc/yum.repos.d/")
        || l.contains("/usr/local/share/ca-certificates/")
}

/// Whether `hay` mentions `name` as a whole path component / word (the characters around the
/// match are not name characters), optionally ignoring ASCII case.
/// `${NAME}` → `$NAME` so both spellings of a variable compare equal.
pub(super) fn unbrace(s: &str) -> String {
    static BRACED: LazyLock<Re> = LazyLock::new(|| re(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}"));
    let mut out = String::new();
    let mut last = 0;
    for c in BRACED.captures_iter(s) {
        let (Some(m), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        out.push_str(s.get(last..m.start()).unwrap_or(""));
        out.push('$');
        out.push_str(name.as_str());
        last = m.end();
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

pub fn mentions(hay: &str, name: &str, ignore_case: bool) -> bool {
    if name.is_empty() {
        return false;
    }
    let (h, n) = if ignore_case {
        (
            unbrace(&hay.to_ascii_lowercase()),
            unbrace(&name.to_ascii_lowercase()),
        )
    } else {
        (unbrace(hay), unbrace(name))
    };
    let cont = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
    let mut from = 0;
    while let Some(pos) = h.get(from..).and_then(|s| s.find(&n)) {
        let s = from + pos;
        let e = s + n.len();
        let before = h.get(..s).and_then(|b| b.chars().next_back());
        let after = h.get(e..).and_then(|a| a.chars().next());
        let before_ok = before.is_none_or(|c| !cont(c) || n.starts_with('$'));
        let after_ok = after.is_none_or(|c| {
            !cont(c)
                || (c == '.'
                    && h.get(e + 1..)
                        .is_none_or(|r| r.is_empty() || r.starts_with(char::is_whitespace)))
        });
        if before_ok && after_ok {
            return true;
        }
        from = s + n.len().max(1);
        if from >= h.len() {
            break;
        }
    }
    false
}

/// The file name a download writes (basename, quotes removed).
pub fn output_basename(output: &str) -> String {
    let b = output
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(output);
    b.trim_matches(['"', '\'']).to_string()
}

/// Commands that print or remove a file rather than use it.
pub(super) const NOT_A_USE: &[&str] = &[
    "echo",
    "printf",
    "write-host",
    "write-output",
    "write-verbose",
    "write-information",
    "rm",
    "remove-item",
    "del",
    "erase",
    "ri",
    "test-path",
    "ls",
    "dir",
    "get-childitem",
    "gci",
    "stat",
    "get-item",
    "file",
    "du",
    "wc",
    "true",
    ":",
];

/// Consumers that unpack or execute a piped download (its bytes are used directly).
pub fn is_pipe_consumer(name: &str) -> bool {
    matches!(
        name,
        "tar"
            | "bsdtar"
            | "unzip"
            | "gunzip"
            | "gzip"
            | "zcat"
            | "xz"
            | "unxz"
            | "xzcat"
            | "bzip2"
            | "bunzip2"
            | "zstd"
            | "unzstd"
            | "cpio"
            | "dpkg"
            | "rpm"
            | "rpm2cpio"
            | "busybox"
            | "7z"
            | "7za"
            | "jar"
            | "tee"
            | "install"
    )
}

/// Interpreters (a pipe into these is DF125's remote-script case, not a download check).
pub fn is_shell_interpreter(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash"
            | "ash"
            | "dash"
            | "zsh"
            | "ksh"
            | "fish"
            | "python"
            | "python3"
            | "python2"
            | "perl"
            | "ruby"
            | "node"
            | "php"
            | "pwsh"
            | "powershell"
            | "iex"
            | "invoke-expression"
    )
}

/// Extensions of files that verify the file they are named after (`x.tgz.asc` verifies `x.tgz`).
pub(super) const SIDECAR_EXT: &[&str] = &[
    ".asc",
    ".sig",
    ".sign",
    ".gpg",
    ".sha256",
    ".sha512",
    ".sha256sum",
    ".sha512sum",
    ".md5",
    ".minisig",
    ".bundle",
    ".pem",
];

/// Expands `$X` / `${X}` / `$env:X` / `%X%` references with known values (one level).
pub fn expand_references(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let Some(rest) = s.get(i..) else { break };
        if let Some(n) = reference_len(rest) {
            let r = rest.get(..n).unwrap_or("");
            match reference_name(r).and_then(|name| {
                vars.get(&name).or_else(|| {
                    vars.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                        .map(|(_, v)| v)
                })
            }) {
                Some(v) => out.push_str(v),
                None => out.push_str(r),
            }
            i += n;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A URL that names an immutable Git commit (a 40-hex path segment, e.g.
/// `raw.githubusercontent.com/o/r/<sha>/file`): its content cannot change.
pub fn url_pinned_by_commit(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.split('/')
        .any(|seg| seg.len() == 40 && seg.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What happened to a download within its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadVerdict {
    /// A checksum/signature check covers it before any use.
    Verified,
    /// It is used (range of the using command in its script, and which script) before any check.
    UsedUnverified { script: usize, range: Range<usize> },
    /// The body is piped straight into a consumer (`curl … | tar x`).
    PipedUnverified { consumer: String },
    /// It is never checked in the stage.
    NeverVerified,
}

/// One analysed download: index into the scripts slice, the download, and the verdict.
#[derive(Debug, Clone)]
pub struct DownloadFinding {
    pub script: usize,
    pub download: Download,
    pub verdict: DownloadVerdict,
}

/// Analyses every download of `scripts` (RUN scripts in file order): a download to a file is
/// verified if a checksum/signature check that mentions the file (or mentions none of the
/// stage's downloaded files, e.g. `sha256sum -c SHA256SUMS`) follows it in the same RUN or a
/// later RUN of the same stage before any command uses the file. Downloads of checksums,
/// signatures, keys and repository files, and content-only downloads not piped into an
/// unpacker, are skipped.
pub fn download_verdicts(df: &Dockerfile, scripts: &[ShellScript<'_>]) -> Vec<DownloadFinding> {
    struct Info {
        downloads: Vec<Download>,
        verifs: Vec<Verification>,
        stage: usize,
    }
    let infos: Vec<Info> = scripts
        .iter()
        .map(|s| Info {
            downloads: find_downloads(&s.text.text, &s.script),
            verifs: find_verifications(&s.text.text, &s.script),
            stage: stage_number(df, s.instruction),
        })
        .collect();
    let mut out = Vec::new();
    for (si, info) in infos.iter().enumerate() {
        let Some(script) = scripts.get(si) else {
            continue;
        };
        let ignore_case = script.script.dialect != Dialect::Posix;
        let stage_outputs: Vec<String> = infos
            .iter()
            .filter(|o| o.stage == info.stage)
            .flat_map(|o| {
                o.downloads
                    .iter()
                    .filter_map(|d| d.output.as_deref().map(output_basename))
            })
            .filter(|b| !b.is_empty())
            .collect();
        let declared = declared_values(df, script.instruction);
        let script_vars = script_assignments(&script.text.text, script.script.dialect);
        for d in &info.downloads {
            let pinned = d.urls.iter().any(|(u, _)| {
                let e = expand_references(u, &declared);
                url_pinned_by_commit(&e)
                    || url_pinned_by_commit(&expand_references(u, &script_vars))
            });
            if pinned {
                continue;
            }
            if d.urls.iter().any(|(u, _)| is_verification_material(u))
                && d.output.as_deref().is_none_or(is_verification_material)
            {
                continue;
            }
            if d.to_stdout {
                let consumer = d
                    .command
                    .and_then(|ci| piped_into(&script.script, ci))
                    .and_then(|j| script.script.commands.get(j));
                if let Some(c) = consumer {
                    let name = c.name();
                    let key_import = name == "gpg"
                        || name == "apt-key"
                        || name == "rpm" && c.has_arg(&["--import"]);
                    if is_pipe_consumer(&name) && !key_import {
                        let tee_target = if name == "tee" {
                            c.args()
                                .iter()
                                .find(|w| !w.text.starts_with('-'))
                                .map(|w| w.text.clone())
                        } else {
                            None
                        };
                        if tee_target.as_deref().is_some_and(is_verification_material) {
                            continue;
                        }
                        out.push(DownloadFinding {
                            script: si,
                            download: d.clone(),
                            verdict: DownloadVerdict::PipedUnverified {
                                consumer: name.into_owned(),
                            },
                        });
                    }
                }
                continue;
            }
            let Some(output) = d.output.as_deref() else {
                continue;
            };
            if is_verification_material(output) {
                continue;
            }
            let base = output_basename(output);
            if base.is_empty() {
                continue;
            }
            let covers = |v: &Verification| {
                mentions(&v.text, &base, ignore_case)
                    || SIDECAR_EXT
                        .iter()
                        .any(|e| mentions(&v.text, &format!("{base}{e}"), ignore_case))
                    || !stage_outputs
                        .iter()
                        .any(|o| mentions(&v.text, o, ignore_case))
            };
            let mut verdict = DownloadVerdict::NeverVerified;
            let mut key_material = false;
            'scan: for (sj, other) in infos.iter().enumerate().skip(si) {
                if other.stage != info.stage {
                    continue;
                }
                let Some(os) = scripts.get(sj) else { continue };
                let after = if sj == si { d.range.end } else { 0 };
                // Events of this script after the download, ordered by position.
                let mut events: Vec<(usize, bool, Range<usize>)> = Vec::new();
                for v in other.verifs.iter().filter(|v| v.start >= after) {
                    if covers(v) {
                        events.push((v.start, true, v.start..v.start));
                    }
                }
                let verif_cmds: Vec<usize> = other
                    .verifs
                    .iter()
                    .flat_map(|v| {
                        let a = v.pipeline_start.unwrap_or(usize::MAX);
                        let b = v.command.unwrap_or(usize::MAX);
                        if a <= b {
                            (a..=b).collect::<Vec<_>>()
                        } else {
                            Vec::new()
                        }
                    })
                    .collect();
                let download_cmds: Vec<usize> =
                    other.downloads.iter().filter_map(|x| x.command).collect();
                for (ci, c) in os.script.commands.iter().enumerate() {
                    if c.range.start < after
                        || verif_cmds.contains(&ci)
                        || download_cmds.contains(&ci)
                    {
                        continue;
                    }
                    if NOT_A_USE.contains(&c.name().as_str()) {
                        continue;
                    }
                    // A command containing nested commands (e.g. `if (…) { … }`) is judged by
                    // the nested ones.
                    let has_nested = os.script.commands.iter().any(|n| {
                        n.depth > c.depth
                            && n.range.start >= c.range.start
                            && n.range.end <= c.range.end
                            && n.range != c.range
                    });
                    if has_nested {
                        continue;
                    }
                    // PowerShell expression statements (`$_ -match …`, `[x]::y(…)`) are not
                    // commands that consume the file.
                    let first = c.words.first().map_or("", |w| w.text.as_str());
                    if first.starts_with(['$', '(', '[', '@'])
                        && first.contains(char::is_whitespace)
                    {
                        continue;
                    }
                    let ct = command_text(&os.text.text, c);
                    if mentions(ct, &base, ignore_case)
                        || (base != output && mentions(ct, output, ignore_case))
                    {
                        events.push((c.range.start, false, c.range.clone()));
                    }
                }
                events.sort_by_key(|e| (e.0, !e.1));
                if let Some((_, is_verif, r)) = events.first() {
                    if *is_verif {
                        key_material = false;
                    } else if let Some(c) = os.script.commands.iter().find(|c| c.range == *r) {
                        key_material = is_key_import(c);
                    }
                    verdict = if *is_verif {
                        DownloadVerdict::Verified
                    } else {
                        DownloadVerdict::UsedUnverified {
                            script: sj,
                            range: r.clone(),
                        }
                    };
                    break 'scan;
                }
            }
            if key_material {
                // The first use imports it as a signing key (`gpg --import KEYS`).
                continue;
            }
            if verdict != DownloadVerdict::Verified {
                out.push(DownloadFinding {
                    script: si,
                    download: d.clone(),
                    verdict,
                });
            }
        }
    }
    out
}
