//! cmd.exe command extraction.
//!
//! Two quoting views are tracked at once: cmd's own (every `"` toggles; decides where `&`,
//! `|`, `<`, `>` are operators) and the program's argument parsing (the Microsoft C runtime
//! rules: `\"` is a literal quote, `2n` backslashes before a quote become `n`), which decides
//! where words end and what their text is.

use super::{Command, Connector, Cursor, Dialect, MAX_LEVEL, Tok, emit};

pub(super) fn parse(src: &str, depth: u32, level: u32, out: &mut Vec<Command>) {
    let mut p = Cmd {
        c: Cursor::new(src),
        level,
        out,
        paren: 0,
        cq: false,
    };
    p.list(depth, Stop::Eof);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Eof,
    /// Inside `( … )`: returns after the matching `)`.
    Paren,
    /// The rest of the line (an `if`/`for` body); also ends at an enclosing block's `)`.
    Line,
}

struct Cmd<'a, 'o> {
    c: Cursor<'a>,
    level: u32,
    out: &'o mut Vec<Command>,
    /// Open `(` blocks: only then is `)` an operator.
    paren: usize,
    /// cmd's quote state within the current command.
    cq: bool,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

impl Cmd<'_, '_> {
    fn skip_blanks(&mut self) {
        loop {
            match self.c.peek() {
                Some(b) if is_blank(b) => self.c.pos += 1,
                Some(b'^') if self.c.at(1) == Some(b'\n') => self.c.pos += 2,
                Some(b'^') if self.c.at(1) == Some(b'\r') && self.c.at(2) == Some(b'\n') => {
                    self.c.pos += 3
                }
                _ => return,
            }
        }
    }

    fn list(&mut self, depth: u32, stop: Stop) {
        let mut pending = Some(Connector::Start);
        loop {
            self.skip_blanks();
            let Some(b) = self.c.peek() else { return };
            match b {
                b',' | b';' | b'=' | b'@' => self.c.pos += 1,
                b'\n' => {
                    if stop == Stop::Line {
                        return;
                    }
                    self.c.pos += 1;
                    if pending.is_none() {
                        pending = Some(Connector::Seq);
                    }
                }
                b')' if self.paren > 0 => {
                    if stop == Stop::Paren {
                        self.c.pos += 1;
                    }
                    return;
                }
                b'&' => {
                    self.c.pos += 1;
                    if self.c.peek() == Some(b'&') {
                        self.c.pos += 1;
                        pending = Some(Connector::And);
                    } else {
                        pending = Some(Connector::Seq);
                    }
                }
                b'|' => {
                    self.c.pos += 1;
                    if self.c.peek() == Some(b'|') {
                        self.c.pos += 1;
                        pending = Some(Connector::Or);
                    } else {
                        pending = Some(Connector::Pipe);
                    }
                }
                b'(' => {
                    self.c.pos += 1;
                    self.paren_block(depth + 1);
                    pending = None;
                }
                _ => {
                    let conn = pending.take().unwrap_or(Connector::Seq);
                    let before = self.c.pos;
                    self.command(depth, conn, stop);
                    if self.c.pos == before {
                        self.c.bump();
                    }
                }
            }
        }
    }

