//! Splitting a logical instruction line: command word, builder flags and the word splitters
//! BuildKit's line parsers use (`split_command.go`, `line_parsers.go`). All offsets are byte
//! offsets into the logical text.

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
pub(super) fn is_re_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// A raw builder flag word after quote and escape removal.
#[derive(Debug, Clone)]
pub(super) struct RawFlag {
    /// Source range of the whole word.
    pub start: usize,
    pub end: usize,
    /// Processed text (`--name=value`).
    pub text: String,
    /// For each char of `text`: (byte offset in `text`, source start, source end).
    pub map: Vec<(usize, usize, usize)>,
}

#[derive(Debug, Clone)]
pub(super) struct CommandSplit {
    pub kw_start: usize,
    pub kw_end: usize,
    pub flags: Vec<RawFlag>,
    pub args_start: usize,
    pub args_end: usize,
}

/// `splitCommand`: trims the line, takes the command word up to the first `reWhitespace`,
/// extracts leading `--flags`, and trims the rest.
pub(super) fn split_command(text: &str, escape: char) -> CommandSplit {
    let t_start = text.len() - text.trim_start().len();
    let t_end = text.trim_end().len().max(t_start);
    let trimmed = text.get(t_start..t_end).unwrap_or("");
    let kw_len = trimmed.find(is_re_ws).unwrap_or(trimmed.len());
    let kw_end = t_start + kw_len;
    let mut rest = kw_end;
    while let Some(c) = text.get(rest..t_end).and_then(|s| s.chars().next()) {
        if !is_re_ws(c) {
            break;
        }
        rest += c.len_utf8();
    }
    let (flags, remaining) = if rest < t_end {
        extract_flags(text, rest, t_end, escape)
    } else {
        (Vec::new(), t_end)
    };
    let (args_start, args_end) = trim_range(text, remaining, t_end);
    CommandSplit {
        kw_start: t_start,
        kw_end,
        flags,
        args_start,
        args_end,
    }
}

