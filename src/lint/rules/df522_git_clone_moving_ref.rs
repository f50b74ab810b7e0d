//! DF522: `git clone` of a moving reference. Reported when the clone names no ref (default
//! branch) or a branch-like ref (`--branch main`, `-b develop`, `-b 7.x`) and nothing later in
//! the same RUN pins the checkout (`git checkout|switch --detach|reset --hard <tag or commit>`,
//! `git fetch <remote> <commit>`). Refs that look like versions (`v1.2.3`, `openssl-3.0.13`),
//! commit hashes and variables (`$REF`) count as pinned; so does `--revision`.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, OptSpec, invocation, parse_args, redact_url, split_subcommand,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let invs: Vec<Invocation<'_>> = s.script.commands.iter().filter_map(invocation).collect();
        for (range, msg) in inspect(&invs) {
            out.emit(s.span(range), msg);
        }
    }
}

const GIT_GLOBAL: OptSpec = OptSpec::posix(&[
    "C",
    "c",
    "git-dir",
    "work-tree",
    "namespace",
    "config-env",
    "exec-path",
]);

const CLONE_OPTS: OptSpec = OptSpec::posix(&[
    "b",
    "branch",
    "depth",
    "o",
    "origin",
    "u",
    "upload-pack",
    "c",
    "config",
    "reference",
    "reference-if-able",
    "separate-git-dir",
    "shallow-since",
    "shallow-exclude",
    "j",
    "jobs",
    "filter",
    "template",
    "server-option",
    "bundle-uri",
    "revision",
]);

const CHECKOUT_OPTS: OptSpec = OptSpec::posix(&[
    "b",
    "B",
    "c",
    "C",
    "orphan",
    "conflict",
    "pathspec-from-file",
    "depth",
    "j",
    "jobs",
    "upload-pack",
    "o",
    "recurse-submodules",
]);

/// A ref that names one fixed snapshot: a commit hash, a version-looking tag or a variable.
fn fixed_ref(r: &str) -> bool {
    let r = r
        .trim_start_matches("refs/tags/")
        .trim_start_matches("tags/");
    if r.contains('$') || r.contains('%') {
        return true;
    }
    if r.len() >= 7 && r.len() <= 64 && r.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    // Contains `<digits>.<digits>`: v1.2.3, 1.2, openssl-3.0.13, release-8.0 (ambiguous, accepted).
    let b = r.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

fn git_sub<'a>(inv: &Invocation<'a>) -> Option<(String, &'a [crate::dockerfile::shell::ShWord])> {
    if inv.name() != "git" {
        return None;
    }
    let (sub, rest) = split_subcommand(inv.args, &GIT_GLOBAL)?;
    Some((sub.text.to_ascii_lowercase(), rest))
}

fn pins_later(invs: &[Invocation<'_>]) -> bool {
    invs.iter().filter_map(git_sub).any(|(sub, rest)| {
        let args = parse_args(rest, &CHECKOUT_OPTS);
        match sub.as_str() {
            "checkout" | "switch" | "reset" => args.operands.iter().any(|w| fixed_ref(&w.text)),
            "fetch" => args.operands.iter().skip(1).any(|w| fixed_ref(&w.text)),
            _ => false,
        }
    })
}

fn inspect(invs: &[Invocation<'_>]) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut pinned_later = None;
    for (i, inv) in invs.iter().enumerate() {
        let Some((sub, rest)) = git_sub(inv) else {
            continue;
        };
        if sub != "clone" {
            continue;
        }
        let args = parse_args(rest, &CLONE_OPTS);
        let Some(url) = args.operands.first() else {
            continue;
        };
        if args.has(&["revision"]) {
            continue;
        }
        let branch = args.value(&["b", "branch"]);
        if branch.as_ref().is_some_and(|b| fixed_ref(b.text)) {
            continue;
        }
        if *pinned_later.get_or_insert_with(|| pins_later(invs.get(i + 1..).unwrap_or(&[]))) {
            continue;
        }
        let msg = match &branch {
            Some(b) => format!(
                "`git clone --branch {}` checks out a branch: the build gets whatever it points to that day; clone a tag (`--branch v1.2.3`) and verify the commit (`git checkout <sha>`)",
                b.text
            ),
            None => format!(
                "`git clone {}` checks out the default branch as it is at build time: clone a tag (`--branch v1.2.3`) or check out a commit (`git checkout <sha>`)",
                redact_url(&url.text)
            ),
        };
        let range = branch.map_or(url.range.clone(), |b| b.range.clone());
        out.push((range, msg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::test_support::script;

    fn run(text: &str) -> Vec<String> {
        let cmds = script(text);
        let invs: Vec<Invocation<'_>> = cmds.iter().filter_map(invocation).collect();
        inspect(&invs)
            .into_iter()
            .map(|(r, _)| text[r].to_string())
            .collect()
    }

    #[test]
    fn moving() {
        assert_eq!(
            run("git clone https://github.com/o/r.git /src"),
            vec!["https://github.com/o/r.git"]
        );
        assert_eq!(
            run("git clone --depth 1 -b main https://github.com/o/r"),
            vec!["main"]
        );
        assert_eq!(
            run("git clone --branch=develop https://github.com/o/r"),
            vec!["develop"]
        );
        assert_eq!(
            run("git clone -b 7.x https://git.drupalcode.org/project/x.git"),
            vec!["7.x"]
        );
        assert_eq!(
            run("git clone https://github.com/o/r && cd r && git checkout main"),
            vec!["https://github.com/o/r"]
        );
    }

    #[test]
    fn pinned() {
        assert!(run("git clone --depth 1 --branch v1.2.3 https://github.com/o/r").is_empty());
        assert!(run("git clone -b openssl-3.0.13 https://github.com/openssl/openssl").is_empty());
        assert!(run("git clone -b $REF https://github.com/o/r").is_empty());
        assert!(run("git clone https://github.com/o/r && git -C r checkout 0123456789abcdef0123456789abcdef01234567").is_empty());
        assert!(
            run("git clone https://github.com/o/r /src && cd /src && git reset --hard ${COMMIT}")
                .is_empty()
        );
        assert!(run("git clone --filter=blob:none https://github.com/o/r && git -C r fetch origin 0a1b2c3d4e5f && git -C r checkout FETCH_HEAD").is_empty());
        assert!(run("git clone --revision=0123456789abcdef https://github.com/o/r").is_empty());
        assert!(run("git -C /src pull").is_empty());
    }
}
