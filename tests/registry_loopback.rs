//! Registry provenance against real servers on loopback only:
//! - a real distribution registry (`docker-registry`, 2.8) started by the test on a free port,
//!   filled with images pushed by the test's own push code (monolithic blob upload + manifest
//!   PUT);
//! - a tiny scripted HTTP server (std `TcpListener`) for retries, bearer tokens, referrers
//!   pagination and broken answers.
//!
//! The registry binary is required: when it is missing the tests fail (they never skip).

#![cfg(feature = "native")]
#![allow(clippy::disallowed_methods)]

mod support;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::TempDir;
use support::scripted::{Reply, Req, Server, reply};

use portcullis::baseimage::reference::ImageRef;
use portcullis::native::http::{self, HttpError, HttpOptions, Request};
use portcullis::native::registry::{
    ARTIFACT_COSIGN_SIG, ARTIFACT_NOTARY_SIG, MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST, RegistryClient, RegistryError, RegistryOptions, SignatureKind,
    SignatureStatus, sha256_digest,
};

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn fast_http() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(10),
        max_retries: 2,
        backoff_initial: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..HttpOptions::default()
    }
}

fn client_opts() -> RegistryOptions {
    RegistryOptions {
        http: fast_http(),
        allow_insecure_loopback: true,
        check_signatures: true,
    }
}

fn client() -> RegistryClient {
    RegistryClient::new(client_opts()).expect("registry client")
}

fn image(s: &str) -> ImageRef {
    ImageRef::parse(s).unwrap_or_else(|e| panic!("bad test reference {s}: {e}"))
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    l.local_addr().expect("local addr").port()
}

// ---------------------------------------------------------------------------------------------
// The real registry

const DEFAULT_REGISTRY_BIN: &str = "/usr/bin/docker-registry";

struct Registry {
    child: Option<Child>,
    port: u16,
    /// The test CA when the registry serves HTTPS.
    ca_pem: Option<Vec<u8>>,
    _dir: TempDir,
}

/// HTTP options that trust `ca_pem` (if any) and allow plain HTTP to loopback.
fn test_http(ca_pem: Option<&[u8]>) -> HttpOptions {
    HttpOptions {
        allow_http_loopback: true,
        extra_roots_pem: ca_pem.map(|c| vec![c.to_vec()]).unwrap_or_default(),
        ..fast_http()
    }
}

