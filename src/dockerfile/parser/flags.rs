//! Builder-flag validation the way BuildKit's instruction layer does it (`bflag.go`,
//! `commands_runmount.go`, `commands_runnetwork.go`, `commands_runsecurity.go`,
//! `commands_rundevice.go`, `parseHealthcheck`). Flag names are case-sensitive there.

use crate::dockerfile::model::{Flag, InstructionKind};
use crate::source::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    /// May repeat.
    Strings,
}

/// Known flags per instruction; `None` when BuildKit never parses the instruction's flags
/// (ARG, STOPSIGNAL, `HEALTHCHECK NONE`, unknown instructions).
fn known_flags(
    kind: InstructionKind,
    healthcheck_none: bool,
) -> Option<&'static [(&'static str, FlagType)]> {
    use FlagType::*;
    use InstructionKind as K;
    Some(match kind {
        K::From => &[("platform", String)],
        K::Run => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        K::Copy => &[
            ("chown", String),
            ("from", String),
            ("chmod", String),
            ("link", Bool),
            ("exclude", Strings),
            ("parents", Bool),
        ],
        K::Add => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        K::Healthcheck if healthcheck_none => return None,
        K::Healthcheck => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        K::Arg | K::Stopsignal | K::Unknown => return None,
        K::Cmd
        | K::Entrypoint
        | K::Env
        | K::Expose
        | K::Label
        | K::Maintainer
        | K::Onbuild
        | K::Shell
        | K::User
        | K::Volume
        | K::Workdir => &[],
    })
}

/// Problems with the flags of one instruction: `(message, span)`.
pub(super) fn validate(
    kind: InstructionKind,
    flags: &[Flag],
    healthcheck_none: bool,
) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let Some(known) = known_flags(kind, healthcheck_none) else {
        return out;
    };
    let mut used: Vec<&str> = Vec::new();
    for f in flags {
        let shown = format!("--{}", f.name);
        let Some(&(_, ty)) = known.iter().find(|(n, _)| *n == f.name) else {
            let hint = known
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&f.name))
                .map(|(n, _)| format!(" (did you mean --{n}?)"))
                .unwrap_or_default();
            out.push((
                format!("unknown flag: {shown}{hint}"),
                f.name_span_or_span(),
            ));
            continue;
        };
        if used.contains(&f.name.as_str()) && ty != FlagType::Strings {
            out.push((format!("duplicate flag specified: {shown}"), f.span));
            continue;
        }
        used.push(&f.name);
        let vspan = f.value_span.unwrap_or(f.span);
        match ty {
            FlagType::Bool => match f.value.as_deref() {
                Some("") => out.push((format!("missing a value on flag: {shown}"), f.span)),
                None => {}
                Some(v) if matches!(v.to_ascii_lowercase().as_str(), "true" | "false") => {}
                Some(v) => out.push((
                    format!("expecting boolean value for flag {shown}, not: {v}"),
                    vspan,
                )),
            },
            FlagType::String | FlagType::Strings => {
                let Some(v) = f.value.as_deref() else {
                    out.push((format!("missing a value on flag: {shown}"), f.span));
                    continue;
                };
                if let Some(msg) = check_value(kind, &f.name, v) {
                    out.push((msg, vspan));
                }
            }
        }
    }
    out
}

trait NameSpan {
    fn name_span_or_span(&self) -> Span;
}

impl NameSpan for Flag {
    fn name_span_or_span(&self) -> Span {
        if self.name_span.is_empty() {
            self.span
        } else {
            Span::new(self.span.start, self.name_span.end)
        }
    }
}

fn check_value(kind: InstructionKind, name: &str, v: &str) -> Option<String> {
    match (kind, name) {
        (InstructionKind::Run, "network") => (!matches!(v, "default" | "none" | "host"))
            .then(|| format!("invalid network mode {v:?} (expected default, none or host)")),
        (InstructionKind::Run, "security") => (!matches!(v, "insecure" | "sandbox"))
            .then(|| format!("security {v:?} is not valid (expected insecure or sandbox)")),
        (InstructionKind::Run, "mount") => check_mount(v).err(),
        (InstructionKind::Run, "device") => check_device(v).err(),
        (InstructionKind::Healthcheck, "retries") => check_retries(v).err(),
        (InstructionKind::Healthcheck, _) => check_interval(name, v).err(),
        _ => None,
    }
}

/// `csvvalue.Fields`: one CSV record, `"` quoting with `""` escapes.
pub(super) fn csv_fields(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        if let Some(q) = rest.strip_prefix('"') {
            let mut field = String::new();
            let mut it = q.char_indices().peekable();
            let mut after: Option<&str> = None;
            while let Some((i, c)) = it.next() {
                if c == '"' {
                    if let Some(&(_, '"')) = it.peek() {
                        field.push('"');
                        it.next();
                        continue;
                    }
                    after = q.get(i + 1..);
                    break;
                }
                field.push(c);
            }
            let Some(after) = after else {
                return Err("extraneous or missing \" in quoted-field".to_string());
            };
            out.push(field);
            if after.is_empty() {
                return Ok(out);
            }
            match after.strip_prefix(',') {
                Some(r) => rest = r,
                None => return Err("extraneous or missing \" in quoted-field".to_string()),
            }
        } else {
            let (field, next) = match rest.find(',') {
                Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..)),
                None => (rest, None),
            };
            if field.contains('"') {
                return Err("bare \" in non-quoted-field".to_string());
            }
            out.push(field.to_string());
            match next {
                Some(r) => rest = r,
                None => return Ok(out),
            }
        }
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn parse_uint(v: &str, radix: u32) -> Option<u64> {
    if v.is_empty() || !v.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(v, radix)
        .ok()
        .filter(|n| *n <= u64::from(u32::MAX))
}

