//! The OSV API client and `db update` against real HTTP servers on loopback, started by each
//! test: a small scripted HTTP/1.1 server (std `TcpListener`, one thread per connection,
//! request log), and for the proxy test an HTTPS proxy that accepts `CONNECT` and terminates
//! TLS itself with a certificate from a throw-away test CA (made with the `openssl` command).
//! Nothing here talks to anything but 127.0.0.1.

#![cfg(feature = "native")]
#![allow(clippy::disallowed_methods)]

mod support;
use std::io::{Cursor, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::TempDir;
use support::scripted::{Action, Reply, Req, Server, read_request, reply, write_reply};

use portcullis::native::cache;
use portcullis::native::http::{self, DownloadOptions, HttpError, HttpOptions};
use portcullis::native::osv_api::{OsvApi, OsvApiError, OsvApiOptions, PackageQuery};
use portcullis::native::osv_db::{self, DbError, DbUpdateOptions, UpdateKind, ZipLimits};

// ---------------------------------------------------------------------------------------------
// Helpers

fn fast_http() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(10),
        max_retries: 2,
        backoff_initial: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        allow_http_loopback: true,
        ..HttpOptions::default()
    }
}

fn client() -> http::Client {
    http::client(&fast_http()).expect("http client")
}

fn api(server: &Server, batch_size: usize, cache_dir: Option<&Path>) -> OsvApi {
    api_with(&client(), server, batch_size, cache_dir)
}

fn api_with(
    http: &http::Client,
    server: &Server,
    batch_size: usize,
    cache_dir: Option<&Path>,
) -> OsvApi {
    OsvApi::new(
        http,
        OsvApiOptions {
            base_url: server.base(),
            batch_size,
            cache_dir: cache_dir.map(Path::to_path_buf),
            ..OsvApiOptions::default()
        },
    )
}

fn q(eco: &str, name: &str, version: Option<&str>) -> PackageQuery {
    PackageQuery::new(eco, name, version)
}

/// A minimal but valid OSV record.
fn record(id: &str, modified: &str, eco: &str, name: &str, fixed: &str) -> String {
    serde_json::json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": modified,
        "summary": format!("test advisory {id}"),
        "affected": [{
            "package": {"ecosystem": eco, "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]
        }]
    })
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// A fake OSV API: a package → advisory table, with knobs for pagination.

/// (ecosystem, name).
type PackageKey = (String, String);

#[derive(Clone)]
struct FakeOsv {
    /// (ecosystem, name) → advisories (id, modified).
    packages: Vec<(PackageKey, Vec<(String, String)>)>,
    /// id → record JSON.
    records: Vec<(String, String)>,
    /// Advisories per page of one query's answer (0 = no pagination).
    page_size: usize,
}

impl FakeOsv {
    fn new() -> FakeOsv {
        FakeOsv {
            packages: Vec::new(),
            records: Vec::new(),
            page_size: 0,
        }
    }

