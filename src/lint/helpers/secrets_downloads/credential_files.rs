//! Credential files.

/// How sure we are that a file holds credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFileKind {
    /// Private keys, credential stores: a secret by construction.
    Certain,
    /// Configuration that often, but not always, carries credentials (NuGet.Config, .npmrc).
    Possible,
}

/// Whether a path (COPY/ADD source or destination) names a credential file. Returns a short
/// description and how certain it is.
pub fn credential_file(path: &str) -> Option<(&'static str, CredentialFileKind)> {
    use CredentialFileKind::{Certain, Possible};
    let norm = path.replace('\\', "/");
    let trimmed = norm.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if base.is_empty() || base.contains('*') && !base.starts_with("*.") {
        return None;
    }
    for sample in [
        ".example",
        ".sample",
        ".template",
        ".dist",
        ".tmpl",
        ".tpl",
        ".default",
    ] {
        if base.ends_with(sample) {
            return None;
        }
    }
    if base.ends_with(".pub") {
        return None;
    }
    let parent_is = |d: &str| {
        lower.contains(&format!("{d}/"))
            || lower.starts_with(&format!("{}/", d.trim_start_matches('/')))
    };
    match base {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return Some(("SSH private key", Certain));
        }
        ".ssh" => return Some(("SSH directory", Certain)),
        ".git-credentials" => return Some(("Git credential store", Certain)),
        ".netrc" | "_netrc" => return Some(("netrc credentials", Certain)),
        ".pgpass" => return Some(("PostgreSQL password file", Certain)),
        ".pypirc" => return Some(("PyPI credentials", Certain)),
        ".htpasswd" => return Some(("htpasswd file", Certain)),
        ".env" => return Some((".env file", Certain)),
        "nuget.config" => {
            return Some(("NuGet.Config (may hold packageSourceCredentials)", Possible));
        }
        ".npmrc" => return Some((".npmrc (may hold an auth token)", Possible)),
        ".yarnrc.yml" => return Some((".yarnrc.yml (may hold an auth token)", Possible)),
        "credentials" if parent_is(".aws") => return Some(("AWS credentials", Certain)),
        "config.json" if parent_is(".docker") => {
            return Some(("Docker registry credentials", Certain));
        }
        _ => {}
    }
    if let Some(rest) = base.strip_prefix(".env.")
        && !matches!(
            rest,
            "example" | "sample" | "template" | "dist" | "defaults" | "default"
        )
    {
        return Some((".env file", Certain));
    }
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "pfx" | "p12" => Some(("PKCS#12 certificate with private key", Certain)),
        "ppk" => Some(("PuTTY private key", Certain)),
        "key" => {
            const PUBLIC_HINTS: &[&str] = &[
                "pub", "gpg", "pgp", "release", "repo", "archive", "signing", "keyring", "apt",
                "yum",
            ];
            const PRIVATE_HINTS: &[&str] = &[
                "priv",
                "tls",
                "ssl",
                "server",
                "client",
                "localhost",
                "cert",
                "host",
                "domain",
                "site",
            ];
            if PUBLIC_HINTS.iter().any(|h| base.contains(h)) {
                None
            } else if PRIVATE_HINTS.iter().any(|h| base.contains(h)) || base == "key.key" {
                Some(("private key", Certain))
            } else {
                Some(("key file (may be a private key)", Possible))
            }
        }
        "pem" if (base.contains("key") || base.contains("priv")) && !base.contains("pub") => {
            Some(("private key", Certain))
        }
        _ => None,
    }
}
