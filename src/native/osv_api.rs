//! The OSV API as an advisory source (`--advisories online`): which advisories concern a set
//! of packages, and their full records. It only fetches candidates; matching versions against
//! ranges is always the job of [`crate::vuln::matcher`].
//!
//! 1. `POST {base}/v1/querybatch` with up to [`OsvApiOptions::batch_size`] queries per request
//!    (the API accepts at most [`MAX_BATCH_SIZE`]). A query with a version asks for the
//!    advisories affecting that version; a query without one asks for every advisory of the
//!    package (marked [`QueryOutcome::package_only`], so the matcher decides). A result with a
//!    `next_page_token` is asked again with `page_token` until no token comes back (at most
//!    [`OsvApiOptions::max_pages`] pages per query).
//! 2. `GET {base}/v1/vulns/{id}` for every distinct advisory id, parsed with
//!    [`crate::vuln::osv::parse_record_at`]. Records are kept on disk in
//!    [`OsvApiOptions::cache_dir`] (normally `<cache root>/osv-api/`, see
//!    [`crate::native::cache`]) and reused while their `modified` time is not older than the
//!    one `querybatch` lists, so a second run fetches only changed advisories.
//!
//! Transport is the shared [`http::Client`] (TLS >= 1.2, timeouts, proxies from the
//! environment, loopback-only plain HTTP). `GET`s are retried by the client; the `querybatch`
//! `POST` is a read-only query and is retried here on 429/5xx and timeouts with the client's
//! backoff (`Retry-After` in seconds or as an HTTP date honoured up to the cap). Failures never discard what was
//! obtained: [`OsvApi::fetch`] returns the records it has plus the list of problems.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::native::cache;
use crate::native::http::{self, HttpError, HttpResponse, Method, Request};
use crate::vuln::osv::{self, Record};

/// The public OSV API.
pub const DEFAULT_OSV_API_URL: &str = "https://api.osv.dev";

/// Environment variable overriding the API base URL ([`OsvApiOptions::from_env`]).
pub const OSV_API_URL_ENV: &str = "PORTCULLIS_OSV_API_URL";

/// The largest batch the OSV API accepts.
pub const MAX_BATCH_SIZE: usize = 1000;

/// One package to ask about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PackageQuery {
    /// OSV ecosystem name (`NuGet`, `crates.io`, `PyPI`, `Debian:12`, ...).
    pub ecosystem: String,
    pub name: String,
    /// The exact installed version. `None` (or blank) when it is not known exactly (a range, a
    /// floating version): the package is then queried without a version.
    pub version: Option<String>,
}

impl PackageQuery {
    pub fn new(ecosystem: &str, name: &str, version: Option<&str>) -> Self {
        PackageQuery {
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: version.map(str::to_string),
        }
    }

    /// The version to send, or `None` for a package-only query.
    fn exact_version(&self) -> Option<&str> {
        self.version
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn normalized(&self) -> PackageQuery {
        PackageQuery {
            ecosystem: self.ecosystem.trim().to_string(),
            name: self.name.trim().to_string(),
            version: self.exact_version().map(str::to_string),
        }
    }
}

/// Where and how to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvApiOptions {
    /// API base URL without the `/v1/...` path (trailing slashes are ignored).
    pub base_url: String,
    /// Queries per `querybatch` request, clamped to `1..=`[`MAX_BATCH_SIZE`].
    pub batch_size: usize,
    /// Directory of cached full records (`<ID>.json`); `None` = no disk cache.
    pub cache_dir: Option<PathBuf>,
    /// Pages read at most per query; more is reported as a problem.
    pub max_pages: usize,
    /// `vulns/{id}` requests in flight at once (at least 1).
    pub concurrency: usize,
}

impl Default for OsvApiOptions {
    /// The public API, batches of [`MAX_BATCH_SIZE`], no disk cache, 100 pages per query,
    /// 4 parallel record fetches. Reads no environment ([`OsvApiOptions::from_env`] does).
    fn default() -> Self {
        OsvApiOptions {
            base_url: DEFAULT_OSV_API_URL.to_string(),
            batch_size: MAX_BATCH_SIZE,
            cache_dir: None,
            max_pages: 100,
            concurrency: 4,
        }
    }
}

