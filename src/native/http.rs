//! The one HTTP client for everything that goes online (registry look-ups with `--resolve`,
//! online advisory queries). Nothing here runs unless a caller builds a [`Client`] and sends a
//! request: offline runs never construct one.
//!
//! - Blocking `reqwest` over `rustls` with the `ring` crypto provider (installed as the process
//!   default on first use). No OpenSSL / native-tls. rustls speaks TLS 1.2 and 1.3 only, and the
//!   minimum is additionally pinned to 1.2. Certificates are checked against the platform's
//!   trust store (rustls-platform-verifier).
//! - HTTPS only. Plain HTTP is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`,
//!   `::1`) and only when [`HttpOptions::allow_http_loopback`] is set; redirects are held to
//!   the same rule.
//! - Proxies come from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`,
//!   upper or lower case) and, on Windows and macOS, from the system settings. Loopback hosts
//!   are always reached directly, never through a proxy.
//! - Connect timeout and a per-request timeout (covering the response body), bounded retries
//!   with exponential backoff on connection failures, timeouts, 429 and 5xx (`Retry-After`, in
//!   seconds or as an HTTP date, is honoured up to the backoff cap). `POST` is only retried when the connection
//!   could not be made at all.
//! - Every failure is an [`HttpError`] value naming the host or URL and what went wrong; a DNS
//!   failure says the machine may be offline.

use std::io::Read;
use std::net::IpAddr;
use std::time::Duration;

pub use reqwest::Method;
pub use reqwest::Url;
pub use reqwest::header::HeaderMap;

/// How the client connects, waits and retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Time allowed to open a TCP (+ TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole request: sending it, the response head and reading the body.
    pub timeout: Duration,
    /// Additional attempts after the first (0 = no retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub backoff_initial: Duration,
    /// Upper bound of one backoff delay (and of an honoured `Retry-After`).
    pub backoff_max: Duration,
    /// Bodies larger than this are refused with [`HttpError::TooLarge`].
    pub max_body_bytes: u64,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Use proxies from the environment / system settings. When false, always connect directly.
    pub system_proxy: bool,
    /// Accept plain `http://` URLs whose host is a loopback address.
    pub allow_http_loopback: bool,
    /// Refuse every request without touching the network.
    pub offline: bool,
    /// PEM bundles of additional trusted CA certificates (e.g. a company CA in front of an
    /// internal registry), trusted in addition to the platform's store.
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_retries: 3,
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            max_body_bytes: 8 * 1024 * 1024,
            user_agent: format!("portcullis/{}", env!("CARGO_PKG_VERSION")),
            system_proxy: true,
            allow_http_loopback: false,
            offline: false,
            extra_roots_pem: Vec::new(),
        }
    }
}

/// Why a request failed. Every variant names the host or URL concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "refusing plain HTTP to `{url}`: only HTTPS is allowed (plain HTTP only for explicitly allowed loopback hosts)"
    )]
    Insecure { url: String },
    #[error("network access is disabled (offline mode); not fetching {url}")]
    OfflineMode { url: String },
    #[error(
        "cannot resolve host `{host}` ({detail}); is this machine offline or the host name wrong?"
    )]
    Dns { host: String, detail: String },
    #[error("cannot connect to {host} (after {attempts} attempt(s)): {detail}")]
    Connect {
        host: String,
        attempts: u32,
        detail: String,
    },
    #[error("TLS failure with {host}: {detail}")]
    Tls { host: String, detail: String },
    #[error("request to {url} timed out (after {attempts} attempt(s), {timeout_ms} ms each)")]
    Timeout {
        url: String,
        attempts: u32,
        timeout_ms: u64,
    },
    #[error("redirect from {url} refused: {detail}")]
    Redirect { url: String, detail: String },
    #[error("response from {url} is larger than the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    #[error("request to {url} failed (after {attempts} attempt(s)): {detail}")]
    Transport {
        url: String,
        attempts: u32,
        detail: String,
    },
}

