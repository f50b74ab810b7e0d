//! Command extraction for sh, PowerShell and cmd. STUB bodies — replaced by the shell work.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Posix,
    PowerShell,
    Cmd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    Start,
    Seq,
    And,
    Or,
    Pipe,
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShWord {
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<ShWord>,
    pub range: Range<usize>,
    pub connector: Connector,
    pub depth: u32,
}

impl Command {
    pub fn name(&self) -> String {
        self.words
            .first()
            .map(|w| program_name(&w.text))
            .unwrap_or_default()
    }
    pub fn args(&self) -> &[ShWord] {
        self.words.get(1..).unwrap_or(&[])
    }
    pub fn has_arg(&self, names: &[&str]) -> bool {
        self.args()
            .iter()
            .any(|w| names.iter().any(|n| w.text.eq_ignore_ascii_case(n)))
    }
    pub fn arg_value(&self, names: &[&str]) -> Option<&ShWord> {
        let args = self.args();
        args.iter()
            .position(|w| names.iter().any(|n| w.text.eq_ignore_ascii_case(n)))
            .and_then(|i| args.get(i + 1))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub dialect: Dialect,
    pub commands: Vec<Command>,
}

pub fn parse(script: &str, dialect: Dialect) -> Script {
    let _ = script;
    Script {
        dialect,
        commands: Vec::new(),
    }
}

/// Lowercased program name without directory and `.exe`/`.cmd`/`.bat`/`.ps1`/`.com` suffix.
pub fn program_name(word: &str) -> String {
    let base = word
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(word)
        .to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat", ".ps1", ".com"] {
        if let Some(s) = base.strip_suffix(ext) {
            return s.to_string();
        }
    }
    base
}