impl OsvApiOptions {
    /// The defaults, with the base URL from `$PORTCULLIS_OSV_API_URL` when set and the record
    /// cache in `<cache root>/osv-api/` when a cache root is known.
    pub fn from_env() -> Self {
        let base_url = std::env::var(OSV_API_URL_ENV)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_OSV_API_URL.to_string());
        OsvApiOptions {
            base_url,
            cache_dir: cache::cache_root().map(|r| r.join(cache::OSV_API_DIR)),
            ..OsvApiOptions::default()
        }
    }
}

/// Why (part of) a fetch failed. Every message names the API host and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OsvApiError {
    /// Offline mode, DNS failure, connection refused, TLS failure.
    #[error("cannot reach {host}: {source}")]
    Unreachable { host: String, source: HttpError },
    #[error("{what} at {host} timed out: {source}")]
    Timeout {
        host: String,
        what: String,
        source: HttpError,
    },
    #[error(
        "{what}: {host} answered HTTP {status}{rate_limited} (after {attempts} attempt(s)){detail}"
    )]
    Status {
        host: String,
        what: String,
        status: u16,
        attempts: u32,
        /// `" (rate limited)"` for 429, else empty.
        rate_limited: String,
        /// `": <body snippet>"` or empty.
        detail: String,
    },
    #[error("{what}: malformed answer from {host}: {detail}")]
    Malformed {
        host: String,
        what: String,
        detail: String,
    },
    #[error("{what}: {source}")]
    Http { what: String, source: HttpError },
    #[error("advisory {id} is not known to {host} (HTTP 404)")]
    NotFound { host: String, id: String },
    #[error("query #{index} ({query}) is not valid: {reason}")]
    InvalidQuery {
        index: usize,
        query: String,
        reason: String,
    },
    #[error("query {query}: more than {max_pages} pages of results; the rest was not read")]
    TooManyPages { query: String, max_pages: usize },
    #[error(
        "advisory {id}: could not fetch a newer version ({reason}); using the cached copy modified {cached_modified}"
    )]
    StaleCache {
        id: String,
        cached_modified: String,
        reason: String,
    },
    #[error("advisory cache {path}: {detail}")]
    Cache { path: String, detail: String },
    #[error(
        "{count} advisory record(s) not fetched after an earlier failure to reach {host} (older cached copies used where available)"
    )]
    Skipped { host: String, count: usize },
}

/// What was found for one input query (in input order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryOutcome {
    pub query: PackageQuery,
    /// Advisory ids the API listed for this query (all pages), sorted.
    pub advisory_ids: Vec<String>,
    /// The query had no exact version: these are all the advisories of the package and the
    /// matcher decides which apply.
    pub package_only: bool,
    /// Every page of this query was answered. `false` when a batch or page failed: the list
    /// of ids may be incomplete.
    pub complete: bool,
}

/// Records plus everything that went wrong. Records are sorted by id, one per id.
#[derive(Debug, Clone, Default)]
pub struct OsvApiResult {
    pub records: Vec<Record>,
    pub problems: Vec<OsvApiError>,
    /// Distinct package queries sent to `querybatch` (duplicates in the input are asked once).
    pub queried: usize,
    /// One outcome per input query, in input order.
    pub queries: Vec<QueryOutcome>,
    /// Records downloaded from `vulns/{id}` in this run.
    pub fetched: usize,
    /// Records served from the disk cache (still current).
    pub from_cache: usize,
}

impl OsvApiResult {
    /// The problems as messages.
    pub fn problem_messages(&self) -> Vec<String> {
        self.problems.iter().map(ToString::to_string).collect()
    }

    /// Every query was answered and every listed record obtained.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The OSV API client. Cheap to clone the underlying HTTP client; safe to use from one thread
/// at a time per call (each call runs its own small worker pool for record fetches).
#[derive(Debug, Clone)]
pub struct OsvApi {
    http: http::Client,
    opts: OsvApiOptions,
    base: String,
    host: String,
}

#[derive(Serialize)]
struct BatchRequest<'a> {
    queries: Vec<WireQuery<'a>>,
}