impl HttpError {
    fn retryable(&self, idempotent: bool) -> bool {
        match self {
            HttpError::Connect { .. } => true,
            HttpError::Timeout { .. } | HttpError::Transport { .. } => idempotent,
            _ => false,
        }
    }

    fn set_attempts(&mut self, n: u32) {
        match self {
            HttpError::Connect { attempts, .. }
            | HttpError::Timeout { attempts, .. }
            | HttpError::Transport { attempts, .. } => *attempts = n,
            _ => {}
        }
    }
}

/// One request to send. Header names and values must be valid HTTP header text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    pub fn head(url: impl Into<String>) -> Self {
        Self::new(Method::HEAD, url)
    }

    /// Adds a header (builder style).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body (builder style).
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    fn idempotent(&self) -> bool {
        self.method != Method::POST && self.method != Method::PATCH
    }
}

/// A complete response: status, headers and the whole body (bounded by `max_body_bytes`).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// The final URL, after redirects.
    pub url: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// How many attempts the request took (1 = no retry).
    pub attempts: u32,
}

impl HttpResponse {
    /// A header's value as text (first occurrence), if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's `Retry-After` (seconds or an HTTP date) as a delay from now.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(self.header("retry-after")?, std::time::SystemTime::now())
    }

    /// The body as text for messages: lossy UTF-8, at most `max` characters, trimmed.
    pub fn body_snippet(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let t = text.trim();
        let mut out: String = t.chars().take(max).collect();
        if t.chars().count() > max {
            out.push('…');
        }
        out
    }

    /// `": <snippet>"` of the body for an error message, or nothing for an empty body.
    pub fn detail_suffix(&self, max: usize) -> String {
        let snippet = self.body_snippet(max);
        if snippet.is_empty() {
            snippet
        } else {
            format!(": {snippet}")
        }
    }
}

/// Limits of one streamed download ([`Client::download`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadOptions {
    /// Bodies larger than this are refused with [`HttpError::TooLarge`] (also when the
    /// announced `Content-Length` is larger, before reading).
    pub max_bytes: u64,
    /// Time allowed for one attempt, including the whole body.
    pub timeout: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            max_bytes: 1024 * 1024 * 1024,
            timeout: Duration::from_secs(15 * 60),
        }
    }
}

/// The result of [`Client::download`]: the response (its `body` is empty for a 2xx answer,
/// whose body went to the file) and how many bytes were written to the file.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub response: HttpResponse,
    pub bytes: u64,
}

/// The HTTP client: two `reqwest` clients sharing the same settings, one for remote hosts
/// (proxies honoured, HTTPS only) and one for loopback hosts (always direct).
#[derive(Debug, Clone)]
pub struct Client {
    remote: reqwest::blocking::Client,
    direct: reqwest::blocking::Client,
    opts: HttpOptions,
}

/// Installs the `ring` rustls provider as the process default unless one is installed already.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing a provider is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Builds a [`Client`] from `opts`. Touches no network.
pub fn client(opts: &HttpOptions) -> Result<Client, HttpError> {
    install_crypto_provider();
    let mut extra = Vec::new();
    for (i, pem) in opts.extra_roots_pem.iter().enumerate() {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
            HttpError::Setup(format!(
                "extra root certificate bundle #{}: {}",
                i + 1,
                error_chain(&e)
            ))
        })?;
        if certs.is_empty() {
            return Err(HttpError::Setup(format!(
                "extra root certificate bundle #{} holds no PEM certificate",
                i + 1
            )));
        }
        extra.extend(certs);
    }
    let allow_http = opts.allow_http_loopback;
    let base = || {
        reqwest::blocking::Client::builder()
            .tls_certs_merge(extra.clone())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .user_agent(opts.user_agent.clone())
            .tls_version_min(reqwest::tls::Version::TLS_1_2)
            .redirect(redirect_policy(allow_http))
    };
    let remote = if opts.system_proxy {
        base()
    } else {
        base().no_proxy()
    }
    .https_only(true)
    .build()
    .map_err(|e| HttpError::Setup(error_chain(&e)))?;
    let direct = base()
        .no_proxy()
        .build()
        .map_err(|e| HttpError::Setup(error_chain(&e)))?;
    Ok(Client {
        remote,
        direct,
        opts: opts.clone(),
    })
}

