//! Helpers for the general Dockerfile rules (DF1xx): stage references, users, file modes,
//! image references, pipelines.

use crate::dockerfile::shell::{Command, Connector, Script};
use crate::dockerfile::stages::{Stage, StageModel};
use crate::dockerfile::{Dockerfile, Instruction, InstructionKind, Word};

/// ARGs BuildKit defines automatically (usable in FROM without a declaration).
pub const AUTOMATIC_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
    "BUILDKIT_SYNTAX",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_MULTI_PLATFORM",
    "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
    "BUILDKIT_SANDBOX_HOSTNAME",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "FTP_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "no_proxy",
    "all_proxy",
    "SOURCE_DATE_EPOCH",
];

/// Plausible values of the automatic platform ARGs, used when checking that a FROM line
/// expands to a valid reference.
pub fn automatic_arg_value(name: &str) -> Option<&'static str> {
    Some(match name {
        "BUILDPLATFORM" | "TARGETPLATFORM" => "linux/amd64",
        "BUILDOS" | "TARGETOS" => "linux",
        "BUILDARCH" | "TARGETARCH" => "amd64",
        "BUILDVARIANT" | "TARGETVARIANT" | "TARGETSTAGE" => "",
        _ if AUTOMATIC_ARGS.contains(&name) => "",
        _ => return None,
    })
}

/// A `$NAME` / `${NAME...}` reference in a word as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte range of the whole reference (`$X` or `${X:-y}`) in the word.
    pub range: std::ops::Range<usize>,
    /// `${X:-w}`, `${X-w}`, `${X:+w}`, `${X+w}`: a default or alternative is given.
    pub has_fallback: bool,
}

/// Finds variable references in `text` (BuildKit lexer syntax). `escape` before `$` escapes
/// it; single-quoted text is literal.
pub fn var_refs(text: &str, escape: char) -> Vec<VarRef> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_single = false;
    let mut in_double = false;
    let esc = escape as u32;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        if esc < 128 && u32::from(b) == esc && !in_single {
            i += 2;
            continue;
        }
        match b {
            b'\'' if !in_double => in_single = !in_single,
            b'"' if !in_single => in_double = !in_double,
            b'$' if !in_single => {
                let start = i;
                if bytes.get(i + 1) == Some(&b'{') {
                    let name_start = i + 2;
                    let mut j = name_start;
                    while bytes
                        .get(j)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    {
                        j += 1;
                    }
                    let name = text.get(name_start..j).unwrap_or("").to_string();
                    // find the closing brace (nesting of `${` inside the modifier word)
                    let mut depth = 1usize;
                    let mut k = j;
                    while let Some(&c) = bytes.get(k) {
                        if c == b'{' {
                            depth += 1;
                        } else if c == b'}' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        k += 1;
                    }
                    let end = (k + 1).min(bytes.len());
                    let modifier = text.get(j..k.min(bytes.len())).unwrap_or("");
                    let has_fallback = modifier.starts_with(":-")
                        || modifier.starts_with(":+")
                        || modifier.starts_with('-')
                        || modifier.starts_with('+');
                    if !name.is_empty() {
                        out.push(VarRef {
                            name,
                            range: start..end,
                            has_fallback,
                        });
                    }
                    i = end;
                    continue;
                }
                let name_start = i + 1;
                let mut j = name_start;
                while bytes
                    .get(j)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    j += 1;
                }
                if j > name_start {
                    let name = text.get(name_start..j).unwrap_or("").to_string();
                    if !name.starts_with(|c: char| c.is_ascii_digit()) {
                        out.push(VarRef {
                            name,
                            range: start..j,
                            has_fallback: false,
                        });
                    }
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Where a `--from=` value points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageRef {
    /// An earlier stage (or a later one by name: BuildKit resolves names across the file).
    Stage(usize),
    /// The stage the instruction is in.
    Current(usize),
    /// A numeric index that is not an earlier stage.
    BadIndex(usize),
    /// Contains a variable: cannot be resolved statically.
    Dynamic,
    /// Looks like an image reference (`/`, `:`, `.` or `@`): pulled as an image.
    Image,
    /// A bare name that is no stage: BuildKit pulls `docker.io/library/<name>:latest`.
    Unknown,
}

/// Resolves the value of `COPY --from=` / `RUN --mount=from=` for an instruction in stage `current`.
pub fn resolve_stage_ref(model: &StageModel, current: Option<usize>, value: &str) -> StageRef {
    let v = value.trim();
    if v.contains('$') {
        return StageRef::Dynamic;
    }
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let Ok(n) = v.parse::<usize>() else {
            return StageRef::BadIndex(usize::MAX);
        };
        return match current {
            Some(c) if n == c => StageRef::Current(n),
            Some(c) if n < c => StageRef::Stage(n),
            _ => StageRef::BadIndex(n),
        };
    }
    let lower = v.to_ascii_lowercase();
    if let Some(s) = model
        .stages
        .iter()
        .find(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return if Some(s.index) == current {
            StageRef::Current(s.index)
        } else {
            StageRef::Stage(s.index)
        };
    }
    if v.contains(['/', ':', '.', '@']) {
        return StageRef::Image;
    }
    StageRef::Unknown
}

/// Levenshtein distance for short identifiers (bounded work: inputs over 64 bytes are "far").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(!ca.eq_ignore_ascii_case(cb));
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().unwrap_or(usize::MAX)
}

