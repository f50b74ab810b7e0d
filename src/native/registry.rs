//! Registry provenance for base images (`--resolve`): for an image reference, ask its registry
//! (Docker Registry HTTP API v2 / OCI distribution spec) which manifest digest the tag points
//! to, and whether a signature exists for that digest.
//!
//! - Manifest: `HEAD /v2/<repo>/manifests/<tag|digest>` (falling back to `GET` when `HEAD` gives
//!   no digest or is not supported, and to learn why a manifest is missing), accepting OCI
//!   index/manifest and Docker manifest list/v2. The digest is `Docker-Content-Digest`, else the
//!   sha256 of the body; a body that does not match the header (or a pinned digest that the
//!   registry does not confirm) is an error.
//! - Auth: anonymous. A `401` with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` gets an
//!   anonymous token from the realm and the request is retried once; tokens are reused per
//!   registry and repository. No credentials are ever read or sent.
//! - Transport: HTTPS only; plain HTTP only for loopback registries when
//!   [`RegistryOptions::allow_insecure_loopback`] is set. `docker.io` is served by
//!   `registry-1.docker.io` (its token realm comes from the challenge).
//! - Signatures: the cosign tag `sha256-<hex>.sig` in the same repository; else the OCI
//!   referrers API `GET /v2/<repo>/referrers/<digest>` (a 404 — or 400/405/406/501 from
//!   registries that answer so — means "not supported": the referrers tag `sha256-<hex>` is
//!   read instead), counting descriptors whose `artifactType`
//!   is a cosign signature, a sigstore bundle (any version) or a Notary signature.
//! - Results (and errors) are cached per normalized reference for the client's lifetime.

mod challenge;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::baseimage::reference::ImageRef;
use crate::native::http::{self, HttpError, HttpOptions, HttpResponse, Request, Url};

pub use challenge::{Challenge, parse as parse_challenges};

pub const MEDIA_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const MEDIA_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// `artifactType` of a cosign signature attached as a referrer.
pub const ARTIFACT_COSIGN_SIG: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
/// Prefix of every sigstore bundle media type (`….v0.3+json`, `…+json;version=0.1`, …).
pub const ARTIFACT_SIGSTORE_BUNDLE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
/// `artifactType` of a Notary Project signature.
pub const ARTIFACT_NOTARY_SIG: &str = "application/vnd.cncf.notary.signature";

/// The hosts Docker Hub's registry API is served from.
pub const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";

/// Pages of a paginated referrers answer that are read at most.
const MAX_REFERRER_PAGES: usize = 8;

/// What to ask and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryOptions {
    pub http: HttpOptions,
    /// Talk plain HTTP to registries on loopback addresses (local test registries).
    pub allow_insecure_loopback: bool,
    /// Look for signatures (costs one to three more requests per image).
    pub check_signatures: bool,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            http: HttpOptions::default(),
            allow_insecure_loopback: false,
            check_signatures: true,
        }
    }
}

/// What the registry said about one reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// The normalized reference that was resolved (`docker.io/library/node:22`).
    pub reference: String,
    /// Manifest digest (`sha256:…`) the tag points to (or the pinned digest, confirmed).
    pub digest: String,
    /// Manifest media type as served (`Content-Type`), when the registry says.
    pub media_type: Option<String>,
    pub signature: SignatureStatus,
}

/// Whether a signature exists for the resolved digest. Existence only: signatures are not
/// verified cryptographically here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureStatus {
    Signed {
        kind: SignatureKind,
    },
    Unsigned,
    /// Signature look-up was switched off ([`RegistryOptions::check_signatures`]).
    NotChecked,
}

/// How the signature was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "artifact_type", rename_all = "snake_case")]
pub enum SignatureKind {
    /// A manifest under the cosign tag `sha256-<hex>.sig`.
    Cosign,
    /// A referrer (OCI referrers API or referrers tag) with this signature `artifactType`.
    Referrer(String),
}

