//! Commands.

use super::*;

/// Raw text of a command in its script.
pub fn command_text<'t>(text: &'t str, cmd: &Command) -> &'t str {
    text.get(cmd.range.clone()).unwrap_or("")
}

/// Raw text of a word.
pub fn word_raw<'t>(text: &'t str, w: &ShWord) -> &'t str {
    text.get(w.range.clone()).unwrap_or("")
}

/// Index of the command `cmd_idx` pipes into (the next command at the same depth, if it is
/// connected with `|`).
pub fn piped_into(script: &Script, cmd_idx: usize) -> Option<usize> {
    let depth = script.commands.get(cmd_idx)?.depth;
    for (j, c) in script.commands.iter().enumerate().skip(cmd_idx + 1) {
        if c.depth > depth {
            continue;
        }
        if c.depth == depth && c.connector == Connector::Pipe {
            return Some(j);
        }
        return None;
    }
    None
}

/// Index of the command that feeds `cmd_idx` through a pipe.
pub fn piped_from(script: &Script, cmd_idx: usize) -> Option<usize> {
    let c = script.commands.get(cmd_idx)?;
    if c.connector != Connector::Pipe {
        return None;
    }
    (0..cmd_idx)
        .rev()
        .find(|&j| script.commands.get(j).is_some_and(|p| p.depth == c.depth))
}

/// Start of the pipeline `cmd_idx` belongs to (first command of its `a | b | c` chain).
pub(super) fn pipeline_start(script: &Script, cmd_idx: usize) -> usize {
    let mut i = cmd_idx;
    let mut guard = 0;
    while let Some(p) = piped_from(script, i) {
        i = p;
        guard += 1;
        if guard > 256 {
            break;
        }
    }
    i
}

/// The argument after a flag (`-o x`) or attached (`--output=x`, `-Name:x`). Case-insensitive
/// unless `case_sensitive`.
pub fn flag_value<'c>(
    cmd: &'c Command,
    names: &[&str],
    case_sensitive: bool,
) -> Option<&'c ShWord> {
    let args = cmd.args();
    let eq = |a: &str, b: &str| {
        if case_sensitive {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    };
    for (i, w) in args.iter().enumerate() {
        for n in names {
            if eq(&w.text, n) {
                return args.get(i + 1);
            }
        }
    }
    None
}

/// `--name=value` / `-Name:value` attached values: returns the value text and its byte range.
pub fn attached_value(cmd: &Command, names: &[&str], text: &str) -> Option<(String, Range<usize>)> {
    for w in cmd.args() {
        for n in names {
            for sep in ['=', ':'] {
                let prefix = format!("{n}{sep}");
                if w.text.len() > prefix.len()
                    && w.text
                        .get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
                {
                    let v = w.text.get(prefix.len()..).unwrap_or("").to_string();
                    let raw = word_raw(text, w);
                    let off = raw
                        .find(sep)
                        .map_or(w.range.start, |i| w.range.start + i + 1);
                    return Some((v, off..w.range.end));
                }
            }
        }
    }
    None
}

/// A literal word fed into `cmd_idx` through a pipe by `echo` / `printf` / `Write-Output`
/// (`echo 'root:pw' | chpasswd`, `echo s3cr3t | docker login --password-stdin`).
pub fn fed_literal<'s>(s: &'s ShellScript<'_>, cmd_idx: usize) -> Option<&'s ShWord> {
    let from = piped_from(&s.script, cmd_idx)?;
    let feeder = s.script.commands.get(from)?;
    if !matches!(
        feeder.name().as_str(),
        "echo" | "printf" | "write-output" | "write" | "type"
    ) {
        return None;
    }
    feeder
        .args()
        .iter()
        .find(|w| !(w.text.starts_with('-') && w.text.len() <= 3))
        .filter(|w| arg_is_literal(s, w))
}

/// Non-flag arguments: words not starting with `-` (and, for cmd, not a `/x` switch).
pub fn plain_args(cmd: &Command, dialect: Dialect) -> Vec<&ShWord> {
    cmd.args()
        .iter()
        .filter(|w| {
            let t = w.text.as_str();
            let dash_flag = t.starts_with('-') && t.len() > 1;
            let slash_flag = dialect != Dialect::Posix
                && t.starts_with('/')
                && t.len() > 1
                && t.len() <= 3
                && !t.contains('.');
            !dash_flag && !slash_flag
        })
        .collect()
}

/// PowerShell cmdlets that sign in to a cloud / directory service.
pub fn is_cloud_login_cmdlet(name: &str) -> bool {
    matches!(
        name,
        "connect-azaccount"
            | "login-azaccount"
            | "add-azaccount"
            | "add-azurermaccount"
            | "login-azurermaccount"
            | "connect-azuread"
            | "connect-mggraph"
            | "connect-exchangeonline"
            | "connect-pnponline"
            | "connect-msolservice"
            | "add-azureaccount"
            | "connect-azurermaccount"
    )
}

/// A value given to a flag: either the next word (`-p x`) or attached (`--password=x`,
/// `-Password:x`, or glued `-px` when `glued` is set). Returns the value text, its span range
/// in the script text and whether it is a literal.
pub fn option_value(
    s: &ShellScript<'_>,
    cmd: &Command,
    separate: &[&str],
    attached: &[&str],
    glued: Option<&str>,
    case_sensitive: bool,
) -> Option<(String, Range<usize>, bool)> {
    let text = &s.text.text;
    let dialect = s.script.dialect;
    if let Some(w) = flag_value(cmd, separate, case_sensitive) {
        return Some((w.text.clone(), w.range.clone(), arg_is_literal(s, w)));
    }
    if let Some((v, r)) = attached_value(cmd, attached, text) {
        let raw = text.get(r.clone()).unwrap_or("");
        let lit = word_is_literal(raw, &v, dialect);
        return Some((v, r, lit));
    }
    if let Some(g) = glued {
        for w in cmd.args() {
            if w.text.len() > g.len() && w.text.starts_with(g) && !w.text.starts_with("--") {
                let v = w.text.get(g.len()..).unwrap_or("").to_string();
                let raw = word_raw(text, w);
                let lit = word_is_literal(raw.get(g.len()..).unwrap_or(raw), &v, dialect);
                return Some((v, w.range.clone(), lit));
            }
        }
    }
    None
}
