//! From one logical line to an [`Instruction`]: command split, flags, per-command argument
//! parsing (`line_parsers.go`) and the checks of BuildKit's instruction layer
//! (`instructions/parse.go`) that can be made without a build context.

use super::flags;
use super::json::{JsonArray, parse_json_array};
use super::split::{RawFlag, is_re_ws, parse_words, split_command, trim_range, ws_split};
use super::sub_logical;
use crate::dockerfile::expand::unquote;
use crate::dockerfile::model::*;
use crate::source::Span;

/// Problems found while building an instruction.
pub(super) struct Diags<'a> {
    pub out: &'a mut Vec<ParseDiagnostic>,
}

impl Diags<'_> {
    pub fn df100(&mut self, message: impl Into<String>, span: Span) {
        self.out.push(ParseDiagnostic {
            rule: ParseRule::Df100,
            message: message.into(),
            span,
        });
    }
}

/// An instruction plus what the heredoc pass needs to know.
pub(super) struct Built {
    pub inst: Instruction,
    /// BuildKit's `json` attribute (exec form / JSON list).
    pub json: bool,
}

fn empty_instruction(
    kind: InstructionKind,
    keyword: String,
    keyword_span: Span,
    span: Span,
) -> Instruction {
    Instruction {
        kind,
        keyword,
        keyword_span,
        span,
        full_span: span,
        flags: Vec::new(),
        args: Logical::default(),
        words: Vec::new(),
        pairs: Vec::new(),
        form: Form::None,
        json_fallback: None,
        heredocs: Vec::new(),
        onbuild: None,
        leading_comments: Vec::new(),
        empty_continuation_lines: Vec::new(),
    }
}

fn convert_flag(l: &Logical, f: &RawFlag) -> Flag {
    let span = l.span(f.start, f.end);
    // The processed text always starts with `--` (the raw word starts with two dashes).
    let eq = f.text.find('=');
    let name_end_byte = eq.unwrap_or(f.text.len());
    let name = f.text.get(2..name_end_byte).unwrap_or("").to_string();
    let src_of = |byte: usize| f.map.iter().find(|(b, _, _)| *b == byte).copied();
    let name_span = {
        let first = src_of(2).filter(|_| name_end_byte > 2);
        let last = f
            .map
            .iter()
            .rev()
            .find(|(b, _, _)| *b < name_end_byte && *b >= 2)
            .copied();
        match (first, last) {
            (Some((_, s, _)), Some((_, _, e))) => l.span(s, e),
            _ => {
                let at = src_of(name_end_byte).map_or(f.end, |(_, s, _)| s);
                l.span(at, at)
            }
        }
    };
    let (value, value_span) = match eq {
        Some(i) => {
            let vstart = src_of(i).map_or(f.end, |(_, _, e)| e);
            (
                Some(f.text.get(i + 1..).unwrap_or("").to_string()),
                Some(l.span(vstart, f.end)),
            )
        }
        None => (None, None),
    };
    Flag {
        name,
        value,
        span,
        name_span,
        value_span,
    }
}

/// Which instructions expand their arguments in BuildKit (so a lexing error fails the build).
fn expands(kind: InstructionKind) -> bool {
    use InstructionKind as K;
    matches!(
        kind,
        K::Add
            | K::Copy
            | K::Env
            | K::Expose
            | K::From
            | K::Label
            | K::Stopsignal
            | K::User
            | K::Volume
            | K::Workdir
            | K::Arg
    )
}

struct Ctx<'a, 'b> {
    l: &'a Logical,
    escape: char,
    kind: InstructionKind,
    d: &'a mut Diags<'b>,
    /// A word lexing error was already reported for this instruction.
    lex_reported: bool,
}

impl Ctx<'_, '_> {
    fn text(&self, a: usize, b: usize) -> &str {
        self.l.text.get(a..b).unwrap_or("")
    }

