//! PowerShell command extraction (Windows PowerShell 5.1 and pwsh 7).
//!
//! Statements are commands (argument mode) or expressions (expression mode). Commands are
//! emitted with their arguments; expression statements are emitted as one word holding the raw
//! statement text (at statement level only, not inside grouping parentheses). Commands nested
//! in `( )`, `$( )`, `@( )`, `{ }` and in the parentheses and blocks of `if`, `foreach`,
//! `try`, … are extracted one level deeper.

use super::{Command, Connector, Cursor, Dialect, MAX_LEVEL, Tok, emit};

pub(super) fn parse(src: &str, depth: u32, level: u32, out: &mut Vec<Command>) {
    let mut p = Ps {
        c: Cursor::new(src),
        level,
        out,
        expr_end: 0,
    };
    p.statements(depth, None, true);
}

struct Ps<'a, 'o> {
    c: Cursor<'a>,
    level: u32,
    out: &'o mut Vec<Command>,
    /// End of the last significant character seen by `scan_expression`.
    expr_end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Command,
    Expr,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    End,
    Assign,
}

const KEYWORDS: &[&str] = &[
    "if",
    "elseif",
    "else",
    "switch",
    "foreach",
    "for",
    "while",
    "do",
    "until",
    "try",
    "catch",
    "finally",
    "trap",
    "function",
    "filter",
    "workflow",
    "return",
    "throw",
    "exit",
    "break",
    "continue",
    "param",
    "begin",
    "process",
    "end",
    "dynamicparam",
    "clean",
    "data",
    "class",
    "enum",
    "using",
];

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0c)
}

/// Character produced by a backtick escape.
fn escaped(b: char) -> char {
    match b {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        other => other,
    }
}

impl Ps<'_, '_> {
    // ---- whitespace and comments ----------------------------------------------------------

    /// Blanks, backtick line continuations and comments on the current line.
    fn skip_inline(&mut self) {
        loop {
            match self.c.peek() {
                Some(b) if is_ws(b) => self.c.pos += 1,
                Some(b'`') if self.c.at(1) == Some(b'\n') => self.c.pos += 2,
                Some(b'`') if self.c.at(1) == Some(b'\r') && self.c.at(2) == Some(b'\n') => {
                    self.c.pos += 3
                }
                Some(b'<') if self.c.at(1) == Some(b'#') => self.block_comment(),
                Some(b'#') => self.c.skip_to_eol(),
                Some(0xC2) if self.c.at(1) == Some(0xA0) => self.c.pos += 2,
                _ => return,
            }
        }
    }

    /// Like `skip_inline`, also over newlines.
    fn skip_ws_nl(&mut self) {
        loop {
            self.skip_inline();
            if self.c.peek() == Some(b'\n') {
                self.c.pos += 1;
            } else {
                return;
            }
        }
    }

    fn block_comment(&mut self) {
        self.c.pos += 2;
        while !self.c.eof() {
            if self.c.starts_with("#>") {
                self.c.pos += 2;
                return;
            }
            self.c.bump();
        }
    }

    // ---- statements -----------------------------------------------------------------------

    fn statements(&mut self, depth: u32, closer: Option<u8>, emit_expr: bool) {
        let mut pending = Some(Connector::Start);
        loop {
            self.skip_inline();
            let Some(b) = self.c.peek() else { return };
            match b {
                b'\n' | b';' => {
                    self.c.pos += 1;
                    if pending.is_none() {
                        pending = Some(Connector::Seq);
                    }
                }
                b')' | b'}' => {
                    self.c.pos += 1;
                    if Some(b) == closer {
                        return;
                    }
                }
                b'&' if self.c.at(1) == Some(b'&') => {
                    self.c.pos += 2;
                    pending = Some(Connector::And);
                }
                b'|' if self.c.at(1) == Some(b'|') => {
                    self.c.pos += 2;
                    pending = Some(Connector::Or);
                }
                b'|' => {
                    self.c.pos += 1;
                    pending = Some(Connector::Pipe);
                }
                b'&' if pending.is_none() => {
                    self.c.pos += 1;
                    pending = Some(Connector::Background);
                }
                _ => {
                    let conn = pending.take().unwrap_or(Connector::Seq);
                    let before = self.c.pos;
                    self.pipeline(depth, emit_expr, conn);
                    if self.c.pos == before {
                        self.c.bump();
                    }
                }
            }
        }
    }

