use super::*;

fn toks(s: &str) -> Vec<String> {
    name_tokens(s)
}

#[test]
fn tokenizer_splits_separators_and_camel_case() {
    assert_eq!(toks("SA_PASSWORD"), ["SA", "PASSWORD"]);
    assert_eq!(toks("deploy.token"), ["DEPLOY", "TOKEN"]);
    assert_eq!(toks("my-api-key"), ["MY", "API", "KEY"]);
    assert_eq!(toks("dbPassword"), ["DB", "PASSWORD"]);
    assert_eq!(toks("APIKey"), ["API", "KEY"]);
    assert_eq!(toks("OAuth2Token"), ["O", "AUTH2", "TOKEN"]);
    assert_eq!(
        toks("ConnectionStrings__Default"),
        ["CONNECTION", "STRINGS", "DEFAULT"]
    );
    assert_eq!(toks("S3Key"), ["S3", "KEY"]);
    assert_eq!(toks("__"), Vec::<String>::new());
    assert_eq!(toks("ÄÖ_token"), ["TOKEN"]);
    assert_eq!(toks("PWD"), ["PWD"]);
}

#[test]
fn secret_names_true_positives() {
    for n in [
        "SA_PASSWORD",
        "MSSQL_SA_PASSWORD",
        "NUGET_API_KEY",
        "GITHUB_TOKEN",
        "DB_PWD",
        "DB_PASS",
        "dbPassword",
        "deploy.token",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "CLIENT_SECRET",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "NUGET_PAT",
        "PAT",
        "SAPASSWORD",
        "ConnectionStrings__Default",
        "DB_CONNECTION_STRING",
        "NuGetPackageSourceCredentials_feed",
        "PASSWORD",
        "X_API_KEY",
        "apiKey",
        "AZURE_SAS",
        "SECRET_KEY_BASE",
        "CERT_FILE_PASSWORD",
        "USER_PASSWORD",
        "ASPNETCORE_Kestrel__Certificates__Default__Password",
        "NODE_AUTH_TOKEN",
        "ENCRYPTION_KEY",
        "PRIVATE_KEY",
        "SSH_PRIVATE_KEY",
        "REFRESH_TOKEN",
        "passphrase",
        "SAPWD",
    ] {
        assert!(secret_name(n).is_some(), "{n} should be secret-like");
    }
    assert!(secret_name("ConnectionStrings__Default").is_some_and(|s| s.connection_string));
    assert_eq!(
        secret_name("NUGET_API_KEY").map(|s| s.label),
        Some("API key")
    );
    let art = |n: &str| secret_name(n).map(|s| s.with_article());
    assert_eq!(art("NUGET_API_KEY").as_deref(), Some("an API key"));
    assert_eq!(art("DB_PWD").as_deref(), Some("a password"));
}

#[test]
fn secret_names_false_positives() {
    for n in [
        "PASSWORD_FILE",
        "SA_PASSWORD_FILE",
        "DOTNET_VERSION",
        "PUBLIC_KEY_URL",
        "PWD",
        "OLDPWD",
        "PATH",
        "AWS_ACCESS_KEY_ID",
        "CLIENT_ID",
        "GPG_KEY",
        "KEY",
        "TOKEN_URL",
        "SECRET_NAME",
        "SECRETS_DIR",
        "PASSWORD_MIN_LENGTH",
        "AUTH_TYPE",
        "ACCEPT_EULA",
        "PASS_THROUGH",
        "TOKENIZERS_PARALLELISM",
        "NEXT_PUBLIC_API_KEY",
        "PASSWORD_HASH",
        "GOOGLE_APPLICATION_CREDENTIALS_FILE",
        "APPINSIGHTS_INSTRUMENTATIONKEY",
        "PATCH_LEVEL",
        "SASL_MECHANISM",
        "GIT_CREDENTIAL_HELPER",
        "KEY_ID",
        "POSTGRES_HOST_AUTH_METHOD",
        "COMPASS",
        "BYPASS",
        "NO_AUTH",
        "TOKEN_ENDPOINT",
        "org.opencontainers.image.authors",
    ] {
        assert!(secret_name(n).is_none(), "{n} should not be secret-like");
    }
}