#[derive(Serialize)]
struct WireQuery<'a> {
    package: WirePackage<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_token: Option<&'a str>,
}

#[derive(Serialize)]
struct WirePackage<'a> {
    ecosystem: &'a str,
    name: &'a str,
}

#[derive(Deserialize)]
struct BatchResponse {
    results: Option<Vec<BatchResult>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchResult {
    vulns: Option<Vec<VulnRef>>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct VulnRef {
    id: String,
    #[serde(default)]
    modified: Option<String>,
}

/// One distinct query's progress.
struct Pending {
    query: PackageQuery,
    ids: BTreeMap<String, Option<String>>,
    token: Option<String>,
    pages: usize,
    seen_tokens: BTreeSet<String>,
    complete: bool,
    done: bool,
}

/// The result of obtaining one record.
enum Obtained {
    /// Downloaded; the problem is a cache write failure (the record is still good).
    Fetched(Record, Option<OsvApiError>),
    Cached(Record),
    Failed(OsvApiError, Option<Record>),
    Skipped(Option<Record>),
}

impl OsvApi {
    pub fn new(http: &http::Client, opts: OsvApiOptions) -> Self {
        let base = opts.base_url.trim().trim_end_matches('/').to_string();
        let host = http::Url::parse(&base)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            })
            .unwrap_or_else(|| base.clone());
        OsvApi {
            http: http.clone(),
            opts,
            base,
            host,
        }
    }

    pub fn options(&self) -> &OsvApiOptions {
        &self.opts
    }

    /// Asks about every query and fetches the full records of the advisories listed. Never
    /// fails as a whole: what could not be obtained is in [`OsvApiResult::problems`].
    pub fn fetch(&self, queries: &[PackageQuery]) -> OsvApiResult {
        let mut result = OsvApiResult::default();
        // Distinct, valid queries in first-seen order.
        let mut index_of: BTreeMap<PackageQuery, usize> = BTreeMap::new();
        let mut pending: Vec<Pending> = Vec::new();
        let mut slot_of_input: Vec<Option<usize>> = Vec::with_capacity(queries.len());
        for (i, q) in queries.iter().enumerate() {
            let n = q.normalized();
            if let Some(reason) = invalid_reason(&n) {
                result.problems.push(OsvApiError::InvalidQuery {
                    index: i,
                    query: describe(q),
                    reason: reason.to_string(),
                });
                slot_of_input.push(None);
                continue;
            }
            let slot = *index_of.entry(n.clone()).or_insert_with(|| {
                pending.push(Pending {
                    query: n,
                    ids: BTreeMap::new(),
                    token: None,
                    pages: 0,
                    seen_tokens: BTreeSet::new(),
                    complete: true,
                    done: false,
                });
                pending.len() - 1
            });
            slot_of_input.push(Some(slot));
        }
        result.queried = pending.len();

        let unreachable = self.run_queries(&mut pending, &mut result.problems);

        // Every listed id with the newest `modified` any page gave for it.
        let mut listed: BTreeMap<String, Option<String>> = BTreeMap::new();
        for p in &pending {
            for (id, modified) in &p.ids {
                let e = listed.entry(id.clone()).or_insert(None);
                if newer(modified.as_deref(), e.as_deref()) {
                    *e = modified.clone();
                }
            }
        }
        let (records, fetched, from_cache, problems) = self.obtain_records(&listed, unreachable);
        result.records = records;
        result.fetched = fetched;
        result.from_cache = from_cache;
        result.problems.extend(problems);

        result.queries = queries
            .iter()
            .zip(slot_of_input)
            .map(|(q, slot)| match slot.and_then(|s| pending.get(s)) {
                Some(p) => QueryOutcome {
                    query: q.clone(),
                    advisory_ids: p.ids.keys().cloned().collect(),
                    package_only: p.query.version.is_none(),
                    complete: p.complete,
                },
                None => QueryOutcome {
                    query: q.clone(),
                    advisory_ids: Vec::new(),
                    package_only: q.exact_version().is_none(),
                    complete: false,
                },
            })
            .collect();
        result
    }

