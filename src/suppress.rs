//! Inline suppressions. STUB — replaced by the suppression work (see suppress.API.md).
use crate::dockerfile::Dockerfile;
use crate::dockerfile::stages::StageModel;
use crate::source::{LineIndex, Span};

pub const UNUSED_SUPPRESSION_RULE: &str = "DF128";

pub struct Suppressions {
    malformed: Vec<Malformed>,
}

impl Suppressions {
    pub fn collect(df: &Dockerfile, model: &StageModel) -> Self {
        let _ = (df, model);
        Self {
            malformed: Vec::new(),
        }
    }
    pub fn suppress(
        &mut self,
        rule: &str,
        span: Span,
        lines: &LineIndex,
        text: &str,
    ) -> Option<String> {
        let _ = (rule, span, lines, text);
        None
    }
    pub fn unused(&self) -> Vec<Unused> {
        Vec::new()
    }
    pub fn malformed(&self) -> &[Malformed] {
        &self.malformed
    }
}

pub struct Unused {
    pub span: Span,
    pub rule: String,
    pub kind: &'static str,
}

impl Unused {
    pub fn message(&self) -> String {
        format!(
            "suppression of {} ({}) matched no finding; remove it",
            self.rule, self.kind
        )
    }
}

pub struct Malformed {
    pub span: Span,
    pub message: String,
}
