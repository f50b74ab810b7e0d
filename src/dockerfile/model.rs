//! The parsed, lossless view of a Dockerfile. Produced by [`super::parse`]; every element
//! carries byte spans into the original text (BOM and CRLF included).

use serde::Serialize;

use crate::source::{LineIndex, Span};

/// Instruction keywords BuildKit knows. Matching is case-insensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum InstructionKind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else; the parser also reports it as a DF100 diagnostic.
    Unknown,
}

impl InstructionKind {
    pub fn from_keyword(word: &str) -> Self {
        use InstructionKind::*;
        match word.to_ascii_uppercase().as_str() {
            "ADD" => Add,
            "ARG" => Arg,
            "CMD" => Cmd,
            "COPY" => Copy,
            "ENTRYPOINT" => Entrypoint,
            "ENV" => Env,
            "EXPOSE" => Expose,
            "FROM" => From,
            "HEALTHCHECK" => Healthcheck,
            "LABEL" => Label,
            "MAINTAINER" => Maintainer,
            "ONBUILD" => Onbuild,
            "RUN" => Run,
            "SHELL" => Shell,
            "STOPSIGNAL" => Stopsignal,
            "USER" => User,
            "VOLUME" => Volume,
            "WORKDIR" => Workdir,
            _ => Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        use InstructionKind::*;
        match self {
            Add => "ADD",
            Arg => "ARG",
            Cmd => "CMD",
            Copy => "COPY",
            Entrypoint => "ENTRYPOINT",
            Env => "ENV",
            Expose => "EXPOSE",
            From => "FROM",
            Healthcheck => "HEALTHCHECK",
            Label => "LABEL",
            Maintainer => "MAINTAINER",
            Onbuild => "ONBUILD",
            Run => "RUN",
            Shell => "SHELL",
            Stopsignal => "STOPSIGNAL",
            User => "USER",
            Volume => "VOLUME",
            Workdir => "WORKDIR",
            Unknown => "UNKNOWN",
        }
    }
}

/// A parser directive from the leading block (`# escape=``, `# syntax=...`, `# check=...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lowercased key.
    pub name: String,
    pub value: String,
    /// The whole directive line (without terminator).
    pub span: Span,
    pub value_span: Span,
}

/// A comment line (`#` as first non-blank character) that is not a parser directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Text after the `#`, trimmed.
    pub text: String,
    /// The comment line without its terminator.
    pub span: Span,
}

/// Text assembled from several physical lines (continuations removed, comment and blank lines
/// inside the continuation skipped), with a map back to file offsets.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Logical {
    pub text: String,
    /// `(logical_offset, file_offset)` pairs, sorted by logical offset: the logical byte at
    /// `logical_offset + k` comes from file offset `file_offset + k` until the next segment.
    #[serde(skip)]
    pub segments: Vec<(usize, usize)>,
}

impl Logical {
    /// File offset of a logical byte offset (offsets at the very end map past the last byte).
    pub fn to_file(&self, logical: usize) -> usize {
        if self.segments.is_empty() {
            return logical;
        }
        let i = match self.segments.binary_search_by(|(l, _)| l.cmp(&logical)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let (l, f) = self.segments[i];
        f + logical.saturating_sub(l)
    }

    /// File span of a logical byte range. If the range crosses a continuation the span covers
    /// the continuation characters too.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let f = self.to_file(start);
            return Span::new(f, f);
        }
        Span::new(self.to_file(start), self.to_file(end - 1) + 1)
    }

    /// Logical offset of a file offset, if that file byte is part of this logical text (the
    /// end of the text maps to `text.len()`).
    pub fn to_logical(&self, file: usize) -> Option<usize> {
        if self.segments.is_empty() {
            return (file <= self.text.len()).then_some(file);
        }
        let i = match self.segments.binary_search_by(|(_, f)| f.cmp(&file)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let (l, f) = self.segments[i];
        let logical = l + (file - f);
        let seg_end = self.segments.get(i + 1).map_or(self.text.len(), |s| s.0);
        (logical < seg_end || (logical == self.text.len() && i + 1 == self.segments.len()))
            .then_some(logical)
    }

    /// The logical text under a file span that was produced by [`Logical::span`] (quotes,
    /// escapes and everything else as written, continuations removed).
    pub fn slice_file_span(&self, span: Span) -> Option<&str> {
        let start = self.to_logical(span.start)?;
        let end = if span.end <= span.start {
            start
        } else {
            self.to_logical(span.end - 1)? + 1
        };
        self.text.get(start..end.max(start))
    }
}

/// A word of an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// Value after quote removal (and JSON decoding in exec form). Variables are NOT expanded.
    pub text: String,
    /// File span of the word as written (including quotes).
    pub span: Span,
}

/// A builder flag such as `--from=build` or `--link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Name without the leading dashes, as written (e.g. `mount`).
    pub name: String,
    /// Value after quote removal; `None` for a bare boolean flag (`--link`).
    pub value: Option<String>,
    /// Whole flag (`--name=value`).
    pub span: Span,
    pub name_span: Span,
    pub value_span: Option<Span>,
}