    /// Runs `querybatch` rounds until every query is exhausted or failed. Returns whether the
    /// API turned out to be unreachable (later requests are then not attempted).
    fn run_queries(&self, pending: &mut [Pending], problems: &mut Vec<OsvApiError>) -> bool {
        let batch_size = self.opts.batch_size.clamp(1, MAX_BATCH_SIZE);
        let max_pages = self.opts.max_pages.max(1);
        loop {
            let open: Vec<usize> = pending
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.done)
                .map(|(i, _)| i)
                .collect();
            if open.is_empty() {
                return false;
            }
            for chunk in open.chunks(batch_size) {
                match self.query_batch(pending, chunk) {
                    Ok(results) => {
                        for (&slot, r) in chunk.iter().zip(results) {
                            let Some(p) = pending.get_mut(slot) else {
                                continue;
                            };
                            p.pages += 1;
                            for v in r.vulns.unwrap_or_default() {
                                let e = p.ids.entry(v.id).or_insert(None);
                                if newer(v.modified.as_deref(), e.as_deref()) {
                                    *e = v.modified;
                                }
                            }
                            match r.next_page_token.filter(|t| !t.is_empty()) {
                                None => p.done = true,
                                Some(t) if !p.seen_tokens.insert(t.clone()) => {
                                    p.done = true;
                                    p.complete = false;
                                    problems.push(OsvApiError::Malformed {
                                        host: self.host.clone(),
                                        what: format!("querybatch for {}", describe(&p.query)),
                                        detail: format!("page token `{t}` repeated"),
                                    });
                                }
                                Some(_) if p.pages >= max_pages => {
                                    p.done = true;
                                    p.complete = false;
                                    problems.push(OsvApiError::TooManyPages {
                                        query: describe(&p.query),
                                        max_pages,
                                    });
                                }
                                Some(t) => p.token = Some(t),
                            }
                        }
                    }
                    Err(e) => {
                        let stop = matches!(e, OsvApiError::Unreachable { .. });
                        for &slot in chunk {
                            if let Some(p) = pending.get_mut(slot) {
                                p.done = true;
                                p.complete = false;
                            }
                        }
                        problems.push(e);
                        if stop {
                            for p in pending.iter_mut().filter(|p| !p.done) {
                                p.done = true;
                                p.complete = false;
                            }
                            return true;
                        }
                    }
                }
            }
        }
    }

    /// One `querybatch` request for the queries at `slots`; the results are in the same order.
    fn query_batch(
        &self,
        pending: &[Pending],
        slots: &[usize],
    ) -> Result<Vec<BatchResult>, OsvApiError> {
        let queries: Vec<WireQuery<'_>> = slots
            .iter()
            .filter_map(|&s| pending.get(s))
            .map(|p| WireQuery {
                package: WirePackage {
                    ecosystem: &p.query.ecosystem,
                    name: &p.query.name,
                },
                version: p.query.version.as_deref(),
                page_token: p.token.as_deref(),
            })
            .collect();
        let n = queries.len();
        let what = format!("querybatch ({n} quer{})", if n == 1 { "y" } else { "ies" });
        let body =
            serde_json::to_vec(&BatchRequest { queries }).map_err(|e| OsvApiError::Malformed {
                host: self.host.clone(),
                what: what.clone(),
                detail: format!("cannot encode the request: {e}"),
            })?;
        let resp = self.post_with_retry(&format!("{}/v1/querybatch", self.base), body, &what)?;
        if !resp.is_success() {
            return Err(self.status_error(&what, &resp));
        }
        let parsed: BatchResponse =
            serde_json::from_slice(&resp.body).map_err(|e| OsvApiError::Malformed {
                host: self.host.clone(),
                what: what.clone(),
                detail: format!("{e} (body starts: {})", resp.body_snippet(120)),
            })?;
        let Some(results) = parsed.results else {
            return Err(OsvApiError::Malformed {
                host: self.host.clone(),
                what,
                detail: "no `results` array".into(),
            });
        };
        if results.len() != n {
            return Err(OsvApiError::Malformed {
                host: self.host.clone(),
                what,
                detail: format!("{} result(s) for {n} quer(y/ies)", results.len()),
            });
        }
        if let Some(bad) = results
            .iter()
            .flat_map(|r| r.vulns.iter().flatten())
            .find(|v| !valid_id(&v.id))
        {
            return Err(OsvApiError::Malformed {
                host: self.host.clone(),
                what,
                detail: format!("invalid advisory id `{}`", bad.id.escape_debug()),
            });
        }
        Ok(results)
    }

    /// `POST` with retries on 429/5xx and timeouts: the query is read-only, so repeating it
    /// is safe. Connection failures are already retried by the client.
    fn post_with_retry(
        &self,
        url: &str,
        body: Vec<u8>,
        what: &str,
    ) -> Result<HttpResponse, OsvApiError> {
        let max_retries = self.http.options().max_retries;
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let can_retry = attempt <= max_retries;
            let req = Request::new(Method::POST, url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .body(body.clone());
            match self.http.send(&req) {
                Ok(resp) if can_retry && http::retryable_status(resp.status) => {
                    std::thread::sleep(self.http.backoff(attempt, resp.retry_after()));
                }
                Ok(mut resp) => {
                    resp.attempts = attempt;
                    return Ok(resp);
                }
                Err(HttpError::Timeout { .. } | HttpError::Transport { .. }) if can_retry => {
                    std::thread::sleep(self.http.backoff(attempt, None));
                }
                Err(e) => return Err(self.http_error(what, with_attempts(e, attempt))),
            }
        }
    }

    fn status_error(&self, what: &str, resp: &HttpResponse) -> OsvApiError {
        OsvApiError::Status {
            host: self.host.clone(),
            what: what.to_string(),
            status: resp.status,
            attempts: resp.attempts,
            rate_limited: if resp.status == 429 {
                " (rate limited)".into()
            } else {
                String::new()
            },
            detail: resp.detail_suffix(200),
        }
    }

    fn http_error(&self, what: &str, e: HttpError) -> OsvApiError {
        match e {
            HttpError::OfflineMode { .. }
            | HttpError::Dns { .. }
            | HttpError::Connect { .. }
            | HttpError::Tls { .. } => OsvApiError::Unreachable {
                host: self.host.clone(),
                source: e,
            },
            HttpError::Timeout { .. } => OsvApiError::Timeout {
                host: self.host.clone(),
                what: what.to_string(),
                source: e,
            },
            other => OsvApiError::Http {
                what: what.to_string(),
                source: other,
            },
        }
    }

    /// Fetches (or takes from the cache) every listed record, in parallel.
    fn obtain_records(
        &self,
        listed: &BTreeMap<String, Option<String>>,
        unreachable: bool,
    ) -> (Vec<Record>, usize, usize, Vec<OsvApiError>) {
        let items: Vec<(&String, &Option<String>)> = listed.iter().collect();
        let stop = AtomicBool::new(unreachable);
        let next = AtomicUsize::new(0);
        let out: Mutex<Vec<(usize, Obtained)>> = Mutex::new(Vec::with_capacity(items.len()));
        let workers = self.opts.concurrency.clamp(1, 32).min(items.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((id, modified)) = items.get(i) else {
                            break;
                        };
                        let got = self.obtain(id, modified.as_deref(), &stop);
                        if let Obtained::Failed(OsvApiError::Unreachable { .. }, _) = got {
                            stop.store(true, Ordering::SeqCst);
                        }
                        if let Ok(mut o) = out.lock() {
                            o.push((i, got));
                        }
                    }
                });
            }
        });
        let mut got = out.into_inner().unwrap_or_else(|p| p.into_inner());
        got.sort_by_key(|(i, _)| *i);
        let mut records = Vec::new();
        let mut problems = Vec::new();
        let (mut fetched, mut from_cache, mut skipped) = (0, 0, 0);
        for (_, o) in got {
            match o {
                Obtained::Fetched(r, problem) => {
                    fetched += 1;
                    records.push(r);
                    problems.extend(problem);
                }
                Obtained::Cached(r) => {
                    from_cache += 1;
                    records.push(r);
                }
                Obtained::Failed(e, stale) => match stale {
                    Some(r) => {
                        problems.push(OsvApiError::StaleCache {
                            id: r.id.clone(),
                            cached_modified: r.modified.clone().unwrap_or_default(),
                            reason: e.to_string(),
                        });
                        from_cache += 1;
                        records.push(r);
                    }
                    None => problems.push(e),
                },
                Obtained::Skipped(stale) => {
                    skipped += 1;
                    if let Some(r) = stale {
                        from_cache += 1;
                        records.push(r);
                    }
                }
            }
        }
        if skipped > 0 {
            problems.push(OsvApiError::Skipped {
                host: self.host.clone(),
                count: skipped,
            });
        }
        records.sort_by(|a, b| a.id.cmp(&b.id));
        records.dedup_by(|a, b| a.id == b.id);
        (records, fetched, from_cache, problems)
    }

    fn obtain(&self, id: &str, listed_modified: Option<&str>, stop: &AtomicBool) -> Obtained {
        let cache_path = self
            .opts
            .cache_dir
            .as_ref()
            .map(|d| d.join(cache_file_name(id)));
        let cached = cache_path.as_deref().and_then(|p| read_cached(p, id));
        if let Some(r) = &cached
            && listed_modified.is_some()
            && !newer(listed_modified, r.modified.as_deref())
        {
            return Obtained::Cached(r.clone());
        }
        if stop.load(Ordering::SeqCst) {
            return Obtained::Skipped(cached);
        }
        let what = format!("advisory {id}");
        let url = format!("{}/v1/vulns/{}", self.base, encode_segment(id));
        let resp = match self
            .http
            .get_with_retry(&url, &[("Accept", "application/json")])
        {
            Ok(r) => r,
            Err(e) => return Obtained::Failed(self.http_error(&what, e), cached),
        };
        if resp.status == 404 {
            return Obtained::Failed(
                OsvApiError::NotFound {
                    host: self.host.clone(),
                    id: id.to_string(),
                },
                cached,
            );
        }
        if !resp.is_success() {
            return Obtained::Failed(self.status_error(&what, &resp), cached);
        }
        let text = String::from_utf8_lossy(&resp.body);
        let record = match osv::parse_record_at(&url, &text) {
            Ok(r) => r,
            Err(e) => {
                return Obtained::Failed(
                    OsvApiError::Malformed {
                        host: self.host.clone(),
                        what,
                        detail: e.to_string(),
                    },
                    cached,
                );
            }
        };
        if record.id != id {
            return Obtained::Failed(
                OsvApiError::Malformed {
                    host: self.host.clone(),
                    what,
                    detail: format!("the record's id is `{}`", record.id.escape_debug()),
                },
                cached,
            );
        }
        // A cache that cannot be written costs a refetch next time, nothing more; the record
        // is still used.
        let problem = cache_path.as_ref().and_then(|p| {
            write_cached(p, resp.body.as_slice())
                .err()
                .map(|e| OsvApiError::Cache {
                    path: p.display().to_string(),
                    detail: e.to_string(),
                })
        });
        Obtained::Fetched(record, problem)
    }
}

