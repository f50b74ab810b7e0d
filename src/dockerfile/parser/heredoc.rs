//! Heredoc markers (`heredocsFromLine`, `ParseHeredoc`, `heredocFromMatch` in BuildKit's
//! `parser.go`).

use crate::dockerfile::expand::{LexOpts, heredoc_words, lex_words};

/// A heredoc marker found in an instruction line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Marker {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
    /// Logical byte range of the marker word.
    pub start: usize,
    pub end: usize,
}

/// Go's `\s` in RE2: `[\t\n\f\r ]`.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// What a heredoc word says: delimiter name, fd prefix, `<<-`, unquoted delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Spec {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
}

/// Name, fd, chomp and expand of a heredoc word (`^(\d*)<<(-?)\s*([^<]*)$`). `Ok(None)` when
/// the word is not a heredoc; `Err` when BuildKit's lexing of the delimiter fails.
pub(super) fn parse_heredoc_word(word: &str) -> Option<Result<Spec, String>> {
    let digits_len = word.bytes().take_while(u8::is_ascii_digit).count();
    let digits = word.get(..digits_len)?;
    let rest = word.get(digits_len..)?.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(is_go_space);
    if rest.contains('<') || rest.is_empty() {
        return None;
    }
    let fd = if digits.is_empty() {
        None
    } else {
        Some(digits.parse::<u32>().unwrap_or(0))
    };
    let plain = LexOpts {
        escape: '\\',
        raw_quotes: false,
        raw_escapes: false,
        skip_unset: true,
    };
    let words = match lex_words(rest, plain) {
        Ok(w) => w,
        Err(e) => return Some(Err(e)),
    };
    if words.len() != 1 {
        return None;
    }
    let raw_opts = LexOpts {
        raw_quotes: true,
        ..plain
    };
    let raw = match lex_words(rest, raw_opts) {
        Ok(w) => w,
        Err(e) => return Some(Err(e)),
    };
    if raw.len() != words.len() {
        return Some(Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        )));
    }
    let count = |s: &str| s.chars().filter(|c| *c == '\'' || *c == '"').count();
    let name = words.into_iter().next().unwrap_or_default();
    let expand = raw.first().is_some_and(|r| count(r) == count(&name));
    Some(Ok(Spec {
        name,
        fd,
        chomp,
        expand,
    }))
}

/// All heredoc markers of a logical instruction line, in order. A lexing error of the whole
/// line means no heredocs (BuildKit ignores that error); a malformed delimiter is an error.
pub(super) fn markers(line: &str) -> (Vec<Marker>, Vec<(String, usize, usize)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let Ok(words) = heredoc_words(line) else {
        return (out, errors);
    };
    for w in words {
        match parse_heredoc_word(&w.text) {
            None => {}
            Some(Ok(Spec {
                name,
                fd,
                chomp,
                expand,
            })) => {
                out.push(Marker {
                    name,
                    fd,
                    chomp,
                    expand,
                    start: w.start,
                    end: w.end,
                });
            }
            Some(Err(e)) => errors.push((e, w.start, w.end)),
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool)> {
        markers(line)
            .0
            .into_iter()
            .map(|m| (m.name, m.expand))
            .collect()
    }

    #[test]
    fn buildkit_heredoc_words() {
        for w in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            let r = parse_heredoc_word(w);
            assert!(matches!(&r, Some(Ok(s)) if s.name == "EOF"), "{w}: {r:?}");
        }
        for w in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(parse_heredoc_word(w), None, "{w}");
        }
        for w in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(matches!(parse_heredoc_word(w), Some(Err(_))), "{w}");
        }
    }

    #[test]
    fn lines() {
        assert_eq!(
            names("RUN <<EOF <<EOF2"),
            vec![("EOF".into(), true), ("EOF2".into(), true)]
        );
        assert_eq!(names("RUN << EOF > foo"), vec![("EOF".into(), true)]);
        assert_eq!(names("RUN <<- EOF"), vec![]);
        assert_eq!(names("RUN << -EOF"), vec![("-EOF".into(), true)]);
        assert_eq!(names("RUN '<<EOF'"), vec![]);
        assert_eq!(names("RUN \"<<EOF\""), vec![]);
        assert_eq!(names("RUN <<eo'f'"), vec![("eof".into(), false)]);
        assert_eq!(names("RUN <<eo\\'f"), vec![("eo'f".into(), true)]);
        assert_eq!(names("RUN <<'e'o\\'f"), vec![("eo'f".into(), false)]);
        assert_eq!(names("RUN <<'one two'"), vec![("one two".into(), false)]);
        assert_eq!(names("RUN <<$EOF"), vec![("$EOF".into(), true)]);
        assert_eq!(names("RUN cat<<EOF"), vec![]);
        assert_eq!(names("RUN it's <<EOF"), vec![]);
        let m = markers("RUN python3 3<<EOT");
        assert_eq!(m.0[0].fd, Some(3));
        assert_eq!((m.0[0].start, m.0[0].end), (12, 18));
    }
}
