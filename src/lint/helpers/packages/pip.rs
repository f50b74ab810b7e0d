//! pip invocations (`pip`, `python -m pip`, `uv pip`) and their options.

use super::*;

/// Program names that are a Python interpreter (`python`, `python3`, `python3.12`, `py`).
pub fn is_python(name: &str) -> bool {
    name == "py"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Program names that are pip (`pip`, `pip3`, `pip3.12`).
pub fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Arguments after `pip` for `pip …`, `pip3 …`, `python -m pip …`, `python3 -m pip …`,
/// `py -m pip …` and `uv pip …`, else `None`.
pub fn pip_args<'a>(inv: &Invocation<'a>) -> Option<&'a [ShWord]> {
    let name = inv.name();
    if is_pip(&name) {
        return Some(inv.args);
    }
    if name == "uv" {
        return (inv.args.first()?.text == "pip").then(|| inv.args.get(1..).unwrap_or(&[]));
    }
    if is_python(&name) {
        // Interpreter options before `-m` (`-u`, `-B`, `-E`, `-I`, `-X opt`).
        let mut i = 0;
        while let Some(w) = inv.args.get(i) {
            match w.text.as_str() {
                "-m" => {
                    let module = inv.args.get(i + 1)?;
                    return (module.text == "pip").then(|| inv.args.get(i + 2..).unwrap_or(&[]));
                }
                "-mpip" => return Some(inv.args.get(i + 1..).unwrap_or(&[])),
                "-X" | "-W" => i += 2,
                t if t.starts_with('-') => i += 1,
                _ => return None,
            }
        }
    }
    None
}

/// Value-taking options of `pip install` (and pip's general options).
pub const PIP_OPTS: OptSpec = OptSpec::posix(&[
    "r",
    "requirement",
    "c",
    "constraint",
    "e",
    "editable",
    "t",
    "target",
    "prefix",
    "root",
    "i",
    "index-url",
    "extra-index-url",
    "f",
    "find-links",
    "trusted-host",
    "platform",
    "python-version",
    "implementation",
    "abi",
    "src",
    "upgrade-strategy",
    "global-option",
    "install-option",
    "C",
    "config-settings",
    "no-binary",
    "only-binary",
    "progress-bar",
    "log",
    "log-file",
    "proxy",
    "retries",
    "timeout",
    "exists-action",
    "cert",
    "client-cert",
    "cache-dir",
    "report",
    "root-user-action",
    "keyring-provider",
    "python",
    "use-feature",
    "use-deprecated",
    "group",
    "build-constraint",
]);

/// A parsed `pip install` (also `python -m pip install`, `uv pip install`).
pub fn pip_install<'a>(inv: &Invocation<'a>) -> Option<(&'a ShWord, ParsedArgs<'a>)> {
    let args = pip_args(inv)?;
    let (sub, rest) = split_subcommand(args, &PIP_OPTS)?;
    (sub.text == "install").then(|| (sub, parse_args(rest, &PIP_OPTS)))
}