    fn advisory(mut self, eco: &str, name: &str, id: &str, modified: &str) -> FakeOsv {
        let key = (eco.to_string(), name.to_string());
        match self.packages.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push((id.into(), modified.into())),
            None => self
                .packages
                .push((key, vec![(id.to_string(), modified.to_string())])),
        }
        self.records.retain(|(i, _)| i != id);
        self.records
            .push((id.into(), record(id, modified, eco, name, "99.0.0")));
        self
    }

    fn querybatch(&self, req: &Req) -> Reply {
        let doc = req.json();
        let Some(queries) = doc["queries"].as_array() else {
            return reply(400).body("no queries");
        };
        let mut results = Vec::new();
        for query in queries {
            let key = (
                query["package"]["ecosystem"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                query["package"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            let all: Vec<(String, String)> = self
                .packages
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let start: usize = query["page_token"]
                .as_str()
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let (slice, next) = if self.page_size == 0 {
                (all.clone(), None)
            } else {
                let end = (start + self.page_size).min(all.len());
                let next = (end < all.len()).then(|| format!("page-{end}"));
                (all.get(start..end).unwrap_or_default().to_vec(), next)
            };
            let mut r = serde_json::Map::new();
            if !slice.is_empty() {
                r.insert(
                    "vulns".into(),
                    slice
                        .iter()
                        .map(|(id, m)| serde_json::json!({"id": id, "modified": m}))
                        .collect(),
                );
            }
            if let Some(t) = next {
                r.insert("next_page_token".into(), t.into());
            }
            results.push(serde_json::Value::Object(r));
        }
        reply(200).json(&serde_json::json!({ "results": results }))
    }

    fn vuln(&self, req: &Req) -> Reply {
        let id = req.target.trim_start_matches("/v1/vulns/");
        match self.records.iter().find(|(i, _)| i == id) {
            Some((_, body)) => reply(200)
                .header("Content-Type", "application/json")
                .body(body),
            None => reply(404).json(&serde_json::json!({"code": 5, "message": "Bug not found."})),
        }
    }

    fn serve(&self, req: &Req) -> Action {
        if req.method == "POST" && req.target == "/v1/querybatch" {
            Action::Reply(self.querybatch(req))
        } else if req.method == "GET" && req.target.starts_with("/v1/vulns/") {
            Action::Reply(self.vuln(req))
        } else {
            Action::Reply(reply(404))
        }
    }
}

fn standard_fake() -> FakeOsv {
    FakeOsv::new()
        .advisory(
            "NuGet",
            "Newtonsoft.Json",
            "GHSA-5crp-9r3c-p9vr",
            "2024-01-01T00:00:00Z",
        )
        .advisory(
            "NuGet",
            "System.Text.Encodings.Web",
            "GHSA-ghhp-997w-qr28",
            "2024-02-01T00:00:00Z",
        )
        .advisory(
            "npm",
            "lodash",
            "GHSA-jf85-cpcp-j695",
            "2024-03-01T00:00:00Z",
        )
        .advisory("PyPI", "jinja2", "PYSEC-2019-217", "2024-04-01T00:00:00Z")
        .advisory(
            "crates.io",
            "time",
            "RUSTSEC-2020-0071",
            "2024-05-01T00:00:00Z",
        )
}

fn five_queries() -> Vec<PackageQuery> {
    vec![
        q("NuGet", "Newtonsoft.Json", Some("12.0.3")),
        q("NuGet", "System.Text.Encodings.Web", Some("4.5.0")),
        q("npm", "lodash", Some("4.17.15")),
        q("PyPI", "jinja2", Some("2.10")),
        q("crates.io", "time", Some("0.1.43")),
    ]
}

fn ids(records: &[portcullis::vuln::osv::Record]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// OSV API client

#[test]
fn batches_queries_and_fetches_every_record_once() {
    let fake = standard_fake();
    let f = fake.clone();
    let server = Server::start(move |req, _| f.serve(req));
    let mut queries = five_queries();
    // A duplicate is asked once; a package without advisories gets an empty answer.
    queries.push(q("NuGet", "Newtonsoft.Json", Some("12.0.3")));
    queries.push(q("NuGet", "Clean.Package", Some("1.0.0")));
    let result = api(&server, 2, None).fetch(&queries);
    assert!(
        result.problems.is_empty(),
        "{:?}",
        result.problem_messages()
    );
    assert_eq!(result.queried, 6, "distinct queries");
    // ceil(6 / 2) POSTs, one GET per distinct advisory.
    assert_eq!(server.count("POST", "/v1/querybatch"), 3);
    assert_eq!(server.count("GET", "/v1/vulns/"), 5);
    assert_eq!(
        ids(&result.records),
        vec![
            "GHSA-5crp-9r3c-p9vr",
            "GHSA-ghhp-997w-qr28",
            "GHSA-jf85-cpcp-j695",
            "PYSEC-2019-217",
            "RUSTSEC-2020-0071"
        ]
    );
    assert_eq!(result.fetched, 5);
    assert_eq!(result.from_cache, 0);
    // The batches carry the queries in order, with versions, as JSON.
    let posts: Vec<serde_json::Value> = server
        .log()
        .iter()
        .filter(|r| r.method == "POST")
        .map(Req::json)
        .collect();
    let sizes: Vec<usize> = posts
        .iter()
        .map(|p| p["queries"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, vec![2, 2, 2]);
    assert_eq!(
        posts[0]["queries"][0],
        serde_json::json!({"package": {"ecosystem": "NuGet", "name": "Newtonsoft.Json"}, "version": "12.0.3"})
    );
    let post = server
        .log()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a POST");
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert!(
        post.header("user-agent")
            .is_some_and(|u| u.starts_with("portcullis/")),
        "{:?}",
        post.headers
    );
    // Outcomes per input query, in input order.
    assert_eq!(result.queries.len(), 7);
    assert_eq!(result.queries[0].advisory_ids, vec!["GHSA-5crp-9r3c-p9vr"]);
    assert_eq!(result.queries[5].advisory_ids, vec!["GHSA-5crp-9r3c-p9vr"]);
    assert!(result.queries[6].advisory_ids.is_empty());
    assert!(result.queries.iter().all(|o| o.complete && !o.package_only));
    // The records are real OSV records the matcher can use.
    let index = portcullis::vuln::matcher::AdvisoryIndex::build(result.records.clone());
    let r = index.match_package("NuGet", "Newtonsoft.Json", "12.0.3");
    assert_eq!(r.matches.len(), 1, "{r:?}");
    assert_eq!(r.matches[0].fixed, vec!["99.0.0".to_string()]);
}

#[test]
fn one_batch_with_the_default_size_and_queries_without_version() {
    let fake = standard_fake();
    let f = fake.clone();
    let server = Server::start(move |req, _| f.serve(req));
    let mut queries = five_queries();
    queries[2].version = None; // a range in package.json: all advisories of lodash
    queries[3].version = Some("  ".into());
    let result = api(&server, 1000, None).fetch(&queries);
    assert!(
        result.problems.is_empty(),
        "{:?}",
        result.problem_messages()
    );
    assert_eq!(server.count("POST", "/v1/querybatch"), 1);
    let post = server
        .log()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a POST")
        .json();
    assert_eq!(
        post["queries"][2],
        serde_json::json!({"package": {"ecosystem": "npm", "name": "lodash"}})
    );
    assert_eq!(
        post["queries"][3],
        serde_json::json!({"package": {"ecosystem": "PyPI", "name": "jinja2"}})
    );
    let flags: Vec<bool> = result.queries.iter().map(|o| o.package_only).collect();
    assert_eq!(flags, vec![false, false, true, true, false]);
    assert_eq!(result.records.len(), 5);
}

#[test]
fn follows_next_page_token_for_that_query_only() {
    let mut fake = FakeOsv::new();
    for i in 0..5 {
        fake = fake.advisory(
            "PyPI",
            "django",
            &format!("PYSEC-2024-{i}"),
            "2024-01-01T00:00:00Z",
        );
    }
    fake = fake.advisory("PyPI", "flask", "PYSEC-2023-62", "2024-01-01T00:00:00Z");
    fake.page_size = 2;
    let f = fake.clone();
    let server = Server::start(move |req, _| f.serve(req));
    let result = api(&server, 1000, None).fetch(&[
        q("PyPI", "django", Some("3.2")),
        q("PyPI", "flask", Some("1.0")),
    ]);
    assert!(
        result.problems.is_empty(),
        "{:?}",
        result.problem_messages()
    );
    // Page 1 for both, then pages 2 and 3 for django alone, with its page token.
    let posts: Vec<serde_json::Value> = server
        .log()
        .iter()
        .filter(|r| r.method == "POST")
        .map(Req::json)
        .collect();
    assert_eq!(posts.len(), 3, "{posts:?}");
    assert_eq!(posts[0]["queries"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        posts[1]["queries"],
        serde_json::json!([{"package": {"ecosystem": "PyPI", "name": "django"}, "version": "3.2", "page_token": "page-2"}])
    );
    assert_eq!(posts[2]["queries"][0]["page_token"], "page-4");
    assert_eq!(
        result.queries[0].advisory_ids,
        (0..5)
            .map(|i| format!("PYSEC-2024-{i}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(result.queries[1].advisory_ids, vec!["PYSEC-2023-62"]);
    assert_eq!(result.records.len(), 6);
}

#[test]
fn endless_pagination_is_bounded_and_reported() {
    // A server that always sends a new token.
    let server = Server::start(|req, n| {
        if req.method == "POST" {
            Action::Reply(reply(200).json(&serde_json::json!({"results": [
                {"vulns": [{"id": format!("X-{n}"), "modified": "2024-01-01T00:00:00Z"}], "next_page_token": format!("t{n}")}
            ]})))
        } else {
            Action::Reply(reply(404))
        }
    });
    let api = OsvApi::new(
        &client(),
        OsvApiOptions {
            base_url: server.base(),
            max_pages: 3,
            ..OsvApiOptions::default()
        },
    );
    let result = api.fetch(&[q("npm", "loop", Some("1.0.0"))]);
    assert_eq!(server.count("POST", "/v1/querybatch"), 3);
    assert!(!result.queries[0].complete);
    assert!(
        result
            .problems
            .iter()
            .any(|p| matches!(p, OsvApiError::TooManyPages { max_pages: 3, .. })),
        "{:?}",
        result.problem_messages()
    );
    // The ids of the pages read are kept (their records are missing here: 404s, reported).
    assert_eq!(result.queries[0].advisory_ids.len(), 3);
    assert!(
        result
            .problems
            .iter()
            .any(|p| matches!(p, OsvApiError::NotFound { .. }))
    );

    // A server that repeats its token.
    let server = Server::start(|req, _| {
        if req.method == "POST" {
            Action::Reply(
                reply(200).json(&serde_json::json!({"results": [{"next_page_token": "same"}]})),
            )
        } else {
            Action::Reply(reply(404))
        }
    });
    let result = api_with(&client(), &server, 10, None).fetch(&[q("npm", "loop", Some("1"))]);
    assert_eq!(server.count("POST", "/v1/querybatch"), 2);
    assert!(
        result
            .problem_messages()
            .iter()
            .any(|m| m.contains("page token `same` repeated")),
        "{:?}",
        result.problem_messages()
    );
}

#[test]
fn records_are_cached_per_id_and_refetched_only_when_modified() {
    let cache_dir = TempDir::new("osv-api-cache");
    let fake = Arc::new(Mutex::new(standard_fake()));
    let f = fake.clone();
    let server = Server::start(move |req, _| f.lock().expect("fake").serve(req));
    let cache = cache_dir.path().join("osv-api");

    let first = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(first.problems.is_empty(), "{:?}", first.problem_messages());
    assert_eq!((first.fetched, first.from_cache), (5, 0));
    assert_eq!(server.count("GET", "/v1/vulns/"), 5);
    assert!(cache.join("GHSA-5crp-9r3c-p9vr.json").is_file());

    // Second run: nothing changed, no record is fetched again.
    let second = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(
        second.problems.is_empty(),
        "{:?}",
        second.problem_messages()
    );
    assert_eq!((second.fetched, second.from_cache), (0, 5));
    assert_eq!(
        server.count("GET", "/v1/vulns/"),
        5,
        "no GET on the second run"
    );
    assert_eq!(ids(&second.records), ids(&first.records));

    // One advisory is modified upstream: only that one is fetched.
    {
        let mut f = fake.lock().expect("fake");
        *f = f.clone().advisory(
            "npm",
            "lodash",
            "GHSA-jf85-cpcp-j695",
            "2025-06-01T12:00:00.123Z",
        );
    }
    let third = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(third.problems.is_empty(), "{:?}", third.problem_messages());
    assert_eq!((third.fetched, third.from_cache), (1, 4));
    assert_eq!(server.count("GET", "/v1/vulns/GHSA-jf85-cpcp-j695"), 2);
    assert_eq!(server.count("GET", "/v1/vulns/"), 6);
    let lodash = third
        .records
        .iter()
        .find(|r| r.id == "GHSA-jf85-cpcp-j695")
        .expect("lodash record");
    assert_eq!(lodash.modified.as_deref(), Some("2025-06-01T12:00:00.123Z"));

    // A damaged cache file is not trusted: it is fetched again and repaired.
    std::fs::write(cache.join("PYSEC-2019-217.json"), b"{ not json").expect("damage");
    let fourth = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(
        fourth.problems.is_empty(),
        "{:?}",
        fourth.problem_messages()
    );
    assert_eq!((fourth.fetched, fourth.from_cache), (1, 4));
    let text = std::fs::read_to_string(cache.join("PYSEC-2019-217.json")).expect("cache");
    assert!(text.contains("\"PYSEC-2019-217\""));
    // No temporary files are left in the cache.
    let leftovers: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn retries_429_honouring_retry_after_then_succeeds() {
    let fake = standard_fake();
    let f = fake.clone();
    let server = Server::start(move |req, n| {
        if req.method == "POST" && n == 0 {
            return Action::Reply(reply(429).header("Retry-After", "1").body("slow down"));
        }
        if req.target == "/v1/vulns/GHSA-5crp-9r3c-p9vr" && n == 0 {
            return Action::Reply(reply(429).header("Retry-After", "0"));
        }
        f.serve(req)
    });
    let http = http::client(&HttpOptions {
        backoff_max: Duration::from_secs(3),
        ..fast_http()
    })
    .expect("client");
    let started = Instant::now();
    let result = api_with(&http, &server, 1000, None).fetch(&five_queries());
    let elapsed = started.elapsed();
    assert!(
        result.problems.is_empty(),
        "{:?}",
        result.problem_messages()
    );
    assert_eq!(result.records.len(), 5);
    assert_eq!(server.count("POST", "/v1/querybatch"), 2);
    assert_eq!(server.count("GET", "/v1/vulns/GHSA-5crp-9r3c-p9vr"), 2);
    // Retry-After: 1 was honoured (the backoff alone would have waited 10 ms).
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn retry_after_is_capped_by_the_backoff_limit() {
    let f = standard_fake();
    let server = Server::start(move |req, n| {
        if req.method == "POST" && n == 0 {
            return Action::Reply(reply(503).header("Retry-After", "3600"));
        }
        f.serve(req)
    });
    let started = Instant::now();
    let result = api(&server, 1000, None).fetch(&five_queries());
    assert!(
        result.problems.is_empty(),
        "{:?}",
        result.problem_messages()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.count("POST", "/v1/querybatch"), 2);
}

#[test]
fn server_errors_exhaust_retries_into_a_clear_error() {
    let server = Server::start(|_, _| Action::Reply(reply(503).body("upstream overloaded")));
    let started = Instant::now();
    let result = api(&server, 2, None).fetch(&five_queries());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(result.records.is_empty());
    // Every batch is tried 1 + 2 times; a 503 does not stop the later batches.
    assert_eq!(server.count("POST", "/v1/querybatch"), 9);
    assert_eq!(result.problems.len(), 3, "{:?}", result.problem_messages());
    assert!(
        matches!(
            result.problems[0],
            OsvApiError::Status {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{:?}",
        result.problems[0]
    );
    let msg = result.problems[0].to_string();
    let host = format!("127.0.0.1:{}", server.port);
    assert!(msg.contains(&host), "{msg}");
    assert!(msg.contains("HTTP 503"), "{msg}");
    assert!(msg.contains("after 3 attempt(s)"), "{msg}");
    assert!(msg.contains("upstream overloaded"), "{msg}");
    assert!(result.queries.iter().all(|o| !o.complete));

    // 429 forever says rate limited; 501 is not retried.
    let server = Server::start(|_, _| Action::Reply(reply(429)));
    let result = api(&server, 1000, None).fetch(&five_queries());
    assert_eq!(server.count("POST", "/"), 3);
    assert!(
        result.problems[0].to_string().contains("rate limited"),
        "{}",
        result.problems[0]
    );
    let server = Server::start(|_, _| Action::Reply(reply(501)));
    let _ = api(&server, 1000, None).fetch(&five_queries());
    assert_eq!(server.count("POST", "/"), 1);
}

#[test]
fn a_stalled_server_times_out() {
    let server = Server::start(|_, _| Action::Stall(Duration::from_secs(4)));
    let http = http::client(&HttpOptions {
        timeout: Duration::from_millis(400),
        max_retries: 1,
        ..fast_http()
    })
    .expect("client");
    let started = Instant::now();
    let result = api_with(&http, &server, 1000, None).fetch(&five_queries());
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.count("POST", "/v1/querybatch"), 2, "one retry");
    assert_eq!(result.problems.len(), 1, "{:?}", result.problem_messages());
    assert!(
        matches!(
            &result.problems[0],
            OsvApiError::Timeout {
                source: HttpError::Timeout { attempts: 2, .. },
                ..
            }
        ),
        "{:?}",
        result.problems[0]
    );
    let msg = result.problems[0].to_string();
    assert!(msg.contains("timed out"), "{msg}");
    assert!(msg.contains("400 ms"), "{msg}");

    // A stalled record fetch: the other records still arrive.
    let f = standard_fake();
    let server = Server::start(move |req, _| {
        if req.target == "/v1/vulns/PYSEC-2019-217" {
            return Action::Stall(Duration::from_secs(4));
        }
        f.serve(req)
    });
    let result = api_with(&http, &server, 1000, None).fetch(&five_queries());
    assert_eq!(result.records.len(), 4);
    assert_eq!(result.problems.len(), 1, "{:?}", result.problem_messages());
    let msg = result.problems[0].to_string();
    assert!(
        msg.contains("advisory PYSEC-2019-217") && msg.contains("timed out"),
        "{msg}"
    );
}

#[test]
fn malformed_answers_are_clear_errors_and_do_not_lose_the_rest() {
    // querybatch answers that are not what the API promises.
    let cases: [(&'static [u8], &str); 5] = [
        (b"{\"results\": [", "EOF while parsing"),
        (
            b"<html>proxy login</html>",
            "body starts: <html>proxy login",
        ),
        (b"{\"other\": 1}", "no `results` array"),
        (b"{\"results\": []}", "0 result(s) for 5"),
        (
            b"{\"results\": [{\"vulns\": [{\"id\": \"../../etc/passwd\"}]},{},{},{},{}]}",
            "invalid advisory id",
        ),
    ];
    for (body, expect) in cases {
        let server = Server::start(move |_, _| Action::Reply(reply(200).body(body)));
        let result = api(&server, 1000, None).fetch(&five_queries());
        assert!(result.records.is_empty());
        assert_eq!(result.problems.len(), 1, "{:?}", result.problem_messages());
        assert!(
            matches!(result.problems[0], OsvApiError::Malformed { .. }),
            "{:?}",
            result.problems[0]
        );
        let msg = result.problems[0].to_string();
        assert!(msg.contains("malformed answer from 127.0.0.1:"), "{msg}");
        assert!(msg.contains(expect), "{msg} / {expect}");
        assert_eq!(server.count("GET", "/"), 0);
    }

    // One broken record among good ones; one record whose id differs; one missing.
    let f = standard_fake();
    let server = Server::start(move |req, _| match req.target.as_str() {
        "/v1/vulns/GHSA-jf85-cpcp-j695" => Action::Reply(reply(200).body("{\"id\": 42}")),
        "/v1/vulns/PYSEC-2019-217" => Action::Reply(reply(200).body(record(
            "PYSEC-OTHER",
            "2024-01-01T00:00:00Z",
            "PyPI",
            "jinja2",
            "1",
        ))),
        "/v1/vulns/RUSTSEC-2020-0071" => Action::Reply(reply(404).body("Bug not found.")),
        _ => f.serve(req),
    });
    let result = api(&server, 1000, None).fetch(&five_queries());
    assert_eq!(
        ids(&result.records),
        vec!["GHSA-5crp-9r3c-p9vr", "GHSA-ghhp-997w-qr28"]
    );
    let msgs = result.problem_messages();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs.iter().any(
            |m| m.contains("advisory GHSA-jf85-cpcp-j695: malformed answer")
                && m.contains("invalid type")
        ),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("the record's id is `PYSEC-OTHER`")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("advisory RUSTSEC-2020-0071 is not known")),
        "{msgs:?}"
    );
}

#[test]
fn server_down_is_a_quick_clear_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    }; // closed again: nothing listens there
    let api = OsvApi::new(
        &client(),
        OsvApiOptions {
            base_url: format!("http://127.0.0.1:{port}"),
            batch_size: 2,
            ..OsvApiOptions::default()
        },
    );
    let started = Instant::now();
    let result = api.fetch(&five_queries());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(result.records.is_empty());
    assert_eq!(result.queried, 5);
    // Unreachable: the first batch's error, and no further batch is attempted.
    assert_eq!(result.problems.len(), 1, "{:?}", result.problem_messages());
    assert!(
        matches!(
            &result.problems[0],
            OsvApiError::Unreachable {
                source: HttpError::Connect { attempts: 3, .. },
                ..
            }
        ),
        "{:?}",
        result.problems[0]
    );
    let msg = result.problems[0].to_string();
    assert!(
        msg.starts_with(&format!("cannot reach 127.0.0.1:{port}: ")),
        "{msg}"
    );
    assert_eq!(result.queries.len(), 5);
    assert!(result.queries.iter().all(|o| !o.complete));

    // Offline mode: same kind of error, no network touched.
    let offline = http::client(&HttpOptions {
        offline: true,
        ..fast_http()
    })
    .expect("client");
    let result = OsvApi::new(&offline, OsvApiOptions::default()).fetch(&five_queries());
    let msg = result.problems[0].to_string();
    assert!(msg.starts_with("cannot reach api.osv.dev: "), "{msg}");
    assert!(msg.contains("offline"), "{msg}");

    // Plain HTTP is refused unless the client allows it for loopback.
    let strict = http::client(&HttpOptions {
        allow_http_loopback: false,
        ..fast_http()
    })
    .expect("client");
    let result = OsvApi::new(
        &strict,
        OsvApiOptions {
            base_url: format!("http://127.0.0.1:{port}"),
            ..OsvApiOptions::default()
        },
    )
    .fetch(&five_queries());
    assert!(
        result.problems[0].to_string().contains("only HTTPS"),
        "{}",
        result.problems[0]
    );
}

#[test]
fn server_going_down_mid_run_keeps_what_was_obtained() {
    // The API answers the query, then the connection for one record is dropped and the
    // server disappears: cached and already fetched records survive, stale copies are used
    // and said so, the rest is reported.
    let cache_dir = TempDir::new("osv-api-down");
    let cache = cache_dir.path().join("osv-api");
    let f = standard_fake();
    let server = Server::start(move |req, _| f.serve(req));
    let first = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(first.problems.is_empty(), "{:?}", first.problem_messages());
    drop(server);

    // Upstream modified two advisories since; the record fetches fail by connection drops.
    let f = standard_fake()
        .advisory(
            "npm",
            "lodash",
            "GHSA-jf85-cpcp-j695",
            "2025-01-01T00:00:00Z",
        )
        .advisory(
            "NuGet",
            "Brand.New",
            "GHSA-new0-0000-0000",
            "2025-01-01T00:00:00Z",
        );
    let server = Server::start(move |req, _| {
        if req.method == "GET" {
            Action::Close
        } else {
            f.serve(req)
        }
    });
    let mut queries = five_queries();
    queries.push(q("NuGet", "Brand.New", Some("1.0.0")));
    let result = api(&server, 1000, Some(&cache)).fetch(&queries);
    assert_eq!(result.records.len(), 5, "{:?}", ids(&result.records));
    assert_eq!(result.from_cache, 5);
    let msgs = result.problem_messages();
    assert!(
        msgs.iter().any(|m| m
            .contains("advisory GHSA-jf85-cpcp-j695: could not fetch a newer version")
            && m.contains("using the cached copy modified 2024-03-01T00:00:00Z")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("advisory GHSA-new0-0000-0000: request to")),
        "{msgs:?}"
    );
    assert!(result.queries.iter().all(|o| o.complete));
}

#[test]
fn api_gone_after_the_query_stops_fetching_and_uses_the_cache() {
    let cache_dir = TempDir::new("osv-api-gone");
    let cache = cache_dir.path().join("osv-api");
    let f = standard_fake();
    let server = Server::start(move |req, _| f.serve(req));
    let first = api(&server, 1000, Some(&cache)).fetch(&five_queries());
    assert!(first.problems.is_empty(), "{:?}", first.problem_messages());
    drop(server);
    // Two advisories are newer upstream, and the cache of a third is lost.
    std::fs::remove_file(cache.join("PYSEC-2019-217.json")).expect("remove");
    let f = standard_fake()
        .advisory(
            "npm",
            "lodash",
            "GHSA-jf85-cpcp-j695",
            "2025-01-01T00:00:00Z",
        )
        .advisory(
            "crates.io",
            "time",
            "RUSTSEC-2020-0071",
            "2025-01-01T00:00:00Z",
        );
    // The server answers the one querybatch, then its port closes.
    let server = Server::start_limited(1, move |req, _| f.serve(req));
    let http = http::client(&HttpOptions {
        max_retries: 1,
        ..fast_http()
    })
    .expect("client");
    let api = OsvApi::new(
        &http,
        OsvApiOptions {
            base_url: server.base(),
            cache_dir: Some(cache.clone()),
            concurrency: 1,
            ..OsvApiOptions::default()
        },
    );
    let started = Instant::now();
    let result = api.fetch(&five_queries());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.count("POST", "/v1/querybatch"), 1);
    // Two current from the cache, two stale from the cache, one missing.
    assert_eq!(
        ids(&result.records),
        vec![
            "GHSA-5crp-9r3c-p9vr",
            "GHSA-ghhp-997w-qr28",
            "GHSA-jf85-cpcp-j695",
            "RUSTSEC-2020-0071"
        ]
    );
    let msgs = result.problem_messages();
    // In id order: lodash fails to connect (stale copy used, and the API is now known to be
    // unreachable), the other two are not even tried.
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].starts_with(
            "advisory GHSA-jf85-cpcp-j695: could not fetch a newer version (cannot reach 127.0.0.1:"
        ),
        "{msgs:?}"
    );
    assert_eq!(
        msgs[1],
        format!(
            "2 advisory record(s) not fetched after an earlier failure to reach 127.0.0.1:{} \
             (older cached copies used where available)",
            server.port
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Proxies: HTTPS_PROXY pointing at a loopback proxy run by the test. The proxy accepts the
// CONNECT tunnel and terminates TLS itself with a certificate for `api.osv.test` issued by a
// throw-away CA that the client trusts, then answers as the OSV API. The host name is never
// resolved: only the proxy can have answered.

const PROXY_CHILD_ENV: &str = "PORTCULLIS_OSV_PROXY_CHILD";

struct Pki {
    _dir: TempDir,
    ca_pem: Vec<u8>,
    leaf_cert: PathBuf,
    leaf_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let bin = std::env::var("PORTCULLIS_OPENSSL_BIN").unwrap_or_else(|_| "openssl".into());
    let out = Command::new(&bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{bin}` ({e}): the proxy test makes its certificates with the openssl \
                 command; install it with `scripts/test-tools-setup.sh` (Debian package `openssl`)"
            )
        });
    assert!(
        out.status.success(),
        "`{bin} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn make_pki(host: &str) -> Pki {
    let dir = TempDir::new("osv-pki");
    let d = dir.path();
    std::fs::write(
        d.join("ca.cnf"),
        "[req]\ndistinguished_name = dn\nx509_extensions = v3_ca\nprompt = no\n\
         [dn]\nCN = Portcullis OSV Test CA\n\
         [v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\n",
    )
    .expect("ca.cnf");
    std::fs::write(
        d.join("leaf.cnf"),
        format!("[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = {host}\n"),
    )
    .expect("leaf.cnf");
    std::fs::write(
        d.join("leaf.ext"),
        format!(
            "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
             extendedKeyUsage = serverAuth\nsubjectAltName = DNS:{host}\n\
             authorityKeyIdentifier = keyid\n"
        ),
    )
    .expect("leaf.ext");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-config", "ca.cnf", "-days", "2"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    openssl(d, &ca);
    let mut csr = vec!["req", "-new", "-config", "leaf.cnf"];
    csr.extend(ec);
    csr.extend(["-keyout", "leaf.key", "-out", "leaf.csr"]);
    openssl(d, &csr);
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "7",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    Pki {
        ca_pem: std::fs::read(d.join("ca.pem")).expect("ca.pem"),
        leaf_cert: d.join("leaf.pem"),
        leaf_key: d.join("leaf.key"),
        _dir: dir,
    }
}

/// An HTTPS proxy on loopback: logs `CONNECT` targets, then serves the tunnelled requests
/// itself over TLS with `pki`'s certificate, answering with `fake`.
fn start_tls_proxy(pki: &Pki, fake: FakeOsv) -> (Server, Arc<Mutex<Vec<Req>>>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    http::install_crypto_provider();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&pki.leaf_cert)
        .expect("leaf cert")
        .collect::<Result<_, _>>()
        .expect("leaf cert pem");
    let key = PrivateKeyDer::from_pem_file(&pki.leaf_key).expect("leaf key");
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config"),
    );
    let inner_log: Arc<Mutex<Vec<Req>>> = Arc::new(Mutex::new(Vec::new()));
    let inner = inner_log.clone();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    let log: Arc<Mutex<Vec<Req>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (log2, stop2) = (log.clone(), stop.clone());
    let thread = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while served < 100 && Instant::now() < deadline && !stop2.load(Ordering::SeqCst) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            served += 1;
            let (config, fake, log, inner) =
                (config.clone(), fake.clone(), log2.clone(), inner.clone());
            std::thread::spawn(move || {
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Some(connect) = read_request(&mut stream) else {
                    return;
                };
                let is_connect = connect.method == "CONNECT";
                if let Ok(mut l) = log.lock() {
                    l.push(connect);
                }
                if !is_connect {
                    write_reply(&mut stream, "GET", &reply(405));
                    return;
                }
                let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let Some(req) = read_request(&mut tls) else {
                    return;
                };
                if let Ok(mut l) = inner.lock() {
                    l.push(req.clone());
                }
                let Action::Reply(r) = fake.serve(&req) else {
                    return;
                };
                write_reply(&mut tls, &req.method, &r);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (
        Server {
            port,
            log,
            stop,
            thread: Some(thread),
        },
        inner_log,
    )
}

#[test]
fn https_proxy_from_the_environment_carries_the_api_traffic() {
    if let Ok(ca_path) = std::env::var(PROXY_CHILD_ENV) {
        // Child: HTTPS_PROXY is set by the parent (NO_PROXY as the parent decided).
        let ca = std::fs::read(&ca_path).expect("ca");
        let http = http::client(&HttpOptions {
            extra_roots_pem: vec![ca],
            max_retries: 0,
            ..fast_http()
        })
        .expect("client");
        let api = OsvApi::new(
            &http,
            OsvApiOptions {
                base_url: "https://api.osv.test".into(),
                ..OsvApiOptions::default()
            },
        );
        let result = api.fetch(&[q("NuGet", "Newtonsoft.Json", Some("12.0.3"))]);
        let expect_direct = std::env::var("NO_PROXY").is_ok_and(|v| v.contains("api.osv.test"));
        if expect_direct {
            // Not through the proxy: the name is resolved directly and cannot be.
            assert!(result.records.is_empty());
            let msg = result.problems[0].to_string();
            assert!(msg.starts_with("cannot reach api.osv.test: "), "{msg}");
        } else {
            assert!(
                result.problems.is_empty(),
                "{:?}",
                result.problem_messages()
            );
            assert_eq!(ids(&result.records), vec!["GHSA-5crp-9r3c-p9vr"]);
        }
        println!("child-ok");
        return;
    }
    let pki = make_pki("api.osv.test");
    let ca_file = pki._dir.path().join("trusted-ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).expect("write ca");
    let fake = FakeOsv::new().advisory(
        "NuGet",
        "Newtonsoft.Json",
        "GHSA-5crp-9r3c-p9vr",
        "2024-01-01T00:00:00Z",
    );
    let run_child = |proxy: &Server, no_proxy: Option<&str>| {
        let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
        cmd.args([
            "https_proxy_from_the_environment_carries_the_api_traffic",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(PROXY_CHILD_ENV, &ca_file)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{}", proxy.port))
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("no_proxy")
        .stdin(Stdio::null());
        match no_proxy {
            Some(v) => cmd.env("NO_PROXY", v),
            None => cmd.env_remove("NO_PROXY"),
        };
        let out = cmd.output().expect("run the child test");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("child-ok"),
            "the child ran no test: {stdout}"
        );
    };

    let (proxy, tunnelled) = start_tls_proxy(&pki, fake.clone());
    run_child(&proxy, None);
    let connects = proxy.log();
    assert!(!connects.is_empty());
    assert!(
        connects
            .iter()
            .all(|r| r.method == "CONNECT" && r.target == "api.osv.test:443"),
        "{connects:?}"
    );
    let inner: Vec<(String, String)> = tunnelled
        .lock()
        .expect("log")
        .iter()
        .map(|r| (r.method.clone(), r.target.clone()))
        .collect();
    assert_eq!(
        inner,
        vec![
            ("POST".to_string(), "/v1/querybatch".to_string()),
            (
                "GET".to_string(),
                "/v1/vulns/GHSA-5crp-9r3c-p9vr".to_string()
            ),
        ]
    );

    // NO_PROXY names the host: the proxy is not used.
    let (proxy, tunnelled) = start_tls_proxy(&pki, fake);
    run_child(&proxy, Some("example.invalid,api.osv.test"));
    assert!(proxy.log().is_empty(), "{:?}", proxy.log());
    assert!(tunnelled.lock().expect("log").is_empty());
}

// ---------------------------------------------------------------------------------------------
// db update

fn osv_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        w.start_file(*name, opts).expect("start entry");
        w.write_all(body).expect("write entry");
    }
    w.finish().expect("finish zip").into_inner()
}

fn nuget_zip(n: usize) -> Vec<u8> {
    let records: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            let id = format!("GHSA-test-{i:04}-xxxx");
            (
                format!("{id}.json"),
                record(
                    &id,
                    "2024-01-01T00:00:00Z",
                    "NuGet",
                    &format!("Pkg{i}"),
                    "2.0.0",
                )
                .into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = records
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    osv_zip(&refs)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Serves `/<Ecosystem>/all.zip` from a mutable table; honours If-None-Match with the
/// archive's ETag (`"<sha256>"`).
struct ZipServer {
    server: Server,
    files: Arc<Mutex<Vec<(String, Reply)>>>,
}

impl ZipServer {
    fn start() -> ZipServer {
        let files: Arc<Mutex<Vec<(String, Reply)>>> = Arc::new(Mutex::new(Vec::new()));
        let f = files.clone();
        let server = Server::start(move |req, _| {
            let table = f.lock().expect("files");
            let Some((_, r)) = table.iter().find(|(p, _)| *p == req.target) else {
                return Action::Reply(reply(404).body("NoSuchKey"));
            };
            let etag = r
                .headers
                .iter()
                .find(|(k, _)| k == "ETag")
                .map(|(_, v)| v.clone());
            if etag.is_some() && req.header("if-none-match") == etag.as_deref() {
                return Action::Reply(reply(304));
            }
            Action::Reply(r.clone())
        });
        ZipServer { server, files }
    }

    fn set(&self, path: &str, r: Reply) {
        let mut t = self.files.lock().expect("files");
        t.retain(|(p, _)| p != path);
        t.push((path.to_string(), r));
    }

    fn set_zip(&self, eco: &str, bytes: &[u8]) {
        self.set(
            &format!("/{eco}/all.zip"),
            reply(200)
                .header("Content-Type", "application/zip")
                .header("ETag", &format!("\"{}\"", sha256_hex(bytes)))
                .body(bytes),
        );
    }
}

fn db_opts(server: &Server, root: &Path, ecosystems: &[&str]) -> DbUpdateOptions {
    DbUpdateOptions {
        base_url: server.base(),
        ecosystems: ecosystems.iter().map(|s| (*s).to_string()).collect(),
        root: root.to_path_buf(),
        download: DownloadOptions {
            max_bytes: 4 * 1024 * 1024,
            timeout: Duration::from_secs(10),
        },
        limits: ZipLimits::default(),
        conditional: true,
    }
}

fn no_progress() -> impl FnMut(&str, u64, Option<u64>) {
    |_, _, _| {}
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn db_update_writes_archive_and_meta_atomically() {
    let zs = ZipServer::start();
    let nuget = nuget_zip(3);
    zs.set_zip("NuGet", &nuget);
    zs.set_zip("crates.io", &nuget_zip(1));
    let root = TempDir::new("osv-db");
    let before = cache::now_unix();
    let mut seen_progress = Vec::new();
    let results = osv_db::update(
        &client(),
        &db_opts(&zs.server, root.path(), &["nuget", "cargo", "NuGet"]),
        &mut |eco, n, total| seen_progress.push((eco.to_string(), n, total)),
    );
    // Duplicates (after canonical spelling) are downloaded once.
    assert_eq!(results.len(), 2);
    assert_eq!(zs.server.count("GET", "/NuGet/all.zip"), 1);
    let u = results[0].result.as_ref().expect("NuGet updated");
    assert_eq!(results[0].ecosystem, "NuGet");
    assert_eq!(u.kind, UpdateKind::Updated);
    assert_eq!(u.meta.records, 3);
    assert_eq!(u.bytes, nuget.len() as u64);
    assert_eq!(results[1].ecosystem, "crates.io");
    assert!(results[1].result.is_ok());
    assert!(seen_progress.iter().any(|(e, n, t)| e == "NuGet"
        && *n == nuget.len() as u64
        && *t == Some(nuget.len() as u64)));

    let dir = root.path().join("osv").join("NuGet");
    assert_eq!(dir_names(&dir), vec!["all.zip", "http.json", "meta.json"]);
    assert_eq!(std::fs::read(dir.join("all.zip")).expect("zip"), nuget);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).expect("meta"))
            .expect("meta json");
    let keys: Vec<&String> = meta.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        vec!["downloaded_at", "records", "sha256", "source_url"]
    );
    assert_eq!(
        meta["source_url"],
        format!("{}/NuGet/all.zip", zs.server.base())
    );
    assert_eq!(meta["sha256"], sha256_hex(&nuget));
    assert_eq!(meta["records"], 3);
    let at = meta["downloaded_at"].as_str().expect("downloaded_at");
    assert!(at.ends_with('Z') && at.len() == 20, "{at}");
    let (t, _) = cache::parse_rfc3339(at).expect("RFC 3339");
    assert!(t >= before && t <= cache::now_unix(), "{at}");
    assert_eq!(osv_db::read_meta(&dir).expect("read_meta").records, 3);

    // db status sees both.
    let status = osv_db::status(root.path(), cache::now_unix() + 7200).expect("status");
    let names: Vec<&str> = status.iter().map(|s| s.ecosystem.as_str()).collect();
    assert_eq!(names, vec!["NuGet", "crates.io"]);
    assert_eq!(status[0].bytes, Some(nuget.len() as u64));
    assert!(
        status[0]
            .age_secs
            .is_some_and(|a| (7200..7300).contains(&a))
    );
    assert!(status.iter().all(|s| s.problem.is_none()));
}

#[test]
fn db_update_is_conditional_and_force_downloads_again() {
    let zs = ZipServer::start();
    let nuget = nuget_zip(2);
    zs.set_zip("NuGet", &nuget);
    let root = TempDir::new("osv-db-304");
    let opts = db_opts(&zs.server, root.path(), &["NuGet"]);
    let first = osv_db::update(&client(), &opts, &mut no_progress());
    let first = first[0].result.as_ref().expect("first").clone();
    // Make the recorded time older, to see it move.
    let dir = root.path().join("osv").join("NuGet");
    let mut meta = osv_db::read_meta(&dir).expect("meta");
    meta.downloaded_at = "2020-01-01T00:00:00Z".into();
    std::fs::write(
        dir.join("meta.json"),
        serde_json::to_vec(&meta).expect("json"),
    )
    .expect("write meta");

    let second = osv_db::update(&client(), &opts, &mut no_progress());
    let second = second[0].result.as_ref().expect("second");
    assert_eq!(second.kind, UpdateKind::NotModified);
    assert_eq!(second.meta.sha256, first.meta.sha256);
    assert_eq!(second.meta.records, 2);
    assert_ne!(second.meta.downloaded_at, "2020-01-01T00:00:00Z");
    let log = zs.server.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].header("if-none-match"), None);
    let etag = format!("\"{}\"", sha256_hex(&nuget));
    assert_eq!(log[1].header("if-none-match"), Some(etag.as_str()));
    assert_eq!(
        osv_db::read_meta(&dir).expect("meta").downloaded_at,
        second.meta.downloaded_at
    );
    assert_eq!(std::fs::read(dir.join("all.zip")).expect("zip"), nuget);

    // Without conditional requests it downloads again.
    let forced = osv_db::update(
        &client(),
        &DbUpdateOptions {
            conditional: false,
            ..opts.clone()
        },
        &mut no_progress(),
    );
    assert_eq!(
        forced[0].result.as_ref().expect("forced").kind,
        UpdateKind::Updated
    );
    assert_eq!(zs.server.log()[2].header("if-none-match"), None);

    // A new archive upstream replaces the old one.
    let newer = nuget_zip(5);
    zs.set_zip("NuGet", &newer);
    let third = osv_db::update(&client(), &opts, &mut no_progress());
    let third = third[0].result.as_ref().expect("third");
    assert_eq!(third.kind, UpdateKind::Updated);
    assert_eq!(third.meta.records, 5);
    assert_eq!(std::fs::read(dir.join("all.zip")).expect("zip"), newer);
}

/// Fills the cache with a good NuGet database and returns (archive bytes, meta.json text).
fn good_db(zs: &ZipServer, root: &Path) -> (Vec<u8>, String) {
    let good = nuget_zip(2);
    zs.set_zip("NuGet", &good);
    let r = osv_db::update(
        &client(),
        &db_opts(&zs.server, root, &["NuGet"]),
        &mut no_progress(),
    );
    assert!(r[0].result.is_ok(), "{:?}", r[0].result);
    let meta = std::fs::read_to_string(root.join("osv/NuGet/meta.json")).expect("meta");
    (good, meta)
}

fn assert_db_unchanged(root: &Path, zip: &[u8], meta: &str) {
    let dir = root.join("osv").join("NuGet");
    assert_eq!(std::fs::read(dir.join("all.zip")).expect("zip"), zip);
    assert_eq!(
        std::fs::read_to_string(dir.join("meta.json")).expect("meta"),
        meta
    );
    assert_eq!(dir_names(&dir), vec!["all.zip", "http.json", "meta.json"]);
}

#[test]
fn failed_downloads_keep_the_old_database() {
    let zs = ZipServer::start();
    let root = TempDir::new("osv-db-fail");
    let (good, meta) = good_db(&zs, root.path());
    let opts = DbUpdateOptions {
        conditional: false,
        ..db_opts(&zs.server, root.path(), &["NuGet"])
    };
    let run = |opts: &DbUpdateOptions| -> DbError {
        let r = osv_db::update(&client(), opts, &mut no_progress());
        r.into_iter()
            .next()
            .expect("one result")
            .result
            .expect_err("must fail")
    };

    // Server error (retried, then reported).
    zs.set("/NuGet/all.zip", reply(500).body("backend error"));
    let e = run(&opts);
    assert!(matches!(e, DbError::Status { status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("backend error"), "{e}");
    assert_db_unchanged(root.path(), &good, &meta);

    // 404: names are case-sensitive.
    zs.set("/NuGet/all.zip", reply(404));
    let e = run(&opts);
    assert!(e.to_string().contains("case-sensitive"), "{e}");
    assert_db_unchanged(root.path(), &good, &meta);

    // Body cut short (announces more than it sends).
    let partial = nuget_zip(4);
    zs.set(
        "/NuGet/all.zip",
        reply(200)
            .body(&partial[..partial.len() / 2])
            .announce(partial.len()),
    );
    let e = run(&opts);
    assert!(matches!(e, DbError::Http { .. }), "{e:?}");
    assert_db_unchanged(root.path(), &good, &meta);

    // Larger than the size cap (announced in Content-Length: refused before reading).
    let big = nuget_zip(4);
    zs.set_zip("NuGet", &big);
    let small_cap = DbUpdateOptions {
        download: DownloadOptions {
            max_bytes: 100,
            timeout: Duration::from_secs(10),
        },
        ..opts.clone()
    };
    let e = run(&small_cap);
    assert!(
        matches!(
            e,
            DbError::Http {
                source: HttpError::TooLarge { limit: 100, .. },
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("100-byte limit"), "{e}");
    assert_db_unchanged(root.path(), &good, &meta);

    // Server down.
    drop(zs);
    let e = run(&opts);
    assert!(
        matches!(
            e,
            DbError::Http {
                source: HttpError::Connect { .. },
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with("downloading http://127.0.0.1:"),
        "{e}"
    );
    assert_db_unchanged(root.path(), &good, &meta);
}

#[test]
fn corrupt_or_hostile_archives_are_rejected() {
    let zs = ZipServer::start();
    let root = TempDir::new("osv-db-corrupt");
    let (good, meta) = good_db(&zs, root.path());
    let opts = DbUpdateOptions {
        conditional: false,
        ..db_opts(&zs.server, root.path(), &["NuGet"])
    };
    let check = |bytes: &[u8], limits: ZipLimits, expect: &str| {
        zs.set_zip("NuGet", bytes);
        let r = osv_db::update(
            &client(),
            &DbUpdateOptions {
                limits,
                ..opts.clone()
            },
            &mut no_progress(),
        );
        let e = r
            .into_iter()
            .next()
            .expect("one")
            .result
            .expect_err("must be rejected");
        assert!(matches!(e, DbError::InvalidArchive { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("is not a usable OSV archive"), "{msg}");
        assert!(msg.contains(expect), "{msg} / {expect}");
        assert_db_unchanged(root.path(), &good, &meta);
    };
    let limits = ZipLimits::default();

    check(
        b"this is not a zip file at all",
        limits,
        "not a readable zip archive",
    );
    let truncated = nuget_zip(3);
    check(
        &truncated[..truncated.len() - 30],
        limits,
        "not a readable zip archive",
    );

    // A stored entry with one byte flipped: the CRC check catches it.
    let stored = {
        use zip::write::SimpleFileOptions;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file("GHSA-crc0-0000-0000.json", o).expect("entry");
        w.write_all(
            record(
                "GHSA-crc0-0000-0000",
                "2024-01-01T00:00:00Z",
                "NuGet",
                "X",
                "1",
            )
            .as_bytes(),
        )
        .expect("write");
        w.finish().expect("finish").into_inner()
    };
    let mut flipped = stored.clone();
    let at = flipped
        .windows(7)
        .position(|w| w == b"summary")
        .expect("record text in the archive");
    flipped[at] = b'S';
    check(&flipped, limits, "cannot be read");

    // Zip bomb: an entry that unpacks past the per-entry and the total limits.
    let bomb = osv_zip(&[("BOMB-1.json", vec![b' '; 3 * 1024 * 1024])]);
    assert!(bomb.len() < 64 * 1024);
    check(
        &bomb,
        ZipLimits {
            max_entry_bytes: 1024 * 1024,
            ..limits
        },
        "more than the limit of 1048576",
    );
    let two = nuget_zip(2);
    check(
        &two,
        ZipLimits {
            max_total_bytes: 300,
            ..limits
        },
        "unpack to more than the limit of 300 bytes",
    );
    check(
        &nuget_zip(5),
        ZipLimits {
            max_entries: 4,
            ..limits
        },
        "5 entries, more than the limit of 4",
    );

    // Path traversal in entry names.
    check(
        &osv_zip(&[("../../evil.json", b"{\"id\":\"E-1\"}".to_vec())]),
        limits,
        "unsafe path",
    );
    check(
        &osv_zip(&[("/etc/evil.json", b"{\"id\":\"E-1\"}".to_vec())]),
        limits,
        "unsafe path",
    );

    // A readable zip that holds no OSV records.
    check(
        &osv_zip(&[("README.txt", b"hello".to_vec())]),
        limits,
        "holds no OSV records",
    );
    check(
        &osv_zip(&[("a.json", b"[1,2]".to_vec()), ("b.json", b"{".to_vec())]),
        limits,
        "none of its 2 JSON entries is an OSV record",
    );

    // Mostly good with one bad entry: accepted, the bad entry counted.
    let mixed = osv_zip(&[
        (
            "GHSA-good-0000-0000.json",
            record(
                "GHSA-good-0000-0000",
                "2024-01-01T00:00:00Z",
                "NuGet",
                "G",
                "1",
            )
            .into_bytes(),
        ),
        ("broken.json", b"{".to_vec()),
    ]);
    zs.set_zip("NuGet", &mixed);
    let r = osv_db::update(&client(), &opts, &mut no_progress());
    let u = r[0].result.as_ref().expect("accepted");
    assert_eq!((u.meta.records, u.invalid_entries), (1, 1));
}

#[test]
fn invalid_ecosystems_fail_alone() {
    let zs = ZipServer::start();
    zs.set_zip("NuGet", &nuget_zip(1));
    let root = TempDir::new("osv-db-eco");
    let r = osv_db::update(
        &client(),
        &db_opts(&zs.server, root.path(), &["Debian:12", "../../x", "NuGet"]),
        &mut no_progress(),
    );
    assert_eq!(r.len(), 3);
    assert!(matches!(r[0].result, Err(DbError::InvalidEcosystem { .. })));
    assert!(matches!(r[1].result, Err(DbError::InvalidEcosystem { .. })));
    assert!(r[2].result.is_ok());
    assert_eq!(zs.server.log().len(), 1);
    assert_eq!(dir_names(&root.path().join("osv")), vec!["NuGet"]);
}

// ---------------------------------------------------------------------------------------------
// The CLI

fn run_cli(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    cmd.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("portcullis runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_db_update_and_status() {
    let zs = ZipServer::start();
    zs.set_zip("NuGet", &nuget_zip(3));
    zs.set_zip("PyPI", &nuget_zip(2));
    let root = TempDir::new("osv-db-cli");
    let root_s = root.path().display().to_string();
    let base = zs.server.base();

    // Plain HTTP needs the loopback opt-in.
    let (code, stdout, stderr) = run_cli(
        &[
            "db",
            "update",
            "-e",
            "NuGet",
            "--base-url",
            &base,
            "--cache-dir",
            &root_s,
        ],
        &[],
    );
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("refusing plain HTTP"), "{stderr}");
    assert_eq!(zs.server.log().len(), 0);

    let (code, stdout, stderr) = run_cli(
        &[
            "db",
            "update",
            "--ecosystem",
            "nuget",
            "-e",
            "pypi",
            "--base-url",
            &base,
            "--allow-insecure-loopback",
        ],
        &[("PORTCULLIS_CACHE_DIR", &root_s)],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("NuGet: updated: 3 records"), "{stdout}");
    assert!(stdout.contains("PyPI: updated: 2 records"), "{stdout}");
    // Not a terminal: no progress output.
    assert!(!stderr.contains('\r'), "{stderr:?}");
    assert!(root.path().join("osv/NuGet/all.zip").is_file());

    // Second run: not modified; one ecosystem missing upstream fails alone with exit 2.
    let (code, stdout, stderr) = run_cli(
        &[
            "db",
            "update",
            "-e",
            "NuGet",
            "-e",
            "Maven",
            "--base-url",
            &base,
            "--cache-dir",
            &root_s,
            "--allow-insecure-loopback",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["ecosystems"][0]["ecosystem"], "NuGet");
    assert_eq!(doc["ecosystems"][0]["status"], "not_modified");
    assert_eq!(doc["ecosystems"][0]["records"], 3);
    assert_eq!(doc["ecosystems"][1]["status"], "error");
    assert!(
        doc["ecosystems"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("HTTP 404")),
        "{stdout}"
    );
    assert!(!root.path().join("osv/Maven").exists());

    let (code, stdout, stderr) = run_cli(&["db", "status", "--cache-dir", &root_s], &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("offline advisory database: "),
        "{stdout}"
    );
    assert!(lines[1].starts_with("ECOSYSTEM"), "{stdout}");
    assert!(
        lines[2].starts_with("NuGet ") && lines[2].contains(" 3 "),
        "{stdout}"
    );
    assert!(lines[2].contains("just now"), "{stdout}");
    assert!(
        lines[3].starts_with("PyPI ") && lines[3].contains(" 2 "),
        "{stdout}"
    );
    assert_eq!(lines.len(), 4, "{stdout}");

    let (code, stdout, _) = run_cli(
        &["db", "status", "--json"],
        &[("PORTCULLIS_CACHE_DIR", &root_s)],
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["ecosystems"][0]["ecosystem"], "NuGet");
    assert_eq!(doc["ecosystems"][0]["meta"]["records"], 3);
    assert_eq!(doc["ecosystems"][1]["ecosystem"], "PyPI");

    // An empty cache says what to do.
    let empty = TempDir::new("osv-db-cli-empty");
    let (code, stdout, _) = run_cli(
        &[
            "db",
            "status",
            "--cache-dir",
            &empty.path().display().to_string(),
        ],
        &[],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("run `portcullis db update`"), "{stdout}");
}
