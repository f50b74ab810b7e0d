//! BuildKit's shell-word lexer: quote removal, escapes and variable expansion.
//!
//! This follows `frontend/dockerfile/shell/lex.go` of BuildKit: single quotes are literal; in
//! double quotes only `"`, `$` and the escape token can be escaped; outside quotes the escape
//! token escapes any character. `$NAME`, `${NAME}` and the modifiers `${N:-w}` `${N-w}`
//! `${N:+w}` `${N+w}` `${N:?m}` `${N?m}` `${N#p}` `${N##p}` `${N%p}` `${N%%p}` `${N/p/r}`
//! `${N//p/r}` are supported; patterns use shell wildcards `*` and `?`.
//!
//! Differences from BuildKit, all deliberate:
//! - nesting of `${...}` inside modifier words is bounded ([`MAX_DEPTH`]); deeper input is an
//!   error instead of a deep recursion;
//! - special parameters (`$@ $* $# $? $- $$ $! $0`) and positional parameters (`$1`) are looked
//!   up like BuildKit does (and normally expand to nothing) but are never reported as unset.

use regex::Regex;

/// Maximum nesting of `${...}` inside modifier words.
pub const MAX_DEPTH: usize = 64;

/// Result of [`expand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded word. When `error` is set this is the input word unchanged.
    pub value: String,
    /// Names referenced but not set, in order of first reference, without duplicates.
    pub unset: Vec<String>,
    /// `${X:?msg}` on an unset X, or a malformed `${`, or an unterminated quote.
    pub error: Option<String>,
}

/// Result of [`expand_words`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedWords {
    /// Words after expansion and splitting on whitespace (quoted whitespace does not split).
    pub words: Vec<String>,
    pub unset: Vec<String>,
    pub error: Option<String>,
}

/// Expands variables in `word` the way BuildKit's shell lexer does for instructions that
/// expand (FROM, COPY, ADD, ENV, LABEL, ARG, WORKDIR, USER, EXPOSE, STOPSIGNAL, VOLUME, ONBUILD
/// sub-instructions excluded). `lookup` returns a variable's value; unset variables expand to
/// "" and are recorded in `Expanded::unset`. Quotes are removed. BuildKit compares variable
/// names case-insensitively in Windows stages; a caller expanding for a Windows stage should
/// make `lookup` case-insensitive.
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let opts = LexOpts {
        escape,
        raw_quotes: false,
        raw_escapes: false,
        skip_unset: false,
    };
    let mut lex = Lexer::new(word, opts, lookup);
    match lex.process_stop_on(None, false) {
        Ok((value, _)) => Expanded {
            value,
            unset: lex.unset,
            error: None,
        },
        Err(e) => Expanded {
            value: word.to_string(),
            unset: lex.unset,
            error: Some(format!("failed to process \"{word}\": {e}")),
        },
    }
}

/// Like [`expand`] but splits the result into words (BuildKit's `ProcessWords`).
pub fn expand_words(
    text: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> ExpandedWords {
    let opts = LexOpts {
        escape,
        raw_quotes: false,
        raw_escapes: false,
        skip_unset: false,
    };
    let mut lex = Lexer::new(text, opts, lookup);
    match lex.process_stop_on(None, false) {
        Ok((_, words)) => ExpandedWords {
            words: words.into_iter().map(|w| w.text).collect(),
            unset: lex.unset,
            error: None,
        },
        Err(e) => ExpandedWords {
            words: Vec::new(),
            unset: lex.unset,
            error: Some(format!("failed to process \"{text}\": {e}")),
        },
    }
}

/// Removes quotes and escapes from `word` without expanding variables: every `$X` / `${...}`
/// reference is kept as written (BuildKit's lexer with an empty environment and
/// `SkipUnsetEnv`). Errors are malformed `${` or unterminated quotes.
pub fn unquote(word: &str, escape: char) -> Result<String, String> {
    let opts = LexOpts {
        escape,
        raw_quotes: false,
        raw_escapes: false,
        skip_unset: true,
    };
    let none = |_: &str| None;
    let mut lex = Lexer::new(word, opts, &none);
    lex.process_stop_on(None, false).map(|(s, _)| s)
}

/// A word produced by the lexer with the byte range of its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct LexOpts {
    pub escape: char,
    pub raw_quotes: bool,
    pub raw_escapes: bool,
    pub skip_unset: bool,
}