/// go-units `RAMInBytes` syntax: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$`.
fn is_ram_size(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > s
    };
    if !digits(&mut i) {
        return false;
    }
    while b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    if b.get(i).is_some_and(|c| b"kKmMgGtTpP".contains(c)) {
        i += 1;
    }
    if b.get(i).is_some_and(|c| b"iI".contains(c)) {
        i += 1;
    }
    if b.get(i).is_some_and(|c| b"bB".contains(c)) {
        i += 1;
    }
    i == b.len()
}

/// `parseMount` with expansion: validates what can be validated without knowing variable
/// values (a value containing `$` is not checked).
pub(super) fn check_mount(v: &str) -> Result<(), String> {
    let fields = csv_fields(v).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    let mut typ = Some("bind".to_string());
    let (mut from, mut source, mut target, mut id, mut sharing) =
        (false, false, false, false, false);
    let (mut mode, mut uid, mut gid) = (false, false, false);
    let type_is =
        |t: &Option<String>, names: &[&str]| t.as_deref().is_some_and(|t| names.contains(&t));
    for field in &fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => {}
                "required" => {
                    if typ.is_some() && !type_is(&typ, &["secret", "ssh"]) {
                        return Err(format!(
                            "unexpected key 'required' for mount type '{}'",
                            typ.unwrap_or_default()
                        ));
                    }
                }
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        };
        if key == "from"
            && let Some(idx) = value.find('$')
            && idx != value.len() - 1
        {
            return Err(
                "'from' doesn't support variable expansion, define alias stage instead".to_string(),
            );
        }
        let dynamic = value.contains('$');
        match key.as_str() {
            "type" => {
                if dynamic {
                    typ = None;
                    continue;
                }
                let t = value.to_ascii_lowercase();
                if !matches!(t.as_str(), "bind" | "cache" | "tmpfs" | "secret" | "ssh") {
                    return Err(format!(
                        "unsupported mount type {value:?} (expected bind, cache, tmpfs, secret or ssh)"
                    ));
                }
                typ = Some(t);
            }
            "from" => from = true,
            "source" | "src" => source = !value.is_empty() || dynamic,
            "target" | "dst" | "destination" => target = !value.is_empty() || dynamic,
            "readonly" | "ro" | "readwrite" | "rw" => {
                if !dynamic && parse_bool(value).is_none() {
                    return Err(format!("invalid value for {key}: {value}"));
                }
            }
            "required" => {
                if typ.is_some() && !type_is(&typ, &["secret", "ssh"]) {
                    return Err(format!(
                        "unexpected key 'required' for mount type '{}'",
                        typ.unwrap_or_default()
                    ));
                }
                if !dynamic && parse_bool(value).is_none() {
                    return Err(format!("invalid value for {key}: {value}"));
                }
            }
            "size" => {
                if typ.is_some() && !type_is(&typ, &["tmpfs"]) {
                    return Err(format!(
                        "unexpected key 'size' for mount type '{}'",
                        typ.unwrap_or_default()
                    ));
                }
                if !dynamic && !is_ram_size(value) {
                    return Err(format!("invalid value for {key}: {value}"));
                }
            }
            "id" => id = !value.is_empty() || dynamic,
            "sharing" => {
                if !dynamic
                    && !matches!(
                        value.to_ascii_lowercase().as_str(),
                        "shared" | "private" | "locked"
                    )
                {
                    return Err(format!(
                        "unsupported sharing value {value:?} (expected shared, private or locked)"
                    ));
                }
                sharing = true;
            }
            "mode" => {
                if !dynamic && parse_uint(value, 8).is_none() {
                    return Err(format!("invalid value {value} for mode"));
                }
                mode = true;
            }
            "uid" | "gid" => {
                if !dynamic && parse_uint(value, 10).is_none() {
                    return Err(format!("invalid value {value} for {key}"));
                }
                if key == "uid" {
                    uid = true;
                } else {
                    gid = true;
                }
            }
            "env" => {}
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    let Some(t) = typ else { return Ok(()) };
    if !matches!(t.as_str(), "secret" | "ssh" | "cache") {
        for (set, what) in [(mode, "mode"), (uid, "uid"), (gid, "gid")] {
            if set {
                return Err(format!("{what} not allowed for {t:?} type mounts"));
            }
        }
    }
    if t == "secret" {
        if from {
            return Err("secret mount should not have a from".to_string());
        }
        if sharing {
            return Err("secret mount should not define sharing".to_string());
        }
        if !source && !target && !id {
            return Err("invalid secret mount. one of source, target required".to_string());
        }
        if source && id {
            return Err("both source and id can't be set".to_string());
        }
    }
    if sharing && t != "cache" {
        return Err(format!("invalid cache sharing set for {t} mount"));
    }
    Ok(())
}

