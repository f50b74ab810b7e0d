//! POSIX sh command extraction (with the bash extensions common in Dockerfiles: `[[ ]]`,
//! `$'…'`, `<( )`, `&>`, arrays, `function`).
//!
//! Compound commands (`if`, `for`, `while`, `case`, `{ }`, `( )`) are tracked with a frame
//! stack, so only command substitutions recurse.

use super::{Command, Connector, Cursor, Dialect, MAX_LEVEL, Tok, emit, is_assignment};

pub(super) fn parse(src: &str, depth: u32, level: u32, out: &mut Vec<Command>) {
    let mut p = Posix {
        c: Cursor::new(src),
        level,
        out,
        heredocs: Vec::new(),
    };
    p.list(depth, Closer::Eof);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closer {
    Eof,
    /// `$( … )` or `<( … )`: returns after the matching `)`.
    Paren,
    /// `` `…` ``: returns after the closing backtick.
    Backtick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    If,
    Loop,
    Brace,
    Paren,
    /// `pattern`: the next word starts a case item pattern.
    Case {
        pattern: bool,
    },
}

struct Posix<'a, 'o> {
    c: Cursor<'a>,
    level: u32,
    out: &'o mut Vec<Command>,
    /// Heredoc delimiters (and `<<-` tab stripping) whose bodies start after the next newline.
    heredocs: Vec<(String, bool)>,
}

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "select", "case",
    "esac", "function", "time", "coproc", "{", "}", "!", "[[",
];

fn is_delim(b: Option<u8>) -> bool {
    matches!(
        b,
        None | Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>')
    )
}

fn depth_with(depth: u32, frames: &[Frame]) -> u32 {
    depth.saturating_add(u32::try_from(frames.len()).unwrap_or(u32::MAX))
}

fn pop_to(frames: &mut Vec<Frame>, pred: impl Fn(&Frame) -> bool) {
    if let Some(i) = frames.iter().rposition(pred) {
        frames.truncate(i);
    }
}

impl Posix<'_, '_> {
    /// Spaces, tabs, carriage returns and backslash-newline continuations.
    fn skip_blanks(&mut self) {
        loop {
            match self.c.peek() {
                Some(b' ' | b'\t' | b'\r') => self.c.pos += 1,
                Some(b'\\') if self.c.at(1) == Some(b'\n') => self.c.pos += 2,
                Some(b'\\') if self.c.at(1) == Some(b'\r') && self.c.at(2) == Some(b'\n') => {
                    self.c.pos += 3
                }
                _ => return,
            }
        }
    }

    fn list(&mut self, depth: u32, closer: Closer) {
        let mut frames: Vec<Frame> = Vec::new();
        let mut pending = Some(Connector::Start);
        loop {
            self.skip_blanks();
            let Some(b) = self.c.peek() else { return };
            if matches!(frames.last(), Some(Frame::Case { pattern: true }))
                && !matches!(b, b'\n' | b';' | b'#')
            {
                let d = depth_with(depth, &frames);
                pending = if self.case_pattern(&mut frames, d) {
                    None
                } else {
                    Some(Connector::Start)
                };
                continue;
            }
            let d = depth_with(depth, &frames);
            match b {
                b'\n' => {
                    self.c.pos += 1;
                    self.read_heredocs();
                    if pending.is_none() {
                        pending = Some(Connector::Seq);
                    }
                }
                b'#' => self.c.skip_to_eol(),
                b';' => {
                    self.c.pos += 1;
                    if matches!(self.c.peek(), Some(b';' | b'&')) {
                        // `;;`, `;&`, `;;&` end a case item.
                        self.c.pos += 1;
                        if self.c.peek() == Some(b'&') {
                            self.c.pos += 1;
                        }
                        if let Some(Frame::Case { pattern }) = frames.last_mut() {
                            *pattern = true;
                        }
                        pending = Some(Connector::Start);
                    } else if pending.is_none() {
                        pending = Some(Connector::Seq);
                    }
                }
                b'&' if self.c.at(1) == Some(b'&') => {
                    self.c.pos += 2;
                    pending = Some(Connector::And);
                }
                b'&' if self.c.at(1) != Some(b'>') => {
                    self.c.pos += 1;
                    pending = Some(Connector::Background);
                }
                b'|' => {
                    self.c.pos += 1;
                    pending = Some(match self.c.peek() {
                        Some(b'|') => {
                            self.c.pos += 1;
                            Connector::Or
                        }
                        Some(b'&') => {
                            self.c.pos += 1;
                            Connector::Pipe
                        }
                        _ => Connector::Pipe,
                    });
                }
                b'(' if self.c.at(1) == Some(b'(') => {
                    // `(( arithmetic ))`
                    self.arithmetic(d);
                    pending = None;
                }
                b'(' => {
                    self.c.pos += 1;
                    frames.push(Frame::Paren);
                    pending = Some(Connector::Start);
                }
                b')' => {
                    self.c.pos += 1;
                    if let Some(i) = frames.iter().rposition(|f| *f == Frame::Paren) {
                        frames.truncate(i);
                        pending = None;
                    } else if closer == Closer::Paren {
                        return;
                    }
                }
                b'`' if closer == Closer::Backtick => {
                    self.c.pos += 1;
                    return;
                }
                _ => {
                    if self.keyword(&mut frames, &mut pending, d, closer) {
                        continue;
                    }
                    let before = self.c.pos;
                    self.simple_command(d, &mut pending, closer);
                    if self.c.pos == before {
                        self.c.bump();
                    }
                }
            }
        }
    }