#[test]
fn literal_values() {
    for v in [
        "Passw0rd!",
        "changeme",
        "oy2abc",
        "s3cr3t-${SUFFIX}-tail",
        "hunter22",
    ] {
        assert!(literal_secret_value(v), "{v} should be a literal secret");
    }
    for v in [
        "",
        "  ",
        "$SA_PASSWORD",
        "${TOKEN}",
        "${TOKEN:-}",
        "$env:TOKEN",
        "%TOKEN%",
        "${A}:${B}",
        "true",
        "no",
        "1",
        "8",
        "<your-token>",
        "{{ .Token }}",
        "*****",
        "xxxx",
        "/run/secrets/token",
        "C:\\secrets\\pw.txt",
        "https://login.example.com/token",
    ] {
        assert!(
            !literal_secret_value(v),
            "{v:?} should not be a literal secret"
        );
    }
    assert!(literal_secret_value("https://bot:hunter2@example.com/"));
}

#[test]
fn references() {
    assert_eq!(reference_len("$X rest"), Some(2));
    assert_eq!(reference_len("${X:-a}b"), Some(7));
    assert_eq!(reference_len("$env:TOKEN;"), Some(10));
    assert_eq!(reference_len("%TOKEN%x"), Some(7));
    assert_eq!(reference_len("$(cat /run/secrets/x)"), Some(21));
    assert_eq!(reference_len("$"), None);
    assert_eq!(reference_len("$1"), None);
    assert_eq!(reference_len("%%"), None);
    assert_eq!(reference_len("${unclosed"), None);
    assert_eq!(reference_name("${X:-a}").as_deref(), Some("X"));
    assert_eq!(reference_name("$env:Token").as_deref(), Some("Token"));
    assert_eq!(reference_name("%PAT%").as_deref(), Some("PAT"));
    assert!(is_reference_only("${A}:${B}"));
    assert!(!is_reference_only("pw${A}"));
    assert!(word_is_literal(
        "'P@$$w0rd'",
        "P@$$w0rd",
        Dialect::PowerShell
    ));
    assert!(!word_is_literal("\"$pw\"", "$pw", Dialect::PowerShell));
    assert!(!word_is_literal("%PW%", "%PW%", Dialect::Cmd));
    assert!(word_is_literal("P$ss", "P$ss", Dialect::Cmd));
    assert!(!word_is_literal(
        "$(cat /run/secrets/pw)",
        "$(cat /run/secrets/pw)",
        Dialect::Posix
    ));
}

fn kinds(text: &str) -> Vec<&'static str> {
    find_credentials(text).into_iter().map(|c| c.kind).collect()
}

