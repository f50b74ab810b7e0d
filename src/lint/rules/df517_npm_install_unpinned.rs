//! DF517: Node package installs that float: `npm install|i|add <pkg>` (global or local),
//! `yarn global add <pkg>`, `yarn add <pkg>`, `pnpm add|install <pkg>` without an exact version
//! (`typescript@5.6.3`); `@latest`/dist-tags and ranges (`@^5`, `@5`) are reported. Also
//! `npm install` without package arguments in an app directory: it re-resolves the tree and may
//! rewrite package-lock.json, where `npm ci` installs exactly the lockfile.

use std::ops::Range;

use crate::lint::helpers::packages::{
    Invocation, NodeInstall, Pin, invocations, node_install, npm_pin, unpinned_message,
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
    let NodeInstall {
        tool,
        verb,
        verb_word,
        global,
        packages,
        ..
    } = node_install(inv)?;
    if packages.is_empty() {
        if tool == "npm" && !global && !verb_word.text.eq_ignore_ascii_case("add") {
            return Some((
                verb_word.range.clone(),
                format!(
                    "`{verb}` without package arguments re-resolves dependencies and may rewrite package-lock.json: use `npm ci` to install exactly what the lockfile records"
                ),
            ));
        }
        return None;
    }
    let floats: Vec<_> = packages
        .iter()
        .map(|w| (*w, npm_pin(&w.text)))
        .filter(|(_, p)| p.floats())
        .collect();
    let (w, _) = floats.first()?;
    let name = {
        let t = w.text.as_str();
        match t.get(1..).and_then(|r| r.rfind('@')) {
            Some(p) => &t[..p + 1],
            None => t,
        }
    };
    let cmd = if global && !verb.contains("global") {
        format!("{verb} -g")
    } else {
        verb
    };
    let mut msg = unpinned_message(&cmd, &floats, &format!("`{name}@<x.y.z>`"));
    if floats.iter().any(|(w, p)| {
        *p == Pin::Unpinned && w.text.contains('@') && w.text.rfind('@').is_some_and(|i| i > 0)
    }) {
        msg.push_str("; dist-tags such as `@latest` move");
    }
    Some((w.range.clone(), msg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::helpers::packages::{invocation, test_support::cmd};

    fn run(line: &str) -> Option<(String, String)> {
        let c = cmd(line);
        inspect(&invocation(&c).unwrap()).map(|(r, m)| (line[r].to_string(), m))
    }

    #[test]
    fn globals_and_names() {
        assert_eq!(run("npm i -g typescript").unwrap().0, "typescript");
        assert_eq!(
            run("npm install --global npm@latest").unwrap().0,
            "npm@latest"
        );
        assert!(
            run("npm install --global npm@latest")
                .unwrap()
                .1
                .contains("dist-tags")
        );
        assert_eq!(
            run("npm install -g @angular/cli@^18").unwrap().0,
            "@angular/cli@^18"
        );
        assert_eq!(run("yarn global add pm2").unwrap().0, "pm2");
        assert_eq!(run("pnpm add -g tsx").unwrap().0, "tsx");
        assert_eq!(run("npm install --location=global pm2").unwrap().0, "pm2");
        assert_eq!(run("npm install express").unwrap().0, "express");
    }

    #[test]
    fn npm_install_without_args() {
        let (at, msg) = run("npm install --omit=dev").unwrap();
        assert_eq!(at, "install");
        assert!(msg.contains("npm ci"));
        assert!(run("npm ci --omit=dev").is_none());
        assert!(run("yarn install --frozen-lockfile").is_none());
        assert!(run("pnpm install --frozen-lockfile").is_none());
    }

    #[test]
    fn pinned() {
        assert!(run("npm i -g typescript@5.6.3 pm2@5.4.3").is_none());
        assert!(run("npm install -g @angular/cli@18.2.1").is_none());
        assert!(run("npm install -g ./tools/cli-1.0.0.tgz").is_none());
        assert!(run("yarn global add pm2@5.4.3").is_none());
        assert!(run("npm install -g npm@${NPM_VERSION}").is_none());
        assert!(run("npm run build").is_none());
    }
}