    /// A reserved word at the current position (only meaningful at command start).
    fn peek_keyword(&self) -> Option<&'static str> {
        let rest = self.c.src.get(self.c.pos..self.c.end)?;
        KEYWORDS.iter().copied().find(|k| {
            rest.starts_with(k) && {
                let next = rest.as_bytes().get(k.len()).copied();
                match *k {
                    "{" | "!" | "[[" => matches!(next, None | Some(b' ' | b'\t' | b'\r' | b'\n')),
                    _ => is_delim(next),
                }
            }
        })
    }

    fn keyword(
        &mut self,
        frames: &mut Vec<Frame>,
        pending: &mut Option<Connector>,
        d: u32,
        closer: Closer,
    ) -> bool {
        let Some(kw) = self.peek_keyword() else {
            return false;
        };
        if kw == "[[" {
            self.test_command(d, pending);
            return true;
        }
        self.c.pos += kw.len();
        match kw {
            "if" => {
                frames.push(Frame::If);
                *pending = Some(Connector::Start);
            }
            "then" | "else" | "elif" | "do" => *pending = Some(Connector::Start),
            "fi" => {
                pop_to(frames, |f| *f == Frame::If);
                *pending = None;
            }
            "while" | "until" => {
                frames.push(Frame::Loop);
                *pending = Some(Connector::Start);
            }
            "for" | "select" => {
                frames.push(Frame::Loop);
                self.for_header(d, closer);
                *pending = None;
            }
            "done" => {
                pop_to(frames, |f| *f == Frame::Loop);
                *pending = None;
            }
            "case" => {
                self.case_header(d, closer);
                frames.push(Frame::Case { pattern: true });
                *pending = Some(Connector::Start);
            }
            "esac" => {
                pop_to(frames, |f| matches!(f, Frame::Case { .. }));
                *pending = None;
            }
            "{" => {
                frames.push(Frame::Brace);
                *pending = Some(Connector::Start);
            }
            "}" => {
                pop_to(frames, |f| *f == Frame::Brace);
                *pending = None;
            }
            "time" => {
                self.skip_blanks();
                if self.c.starts_with("-p") && is_delim(self.c.at(2)) {
                    self.c.pos += 2;
                }
            }
            "function" => {
                self.skip_blanks();
                if !is_delim(self.c.peek()) {
                    let _ = self.word(d, closer);
                }
                self.skip_blanks();
                if self.at_empty_parens() {
                    self.skip_empty_parens();
                }
                *pending = Some(Connector::Start);
            }
            _ => {} // `!`, `coproc`: prefixes
        }
        true
    }

    /// `for NAME [in WORDS]` up to the separator before `do`; `for (( … ))`.
    fn for_header(&mut self, d: u32, closer: Closer) {
        self.skip_blanks();
        if self.c.starts_with("((") {
            self.skip_parens();
            return;
        }
        if !is_delim(self.c.peek()) {
            let _ = self.word(d, closer);
        }
        loop {
            self.skip_blanks();
            if self.c.peek() == Some(b'\n') {
                self.c.pos += 1;
                continue;
            }
            break;
        }
        if self.c.starts_with("in") && is_delim(self.c.at(2)) {
            self.c.pos += 2;
            loop {
                self.skip_blanks();
                match self.c.peek() {
                    None | Some(b'\n' | b';' | b'&' | b'|' | b'(' | b')') => break,
                    Some(b'`') if closer == Closer::Backtick => break,
                    _ => {
                        let before = self.c.pos;
                        let _ = self.word(d, closer);
                        if self.c.pos == before {
                            self.c.bump();
                        }
                    }
                }
            }
        }
    }

    /// `case WORD in`
    fn case_header(&mut self, d: u32, closer: Closer) {
        self.skip_blanks();
        if !is_delim(self.c.peek()) {
            let _ = self.word(d, closer);
        }
        loop {
            self.skip_blanks();
            if self.c.peek() == Some(b'\n') {
                self.c.pos += 1;
                continue;
            }
            break;
        }
        if self.c.starts_with("in") && is_delim(self.c.at(2)) {
            self.c.pos += 2;
        }
    }

    /// A case item pattern `[(] p1 | p2 )`, or `esac` (then returns true).
    fn case_pattern(&mut self, frames: &mut Vec<Frame>, d: u32) -> bool {
        if self.c.starts_with("esac") && is_delim(self.c.at(4)) {
            self.c.pos += 4;
            pop_to(frames, |f| matches!(f, Frame::Case { .. }));
            return true;
        }
        if self.c.peek() == Some(b'(') {
            self.c.pos += 1;
        }
        loop {
            self.skip_blanks();
            match self.c.peek() {
                None | Some(b'\n' | b';') => break,
                Some(b')') => {
                    self.c.pos += 1;
                    break;
                }
                Some(b'|' | b'(' | b'&' | b'<' | b'>') => self.c.pos += 1,
                _ => {
                    let before = self.c.pos;
                    let _ = self.word(d, Closer::Eof);
                    if self.c.pos == before {
                        self.c.bump();
                    }
                }
            }
        }
        if let Some(Frame::Case { pattern }) = frames.last_mut() {
            *pattern = false;
        }
        false
    }

    /// `[[ … ]]`: `&&`, `||`, `<`, `>`, `(`, `)` are operands here, not shell operators.
    fn test_command(&mut self, d: u32, pending: &mut Option<Connector>) {
        let start = self.c.pos;
        let mut toks = Vec::new();
        loop {
            self.skip_blanks();
            match self.c.peek() {
                None | Some(b'\n' | b';') => break,
                Some(b'&' | b'|' | b'<' | b'>' | b'(' | b')') => {
                    let mut t = Tok::new(self.c.pos);
                    let first = self.c.peek();
                    self.c.take(&mut t);
                    if self.c.peek() == first && matches!(first, Some(b'&' | b'|')) {
                        self.c.take(&mut t);
                    }
                    t.end = self.c.pos;
                    toks.push(t);
                }
                _ => {
                    let before = self.c.pos;
                    let t = self.word(d, Closer::Eof);
                    if self.c.pos == before {
                        self.c.bump();
                        continue;
                    }
                    let done = t.text == "]]" && !t.quoted;
                    toks.push(t);
                    if done {
                        break;
                    }
                }
            }
        }
        let end = toks.last().map_or(start, |t| t.end);
        let conn = pending.take().unwrap_or(Connector::Seq);
        emit(
            self.c.src,
            Dialect::Posix,
            self.level,
            &toks,
            start..end,
            conn,
            d,
            self.out,
        );
    }

    fn at_empty_parens(&self) -> bool {
        if self.c.peek() != Some(b'(') {
            return false;
        }
        let mut i = 1;
        while matches!(self.c.at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        self.c.at(i) == Some(b')')
    }

    fn skip_empty_parens(&mut self) {
        while let Some(b) = self.c.peek() {
            self.c.pos += 1;
            if b == b')' {
                break;
            }
        }
    }

    fn simple_command(&mut self, d: u32, pending: &mut Option<Connector>, closer: Closer) {
        let start = self.c.pos;
        let mut toks: Vec<Tok> = Vec::new();
        let mut last_end = start;
        let mut consumed = false;
        loop {
            self.skip_blanks();
            let Some(b) = self.c.peek() else { break };
            match b {
                b'\n' | b';' | b'|' | b')' => break,
                b'&' if self.c.at(1) != Some(b'>') => break,
                b'`' if closer == Closer::Backtick => break,
                b'#' => {
                    self.c.skip_to_eol();
                    break;
                }
                b'(' => {
                    if toks.len() == 1 && self.at_empty_parens() {
                        // `name() { …; }`: a function definition, not a command.
                        self.skip_empty_parens();
                        *pending = Some(Connector::Start);
                        return;
                    }
                    break;
                }
                _ => {}
            }
            let before = self.c.pos;
            if self.redirect(d, closer) {
                last_end = self.c.pos;
                consumed = true;
                continue;
            }
            let t = self.word(d, closer);
            if self.c.pos == before {
                self.c.bump();
                continue;
            }
            last_end = t.end;
            consumed = true;
            if toks.is_empty() && is_assignment(self.c.slice(t.start, t.end)) {
                continue;
            }
            toks.push(t);
        }
        if toks.is_empty() {
            if consumed {
                *pending = None;
            }
            return;
        }
        let conn = pending.take().unwrap_or(Connector::Seq);
        emit(
            self.c.src,
            Dialect::Posix,
            self.level,
            &toks,
            start..last_end,
            conn,
            d,
            self.out,
        );
    }

    /// A redirection operator and its target, dropped. Heredoc delimiters are remembered so
    /// the body can be skipped after the next newline.
    fn redirect(&mut self, d: u32, closer: Closer) -> bool {
        let mut i = 0;
        while self.c.at(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        match self.c.at(i) {
            Some(b'<' | b'>') => {
                if i == 0 && self.c.at(1) == Some(b'(') {
                    return false; // process substitution
                }
            }
            Some(b'&') if i == 0 && self.c.at(1) == Some(b'>') => {}
            _ => return false,
        }
        self.c.pos += i;
        let mut heredoc = None;
        let ops: [(&str, Option<bool>); 12] = [
            ("<<<", None),
            ("<<-", Some(true)),
            ("<<", Some(false)),
            ("&>>", None),
            ("&>", None),
            (">>", None),
            (">&", None),
            (">|", None),
            ("<&", None),
            ("<>", None),
            (">", None),
            ("<", None),
        ];
        for (op, h) in ops {
            if self.c.starts_with(op) {
                self.c.pos += op.len();
                heredoc = h;
                break;
            }
        }
        self.skip_blanks();
        match self.c.peek() {
            None | Some(b'\n' | b';' | b'|' | b'&' | b')') => return true,
            Some(b'`') if closer == Closer::Backtick => return true,
            _ => {}
        }
        let t = self.word(d, closer);
        if let Some(strip) = heredoc {
            self.heredocs.push((t.text, strip));
        }
        true
    }

    /// Skips the bodies of pending heredocs (called right after a newline).
    fn read_heredocs(&mut self) {
        let docs = std::mem::take(&mut self.heredocs);
        for (delim, strip) in docs {
            while !self.c.eof() {
                let ls = self.c.pos;
                self.c.skip_to_eol();
                let le = self.c.pos;
                if self.c.peek() == Some(b'\n') {
                    self.c.pos += 1;
                }
                let mut line = self.c.slice(ls, le);
                line = line.strip_suffix('\r').unwrap_or(line);
                if strip {
                    line = line.trim_start_matches('\t');
                }
                if line == delim {
                    break;
                }
            }
        }
    }

    /// One word: quotes removed, escapes resolved, substitutions kept raw (their commands are
    /// extracted at `d + 1`).
    fn word(&mut self, d: u32, closer: Closer) -> Tok {
        let src = self.c.src;
        let mut t = Tok::new(self.c.pos);
        t.quoted_start = matches!(self.c.peek(), Some(b'\'' | b'"'));
        while let Some(b) = self.c.peek() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b')' => break,
                b'<' | b'>' if self.c.at(1) == Some(b'(') && t.text.is_empty() => {
                    let s = self.c.pos;
                    self.c.pos += 2;
                    self.sub_list(d, Closer::Paren);
                    t.push_src(src, s, self.c.pos);
                }
                b'(' if t.text.ends_with('=') && is_assignment(&t.text) => {
                    // `arr=(a b c)`
                    let s = self.c.pos;
                    self.skip_parens();
                    t.push_src(src, s, self.c.pos);
                }
                b'(' if t.text.ends_with(['@', '!', '+', '*', '?']) => {
                    // extglob `@(a|b)`
                    let s = self.c.pos;
                    self.skip_parens();
                    t.push_src(src, s, self.c.pos);
                }
                b'<' | b'>' | b'(' => break,
                b'`' => {
                    if closer == Closer::Backtick {
                        break;
                    }
                    let s = self.c.pos;
                    self.c.pos += 1;
                    self.sub_list(d, Closer::Backtick);
                    t.push_src(src, s, self.c.pos);
                }
                b'\\' => {
                    let s = self.c.pos;
                    match self.c.at(1) {
                        Some(b'\n') => self.c.pos += 2,
                        Some(b'\r') if self.c.at(2) == Some(b'\n') => self.c.pos += 3,
                        Some(_) => {
                            self.c.pos += 1;
                            if let Some(ch) = self.c.bump() {
                                t.push(ch, s, self.c.pos);
                            }
                            t.quoted = true;
                        }
                        None => self.c.take(&mut t),
                    }
                }
                b'\'' => self.single_quoted(&mut t),
                b'"' => self.double_quoted(&mut t, d),
                b'$' => self.dollar(&mut t, d, false),
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
                self.c.pos += 1;
                return;
            }
            self.c.take(t);
        }
    }

    fn double_quoted(&mut self, t: &mut Tok, d: u32) {
        let src = self.c.src;
        self.c.pos += 1;
        t.quoted = true;
        while let Some(b) = self.c.peek() {
            match b {
                b'"' => {
                    self.c.pos += 1;
                    return;
                }
                b'\\' => match self.c.at(1) {
                    Some(b'\n') => self.c.pos += 2,
                    Some(b'\r') if self.c.at(2) == Some(b'\n') => self.c.pos += 3,
                    Some(e @ (b'$' | b'`' | b'"' | b'\\')) => {
                        let s = self.c.pos;
                        self.c.pos += 2;
                        t.push(char::from(e), s, self.c.pos);
                    }
                    _ => self.c.take(t),
                },
                b'$' => self.dollar(t, d, true),
                b'`' => {
                    let s = self.c.pos;
                    self.c.pos += 1;
                    self.sub_list(d, Closer::Backtick);
                    t.push_src(src, s, self.c.pos);
                }
                _ => self.c.take(t),
            }
        }
    }

    fn dollar(&mut self, t: &mut Tok, d: u32, in_dq: bool) {
        let src = self.c.src;
        let s = self.c.pos;
        match self.c.at(1) {
            Some(b'(') if self.c.at(2) == Some(b'(') => {
                self.c.pos += 1;
                self.arithmetic(d);
                t.push_src(src, s, self.c.pos);
            }
            Some(b'(') => {
                self.c.pos += 2;
                self.sub_list(d, Closer::Paren);
                t.push_src(src, s, self.c.pos);
            }
            Some(b'{') => {
                self.c.pos += 1;
                self.skip_braces();
                t.push_src(src, s, self.c.pos);
            }
            Some(b'\'') if !in_dq => {
                self.c.pos += 2;
                t.quoted = true;
                self.ansi_c(t);
            }
            Some(b'"') if !in_dq => {
                self.c.pos += 1;
                self.double_quoted(t, d);
            }
            _ => self.c.take(t),
        }
    }

    /// Body of `$'…'` after the opening quote.
    fn ansi_c(&mut self, t: &mut Tok) {
        while let Some(b) = self.c.peek() {
            match b {
                b'\'' => {
                    self.c.pos += 1;
                    return;
                }
                b'\\' => {
                    let s = self.c.pos;
                    let mapped = match self.c.at(1) {
                        Some(b'n') => Some('\n'),
                        Some(b't') => Some('\t'),
                        Some(b'r') => Some('\r'),
                        Some(b'a') => Some('\u{7}'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'e' | b'E') => Some('\u{1b}'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'v') => Some('\u{b}'),
                        Some(e @ (b'\\' | b'\'' | b'"' | b'?')) => Some(char::from(e)),
                        _ => None,
                    };
                    if let Some(ch) = mapped {
                        self.c.pos += 2;
                        t.push(ch, s, self.c.pos);
                    } else {
                        self.c.take(t);
                    }
                }
                _ => self.c.take(t),
            }
        }
    }

    /// A nested command list at `d + 1` (`$( )`, `` ` ` ``, `<( )`), or a plain skip when
    /// nesting is too deep.
    fn sub_list(&mut self, d: u32, closer: Closer) {
        if self.level + 1 >= MAX_LEVEL {
            match closer {
                Closer::Backtick => self.skip_backtick_body(),
                _ => self.skip_paren_body(1),
            }
            return;
        }
        self.level += 1;
        self.list(d + 1, closer);
        self.level -= 1;
    }

    /// `(( … ))` starting at the first `(`: no commands except in substitutions.
    fn arithmetic(&mut self, d: u32) {
        let mut open = 0usize;
        while let Some(b) = self.c.peek() {
            match b {
                b'(' => {
                    open += 1;
                    self.c.pos += 1;
                }
                b')' => {
                    self.c.pos += 1;
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return;
                    }
                }
                b'$' if self.c.at(1) == Some(b'(') && self.c.at(2) != Some(b'(') => {
                    self.c.pos += 2;
                    self.sub_list(d, Closer::Paren);
                }
                b'`' => {
                    self.c.pos += 1;
                    self.sub_list(d, Closer::Backtick);
                }
                b'\\' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    /// Skips a balanced `( … )` starting at `(`.
    fn skip_parens(&mut self) {
        if self.c.peek() == Some(b'(') {
            self.c.pos += 1;
            self.skip_paren_body(1);
        }
    }

    /// Skips until `open` unmatched `(` are closed (quote-aware, iterative).
    fn skip_paren_body(&mut self, mut open: usize) {
        while let Some(b) = self.c.peek() {
            match b {
                b'\\' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'\'' => {
                    self.c.pos += 1;
                    while let Some(q) = self.c.bump() {
                        if q == '\'' {
                            break;
                        }
                    }
                }
                b'"' => self.skip_dq_raw(),
                b'(' => {
                    open += 1;
                    self.c.pos += 1;
                }
                b')' => {
                    self.c.pos += 1;
                    open -= 1;
                    if open == 0 {
                        return;
                    }
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    fn skip_dq_raw(&mut self) {
        self.c.pos += 1;
        while let Some(b) = self.c.peek() {
            match b {
                b'\\' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'"' => {
                    self.c.pos += 1;
                    return;
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    fn skip_backtick_body(&mut self) {
        while let Some(b) = self.c.peek() {
            match b {
                b'\\' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'`' => {
                    self.c.pos += 1;
                    return;
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    /// Skips a balanced `{ … }` starting at `{` (parameter expansion).
    fn skip_braces(&mut self) {
        let mut open = 0usize;
        while let Some(b) = self.c.peek() {
            match b {
                b'\\' => {
                    self.c.pos += 1;
                    self.c.bump();
                }
                b'{' => {
                    open += 1;
                    self.c.pos += 1;
                }
                b'}' => {
                    self.c.pos += 1;
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return;
                    }
                }
                b'\'' if open > 0 => {
                    self.c.pos += 1;
                    while let Some(q) = self.c.bump() {
                        if q == '\'' {
                            break;
                        }
                    }
                }
                b'"' if open > 0 => self.skip_dq_raw(),
                _ => {
                    self.c.bump();
                }
            }
        }
    }
}