fn redirect_policy(allow_http_loopback: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 10 {
            return attempt.error("more than 10 redirects");
        }
        let url = attempt.url();
        match url.scheme() {
            "https" => attempt.follow(),
            "http" if allow_http_loopback && is_loopback_url(url) => attempt.follow(),
            _ => {
                let msg = format!("redirect to `{url}` is not HTTPS");
                attempt.error(msg)
            }
        }
    })
}

/// Whether the URL's host is `localhost` or a loopback IP address.
pub fn is_loopback_url(url: &Url) -> bool {
    url.host_str().is_some_and(is_loopback_host)
}

/// Whether a host name (without port; IPv6 with or without brackets) is loopback.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => url.as_str().to_string(),
    }
}

impl Client {
    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// Checks a URL against the client's rules (parseable, HTTPS or allowed loopback HTTP,
    /// not offline) without sending anything.
    pub fn check_url(&self, url: &str) -> Result<Url, HttpError> {
        let parsed = Url::parse(url).map_err(|e| HttpError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if parsed.host_str().is_none() {
            return Err(HttpError::InvalidUrl {
                url: url.to_string(),
                reason: "no host".into(),
            });
        }
        match parsed.scheme() {
            "https" => {}
            "http" if self.opts.allow_http_loopback && is_loopback_url(&parsed) => {}
            "http" => {
                return Err(HttpError::Insecure {
                    url: url.to_string(),
                });
            }
            other => {
                return Err(HttpError::InvalidUrl {
                    url: url.to_string(),
                    reason: format!("unsupported scheme `{other}`"),
                });
            }
        }
        if self.opts.offline {
            return Err(HttpError::OfflineMode {
                url: url.to_string(),
            });
        }
        Ok(parsed)
    }

    /// Sends `req`, retrying connection failures, timeouts, 429 and 5xx (except 501/505) with
    /// exponential backoff, at most `max_retries` times. Any final status is returned as a
    /// response (the caller interprets 4xx/5xx); only transport failures are errors.
    pub fn send(&self, req: &Request) -> Result<HttpResponse, HttpError> {
        let url = self.check_url(&req.url)?;
        let idempotent = req.idempotent();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let can_retry = attempt <= self.opts.max_retries;
            match self.send_once(req, &url) {
                Ok(mut resp) => {
                    if idempotent && can_retry && retryable_status(resp.status) {
                        std::thread::sleep(self.backoff(attempt, resp.retry_after()));
                        continue;
                    }
                    resp.attempts = attempt;
                    return Ok(resp);
                }
                Err(mut e) => {
                    if can_retry && e.retryable(idempotent) {
                        std::thread::sleep(self.backoff(attempt, None));
                        continue;
                    }
                    e.set_attempts(attempt);
                    return Err(e);
                }
            }
        }
    }

    /// `GET url` with extra headers, retried as [`Client::send`] does.
    pub fn get_with_retry(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<HttpResponse, HttpError> {
        let mut req = Request::get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(&req)
    }

    /// Delay before retry number `attempt` (1-based): initial × 2^(attempt-1), or the server's
    /// hint when larger, capped at `backoff_max`.
    pub fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        let shift = attempt.saturating_sub(1).min(20);
        let exp = self
            .opts
            .backoff_initial
            .checked_mul(1u32 << shift)
            .unwrap_or(self.opts.backoff_max);
        let d = match hint {
            Some(h) if h > exp => h,
            _ => exp,
        };
        d.min(self.opts.backoff_max)
    }

