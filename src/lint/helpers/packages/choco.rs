//! Chocolatey command lines (`choco`, `cinst`, `cup`).

use super::*;

/// Value-taking options of `choco install` / `upgrade` (names compare case-insensitively, one or
/// two dashes).
pub const CHOCO_INSTALL_OPTS: OptSpec = OptSpec::windows(&[
    "version",
    "s",
    "source",
    "u",
    "user",
    "p",
    "password",
    "cert",
    "cp",
    "certpassword",
    "params",
    "parameters",
    "pkgparameters",
    "packageparameters",
    "package-parameters",
    "ia",
    "installargs",
    "installarguments",
    "install-arguments",
    "install-arguments-sensitive",
    "package-parameters-sensitive",
    "t",
    "timeout",
    "execution-timeout",
    "executiontimeout",
    "c",
    "cache",
    "cachelocation",
    "cache-location",
    "log-file",
    "logfile",
    "checksum",
    "downloadchecksum",
    "download-checksum",
    "checksum64",
    "checksumx64",
    "downloadchecksumx64",
    "download-checksum-x64",
    "checksumtype",
    "checksum-type",
    "downloadchecksumtype",
    "download-checksum-type",
    "checksumtype64",
    "checksum-type-x64",
    "download-checksum-type-x64",
    "proxy",
    "proxy-user",
    "proxy-password",
    "proxy-bypass-list",
    "viruspositivesminimum",
    "virus-positives-minimum",
    "except",
    "pin-reason",
]);

/// Value-taking options of `choco source` / `feature` / `config` / `apikey`.
pub const CHOCO_ADMIN_OPTS: OptSpec = OptSpec::windows(&[
    "n",
    "name",
    "s",
    "source",
    "u",
    "user",
    "p",
    "password",
    "cert",
    "cp",
    "certpassword",
    "priority",
    "log-file",
    "logfile",
    "value",
    "k",
    "key",
    "apikey",
    "api-key",
]);

/// A parsed Chocolatey command.
#[derive(Debug, Clone)]
pub struct Choco<'a> {
    /// Lowercased subcommand: `install` (also `cinst`), `upgrade` (also `cup`), `source`,
    /// `feature`, …
    pub sub: String,
    /// Where the subcommand is written (the program name for `cinst` / `cup`).
    pub sub_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

impl Choco<'_> {
    pub fn installs(&self) -> bool {
        self.sub == "install" || self.sub == "upgrade"
    }
}

/// Parses `choco …`, `cinst …`, `cup …`.
pub fn choco<'a>(inv: &Invocation<'a>) -> Option<Choco<'a>> {
    let name = inv.name();
    let (sub, sub_word, rest) = match name.as_str() {
        "cinst" => ("install".to_string(), inv.name_word, inv.args),
        "cup" => ("upgrade".to_string(), inv.name_word, inv.args),
        "choco" => {
            let (w, rest) = split_subcommand(inv.args, &CHOCO_ADMIN_OPTS)?;
            (w.text.to_ascii_lowercase(), w, rest)
        }
        _ => return None,
    };
    let spec = if sub == "install" || sub == "upgrade" {
        &CHOCO_INSTALL_OPTS
    } else {
        &CHOCO_ADMIN_OPTS
    };
    Some(Choco {
        sub,
        sub_word,
        args: parse_args(rest, spec),
    })
}

/// A choco option name without dashes/case differences (`--ignore-checksums` → `ignorechecksums`).
pub fn choco_norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}