/// Splits a whole instruction line into words the way BuildKit looks for heredocs: escape
/// token `\` whatever the directive says, quotes and escapes kept, variables kept.
pub(crate) fn heredoc_words(line: &str) -> Result<Vec<LexWord>, String> {
    let opts = LexOpts {
        escape: '\\',
        raw_quotes: true,
        raw_escapes: true,
        skip_unset: true,
    };
    let none = |_: &str| None;
    let mut lex = Lexer::new(line, opts, &none);
    let raw = opts.raw_escapes;
    lex.process_stop_on(None, raw).map(|(_, w)| w)
}

/// BuildKit's `ProcessWords` with the given options and an empty environment.
pub(crate) fn lex_words(text: &str, opts: LexOpts) -> Result<Vec<String>, String> {
    let none = |_: &str| None;
    let mut lex = Lexer::new(text, opts, &none);
    lex.process_stop_on(None, opts.raw_escapes)
        .map(|(_, w)| w.into_iter().map(|w| w.text).collect())
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Word accumulator (BuildKit's `wordsStruct`); the text buffer lives in the lexer because
/// BuildKit shares it between nested calls.
struct Words {
    words: Vec<LexWord>,
    in_word: bool,
    start: usize,
    end: usize,
}

struct Lexer<'s, 'l> {
    src: &'s str,
    pos: usize,
    opts: LexOpts,
    raw_escapes: bool,
    lookup: &'l dyn Fn(&str) -> Option<String>,
    unset: Vec<String>,
    buf: String,
    depth: usize,
}

impl<'s, 'l> Lexer<'s, 'l> {
    fn new(src: &'s str, opts: LexOpts, lookup: &'l dyn Fn(&str) -> Option<String>) -> Self {
        Lexer {
            src,
            pos: 0,
            opts,
            raw_escapes: opts.raw_escapes,
            lookup,
            unset: Vec::new(),
            buf: String::new(),
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    // --- word accumulation -------------------------------------------------------------

    fn add_raw_char(&mut self, w: &mut Words, ch: char, start: usize, end: usize) {
        if self.buf.is_empty() {
            w.start = start;
        }
        self.buf.push(ch);
        w.end = end;
        w.in_word = true;
    }

    fn add_char(&mut self, w: &mut Words, ch: char, start: usize, end: usize) {
        if is_space(ch) {
            if w.in_word && !self.buf.is_empty() {
                w.words.push(LexWord {
                    text: std::mem::take(&mut self.buf),
                    start: w.start,
                    end: w.end,
                });
                w.in_word = false;
            }
        } else {
            self.add_raw_char(w, ch, start, end);
        }
    }

    fn add_raw_string(&mut self, w: &mut Words, s: &str, start: usize, end: usize) {
        if self.buf.is_empty() && !s.is_empty() {
            w.start = start;
        }
        self.buf.push_str(s);
        if !s.is_empty() {
            w.end = end;
        }
        w.in_word = true;
    }

    fn get_words(&mut self, mut w: Words) -> Vec<LexWord> {
        if !self.buf.is_empty() {
            w.words.push(LexWord {
                text: std::mem::take(&mut self.buf),
                start: w.start,
                end: w.end,
            });
        }
        w.words
    }

    // --- processing -----------------------------------------------------------------------

    /// Processes until `stop` (consumed) or the end of input.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<LexWord>), String> {
        if self.depth >= MAX_DEPTH {
            return Err("too deeply nested ${...}".to_string());
        }
        self.depth += 1;
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn process_stop_on_inner(
        &mut self,
        stop: Option<char>,
    ) -> Result<(String, Vec<LexWord>), String> {
        let mut result = String::new();
        // BuildKit resets the shared word buffer on every call, nested ones included.
        self.buf.clear();
        let mut words = Words {
            words: Vec::new(),
            in_word: false,
            start: 0,
            end: 0,
        };
        while let Some(ch) = self.peek() {
            let start = self.pos;
            if stop == Some(ch) {
                self.next();
                let w = self.get_words(words);
                return Ok((result, w));
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    let end = self.pos;
                    for c in tmp.chars() {
                        self.add_char(&mut words, c, start, end);
                    }
                }
                '<' => {
                    let tmp = self.process_possible_heredoc();
                    result.push_str(&tmp);
                    let end = self.pos;
                    self.add_raw_string(&mut words, &tmp, start, end);
                }
                '\'' => {
                    let tmp = self.process_single_quote()?;
                    result.push_str(&tmp);
                    let end = self.pos;
                    self.add_raw_string(&mut words, &tmp, start, end);
                }
                '"' => {
                    let tmp = self.process_double_quote()?;
                    result.push_str(&tmp);
                    let end = self.pos;
                    self.add_raw_string(&mut words, &tmp, start, end);
                }
                _ => {
                    self.next();
                    if ch == self.opts.escape {
                        if self.raw_escapes {
                            let end = self.pos;
                            self.add_raw_char(&mut words, ch, start, end);
                            result.push(ch);
                        }
                        let Some(c) = self.next() else { break };
                        let end = self.pos;
                        self.add_raw_char(&mut words, c, start, end);
                        result.push(c);
                    } else {
                        let end = self.pos;
                        self.add_char(&mut words, ch, start, end);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(s) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {s}"
            ));
        }
        let w = self.get_words(words);
        Ok((result, w))
    }

    fn process_single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let open = self.next();
        if self.opts.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .to_string(),
                    );
                }
                Some('\'') => {
                    if self.opts.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let open = self.next();
        if self.opts.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .to_string(),
                    );
                }
                Some('"') => {
                    self.next();
                    if self.opts.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or('\0');
                    if ch == self.opts.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.opts.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.next();
        let mut result = String::from("<<");
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            result.push(c);
            self.next();
        }
        result
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(d) = self.peek() {
                    if !d.is_numeric() {
                        break;
                    }
                    name.push(d);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.next();
                return ch.to_string();
            }
            if !ch.is_alphabetic() && !ch.is_numeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }

    fn get_env(&mut self, name: &str) -> Option<String> {
        let v = (self.lookup)(name);
        if v.is_none() {
            let special = name
                .chars()
                .next()
                .is_some_and(|c| c.is_numeric() || is_special_param(c));
            if !special && !self.unset.iter().any(|u| u == name) {
                self.unset.push(name.to_string());
            }
        }
        v
    }

    fn process_dollar(&mut self) -> Result<String, String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.opts.skip_unset => format!("${name}"),
                None => String::new(),
            });
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".to_string()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_string()),
            _ => {}
        }
        let name = self.process_name();
        let first = self.next();
        let mut chs: String = first.map_or('\u{FFFD}', |c| c).to_string();
        let mut ch = first;
        let mut null_is_unset = false;
        if ch == Some('}') {
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.opts.skip_unset => format!("${{{name}}}"),
                None => String::new(),
            });
        }
        if ch == Some(':') {
            null_is_unset = true;
            ch = self.next();
            chs.push(ch.map_or('\u{FFFD}', |c| c));
        } else if ch == Some('/') {
            return self.process_replace(&name);
        } else if !matches!(ch, Some('+' | '-' | '?' | '#' | '%')) {
            return Err(format!("unsupported modifier ({chs}) in substitution"));
        }
        // ':' falls through to here with any following character, like BuildKit.
        let raw = matches!(ch, Some('#' | '%'));
        if null_is_unset && raw {
            return Err(format!("unsupported modifier ({chs}) in substitution"));
        }
        let word = match self.process_stop_on(Some('}'), raw) {
            Ok((w, _)) => w,
            Err(e) => {
                if self.peek().is_none() {
                    return Err("syntax error: missing '}'".to_string());
                }
                return Err(e);
            }
        };
        let value = self.get_env(&name);
        let set = value.is_some();
        if self.opts.skip_unset && !set {
            return Ok(format!("${{{name}{chs}{word}}}"));
        }
        let value = value.unwrap_or_default();
        match ch {
            Some('-') => {
                if !set || (null_is_unset && value.is_empty()) {
                    Ok(word)
                } else {
                    Ok(value)
                }
            }
            Some('+') => {
                if !set || (null_is_unset && value.is_empty()) {
                    Ok(String::new())
                } else {
                    Ok(word)
                }
            }
            Some('?') => {
                if !set {
                    let m = if word.is_empty() {
                        "is not allowed to be unset"
                    } else {
                        &word
                    };
                    return Err(format!("{name}: {m}"));
                }
                if null_is_unset && value.is_empty() {
                    let m = if word.is_empty() {
                        "is not allowed to be empty"
                    } else {
                        &word
                    };
                    return Err(format!("{name}: {m}"));
                }
                Ok(value)
            }
            Some(c @ ('%' | '#')) => {
                let (pattern, greedy) = match word.strip_prefix(c) {
                    Some(rest) => (rest.to_string(), true),
                    None => (word.clone(), false),
                };
                if c == '%' {
                    trim_suffix(&pattern, &value, greedy)
                } else {
                    trim_prefix(&pattern, &value, greedy)
                }
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_replace(&mut self, name: &str) -> Result<String, String> {
        let replace_all = self.peek() == Some('/');
        if replace_all {
            self.next();
        }
        let pattern = match self.process_stop_on(Some('/'), true) {
            Ok((p, _)) => p,
            Err(e) => {
                if self.peek().is_none() {
                    return Err("syntax error: missing '/' in ${}".to_string());
                }
                return Err(e);
            }
        };
        let replacement = match self.process_stop_on(Some('}'), true) {
            Ok((r, _)) => r,
            Err(e) => {
                if self.peek().is_none() {
                    return Err("syntax error: missing '}'".to_string());
                }
                return Err(e);
            }
        };
        let value = self.get_env(name);
        let Some(value) = value else {
            if self.opts.skip_unset {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            return Ok(String::new());
        };
        let re = shell_pattern_regex(&pattern, true, false)
            .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
        if replace_all {
            Ok(re.replace_all(&value, replacement.as_str()).into_owned())
        } else if let Some(m) = re.find(&value) {
            let mut out = String::with_capacity(value.len() + replacement.len());
            out.push_str(value.get(..m.start()).unwrap_or(""));
            out.push_str(&replacement);
            out.push_str(value.get(m.end()..).unwrap_or(""));
            Ok(out)
        } else {
            Ok(value)
        }
    }
}

/// Converts a shell wildcard pattern (`*`, `?`, `\` escapes) into a regex like BuildKit's
/// `convertShellPatternToRegex` (no bracket expressions).
fn shell_pattern_regex(pattern: &str, greedy: bool, anchored: bool) -> Result<Regex, String> {
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut it = pattern.chars().peekable();
    while let Some(tok) = it.next() {
        match tok {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                if matches!(it.peek(), Some('}' | '/')) {
                    continue;
                }
                let next = it.next();
                match next {
                    Some(c @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(c);
                    }
                    Some(c) => return Err(format!("invalid escape '\\{c}'")),
                    None => return Err("invalid escape '\\' at end of pattern".to_string()),
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                out.push('\\');
                out.push(tok);
            }
            c => out.push(c),
        }
    }
    regex::RegexBuilder::new(&out)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| e.to_string())
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let re = shell_pattern_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some(m) => value.get(m.end()..).unwrap_or("").to_string(),
        None => value.to_string(),
    })
}