#[test]
fn credential_patterns_true_positives() {
    assert_eq!(
        kinds("RUN setx KEY AKIAZ3MQ7TXR4NBWLD5Q"),
        ["AWS access key ID"]
    );
    assert_eq!(
        kinds("aws_secret_access_key = zQ4mT7rW9xK2pL5nB8vC1dF6gH3jA0sE4uY7iO2q"),
        ["AWS secret access key"]
    );
    let gh = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    assert_eq!(kinds(&format!("TOKEN={gh}")), ["GitHub token"]);
    let fg = format!("github_pat_{}_{}", "11ABCDEFG0123456789abc", "x".repeat(59));
    assert_eq!(kinds(&fg), ["GitHub fine-grained token"]);
    let key = format!("{}==", "Q".repeat(86));
    assert_eq!(
        kinds(&format!(
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey={key};"
        )),
        ["Azure Storage account key"]
    );
    let sas = "https://acct.blob.core.windows.net/c/f.zip?sv=2022-11-02&se=2026-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=abcdEFGHijklMNOPqrstUVWXyz0123456789%2Babc%3D";
    assert_eq!(kinds(sas), ["Azure SAS signature"]);
    assert_eq!(
        kinds(&format!("nuget push -k oy2{}", "a1".repeat(21) + "b")),
        ["NuGet API key"]
    );
    assert_eq!(
        kinds("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
        ["private key"]
    );
    assert_eq!(
        kinds("-----BEGIN OPENSSH PRIVATE KEY-----"),
        ["private key"]
    );
    assert_eq!(kinds("-----BEGIN PRIVATE KEY-----"), ["private key"]);
    assert_eq!(
        kinds(
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        ),
        ["JSON Web Token"]
    );
    assert_eq!(
        kinds("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        ["Slack token"]
    );
    assert_eq!(
        kinds(&format!("AIza{}", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6q")),
        ["Google API key"]
    );
    assert_eq!(
        kinds(&format!("npm_{}", "A1b2".repeat(9))),
        ["npm access token"]
    );
    assert_eq!(
        kinds(&format!("dckr_pat_{}", "a".repeat(27))),
        ["Docker Hub access token"]
    );
    assert_eq!(
        kinds(&format!("glpat-{}", "a1".repeat(10))),
        ["GitLab token"]
    );
}

#[test]
fn credential_patterns_false_positives() {
    for t in [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "XAKIAZ3MQ7TXR4NBWLD5Q1",
        "ghp_short",
        "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8X",
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "AccountKey=$STORAGE_KEY",
        "https://x/y?sig=abcdEFGHijklMNOPqrstUVWXyz0123456789",
        "https://x/y?sv=2022&sig=$SIG",
        "oy2short",
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "eyJhbGciOi",
        "ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305",
        "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
    ] {
        assert!(kinds(t).is_empty(), "{t} fired {:?}", kinds(t));
    }
}

#[test]
fn mask() {
    assert_eq!(mask_secret("ghp_abcdef"), "ghp_…");
    assert_eq!(mask_secret("ab"), "ab…");
    assert_eq!(mask_secret("ÄÖÜßx"), "ÄÖÜß…");
}

#[test]
fn urls_and_credentials() {
    let t =
        "git clone https://bot:tok3n@dev.azure.com/org/_git/r && curl https://example.com/a.tgz";
    let u = find_urls(t);
    assert_eq!(u.len(), 2);
    assert_eq!(u[1].url, "https://example.com/a.tgz");
    let c = url_credentials(t);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].password, PasswordKind::Literal);
    assert_eq!(&t[c[0].password_range.clone()], "tok3n");
    let r = url_credentials("https://x-access-token:${GITHUB_TOKEN}@github.com/o/r.git");
    assert_eq!(
        r[0].password,
        PasswordKind::Reference("GITHUB_TOKEN".into())
    );
    assert_eq!(
        url_credentials("https://u:$env:PAT@x.com")[0].password,
        PasswordKind::Reference("PAT".into())
    );
    assert_eq!(
        url_credentials("http://u:%PAT%@x.com")[0].password,
        PasswordKind::Reference("PAT".into())
    );
    assert!(url_credentials("ssh://git@github.com/o/r").is_empty());
    assert!(url_credentials("https://user@host/x").is_empty());
    assert!(url_credentials("https://user:@host/x").is_empty());
    assert!(url_credentials("https://user:<password>@host/x").is_empty());
    assert!(url_credentials("git@github.com:o/r.git").is_empty());
    assert!(is_plain_http("http://dl.example.com/x.zip"));
    assert!(!is_plain_http("https://dl.example.com/x.zip"));
    assert!(!is_plain_http("http://localhost:8080/x"));
    assert!(!is_plain_http("http://127.0.0.1/x"));
    assert!(!is_plain_http("http://[::1]:80/x"));
    assert_eq!(
        url_host("http://u:p@Host.Example:80/x").as_deref(),
        Some("host.example")
    );
}

#[test]
fn remote_sources() {
    assert_eq!(remote_source("https://x/a.zip"), Some(RemoteSource::Http));
    assert_eq!(remote_source("C:/a.zip"), None);
    assert_eq!(remote_source("app/"), None);
    assert_eq!(
        remote_source("https://github.com/moby/buildkit.git#v0.10.1"),
        Some(RemoteSource::Git { pinned: false })
    );
    let sha = "a".repeat(40);
    assert_eq!(
        remote_source(&format!("https://github.com/moby/buildkit.git#{sha}")),
        Some(RemoteSource::Git { pinned: true })
    );
    assert_eq!(
        remote_source(&format!("git@github.com:moby/buildkit#{sha}:docs")),
        Some(RemoteSource::Git { pinned: true })
    );
    assert_eq!(
        remote_source("git@github.com:moby/buildkit.git"),
        Some(RemoteSource::Git { pinned: false })
    );
    assert_eq!(
        remote_source("https://github.com/o/r.git?ref=v1&checksum=abc"),
        Some(RemoteSource::Git { pinned: true })
    );
}

#[test]
fn credential_files() {
    for p in [
        "id_rsa",
        "keys/id_ed25519",
        "cert.pfx",
        "site.p12",
        "server.key",
        "privkey.pem",
        "tls-key.pem",
        ".env",
        ".env.production",
        ".git-credentials",
        ".aws/credentials",
        "home/.docker/config.json",
        ".pypirc",
        ".netrc",
        ".ssh",
    ] {
        assert_eq!(
            credential_file(p).map(|c| c.1),
            Some(CredentialFileKind::Certain),
            "{p}"
        );
    }
    for p in ["NuGet.Config", "nuget.config", ".npmrc"] {
        assert_eq!(
            credential_file(p).map(|c| c.1),
            Some(CredentialFileKind::Possible),
            "{p}"
        );
    }
    for p in [
        "id_rsa.pub",
        "cert.pem",
        "fullchain.pem",
        "ca.crt",
        ".env.example",
        "app.config",
        "config.json",
        "credentials",
        "src/",
        "public.key",
        "web.config",
        "*",
    ] {
        assert!(credential_file(p).is_none(), "{p}");
    }
}

#[test]
fn mention_boundaries() {
    assert!(mentions(
        "tar -xf node.tar.xz -C /usr",
        "node.tar.xz",
        false
    ));
    assert!(!mentions("wget -O node.tar.xz.asc u", "node.tar.xz", false));
    assert!(mentions(
        "Start-Process C:\\Temp\\Python.exe",
        "python.exe",
        true
    ));
    assert!(!mentions("Start-Process python.exe", "python.exe2", true));
    assert!(mentions("& $installer /quiet", "$installer", true));
    assert!(mentions("ends with file.zip.", "file.zip", false));
    assert!(mentions("tar xf \"$FILE\"", "${FILE}", false));
    assert!(mentions("tar xf ${FILE}.tgz", "$FILE.tgz", false));
    assert!(!mentions("tar xf $FILENAME", "${FILE}", false));
    assert!(!mentions("", "x", false));
    assert!(!mentions("abc", "", false));
    assert!(is_verification_material("SHA256SUMS"));
    assert!(is_verification_material("/usr/share/keyrings/docker.gpg"));
    assert!(!is_verification_material("node.tar.xz"));
}

#[test]
fn assignments_and_resolution() {
    let ps = script_assignments(
        "$url = ('http://x/{0}' -f $v); iwr $url -OutFile a",
        Dialect::PowerShell,
    );
    assert_eq!(ps.get("url").map(String::as_str), Some("http://x/{0}"));
    let sh = script_assignments("URL=http://x/a.tgz; curl -o a $URL", Dialect::Posix);
    assert_eq!(sh.get("URL").map(String::as_str), Some("http://x/a.tgz"));
    let cmd = script_assignments("set URL=http://x/a.zip&& curl.exe -o a %URL%", Dialect::Cmd);
    assert_eq!(cmd.get("URL").map(String::as_str), Some("http://x/a.zip"));
    let declared: BTreeMap<String, String> =
        [("BASE".to_string(), "http://mirror".to_string())].into();
    assert_eq!(
        resolve_leading_reference("${BASE}/x.tgz", &BTreeMap::new(), &declared).as_deref(),
        Some("http://mirror/x.tgz")
    );
    assert_eq!(
        resolve_leading_reference("$url", &ps, &BTreeMap::new()).as_deref(),
        Some("http://x/{0}")
    );
    assert_eq!(
        resolve_leading_reference("$env:BASE/x", &BTreeMap::new(), &declared).as_deref(),
        Some("http://mirror/x")
    );
    assert!(resolve_leading_reference("https://x", &ps, &declared).is_none());
}

#[test]
fn connection_strings() {
    assert!(connection_string_has_literal_secret(
        "Server=db;User Id=sa;Password=Passw0rd!;"
    ));
    assert!(!connection_string_has_literal_secret(
        "Server=db;User Id=sa;Password=$SA_PASSWORD;"
    ));
    assert!(!connection_string_has_literal_secret(
        "Server=db;Integrated Security=true"
    ));
    assert!(connection_string_has_literal_secret(
        "postgres://app:s3cret@db:5432/app"
    ));
}

// --- command-level matching (uses the shell and stage model) ---

use crate::dockerfile::shell::parse as sh_parse;

fn downloads(text: &str, d: Dialect) -> Vec<(DownloadTool, Option<String>, bool)> {
    find_downloads(text, &sh_parse(text, d))
        .into_iter()
        .map(|x| (x.tool, x.output, x.to_stdout))
        .collect()
}

#[test]
fn finds_downloads_and_outputs() {
    use DownloadTool::*;
    let p = Dialect::Posix;
    assert_eq!(
        downloads("curl -fsSLo /tmp/a.tgz https://x/a.tgz", p),
        [(Curl, Some("/tmp/a.tgz".into()), false)]
    );
    assert_eq!(
        downloads("curl -fsSLO https://x/dir/b.tar.xz?x=1", p),
        [(Curl, Some("b.tar.xz".into()), false)]
    );
    assert_eq!(
        downloads("curl --output=c.zip https://x/c", p),
        [(Curl, Some("c.zip".into()), false)]
    );
    assert_eq!(
        downloads("curl -fsSL https://x/i.sh > i.sh", p),
        [(Curl, Some("i.sh".into()), false)]
    );
    assert_eq!(
        downloads("curl -fsSL -H 'A: b' https://x/api", p),
        [(Curl, None, true)]
    );
    assert_eq!(
        downloads("wget https://x/d/e.deb", p),
        [(Wget, Some("e.deb".into()), false)]
    );
    assert_eq!(
        downloads("wget -qO- https://x/e.tgz", p),
        [(Wget, None, true)]
    );
    assert_eq!(
        downloads("wget -P /opt https://x/f.jar", p),
        [(Wget, Some("/opt/f.jar".into()), false)]
    );
    // Shared option tables: `-4` is an option (not an operand), a value that looks like an
    // option stays a value, `--url` and operands keep their written order, `-nv` is two
    // switches and the last `-P` wins.
    assert_eq!(
        downloads("curl -4 -sS -X GET -o out.bin https://x/o.bin", p),
        [(Curl, Some("out.bin".into()), false)]
    );
    assert_eq!(
        downloads(
            "curl -H -k -O --url https://x/first.tgz https://x/second.tgz",
            p
        ),
        [(Curl, Some("first.tgz".into()), false)]
    );
    assert_eq!(
        downloads("wget -nv -P /a --directory-prefix=/b https://x/g.jar", p),
        [(Wget, Some("/b/g.jar".into()), false)]
    );
    assert!(downloads("wget -q --spider https://x/", p).is_empty());
    assert!(downloads("curl -I https://x/", p).is_empty());
    assert!(
        downloads("curl -o /dev/null https://x/", p)
            .iter()
            .all(|d| d.1.is_none() && !d.2)
    );
    let ps = Dialect::PowerShell;
    assert_eq!(
        downloads(
            "Invoke-WebRequest -Uri $u -OutFile 'p.exe' -UseBasicParsing",
            ps
        ),
        [(InvokeWebRequest, Some("p.exe".into()), false)]
    );
    assert_eq!(
        downloads("iwr -useb -outfile t.js https://x/t", ps),
        [(InvokeWebRequest, Some("t.js".into()), false)]
    );
    assert_eq!(
        downloads("(iwr https://x/api).Content", ps),
        [(InvokeWebRequest, None, true)]
    );
    assert_eq!(
        downloads(
            "(New-Object Net.WebClient).DownloadFile('https://x/g.msi', 'C:\\g.msi')",
            ps
        ),
        [(WebClient, Some("C:\\g.msi".into()), false)]
    );
    assert_eq!(
        downloads(
            "Start-BitsTransfer -Source https://x/h.zip -Destination C:\\h.zip",
            ps
        ),
        [(BitsTransfer, Some("C:\\h.zip".into()), false)]
    );
    let cmd = Dialect::Cmd;
    assert_eq!(
        downloads(
            "certutil -urlcache -split -f https://x/i.exe C:\\i.exe",
            cmd
        ),
        [(Certutil, Some("C:\\i.exe".into()), false)]
    );
    assert_eq!(
        downloads(
            "bitsadmin /transfer j /download /priority normal https://x/j.zip C:\\j.zip",
            cmd
        ),
        [(Bitsadmin, Some("C:\\j.zip".into()), false)]
    );
    assert_eq!(
        downloads("curl.exe -fSLo C:\\k.zip https://x/k.zip", cmd),
        [(Curl, Some("C:\\k.zip".into()), false)]
    );
    // Windows PowerShell `wget` alias, nested under cmd.
    assert_eq!(
        downloads(
            "powershell -Command wget https://x/l.exe -OutFile c:\\l.exe",
            cmd
        ),
        [(InvokeWebRequest, Some("c:\\l.exe".into()), false)]
    );
}

#[test]
fn finds_verifications() {
    let n = |t: &str, d| find_verifications(t, &sh_parse(t, d)).len();
    assert_eq!(
        n("echo \"$SHA *f.tgz\" | sha256sum -c -", Dialect::Posix),
        1
    );
    assert_eq!(n("gpg --batch --verify f.asc f", Dialect::Posix), 1);
    assert_eq!(n("gpg --batch --import k.asc", Dialect::Posix), 0);
    assert_eq!(n("cosign verify-blob --key k.pub f", Dialect::Posix), 1);
    assert_eq!(
        n(
            "if ((Get-FileHash f.zip -Algorithm sha256).Hash -ne $env:S) { exit 1 }",
            Dialect::PowerShell
        ),
        1
    );
    assert_eq!(n("Get-FileHash f.zip", Dialect::PowerShell), 0);
    assert_eq!(n("certutil -hashfile f.zip SHA256", Dialect::Cmd), 1);
    let t = "echo \"$SHA *f.tgz\" | sha256sum -c -";
    let v = find_verifications(t, &sh_parse(t, Dialect::Posix));
    assert!(v.first().is_some_and(|v| v.text.contains("f.tgz")));
}

fn verdicts(src: &str) -> Vec<DownloadVerdict> {
    use crate::dockerfile::stages::{StageOptions, analyze};
    use crate::lint::{FileContext, LintContext};
    let file = crate::source::SourceFile::new("Dockerfile", src);
    let df = crate::dockerfile::parse(src);
    let model = analyze(&df, &StageOptions::default());
    let ctx = FileContext::default();
    let cx = LintContext::new(&file, &df, &model, &ctx);
    download_verdicts(&df, cx.run_scripts())
        .into_iter()
        .map(|f| f.verdict)
        .collect()
}

#[test]
fn download_verdicts_follow_the_stage() {
    // Verified in the same RUN (docker-library style).
    assert!(verdicts("FROM debian\nRUN wget -O p.tar.xz https://x/p.tar.xz; echo \"$S *p.tar.xz\" | sha256sum -c -; tar -xJf p.tar.xz\n").is_empty());
    // Verified in a later RUN before use.
    assert!(verdicts("FROM debian\nRUN curl -fsSLo a.tgz https://x/a.tgz\nRUN echo \"$S  a.tgz\" | sha256sum -c - && tar xzf a.tgz\n").is_empty());
    // Detached signature named after the file.
    assert!(verdicts("FROM debian\nRUN curl -fsSLo /sbin/tini https://x/tini && curl -fsSLo /sbin/tini.asc https://x/tini.asc && gpg --verify /sbin/tini.asc && chmod +x /sbin/tini\n").is_empty());
    // Keys and checksum files are not artifacts; a key imported first is a key.
    assert!(
        verdicts("FROM debian\nRUN wget -O KEYS https://x/KEYS && gpg --import KEYS\n").is_empty()
    );
    // Commit-pinned raw URL.
    assert!(verdicts("FROM debian\nENV C=8d9e3502aba39127e4d12196dae16d306f76993d\nRUN wget -O /usr/local/bin/dind \"https://raw.githubusercontent.com/docker/docker/${C}/hack/dind\"; chmod +x /usr/local/bin/dind\n").is_empty());
    // Used before any check.
    let v = verdicts(
        "FROM debian\nRUN curl -fsSLo a.tgz https://x/a.tgz && tar xzf a.tgz && echo \"$S  a.tgz\" | sha256sum -c -\n",
    );
    assert!(
        matches!(v.as_slice(), [DownloadVerdict::UsedUnverified { .. }]),
        "{v:?}"
    );
    // Never checked.
    let v = verdicts("FROM debian\nRUN curl -fsSLo /usr/local/bin/k https://x/k\n");
    assert_eq!(v, [DownloadVerdict::NeverVerified]);
    // Piped into an unpacker; a pipe into a shell is left to DF125.
    let v = verdicts(
        "FROM debian\nRUN curl -fsSL https://x/a.tgz | tar -xz -C /opt\nRUN curl -fsSL https://x/i.sh | sh\n",
    );
    assert_eq!(
        v,
        [DownloadVerdict::PipedUnverified {
            consumer: "tar".into()
        }]
    );
    // A check in another stage does not count.
    let v = verdicts(
        "FROM debian AS a\nRUN curl -fsSLo a.tgz https://x/a.tgz\nFROM debian\nRUN echo \"$S  a.tgz\" | sha256sum -c -\n",
    );
    assert_eq!(v, [DownloadVerdict::NeverVerified]);
    // PowerShell: Get-FileHash compared before use; expression statements are not uses.
    let ps = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n";
    assert!(verdicts(&format!("{ps}RUN iwr -OutFile d.zip https://x/d.zip; $h = (Get-Content s.txt | Where-Object {{ $_ -match 'd.zip' }}); if ((Get-FileHash d.zip -Algorithm sha512).Hash -ne $h) {{ exit 1 }}; tar -xf d.zip\n")).is_empty());
    let v = verdicts(&format!(
        "{ps}RUN iwr -OutFile d.zip https://x/d.zip; Expand-Archive d.zip C:/d\n"
    ));
    assert!(
        matches!(v.as_slice(), [DownloadVerdict::UsedUnverified { .. }]),
        "{v:?}"
    );
}

fn run_group_rules(src: &str) -> usize {
    use crate::dockerfile::stages::{StageOptions, analyze};
    use crate::lint::{FileContext, LintContext, registry, run_rules};
    let file = crate::source::SourceFile::new("Dockerfile", src);
    let df = crate::dockerfile::parse(src);
    let model = analyze(&df, &StageOptions::default());
    let ctx = FileContext::default();
    let cx = LintContext::new(&file, &df, &model, &ctx);
    let rules: Vec<_> = registry::all()
        .iter()
        .filter(|r| {
            r.meta.id.starts_with("DF30")
                || ["DF500", "DF501", "DF502", "DF503"].contains(&r.meta.id)
        })
        .collect();
    let found = run_rules(&cx, &rules);
    for f in &found {
        assert!(
            f.span.start <= f.span.end && f.span.end <= src.len(),
            "span out of range"
        );
    }
    found.len()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

    #[test]
    fn pure_matchers_never_panic(s in "[ -~\u{e9}\u{1F600}\u{feff}]{0,120}") {
        let _ = (name_tokens(&s), secret_name(&s), literal_secret_value(&s), is_reference_only(&s));
        let _ = (find_credentials(&s), find_urls(&s), url_credentials(&s), remote_source(&s), credential_file(&s));
        let _ = (connection_string_has_literal_secret(&s), mask_secret(&s), is_plain_http(&s), url_host(&s));
        let _ = (is_verification_material(&s), output_basename(&s), mentions(&s, "a.b", true), expand_references(&s, &BTreeMap::new()));
        for d in [Dialect::Posix, Dialect::PowerShell, Dialect::Cmd] {
            let _ = script_assignments(&s, d);
            let _ = word_is_literal(&s, &s, d);
            let sc = crate::dockerfile::shell::parse(&s, d);
            let _ = (find_downloads(&s, &sc), find_verifications(&s, &sc));
        }
    }

    #[test]
    fn rules_never_panic(lines in proptest::collection::vec(
        proptest::sample::select(vec![
            "FROM debian", "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS b", "# escape=`",
            "SHELL [\"powershell\", \"-Command\"]", "ARG TOKEN", "ARG PASSWORD=x$y", "ENV SA_PASSWORD=Pa55word",
            "LABEL a.token=ghp_", "COPY id_rsa /root/.ssh/", "COPY <<EOF /x/.npmrc", "EOF", "ADD https://x/a.git#v1 /s",
            "RUN curl -fsSLo a.tgz http://x/a.tgz && tar xzf a.tgz", "RUN wget -qO- $U | tar x", "RUN rm -f /root/.ssh/id_rsa",
            "RUN iwr $u -OutFile a.zip; Expand-Archive a.zip", "RUN (New-Object Net.WebClient).DownloadFile('", "RUN net user a b /add",
            "RUN echo 'r:p' | chpasswd", "RUN git clone https://u:p@h/r", "ONBUILD ENV X_TOKEN=abc123", "RUN \\", "  `", "'", "\"",
            "RUN dotnet nuget add source u -p x", "RUN docker login -p x", "RUN $x = ConvertTo-SecureString 'p' -AsPlainText",
            "RUN if ((Get-FileHash a.zip).Hash -ne $h) { exit 1 }", "é😀", "${", "%A", "RUN sha256sum -c -",
        ]),
        0..12,
    )) {
        let src = lines.join("\n");
        let _ = run_group_rules(&src);
    }
}