/// Polls `GET <base>/v2/` until it answers 200, the process exits or `limit` passes.
fn wait_ready(child: &mut Child, base: &str, ca_pem: Option<&[u8]>, limit: Duration) -> bool {
    let http = http::client(&HttpOptions {
        max_retries: 0,
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_secs(2),
        ..test_http(ca_pem)
    })
    .expect("http client");
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(r) = http.send(&Request::get(format!("{base}/v2/")))
            && r.status == 200
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

impl Registry {
    /// A plain-HTTP registry on loopback.
    fn start() -> Registry {
        Self::start_with(None)
    }

    /// A registry serving HTTPS with a certificate issued by the test CA in `pki`.
    fn start_tls(pki: &Pki) -> Registry {
        Self::start_with(Some(pki))
    }

    fn start_with(pki: Option<&Pki>) -> Registry {
        let bin = std::env::var("PORTCULLIS_REGISTRY_BIN")
            .unwrap_or_else(|_| DEFAULT_REGISTRY_BIN.into());
        assert!(
            Path::new(&bin).is_file(),
            "the registry binary `{bin}` is missing: these tests need a real registry on loopback \
             and do not skip. Install it with `scripts/test-tools-setup.sh` (Debian package \
             `docker-registry`) or set PORTCULLIS_REGISTRY_BIN."
        );
        let dir = TempDir::new("registry");
        let config = dir.0.join("config.yml");
        let log_path = dir.0.join("registry.log");
        let tls = pki
            .map(|p| {
                format!(
                    "  tls:\n    certificate: {}\n    key: {}\n",
                    p.leaf_cert.display(),
                    p.leaf_key.display()
                )
            })
            .unwrap_or_default();
        let ca_pem = pki.map(|p| p.ca_pem.clone());
        let scheme = if pki.is_some() { "https" } else { "http" };
        let mut last_log = String::new();
        // A port picked as free can be taken before the registry binds it: try a few.
        for _ in 0..3 {
            let port = free_port();
            std::fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n\
                     storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                     http:\n  addr: 127.0.0.1:{port}\n{tls}",
                    dir.0.join("data").display()
                ),
            )
            .expect("write registry config");
            let log = std::fs::File::create(&log_path).expect("registry log");
            let log2 = log.try_clone().expect("registry log");
            let mut child = Command::new(&bin)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::from(log))
                .stderr(Stdio::from(log2))
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start `{bin} serve`: {e}"));
            let base = format!("{scheme}://127.0.0.1:{port}");
            if wait_ready(
                &mut child,
                &base,
                ca_pem.as_deref(),
                Duration::from_secs(30),
            ) {
                return Registry {
                    child: Some(child),
                    port,
                    ca_pem,
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
            last_log = std::fs::read_to_string(&log_path).unwrap_or_default();
        }
        panic!("the registry did not come up on loopback; its log:\n{last_log}");
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn base(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn pusher(&self) -> Pusher {
        Pusher {
            http: http::client(&test_http(self.ca_pem.as_deref())).expect("http client"),
            base: self.base(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A throw-away PKI made with the `openssl` command: a CA and a server certificate for
// 127.0.0.1 / localhost (EC P-256).

struct Pki {
    dir: TempDir,
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
                "cannot run `{bin}` ({e}): the TLS tests make their certificates with the openssl \
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

fn make_pki() -> Pki {
    let dir = TempDir::new("pki");
    let d = &dir.0;
    std::fs::write(
        d.join("ca.cnf"),
        "[req]\ndistinguished_name = dn\nx509_extensions = v3_ca\nprompt = no\n\
         [dn]\nCN = Portcullis Test CA\n\
         [v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\n",
    )
    .expect("ca.cnf");
    std::fs::write(
        d.join("leaf.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = localhost\n",
    )
    .expect("leaf.cnf");
    std::fs::write(
        d.join("leaf.ext"),
        "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
         extendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1,DNS:localhost\n\
         authorityKeyIdentifier = keyid\n",
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
            "2",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    let ca_pem = std::fs::read(d.join("ca.pem")).expect("ca.pem");
    Pki {
        leaf_cert: d.join("leaf.pem"),
        leaf_key: d.join("leaf.key"),
        ca_pem,
        dir,
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Pushes blobs and manifests with plain registry API calls.
struct Pusher {
    http: http::Client,
    base: String,
}

struct Pushed {
    digest: String,
    size: usize,
}

impl Pusher {
    fn blob(&self, repo: &str, bytes: &[u8]) -> Pushed {
        let digest = sha256_digest(bytes);
        let start = self
            .http
            .send(&Request::new(
                http::Method::POST,
                format!("{}/v2/{repo}/blobs/uploads/", self.base),
            ))
            .expect("start upload");
        assert_eq!(
            start.status,
            202,
            "start upload: {}",
            start.body_snippet(300)
        );
        let location = start
            .header("location")
            .expect("upload location")
            .to_string();
        let base = http::Url::parse(&format!("{}/", self.base)).expect("base url");
        let mut url = base.join(&location).expect("upload url");
        url.query_pairs_mut().append_pair("digest", &digest);
        let put = self
            .http
            .send(
                &Request::new(http::Method::PUT, url.as_str())
                    .header("Content-Type", "application/octet-stream")
                    .body(bytes.to_vec()),
            )
            .expect("finish upload");
        assert_eq!(put.status, 201, "finish upload: {}", put.body_snippet(300));
        assert_eq!(put.header("docker-content-digest"), Some(digest.as_str()));
        Pushed {
            digest,
            size: bytes.len(),
        }
    }

    fn manifest(&self, repo: &str, reference: &str, media_type: &str, body: &[u8]) -> Pushed {
        let resp = self
            .http
            .send(
                &Request::new(
                    http::Method::PUT,
                    format!("{}/v2/{repo}/manifests/{reference}", self.base),
                )
                .header("Content-Type", media_type)
                .body(body.to_vec()),
            )
            .expect("put manifest");
        assert_eq!(resp.status, 201, "put manifest: {}", resp.body_snippet(500));
        let digest = sha256_digest(body);
        assert_eq!(resp.header("docker-content-digest"), Some(digest.as_str()));
        Pushed {
            digest,
            size: body.len(),
        }
    }

    /// A tiny OCI image: config + one layer, tagged `tag`.
    fn oci_image(&self, repo: &str, tag: &str, seed: &str) -> Pushed {
        let config = format!(
            r#"{{"architecture":"amd64","os":"linux","config":{{"Labels":{{"seed":"{seed}"}}}},"rootfs":{{"type":"layers","diff_ids":[]}}}}"#
        );
        let c = self.blob(repo, config.as_bytes());
        let l = self.blob(repo, format!("layer {seed}").as_bytes());
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{}}}]}}"#,
            c.digest, c.size, l.digest, l.size
        );
        self.manifest(repo, tag, MEDIA_OCI_MANIFEST, manifest.as_bytes())
    }

    /// A cosign-style signature manifest under `sha256-<hex>.sig` for `signed`.
    fn cosign_signature(&self, repo: &str, signed: &str) -> Pushed {
        let payload = format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"{repo}"}},"image":{{"docker-manifest-digest":"{signed}"}},"type":"cosign container image signature"}},"optional":null}}"#
        );
        let p = self.blob(repo, payload.as_bytes());
        let c = self.blob(repo, b"{}");
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"{}","size":{},"annotations":{{"dev.cosignproject.cosign/signature":"MEUCIQDtest"}}}}]}}"#,
            c.digest, c.size, p.digest, p.size
        );
        let tag = format!("{}.sig", signed.replace(':', "-"));
        self.manifest(repo, &tag, MEDIA_OCI_MANIFEST, manifest.as_bytes())
    }

    /// An artifact manifest with `artifact_type` whose subject is `subject`, listed in an OCI
    /// index under the referrers tag `sha256-<hex>` (what clients do for registries without
    /// the referrers API).
    fn referrer_by_tag(&self, repo: &str, subject: &Pushed, artifact_type: &str) -> Pushed {
        let c = self.blob(repo, b"{}");
        let l = self.blob(repo, format!("artifact {artifact_type}").as_bytes());
        let artifact = format!(
            r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_MANIFEST}","artifactType":"{artifact_type}","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/octet-stream","digest":"{}","size":{}}}],"subject":{{"mediaType":"{MEDIA_OCI_MANIFEST}","digest":"{}","size":{}}}}}"#,
            c.digest, c.size, l.digest, l.size, subject.digest, subject.size
        );
        let a = self.manifest(
            repo,
            &sha256_digest(artifact.as_bytes()),
            MEDIA_OCI_MANIFEST,
            artifact.as_bytes(),
        );
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_INDEX}","manifests":[{{"mediaType":"{MEDIA_OCI_MANIFEST}","artifactType":"{artifact_type}","digest":"{}","size":{}}}]}}"#,
            a.digest, a.size
        );
        let tag = subject.digest.replace(':', "-");
        self.manifest(repo, &tag, MEDIA_OCI_INDEX, index.as_bytes())
    }
}

