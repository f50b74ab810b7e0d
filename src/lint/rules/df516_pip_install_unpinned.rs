//! DF516: `pip install` (also `pip3`, `python -m pip`, `uv pip`) of requirements without an exact
//! version (`==` / `===`), and `-r requirements.txt` without hash checking.
//!
//! * Names: one finding per command at the first unpinned requirement; ranges (`>=`, `~=`,
//!   `==2.*`) are reported as ranges. Paths, wheels/sdists, URLs and VCS references fix their
//!   own version and are not reported; neither are names when a constraints file (`-c`) or
//!   `--no-index` (local wheels only) is used.
//! * Requirement files: reported at the file unless `--require-hashes` is given, the RUN sets
//!   `PIP_REQUIRE_HASHES` or an ENV in the stage does, or `--no-index` restricts the install to
//!   local wheels.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, env_set_at, floating, invocation, pip_install, pip_pin, unpinned_message,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let hashes_env = s.text.text.contains("PIP_REQUIRE_HASHES")
            || env_set_at(cx, s.instruction, "PIP_REQUIRE_HASHES");
        for c in &s.script.commands {
            let Some(inv) = invocation(c) else { continue };
            for (range, msg) in inspect(&inv, hashes_env) {
                out.emit(s.span(range), msg);
            }
        }
    }
}

fn inspect(inv: &Invocation<'_>, hashes_env: bool) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let Some((_, args)) = pip_install(inv) else {
        return out;
    };
    let local_only = args.has(&["no-index"]);
    let constrained = args.has(&["c", "constraint"]);
    let cmd = if inv.name() == "uv" {
        "uv pip install".to_string()
    } else {
        "pip install".to_string()
    };
    if !local_only && !constrained {
        let floats = floating(&args.operands, pip_pin);
        if let Some((first, _)) = floats.first() {
            let name = first
                .text
                .split(['=', '<', '>', '~', '!', '[', ';'])
                .next()
                .unwrap_or("");
            let only_pip = floats
                .iter()
                .all(|(w, _)| w.text.eq_ignore_ascii_case("pip"));
            let msg = if only_pip {
                format!(
                    "`{cmd} --upgrade pip` installs whatever pip release is newest at build time: pin it (`pip==<version>`) or keep the base image's pip"
                )
            } else {
                unpinned_message(&cmd, &floats, &format!("`{name}==<version>`"))
            };
            out.push((first.range.clone(), msg));
        }
    }
    if !local_only && !hashes_env && !args.has(&["require-hashes"]) {
        for v in args.values(&["r", "requirement"]) {
            out.push((
                v.range.clone(),
                format!(
                    "`{cmd} -r {}` runs without --require-hashes: transitive dependencies may float and downloads are not checked against known hashes; generate a fully pinned, hashed file (`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`) and add --require-hashes",
                    v.text
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::{cmd, flagged};

    fn run(line: &str) -> Vec<String> {
        flagged(line, |i| inspect(i, false))
    }

    #[test]
    fn names() {
        assert_eq!(run("pip install requests"), vec!["requests"]);
        assert_eq!(
            run("pip3 install --no-cache-dir -U flask==3.1.0 gunicorn"),
            vec!["gunicorn"]
        );
        assert_eq!(run("python3 -m pip install --upgrade pip"), vec!["pip"]);
        assert_eq!(run("pip install 'django>=4.2'"), vec!["'django>=4.2'"]);
        assert_eq!(run("uv pip install --system ruff"), vec!["ruff"]);
        assert!(run("pip install requests==2.32.3 ./app dist/x-1.0-py3-none-any.whl").is_empty());
        assert!(run("pip install -c constraints.txt requests").is_empty());
        assert!(run("pip install --no-index --find-links=/wheels app").is_empty());
        assert!(run("pip install -e .").is_empty());
        assert!(run("pip download requests").is_empty());
        assert!(run("pip install $PACKAGES").is_empty());
    }

    #[test]
    fn requirement_files() {
        assert_eq!(
            run("pip install --no-cache-dir -r requirements.txt"),
            vec!["requirements.txt"]
        );
        assert_eq!(
            run("pip install -rrequirements.txt"),
            vec!["requirements.txt"]
        );
        assert!(run("pip install --require-hashes -r requirements.txt").is_empty());
        assert!(run("pip install --no-index -f /wheels -r requirements.txt").is_empty());
        let c = cmd("pip install -r requirements.txt");
        assert!(inspect(&invocation(&c).unwrap(), true).is_empty());
    }
}