/// The stage name closest to `name` (distance ≤ 2, or a prefix relation), if any.
pub fn similar_stage<'m>(model: &'m StageModel, name: &str) -> Option<&'m str> {
    let lower = name.to_ascii_lowercase();
    model
        .stages
        .iter()
        .filter_map(|s| s.name.as_deref())
        .filter(|n| !n.is_empty())
        .map(|n| {
            let d = edit_distance(n, &lower);
            let prefix =
                n.len() >= 3 && lower.len() >= 3 && (n.starts_with(&lower) || lower.starts_with(n));
            (if prefix { d.min(1) } else { d }, n)
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, n)| (*d, *n))
        .map(|(_, n)| n)
}

/// The `from=` key of a `--mount` value: `(value, byte range of the value inside the flag text)`.
/// `flag_text` is the flag as written (`--mount=type=cache,from=build,target=/x`).
pub fn mount_from(flag_text: &str) -> Option<(String, std::ops::Range<usize>)> {
    let eq = flag_text.find('=')?;
    let mut pos = eq + 1;
    let body = flag_text.get(pos..)?;
    for field in body.split(',') {
        let trimmed = field.trim_matches(|c| c == '"' || c == '\'');
        let lead = field.len() - field.trim_start_matches(['"', '\'']).len();
        if let Some((k, v)) = trimmed.split_once('=')
            && k.trim().eq_ignore_ascii_case("from")
        {
            let vstart = pos + lead + k.len() + 1;
            return Some((v.to_string(), vstart..vstart + v.len()));
        }
        pos += field.len() + 1;
    }
    None
}

/// The parent-stage chain starting at `stage` (the stage itself first), bounded.
pub fn stage_chain(model: &StageModel, stage: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = Some(stage);
    while let Some(s) = cur {
        if out.contains(&s) || out.len() > model.stages.len() {
            break;
        }
        out.push(s);
        cur = model.stages.get(s).and_then(|st| st.parent_stage);
    }
    out
}

/// Instructions (index, instruction) of a stage, FROM excluded.
pub fn stage_instructions<'a>(
    df: &'a Dockerfile,
    stage: &Stage,
) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
    let start = stage.from + 1;
    let end = stage.end.min(df.instructions.len());
    df.instructions
        .get(start.min(end)..end)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(move |(k, i)| (start + k, i))
}

/// The base image of the root of a stage chain, lowercased, as written or resolved.
pub fn chain_root_base(model: &StageModel, stage: usize) -> Option<String> {
    let chain = stage_chain(model, stage);
    let root = model.stages.get(*chain.last()?)?;
    Some(
        root.base
            .clone()
            .unwrap_or_else(|| root.base_raw.clone())
            .to_ascii_lowercase(),
    )
}

/// `root`, `0`, `root:root`, `0:0`, `root:0`, ... (the user part is what matters).
pub fn is_root_user(user: &str) -> bool {
    let user = user.trim().trim_matches(|c| c == '"' || c == '\'');
    let name = user.split(':').next().unwrap_or("");
    name.eq_ignore_ascii_case("root") || (!name.is_empty() && name.bytes().all(|b| b == b'0'))
}

/// Base images known to run as a non-root user by default.
pub fn base_runs_non_root(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    b.contains("nonroot")
        || b.contains("non-root")
        || b.contains("chiseled")
        || b.contains("bitnami/")
        || b.starts_with("cgr.dev/chainguard/")
}