// ---------------------------------------------------------------------------------------------
// Tests against the real registry

#[test]
fn resolves_tags_to_the_pushed_manifest_digests() {
    let reg = Registry::start();
    let p = reg.pusher();
    let app = p.oci_image("team/app", "1.0", "app-1.0");
    let other = p.oci_image("team/app", "2.0", "app-2.0");
    assert_ne!(app.digest, other.digest);

    // Docker v2 schema 2 manifest.
    let c = p.blob("team/legacy", br#"{"architecture":"amd64","os":"linux"}"#);
    let l = p.blob("team/legacy", b"legacy layer");
    let docker = format!(
        r#"{{"schemaVersion":2,"mediaType":"{MEDIA_DOCKER_MANIFEST}","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"{}","size":{}}}]}}"#,
        c.digest, c.size, l.digest, l.size
    );
    let docker = p.manifest(
        "team/legacy",
        "latest",
        MEDIA_DOCKER_MANIFEST,
        docker.as_bytes(),
    );

    // OCI index over the two images.
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_INDEX}","manifests":[{{"mediaType":"{MEDIA_OCI_MANIFEST}","digest":"{}","size":{},"platform":{{"architecture":"amd64","os":"linux"}}}},{{"mediaType":"{MEDIA_OCI_MANIFEST}","digest":"{}","size":{},"platform":{{"architecture":"arm64","os":"linux"}}}}]}}"#,
        app.digest, app.size, other.digest, other.size
    );
    let index = p.manifest("team/app", "multi", MEDIA_OCI_INDEX, index.as_bytes());

    let client = client();
    let h = reg.host();
    let r = client
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect("resolve 1.0");
    assert_eq!(r.digest, app.digest);
    assert_eq!(r.media_type.as_deref(), Some(MEDIA_OCI_MANIFEST));
    assert_eq!(r.reference, format!("{h}/team/app:1.0"));

    let r = client
        .resolve(&image(&format!("{h}/team/app:2.0")))
        .expect("resolve 2.0");
    assert_eq!(r.digest, other.digest);

    let r = client
        .resolve(&image(&format!("{h}/team/legacy")))
        .expect("resolve legacy");
    assert_eq!(r.digest, docker.digest);
    assert_eq!(r.media_type.as_deref(), Some(MEDIA_DOCKER_MANIFEST));
    assert_eq!(r.reference, format!("{h}/team/legacy:latest"));

    let r = client
        .resolve(&image(&format!("{h}/team/app:multi")))
        .expect("resolve index");
    assert_eq!(r.digest, index.digest);
    assert_eq!(r.media_type.as_deref(), Some(MEDIA_OCI_INDEX));

    // A pinned digest is confirmed by the registry.
    let pinned = format!("{h}/team/app:1.0@{}", app.digest);
    let r = client.resolve(&image(&pinned)).expect("resolve pinned");
    assert_eq!(r.digest, app.digest);

    // Tag moves: a new client (new run) sees the new digest.
    let moved = p.oci_image("team/app", "1.0", "app-1.0-rebuilt");
    let fresh = RegistryClient::new(client_opts()).expect("client");
    let r = fresh
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect("resolve moved");
    assert_eq!(r.digest, moved.digest);
    assert_ne!(moved.digest, app.digest);
}

#[test]
fn detects_signed_and_unsigned_images() {
    let reg = Registry::start();
    let p = reg.pusher();
    let signed = p.oci_image("team/signed", "1", "signed");
    let unsigned = p.oci_image("team/signed", "2", "unsigned");
    let notary = p.oci_image("team/signed", "3", "notary");
    let sbom_only = p.oci_image("team/signed", "4", "sbom-only");
    p.cosign_signature("team/signed", &signed.digest);
    p.referrer_by_tag("team/signed", &notary, ARTIFACT_NOTARY_SIG);
    p.referrer_by_tag("team/signed", &sbom_only, "application/spdx+json");

    let client = client();
    let h = reg.host();
    let r = client
        .resolve(&image(&format!("{h}/team/signed:1")))
        .expect("signed");
    assert_eq!(r.digest, signed.digest);
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Cosign
        }
    );

    let r = client
        .resolve(&image(&format!("{h}/team/signed:2")))
        .expect("unsigned");
    assert_eq!(r.digest, unsigned.digest);
    assert_eq!(r.signature, SignatureStatus::Unsigned);

    // distribution 2.8 has no referrers API (404): the referrers tag schema is read instead.
    let r = client
        .resolve(&image(&format!("{h}/team/signed:3")))
        .expect("notary");
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Referrer(ARTIFACT_NOTARY_SIG.into())
        }
    );

    // A referrer that is not a signature does not count.
    let r = client
        .resolve(&image(&format!("{h}/team/signed:4")))
        .expect("sbom only");
    assert_eq!(r.signature, SignatureStatus::Unsigned);

    // Signature checks can be switched off.
    let no_sig = RegistryClient::new(RegistryOptions {
        check_signatures: false,
        ..client_opts()
    })
    .expect("client");
    let r = no_sig
        .resolve(&image(&format!("{h}/team/signed:1")))
        .expect("no sig check");
    assert_eq!(r.signature, SignatureStatus::NotChecked);
    assert_eq!(r.digest, signed.digest);
}