/// Trims Unicode whitespace from both ends of `text[from..to]`.
pub(super) fn trim_range(text: &str, from: usize, to: usize) -> (usize, usize) {
    let s = text.get(from..to).unwrap_or("");
    let a = from + (s.len() - s.trim_start().len());
    let b = from + s.trim_end().len();
    (a, b.max(a))
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// `extractBuilderFlags`: returns the flag words and the offset where the remaining
/// arguments start.
fn extract_flags(text: &str, from: usize, to: usize, escape: char) -> (Vec<RawFlag>, usize) {
    let line = text.get(..to).unwrap_or("");
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut map: Vec<(usize, usize, usize)> = Vec::new();
    let mut word_start = from;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = from;
    let char_at = |p: usize| line.get(p..).and_then(|s| s.chars().next());
    loop {
        let at_end = pos >= to;
        let ch = if at_end {
            '\0'
        } else {
            char_at(pos).unwrap_or('\0')
        };
        let w = if at_end { 0 } else { ch.len_utf8() };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if ch.is_whitespace() {
                pos += w;
                continue;
            }
            if ch != '-' || char_at(pos + 1) != Some('-') || pos + 1 >= to {
                return (flags, pos);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if at_end {
            if word != "--" && (blank_ok || !word.is_empty()) {
                flags.push(RawFlag {
                    start: word_start,
                    end: to,
                    text: std::mem::take(&mut word),
                    map: std::mem::take(&mut map),
                });
            }
            return (flags, to);
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if word == "--" {
                    return (flags, pos);
                }
                if blank_ok || !word.is_empty() {
                    flags.push(RawFlag {
                        start: word_start,
                        end: pos,
                        text: std::mem::take(&mut word),
                        map: std::mem::take(&mut map),
                    });
                }
                word.clear();
                map.clear();
                blank_ok = false;
                pos += w;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += w;
                continue;
            }
            let mut src_start = pos;
            let mut c = ch;
            let mut cw = w;
            if ch == escape {
                if pos + w >= to {
                    pos += w;
                    continue;
                }
                src_start = pos;
                pos += w;
                c = char_at(pos).unwrap_or('\0');
                cw = c.len_utf8();
            }
            map.push((word.len(), src_start, pos + cw));
            word.push(c);
            pos += cw;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += w;
            continue;
        }
        let mut src_start = pos;
        let mut c = ch;
        let mut cw = w;
        if ch == escape {
            if pos + w >= to {
                phase = Phase::Word;
                pos += w;
                continue;
            }
            src_start = pos;
            pos += w;
            c = char_at(pos).unwrap_or('\0');
            cw = c.len_utf8();
        }
        map.push((word.len(), src_start, pos + cw));
        word.push(c);
        pos += cw;
    }
    (flags, to)
}

/// `parseWords`: quote-aware split on Unicode whitespace; quotes and escapes are kept, so
/// each word is a source range (an escape token at the very end is dropped).
pub(super) fn parse_words(text: &str, from: usize, to: usize, escape: char) -> Vec<(usize, usize)> {
    let s = text.get(..to).unwrap_or("");
    let mut words = Vec::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut start = from;
    let mut end = from;
    let mut it = s
        .get(from..)
        .unwrap_or("")
        .char_indices()
        .map(|(i, c)| (i + from, c))
        .peekable();
    while let Some((i, c)) = it.next() {
        let next_end = i + c.len_utf8();
        if !in_word {
            if c.is_whitespace() {
                continue;
            }
            in_word = true;
            start = i;
            end = i;
        }
        match quote {
            None => {
                if c.is_whitespace() {
                    words.push((start, end));
                    in_word = false;
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    end = next_end;
                    continue;
                }
                if c == escape {
                    if next_end >= to {
                        continue;
                    }
                    if let Some((j, d)) = it.next() {
                        end = j + d.len_utf8();
                    }
                    continue;
                }
                end = next_end;
            }
            Some(q) => {
                if c == q {
                    quote = None;
                    end = next_end;
                    continue;
                }
                if c == escape && q != '\'' {
                    if next_end >= to {
                        quote = None;
                        continue;
                    }
                    if let Some((j, d)) = it.next() {
                        end = j + d.len_utf8();
                    }
                    continue;
                }
                end = next_end;
            }
        }
    }
    if in_word && end > start {
        words.push((start, end));
    }
    words
}

/// `reWhitespace.Split`: plain split on runs of `[\t\v\f\r ]` (quotes are NOT honoured).
pub(super) fn ws_split(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let s = text.get(from..to).unwrap_or("");
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if is_re_ws(c) {
            if let Some(st) = start.take() {
                out.push((from + st, from + i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((from + st, to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        parse_words(s, 0, s.len(), '\\')
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    #[test]
    fn split_and_flags() {
        let t = "  COPY --from=build --chown=\"a b\" -- src dst  ";
        let c = split_command(t, '\\');
        assert_eq!(&t[c.kw_start..c.kw_end], "COPY");
        let f: Vec<&str> = c.flags.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(f, vec!["--from=build", "--chown=a b"]);
        assert_eq!(&t[c.flags[1].start..c.flags[1].end], "--chown=\"a b\"");
        assert_eq!(&t[c.args_start..c.args_end], "src dst");
    }

    #[test]
    fn flags_stop_at_first_non_flag() {
        let t = "RUN --network=none echo --not-a-flag";
        let c = split_command(t, '\\');
        assert_eq!(c.flags.len(), 1);
        assert_eq!(&t[c.args_start..c.args_end], "echo --not-a-flag");
        let t = "CMD --doit -- [ ]";
        let c = split_command(t, '\\');
        assert_eq!(c.flags.len(), 1);
        assert_eq!(&t[c.args_start..c.args_end], "[ ]");
        let t = "RUN --";
        let c = split_command(t, '\\');
        assert!(c.flags.is_empty());
        assert_eq!(c.args_start, c.args_end);
    }

    #[test]
    fn parse_words_keeps_quotes() {
        assert_eq!(
            words("a=\"b c\" d='e f' g\\ h"),
            vec!["a=\"b c\"", "d='e f'", "g\\ h"]
        );
        assert_eq!(words("x y\\"), vec!["x", "y"]);
    }

    #[test]
    fn ws_split_is_naive() {
        let s = "\"a b\"\tc";
        let w: Vec<&str> = ws_split(s, 0, s.len())
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect();
        assert_eq!(w, vec!["\"a", "b\"", "c"]);
    }
}