    /// Quote removal (variables kept); a lexing error is reported for expanding instructions.
    fn unquoted(&mut self, a: usize, b: usize) -> String {
        let raw = self.text(a, b).to_string();
        match unquote(&raw, self.escape) {
            Ok(s) => s,
            Err(e) => {
                if expands(self.kind) && !self.lex_reported {
                    self.lex_reported = true;
                    let span = self.l.span(a, b);
                    let split_kind = matches!(
                        self.kind,
                        InstructionKind::Add
                            | InstructionKind::Copy
                            | InstructionKind::Volume
                            | InstructionKind::From
                            | InstructionKind::Expose
                    );
                    let hint = if split_kind && e.contains("matching") {
                        format!(
                            " ({} arguments are split at whitespace before quotes are removed; use the JSON form for paths with spaces)",
                            self.kind.as_str()
                        )
                    } else {
                        String::new()
                    };
                    self.d
                        .df100(format!("failed to process \"{raw}\": {e}{hint}"), span);
                }
                raw
            }
        }
    }

    fn word(&mut self, a: usize, b: usize) -> Word {
        Word {
            text: self.unquoted(a, b),
            span: self.l.span(a, b),
        }
    }
}

/// Parses one logical line. `depth` is 0 for top-level instructions and 1 for an ONBUILD
/// trigger (which is not parsed further if it is itself an ONBUILD).
pub(super) fn build(l: &Logical, escape: char, d: &mut Diags<'_>, depth: usize) -> Built {
    let cs = split_command(&l.text, escape);
    let keyword = l.text.get(cs.kw_start..cs.kw_end).unwrap_or("").to_string();
    let kind = InstructionKind::from_keyword(&keyword);
    let keyword_span = l.span(cs.kw_start, cs.kw_end);
    let span = l.span(cs.kw_start, l.text.len());
    let mut inst = empty_instruction(kind, keyword.clone(), keyword_span, span);
    inst.flags = cs.flags.iter().map(|f| convert_flag(l, f)).collect();
    inst.args = sub_logical(l, cs.args_start, cs.args_end);
    let (a0, a1) = (cs.args_start, cs.args_end);
    let args_span = l.span(a0, a1);
    let mut ctx = Ctx {
        l,
        escape,
        kind,
        d,
        lex_reported: false,
    };
    let mut json = false;
    let mut healthcheck_none = false;
    use InstructionKind as K;
    match kind {
        K::Add | K::Copy | K::Volume => {
            let (words, is_json, fb) = maybe_json_list(&mut ctx, a0, a1);
            inst.words = words;
            inst.json_fallback = fb;
            json = is_json;
            check_list(&mut ctx, &inst, keyword_span, args_span, is_json);
        }
        K::Run | K::Cmd | K::Entrypoint | K::Shell => {
            let (form, is_json, fb) = maybe_json(&mut ctx, a0, a1);
            inst.form = form;
            inst.json_fallback = fb;
            json = is_json;
            if kind == K::Shell {
                match &inst.form {
                    Form::Exec(w) if w.is_empty() => ctx
                        .d
                        .df100("SHELL requires at least one argument", args_span),
                    Form::Exec(_) => {}
                    _ if a0 == a1 => ctx
                        .d
                        .df100("SHELL requires at least one argument", keyword_span),
                    _ => ctx
                        .d
                        .df100("SHELL requires the arguments to be in JSON form", args_span),
                }
            }
        }
        K::Arg => {
            let ws = parse_words(&l.text, a0, a1, escape);
            if ws.is_empty() {
                ctx.d
                    .df100("ARG requires at least one argument", keyword_span);
            }
            for (s, e) in ws {
                let kv = key_value(&mut ctx, s, e);
                if kv.key.is_empty() {
                    ctx.d.df100("ARG names can not be blank", kv.span);
                }
                inst.pairs.push(kv);
            }
        }
        K::Env | K::Label => {
            inst.pairs = env_pairs(&mut ctx, a0, a1, keyword_span);
        }
        K::From | K::Expose => {
            for (s, e) in ws_split(&l.text, a0, a1) {
                let w = ctx.word(s, e);
                inst.words.push(w);
            }
            if kind == K::From {
                check_from(&mut ctx, &inst, keyword_span);
            } else if inst.words.is_empty() {
                ctx.d
                    .df100("EXPOSE requires at least one argument", keyword_span);
            }
        }
        K::Maintainer | K::Stopsignal | K::User | K::Workdir => {
            if a0 < a1 {
                let w = ctx.word(a0, a1);
                inst.words.push(w);
            } else {
                ctx.d.df100(
                    format!("{} requires exactly one argument", kind.as_str()),
                    keyword_span,
                );
            }
        }
        K::Healthcheck => {
            let (form, is_json, fb, none) = healthcheck(&mut ctx, &mut inst, a0, a1, keyword_span);
            inst.form = form;
            inst.json_fallback = fb;
            json = is_json;
            healthcheck_none = none;
        }
        K::Onbuild => {
            if a0 == a1 {
                ctx.d
                    .df100("ONBUILD requires at least one argument", keyword_span);
            } else {
                let sub_l = inst.args.clone();
                let sub_kw = split_command(&sub_l.text, escape);
                let trigger = sub_l
                    .text
                    .get(sub_kw.kw_start..sub_kw.kw_end)
                    .unwrap_or("")
                    .to_ascii_uppercase();
                let trigger_span = sub_l.span(sub_kw.kw_start, sub_kw.kw_end);
                match trigger.as_str() {
                    "ONBUILD" => ctx.d.df100(
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                        trigger_span,
                    ),
                    "MAINTAINER" | "FROM" => ctx.d.df100(
                        format!("{trigger} isn't allowed as an ONBUILD trigger"),
                        trigger_span,
                    ),
                    _ => {}
                }
                if depth == 0 {
                    let before = ctx.d.out.len();
                    let sub = build(&sub_l, escape, ctx.d, depth + 1);
                    // BuildKit checks a trigger only when a child image builds; say so.
                    for diag in ctx.d.out.iter_mut().skip(before) {
                        diag.message = format!("ONBUILD trigger: {}", diag.message);
                    }
                    json = sub.json;
                    let mut sub_inst = sub.inst;
                    sub_inst.span = Span::new(sub_inst.span.start, span.end);
                    sub_inst.full_span = sub_inst.span;
                    inst.onbuild = Some(Box::new(sub_inst));
                }
            }
        }
        K::Unknown => {
            let msg = if keyword.is_empty() {
                "empty instruction (a line continuation with nothing after it)".to_string()
            } else {
                format!("unknown instruction: {keyword}")
            };
            let s = if keyword.is_empty() {
                span
            } else {
                keyword_span
            };
            ctx.d.df100(msg, s);
        }
    }
    for (msg, s) in flags::validate(kind, &inst.flags, healthcheck_none) {
        ctx.d.df100(msg, s);
    }
    Built { inst, json }
}

