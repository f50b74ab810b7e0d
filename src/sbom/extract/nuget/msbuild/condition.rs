//! `Condition` attributes: a tokenizer and a three-valued evaluator (true, false, unknown).

use super::props::{Prop, Props, Unresolved, matching_paren};

/// Three-valued truth for statically evaluated conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub(super) fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    pub(super) fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    pub(super) fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Str(String),
    Word(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

pub(super) fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\'' => {
                let end = s.get(i + 1..)?.find('\'')? + i + 1;
                out.push(Tok::Str(s.get(i + 1..end)?.to_string()));
                i = end + 1;
            }
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = s.get(i..i + 2);
                let op = match (c, two) {
                    (_, Some("==")) => "==",
                    (_, Some("!=")) => "!=",
                    (_, Some("<=")) => "<=",
                    (_, Some(">=")) => ">=",
                    (b'!', _) => "!",
                    (b'<', _) => "<",
                    (b'>', _) => ">",
                    _ => return None,
                };
                out.push(Tok::Op(op));
                i += op.len();
            }
            b'$' | b'@' | b'%' if b.get(i + 1) == Some(&b'(') => {
                let close = matching_paren(s.get(i..)?, 1)? + i;
                out.push(Tok::Word(s.get(i..=close)?.to_string()));
                i = close + 1;
            }
            _ => {
                let start = i;
                while let Some(&d) = b.get(i) {
                    if d.is_ascii_alphanumeric()
                        || matches!(d, b'_' | b'.' | b'-' | b':' | b'[' | b']')
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if i == start {
                    return None;
                }
                out.push(Tok::Word(s.get(start..i)?.to_string()));
            }
        }
    }
    Some(out)
}

pub(super) struct CondEval<'e> {
    pub(super) toks: Vec<Tok>,
    pub(super) pos: usize,
    pub(super) props: &'e Props,
    pub(super) this_dir: &'e str,
    pub(super) exists: &'e dyn Fn(&str) -> bool,
    pub(super) depth: usize,
}

/// A condition operand: its expanded value, or why it could not be expanded.
pub(super) enum Operand {
    Value(String),
    /// Every unresolved piece was an undefined property: the value MSBuild would see if no
    /// global property sets it (undefined = empty).
    Undefined(String),
    Unknown,
}

impl CondEval<'_> {
    pub(super) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    pub(super) fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    pub(super) fn word_is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    pub(super) fn expr(&mut self) -> Option<Tri> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut v = self.and_expr()?;
        while self.word_is("or") {
            self.pos += 1;
            let r = self.and_expr()?;
            v = v.or(r);
        }
        self.depth -= 1;
        Some(v)
    }

    pub(super) fn and_expr(&mut self) -> Option<Tri> {
        let mut v = self.unary()?;
        while self.word_is("and") {
            self.pos += 1;
            let r = self.unary()?;
            v = v.and(r);
        }
        Some(v)
    }

    pub(super) fn unary(&mut self) -> Option<Tri> {
        match self.peek()? {
            Tok::Op("!") => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > 64 {
                    return None;
                }
                let v = self.unary()?.not();
                self.depth -= 1;
                Some(v)
            }
            Tok::Open => {
                self.pos += 1;
                let v = self.expr()?;
                match self.next()? {
                    Tok::Close => Some(v),
                    _ => None,
                }
            }
            Tok::Word(w) if matches!(self.toks.get(self.pos + 1), Some(Tok::Open)) => {
                let func = w.to_ascii_lowercase();
                self.pos += 2;
                let mut args = Vec::new();
                loop {
                    match self.next()? {
                        Tok::Close => break,
                        Tok::Comma => {}
                        Tok::Str(s) | Tok::Word(s) => args.push(s),
                        _ => return None,
                    }
                }
                Some(self.function(&func, &args))
            }
            _ => self.comparison(),
        }
    }

    pub(super) fn function(&self, func: &str, args: &[String]) -> Tri {
        match (func, args) {
            ("exists", [p]) => match self.props.expand(p, self.this_dir) {
                Ok(path) if (self.exists)(&path) => Tri::True,
                _ => Tri::Unknown,
            },
            _ => Tri::Unknown,
        }
    }

    pub(super) fn operand(&mut self) -> Option<Operand> {
        let raw = match self.next()? {
            Tok::Str(s) | Tok::Word(s) => s,
            _ => return None,
        };
        Some(self.expand_operand(&raw))
    }

    pub(super) fn expand_operand(&self, raw: &str) -> Operand {
        match self.props.expand(raw, self.this_dir) {
            Ok(v) => Operand::Value(v),
            Err(Unresolved::Undefined(_)) => {
                // Expand again treating undefined properties as empty; anything else unknown.
                let mut tmp = Props {
                    map: self.props.map.clone(),
                };
                let mut guard = 0;
                loop {
                    guard += 1;
                    if guard > 64 {
                        return Operand::Unknown;
                    }
                    match tmp.expand(raw, self.this_dir) {
                        Ok(v) => return Operand::Undefined(v),
                        Err(Unresolved::Undefined(n)) => tmp.set(&n, Prop::Known(String::new())),
                        Err(_) => return Operand::Unknown,
                    }
                }
            }
            Err(_) => Operand::Unknown,
        }
    }

    pub(super) fn comparison(&mut self) -> Option<Tri> {
        let lhs = self.operand()?;
        let op = match self.peek() {
            Some(Tok::Op(op)) if *op != "!" => *op,
            _ => {
                // A bare operand: `true` / `false` / `$(Flag)`.
                return Some(match lhs {
                    Operand::Value(v) if v.trim().eq_ignore_ascii_case("true") => Tri::True,
                    Operand::Value(v) if v.trim().eq_ignore_ascii_case("false") => Tri::False,
                    _ => Tri::Unknown,
                });
            }
        };
        self.pos += 1;
        let rhs = self.operand()?;
        // An undefined property only counts as empty in the "default value" idiom
        // (`'$(X)' == ''`); compared with anything else it may be set by the SDK or the
        // command line.
        let (l, r) = match (lhs, rhs) {
            (Operand::Value(l), Operand::Value(r)) => (l, r),
            (Operand::Undefined(u), Operand::Value(v))
            | (Operand::Value(v), Operand::Undefined(u))
                if v.trim().is_empty() =>
            {
                (u, v)
            }
            _ => return Some(Tri::Unknown),
        };
        let eq = l.trim().eq_ignore_ascii_case(r.trim());
        Some(match op {
            "==" => bool_tri(eq),
            "!=" => bool_tri(!eq),
            _ => match (l.trim().parse::<f64>(), r.trim().parse::<f64>()) {
                (Ok(a), Ok(b)) => bool_tri(match op {
                    "<" => a < b,
                    ">" => a > b,
                    "<=" => a <= b,
                    _ => a >= b,
                }),
                _ => Tri::Unknown,
            },
        })
    }
}

pub(super) fn bool_tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

pub(super) fn eval_condition(
    cond: &str,
    props: &Props,
    this_dir: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Tri {
    let Some(toks) = tokenize(cond) else {
        return Tri::Unknown;
    };
    if toks.is_empty() {
        return Tri::True;
    }
    let mut ev = CondEval {
        toks,
        pos: 0,
        props,
        this_dir,
        exists,
        depth: 0,
    };
    match ev.expr() {
        Some(v) if ev.pos == ev.toks.len() => v,
        _ => Tri::Unknown,
    }
}