    /// A nested statement list after its opening character; returns after `closer`.
    fn block(&mut self, depth: u32, closer: u8, emit_expr: bool) {
        if self.level + 1 >= MAX_LEVEL {
            self.skip_balanced(1);
            return;
        }
        self.level += 1;
        self.statements(depth, Some(closer), emit_expr);
        self.level -= 1;
    }

    fn pipeline(&mut self, depth: u32, emit_expr: bool, conn: Connector) {
        let mut conn = conn;
        let mut first = true;
        loop {
            self.skip_inline();
            if first {
                if let Some(kw) = self.keyword() {
                    self.keyword_statement(kw, depth, conn);
                    return;
                }
                if self.c.peek() == Some(b':')
                    && self.c.at(1).is_some_and(|b| b.is_ascii_alphabetic())
                {
                    // loop label `:outer foreach (…)`
                    while self.c.peek().is_some_and(|b| !is_ws(b) && b != b'\n') {
                        self.c.bump();
                    }
                    continue;
                }
            }
            match self.element_kind() {
                Kind::Command => self.command(depth, conn),
                Kind::Expr => {
                    if self.expression_statement(depth, emit_expr, conn) {
                        return;
                    }
                }
                Kind::None => return,
            }
            first = false;
            self.skip_inline();
            if self.c.peek() == Some(b'|') && self.c.at(1) != Some(b'|') {
                self.c.pos += 1;
                self.skip_ws_nl();
                conn = Connector::Pipe;
                continue;
            }
            return;
        }
    }