    /// `req` with its body streamed into `file` instead of memory (large downloads). The file
    /// is truncated before every attempt, so after a retry it holds only the last attempt's
    /// body. Only a 2xx body goes to the file; any other status is returned like
    /// [`Client::send`] returns it (body in memory, bounded by `max_body_bytes`). Retries,
    /// backoff and URL rules are those of [`Client::send`]; `opts` sets the size limit of the
    /// streamed body and the time allowed per attempt. `progress` is called with the bytes
    /// written so far and the announced length.
    pub fn download(
        &self,
        req: &Request,
        file: &mut std::fs::File,
        opts: &DownloadOptions,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, HttpError> {
        let url = self.check_url(&req.url)?;
        let idempotent = req.idempotent();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let can_retry = attempt <= self.opts.max_retries;
            match self.download_once(req, &url, file, opts, progress) {
                Ok(mut d) => {
                    if idempotent && can_retry && retryable_status(d.response.status) {
                        std::thread::sleep(self.backoff(attempt, d.response.retry_after()));
                        continue;
                    }
                    d.response.attempts = attempt;
                    return Ok(d);
                }
                Err(mut e) => {
                    if can_retry && e.retryable(idempotent) {
                        std::thread::sleep(self.backoff(attempt, None));
                        continue;
                    }
                    e.set_attempts(attempt);
                    return Err(e);
                }
            }
        }
    }

    fn download_once(
        &self,
        req: &Request,
        url: &Url,
        file: &mut std::fs::File,
        opts: &DownloadOptions,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Downloaded, HttpError> {
        use std::io::{Seek, SeekFrom, Write};
        let inner = if is_loopback_url(url) {
            &self.direct
        } else {
            &self.remote
        };
        let mut rb = inner
            .request(req.method.clone(), url.clone())
            .timeout(opts.timeout);
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let mut resp = rb.send().map_err(|e| self.classify(&e, url))?;
        let status = resp.status().as_u16();
        let final_url = resp.url().to_string();
        let headers = resp.headers().clone();
        let read_err = |e: std::io::Error, url: &str| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                HttpError::Timeout {
                    url: url.to_string(),
                    attempts: 1,
                    timeout_ms: duration_ms(opts.timeout),
                }
            } else {
                HttpError::Transport {
                    url: url.to_string(),
                    attempts: 1,
                    detail: format!("reading the response body: {}", io_error_chain(&e)),
                }
            }
        };
        if !(200..300).contains(&status) {
            let limit = self.opts.max_body_bytes;
            let mut body = Vec::new();
            resp.take(limit.saturating_add(1))
                .read_to_end(&mut body)
                .map_err(|e| read_err(e, &final_url))?;
            body.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            return Ok(Downloaded {
                response: HttpResponse {
                    status,
                    url: final_url,
                    headers,
                    body,
                    attempts: 1,
                },
                bytes: 0,
            });
        }
        let local = |e: std::io::Error, url: &str| HttpError::Transport {
            url: url.to_string(),
            attempts: 1,
            detail: format!("writing the download to disk: {e}"),
        };
        file.set_len(0).map_err(|e| local(e, &final_url))?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| local(e, &final_url))?;
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > opts.max_bytes) {
            return Err(HttpError::TooLarge {
                url: final_url,
                limit: opts.max_bytes,
            });
        }
        let mut written: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match resp.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_err(e, &final_url)),
            };
            written = written.saturating_add(n as u64);
            if written > opts.max_bytes {
                return Err(HttpError::TooLarge {
                    url: final_url,
                    limit: opts.max_bytes,
                });
            }
            let chunk = buf.get(..n).unwrap_or_default();
            file.write_all(chunk).map_err(|e| local(e, &final_url))?;
            progress(written, announced);
        }
        if let Some(n) = announced
            && n != written
        {
            return Err(HttpError::Transport {
                url: final_url,
                attempts: 1,
                detail: format!("the body ended after {written} of {n} announced bytes"),
            });
        }
        file.flush().map_err(|e| local(e, &final_url))?;
        Ok(Downloaded {
            response: HttpResponse {
                status,
                url: final_url,
                headers,
                body: Vec::new(),
                attempts: 1,
            },
            bytes: written,
        })
    }

    fn send_once(&self, req: &Request, url: &Url) -> Result<HttpResponse, HttpError> {
        let inner = if is_loopback_url(url) {
            &self.direct
        } else {
            &self.remote
        };
        let mut rb = inner.request(req.method.clone(), url.clone());
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let resp = rb.send().map_err(|e| self.classify(&e, url))?;
        let status = resp.status().as_u16();
        let final_url = resp.url().to_string();
        let headers = resp.headers().clone();
        let limit = self.opts.max_body_bytes;
        let mut body = Vec::new();
        resp.take(limit.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut {
                    HttpError::Timeout {
                        url: final_url.clone(),
                        attempts: 1,
                        timeout_ms: duration_ms(self.opts.timeout),
                    }
                } else {
                    HttpError::Transport {
                        url: final_url.clone(),
                        attempts: 1,
                        detail: format!("reading the response body: {}", io_error_chain(&e)),
                    }
                }
            })?;
        if body.len() as u64 > limit {
            return Err(HttpError::TooLarge {
                url: final_url,
                limit,
            });
        }
        Ok(HttpResponse {
            status,
            url: final_url,
            headers,
            body,
            attempts: 1,
        })
    }

    fn classify(&self, e: &reqwest::Error, url: &Url) -> HttpError {
        let detail = error_chain(e);
        let host = host_of(url);
        if e.is_redirect() {
            return HttpError::Redirect {
                url: url.to_string(),
                detail,
            };
        }
        if e.is_dns() {
            return HttpError::Dns { host, detail };
        }
        if has_tls_error(e) {
            return HttpError::Tls { host, detail };
        }
        if e.is_timeout() {
            return HttpError::Timeout {
                url: url.to_string(),
                attempts: 1,
                timeout_ms: duration_ms(if e.is_connect() {
                    self.opts.connect_timeout
                } else {
                    self.opts.timeout
                }),
            };
        }
        if e.is_connect() {
            return HttpError::Connect {
                host,
                attempts: 1,
                detail,
            };
        }
        HttpError::Transport {
            url: url.to_string(),
            attempts: 1,
            detail,
        }
    }
}

