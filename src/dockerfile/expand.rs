//! STUB — BuildKit word expansion (`$VAR`, `${VAR:-default}`, ...). Replaced by the parser work.

/// Expands variables in `word` the way BuildKit's shell lexer does for instructions that
/// expand (FROM, COPY, ADD, ENV, LABEL, ARG, WORKDIR, USER, EXPOSE, STOPSIGNAL, VOLUME, ONBUILD
/// sub-instructions excluded). `lookup` returns a variable's value; unset variables expand to
/// "" and are recorded in `Expanded::unset`. Quotes are removed.
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let _ = (escape, lookup);
    Expanded { value: word.to_string(), unset: Vec::new(), error: None }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Names referenced but not set.
    pub unset: Vec<String>,
    /// `${X:?msg}` on an unset X, or a malformed `${`.
    pub error: Option<String>,
}