/// `.`, `./`, `./.`, `*`, `./*` (and `.\` on Windows): the whole build context.
pub fn is_whole_context(src: &str) -> bool {
    matches!(
        src.trim(),
        "." | "./" | "./." | "*" | "./*" | ".\\" | ".\\*"
    )
}

/// `/`, `/.`, `/*`, `C:\`, `C:/`, `C:\*`: the root of a filesystem.
pub fn is_filesystem_root(src: &str) -> bool {
    let s = src.trim();
    if matches!(s, "/" | "/." | "/*" | "//" | "\\") {
        return true;
    }
    let b = s.as_bytes();
    if b.len() >= 2 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':') {
        let rest = s.get(2..).unwrap_or("");
        return matches!(rest, "" | "\\" | "/" | "\\*" | "/*" | "\\." | "/." | "\\\\");
    }
    false
}

/// Source words of COPY/ADD (every word but the destination, heredoc markers excluded).
pub fn copy_sources(inst: &Instruction) -> &[Word] {
    let n = inst.words.len();
    if n < 2 {
        return &[];
    }
    inst.words.get(..n - 1).unwrap_or(&[])
}

/// Parses a chmod-style mode. Returns what the mode grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModeEffect {
    pub world_writable: bool,
    pub setuid: bool,
    pub setgid: bool,
    pub sticky: bool,
}

/// Interprets a numeric (`0777`, `4755`) or symbolic (`o+w`, `u+s,g+s`, `a=rwx`) mode.
/// Returns `None` if the word is not a mode.
pub fn parse_mode(mode: &str) -> Option<ModeEffect> {
    let m = mode.trim();
    if m.is_empty() {
        return None;
    }
    if m.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        if m.len() > 5 {
            return None;
        }
        let v = u32::from_str_radix(m, 8).ok()?;
        return Some(ModeEffect {
            world_writable: v & 0o002 != 0,
            setuid: v & 0o4000 != 0,
            setgid: v & 0o2000 != 0,
            sticky: v & 0o1000 != 0,
        });
    }
    let mut eff = ModeEffect::default();
    for clause in m.split(',') {
        let op_at = clause.find(['+', '-', '='])?;
        let who = clause.get(..op_at)?;
        if !who.bytes().all(|b| matches!(b, b'u' | b'g' | b'o' | b'a')) {
            return None;
        }
        let rest = clause.get(op_at..)?;
        // a clause may contain several op+perm groups: u+x-w
        let mut op = b'+';
        for b in rest.bytes() {
            match b {
                b'+' | b'-' | b'=' => op = b,
                b'r' | b'w' | b'x' | b'X' | b's' | b't' | b'u' | b'g' | b'o' => {
                    if op == b'-' {
                        continue;
                    }
                    let all = who.is_empty() || who.contains('a');
                    match b {
                        // `+w` without who honours the umask: not world-writable in practice
                        b'w' if who.contains('o') || who.contains('a') => eff.world_writable = true,
                        b's' => {
                            if all || who.contains('u') {
                                eff.setuid = true;
                            }
                            if all || who.contains('g') {
                                eff.setgid = true;
                            }
                        }
                        b't' => eff.sticky = true,
                        _ => {}
                    }
                }
                _ => return None,
            }
        }
    }
    Some(eff)
}

/// A chmod invocation: the mode word and the target paths.
pub struct Chmod<'c> {
    pub mode: &'c crate::dockerfile::shell::ShWord,
    pub effect: ModeEffect,
    pub targets: Vec<&'c str>,
}

/// Reads a `chmod` command (`chmod [-R] [--flags] MODE FILE...`).
pub fn chmod_of(cmd: &Command) -> Option<Chmod<'_>> {
    if cmd.name() != "chmod" {
        return None;
    }
    let mut mode = None;
    let mut targets = Vec::new();
    for w in cmd.args() {
        if mode.is_none() {
            // options: -R, -v, --recursive, --reference=...; note `-w` style modes are rare
            if w.text.starts_with("--") {
                continue;
            }
            if w.text.starts_with('-')
                && w.text
                    .get(1..)
                    .is_some_and(|r| r.bytes().all(|b| b"RvcfH".contains(&b)))
            {
                continue;
            }
            let eff = parse_mode(&w.text)?;
            mode = Some((w, eff));
        } else {
            targets.push(w.text.as_str());
        }
    }
    let (mode, effect) = mode?;
    Some(Chmod {
        mode,
        effect,
        targets,
    })
}