/// `parseMaybeJSONToList` (ADD, COPY, VOLUME).
fn maybe_json_list(
    ctx: &mut Ctx<'_, '_>,
    a0: usize,
    a1: usize,
) -> (Vec<Word>, bool, Option<JsonFallback>) {
    let text = ctx.text(a0, a1).to_string();
    let mut fallback = None;
    match parse_json_array(&text) {
        JsonArray::Strings(items) => {
            let words = items
                .into_iter()
                .map(|s| Word {
                    text: s.value,
                    span: ctx.l.span(a0 + s.start, a0 + s.end),
                })
                .collect();
            return (words, true, None);
        }
        JsonArray::NotStrings => {
            ctx.d.df100(
                "when using JSON array syntax, arrays must be comprised of strings only",
                ctx.l.span(a0, a1),
            );
        }
        JsonArray::Invalid { reason, at } => {
            fallback = Some(JsonFallback {
                span: ctx.l.span(a0, a1),
                reason: with_position(&reason, &text, at),
            });
        }
        JsonArray::NotJson => {}
    }
    let mut words = Vec::new();
    for (s, e) in ws_split(&ctx.l.text, a0, a1) {
        let w = ctx.word(s, e);
        words.push(w);
    }
    (words, false, fallback)
}

fn with_position(reason: &str, text: &str, at: usize) -> String {
    let near: String = text.get(at..).unwrap_or("").chars().take(12).collect();
    if near.is_empty() {
        format!("{reason} (at the end)")
    } else {
        format!("{reason} (near `{near}`)")
    }
}