/// A `Retry-After` value (RFC 9110 §10.2.3) as a delay after `now`: delay-seconds, or an
/// HTTP-date in any of the three formats recipients must accept (IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime
/// `Sun Nov  6 08:49:37 1994`). A date in the past is no delay; anything else is `None`.
pub fn retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Longer than u64 seconds: as long as it gets (the backoff cap applies anyway).
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let at = http_date(value, now)?;
    Some(Duration::from_secs(
        u64::try_from(at.saturating_sub(now)).unwrap_or(0),
    ))
}

/// Seconds since the Unix epoch of an HTTP-date (see [`retry_after`]); `now` (seconds since
/// the epoch) places two-digit years.
fn http_date(value: &str, now: i64) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const LONG_DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let month = |m: &str| MONTHS.iter().position(|x| *x == m).map(|i| i as u8 + 1);
    let number = |t: &str, min: usize, max: usize| -> Option<u32> {
        (min..=max)
            .contains(&t.len())
            .then_some(t)
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let tokens: Vec<&str> = value.split(' ').filter(|t| !t.is_empty()).collect();
    let (year, mon, day, time) = match tokens.as_slice() {
        // IMF-fixdate
        [wd, d, m, y, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| DAYS.contains(&w)) => {
            (number(y, 4, 4)?, month(m)?, number(d, 2, 2)?, *t)
        }
        // RFC 850: two-digit year, read as the most recent year ending in those digits
        // (RFC 9110: never more than 50 years in the future).
        [wd, dmy, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| LONG_DAYS.contains(&w)) => {
            let mut parts = dmy.split('-');
            let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            let yy = number(y, 2, 2)?;
            let this_year = crate::source::Date::from_days_since_epoch(now.div_euclid(86_400))
                .year
                .max(0)
                .unsigned_abs();
            let mut year = this_year - this_year % 100 + yy;
            if year > this_year + 50 {
                year -= 100;
            }
            (year, month(m)?, number(d, 2, 2)?, *t)
        }
        // asctime: `Sun Nov  6 08:49:37 1994` (a one-digit day is space-padded)
        [wd, m, d, t, y] if DAYS.contains(wd) => {
            (number(y, 4, 4)?, month(m)?, number(d, 1, 2)?, *t)
        }
        _ => return None,
    };
    let mut hms = time.split(':');
    let (h, mi, se) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let (h, mi, se) = (number(h, 2, 2)?, number(mi, 2, 2)?, number(se, 2, 2)?);
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let date = crate::source::Date::new(i32::try_from(year).ok()?, mon, u8::try_from(day).ok()?)?;
    Some(date.days_since_epoch() * 86_400 + i64::from(h * 3600 + mi * 60 + se))
}