/// Whether a command never fails in a way that matters on the left side of a pipe.
pub fn harmless_pipe_source(cmd: &Command) -> bool {
    matches!(cmd.name().as_str(), "echo" | "printf" | "yes" | "true")
}

/// A pipeline: indices into `script.commands` (first..=last) at the same depth.
pub fn pipelines(script: &Script) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut out = Vec::new();
    let cmds = &script.commands;
    let mut i = 0;
    while i < cmds.len() {
        let Some(c) = cmds.get(i) else { break };
        let depth = c.depth;
        let mut j = i + 1;
        let mut last = i;
        while let Some(n) = cmds.get(j) {
            if n.depth > depth {
                j += 1;
                continue;
            }
            if n.depth == depth && n.connector == Connector::Pipe {
                last = j;
                j += 1;
                continue;
            }
            break;
        }
        if last > i {
            out.push(i..=last);
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// `set -o pipefail`, `set -euo pipefail`, `set -eux -o pipefail` among `cmds`.
pub fn sets_pipefail(cmd: &Command) -> bool {
    if cmd.name() != "set" {
        return false;
    }
    let args = cmd.args();
    args.iter().enumerate().any(|(k, w)| {
        w.text == "pipefail"
            && k > 0
            && args
                .get(k - 1)
                .is_some_and(|p| p.text.starts_with('-') && p.text.ends_with('o'))
    })
}

/// Whether argv contains `-o pipefail` (e.g. a SHELL or exec-form shell invocation).
pub fn argv_has_pipefail<S: AsRef<str>>(argv: &[S]) -> bool {
    argv.windows(2).any(|w| {
        let (a, b) = (w.first().map(AsRef::as_ref), w.get(1).map(AsRef::as_ref));
        matches!((a, b), (Some(a), Some("pipefail")) if a.starts_with('-') && a.ends_with('o'))
    })
}

/// Valid stage name per BuildKit: `^[a-z][a-z0-9-_\.]*$` (after lowercasing).
pub fn valid_stage_name(name: &str) -> bool {
    let mut b = name.bytes();
    b.next().is_some_and(|c| c.is_ascii_lowercase())
        && b.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
        })
}

/// Validates a container image reference (`[host[:port]/]path[:tag][@digest]`) the way the
/// distribution reference grammar does (names normalised to lower case are required).
pub fn valid_image_reference(r: &str) -> bool {
    if r.is_empty() || r.len() > 512 {
        return false;
    }
    let (name_tag, digest) = match r.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (r, None),
    };
    if let Some(d) = digest {
        let Some((alg, hex)) = d.split_once(':') else {
            return false;
        };
        if alg.is_empty()
            || !alg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
            || hex.len() < 32
            || !hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return false;
        }
    }
    // tag: after the last ':' that follows the last '/'
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag.get(last_slash..).and_then(|t| t.rfind(':')) {
        Some(i) => (
            name_tag.get(..last_slash + i).unwrap_or(""),
            name_tag.get(last_slash + i + 1..),
        ),
        None => (name_tag, None),
    };
    if let Some(t) = tag {
        let mut b = t.bytes();
        if t.len() > 128
            || !b
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
            || !b.all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c))
        {
            return false;
        }
    }
    if name.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts.first().copied().unwrap_or("");
        if first.contains(['.', ':']) || first == "localhost" {
            // registry host[:port]
            let (host, port) = first.split_once(':').unwrap_or((first, ""));
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
                || (!port.is_empty() && !port.bytes().all(|b| b.is_ascii_digit()))
                || (first.contains(':') && port.is_empty())
            {
                return false;
            }
            parts.remove(0);
        }
    }
    !parts.is_empty() && parts.iter().all(|p| valid_path_component(p))
}

fn valid_path_component(p: &str) -> bool {
    // [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
    let b = p.as_bytes();
    if b.is_empty()
        || !b
            .first()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return false;
    }
    if !b
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut sep = String::new();
    for &c in b {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            let ok_sep = sep.is_empty()
                || sep == "."
                || sep == "_"
                || sep == "__"
                || sep.bytes().all(|x| x == b'-');
            if !ok_sep {
                return false;
            }
            sep.clear();
        } else if matches!(c, b'.' | b'_' | b'-') {
            sep.push(c as char);
        } else {
            return false;
        }
    }
    true
}