/// Reverses a pattern keeping `\x` escapes in order (`a\*c` -> `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let mut units: Vec<String> = Vec::with_capacity(pattern.len());
    let mut it = pattern.chars().peekable();
    while let Some(c) = it.next() {
        match (c, it.peek()) {
            ('\\', Some(&n)) => {
                it.next();
                units.push([c, n].iter().collect());
            }
            _ => units.push(c.to_string()),
        }
    }
    units.into_iter().rev().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let rp = reverse_pattern(pattern);
    let rv: String = value.chars().rev().collect();
    let s = trim_prefix(&rp, &rv, greedy)?;
    Ok(s.chars().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "A" => Some("hello".into()),
            "EMPTY" => Some(String::new()),
            "PATHV" => Some("/usr/local/bin/app.tar.gz".into()),
            "SPACED" => Some("a b".into()),
            _ => None,
        }
    }

    fn x(word: &str) -> Expanded {
        expand(word, '\\', &env)
    }

    fn v(word: &str) -> String {
        let e = x(word);
        assert_eq!(e.error, None, "{word}");
        e.value
    }

    #[test]
    fn simple_and_braced() {
        assert_eq!(v("$A"), "hello");
        assert_eq!(v("${A}"), "hello");
        assert_eq!(v("x${A}y"), "xhelloy");
        assert_eq!(v("$A.txt"), "hello.txt");
        let e = x("$NOPE-$A");
        assert_eq!(e.value, "-hello");
        assert_eq!(e.unset, vec!["NOPE".to_string()]);
        assert_eq!(v("$"), "$");
        assert_eq!(v("a$"), "a$");
    }

    #[test]
    fn default_operators() {
        assert_eq!(v("${NOPE:-dflt}"), "dflt");
        assert_eq!(v("${EMPTY:-dflt}"), "dflt");
        assert_eq!(v("${EMPTY-dflt}"), "");
        assert_eq!(v("${NOPE-dflt}"), "dflt");
        assert_eq!(v("${A:-dflt}"), "hello");
        assert_eq!(v("${NOPE:-$A}"), "hello");
        assert_eq!(v("${NOPE:-${A}x}"), "hellox");
    }

    #[test]
    fn alternative_operators() {
        assert_eq!(v("${A:+alt}"), "alt");
        assert_eq!(v("${EMPTY:+alt}"), "");
        assert_eq!(v("${EMPTY+alt}"), "alt");
        assert_eq!(v("${NOPE+alt}"), "");
        assert_eq!(v("${NOPE:+alt}"), "");
    }

    #[test]
    fn error_operators() {
        assert_eq!(v("${A:?msg}"), "hello");
        assert_eq!(v("${A?msg}"), "hello");
        assert_eq!(v("${EMPTY?msg}"), "");
        let e = x("${NOPE:?must be set}");
        assert!(
            e.error
                .as_deref()
                .unwrap_or("")
                .contains("NOPE: must be set"),
            "{e:?}"
        );
        assert_eq!(e.value, "${NOPE:?must be set}");
        let e = x("${EMPTY:?}");
        assert!(
            e.error
                .as_deref()
                .unwrap_or("")
                .contains("EMPTY: is not allowed to be empty")
        );
        let e = x("${NOPE?}");
        assert!(
            e.error
                .as_deref()
                .unwrap_or("")
                .contains("NOPE: is not allowed to be unset")
        );
    }

    #[test]
    fn prefix_removal() {
        assert_eq!(v("${PATHV#*/}"), "usr/local/bin/app.tar.gz");
        assert_eq!(v("${PATHV##*/}"), "app.tar.gz");
        assert_eq!(v("${PATHV#/usr}"), "/local/bin/app.tar.gz");
        assert_eq!(v("${PATHV#nomatch}"), "/usr/local/bin/app.tar.gz");
        assert_eq!(v("${A#h?l}"), "lo");
        assert_eq!(v("${NOPE#x}"), "");
    }

    #[test]
    fn suffix_removal() {
        assert_eq!(v("${PATHV%.*}"), "/usr/local/bin/app.tar");
        assert_eq!(v("${PATHV%%.*}"), "/usr/local/bin/app");
        assert_eq!(v("${PATHV%/*}"), "/usr/local/bin");
        assert_eq!(v("${A%lo}"), "hel");
        assert_eq!(v("${A%\\*}"), "hello");
        let e = x("${A:%x}");
        assert!(
            e.error
                .as_deref()
                .unwrap_or("")
                .contains("unsupported modifier (:%)")
        );
    }

    #[test]
    fn replacement() {
        assert_eq!(v("${A/l/L}"), "heLlo");
        assert_eq!(v("${A//l/L}"), "heLLo");
        assert_eq!(v("${A/l*/X}"), "heX");
        assert_eq!(v("${A//?/.}"), ".....");
        assert_eq!(v("${A/zz/y}"), "hello");
        assert_eq!(v("${PATHV//\\//:}"), ":usr:local:bin:app.tar.gz");
        let e = x("${A/l");
        assert!(e.error.is_some());
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(v("'$A'"), "$A");
        assert_eq!(v("\"$A\""), "hello");
        assert_eq!(v("\"a b\""), "a b");
        assert_eq!(v("\\$A"), "$A");
        assert_eq!(v("\"\\$A\""), "$A");
        assert_eq!(v("\"\\n\""), "\\n");
        assert_eq!(v("a\\ b"), "a b");
        assert_eq!(v("'it''s'"), "its");
        assert_eq!(expand("`$A", '`', &env).value, "$A");
        assert_eq!(expand("C:\\dir", '`', &env).value, "C:\\dir");
        assert_eq!(v("C:\\dir"), "C:dir");
    }

    #[test]
    fn special_params_not_expanded_or_reported() {
        let e = x("$@ $* $# $? $$ $! $0 $1");
        assert_eq!(e.error, None);
        assert!(e.unset.is_empty(), "{e:?}");
    }

    #[test]
    fn malformed() {
        assert!(x("${").error.is_some());
        assert!(x("${}").error.is_some());
        assert!(x("${:x}").error.is_some());
        assert!(x("${A").error.is_some());
        assert!(x("${A:x}").error.is_some());
        assert!(x("'abc").error.is_some());
        assert!(x("\"abc").error.is_some());
        assert!(x("${A!}").error.is_some());
    }

    #[test]
    fn nesting_is_bounded() {
        let mut s = String::new();
        for _ in 0..10_000 {
            s.push_str("${X:-");
        }
        s.push('a');
        for _ in 0..10_000 {
            s.push('}');
        }
        let e = x(&s);
        assert!(e.error.is_some());
        let ok = "${X:-${Y:-${Z:-deep}}}";
        assert_eq!(v(ok), "deep");
    }

    #[test]
    fn unquote_keeps_variables() {
        assert_eq!(unquote("\"$HOME/x\"", '\\').as_deref(), Ok("$HOME/x"));
        assert_eq!(unquote("${A:-'b c'}", '\\').as_deref(), Ok("${A:-b c}"));
        assert_eq!(unquote("'a b'", '\\').as_deref(), Ok("a b"));
        assert!(unquote("\"a", '\\').is_err());
    }

    #[test]
    fn words() {
        let w = expand_words("a \"b c\" $SPACED", '\\', &env);
        assert_eq!(w.words, vec!["a", "b c", "a", "b"]);
    }

    #[test]
    fn heredoc_word_lexing() {
        let w = heredoc_words("RUN cat << EOF > 'f g'").unwrap_or_default();
        let t: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, vec!["RUN", "cat", "<< EOF", ">", "'f g'"]);
        assert_eq!(w[2].start, 8);
        assert_eq!(w[2].end, 14);
        assert!(heredoc_words("RUN it's").is_err());
    }
}