    /// `( … )` after the `(`.
    fn paren_block(&mut self, depth: u32) {
        if self.level + 1 >= MAX_LEVEL {
            let mut open = 1usize;
            let mut q = false;
            while let Some(b) = self.c.peek() {
                self.c.bump();
                match b {
                    b'"' => q = !q,
                    b'(' if !q => open += 1,
                    b')' if !q => {
                        open -= 1;
                        if open == 0 {
                            return;
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        self.level += 1;
        self.paren += 1;
        self.list(depth, Stop::Paren);
        self.paren -= 1;
        self.level -= 1;
    }

    /// The rest of the line as the body of `if`/`for`/`else`.
    fn line_body(&mut self, depth: u32) {
        if self.level + 1 >= MAX_LEVEL {
            self.c.skip_to_eol();
            return;
        }
        self.level += 1;
        self.list(depth, Stop::Line);
        self.level -= 1;
    }

    fn at_operator(&self) -> bool {
        match self.c.peek() {
            None => true,
            Some(b'\n') => true,
            Some(b'&' | b'|') => !self.cq,
            Some(b')') => !self.cq && self.paren > 0,
            _ => false,
        }
    }

    fn command(&mut self, depth: u32, conn: Connector, stop: Stop) {
        let start = self.c.pos;
        let mut last_end = start;
        let mut toks: Vec<Tok> = Vec::new();
        self.cq = false;
        loop {
            self.skip_blanks();
            if self.at_operator() {
                break;
            }
            if !self.cq && self.redirect() {
                last_end = self.c.pos;
                continue;
            }
            let before = self.c.pos;
            let t = self.word();
            if self.c.pos == before {
                self.c.bump();
                continue;
            }
            last_end = t.end;
            if toks.is_empty() && !t.quoted {
                let lower = t.text.to_ascii_lowercase();
                if lower == "rem" || lower.starts_with("::") {
                    self.c.skip_to_eol();
                    return;
                }
                if lower == "if" {
                    self.if_statement(depth + 1, stop);
                    return;
                }
                if lower == "for" {
                    self.for_statement(depth + 1, stop);
                    return;
                }
                if lower == "else" {
                    continue;
                }
            }
            toks.push(t);
        }
        self.cq = false;
        emit(
            self.c.src,
            Dialect::Cmd,
            self.level,
            &toks,
            start..last_end,
            conn,
            depth,
            self.out,
        );
    }

    fn next_word(&mut self) -> Option<Tok> {
        self.skip_blanks();
        if self.at_operator() || self.c.peek() == Some(b'(') {
            return None;
        }
        let before = self.c.pos;
        let t = self.word();
        (self.c.pos > before).then_some(t)
    }

    /// `if [/i] [not] (exist f | defined v | errorlevel n | a==b | a OP b) body [else body]`
    fn if_statement(&mut self, inner: u32, stop: Stop) {
        let mut w = self.next_word();
        while let Some(t) = &w {
            let l = t.text.to_ascii_lowercase();
            if !t.quoted && (l == "/i" || l == "not") {
                w = self.next_word();
            } else {
                break;
            }
        }
        let Some(w) = w else { return };
        let l = w.text.to_ascii_lowercase();
        let raw = self.c.slice(w.start, w.end).to_string();
        if !w.quoted
            && matches!(
                l.as_str(),
                "exist" | "defined" | "errorlevel" | "cmdextversion"
            )
        {
            let _ = self.next_word();
        } else if raw.contains("==") && !raw.ends_with("==") {
            // `"%A%"=="x"`
        } else if raw.ends_with("==") {
            let _ = self.next_word();
        } else if let Some(op) = self.next_word() {
            let o = self.c.slice(op.start, op.end).to_ascii_lowercase();
            if o == "==" || matches!(o.as_str(), "equ" | "neq" | "lss" | "leq" | "gtr" | "geq") {
                let _ = self.next_word();
            }
        }
        self.body(inner, stop);
    }

    fn body(&mut self, inner: u32, stop: Stop) {
        let _ = stop;
        self.skip_blanks();
        if self.c.peek() != Some(b'(') {
            self.line_body(inner);
            return;
        }
        self.c.pos += 1;
        self.paren_block(inner);
        self.skip_blanks();
        if self.c.starts_with_ci("else") && self.c.at(4).is_none_or(|b| is_blank(b) || b == b'(') {
            self.c.pos += 4;
            self.skip_blanks();
            if self.c.peek() == Some(b'(') {
                self.c.pos += 1;
                self.paren_block(inner);
            } else {
                self.line_body(inner);
            }
        }
    }

    /// `for [/f …] %%i in (set) do body`
    fn for_statement(&mut self, inner: u32, stop: Stop) {
        let mut open = 0usize;
        let mut q = false;
        while let Some(b) = self.c.peek() {
            match b {
                b'"' => {
                    q = !q;
                    self.c.pos += 1;
                }
                b'\n' if !q => return,
                b'(' if !q => {
                    open += 1;
                    self.c.pos += 1;
                }
                b')' if !q => {
                    if open == 0 {
                        return;
                    }
                    open -= 1;
                    self.c.pos += 1;
                    if open == 0 {
                        self.skip_blanks();
                        if self.c.starts_with_ci("do")
                            && self.c.at(2).is_none_or(|b| is_blank(b) || b == b'(')
                        {
                            self.c.pos += 2;
                            self.body(inner, stop);
                            return;
                        }
                    }
                }
                _ => {
                    self.c.bump();
                }
            }
        }
    }

    /// `>f`, `>>f`, `2>&1`, `2>nul`, `<f`: dropped with their target.
    fn redirect(&mut self) -> bool {
        let i = usize::from(self.c.peek().is_some_and(|b| b.is_ascii_digit()));
        if !matches!(self.c.at(i), Some(b'<' | b'>')) {
            return false;
        }
        self.c.pos += i + 1;
        if self.c.peek() == Some(b'>') {
            self.c.pos += 1;
        }
        if self.c.peek() == Some(b'&') {
            self.c.pos += 1;
            if self.c.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.c.pos += 1;
            }
            return true;
        }
        self.skip_blanks();
        if !self.at_operator() && !matches!(self.c.peek(), Some(b'<' | b'>')) {
            let _ = self.word();
        }
        true
    }

    fn word(&mut self) -> Tok {
        let mut t = Tok::new(self.c.pos);
        t.quoted_start = self.c.peek() == Some(b'"');
        let mut aq = false;
        while let Some(b) = self.c.peek() {
            if b == b'\n' {
                break;
            }
            if !self.cq {
                match b {
                    b'^' => {
                        let s = self.c.pos;
                        self.c.pos += 1;
                        match self.c.peek() {
                            Some(b'\n') => self.c.pos += 1,
                            Some(b'\r') if self.c.at(1) == Some(b'\n') => self.c.pos += 2,
                            Some(_) => {
                                if let Some(ch) = self.c.bump() {
                                    t.push(ch, s, self.c.pos);
                                }
                                t.quoted = true;
                            }
                            None => {}
                        }
                        continue;
                    }
                    b'&' | b'|' | b'<' | b'>' => break,
                    b')' if self.paren > 0 => break,
                    _ => {}
                }
            }
            if !aq && is_blank(b) {
                break;
            }
            match b {
                b'\\' => {
                    let s = self.c.pos;
                    let mut n = 0;
                    while self.c.at(n) == Some(b'\\') {
                        n += 1;
                    }
                    if self.c.at(n) == Some(b'"') {
                        for k in 0..n / 2 {
                            t.push('\\', s + 2 * k, s + 2 * k + 2);
                        }
                        if n % 2 == 1 {
                            t.push('"', s + n - 1, s + n + 1);
                            self.c.pos += n + 1;
                            self.cq = !self.cq;
                            t.quoted = true;
                        } else {
                            self.c.pos += n;
                        }
                    } else {
                        for k in 0..n {
                            t.push('\\', s + k, s + k + 1);
                        }
                        self.c.pos += n;
                    }
                }
                b'"' => {
                    self.cq = !self.cq;
                    aq = !aq;
                    t.quoted = true;
                    self.c.pos += 1;
                }
                _ => self.c.take(&mut t),
            }
        }
        t.end = self.c.pos;
        t
    }
}