/// Programs that, started as the image's command without real arguments, make an interactive
/// tool or base image rather than a service (`CMD ["python3"]`, `CMD ["go", "version"]`).
const INTERACTIVE: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "cmd",
    "powershell",
    "pwsh",
    "python",
    "python2",
    "python3",
    "node",
    "irb",
    "ruby",
    "perl",
    "php",
    "jshell",
    "go",
    "dotnet",
    "java",
    "erl",
    "iex",
    "ghci",
    "julia",
    "deno",
    "bun",
    "lua",
    "sqlite3",
    "psql",
    "mongosh",
    "bc",
];

fn command_words(inst: &Instruction) -> Vec<String> {
    match &inst.form {
        crate::dockerfile::Form::Exec(words) => words.iter().map(|w| w.text.clone()).collect(),
        crate::dockerfile::Form::Shell(l) => {
            l.text.split_whitespace().map(str::to_string).collect()
        }
        crate::dockerfile::Form::None => Vec::new(),
    }
}

/// A CMD/ENTRYPOINT that only starts a shell, a REPL or prints a version.
pub fn is_placeholder_command(inst: &Instruction) -> bool {
    let words = command_words(inst);
    let Some(first) = words.first() else {
        return true;
    };
    let prog = crate::dockerfile::shell::program_name(first);
    if !INTERACTIVE.contains(&prog.as_str()) {
        return false;
    }
    let args = words.get(1..).unwrap_or(&[]);
    let shell = matches!(
        prog.as_str(),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "cmd" | "powershell" | "pwsh"
    );
    args.is_empty()
        || (args.len() == 1
            && args.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "version" | "--version" | "-version" | "-v" | "-V" | "--info"
                )
            }))
        || (shell
            && args.iter().all(|a| {
                a.starts_with('-')
                    && !a.eq_ignore_ascii_case("-c")
                    && !a.eq_ignore_ascii_case("-command")
                    && !a.eq_ignore_ascii_case("-file")
            }))
}

/// Whether the image built by the stage chain (nearest stage first, see [`stage_chain`]) runs a
/// service: it EXPOSEs a port, or its effective ENTRYPOINT / CMD starts something other than a
/// shell, REPL or version print.
pub fn starts_service(df: &Dockerfile, model: &StageModel, chain: &[usize]) -> bool {
    let mut entrypoint = None;
    let mut cmd = None;
    for s in chain.iter().filter_map(|i| model.stages.get(*i)) {
        for (_, inst) in stage_instructions(df, s) {
            if inst.kind == InstructionKind::Expose {
                return true;
            }
        }
        if entrypoint.is_none() {
            entrypoint = stage_instructions(df, s)
                .filter(|(_, i)| i.kind == InstructionKind::Entrypoint)
                .last();
        }
        if cmd.is_none() {
            cmd = stage_instructions(df, s)
                .filter(|(_, i)| i.kind == InstructionKind::Cmd)
                .last();
        }
    }
    entrypoint.is_some_and(|(_, i)| !is_placeholder_command(i))
        || cmd.is_some_and(|(_, i)| !is_placeholder_command(i))
}

/// A builder flag by its exact name (BuildKit flag names are case-sensitive: `--From` is an
/// unknown flag, reported by DF100).
pub fn flag_exact<'i>(inst: &'i Instruction, name: &str) -> Option<&'i crate::dockerfile::Flag> {
    inst.flags.iter().find(|f| f.name == name)
}

/// A parsed EXPOSE item: inclusive port range and protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    pub lo: u32,
    pub hi: u32,
}

