//! Secret-like names.

/// Splits a variable / label name into upper-cased tokens: on every non-alphanumeric character
/// (`_`, `-`, `.`, `:` …) and on camelCase boundaries (`dbPassword` → `DB`, `PASSWORD`;
/// `APIKey` → `API`, `KEY`; `OAuth2Token` → `O`, `AUTH2`, `TOKEN`).
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        if part.is_empty() {
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if !cur.is_empty() && c.is_ascii_uppercase() {
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| chars.get(p))
                    .copied()
                    .unwrap_or(' ');
                let next = chars.get(i + 1).copied().unwrap_or(' ');
                let boundary = prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next.is_ascii_lowercase());
                if boundary {
                    out.push(std::mem::take(&mut cur).to_ascii_uppercase());
                }
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur.to_ascii_uppercase());
        }
    }
    out
}

/// What a secret-like name looks like it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretName {
    /// Human label for messages: "password", "token", "API key", …
    pub label: &'static str,
    /// The name denotes a connection string: only embedded credentials make it a secret.
    pub connection_string: bool,
}

impl SecretName {
    /// The label with its indefinite article ("a password", "an API key").
    pub fn with_article(&self) -> String {
        let vowel = self
            .label
            .starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
        format!("{} {}", if vowel { "an" } else { "a" }, self.label)
    }
}

/// Tokens that make a name describe something *about* a secret rather than the secret itself
/// when they come after the secret token (`PASSWORD_FILE`, `TOKEN_URL`, `ACCESS_KEY_ID`).
pub(super) const NON_SECRET_AFTER: &[&str] = &[
    "FILE",
    "FILES",
    "FILENAME",
    "PATH",
    "PATHS",
    "DIR",
    "DIRS",
    "DIRECTORY",
    "FOLDER",
    "LOCATION",
    "HOME",
    "VERSION",
    "VER",
    "URL",
    "URLS",
    "URI",
    "ENDPOINT",
    "HOST",
    "SERVER",
    "ID",
    "IDS",
    "NAME",
    "NAMES",
    "USER",
    "USERNAME",
    "TYPE",
    "KIND",
    "MODE",
    "LENGTH",
    "LEN",
    "POLICY",
    "EXPIRY",
    "EXPIRES",
    "EXPIRE",
    "EXPIRATION",
    "TTL",
    "TIMEOUT",
    "LIFETIME",
    "AGE",
    "INTERVAL",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "DISABLE",
    "REQUIRED",
    "REQUIRE",
    "MIN",
    "MAX",
    "COMPLEXITY",
    "HASH",
    "HASHED",
    "FINGERPRINT",
    "THUMBPRINT",
    "HEADER",
    "FIELD",
    "PARAM",
    "PROVIDER",
    "HELPER",
    "STORE",
    "PROMPT",
    "PREFIX",
    "SUFFIX",
    "FORMAT",
    "ALGORITHM",
    "ALGO",
    "SIZE",
    "BITS",
    "COUNT",
    "PORT",
    "SCOPE",
    "SCOPES",
    "AUDIENCE",
    "ISSUER",
    "MOUNT",
    "ARN",
    "REGION",
    "VAR",
    "VARIABLE",
    "METHOD",
    "REALM",
    "PERMISSIONS",
    "RETRIES",
    "ATTEMPTS",
    "ROTATION",
    "CHARS",
    "CHARSET",
    "ENCODING",
    "PATTERN",
    "REGEX",
    "SOURCE",
    "REF",
];

/// Tokens that make the whole name non-secret wherever they are (`PUBLIC_KEY`, `NEXT_PUBLIC_…`).
pub(super) const NON_SECRET_ANYWHERE: &[&str] = &["PUBLIC", "PUB", "PUBLISHABLE"];

/// Qualifiers that turn a following `KEY` into a secret key (`API_KEY`, `ACCOUNT_KEY`).
pub(super) const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "ACCESS",
    "PRIVATE",
    "SECRET",
    "AUTH",
    "ACCOUNT",
    "STORAGE",
    "MASTER",
    "ENCRYPTION",
    "ENCRYPT",
    "SIGNING",
    "SHARED",
    "SUBSCRIPTION",
    "LICENSE",
    "APP",
    "DEPLOY",
    "SSH",
    "CLIENT",
    "ADMIN",
    "HMAC",
    "JWT",
    "WEBHOOK",
    "CRYPT",
];