/// `ParseDevice`.
fn check_device(v: &str) -> Result<(), String> {
    let fields = csv_fields(v).map_err(|e| format!("failed to parse csv devices: {e}"))?;
    let mut name = false;
    for field in &fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        match (key.as_str(), value) {
            ("required", None) => {}
            (_, None) if !name => name = true,
            (_, None) => return Err(format!("invalid field '{field}' must be a key=value pair")),
            ("name", Some(_)) if name => return Err("device name already set".to_string()),
            ("name", Some(_)) => name = true,
            ("required", Some(val)) => {
                if !val.contains('$') && parse_bool(val).is_none() {
                    return Err(format!("invalid value for required: {val}"));
                }
            }
            (_, Some(_)) if !name => name = true,
            (_, Some(_)) => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    Ok(())
}

fn check_retries(v: &str) -> Result<(), String> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid --retries value {v:?}: not an integer"));
    }
    match v.parse::<i64>() {
        Ok(n) if n > i64::from(i32::MAX) || n < i64::from(i32::MIN) => {
            Err(format!("invalid --retries value {v:?}: out of range"))
        }
        Ok(n) if n < 0 => Err(format!("--retries cannot be negative ({n})")),
        Ok(_) => Ok(()),
        Err(_) => Err(format!("invalid --retries value {v:?}: out of range")),
    }
}

/// Go's `time.ParseDuration`, returning nanoseconds.
pub(super) fn go_duration(s: &str) -> Option<f64> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let num = rest.get(..num_len)?;
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = num.parse().ok()?;
        rest = rest.get(num_len..)?;
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let unit = rest.get(..unit_len)?;
        let scale = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * scale;
        rest = rest.get(unit_len..)?;
    }
    if total > 9.223_372_036_854_776e18 {
        return None;
    }
    Some(if neg { -total } else { total })
}

fn check_interval(name: &str, v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    let Some(d) = go_duration(v) else {
        return Err(format!("invalid duration {v:?} for --{name}"));
    };
    if d != 0.0 && d < 1e6 {
        return Err(format!("Interval {name:?} cannot be less than 1ms"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv() {
        assert_eq!(csv_fields("a,b=c").unwrap_or_default(), vec!["a", "b=c"]);
        assert_eq!(
            csv_fields("\"a,b\",c").unwrap_or_default(),
            vec!["a,b", "c"]
        );
        assert_eq!(csv_fields("\"a\"\"b\"").unwrap_or_default(), vec!["a\"b"]);
        assert!(csv_fields("a\"b").is_err());
        assert!(csv_fields("\"ab").is_err());
        assert!(csv_fields("\"a\"b").is_err());
    }

    #[test]
    fn mounts() {
        assert!(check_mount("type=cache,target=/root/.cache,sharing=locked").is_ok());
        assert!(check_mount("type=secret,id=npmrc,target=/root/.npmrc,required").is_ok());
        assert!(check_mount("type=bind,from=build,source=/out,target=/in,rw").is_ok());
        assert!(check_mount("type=tmpfs,target=/tmp,size=64m").is_ok());
        assert!(check_mount("type=ssh").is_ok());
        assert!(check_mount("type=$T,target=/x,uid=1").is_ok());
        assert!(
            check_mount("type=bogus")
                .unwrap_err()
                .contains("unsupported mount type \"bogus\"")
        );
        assert!(check_mount("type=secret").is_err());
        assert!(check_mount("type=secret,id=a,source=b").is_err());
        assert!(check_mount("type=bind,target=/x,uid=1").is_err());
        assert!(check_mount("type=cache,target=/x,sharing=weird").is_err());
        assert!(check_mount("type=bind,target=/x,sharing=locked").is_err());
        assert!(check_mount("type=bind,target=/x,size=1g").is_err());
        assert!(check_mount("type=cache,target=/x,mode=0799").is_err());
        assert!(check_mount("type=cache,target=/x,mode=0755").is_ok());
        assert!(check_mount("target=/x,bogus=1").is_err());
        assert!(check_mount("target=/x,bogus").is_err());
        assert!(check_mount("from=$STAGE,target=/x").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration("30s"), Some(30e9));
        assert_eq!(go_duration("1m30s"), Some(90e9));
        assert_eq!(go_duration("1.5h"), Some(5400e9));
        assert_eq!(go_duration("0"), Some(0.0));
        assert_eq!(go_duration("10"), None);
        assert_eq!(go_duration("5x"), None);
        assert!(check_interval("interval", "0s").is_ok());
        assert!(check_interval("interval", "100us").is_err());
        assert!(check_interval("interval", "-5s").is_err());
        assert!(check_retries("3").is_ok());
        assert!(check_retries("-1").is_err());
        assert!(check_retries("x").is_err());
    }
}