/// `parseMaybeJSON` (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD).
fn maybe_json(ctx: &mut Ctx<'_, '_>, a0: usize, a1: usize) -> (Form, bool, Option<JsonFallback>) {
    let text = ctx.text(a0, a1).to_string();
    let mut fallback = None;
    match parse_json_array(&text) {
        JsonArray::Strings(items) => {
            let words = items
                .into_iter()
                .map(|s| Word {
                    text: s.value,
                    span: ctx.l.span(a0 + s.start, a0 + s.end),
                })
                .collect();
            return (Form::Exec(words), true, None);
        }
        JsonArray::NotStrings => {
            ctx.d.df100(
                "when using JSON array syntax, arrays must be comprised of strings only",
                ctx.l.span(a0, a1),
            );
        }
        JsonArray::Invalid { reason, at } => {
            fallback = Some(JsonFallback {
                span: ctx.l.span(a0, a1),
                reason: with_position(&reason, &text, at),
            });
        }
        JsonArray::NotJson => {}
    }
    (Form::Shell(sub_logical(ctx.l, a0, a1)), false, fallback)
}

/// Argument-count checks of ADD / COPY / VOLUME.
fn check_list(ctx: &mut Ctx<'_, '_>, inst: &Instruction, kw: Span, args: Span, json: bool) {
    let name = inst.kind.as_str();
    match inst.kind {
        InstructionKind::Volume => {
            if inst.words.is_empty() {
                ctx.d.df100("VOLUME requires at least one argument", kw);
            }
            for w in &inst.words {
                if w.text.trim().is_empty() {
                    ctx.d
                        .df100("VOLUME specified can not be an empty string", w.span);
                }
            }
        }
        _ => {
            if inst.words.len() < 2 {
                let s = if inst.words.is_empty() { kw } else { args };
                ctx.d.df100(
                    format!("{name} requires at least two arguments, but only one was provided. Destination could not be determined"),
                    s,
                );
            } else if let Some(dest) = inst.words.last()
                && matches!(
                    super::heredoc::parse_heredoc_word(&if json {
                        dest.text.clone()
                    } else {
                        dest.span.slice_of_logical(ctx.l)
                    }),
                    Some(Ok(_))
                )
            {
                ctx.d.df100(
                    format!("{name} cannot accept a heredoc as a destination"),
                    dest.span,
                );
            }
        }
    }
}

fn check_from(ctx: &mut Ctx<'_, '_>, inst: &Instruction, kw: Span) {
    let n = inst.words.len();
    let raw = |i: usize| {
        inst.words
            .get(i)
            .map(|w| w.span.slice_of_logical(ctx.l))
            .unwrap_or_default()
    };
    if n == 3 && raw(1).eq_ignore_ascii_case("as") {
        let name = raw(2);
        let lower = name.to_lowercase();
        let mut chars = lower.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            });
        if !ok {
            let span = inst.words.get(2).map_or(kw, |w| w.span);
            ctx.d.df100(
                format!("invalid name for build stage: {name:?}, name can't start with a number or contain symbols"),
                span,
            );
        }
    } else if n != 1 {
        let span = if n == 0 {
            kw
        } else {
            inst.words
                .first()
                .map_or(kw, |w| w.span)
                .cover(inst.words.last().map_or(kw, |w| w.span))
        };
        ctx.d
            .df100("FROM requires either one or three arguments", span);
    }
}

trait LogicalSlice {
    fn slice_of_logical(&self, l: &Logical) -> String;
}

impl LogicalSlice for Span {
    /// The logical text under a file span produced from `l`.
    fn slice_of_logical(&self, l: &Logical) -> String {
        l.slice_file_span(*self).unwrap_or_default().to_string()
    }
}

/// `name[=value]` word of ARG (or `k=v` of ENV/LABEL).
fn key_value(ctx: &mut Ctx<'_, '_>, s: usize, e: usize) -> KeyValue {
    let raw = ctx.text(s, e).to_string();
    match raw.find('=') {
        Some(i) => {
            let key = ctx.unquoted(s, s + i);
            let value = ctx.unquoted(s + i + 1, e);
            KeyValue {
                key,
                value: Some(value),
                span: ctx.l.span(s, e),
                key_span: ctx.l.span(s, s + i),
                value_span: Some(ctx.l.span(s + i + 1, e)),
                legacy: false,
            }
        }
        None => {
            let key = ctx.unquoted(s, e);
            KeyValue {
                key,
                value: None,
                span: ctx.l.span(s, e),
                key_span: ctx.l.span(s, e),
                value_span: None,
                legacy: false,
            }
        }
    }
}

