//! DF219: broad ACL grant (Everyone / Users get write access).

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

fn broad_principal(p: &str) -> bool {
    let t = p.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    matches!(
        t.as_str(),
        "everyone"
            | "*s-1-1-0"
            | "users"
            | "builtin\\users"
            | "*s-1-5-32-545"
            | "authenticated users"
            | "nt authority\\authenticated users"
            | "*s-1-5-11"
    )
}

/// Write-capable icacls rights: F, M, W (simple) or GA/GW/WD/AD/WDAC/WO (specific).
fn write_rights(perm: &str) -> bool {
    let mut p = perm.to_ascii_lowercase();
    for flag in ["(oi)", "(ci)", "(io)", "(np)", "(i)"] {
        p = p.replace(flag, "");
    }
    let p = p.trim_matches(['(', ')']);
    p.split(',').any(|r| {
        matches!(
            r.trim(),
            "f" | "m" | "w" | "ga" | "gw" | "wd" | "ad" | "wdac" | "wo" | "ma"
        )
    })
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for c in &a.cmds {
            if c.name() != "icacls" {
                continue;
            }
            let args = c.args();
            let path = args.first().map(|t| t.text.clone()).unwrap_or_default();
            let mut granting = false;
            for t in args.iter().skip(1) {
                let lower = t.text.to_ascii_lowercase();
                if lower.starts_with('/') {
                    granting = lower == "/grant" || lower.starts_with("/grant:");
                    continue;
                }
                if !granting {
                    continue;
                }
                if let Some((who, perm)) = t.text.rsplit_once(':')
                    && broad_principal(who)
                    && write_rights(perm)
                {
                    out.emit(
                            s.span(t.range.clone()),
                            format!("`icacls {path} /grant {}` gives every local user write access, so any process in the container can replace binaries or config there; grant ContainerUser only what it needs (e.g. `:(OI)(CI)RX`, `:M` on a data folder)", t.text),
                        );
                }
            }
        }
        // .NET ACL rules: New-Object FileSystemAccessRule('Everyone', 'FullControl', ...)
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower
            .get(from..)
            .and_then(|x| x.find("filesystemaccessrule"))
        {
            let at = from + i;
            from = at + "filesystemaccessrule".len();
            let window: String = lower.get(from..).unwrap_or("").chars().take(160).collect();
            let window = window.split([';', '\n']).next().unwrap_or("");
            let who = window.contains("everyone")
                || window.contains("'users'")
                || window.contains("\"users\"")
                || window.contains("builtin\\users")
                || window.contains("authenticated users");
            let rights = window.contains("fullcontrol")
                || window.contains("modify")
                || window.contains("'write'")
                || window.contains("\"write\"");
            let allow = !window.contains("deny");
            if who && rights && allow {
                out.emit(
                    s.span(at..from),
                    "FileSystemAccessRule grants Everyone/Users write access; grant ContainerUser only what it needs",
                );
            }
        }
    }
}