fn with_attempts(e: HttpError, n: u32) -> HttpError {
    match e {
        HttpError::Timeout {
            url, timeout_ms, ..
        } => HttpError::Timeout {
            url,
            attempts: n,
            timeout_ms,
        },
        HttpError::Transport { url, detail, .. } => HttpError::Transport {
            url,
            attempts: n,
            detail,
        },
        other => other,
    }
}

fn describe(q: &PackageQuery) -> String {
    match q.exact_version() {
        Some(v) => format!("{}/{}@{}", q.ecosystem.trim(), q.name.trim(), v),
        None => format!("{}/{} (all versions)", q.ecosystem.trim(), q.name.trim()),
    }
}

fn invalid_reason(q: &PackageQuery) -> Option<&'static str> {
    if q.ecosystem.is_empty() {
        Some("empty ecosystem")
    } else if q.name.is_empty() {
        Some("empty package name")
    } else if q.ecosystem.len() > 200 || q.name.len() > 1000 {
        Some("too long")
    } else if q.version.as_deref().is_some_and(|v| v.len() > 500) {
        Some("version too long")
    } else {
        None
    }
}

/// Whether `a` is a later `modified` time than `b` (a missing time is the oldest). Times that
/// do not parse are compared as text.
fn newer(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(a), Some(b)) => match (cache::parse_rfc3339(a), cache::parse_rfc3339(b)) {
            (Some(x), Some(y)) => x > y,
            _ => a.trim() > b.trim(),
        },
    }
}