/// `parseNameVal` (ENV, LABEL) plus `parseKvps` checks.
fn env_pairs(ctx: &mut Ctx<'_, '_>, a0: usize, a1: usize, kw: Span) -> Vec<KeyValue> {
    let name = ctx.kind.as_str();
    let words = parse_words(&ctx.l.text, a0, a1, ctx.escape);
    let Some(&(f0, f1)) = words.first() else {
        ctx.d
            .df100(format!("{name} requires at least one argument"), kw);
        return Vec::new();
    };
    let mut out = Vec::new();
    if !ctx.text(f0, f1).contains('=') {
        // Legacy `ENV key value`: split the raw text at the first whitespace run.
        let text = ctx.text(a0, a1).to_string();
        let Some(ws) = text.find(is_re_ws) else {
            ctx.d.df100(
                format!("{name} must have two arguments"),
                ctx.l.span(a0, a1),
            );
            return out;
        };
        let mut v0 = a0 + ws;
        while ctx.text(v0, a1).starts_with(is_re_ws) {
            v0 += ctx.text(v0, a1).chars().next().map_or(1, char::len_utf8);
        }
        let key = ctx.unquoted(a0, a0 + ws);
        let value = ctx.unquoted(v0, a1);
        if key.is_empty() {
            ctx.d.df100(
                format!("{name} names can not be blank"),
                ctx.l.span(a0, a0 + ws),
            );
        }
        out.push(KeyValue {
            key,
            value: Some(value),
            span: ctx.l.span(a0, a1),
            key_span: ctx.l.span(a0, a0 + ws),
            value_span: Some(ctx.l.span(v0, a1)),
            legacy: true,
        });
        return out;
    }
    for (s, e) in words {
        let raw = ctx.text(s, e).to_string();
        if !raw.contains('=') {
            ctx.d.df100(
                format!("Syntax error - can't find = in {raw:?}. Must be of the form: name=value"),
                ctx.l.span(s, e),
            );
            continue;
        }
        let kv = key_value(ctx, s, e);
        if kv.key_span.is_empty() {
            ctx.d
                .df100(format!("{name} names can not be blank"), kv.span);
        }
        out.push(kv);
    }
    out
}

/// `parseHealthConfig` plus `parseHealthcheck` checks. Returns the CMD form, the JSON flag,
/// the fallback and whether the type is NONE.
fn healthcheck(
    ctx: &mut Ctx<'_, '_>,
    inst: &mut Instruction,
    a0: usize,
    a1: usize,
    kw: Span,
) -> (Form, bool, Option<JsonFallback>, bool) {
    let text = ctx.text(a0, a1).to_string();
    let sep = text
        .find(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
        .unwrap_or(text.len());
    if sep == 0 {
        ctx.d
            .df100("HEALTHCHECK requires at least one argument", kw);
        return (Form::None, false, None, false);
    }
    let mut next = sep;
    while text
        .get(next..)
        .and_then(|s| s.chars().next())
        .is_some_and(|c| c.is_ascii_whitespace() || c == '\u{b}')
    {
        next += 1;
    }
    let typ = text.get(..sep).unwrap_or("").to_string();
    inst.words.push(Word {
        text: typ.clone(),
        span: ctx.l.span(a0, a0 + sep),
    });
    let (c0, c1) = trim_range(&ctx.l.text, a0 + next, a1);
    let upper = typ.to_ascii_uppercase();
    if upper == "NONE" {
        if c0 < c1 {
            ctx.d
                .df100("HEALTHCHECK NONE takes no arguments", ctx.l.span(c0, c1));
        }
        return (Form::None, false, None, true);
    }
    let (form, json, fb) = if c0 < c1 {
        maybe_json(ctx, c0, c1)
    } else {
        (Form::None, false, None)
    };
    if upper == "CMD" {
        let empty = match &form {
            Form::Exec(w) => w.is_empty(),
            Form::Shell(l) => l.text.is_empty(),
            Form::None => true,
        };
        if empty {
            ctx.d
                .df100("Missing command after HEALTHCHECK CMD", ctx.l.span(a0, a1));
        }
    } else {
        ctx.d.df100(
            format!("Unknown type {typ:?} in HEALTHCHECK (try CMD)"),
            ctx.l.span(a0, a0 + sep),
        );
    }
    (form, json, fb, false)
}