#[test]
fn unknown_tags_repositories_and_digests_are_clear_errors() {
    let reg = Registry::start();
    let p = reg.pusher();
    let app = p.oci_image("team/app", "1.0", "x");
    let client = client();
    let h = reg.host();

    let e = client
        .resolve(&image(&format!("{h}/team/app:does-not-exist")))
        .expect_err("unknown tag");
    assert!(
        matches!(e, RegistryError::ManifestUnknown { status: 404, .. }),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("manifest unknown"), "{msg}");
    assert!(
        msg.contains(&format!("{h}/team/app:does-not-exist")),
        "{msg}"
    );
    assert!(msg.contains("MANIFEST_UNKNOWN"), "{msg}");

    let e = client
        .resolve(&image(&format!("{h}/team/nothing-here:1")))
        .expect_err("unknown repository");
    assert!(
        matches!(
            e,
            RegistryError::NameUnknown { .. } | RegistryError::ManifestUnknown { .. }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("unknown"), "{e}");

    let missing = sha256_digest(b"never pushed");
    let e = client
        .resolve(&image(&format!("{h}/team/app@{missing}")))
        .expect_err("unknown digest");
    assert!(matches!(e, RegistryError::ManifestUnknown { .. }), "{e:?}");

    // A tag that exists but a pin that does not match what the registry serves for it: the
    // digest is what is pulled, so the digest is looked up (and is unknown here).
    let e = client
        .resolve(&image(&format!("{h}/team/app:1.0@{missing}")))
        .expect_err("pinned to a missing digest");
    assert!(e.to_string().contains("manifest unknown"), "{e}");
    assert!(
        client
            .resolve(&image(&format!("{h}/team/app:1.0@{}", app.digest)))
            .is_ok()
    );
}

#[test]
fn registry_down_is_a_quick_connection_error_and_results_are_cached() {
    let mut reg = Registry::start();
    let p = reg.pusher();
    let app = p.oci_image("team/app", "1.0", "down");
    let h = reg.host();
    let cached = client();
    let r = cached
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect("resolve while up");
    assert_eq!(r.digest, app.digest);
    assert_eq!(cached.cached(), 1);

    reg.stop();

    // The same run answers from its cache without the registry.
    let again = cached
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect("cached");
    assert_eq!(again, r);

    let started = Instant::now();
    let e = client()
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect_err("registry is down");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    match &e {
        RegistryError::Http {
            source: HttpError::Connect { host, attempts, .. },
            ..
        } => {
            assert_eq!(host, &h);
            assert_eq!(*attempts, 3, "1 attempt + 2 retries");
        }
        other => panic!("expected a connection error, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("cannot connect"), "{msg}");
    assert!(msg.contains(&h), "{msg}");

    // The failure is cached too: no second round of retries within a run.
    let c = client();
    let _ = c.resolve(&image(&format!("{h}/team/app:1.0")));
    let started = Instant::now();
    let e2 = c
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect_err("cached error");
    assert!(started.elapsed() < Duration::from_millis(20));
    assert_eq!(e2, e);
}

#[test]
fn wrong_port_is_a_quick_connection_error() {
    let port = free_port();
    let started = Instant::now();
    let e = client()
        .resolve(&image(&format!("127.0.0.1:{port}/x/y:1")))
        .expect_err("nothing listens there");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            e,
            RegistryError::Http {
                source: HttpError::Connect { .. },
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
}

// ---------------------------------------------------------------------------------------------
// A tiny scripted HTTP server

const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;

fn manifest_reply() -> Reply {
    reply(200)
        .header("Content-Type", MEDIA_OCI_MANIFEST)
        .header("Docker-Content-Digest", &sha256_digest(MANIFEST))
        .body(MANIFEST)
}

fn count_of(earlier: &[Req], method: &str, target: &str) -> usize {
    earlier
        .iter()
        .filter(|s| s.method == method && s.target == target)
        .count()
}

#[test]
fn retries_503_twice_then_succeeds() {
    let tiny = Server::serial(|req, earlier, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            if count_of(earlier, &req.method, &req.target) < 2 {
                return reply(503).body(b"busy");
            }
            return manifest_reply();
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolves after two 503s");
    assert_eq!(r.digest, sha256_digest(MANIFEST));
    assert_eq!(tiny.count("HEAD", "/v2/team/app/manifests/1.0"), 3);
    assert_eq!(r.signature, SignatureStatus::Unsigned);
}

#[test]
fn retries_429_honouring_retry_after() {
    let tiny = Server::serial(|req, earlier, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            if count_of(earlier, &req.method, &req.target) < 1 {
                return reply(429).header("Retry-After", "0");
            }
            return manifest_reply();
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolves after a 429");
    assert_eq!(r.digest, sha256_digest(MANIFEST));
    assert_eq!(tiny.count("HEAD", "/v2/team/app/manifests/1.0"), 2);
}

#[test]
fn retries_are_bounded() {
    let tiny = Server::serial(|_, _, _| reply(503).body(b"down for maintenance"));
    let started = Instant::now();
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("always 503");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        tiny.count("HEAD", "/v2/team/app/manifests/1.0"),
        3,
        "1 attempt + 2 retries"
    );
    assert_eq!(tiny.log().len(), 3, "no other request after giving up");
    assert!(
        matches!(e, RegistryError::Status { status: 503, .. }),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("503"), "{msg}");
    assert!(msg.contains("after 3 attempt(s)"), "{msg}");
    assert!(msg.contains(&tiny.host()), "{msg}");

    // 429 too, and the message says rate limited.
    let tiny = Server::serial(|_, _, _| reply(429));
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("always 429");
    assert_eq!(tiny.count("HEAD", "/"), 3);
    assert!(e.to_string().contains("rate limited"), "{e}");

    // A 501 is not retried.
    let tiny = Server::serial(|_, _, _| reply(501));
    let _ = client().resolve(&image(&format!("{}/team/app:1.0", tiny.host())));
    assert_eq!(tiny.count("HEAD", "/v2/team/app/manifests/1.0"), 1);
}

#[test]
fn http_client_retries_503_then_200_and_counts_attempts() {
    let tiny = Server::serial(|req, earlier, _| {
        if count_of(earlier, &req.method, &req.target) < 2 {
            reply(503)
        } else {
            reply(200).body(b"ok")
        }
    });
    let c = http::client(&HttpOptions {
        allow_http_loopback: true,
        ..fast_http()
    })
    .expect("client");
    let r = c
        .get_with_retry(
            &format!("http://{}/advisories", tiny.host()),
            &[("Accept", "application/json")],
        )
        .expect("ok after retries");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"ok");
    assert_eq!(r.attempts, 3);
    assert_eq!(tiny.count("GET", "/advisories"), 3);

    // POST is not retried on a status (it might have been processed).
    let r = c
        .send(&Request::new(
            http::Method::POST,
            format!("http://{}/submit", tiny.host()),
        ))
        .expect("answer");
    assert_eq!(r.status, 503);
    assert_eq!(r.attempts, 1);
}

#[test]
fn bearer_token_flow() {
    let tiny = Server::serial(|req, _, port| {
        if req.target.starts_with("/token?") {
            return reply(200)
                .header("Content-Type", "application/json")
                .body(br#"{"token":"tok-123","expires_in":300}"#);
        }
        if req.header("authorization") != Some("Bearer tok-123") {
            let challenge = format!(
                r#"Bearer realm="http://127.0.0.1:{port}/token",service="tiny-registry",scope="repository:team/app:pull""#
            );
            return reply(401)
                .header("WWW-Authenticate", &challenge)
                .header("Content-Type", "application/json")
                .body(
                    br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
                );
        }
        if req.target == "/v2/team/app/manifests/1.0" {
            return manifest_reply();
        }
        reply(404)
    });
    let client = client();
    let r = client
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolves with an anonymous token");
    assert_eq!(r.digest, sha256_digest(MANIFEST));
    assert_eq!(r.signature, SignatureStatus::Unsigned);

    let seen = tiny.log();
    let tokens: Vec<&Req> = seen
        .iter()
        .filter(|s| s.target.starts_with("/token?"))
        .collect();
    assert_eq!(tokens.len(), 1, "one token, reused: {seen:?}");
    assert_eq!(
        tokens[0].target,
        "/token?service=tiny-registry&scope=repository%3Ateam%2Fapp%3Apull"
    );
    assert_eq!(
        tokens[0].header("authorization"),
        None,
        "anonymous token request"
    );
    // First request without a token, then everything with it.
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[0].target, "/v2/team/app/manifests/1.0");
    assert!(
        seen.iter()
            .skip(2)
            .all(|s| s.header("authorization") == Some("Bearer tok-123")),
        "{seen:?}"
    );
    // The signature look-ups (cosign tag, referrers, referrers tag) happened, with the token.
    assert!(seen.iter().any(|s| s.target.ends_with(".sig")));
    assert!(seen.iter().any(|s| s.target.contains("/referrers/")));
}

#[test]
fn bearer_token_failures_are_clear() {
    // The token endpoint refuses.
    let tiny = Server::serial(|req, _, port| {
        if req.target.starts_with("/token") {
            return reply(403).body(br#"{"details":"no anonymous pulls"}"#);
        }
        reply(401).header(
            "WWW-Authenticate",
            &format!(r#"Bearer realm="http://127.0.0.1:{port}/token",service="s""#),
        )
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("no token");
    assert!(matches!(e, RegistryError::Token { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("anonymous token"), "{msg}");
    assert!(msg.contains("403"), "{msg}");
    // Without a scope in the challenge, a pull scope for the repository is asked for.
    assert!(
        tiny.log()
            .iter()
            .any(|s| s.target == "/token?service=s&scope=repository%3Ateam%2Fapp%3Apull"),
        "{:?}",
        tiny.log()
    );

    // The token is issued but not accepted.
    let tiny = Server::serial(|req, _, port| {
        if req.target.starts_with("/token") {
            return reply(200).body(br#"{"access_token":"weak"}"#);
        }
        reply(401).header(
            "WWW-Authenticate",
            &format!(r#"Bearer realm="http://127.0.0.1:{port}/token""#),
        )
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("token rejected");
    assert!(
        matches!(e, RegistryError::Denied { status: 401, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("even with an anonymous token"),
        "{e}"
    );
    assert_eq!(
        tiny.count("GET", "/token"),
        1,
        "retried once, not in a loop"
    );

    // Basic auth only: no credentials are used.
    let tiny = Server::serial(|_, _, _| {
        reply(401).header("WWW-Authenticate", r#"Basic realm="Registry Realm""#)
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("basic auth");
    assert!(matches!(e, RegistryError::AuthUnsupported { .. }), "{e:?}");
    assert!(e.to_string().contains("basic"), "{e}");

    // A token realm on plain HTTP off loopback is refused before any request is made to it.
    let tiny = Server::serial(|_, _, _| {
        reply(401).header(
            "WWW-Authenticate",
            r#"Bearer realm="http://auth.example.invalid/token",service="s""#,
        )
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("insecure realm");
    assert!(e.to_string().contains("only HTTPS"), "{e}");
}

#[test]
fn referrers_api_with_pagination() {
    let digest = sha256_digest(MANIFEST);
    let d2 = digest.clone();
    let tiny = Server::serial(move |req, _, _| {
        let first = format!("/v2/team/app/referrers/{d2}");
        if req.target == "/v2/team/app/manifests/1.0" {
            return manifest_reply();
        }
        if req.target == first {
            return reply(200)
                .header("Content-Type", MEDIA_OCI_INDEX)
                .header("Link", &format!(r#"<{first}?n=1&last=a>; rel="next""#))
                .body(
                    br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1}]}"#,
                );
        }
        if req.target.starts_with(&format!("{first}?")) {
            return reply(200).header("Content-Type", MEDIA_OCI_INDEX).body(
                br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":1}]}"#,
            );
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolve");
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Referrer("application/vnd.dev.sigstore.bundle.v0.3+json".into())
        }
    );
    assert_eq!(tiny.count("GET", "/v2/team/app/referrers/"), 2);
    // The referrers API answered, so the referrers tag is not consulted.
    let tag = format!("/v2/team/app/manifests/{}", digest.replace(':', "-"));
    assert_eq!(tiny.log().iter().filter(|s| s.target == tag).count(), 0);

    // A cosign referrer (artifactType) counts as well.
    let d3 = digest.clone();
    let tiny = Server::serial(move |req, _, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            return manifest_reply();
        }
        if req.target == format!("/v2/team/app/referrers/{d3}") {
            let body = format!(
                r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_INDEX}","manifests":[{{"mediaType":"{MEDIA_OCI_MANIFEST}","artifactType":"{ARTIFACT_COSIGN_SIG}","digest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","size":1}}]}}"#
            );
            return reply(200)
                .header("Content-Type", MEDIA_OCI_INDEX)
                .body(body.as_bytes());
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolve");
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Referrer(ARTIFACT_COSIGN_SIG.into())
        }
    );
}

#[test]
fn digest_from_body_when_no_header_and_mismatch_detected() {
    // HEAD gives no digest: GET, and the digest is the sha256 of the body.
    let tiny = Server::serial(|req, _, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            return reply(200)
                .header("Content-Type", MEDIA_OCI_MANIFEST)
                .body(MANIFEST);
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolve");
    assert_eq!(r.digest, sha256_digest(MANIFEST));
    assert_eq!(tiny.count("HEAD", "/v2/team/app/manifests/1.0"), 1);
    assert_eq!(tiny.count("GET", "/v2/team/app/manifests/1.0"), 1);

    // A header that does not match the body is an error, not silently trusted.
    let tiny = Server::serial(|req, _, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            let r = reply(200)
                .header("Content-Type", MEDIA_OCI_MANIFEST)
                .body(MANIFEST);
            return if req.method == "HEAD" {
                r
            } else {
                r.header("Docker-Content-Digest", &sha256_digest(b"something else"))
            };
        }
        reply(404)
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("mismatch");
    assert!(matches!(e, RegistryError::DigestMismatch { .. }), "{e:?}");

    // A pinned digest that the registry answers with another digest.
    let tiny = Server::serial(|_, _, _| manifest_reply());
    let pin = sha256_digest(b"pinned");
    let e = client()
        .resolve(&image(&format!("{}/team/app@{pin}", tiny.host())))
        .expect_err("pin mismatch");
    assert!(matches!(e, RegistryError::DigestMismatch { .. }), "{e:?}");
    assert!(e.to_string().contains(&pin), "{e}");
}

#[test]
fn loopback_is_https_unless_plain_http_is_allowed() {
    let tiny = Server::serial(|_, _, _| manifest_reply());
    let strict = RegistryClient::new(RegistryOptions {
        allow_insecure_loopback: false,
        http: HttpOptions {
            connect_timeout: Duration::from_millis(800),
            max_retries: 0,
            ..fast_http()
        },
        ..client_opts()
    })
    .expect("client");
    let e = strict
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("TLS against a plain HTTP server");
    assert!(matches!(e, RegistryError::Http { .. }), "{e:?}");
    // No plain HTTP request ever reached the server.
    assert!(
        tiny.log().iter().all(|s| !s.target.starts_with("/v2/")),
        "{:?}",
        tiny.log()
    );
}

// ---------------------------------------------------------------------------------------------
// HTTPS

#[test]
fn https_registry_with_a_private_ca() {
    let pki = make_pki();
    let reg = Registry::start_tls(&pki);
    let p = reg.pusher();
    let app = p.oci_image("team/app", "1.0", "tls");
    p.cosign_signature("team/app", &app.digest);
    let h = reg.host();

    // HTTPS to a loopback registry with plain HTTP not allowed, the test CA trusted.
    let trusted = RegistryClient::new(RegistryOptions {
        allow_insecure_loopback: false,
        http: HttpOptions {
            extra_roots_pem: vec![pki.ca_pem.clone()],
            ..fast_http()
        },
        check_signatures: true,
    })
    .expect("client");
    let r = trusted
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect("resolve over HTTPS");
    assert_eq!(r.digest, app.digest);
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Cosign
        }
    );

    // The same registry without trusting the CA: a certificate error, not retried.
    let untrusted = RegistryClient::new(RegistryOptions {
        allow_insecure_loopback: false,
        ..client_opts()
    })
    .expect("client");
    let e = untrusted
        .resolve(&image(&format!("{h}/team/app:1.0")))
        .expect_err("untrusted certificate");
    match &e {
        RegistryError::Http {
            source: HttpError::Tls { host, detail },
            ..
        } => {
            assert_eq!(host, &h);
            assert!(detail.to_lowercase().contains("certificate"), "{detail}");
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(pki.dir.0.is_dir());
}

/// `openssl s_server -www` with one protocol version; answers `GET` with a status page.
struct SServer {
    child: Child,
    port: u16,
}

impl SServer {
    fn start(pki: &Pki, version_flag: &str) -> SServer {
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(
                std::env::var("PORTCULLIS_OPENSSL_BIN").unwrap_or_else(|_| "openssl".into()),
            )
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&pki.leaf_cert)
            .arg("-key")
            .arg(&pki.leaf_key)
            .args([version_flag, "-cipher", "DEFAULT@SECLEVEL=0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start openssl s_server");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return SServer { child, port };
                }
                std::thread::sleep(Duration::from_millis(30));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("openssl s_server did not start on loopback");
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tls_1_2_is_accepted_and_tls_1_1_refused() {
    let pki = make_pki();
    let c = http::client(&HttpOptions {
        extra_roots_pem: vec![pki.ca_pem.clone()],
        max_retries: 0,
        ..fast_http()
    })
    .expect("client");

    let s12 = SServer::start(&pki, "-tls1_2");
    let r = c
        .send(&Request::get(format!("https://127.0.0.1:{}/", s12.port)))
        .expect("TLS 1.2 is accepted");
    assert_eq!(r.status, 200);
    assert!(
        String::from_utf8_lossy(&r.body).contains("New, TLSv1.2"),
        "{}",
        r.body_snippet(300)
    );

    // The same server offering only TLS 1.1: refused during the handshake.
    let s11 = SServer::start(&pki, "-tls1_1");
    let e = c
        .send(&Request::get(format!("https://127.0.0.1:{}/", s11.port)))
        .expect_err("TLS 1.1 is refused");
    assert!(matches!(e, HttpError::Tls { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Proxies from the environment

const PROXY_CHILD_ENV: &str = "PORTCULLIS_TEST_PROXY_CHILD";

/// Environment variables are process-wide, so this test re-runs itself in a child process with
/// `HTTPS_PROXY`/`HTTP_PROXY` pointing at a scripted loopback proxy. The remote host is never
/// resolved or contacted: a client that honours the proxy sends `CONNECT` to the proxy, which
/// refuses it. Loopback hosts are reached directly even with a proxy configured.
#[test]
fn proxy_from_environment_and_loopback_bypass() {
    if let Ok(target) = std::env::var(PROXY_CHILD_ENV) {
        // Child: HTTPS_PROXY and HTTP_PROXY are set by the parent.
        let c = http::client(&HttpOptions {
            allow_http_loopback: true,
            max_retries: 0,
            ..fast_http()
        })
        .expect("client");
        let e = c
            .send(&Request::get("https://registry.portcullis.test/v2/"))
            .expect_err("the proxy refuses the tunnel");
        assert!(
            !matches!(e, HttpError::Dns { .. }),
            "resolved the host itself: {e:?}"
        );
        let r = c
            .send(&Request::get(format!("http://{target}/direct")))
            .expect("loopback is reached directly");
        assert_eq!(r.status, 200);
        return;
    }
    let proxy = Server::serial(|_, _, _| reply(403).body(b"tunnel refused"));
    let target = Server::serial(|_, _, _| reply(200).body(b"direct"));
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "proxy_from_environment_and_loopback_bypass",
            "--exact",
            "--test-threads=1",
        ])
        .env(PROXY_CHILD_ENV, target.host())
        .env("HTTPS_PROXY", format!("http://{}", proxy.host()))
        .env("HTTP_PROXY", format!("http://{}", proxy.host()))
        .env("ALL_PROXY", format!("http://{}", proxy.host()))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::null())
        .output()
        .expect("run the child test");
    assert!(
        out.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "the child ran no test: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let seen = proxy.log();
    assert!(
        seen.iter()
            .any(|s| s.method == "CONNECT" && s.target == "registry.portcullis.test:443"),
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|s| !s.target.contains("/direct")),
        "{seen:?}"
    );
    assert_eq!(target.count("GET", "/direct"), 1);
}

#[test]
fn referrers_api_refused_falls_back_to_the_referrers_tag() {
    let digest = sha256_digest(MANIFEST);
    let tag_path = format!("/v2/team/app/manifests/{}", digest.replace(':', "-"));
    let tiny = Server::serial(move |req, _, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            return manifest_reply();
        }
        if req.target.starts_with("/v2/team/app/referrers/") {
            return reply(405).body(b"method not allowed");
        }
        if req.target == tag_path {
            let body = format!(
                r#"{{"schemaVersion":2,"mediaType":"{MEDIA_OCI_INDEX}","manifests":[{{"mediaType":"{MEDIA_OCI_MANIFEST}","artifactType":"{ARTIFACT_NOTARY_SIG}","digest":"sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","size":1}}]}}"#
            );
            return reply(200)
                .header("Content-Type", MEDIA_OCI_INDEX)
                .body(body.as_bytes());
        }
        reply(404)
    });
    let r = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect("resolve");
    assert_eq!(
        r.signature,
        SignatureStatus::Signed {
            kind: SignatureKind::Referrer(ARTIFACT_NOTARY_SIG.into())
        }
    );
    assert_eq!(tiny.count("GET", "/v2/team/app/referrers/"), 1);

    // A referrers answer that is not JSON is an error naming the registry, not "unsigned".
    let tiny = Server::serial(|req, _, _| {
        if req.target == "/v2/team/app/manifests/1.0" {
            return manifest_reply();
        }
        if req.target.starts_with("/v2/team/app/referrers/") {
            return reply(200).body(b"<html>login page</html>");
        }
        reply(404)
    });
    let e = client()
        .resolve(&image(&format!("{}/team/app:1.0", tiny.host())))
        .expect_err("garbage referrers answer");
    assert!(matches!(e, RegistryError::InvalidResponse { .. }), "{e:?}");
    assert!(e.to_string().contains(&tiny.host()), "{e}");
}

// ---------------------------------------------------------------------------------------------
// The CLI end to end: `scan --resolve` / `images --resolve` against the loopback registry.

fn run_cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PORTCULLIS_TODAY", "2026-11-22")
        .output()
        .expect("portcullis runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_resolves_digests_flags_unsigned_images_and_offers_pin_fixes() {
    let reg = Registry::start();
    let p = reg.pusher();
    let signed = p.oci_image("team/base", "1", "cli-signed");
    let unsigned = p.oci_image("team/tools", "2", "cli-unsigned");
    p.cosign_signature("team/base", &signed.digest);
    let h = reg.host();
    let dir = TempDir::new("cli-resolve");
    std::fs::write(
        dir.0.join("Dockerfile"),
        format!("FROM {h}/team/base:1\nCOPY --from={h}/team/tools:2 /t /t\nUSER 10001\nHEALTHCHECK NONE\nCMD [\"/t\"]\n"),
    )
    .expect("write Dockerfile");
    std::fs::write(
        dir.0.join(".portcullis.yaml"),
        "images:\n  allow:\n    - registry: \"127.0.0.1:*\"\n      reason: loopback test registry\n  require-digest: true\n  require-signature: true\n",
    )
    .expect("write config");
    std::fs::write(dir.0.join(".dockerignore"), ".git\n").expect("write .dockerignore");

    // images --resolve: digests and signature states.
    let (code, stdout, stderr) = run_cli(
        &dir.0,
        &[
            "images",
            ".",
            "--resolve",
            "--allow-insecure-loopback",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let rows = doc["images"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{stdout}");
    assert_eq!(rows[0]["digest"], signed.digest.as_str());
    assert_eq!(rows[0]["signature"], "signed (cosign)");
    assert_eq!(rows[1]["digest"], unsigned.digest.as_str());
    assert_eq!(rows[1]["signature"], "unsigned");

    // scan --resolve: DF402 carries the exact pin as a SARIF fix; DF413 flags the unsigned image.
    let (code, stdout, stderr) = run_cli(
        &dir.0,
        &[
            "scan",
            ".",
            "--resolve",
            "--allow-insecure-loopback",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout).expect("sarif json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let rule_ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert!(rule_ids.contains(&"DF413"), "{rule_ids:?}");
    let df402 = results
        .iter()
        .find(|r| {
            r["ruleId"] == "DF402"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
        })
        .expect("DF402 on the FROM line");
    let fix_text =
        df402["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .expect("a fix with the pinned reference");
    assert_eq!(fix_text, format!("{h}/team/base:1@{}", signed.digest));

    // Registry down: a clear warning per image, and the offline findings are still reported.
    drop(reg);
    let (code, stdout, stderr) = run_cli(
        &dir.0,
        &[
            "scan",
            ".",
            "--resolve",
            "--allow-insecure-loopback",
            "--format",
            "text",
        ],
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("--resolve:") && stdout.contains(&h),
        "{stdout}"
    );
    assert!(
        stdout.contains("DF402"),
        "offline findings must still be there:\n{stdout}"
    );
    assert!(
        !stdout.contains("DF413"),
        "no signature verdict without an answer:\n{stdout}"
    );
}