/// Why a look-up failed. Every message names the registry and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot look up `{reference}` in a registry: {reason}")]
    InvalidReference { reference: String, reason: String },
    #[error("{what} at registry {registry} failed: {source}")]
    Http {
        registry: String,
        what: String,
        source: HttpError,
    },
    #[error(
        "manifest unknown: `{reference}` does not exist on registry {registry} (HTTP {status}{detail})"
    )]
    ManifestUnknown {
        registry: String,
        reference: String,
        status: u16,
        detail: String,
    },
    #[error(
        "repository unknown: `{repository}` does not exist on registry {registry} (HTTP {status}{detail})"
    )]
    NameUnknown {
        registry: String,
        repository: String,
        status: u16,
        detail: String,
    },
    #[error(
        "access denied by registry {registry} for {what} (HTTP {status}): {detail}; only anonymous access is used"
    )]
    Denied {
        registry: String,
        what: String,
        status: u16,
        detail: String,
    },
    #[error(
        "registry {registry} asks for `{scheme}` authentication for {what}; only anonymous and anonymous bearer-token access are supported"
    )]
    AuthUnsupported {
        registry: String,
        what: String,
        scheme: String,
    },
    #[error("cannot get an anonymous token from `{realm}` for registry {registry}: {detail}")]
    Token {
        registry: String,
        realm: String,
        detail: String,
    },
    #[error("registry {registry} answered HTTP {status} to {what}: {detail}")]
    Status {
        registry: String,
        what: String,
        status: u16,
        detail: String,
    },
    #[error("registry {registry} sent an unusable answer to {what}: {detail}")]
    InvalidResponse {
        registry: String,
        what: String,
        detail: String,
    },
    #[error(
        "digest mismatch for `{reference}` on registry {registry}: expected {expected}, got {actual}"
    )]
    DigestMismatch {
        registry: String,
        reference: String,
        expected: String,
        actual: String,
    },
    #[error("cannot set up the registry client: {0}")]
    Setup(HttpError),
}

/// Where a registry's API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The registry as named in references (`docker.io`, `localhost:5000`).
    pub registry: String,
    /// API base URL without trailing slash (`https://registry-1.docker.io`).
    pub base: String,
}

/// Anonymous registry client with a per-run cache. Safe to share between threads.
#[derive(Debug)]
pub struct RegistryClient {
    http: http::Client,
    opts: RegistryOptions,
    cache: Mutex<BTreeMap<String, Result<Resolution, RegistryError>>>,
    tokens: Mutex<BTreeMap<(String, String), String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The API endpoint for a registry name: Docker Hub mapping, HTTPS, or plain HTTP for a
/// loopback registry when `allow_insecure_loopback`.
pub fn endpoint(registry: &str, allow_insecure_loopback: bool) -> Result<Endpoint, RegistryError> {
    let invalid = |reason: &str| RegistryError::InvalidReference {
        reference: registry.to_string(),
        reason: reason.to_string(),
    };
    if registry.is_empty()
        || !registry
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
    {
        return Err(invalid("invalid registry host"));
    }
    let api_host = match registry.to_ascii_lowercase().as_str() {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_API_HOST.to_string(),
        _ => registry.to_string(),
    };
    let hostname = if let Some(rest) = api_host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        api_host.split(':').next().unwrap_or_default()
    };
    let scheme = if allow_insecure_loopback && http::is_loopback_host(hostname) {
        "http"
    } else {
        "https"
    };
    let base = format!("{scheme}://{api_host}");
    let parsed = Url::parse(&base).map_err(|e| invalid(&format!("invalid registry host: {e}")))?;
    if parsed.host_str().is_none() || parsed.path() != "/" {
        return Err(invalid("invalid registry host"));
    }
    Ok(Endpoint {
        registry: registry.to_string(),
        base,
    })
}

fn valid_repository(repo: &str) -> bool {
    !repo.is_empty()
        && repo.len() <= 255
        && repo
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && repo
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
}

fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// `algorithm:encoded` per the OCI digest grammar; sha256 must be 64 lowercase hex characters.
pub fn valid_digest(d: &str) -> bool {
    let Some((alg, enc)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = !alg.is_empty()
        && alg
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
        && !alg.starts_with(['+', '.', '_', '-'])
        && !alg.ends_with(['+', '.', '_', '-']);
    let enc_ok = !enc.is_empty()
        && enc
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "=_-".contains(c));
    if !(alg_ok && enc_ok) {
        return false;
    }
    if alg == "sha256" {
        return enc.len() == 64
            && enc
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    }
    true
}

