//! STUB — replaced by the parser implementation.
use super::model::*;
use crate::source::LineIndex;

pub fn parse(text: &str) -> Dockerfile {
    Dockerfile {
        bom: false,
        escape: '\\',
        directives: Vec::new(),
        instructions: Vec::new(),
        comments: Vec::new(),
        diagnostics: Vec::new(),
        lines: LineIndex::new(text),
    }
}