    /// A statement keyword at the current position.
    fn keyword(&self) -> Option<&'static str> {
        let rest = self.c.src.get(self.c.pos..self.c.end)?;
        let len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let word = rest.get(..len)?;
        let next = rest.as_bytes().get(len).copied();
        if !matches!(
            next,
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'(' | b'{' | b';' | b'}' | b')')
        ) {
            return None;
        }
        KEYWORDS
            .iter()
            .copied()
            .find(|k| k.eq_ignore_ascii_case(word))
    }

    fn keyword_statement(&mut self, kw: &'static str, depth: u32, conn: Connector) {
        let inner = depth + 1;
        if matches!(kw, "return" | "throw" | "exit" | "break" | "continue") {
            self.command(depth, conn);
            return;
        }
        self.c.pos += kw.len();
        match kw {
            "if" | "elseif" | "while" | "until" | "for" | "foreach" | "switch" => {
                self.skip_ws_nl();
                while self.c.peek() == Some(b'-') {
                    // switch -Regex / -File x, foreach -Parallel
                    let opt_start = self.c.pos;
                    while self
                        .c
                        .peek()
                        .is_some_and(|b| !is_ws(b) && !matches!(b, b'\n' | b'(' | b'{'))
                    {
                        self.c.bump();
                    }
                    let opt = self.c.slice(opt_start, self.c.pos);
                    self.skip_inline();
                    if opt.eq_ignore_ascii_case("-file") {
                        let _ = self.arg_token(inner);
                        self.skip_inline();
                    }
                    if self.c.pos == opt_start {
                        break;
                    }
                }
                if self.c.peek() == Some(b'(') {
                    self.c.pos += 1;
                    if kw == "foreach" {
                        self.skip_inline();
                        if self.c.peek() == Some(b'$') {
                            while self
                                .c
                                .peek()
                                .is_some_and(|b| !is_ws(b) && !matches!(b, b'\n' | b')'))
                            {
                                self.c.bump();
                            }
                            self.skip_inline();
                            if self.c.starts_with_ci("in")
                                && self
                                    .c
                                    .at(2)
                                    .is_some_and(|b| is_ws(b) || b == b'(' || b == b'$')
                            {
                                self.c.pos += 2;
                            }
                        }
                    }
                    self.block(inner, b')', true);
                }
                self.skip_ws_nl();
                if self.c.peek() == Some(b'{') {
                    self.c.pos += 1;
                    if kw == "switch" {
                        self.switch_body(inner);
                    } else {
                        self.block(inner, b'}', true);
                    }
                }
            }
            "else" | "try" | "finally" | "do" | "begin" | "process" | "end" | "dynamicparam"
            | "clean" => {
                self.skip_ws_nl();
                if self.c.peek() == Some(b'{') {
                    self.c.pos += 1;
                    self.block(inner, b'}', true);
                }
            }
            "catch" | "trap" => {
                self.skip_ws_nl();
                while matches!(self.c.peek(), Some(b'[' | b',')) {
                    if self.c.peek() == Some(b'[') {
                        self.skip_brackets();
                    } else {
                        self.c.pos += 1;
                    }
                    self.skip_ws_nl();
                }
                if self.c.peek() == Some(b'{') {
                    self.c.pos += 1;
                    self.block(inner, b'}', true);
                }
            }
            "function" | "filter" | "workflow" => {
                self.skip_inline();
                while self
                    .c
                    .peek()
                    .is_some_and(|b| !is_ws(b) && !matches!(b, b'\n' | b'(' | b'{' | b';'))
                {
                    self.c.bump();
                }
                self.skip_ws_nl();
                if self.c.peek() == Some(b'(') {
                    self.c.pos += 1;
                    self.skip_balanced(1);
                    self.skip_ws_nl();
                }
                if self.c.peek() == Some(b'{') {
                    self.c.pos += 1;
                    self.block(inner, b'}', true);
                }
            }
            "param" => {
                self.skip_ws_nl();
                if self.c.peek() == Some(b'(') {
                    self.c.pos += 1;
                    self.skip_balanced(1);
                }
            }
            "class" | "enum" | "data" => {
                while let Some(b) = self.c.peek() {
                    if b == b'{' {
                        self.c.pos += 1;
                        self.skip_balanced(1);
                        break;
                    }
                    if b == b';' {
                        break;
                    }
                    self.c.bump();
                }
            }
            _ => {
                // using …
                while self.c.peek().is_some_and(|b| b != b'\n' && b != b';') {
                    self.c.bump();
                }
            }
        }
    }

    /// `switch (…) { pattern { … } default { … } }` after the `{`.
    fn switch_body(&mut self, depth: u32) {
        if self.level + 1 >= MAX_LEVEL {
            self.skip_balanced(1);
            return;
        }
        self.level += 1;
        loop {
            self.skip_ws_nl();
            let before = self.c.pos;
            match self.c.peek() {
                None => break,
                Some(b'}') => {
                    self.c.pos += 1;
                    break;
                }
                Some(b';') => {
                    self.c.pos += 1;
                    continue;
                }
                Some(b'{') => {
                    self.c.pos += 1;
                    self.block(depth, b'}', true);
                }
                _ => {
                    let _ = self.arg_token(depth);
                }
            }
            self.skip_ws_nl();
            if self.c.peek() == Some(b'{') {
                self.c.pos += 1;
                self.block(depth, b'}', true);
            }
            if self.c.pos == before {
                self.c.bump();
            }
        }
        self.level -= 1;
    }

    fn element_kind(&self) -> Kind {
        let Some(b) = self.c.peek() else {
            return Kind::None;
        };
        match b {
            b'\n' | b';' | b')' | b'}' | b'|' => Kind::None,
            b'&' => {
                if self.c.at(1) == Some(b'&') {
                    Kind::None
                } else {
                    Kind::Command
                }
            }
            b'.' => match self.c.at(1) {
                Some(d) if d.is_ascii_digit() => Kind::Expr,
                _ => Kind::Command,
            },
            b'%' | b'?' => match self.c.at(1) {
                None | Some(b' ' | b'\t' | b'{' | b'\n' | b'\r') => Kind::Command,
                _ => Kind::Expr,
            },
            b'0'..=b'9' => {
                if self.is_number() {
                    Kind::Expr
                } else {
                    Kind::Command
                }
            }
            b'\\' | b'/' | b'~' | b'`' | b'_' => Kind::Command,
            b if b.is_ascii_alphabetic() || b >= 0x80 => Kind::Command,
            _ => Kind::Expr,
        }
    }

    /// A number literal (`1`, `0x1F`, `1.5e3`, `10kb`, `1..3`) rather than a command like `7z`.
    fn is_number(&self) -> bool {
        let mut i = 0;
        if self.c.peek() == Some(b'0') && matches!(self.c.at(1), Some(b'x' | b'X')) {
            i = 2;
            while self.c.at(i).is_some_and(|b| b.is_ascii_hexdigit()) {
                i += 1;
            }
        } else {
            while self.c.at(i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            if self.c.at(i) == Some(b'.') && self.c.at(i + 1).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
                while self.c.at(i).is_some_and(|b| b.is_ascii_digit()) {
                    i += 1;
                }
            }
            if matches!(self.c.at(i), Some(b'e' | b'E')) {
                let mut j = i + 1;
                if matches!(self.c.at(j), Some(b'+' | b'-')) {
                    j += 1;
                }
                if self.c.at(j).is_some_and(|b| b.is_ascii_digit()) {
                    i = j;
                    while self.c.at(i).is_some_and(|b| b.is_ascii_digit()) {
                        i += 1;
                    }
                }
            }
        }
        let mut suffix = String::new();
        while let Some(b) = self
            .c
            .at(i)
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            suffix.push(char::from(b.to_ascii_lowercase()));
            i += 1;
        }
        matches!(
            suffix.as_str(),
            "" | "l"
                | "d"
                | "u"
                | "ul"
                | "y"
                | "uy"
                | "s"
                | "us"
                | "n"
                | "kb"
                | "mb"
                | "gb"
                | "tb"
                | "pb"
                | "lkb"
                | "lmb"
                | "lgb"
                | "dkb"
                | "dmb"
                | "dgb"
        )
    }

    // ---- commands -------------------------------------------------------------------------

    fn command(&mut self, depth: u32, conn: Connector) {
        let start = self.c.pos;
        let mut last_end = start;
        let mut toks: Vec<Tok> = Vec::new();
        match self.c.peek() {
            Some(b'&') => self.c.pos += 1,
            Some(b'.') if self.c.at(1).is_some_and(is_ws) => self.c.pos += 1,
            _ => {}
        }
        loop {
            self.skip_inline();
            let Some(b) = self.c.peek() else { break };
            match b {
                b'\n' | b';' | b')' | b'}' | b'|' | b'&' => break,
                b',' => {
                    self.c.pos += 1;
                    continue;
                }
                _ => {}
            }
            if self.redirect(depth) {
                last_end = self.c.pos;
                continue;
            }
            if self.c.starts_with("--%") && self.c.at(3).is_none_or(|b| is_ws(b) || b == b'\n') {
                self.c.pos += 3;
                self.stop_parsing(&mut toks, &mut last_end);
                break;
            }
            let before = self.c.pos;
            let t = self.arg_token(depth);
            if self.c.pos == before {
                self.c.bump();
                continue;
            }
            last_end = t.end;
            toks.push(t);
        }
        if toks.is_empty() {
            return;
        }
        emit(
            self.c.src,
            Dialect::PowerShell,
            self.level,
            &toks,
            start..last_end,
            conn,
            depth,
            self.out,
        );
    }

    /// After `--%`: the rest of the line is passed verbatim, split at blanks.
    fn stop_parsing(&mut self, toks: &mut Vec<Tok>, last_end: &mut usize) {
        loop {
            while self.c.peek().is_some_and(is_ws) {
                self.c.pos += 1;
            }
            match self.c.peek() {
                None | Some(b'\n' | b'|') => return,
                _ => {}
            }
            let mut t = Tok::new(self.c.pos);
            while self
                .c
                .peek()
                .is_some_and(|b| !is_ws(b) && b != b'\n' && b != b'|')
            {
                self.c.take(&mut t);
            }
            t.end = self.c.pos;
            *last_end = t.end;
            toks.push(t);
        }
    }

    /// `> f`, `>> f`, `2>&1`, `*> $null`, `< f`: dropped with their target.
    fn redirect(&mut self, depth: u32) -> bool {
        let i = match self.c.peek() {
            Some(b'1'..=b'6' | b'*') if self.c.at(1) == Some(b'>') => 1,
            Some(b'>') => 0,
            Some(b'<') if self.c.at(1) != Some(b'#') => 0,
            _ => return false,
        };
        self.c.pos += i + 1;
        if self.c.peek() == Some(b'>') {
            self.c.pos += 1;
        }
        if self.c.peek() == Some(b'&') && self.c.at(1).is_some_and(|b| matches!(b, b'1'..=b'6')) {
            self.c.pos += 2;
            return true;
        }
        self.skip_inline();
        match self.c.peek() {
            None | Some(b'\n' | b';' | b')' | b'}' | b'|' | b'&') => {}
            _ => {
                let _ = self.arg_token(depth);
            }
        }
        true
    }

    /// One argument-mode token: a bareword, quoted strings, `$var`, `$( )`, `( )`, `{ }`, `@{ }`,
    /// `[type]` and here-strings, concatenated until a blank or an operator.
    fn arg_token(&mut self, depth: u32) -> Tok {
        let src = self.c.src;
        let mut t = Tok::new(self.c.pos);
        t.quoted_start = matches!(self.c.peek(), Some(b'\'' | b'"'));
        if self.c.peek() == Some(b'@')
            && matches!(self.c.at(1), Some(b'"' | b'\''))
            && self.here_string_start()
        {
            t.quoted_start = true;
            self.here_string(&mut t, depth);
            t.end = self.c.pos;
            return t;
        }
        while let Some(b) = self.c.peek() {
            match b {
                b if is_ws(b) => break,
                b'\n' | b';' | b'|' | b'&' | b')' | b'}' | b',' | b'>' | b'<' => break,
                b'`' => match self.c.at(1) {
                    Some(b'\n') => break,
                    Some(b'\r') if self.c.at(2) == Some(b'\n') => break,
                    Some(_) => {
                        let s = self.c.pos;
                        self.c.pos += 1;
                        if let Some(ch) = self.c.bump() {
                            t.push(escaped(ch), s, self.c.pos);
                        }
                        t.quoted = true;
                    }
                    None => self.c.take(&mut t),
                },
                b'\'' => self.single_quoted(&mut t),
                b'"' => self.double_quoted(&mut t, depth),
                b'$' | b'@' if self.c.at(1) == Some(b'(') => {
                    let s = self.c.pos;
                    self.c.pos += 2;
                    self.block(depth + 1, b')', false);
                    t.push_src(src, s, self.c.pos);
                }
                b'$' if self.c.at(1) == Some(b'{') => {
                    let s = self.c.pos;
                    self.c.pos += 1;
                    self.skip_var_braces();
                    t.push_src(src, s, self.c.pos);
                }
                b'@' if self.c.at(1) == Some(b'{') => {
                    let s = self.c.pos;
                    self.c.pos += 2;
                    self.hashtable(depth);
                    t.push_src(src, s, self.c.pos);
                }
                b'(' => {
                    let s = self.c.pos;
                    self.c.pos += 1;
                    self.block(depth + 1, b')', false);
                    t.push_src(src, s, self.c.pos);
                }
                b'{' => {
                    let s = self.c.pos;
                    self.c.pos += 1;
                    self.block(depth + 1, b'}', true);
                    t.push_src(src, s, self.c.pos);
                }
                b'[' => {
                    let s = self.c.pos;
                    self.skip_brackets();
                    t.push_src(src, s, self.c.pos);
                }
                _ => self.c.take(&mut t),
            }
        }
        t.end = self.c.pos;
        t
    }

    fn single_quoted(&mut self, t: &mut Tok) {
        self.c.pos += 1;
        t.quoted = true;
        while let Some(b) = self.c.peek() {
            if b == b'\'' {
                if self.c.at(1) == Some(b'\'') {
                    let s = self.c.pos;
                    self.c.pos += 2;
                    t.push('\'', s, self.c.pos);
                    continue;
                }
                self.c.pos += 1;
                return;
            }
            self.c.take(t);
        }
    }

    fn double_quoted(&mut self, t: &mut Tok, depth: u32) {
        let src = self.c.src;
        self.c.pos += 1;
        t.quoted = true;
        while let Some(b) = self.c.peek() {
            match b {
                b'"' => {
                    if self.c.at(1) == Some(b'"') {
                        let s = self.c.pos;
                        self.c.pos += 2;
                        t.push('"', s, self.c.pos);
                        continue;
                    }
                    self.c.pos += 1;
                    return;
                }
                b'`' if self.c.at(1).is_some() => {
                    let s = self.c.pos;
                    self.c.pos += 1;
                    if let Some(ch) = self.c.bump() {
                        t.push(escaped(ch), s, self.c.pos);
                    }
                }
                b'$' if self.c.at(1) == Some(b'(') => {
                    let s = self.c.pos;
                    self.c.pos += 2;
                    self.block(depth + 1, b')', false);
                    t.push_src(src, s, self.c.pos);
                }
                _ => self.c.take(t),
            }
        }
    }

    /// `@"` / `@'` followed by blanks and a newline.
    fn here_string_start(&self) -> bool {
        let mut i = 2;
        while self
            .c
            .at(i)
            .is_some_and(|b| b == b' ' || b == b'\t' || b == b'\r')
        {
            i += 1;
        }
        self.c.at(i) == Some(b'\n')
    }

    /// A here-string; its text is the lines between the opening line and the `"@`/`'@` line.
    fn here_string(&mut self, t: &mut Tok, depth: u32) {
        let src = self.c.src;
        let expandable = self.c.at(1) == Some(b'"');
        let term = if expandable { "\"@" } else { "'@" };
        self.c.skip_to_eol();
        self.c.pos += 1;
        let content_start = self.c.pos;
        let mut content_end = self.c.end;
        let mut after = self.c.end;
        loop {
            if self.c.starts_with(term) {
                let mut e = self.c.pos.saturating_sub(1).max(content_start);
                if e > content_start && self.c.src.as_bytes().get(e - 1) == Some(&b'\r') {
                    e -= 1;
                }
                content_end = e;
                after = self.c.pos + 2;
                break;
            }
            self.c.skip_to_eol();
            if self.c.peek() == Some(b'\n') {
                self.c.pos += 1;
            } else {
                break;
            }
        }
        t.quoted = true;
        if expandable {
            let saved_end = self.c.end;
            self.c.pos = content_start;
            self.c.end = content_end;
            while let Some(b) = self.c.peek() {
                match b {
                    b'`' if self.c.at(1).is_some() => {
                        let s = self.c.pos;
                        self.c.pos += 1;
                        if let Some(ch) = self.c.bump() {
                            t.push(escaped(ch), s, self.c.pos);
                        }
                    }
                    b'$' if self.c.at(1) == Some(b'(') => {
                        let s = self.c.pos;
                        self.c.pos += 2;
                        self.block(depth + 1, b')', false);
                        t.push_src(src, s, self.c.pos);
                    }
                    _ => self.c.take(t),
                }
            }
            self.c.end = saved_end;
        } else {
            t.push_src(src, content_start, content_end);
        }
        self.c.pos = after.min(self.c.end);
    }

    // ---- expressions ----------------------------------------------------------------------

    /// An expression statement (pipeline head). Returns true when an assignment's right-hand
    /// side was a pipeline of commands (already parsed, including any `|` that follows).
    fn expression_statement(&mut self, depth: u32, emit_expr: bool, conn: Connector) -> bool {
        let start = self.c.pos;
        self.expr_end = start;
        loop {
            if self.scan_expression(depth) != Stop::Assign {
                break;
            }
            self.c.pos += 1;
            self.expr_end = self.c.pos;
            self.skip_ws_nl();
            if self.keyword().is_some() || self.element_kind() == Kind::Command {
                // `$r = Invoke-WebRequest …`: the right-hand side is a statement of its own.
                if self.level + 1 >= MAX_LEVEL {
                    continue;
                }
                self.level += 1;
                self.pipeline(depth, emit_expr, conn);
                self.level -= 1;
                return true;
            }
        }
        let end = self.expr_end.max(start);
        if emit_expr && end > start {
            let mut t = Tok::new(start);
            t.push_src(self.c.src, start, end);
            t.end = end;
            emit(
                self.c.src,
                Dialect::PowerShell,
                self.level,
                &[t],
                start..end,
                conn,
                depth,
                self.out,
            );
        }
        false
    }

    /// Scans an expression up to a statement end, a pipe, a chain operator or `=`.
    fn scan_expression(&mut self, depth: u32) -> Stop {
        let mut scratch = Tok::new(self.c.pos);
        let mut token_start = true;
        while let Some(b) = self.c.peek() {
            match b {
                b if is_ws(b) => {
                    self.c.pos += 1;
                    token_start = true;
                    continue;
                }
                b'`' if self.c.at(1) == Some(b'\n') => {
                    self.c.pos += 2;
                    token_start = true;
                    continue;
                }
                b'`' if self.c.at(1) == Some(b'\r') && self.c.at(2) == Some(b'\n') => {
                    self.c.pos += 3;
                    token_start = true;
                    continue;
                }
                b'\n' | b';' | b')' | b'}' | b'|' | b'&' => return Stop::End,
                b'=' => return Stop::Assign,
                b'#' if token_start => {
                    self.c.skip_to_eol();
                    continue;
                }
                b'<' if self.c.at(1) == Some(b'#') => {
                    self.block_comment();
                    token_start = true;
                    continue;
                }
                b'`' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'\'' => self.single_quoted(&mut scratch),
                b'"' => self.double_quoted(&mut scratch, depth),
                b'@' if matches!(self.c.at(1), Some(b'"' | b'\'')) && self.here_string_start() => {
                    self.here_string(&mut scratch, depth);
                }
                b'@' | b'$' if self.c.at(1) == Some(b'(') => {
                    self.c.pos += 2;
                    self.block(depth + 1, b')', false);
                }
                b'@' if self.c.at(1) == Some(b'{') => {
                    self.c.pos += 2;
                    self.hashtable(depth);
                }
                b'$' if self.c.at(1) == Some(b'{') => {
                    self.c.pos += 1;
                    self.skip_var_braces();
                }
                b'(' => {
                    self.c.pos += 1;
                    self.block(depth + 1, b')', false);
                }
                b'{' => {
                    self.c.pos += 1;
                    self.block(depth + 1, b'}', true);
                }
                b'[' => self.skip_brackets(),
                b',' => {
                    self.c.pos += 1;
                    self.expr_end = self.c.pos;
                    self.skip_ws_nl();
                    token_start = true;
                    continue;
                }
                _ => {
                    self.c.bump();
                }
            }
            scratch.text.clear();
            scratch.map.clear();
            token_start = false;
            self.expr_end = self.c.pos;
        }
        Stop::End
    }

    /// `@{ key = value; … }` after `@{`.
    fn hashtable(&mut self, depth: u32) {
        if self.level + 1 >= MAX_LEVEL {
            self.skip_balanced(1);
            return;
        }
        self.level += 1;
        let mut scratch = Tok::new(self.c.pos);
        loop {
            self.skip_ws_nl();
            let before = self.c.pos;
            match self.c.peek() {
                None => break,
                Some(b'}') => {
                    self.c.pos += 1;
                    break;
                }
                Some(b';') => {
                    self.c.pos += 1;
                    continue;
                }
                Some(b'\'') => self.single_quoted(&mut scratch),
                Some(b'"') => self.double_quoted(&mut scratch, depth),
                _ => {
                    while self
                        .c
                        .peek()
                        .is_some_and(|b| !is_ws(b) && !matches!(b, b'=' | b';' | b'}' | b'\n'))
                    {
                        self.c.bump();
                    }
                }
            }
            self.skip_inline();
            if self.c.peek() == Some(b'=') {
                self.c.pos += 1;
                self.skip_ws_nl();
                if self.scan_expression(depth) == Stop::Assign {
                    self.c.pos += 1;
                }
            }
            if self.c.pos == before {
                self.c.bump();
            }
        }
        self.level -= 1;
    }

    // ---- skipping -------------------------------------------------------------------------

    /// Skips `[ … ]` (type literals, indexes, attributes) starting at `[`.
    fn skip_brackets(&mut self) {
        let mut open = 0usize;
        while let Some(b) = self.c.peek() {
            match b {
                b'[' => {
                    open += 1;
                    self.c.pos += 1;
                }
                b']' => {
                    self.c.pos += 1;
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return;
                    }
                }
                b'\'' | b'"' => self.skip_string_raw(b),
                b'\n' => return,
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    /// Skips `${ … }` starting at `{`.
    fn skip_var_braces(&mut self) {
        self.c.pos += 1;
        while let Some(b) = self.c.peek() {
            match b {
                b'`' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'}' => {
                    self.c.pos += 1;
                    return;
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    fn skip_string_raw(&mut self, q: u8) {
        self.c.pos += 1;
        while let Some(b) = self.c.peek() {
            if b == b'`' && q == b'"' {
                self.c.pos += 1;
                self.c.bump();
                continue;
            }
            self.c.pos += 1;
            if b == q {
                if self.c.peek() == Some(q) {
                    self.c.pos += 1;
                    continue;
                }
                return;
            }
            if b >= 0x80 {
                // Step back and advance over the whole character.
                self.c.pos -= 1;
                self.c.bump();
            }
        }
    }

    /// Skips until `open` unmatched `(`/`{`/`[` are closed, without extracting anything.
    fn skip_balanced(&mut self, mut open: usize) {
        while let Some(b) = self.c.peek() {
            match b {
                b'(' | b'{' | b'[' => {
                    open += 1;
                    self.c.pos += 1;
                }
                b')' | b'}' | b']' => {
                    self.c.pos += 1;
                    open -= 1;
                    if open == 0 {
                        return;
                    }
                }
                b'\'' | b'"' => self.skip_string_raw(b),
                b'`' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'#' => self.c.skip_to_eol(),
                _ => {
                    self.c.bump();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Preference variables

/// Whether `text` assigns `$<var> = <value>` (scope prefixes like `$global:` allowed; value
/// quoted or bare or `[System.Management.Automation.ActionPreference]::<value>`).
fn assigns_pref(text: &str, var: &str, values: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(var)) {
        let at = from + i;
        from = at + var.len();
        let before = lower.get(..at).unwrap_or("");
        let ok_prefix = before.ends_with('$')
            || before.ends_with("$global:")
            || before.ends_with("$script:")
            || before.ends_with("${");
        if !ok_prefix {
            continue;
        }
        let rest = lower
            .get(from..)
            .unwrap_or("")
            .trim_start_matches('}')
            .trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix("[system.management.automation.actionpreference]::")
            .unwrap_or(rest);
        let rest = rest
            .strip_prefix("[management.automation.actionpreference]::")
            .unwrap_or(rest);
        let rest = rest.trim_start_matches(['\'', '"', '\\']);
        let val: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if values.contains(&val.as_str()) {
            return true;
        }
    }
    false
}

/// `$ErrorActionPreference = 'Stop'` somewhere in `text` (a SHELL's argv or a script).
pub fn sets_error_action_stop(text: &str) -> bool {
    assigns_pref(text, "erroractionpreference", &["stop"])
}

/// `$ProgressPreference = 'SilentlyContinue'` (or `'Ignore'`) somewhere in `text`.
pub fn sets_progress_silent(text: &str) -> bool {
    assigns_pref(text, "progresspreference", &["silentlycontinue", "ignore"])
}
