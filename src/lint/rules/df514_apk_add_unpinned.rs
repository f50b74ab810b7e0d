//! DF514: `apk add` with packages that have no version. `pkg=1.2.3-r0` is exact, `pkg~1.2` /
//! `pkg~=1.2` (fuzzy, a version series) counts as pinned, `pkg>1.2` / `pkg<=2` are ranges and
//! reported. The `--virtual` / `-t` name, `.apk` files and variables are not judged. One finding
//! per command at the first unpinned package.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Family, Invocation, apk_pin, floating, invocations, pkg_command, unpinned_message,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, inv) in invocations(cx.run_scripts()) {
        if let Some((range, msg)) = inspect(&inv) {
            out.emit(s.span(range), msg);
        }
    }
}

fn inspect(inv: &Invocation<'_>) -> Option<(Range<usize>, String)> {
    let p = pkg_command(inv)?;
    if p.family != Family::Apk || p.sub != "add" {
        return None;
    }
    let floats = floating(p.packages(), apk_pin);
    let (first, _) = floats.first()?;
    let name = first.text.split(['=', '<', '>', '~']).next().unwrap_or("");
    Some((
        first.range.clone(),
        unpinned_message(
            "apk add",
            &floats,
            &format!("`{name}=<version>` or `{name}~<major.minor>`"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Option<String> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap()).map(|(r, _)| line[r].to_string())
    }

    #[test]
    fn cases() {
        assert_eq!(run("apk add --no-cache curl").as_deref(), Some("curl"));
        assert_eq!(
            run("apk --no-cache add --virtual .build-deps gcc=13.2.1_git20240309-r0 make")
                .as_deref(),
            Some("make")
        );
        assert_eq!(
            run("apk add -t .deps 'openssl>3'").as_deref(),
            Some("'openssl>3'")
        );
        assert!(run("apk add --no-cache curl=8.11.0-r2 git~2.47").is_none());
        assert!(run("apk add --allow-untrusted /tmp/pkg-1.0-r0.apk").is_none());
        assert!(run("apk update").is_none());
        assert!(run("apk add --no-cache --virtual .build-deps").is_none());
    }
}
