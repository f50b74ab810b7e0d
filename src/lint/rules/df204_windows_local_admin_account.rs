//! DF204: local account with a hard-coded password, or added to Administrators.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

fn is_admins_group(g: &str) -> bool {
    let g = g.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    matches!(
        g.as_str(),
        "administrators" | "builtin\\administrators" | "s-1-5-32-544" | "*s-1-5-32-544"
    )
}

/// A literal password (not a variable, not `*` = prompt).
fn literal_password(p: &str) -> bool {
    let t = p.trim();
    !(t.is_empty() || t == "*" || t.starts_with('/') || t.contains('%') || t.contains('$'))
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        let lower = text.to_ascii_lowercase();
        let plaintext_secure = a.cmds.iter().any(|c| {
            c.name() == "convertto-securestring"
                && c.has_arg(&["-asplaintext"])
                && c.positionals(&["-key", "-securekey"])
                    .first()
                    .is_some_and(|p| p.quoted && !p.text.contains('$'))
        }) || lower.contains("-asplaintext")
            && (lower.contains("-password '") || lower.contains("-password \""));
        for c in &a.cmds {
            let args = c.args();
            let arg = |i: usize| {
                args.get(i)
                    .map(|t| t.text.to_ascii_lowercase())
                    .unwrap_or_default()
            };
            let adds = c.args().iter().any(|t| t.text.eq_ignore_ascii_case("/add"));
            match c.name().as_str() {
                "net" | "net1" => {
                    let pos: Vec<&w::Tok> =
                        args.iter().filter(|t| !t.text.starts_with('/')).collect();
                    if arg(0) == "localgroup"
                        && adds
                        && pos.get(1).is_some_and(|g| is_admins_group(&g.text))
                    {
                        out.emit(
                            s.span(c.range.clone()),
                            "account added to the local Administrators group: processes running as it are administrators in the container; run as ContainerUser (or a gMSA) instead",
                        );
                    } else if arg(0) == "user"
                        && adds
                        && pos.get(2).is_some_and(|p| literal_password(&p.text))
                    {
                        out.emit(
                            s.span(c.range.clone()),
                            "local account created with a password written in the Dockerfile (kept in the image history); use ContainerUser, or pass the password as a build secret",
                        );
                    }
                }
                "add-localgroupmember" => {
                    let group = c
                        .param(&["-group", "-name", "-sid"])
                        .map(|t| t.text)
                        .or_else(|| c.positionals(&["-member"]).first().map(|t| t.text.clone()));
                    if group.is_some_and(|g| is_admins_group(&g)) {
                        out.emit(
                            s.span(c.range.clone()),
                            "account added to the local Administrators group: processes running as it are administrators in the container; run as ContainerUser (or a gMSA) instead",
                        );
                    }
                }
                "new-localuser" if plaintext_secure => {
                    out.emit(
                        s.span(c.range.clone()),
                        "local account created with a literal password (`ConvertTo-SecureString '...' -AsPlainText`) kept in the image history; use ContainerUser, or pass the password as a build secret",
                    );
                }
                _ => {}
            }
        }
    }
}