/// `sha256:<hex of the sha256 of bytes>`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let sum = Sha256::digest(bytes);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in sum {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Whether an `artifactType` marks a signature (cosign, sigstore bundle of any version, Notary).
pub fn is_signature_artifact(artifact_type: &str) -> bool {
    let t = artifact_type.trim().to_ascii_lowercase();
    t == ARTIFACT_COSIGN_SIG
        || t == ARTIFACT_NOTARY_SIG
        || t.starts_with(ARTIFACT_SIGSTORE_BUNDLE_PREFIX)
}

/// The cosign signature tag for a digest (`sha256-<hex>.sig`), if it is a valid tag.
pub fn cosign_tag(digest: &str) -> Option<String> {
    let (alg, enc) = digest.split_once(':')?;
    let tag = format!("{alg}-{enc}.sig");
    valid_tag(&tag).then_some(tag)
}

/// The referrers tag schema tag for a digest: `<alg>-<encoded>`, truncated to 32 and 64
/// characters as the distribution spec says.
pub fn referrers_tag(digest: &str) -> Option<String> {
    let (alg, enc) = digest.split_once(':')?;
    let alg: String = alg.chars().take(32).collect();
    let enc: String = enc.chars().take(64).collect();
    let tag = format!("{alg}-{enc}");
    valid_tag(&tag).then_some(tag)
}

/// The `rel="next"` target of a `Link` header, if any.
pub fn link_next(link: &str) -> Option<String> {
    for part in link.split(',') {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.trim().to_string());
        }
    }
    None
}