/// 429 and 5xx, except 501 (Not Implemented) and 505 (HTTP Version Not Supported), which a
/// retry cannot fix.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || ((500..600).contains(&status) && status != 501 && status != 505)
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `outer: inner: innermost`, without repeating a message that merely wraps the next one.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut depth = 0;
    while let Some(err) = cur {
        let msg = err.to_string();
        if !msg.is_empty() && !parts.iter().any(|p| p.contains(&msg)) {
            parts.push(msg);
        }
        depth += 1;
        if depth > 16 {
            break;
        }
        cur = err.source();
    }
    parts.join(": ")
}

fn io_error_chain(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => error_chain(inner),
        None => e.to_string(),
    }
}

/// Whether a rustls error appears anywhere in the chain, also inside (nested) `io::Error`s,
/// whose `source()` skips the error they wrap.
fn has_tls_error(e: &reqwest::Error) -> bool {
    fn walk(err: &(dyn std::error::Error + 'static), depth: u32) -> bool {
        if depth > 16 {
            return false;
        }
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && walk(inner, depth + 1)
        {
            return true;
        }
        err.source().is_some_and(|s| walk(s, depth + 1))
    }
    walk(e, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> HttpOptions {
        HttpOptions {
            backoff_initial: Duration::from_millis(100),
            backoff_max: Duration::from_millis(1000),
            ..HttpOptions::default()
        }
    }

    /// 2026-11-22 12:00:00 UTC.
    fn noon() -> std::time::SystemTime {
        let days = crate::source::Date::new(2026, 11, 22)
            .unwrap()
            .days_since_epoch();
        std::time::UNIX_EPOCH + Duration::from_secs(days as u64 * 86_400 + 12 * 3600)
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now = noon();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        // The three date formats RFC 9110 makes recipients accept, 90 seconds from now.
        for v in [
            "Sun, 22 Nov 2026 12:01:30 GMT",
            "Sunday, 22-Nov-26 12:01:30 GMT",
            "Sun Nov 22 12:01:30 2026",
        ] {
            assert_eq!(retry_after(v, now), Some(Duration::from_secs(90)), "{v}");
        }
        // asctime pads a one-digit day with a space.
        assert_eq!(
            retry_after("Tue Dec  1 12:00:00 2026", now),
            Some(Duration::from_secs(9 * 86_400))
        );
        // In the past: retry without waiting for the server.
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        // Two-digit years are never more than 50 years ahead: 94 is 1994, 70 is 2070.
        assert_eq!(
            retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert!(
            retry_after("Sunday, 06-Nov-70 08:49:37 GMT", now)
                .is_some_and(|d| d > Duration::from_secs(40 * 365 * 86_400))
        );
        for bad in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sun, 22 Nov 2026 12:01:30 UTC",
            "Sun, 31 Nov 2026 12:01:30 GMT",
            "Sun, 22 Foo 2026 12:01:30 GMT",
            "Sun, 22 Nov 2026 24:00:00 GMT",
            "Sun, 22 Nov 2026 12:01 GMT",
            "22 Nov 2026 12:01:30 GMT",
            "Sunday, 22-Nov-2026 12:01:30 GMT",
        ] {
            assert_eq!(retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "a.localhost",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "::2",
            "",
            "[::]",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        let u = Url::parse("http://[::1]:5000/v2/").unwrap();
        assert!(is_loopback_url(&u));
        let u = Url::parse("http://127.0.0.1:5000/v2/").unwrap();
        assert!(is_loopback_url(&u));
        let u = Url::parse("https://registry-1.docker.io/v2/").unwrap();
        assert!(!is_loopback_url(&u));
    }

    #[test]
    fn status_retry_classes() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 201, 301, 400, 401, 403, 404, 405, 501, 505] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn backoff_is_exponential_and_capped() {
        let c = client(&opts()).unwrap();
        assert_eq!(c.backoff(1, None), Duration::from_millis(100));
        assert_eq!(c.backoff(2, None), Duration::from_millis(200));
        assert_eq!(c.backoff(3, None), Duration::from_millis(400));
        assert_eq!(c.backoff(5, None), Duration::from_millis(1000));
        assert_eq!(c.backoff(u32::MAX, None), Duration::from_millis(1000));
        // A larger server hint wins, but never past the cap; a smaller one does not shorten.
        assert_eq!(
            c.backoff(1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        assert_eq!(
            c.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_millis(1000)
        );
        assert_eq!(
            c.backoff(3, Some(Duration::from_millis(1))),
            Duration::from_millis(400)
        );
    }

    #[test]
    fn plain_http_only_for_allowed_loopback() {
        let strict = client(&opts()).unwrap();
        let e = strict.check_url("http://127.0.0.1:5000/v2/").unwrap_err();
        assert!(matches!(e, HttpError::Insecure { .. }), "{e}");
        assert!(e.to_string().contains("only HTTPS"), "{e}");
        let e = strict.check_url("http://example.com/").unwrap_err();
        assert!(matches!(e, HttpError::Insecure { .. }));
        assert!(strict.check_url("https://example.com/v2/").is_ok());

        let loose = client(&HttpOptions {
            allow_http_loopback: true,
            ..opts()
        })
        .unwrap();
        assert!(loose.check_url("http://127.0.0.1:5000/v2/").is_ok());
        assert!(loose.check_url("http://localhost:5000/v2/").is_ok());
        assert!(loose.check_url("http://[::1]:5000/v2/").is_ok());
        let e = loose
            .check_url("http://registry.example.com/v2/")
            .unwrap_err();
        assert!(matches!(e, HttpError::Insecure { .. }));
    }

    #[test]
    fn bad_urls_are_errors() {
        let c = client(&opts()).unwrap();
        for u in ["", "not a url", "ftp://example.com/x", "file:///etc/passwd"] {
            let e = c.check_url(u).unwrap_err();
            assert!(matches!(e, HttpError::InvalidUrl { .. }), "{u}: {e}");
        }
    }

    #[test]
    fn offline_mode_refuses_without_network() {
        let c = client(&HttpOptions {
            offline: true,
            ..opts()
        })
        .unwrap();
        let e = c.send(&Request::get("https://example.com/")).unwrap_err();
        assert!(matches!(e, HttpError::OfflineMode { .. }), "{e}");
        assert!(e.to_string().contains("offline"), "{e}");
    }

    #[test]
    fn extra_roots_must_hold_certificates() {
        let e = client(&HttpOptions {
            extra_roots_pem: vec![b"not a certificate".to_vec()],
            ..opts()
        })
        .unwrap_err();
        assert!(matches!(e, HttpError::Setup(_)), "{e}");
        assert!(e.to_string().contains("bundle #1"), "{e}");
        let e = client(&HttpOptions {
            extra_roots_pem: vec![
                b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_vec(),
            ],
            ..opts()
        })
        .unwrap_err();
        assert!(matches!(e, HttpError::Setup(_)), "{e}");
    }

    #[test]
    fn body_snippet_is_bounded() {
        let r = HttpResponse {
            status: 500,
            url: "https://x/".into(),
            headers: HeaderMap::new(),
            body: "  héllo wörld  ".as_bytes().to_vec(),
            attempts: 1,
        };
        assert_eq!(r.body_snippet(5), "héllo…");
        assert_eq!(r.body_snippet(100), "héllo wörld");
        assert_eq!(r.detail_suffix(5), ": héllo…");
        assert!(!r.is_success());
        let empty = HttpResponse {
            body: b" \n".to_vec(),
            ..r
        };
        assert_eq!(empty.detail_suffix(200), "");
    }
}