/// `key=value` (or legacy `key value`) of ENV / LABEL, and `name[=default]` of ARG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    /// Key after quote removal.
    pub key: String,
    /// Value after quote removal; `None` for `ARG NAME` without default.
    pub value: Option<String>,
    pub span: Span,
    pub key_span: Span,
    pub value_span: Option<Span>,
    /// Legacy whitespace-separated form `ENV key value`.
    pub legacy: bool,
}

/// How a RUN/CMD/ENTRYPOINT/SHELL (or HEALTHCHECK CMD) command is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Form {
    /// Not a command-carrying instruction.
    None,
    /// JSON array (exec form); words are JSON-decoded strings.
    Exec(Vec<Word>),
    /// Shell form: the raw logical command text (for RUN it excludes flags and heredoc bodies).
    Shell(Logical),
}

/// A heredoc attached to RUN / COPY / ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// Delimiter word without quotes.
    pub name: String,
    /// File descriptor prefix (`3<<EOF`).
    pub fd: Option<u32>,
    /// `<<-`: leading tabs stripped from body lines and terminator.
    pub chomp: bool,
    /// False when the delimiter was quoted (no variable expansion in the body).
    pub expand: bool,
    /// Body text (after tab stripping for `<<-`), lines joined with `\n` (also for CRLF
    /// files), ending with `\n` unless empty or cut off by the end of the file.
    pub body: String,
    /// File span of the `<<EOF` marker in the instruction line.
    pub marker_span: Span,
    /// File span of the body lines (without the terminator line).
    pub body_span: Span,
    /// File span of the terminator line.
    pub end_span: Span,
    /// `body` with a map back to file offsets (tab stripping and CRLF line ends are skipped
    /// by the map, so offsets inside the body are exact). Use this rather than assuming the
    /// body is a contiguous copy of the file.
    #[serde(skip)]
    pub body_logical: Logical,
}

/// JSON that looked like an exec form but was not valid, so BuildKit falls back to shell
/// form (rule DF121 / DF217 read this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonFallback {
    pub span: Span,
    /// Why it is not valid JSON (e.g. "single quotes", "invalid escape \\t").
    pub reason: String,
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    pub kind: InstructionKind,
    /// The keyword as written (case preserved).
    pub keyword: String,
    pub keyword_span: Span,
    /// From the first byte of the keyword to the end of the last physical line of the
    /// instruction (heredoc bodies excluded), without the line terminator.
    pub span: Span,
    /// Like `span` but extending over heredoc bodies and their terminators.
    pub full_span: Span,
    pub flags: Vec<Flag>,
    /// Argument text after the keyword and flags (logical, trimmed).
    pub args: Logical,
    /// Words of `args`, split the way BuildKit splits them: FROM/EXPOSE and shell-form
    /// ADD/COPY/VOLUME split at whitespace runs (BuildKit removes quotes only afterwards, so
    /// `COPY "a b" c` is three words and a DF100); MAINTAINER/STOPSIGNAL/USER/WORKDIR are one
    /// word (`WORKDIR C:\Program Files` is a single path); HEALTHCHECK has its type
    /// (`CMD`/`NONE`) as `words[0]`. For ADD/COPY/VOLUME in JSON form these are the decoded
    /// elements. Empty for ENV/LABEL/ARG (see `pairs`) and RUN/CMD/ENTRYPOINT/SHELL (see
    /// `form`).
    pub words: Vec<Word>,
    /// ENV / LABEL / ARG pairs.
    pub pairs: Vec<KeyValue>,
    /// RUN / CMD / ENTRYPOINT / SHELL and HEALTHCHECK CMD command.
    pub form: Form,
    pub json_fallback: Option<JsonFallback>,
    pub heredocs: Vec<Heredoc>,
    /// The instruction triggered by ONBUILD.
    pub onbuild: Option<Box<Instruction>>,
    /// Comment lines that preceded the instruction directly (BuildKit's PrevComment).
    pub leading_comments: Vec<Comment>,
    /// Spans of blank lines inside the continuation (rule DF102).
    pub empty_continuation_lines: Vec<Span>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
    }
    pub fn is_exec_form(&self) -> bool {
        matches!(self.form, Form::Exec(_))
    }
    /// The shell-form command text, if any.
    pub fn shell_text(&self) -> Option<&Logical> {
        match &self.form {
            Form::Shell(l) => Some(l),
            _ => None,
        }
    }
}

/// Which rule a parse problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParseRule {
    /// DF100: BuildKit would refuse the file or instruction.
    Df100,
    /// DF101: parser directive malformed, duplicated or misplaced.
    Df101,
    /// DF102: empty line inside a continued instruction.
    Df102,
}

impl ParseRule {
    pub fn id(self) -> &'static str {
        match self {
            ParseRule::Df100 => "DF100",
            ParseRule::Df101 => "DF101",
            ParseRule::Df102 => "DF102",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseDiagnostic {
    pub rule: ParseRule,
    pub message: String,
    pub span: Span,
}

/// A parsed Dockerfile. Parsing never fails: problems are in `diagnostics` and the parser
/// recovers at the next line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub bom: bool,
    /// Effective escape token (`\\` or `` ` ``).
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    /// All comment lines outside the directive block (including ones inside continuations).
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<ParseDiagnostic>,
    pub lines: LineIndex,
}

impl Dockerfile {
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }
}