#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Debug, Default, Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// Error codes and a readable detail from a registry error body.
fn error_detail(resp: &HttpResponse) -> (Vec<String>, String) {
    let parsed: ErrorBody = serde_json::from_slice(&resp.body).unwrap_or_default();
    if parsed.errors.is_empty() {
        let snippet = resp.body_snippet(200);
        let detail = if snippet.is_empty() {
            "no details".to_string()
        } else {
            snippet
        };
        return (Vec::new(), detail);
    }
    let codes = parsed.errors.iter().map(|e| e.code.clone()).collect();
    let detail = parsed
        .errors
        .iter()
        .map(|e| match (e.code.is_empty(), e.message.is_empty()) {
            (false, false) => format!("{}: {}", e.code, e.message),
            (false, true) => e.code.clone(),
            (true, _) => e.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    (codes, detail)
}

#[derive(Debug, Deserialize)]
struct TokenBody {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct IndexBody {
    #[serde(default)]
    manifests: Vec<DescriptorBody>,
}

#[derive(Debug, Default, Deserialize)]
struct DescriptorBody {
    #[serde(default, rename = "artifactType")]
    artifact_type: Option<String>,
}

/// A manifest look-up result.
enum Lookup {
    Found {
        digest: String,
        media_type: Option<String>,
        body: Option<Vec<u8>>,
    },
    Missing {
        status: u16,
        codes: Vec<String>,
        detail: String,
    },
}

const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

impl RegistryClient {
    /// Builds the client. Touches no network.
    pub fn new(opts: RegistryOptions) -> Result<Self, RegistryError> {
        let mut http_opts = opts.http.clone();
        http_opts.allow_http_loopback = opts.allow_insecure_loopback;
        let http = http::client(&http_opts).map_err(RegistryError::Setup)?;
        Ok(RegistryClient {
            http,
            opts,
            cache: Mutex::new(BTreeMap::new()),
            tokens: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn options(&self) -> &RegistryOptions {
        &self.opts
    }

    /// Resolves one reference: manifest digest and signature status. Cached per normalized
    /// reference (errors too) for this client's lifetime.
    pub fn resolve(&self, image: &ImageRef) -> Result<Resolution, RegistryError> {
        let key = image.normalized();
        if let Some(hit) = lock(&self.cache).get(&key) {
            return hit.clone();
        }
        let result = self.resolve_uncached(image, &key);
        lock(&self.cache).insert(key, result.clone());
        result
    }

    /// Resolves every reference; the map is keyed by normalized reference (sorted).
    pub fn resolve_all<'a>(
        &self,
        images: impl IntoIterator<Item = &'a ImageRef>,
    ) -> BTreeMap<String, Result<Resolution, RegistryError>> {
        images
            .into_iter()
            .map(|i| (i.normalized(), self.resolve(i)))
            .collect()
    }

    /// How many distinct references are cached.
    pub fn cached(&self) -> usize {
        lock(&self.cache).len()
    }

    fn resolve_uncached(&self, image: &ImageRef, key: &str) -> Result<Resolution, RegistryError> {
        let invalid = |reason: &str| RegistryError::InvalidReference {
            reference: key.to_string(),
            reason: reason.to_string(),
        };
        if !valid_repository(&image.repository) {
            return Err(invalid("invalid repository name"));
        }
        let reference = match (&image.digest, image.effective_tag()) {
            (Some(d), _) => {
                if !valid_digest(d) {
                    return Err(invalid("invalid digest"));
                }
                d.clone()
            }
            (None, Some(t)) => {
                if !valid_tag(t) {
                    return Err(invalid("invalid tag"));
                }
                t.to_string()
            }
            (None, None) => return Err(invalid("neither tag nor digest")),
        };
        let ep = endpoint(&image.registry, self.opts.allow_insecure_loopback)?;
        let repo = image.repository.as_str();
        let what = format!("manifest look-up for `{key}`");
        let (digest, media_type) = match self.manifest(&ep, repo, &reference, true, &what)? {
            Lookup::Found {
                digest, media_type, ..
            } => (digest, media_type),
            Lookup::Missing {
                status,
                codes,
                detail,
            } => {
                let detail = if detail == "no details" {
                    String::new()
                } else {
                    format!(": {detail}")
                };
                return Err(if codes.iter().any(|c| c == "NAME_UNKNOWN") {
                    RegistryError::NameUnknown {
                        registry: ep.registry.clone(),
                        repository: repo.to_string(),
                        status,
                        detail,
                    }
                } else {
                    RegistryError::ManifestUnknown {
                        registry: ep.registry.clone(),
                        reference: key.to_string(),
                        status,
                        detail,
                    }
                });
            }
        };
        if let Some(pinned) = &image.digest
            && *pinned != digest
        {
            return Err(RegistryError::DigestMismatch {
                registry: ep.registry.clone(),
                reference: key.to_string(),
                expected: pinned.clone(),
                actual: digest,
            });
        }
        let signature = if self.opts.check_signatures {
            self.signature(&ep, repo, &digest)?
        } else {
            SignatureStatus::NotChecked
        };
        Ok(Resolution {
            reference: key.to_string(),
            digest,
            media_type,
            signature,
        })
    }

    fn http_err(&self, ep: &Endpoint, what: &str, source: HttpError) -> RegistryError {
        RegistryError::Http {
            registry: ep.registry.clone(),
            what: what.to_string(),
            source,
        }
    }

    fn status_error(&self, ep: &Endpoint, what: &str, resp: &HttpResponse) -> RegistryError {
        let (_, detail) = error_detail(resp);
        match resp.status {
            401 | 403 => RegistryError::Denied {
                registry: ep.registry.clone(),
                what: what.to_string(),
                status: resp.status,
                detail,
            },
            429 => RegistryError::Status {
                registry: ep.registry.clone(),
                what: what.to_string(),
                status: 429,
                detail: format!(
                    "rate limited (still after {} attempt(s)): {detail}",
                    resp.attempts
                ),
            },
            s => RegistryError::Status {
                registry: ep.registry.clone(),
                what: what.to_string(),
                status: s,
                detail: if (500..600).contains(&s) {
                    format!("{detail} (after {} attempt(s))", resp.attempts)
                } else {
                    detail
                },
            },
        }
    }

    /// Sends a request to the registry, doing the anonymous bearer-token dance on a 401.
    fn send(
        &self,
        ep: &Endpoint,
        repo: &str,
        req: &Request,
        what: &str,
    ) -> Result<HttpResponse, RegistryError> {
        let key = (ep.base.clone(), repo.to_string());
        let cached = lock(&self.tokens).get(&key).cloned();
        let with_token = |t: &str| req.clone().header("Authorization", format!("Bearer {t}"));
        let first = match &cached {
            Some(t) => with_token(t),
            None => req.clone(),
        };
        let resp = self
            .http
            .send(&first)
            .map_err(|e| self.http_err(ep, what, e))?;
        if resp.status != 401 {
            return Ok(resp);
        }
        let challenges: Vec<Challenge> = resp
            .headers
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(challenge::parse)
            .collect();
        let Some(bearer) = challenges.iter().find(|c| c.scheme == "bearer") else {
            return Err(match challenges.first() {
                Some(c) => RegistryError::AuthUnsupported {
                    registry: ep.registry.clone(),
                    what: what.to_string(),
                    scheme: c.scheme.clone(),
                },
                None => self.status_error(ep, what, &resp),
            });
        };
        let token = self.fetch_token(ep, repo, bearer)?;
        lock(&self.tokens).insert(key, token.clone());
        let resp = self
            .http
            .send(&with_token(&token))
            .map_err(|e| self.http_err(ep, what, e))?;
        if resp.status == 401 {
            let (_, detail) = error_detail(&resp);
            return Err(RegistryError::Denied {
                registry: ep.registry.clone(),
                what: what.to_string(),
                status: 401,
                detail: format!("{detail} (even with an anonymous token)"),
            });
        }
        Ok(resp)
    }

    fn fetch_token(
        &self,
        ep: &Endpoint,
        repo: &str,
        bearer: &Challenge,
    ) -> Result<String, RegistryError> {
        let realm = bearer.param("realm").unwrap_or_default();
        let err = |detail: String| RegistryError::Token {
            registry: ep.registry.clone(),
            realm: realm.to_string(),
            detail,
        };
        if realm.is_empty() {
            return Err(err("the Bearer challenge has no realm".into()));
        }
        let mut url = Url::parse(realm).map_err(|e| err(format!("invalid realm URL: {e}")))?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(service) = bearer.param("service") {
                q.append_pair("service", service);
            }
            let default_scope = format!("repository:{repo}:pull");
            let scope = bearer
                .param("scope")
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(&default_scope);
            for s in scope.split_whitespace() {
                q.append_pair("scope", s);
            }
        }
        let req = Request::get(url.as_str()).header("Accept", "application/json");
        let resp = self.http.send(&req).map_err(|e| err(e.to_string()))?;
        if !resp.is_success() {
            let (_, detail) = error_detail(&resp);
            return Err(err(format!("HTTP {}: {detail}", resp.status)));
        }
        let body: TokenBody = serde_json::from_slice(&resp.body)
            .map_err(|e| err(format!("token answer is not the expected JSON: {e}")))?;
        let token = body
            .token
            .filter(|t| !t.is_empty())
            .or(body.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| err("token answer has neither `token` nor `access_token`".into()))?;
        if !token.chars().all(|c| c.is_ascii_graphic()) {
            return Err(err(
                "token contains characters not allowed in a header".into()
            ));
        }
        Ok(token)
    }

    /// Looks a manifest up by tag or digest. `explain_missing`: on a 404, also `GET` it to learn
    /// the registry's error code (HEAD answers have no body).
    fn manifest(
        &self,
        ep: &Endpoint,
        repo: &str,
        reference: &str,
        explain_missing: bool,
        what: &str,
    ) -> Result<Lookup, RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", ep.base);
        let head = Request::head(&url).header("Accept", MANIFEST_ACCEPT);
        let resp = self.send(ep, repo, &head, what)?;
        if resp.is_success() {
            if let Some(d) = resp.header("docker-content-digest").map(str::trim)
                && valid_digest(d)
            {
                return Ok(Lookup::Found {
                    digest: d.to_string(),
                    media_type: content_type(&resp),
                    body: None,
                });
            }
        } else if resp.status == 404 && !explain_missing {
            return Ok(Lookup::Missing {
                status: 404,
                codes: Vec::new(),
                detail: "no details".into(),
            });
        } else if !matches!(resp.status, 400 | 404 | 405 | 406 | 501) {
            return Err(self.status_error(ep, what, &resp));
        }
        self.get_manifest(ep, repo, reference, what)
    }

    fn get_manifest(
        &self,
        ep: &Endpoint,
        repo: &str,
        reference: &str,
        what: &str,
    ) -> Result<Lookup, RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", ep.base);
        let get = Request::get(&url).header("Accept", MANIFEST_ACCEPT);
        let resp = self.send(ep, repo, &get, what)?;
        if resp.status == 404 {
            let (codes, detail) = error_detail(&resp);
            return Ok(Lookup::Missing {
                status: 404,
                codes,
                detail,
            });
        }
        if !resp.is_success() {
            return Err(self.status_error(ep, what, &resp));
        }
        let computed = sha256_digest(&resp.body);
        let digest = match resp.header("docker-content-digest").map(str::trim) {
            Some(h) if valid_digest(h) => {
                if h.starts_with("sha256:") && h != computed {
                    return Err(RegistryError::DigestMismatch {
                        registry: ep.registry.clone(),
                        reference: display_reference(&ep.registry, repo, reference),
                        expected: h.to_string(),
                        actual: computed,
                    });
                }
                h.to_string()
            }
            _ => computed,
        };
        Ok(Lookup::Found {
            digest,
            media_type: content_type(&resp).or_else(|| media_type_in_body(&resp.body)),
            body: Some(resp.body),
        })
    }

    fn signature(
        &self,
        ep: &Endpoint,
        repo: &str,
        digest: &str,
    ) -> Result<SignatureStatus, RegistryError> {
        if let Some(tag) = cosign_tag(digest) {
            let what = format!("cosign signature look-up `{repo}:{tag}`");
            if let Lookup::Found { .. } = self.manifest(ep, repo, &tag, false, &what)? {
                return Ok(SignatureStatus::Signed {
                    kind: SignatureKind::Cosign,
                });
            }
        }
        let mut found: Vec<String> = self
            .referrers(ep, repo, digest)?
            .into_iter()
            .filter(|t| is_signature_artifact(t))
            .collect();
        found.sort();
        found.dedup();
        Ok(match found.into_iter().next() {
            Some(t) => SignatureStatus::Signed {
                kind: SignatureKind::Referrer(t),
            },
            None => SignatureStatus::Unsigned,
        })
    }

    /// The `artifactType`s of every referrer of `digest`.
    fn referrers(
        &self,
        ep: &Endpoint,
        repo: &str,
        digest: &str,
    ) -> Result<Vec<String>, RegistryError> {
        let what = format!("referrers look-up for `{repo}@{digest}`");
        let first = format!("{}/v2/{repo}/referrers/{digest}", ep.base);
        let origin = Url::parse(&first)
            .map_err(|e| RegistryError::InvalidReference {
                reference: format!("{repo}@{digest}"),
                reason: e.to_string(),
            })?
            .origin();
        let mut types = Vec::new();
        let mut next = Some(first);
        let mut page = 0;
        while let Some(url) = next.take() {
            page += 1;
            if page > MAX_REFERRER_PAGES {
                break;
            }
            let req = Request::get(&url).header("Accept", MEDIA_OCI_INDEX);
            let resp = self.send(ep, repo, &req, &what)?;
            // The spec says 404 means "no referrers API"; some registries answer 400, 405,
            // 406 or 501 instead. Either way, read the referrers tag.
            if page == 1 && matches!(resp.status, 400 | 404 | 405 | 406 | 501) {
                return self.referrers_by_tag(ep, repo, digest);
            }
            if !resp.is_success() {
                return Err(self.status_error(ep, &what, &resp));
            }
            let index: IndexBody =
                serde_json::from_slice(&resp.body).map_err(|e| RegistryError::InvalidResponse {
                    registry: ep.registry.clone(),
                    what: what.clone(),
                    detail: format!("not an OCI image index: {e}"),
                })?;
            types.extend(index.manifests.into_iter().filter_map(|d| d.artifact_type));
            if let Some(target) = resp.header("link").and_then(link_next) {
                let base = Url::parse(&url).ok();
                let joined = base.and_then(|b| b.join(&target).ok());
                match joined {
                    Some(u) if u.origin() == origin => next = Some(u.to_string()),
                    _ => {
                        return Err(RegistryError::InvalidResponse {
                            registry: ep.registry.clone(),
                            what: what.clone(),
                            detail: format!("next-page link `{target}` leaves the registry"),
                        });
                    }
                }
            }
        }
        Ok(types)
    }

    /// Referrers tag schema: an OCI index under the tag `<alg>-<hex>`.
    fn referrers_by_tag(
        &self,
        ep: &Endpoint,
        repo: &str,
        digest: &str,
    ) -> Result<Vec<String>, RegistryError> {
        let Some(tag) = referrers_tag(digest) else {
            return Ok(Vec::new());
        };
        let what = format!("referrers tag look-up `{repo}:{tag}`");
        match self.get_manifest(ep, repo, &tag, &what)? {
            Lookup::Missing { .. } => Ok(Vec::new()),
            Lookup::Found { body, .. } => {
                let body = body.unwrap_or_default();
                let index: IndexBody =
                    serde_json::from_slice(&body).map_err(|e| RegistryError::InvalidResponse {
                        registry: ep.registry.clone(),
                        what,
                        detail: format!("not an OCI image index: {e}"),
                    })?;
                Ok(index
                    .manifests
                    .into_iter()
                    .filter_map(|d| d.artifact_type)
                    .collect())
            }
        }
    }
}

/// `registry/repo:tag` or `registry/repo@digest` for messages.
fn display_reference(registry: &str, repo: &str, reference: &str) -> String {
    let sep = if reference.contains(':') { '@' } else { ':' };
    format!("{registry}/{repo}{sep}{reference}")
}

fn content_type(resp: &HttpResponse) -> Option<String> {
    resp.header("content-type")
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_string())
        .filter(|v| !v.is_empty())
}

fn media_type_in_body(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct M {
        #[serde(default, rename = "mediaType")]
        media_type: Option<String>,
    }
    serde_json::from_slice::<M>(body).ok()?.media_type
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_and_scheme_mapping() {
        let e = endpoint("docker.io", false).unwrap();
        assert_eq!(e.base, "https://registry-1.docker.io");
        assert_eq!(e.registry, "docker.io");
        assert_eq!(
            endpoint("index.docker.io", true).unwrap().base,
            "https://registry-1.docker.io"
        );
        assert_eq!(
            endpoint("mcr.microsoft.com", true).unwrap().base,
            "https://mcr.microsoft.com"
        );
        // Loopback: HTTPS unless plain HTTP is explicitly allowed.
        assert_eq!(
            endpoint("localhost:5000", false).unwrap().base,
            "https://localhost:5000"
        );
        assert_eq!(
            endpoint("localhost:5000", true).unwrap().base,
            "http://localhost:5000"
        );
        assert_eq!(
            endpoint("127.0.0.1:5000", true).unwrap().base,
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            endpoint("[::1]:5000", true).unwrap().base,
            "http://[::1]:5000"
        );
        // A non-loopback registry never gets plain HTTP.
        assert_eq!(
            endpoint("registry.example.com:5000", true).unwrap().base,
            "https://registry.example.com:5000"
        );
        assert_eq!(
            endpoint("10.0.0.1:5000", true).unwrap().base,
            "https://10.0.0.1:5000"
        );
        for bad in ["", "a/b", "a@b", "a b", "a?b", "a#b", "ex%61mple.com"] {
            assert!(endpoint(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn digests_and_tags() {
        let d = sha256_digest(b"");
        assert_eq!(
            d,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(valid_digest(&d));
        assert!(!valid_digest(
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
        ));
        assert!(!valid_digest("sha256:abc"));
        assert!(!valid_digest("sha256"));
        assert!(!valid_digest(":abc"));
        assert!(!valid_digest(
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/"
        ));
        assert!(valid_digest("sha512:abcdefabcdefabcdefabcdefabcdefab"));
        let hex = d.strip_prefix("sha256:").unwrap();
        assert_eq!(cosign_tag(&d), Some(format!("sha256-{hex}.sig")));
        assert_eq!(referrers_tag(&d), Some(format!("sha256-{hex}")));
        // sha512's cosign tag would be longer than a tag may be.
        let long = format!("sha512:{}", "a".repeat(128));
        assert_eq!(cosign_tag(&long), None);
        assert_eq!(
            referrers_tag(&long),
            Some(format!("sha512-{}", "a".repeat(64)))
        );
        assert!(valid_tag("latest"));
        assert!(valid_tag("22.04_x-y"));
        assert!(!valid_tag(".x"));
        assert!(!valid_tag("a/b"));
        assert!(!valid_tag(&"a".repeat(129)));
        assert!(valid_repository("library/node"));
        assert!(!valid_repository("library/../x"));
        assert!(!valid_repository("Library/node"));
        assert!(!valid_repository("a//b"));
        assert!(!valid_repository("a?b"));
    }

    #[test]
    fn signature_artifact_types() {
        for t in [
            "application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.dev.sigstore.bundle.v0.3+json",
            "application/vnd.dev.sigstore.bundle+json;version=0.1",
            "application/vnd.dev.sigstore.bundle.v0.2+json",
            "application/vnd.cncf.notary.signature",
            "Application/Vnd.CNCF.Notary.Signature",
        ] {
            assert!(is_signature_artifact(t), "{t}");
        }
        for t in [
            "application/spdx+json",
            "application/vnd.cyclonedx+json",
            "application/vnd.dev.cosign.simplesigning.v1+json",
            "",
        ] {
            assert!(!is_signature_artifact(t), "{t}");
        }
    }

    #[test]
    fn link_header_next() {
        assert_eq!(
            link_next(r#"</v2/a/referrers/sha256:x?n=1&last=y>; rel="next""#),
            Some("/v2/a/referrers/sha256:x?n=1&last=y".into())
        );
        assert_eq!(
            link_next(r#"<https://a/prev>; rel="prev", <https://a/next>;rel=next"#),
            Some("https://a/next".into())
        );
        assert_eq!(link_next(r#"<https://a/prev>; rel="prev""#), None);
        assert_eq!(link_next("garbage"), None);
        assert_eq!(link_next("<unterminated; rel=next"), None);
    }

    #[test]
    fn serialized_shape() {
        let r = Resolution {
            reference: "docker.io/library/node:22".into(),
            digest: "sha256:00".into(),
            media_type: Some(MEDIA_OCI_INDEX.into()),
            signature: SignatureStatus::Signed {
                kind: SignatureKind::Referrer(ARTIFACT_NOTARY_SIG.into()),
            },
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["signature"]["status"], "signed");
        assert_eq!(v["signature"]["kind"]["kind"], "referrer");
        assert_eq!(v["signature"]["kind"]["artifact_type"], ARTIFACT_NOTARY_SIG);
        let u = serde_json::to_value(SignatureStatus::Unsigned).unwrap();
        assert_eq!(u["status"], "unsigned");
        let c = serde_json::to_value(SignatureStatus::Signed {
            kind: SignatureKind::Cosign,
        })
        .unwrap();
        assert_eq!(c["kind"]["kind"], "cosign");
    }

    #[test]
    fn invalid_references_fail_before_any_request() {
        let client = RegistryClient::new(RegistryOptions {
            http: HttpOptions {
                offline: true,
                ..HttpOptions::default()
            },
            ..RegistryOptions::default()
        })
        .unwrap();
        let mut r = ImageRef::parse("node:22").unwrap();
        r.repository = "library/../etc".into();
        let e = client.resolve(&r).unwrap_err();
        assert!(matches!(e, RegistryError::InvalidReference { .. }), "{e}");
        let mut r = ImageRef::parse("node:22").unwrap();
        r.tag = Some("a/b".into());
        assert!(matches!(
            client.resolve(&r).unwrap_err(),
            RegistryError::InvalidReference { .. }
        ));
        // A valid reference in offline mode: refused without touching the network.
        let r = ImageRef::parse("node:22").unwrap();
        let e = client.resolve(&r).unwrap_err();
        assert!(e.to_string().contains("offline"), "{e}");
        assert!(e.to_string().contains("docker.io"), "{e}");
        assert_eq!(client.cached(), 3);
    }
}