/// Parses `80`, `80/tcp`, `8000-8010/udp`. `Err(reason)` when malformed.
pub fn parse_port_spec(item: &str) -> Result<PortSpec, String> {
    let (ports, proto) = match item.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (item, None),
    };
    if let Some(proto) = proto
        && !["tcp", "udp", "sctp"].contains(&proto.to_ascii_lowercase().as_str())
    {
        return Err(format!("unknown protocol `{proto}` (use tcp, udp or sctp)"));
    }
    if ports.contains(':') {
        return Err("host address/port mappings cannot be set in a Dockerfile; publish ports with `docker run -p`".into());
    }
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (a, b),
        None => (ports, ports),
    };
    let num = |s: &str| -> Result<u32, String> {
        if s.is_empty() || s.len() > 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{ports}` is not a port number"));
        }
        s.parse::<u32>()
            .map_err(|_| format!("`{ports}` is not a port number"))
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    for p in [lo, hi] {
        if p == 0 || p > 65535 {
            return Err(format!("port {p} is outside 1-65535"));
        }
    }
    if lo > hi {
        return Err(format!("range `{ports}` ends before it starts"));
    }
    Ok(PortSpec { lo, hi })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars() {
        let v = var_refs("${REG:-mcr.microsoft.com}/x:$TAG", '\\');
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].name, "REG");
        assert!(v[0].has_fallback);
        assert_eq!(v[1].name, "TAG");
        assert!(!v[1].has_fallback);
        assert_eq!(
            &"${REG:-mcr.microsoft.com}/x:$TAG"[v[1].range.clone()],
            "$TAG"
        );
        assert!(var_refs("\\$X '$Y'", '\\').is_empty());
        assert!(var_refs("${", '\\').is_empty());
        assert_eq!(var_refs("$", '`').len(), 0);
    }

    #[test]
    fn modes() {
        assert!(parse_mode("777").unwrap().world_writable);
        assert!(parse_mode("0666").unwrap().world_writable);
        assert!(!parse_mode("755").unwrap().world_writable);
        let t = parse_mode("1777").unwrap();
        assert!(t.sticky && t.world_writable);
        assert!(parse_mode("4755").unwrap().setuid);
        assert!(parse_mode("2755").unwrap().setgid);
        assert!(parse_mode("o+w").unwrap().world_writable);
        assert!(parse_mode("a=rwx").unwrap().world_writable);
        assert!(!parse_mode("+w").unwrap().world_writable);
        assert!(!parse_mode("o-w").unwrap().world_writable);
        assert!(parse_mode("u+s").unwrap().setuid);
        assert!(!parse_mode("u+s").unwrap().setgid);
        assert!(parse_mode("+s").unwrap().setgid);
        assert!(parse_mode("g+s").unwrap().setgid);
        assert!(!parse_mode("g+s").unwrap().setuid);
        assert!(parse_mode("/app").is_none());
        assert!(parse_mode("u+x,go-w").is_some());
        assert!(parse_mode("99").is_none());
    }

    #[test]
    fn roots() {
        assert!(is_root_user("root"));
        assert!(is_root_user("0:0"));
        assert!(is_root_user("ROOT:root"));
        assert!(!is_root_user("10001"));
        assert!(!is_root_user("app"));
        assert!(!is_root_user("1000:0"));
        assert!(is_filesystem_root("/"));
        assert!(is_filesystem_root("C:\\"));
        assert!(is_filesystem_root("c:/"));
        assert!(!is_filesystem_root("/app"));
        assert!(!is_filesystem_root("C:\\app"));
        assert!(is_whole_context("."));
        assert!(is_whole_context("./"));
        assert!(!is_whole_context("./src"));
    }

    #[test]
    fn references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "localhost:5000/a/b:c",
            "registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "my_repo__x/a-b--c",
        ] {
            assert!(valid_image_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "alpine:",
            ":3.20",
            "mcr.microsoft.com/",
            "Alpine",
            "a//b",
            "a:b:c",
            "x@sha256:zz",
            "-a",
        ] {
            assert!(!valid_image_reference(bad), "{bad}");
        }
        assert!(valid_stage_name("build-env_1.x"));
        assert!(!valid_stage_name("1build"));
        assert!(!valid_stage_name("b@d"));
    }

    #[test]
    fn mounts() {
        let t = "--mount=type=cache,from=build,target=/root/.cache";
        let (v, r) = mount_from(t).unwrap();
        assert_eq!(v, "build");
        assert_eq!(&t[r], "build");
        assert!(mount_from("--mount=type=cache,target=/x").is_none());
        let t = "--mount=\"type=bind,FROM=deps,source=/x\"";
        let (v, r) = mount_from(t).unwrap();
        assert_eq!(v, "deps");
        assert_eq!(&t[r], "deps");
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("build", "buld"), 1);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn pipefail_argv() {
        assert!(argv_has_pipefail(&["/bin/bash", "-o", "pipefail", "-c"]));
        assert!(argv_has_pipefail(&["bash", "-eo", "pipefail", "-c"]));
        assert!(!argv_has_pipefail(&["/bin/sh", "-c"]));
    }
}