/// Advisory ids as OSV uses them (`GHSA-…`, `PYSEC-2021-1`, `RHSA-2024:1234`, …): printable
/// ASCII without separators that could leave the URL segment or the cache directory.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id != "."
        && id != ".."
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"/\\?#%\"<>|*".contains(&b))
}

/// Percent-encodes everything but unreserved URL characters.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The cache file for an id: the id percent-encoded (`RHSA-2024%3A1234.json`), so it is a
/// valid file name on every platform.
pub fn cache_file_name(id: &str) -> String {
    format!("{}.json", encode_segment(id))
}

fn read_cached(path: &Path, id: &str) -> Option<Record> {
    let text = std::fs::read_to_string(path).ok()?;
    let r = osv::parse_record_at(&path.display().to_string(), &text).ok()?;
    (r.id == id).then_some(r)
}

fn write_cached(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    cache::write_atomic(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_ordering() {
        assert!(newer(
            Some("2024-01-02T00:00:00Z"),
            Some("2024-01-01T00:00:00Z")
        ));
        assert!(!newer(
            Some("2024-01-01T00:00:00Z"),
            Some("2024-01-01T00:00:00Z")
        ));
        // Different precision, same instant.
        assert!(!newer(
            Some("2024-01-01T00:00:00.000000Z"),
            Some("2024-01-01T00:00:00Z")
        ));
        assert!(newer(
            Some("2024-01-01T00:00:00.5Z"),
            Some("2024-01-01T00:00:00Z")
        ));
        assert!(newer(Some("x"), None));
        assert!(!newer(None, Some("2024-01-01T00:00:00Z")));
        assert!(!newer(None, None));
    }

    #[test]
    fn ids_and_file_names() {
        for ok in [
            "GHSA-5crp-9r3c-p9vr",
            "PYSEC-2021-1",
            "RHSA-2024:1234",
            "DEBIAN-CVE-2023-1",
        ] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "a b",
            "x%2f",
            "é",
            "a?b",
            &"x".repeat(201),
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert_eq!(cache_file_name("RHSA-2024:1234"), "RHSA-2024%3A1234.json");
        assert_eq!(
            cache_file_name("GHSA-5crp-9r3c-p9vr"),
            "GHSA-5crp-9r3c-p9vr.json"
        );
        assert_eq!(encode_segment("a b+c"), "a%20b%2Bc");
    }

    #[test]
    fn queries_normalize_and_describe() {
        let q = PackageQuery::new(" NuGet ", "Newtonsoft.Json", Some("  "));
        assert_eq!(q.normalized().version, None);
        assert_eq!(describe(&q), "NuGet/Newtonsoft.Json (all versions)");
        let q = PackageQuery::new("NuGet", "Newtonsoft.Json", Some("12.0.3"));
        assert_eq!(describe(&q), "NuGet/Newtonsoft.Json@12.0.3");
        assert_eq!(
            invalid_reason(&PackageQuery::new("", "x", None)),
            Some("empty ecosystem")
        );
        assert_eq!(
            invalid_reason(&PackageQuery::new("npm", "", None)),
            Some("empty package name")
        );
    }

    #[test]
    fn request_wire_format() {
        let body = BatchRequest {
            queries: vec![
                WireQuery {
                    package: WirePackage {
                        ecosystem: "NuGet",
                        name: "Newtonsoft.Json",
                    },
                    version: Some("12.0.3"),
                    page_token: None,
                },
                WireQuery {
                    package: WirePackage {
                        ecosystem: "npm",
                        name: "lodash",
                    },
                    version: None,
                    page_token: Some("tok"),
                },
            ],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"queries":[{"package":{"ecosystem":"NuGet","name":"Newtonsoft.Json"},"version":"12.0.3"},{"package":{"ecosystem":"npm","name":"lodash"},"page_token":"tok"}]}"#
        );
    }
}