pub(super) fn single_token_secret(t: &str, idx: usize, n: usize) -> Option<SecretName> {
    let plain = |label| {
        Some(SecretName {
            label,
            connection_string: false,
        })
    };
    match t {
        "PASSWORD" | "PASSWORDS" | "PASSWD" | "PASSPHRASE" | "PASSCODE" => plain("password"),
        // `PWD` alone is the shell's working directory; `DB_PWD` is a password.
        "PWD" if n > 1 => plain("password"),
        // `DB_PASS`, `ROOT_PASS` — only as the last token (`PASS_THROUGH` is not a password).
        "PASS" if n > 1 && idx + 1 == n => plain("password"),
        "SECRET" | "SECRETS" => plain("secret"),
        "TOKEN" | "TOKENS" => plain("token"),
        "APIKEY" | "APIKEYS" => plain("API key"),
        "ACCESSKEY" | "SECRETKEY" | "PRIVATEKEY" | "ACCOUNTKEY" | "MASTERKEY" | "AUTHKEY" => {
            plain("key")
        }
        "PAT" => plain("personal access token"),
        "CREDENTIAL" | "CREDENTIALS" | "CREDS" | "CRED" => plain("credential"),
        "CONNECTIONSTRING" | "CONNECTIONSTRINGS" | "CONNSTR" | "CONNSTRING" => Some(SecretName {
            label: "connection string",
            connection_string: true,
        }),
        "SAS" => plain("SAS token"),
        _ => {
            // Glued all-caps forms: `SAPASSWORD`, `CLIENTSECRET`, `AUTHTOKEN`, `NUGETAPIKEY`.
            for (suffix, label) in [
                ("PASSWORD", "password"),
                ("PASSWD", "password"),
                ("PWD", "password"),
                ("SECRET", "secret"),
                ("TOKEN", "token"),
                ("APIKEY", "API key"),
            ] {
                if t.len() > suffix.len() && t.ends_with(suffix) && t != "OLDPWD" {
                    return plain(label);
                }
            }
            None
        }
    }
}

/// Whether `name` (an ENV/ARG name or LABEL key) looks like it holds a secret. Token-based, so
/// `PASSWORD_FILE`, `DOTNET_VERSION`, `PUBLIC_KEY_URL`, `AWS_ACCESS_KEY_ID`, `GPG_KEY` and `PWD`
/// are not secrets while `SA_PASSWORD`, `NUGET_API_KEY`, `dbPassword`, `DB_PWD` and
/// `deploy.token` are.
pub fn secret_name(name: &str) -> Option<SecretName> {
    let toks = name_tokens(name);
    if toks
        .iter()
        .any(|t| NON_SECRET_ANYWHERE.contains(&t.as_str()))
    {
        return None;
    }
    let n = toks.len();
    let mut found: Option<(usize, SecretName)> = None;
    for (i, t) in toks.iter().enumerate() {
        if let Some(s) = single_token_secret(t, i, n) {
            found = Some((i, s));
        }
        let next = toks.get(i + 1).map(String::as_str);
        match next {
            Some("KEY" | "KEYS") if KEY_QUALIFIERS.contains(&t.as_str()) => {
                let label = if t == "API" { "API key" } else { "key" };
                found = Some((
                    i + 1,
                    SecretName {
                        label,
                        connection_string: false,
                    },
                ));
            }
            Some("STRING" | "STRINGS") if t == "CONNECTION" || t == "CONN" => {
                found = Some((
                    i + 1,
                    SecretName {
                        label: "connection string",
                        connection_string: true,
                    },
                ));
            }
            _ => {}
        }
    }
    let (pos, s) = found?;
    if toks
        .iter()
        .skip(pos + 1)
        .any(|t| NON_SECRET_AFTER.contains(&t.as_str()))
    {
        return None;
    }
    Some(s)
}
