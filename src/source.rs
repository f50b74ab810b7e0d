//! Source files, byte spans and line/column mapping.
//!
//! Every position the core produces is a byte [`Span`] into the text of one [`SourceFile`].
//! [`LineIndex`] turns byte offsets into 1-based lines and columns, counted in Unicode scalar
//! values (for humans and SARIF `charOffset`-free regions) or in UTF-16 code units (for LSP and
//! editors).

use serde::Serialize;

/// A file handed to the core: a repository-relative path using `/` and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Repository-relative path with `/` separators (never absolute, never `./`-prefixed).
    pub path: String,
    /// The file's text. A leading UTF-8 BOM, if any, is kept as-is; parsers decide.
    pub text: String,
    /// How the bytes on disk were encoded before they became `text`.
    pub encoding: Encoding,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let path = normalize_path(&path.into());
        Self {
            path,
            text: text.into(),
            encoding: Encoding::Utf8,
        }
    }

    /// A file from its raw bytes, decoded with [`decode`].
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Self {
        let decoded = decode(bytes);
        let mut file = Self::new(path, decoded.text);
        file.encoding = decoded.encoding;
        file
    }
}

/// The encoding a file's bytes were in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// UTF-8, with or without a BOM.
    Utf8,
    /// Bytes that are not valid UTF-8 and have no UTF-16 BOM: invalid sequences became U+FFFD.
    Utf8Lossy,
    /// UTF-16 little endian with a BOM (what Windows PowerShell 5.1's `>` and `Out-File` write).
    Utf16Le,
    /// UTF-16 big endian with a BOM.
    Utf16Be,
}

impl Encoding {
    pub fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Lossy => "not valid UTF-8",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
        }
    }
}

/// Decoded file content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// Decodes file bytes: UTF-16 with a BOM (LE or BE) is decoded (unpaired surrogates and an odd
/// trailing byte become U+FFFD) and its BOM dropped; anything else is read as UTF-8, replacing
/// invalid sequences with U+FFFD ([`Encoding::Utf8Lossy`]). A UTF-8 BOM is kept in the text.
pub fn decode(bytes: &[u8]) -> Decoded {
    let utf16 = |rest: &[u8], le: bool| -> String {
        let units = rest.chunks(2).map(|c| match (c.first(), c.get(1)) {
            (Some(&a), Some(&b)) => {
                if le {
                    u16::from_le_bytes([a, b])
                } else {
                    u16::from_be_bytes([a, b])
                }
            }
            // An odd trailing byte cannot be a code unit.
            _ => 0xFFFD,
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => Decoded {
            text: utf16(rest, true),
            encoding: Encoding::Utf16Le,
        },
        [0xFE, 0xFF, rest @ ..] => Decoded {
            text: utf16(rest, false),
            encoding: Encoding::Utf16Be,
        },
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => Decoded {
                text: text.to_string(),
                encoding: Encoding::Utf8,
            },
            Err(_) => Decoded {
                text: String::from_utf8_lossy(bytes).into_owned(),
                encoding: Encoding::Utf8Lossy,
            },
        },
    }
}

/// Normalizes a relative path: `\` → `/`, strips `./` prefixes and duplicate slashes.
pub fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            _ => out.push(part),
        }
    }
    out.join("/")
}

/// A half-open byte range `start..end` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    /// The text under this span, or "" if it does not lie on char boundaries.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A 1-based line/column position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode scalar values.
    pub column: usize,
    /// 0-based column in UTF-16 code units (what LSP wants).
    pub utf16_column: usize,
}

/// Start and end positions of a span (end is exclusive, like the span).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Region {
    pub start: Position,
    pub end: Position,
}

/// Maps byte offsets to lines and columns. Lines end at `\n`; a `\r` before it belongs to the
/// line terminator, not the line's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line number containing `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 1-based `line` starts (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }

    /// Byte range of 1-based `line` without its terminator (`\n` or `\r\n`).
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.line_starts.get(line).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// Position of a byte offset. Offsets inside a multi-byte character are rounded down.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let prefix = text.get(start..offset).unwrap_or("");
        Position {
            line: line + 1,
            column: prefix.chars().count() + 1,
            utf16_column: prefix.encode_utf16().count(),
        }
    }

    pub fn region(&self, text: &str, span: Span) -> Region {
        Region {
            start: self.position(text, span.start),
            end: self.position(text, span.end),
        }
    }
}

fn memchr_iter(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}

/// A calendar date (proleptic Gregorian), injected into the core as "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let mut it = s.splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        if !(y.bytes().all(|b| b.is_ascii_digit())
            && m.bytes().all(|b| b.is_ascii_digit())
            && d.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (y + i64::from(m <= 2)) as i32;
        Self {
            year,
            month: m,
            day: d,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a YYYY-MM-DD date")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_recognizes_utf16_boms_and_replaces_bad_units() {
        let le = decode(&[0xFF, 0xFE, b'F', 0, b'R', 0, 0x3D, 0xD8, b'!']);
        assert_eq!(le.encoding, Encoding::Utf16Le);
        // An unpaired high surrogate and an odd trailing byte each become U+FFFD.
        assert_eq!(le.text, "FR\u{FFFD}\u{FFFD}");
        let be = decode(&[0xFE, 0xFF, 0, b'O', 0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(be.encoding, Encoding::Utf16Be);
        assert_eq!(be.text, "O\u{1F600}");
        let bom8 = decode(b"\xEF\xBB\xBFFROM x");
        assert_eq!(bom8.encoding, Encoding::Utf8);
        assert_eq!(bom8.text, "\u{FEFF}FROM x");
        let lossy = decode(b"caf\xe9");
        assert_eq!(lossy.encoding, Encoding::Utf8Lossy);
        assert_eq!(lossy.text, "caf\u{FFFD}");
        assert_eq!(decode(b"").encoding, Encoding::Utf8);
        assert_eq!(decode(&[0xFF]).encoding, Encoding::Utf8Lossy);
    }

    #[test]
    fn positions_count_chars_and_utf16() {
        let text = "ab\r\n\tx\u{e9}\u{1F600}z\n";
        let idx = LineIndex::new(text);
        let z = text.find('z').unwrap();
        let p = idx.position(text, z);
        assert_eq!(p.line, 2);
        assert_eq!(p.column, 5); // \t x é 😀 then z
        assert_eq!(p.utf16_column, 5); // 1+1+1+2
        assert_eq!(idx.line_span(text, 1).slice(text), "ab");
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn dates_round_trip() {
        let d = Date::parse("2026-11-22").unwrap();
        assert_eq!(d.to_string(), "2026-11-22");
        assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), d);
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2024-2-29").is_none());
        assert!(Date::new(2027, 1, 11).unwrap() > Date::new(2026, 12, 31).unwrap());
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize_path(".\\a\\\\b/./c"), "a/b/c");
    }
}
