//! Variables for resolving download URLs.

use super::*;

/// `ENV`/`ARG` values (defaults) declared in instructions before `before` (later wins).
pub fn declared_values(df: &Dockerfile, before: usize) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for inst in df.instructions.iter().take(before) {
        if matches!(inst.kind, InstructionKind::Env | InstructionKind::Arg) {
            for p in &inst.pairs {
                if let Some(v) = &p.value {
                    m.insert(p.key.clone(), v.clone());
                }
            }
        }
    }
    m
}

/// Names of every `ARG` and `ENV` declared anywhere in the file (ONBUILD included).
pub fn declared_names(df: &Dockerfile) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for inst in df.instructions.iter() {
        for i in std::iter::once(inst).chain(inst.onbuild.as_deref()) {
            if matches!(i.kind, InstructionKind::Env | InstructionKind::Arg) {
                names.extend(i.pairs.iter().map(|p| p.key.clone()));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

pub(super) static PS_ASSIGN: LazyLock<Re> = LazyLock::new(|| {
    re(r#"(?i)\$(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\(?\s*(?:'([^']*)'|"([^"]*)")"#)
});
pub(super) static SH_ASSIGN: LazyLock<Re> = LazyLock::new(|| {
    re(
        r#"(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|'([^']*)'|([^\s;&|'"]+))"#,
    )
});
pub(super) static CMD_SET: LazyLock<Re> =
    LazyLock::new(|| re(r#"(?i)\bset\s+"?([A-Za-z_][A-Za-z0-9_]*)=([^"&|\r\n]*)"?"#));

/// Variable assignments in a script text (`$url = 'https://…'`, `URL=https://…`,
/// `set URL=…`), in order; later ones win in the returned map.
pub fn script_assignments(text: &str, dialect: Dialect) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let rx: &Re = match dialect {
        Dialect::PowerShell => &PS_ASSIGN,
        Dialect::Posix => &SH_ASSIGN,
        Dialect::Cmd => &CMD_SET,
    };
    for c in rx.captures_iter(text) {
        let Some(name) = c.get(1) else { continue };
        let val = c
            .get(2)
            .or_else(|| c.get(3))
            .or_else(|| c.get(4))
            .map_or("", |v| v.as_str());
        let key = if dialect == Dialect::PowerShell {
            name.as_str().to_ascii_lowercase()
        } else {
            name.as_str().to_string()
        };
        m.insert(key, val.to_string());
    }
    m
}

/// If `word` starts with a variable reference, resolves that reference (one level) using the
/// script's own assignments first, then declared ENV/ARG values; returns the expanded prefix
/// followed by the rest of the word.
pub fn resolve_leading_reference(
    word: &str,
    script_vars: &BTreeMap<String, String>,
    declared: &BTreeMap<String, String>,
) -> Option<String> {
    let n = reference_len(word)?;
    let r = word.get(..n)?;
    let name = reference_name(r)?;
    let is_env = r.to_ascii_lowercase().starts_with("$env:")
        || r.to_ascii_lowercase().starts_with("${env:")
        || r.starts_with('%');
    let v = script_vars
        .get(&name)
        .or_else(|| script_vars.get(&name.to_ascii_lowercase()))
        .filter(|_| {
            !is_env
                || !script_vars.contains_key(&name.to_ascii_lowercase())
                || script_vars.contains_key(&name)
        })
        .or_else(|| declared.get(&name))
        .or_else(|| {
            if is_env {
                declared
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                    .map(|(_, v)| v)
            } else {
                None
            }
        })?;
    Some(format!("{v}{}", word.get(n..).unwrap_or("")))
}
