//! DF308: a secret file added by COPY/ADD is deleted in a later layer (it remains in the
//! earlier one).

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::Dialect;
use crate::lint::helpers::secrets_downloads::{
    credential_file, plain_args, remote_source, stage_number, with_onbuild,
};
use crate::lint::rules::df306_credential_file_copied::sources_and_dest;
use crate::lint::{Emitter, LintContext};

struct Added {
    instruction: usize,
    stage: usize,
    /// Lowercased basename of the file.
    base: String,
    /// Lowercased full destination path when it can be derived.
    dest: Option<String>,
    what: &'static str,
    keyword: &'static str,
}

fn norm(p: &str) -> String {
    p.replace('\\', "/")
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

fn basename(p: &str) -> String {
    let n = norm(p);
    n.rsplit('/').next().unwrap_or("").to_string()
}

/// Simple `*` / `?` glob match.
fn glob(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let mut steps = 0usize;
    while ti < t.len() {
        steps += 1;
        if steps > 100_000 {
            return false;
        }
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&'*') {
        pi += 1;
    }
    pi == p.len()
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let mut added: Vec<Added> = Vec::new();
    for (idx, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
                || !std::ptr::eq(inst, top)
            {
                continue;
            }
            let (srcs, dest) = sources_and_dest(inst);
            let dest_text = dest.map(|d| d.text.as_str()).unwrap_or("");
            let dest_is_dir = dest_text.ends_with('/')
                || dest_text.ends_with('\\')
                || dest_text == "."
                || srcs.len() > 1;
            for w in srcs {
                if remote_source(&w.text).is_some() {
                    continue;
                }
                let (what, base, full) = if let Some((what, _)) = credential_file(&w.text) {
                    let b = basename(&w.text);
                    let full = if dest_is_dir {
                        Some(format!("{}/{b}", norm(dest_text)))
                    } else {
                        Some(norm(dest_text))
                    };
                    (
                        what,
                        if dest_is_dir { b } else { basename(dest_text) },
                        full,
                    )
                } else if let (false, Some((what, _))) = (dest_is_dir, credential_file(dest_text)) {
                    (what, basename(dest_text), Some(norm(dest_text)))
                } else {
                    continue;
                };
                added.push(Added {
                    instruction: idx,
                    stage: stage_number(cx.df, idx),
                    base,
                    dest: full.filter(|f| f.starts_with('/') || f.get(1..2) == Some(":")),
                    what,
                    keyword: inst.kind.as_str(),
                });
            }
        }
    }
    if added.is_empty() {
        return;
    }
    for s in cx.run_scripts() {
        let stage = stage_number(cx.df, s.instruction);
        for cmd in &s.script.commands {
            let name = cmd.name();
            if !matches!(
                name.as_str(),
                "rm" | "del" | "erase" | "remove-item" | "ri" | "rd" | "rmdir" | "unlink" | "shred"
            ) {
                continue;
            }
            let dialect = if name == "del" || name == "erase" || name == "rd" {
                Dialect::Cmd
            } else {
                s.script.dialect
            };
            for w in plain_args(cmd, dialect) {
                let arg_base = basename(&w.text);
                let arg_full = norm(&w.text);
                let hit = added.iter().find(|a| {
                    a.stage == stage
                        && a.instruction < s.instruction
                        && (glob(&arg_base, &a.base)
                            || a.dest.as_deref().is_some_and(|d| {
                                (arg_full.starts_with('/') || arg_full.get(1..2) == Some(":"))
                                    && d.starts_with(&format!("{arg_full}/"))
                            }))
                });
                let Some(a) = hit else { continue };
                let off = cx
                    .df
                    .instructions
                    .get(a.instruction)
                    .map_or(0, |i| i.span.start);
                let line = cx.text().get(..off).map_or(0, |t| t.matches('\n').count()) + 1;
                out.emit(
                    s.span(w.range.clone()),
                    format!(
                        "deleting `{}` here does not remove it from the image: the {} added by {} on line {line} stays in that earlier layer; mount it for the RUN that needs it (`RUN --mount=type=secret,id=…,target=…`)",
                        w.text, a.what, a.keyword
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globbing() {
        assert!(glob("*.pfx", "cert.pfx"));
        assert!(glob("id_rsa", "id_rsa"));
        assert!(glob("id_*", "id_rsa"));
        assert!(!glob("*.pem", "cert.pfx"));
        assert!(glob("?d_rsa", "id_rsa"));
        assert!(!glob("", "x"));
    }
}
