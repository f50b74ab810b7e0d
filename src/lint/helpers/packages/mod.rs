//! Shared parsing for the package-install rules (DF504–DF522): command unwrapping (`sudo`,
//! `env`), option/operand splitting that knows which options take a value (`-t
//! bookworm-backports`, `-o x=y`, `--target-release=x`, `-Version 1.2`), package-spec pin
//! classification per ecosystem, and small Dockerfile-level facts (cache mounts, ENV in a
//! stage, stages that end up in the final image).

use crate::dockerfile::shell::{Command, ProgramName, ShWord, program_name};
use crate::dockerfile::{InstructionKind, Logical};
use crate::lint::{LintContext, ShellScript};
use crate::source::Span;

mod args;
mod choco;
mod dotnet;
mod facts;
mod invocation;
mod lang;
mod os;
mod pins;
mod pip;
mod urls;

pub use args::*;
pub use choco::*;
pub use dotnet::*;
pub use facts::*;
pub use invocation::*;
pub use lang::*;
pub use os::*;
pub use pins::*;
pub use pip::*;
pub use urls::*;

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds commands from whitespace-separated words for unit tests (quotes are stripped but
    //! not interpreted beyond that).
    use crate::dockerfile::shell::{Command, Connector, ShWord};

    use super::{Invocation, invocation};

    /// The text of every range a rule's `inspect` flags in `line` (one command).
    pub fn flagged<T>(
        line: &str,
        inspect: impl Fn(&Invocation<'_>) -> Vec<(std::ops::Range<usize>, T)>,
    ) -> Vec<String> {
        let c = cmd(line);
        let inv = invocation(&c).expect("a command");
        inspect(&inv)
            .into_iter()
            .map(|(r, _)| line.get(r).unwrap_or_default().to_string())
            .collect()
    }

    pub fn cmd(s: &str) -> Command {
        script(s).into_iter().next().unwrap_or(Command {
            words: Vec::new(),
            range: 0..0,
            connector: Connector::Start,
            depth: 0,
        })
    }

    /// Splits at words `&&`, `||`, `;`, `|` (written as separate words).
    pub fn script(s: &str) -> Vec<Command> {
        let mut out = Vec::new();
        let mut words: Vec<ShWord> = Vec::new();
        let flush = |words: &mut Vec<ShWord>, out: &mut Vec<Command>| {
            if let (Some(f), Some(l)) = (words.first(), words.last()) {
                let range = f.range.start..l.range.end;
                out.push(Command {
                    words: std::mem::take(words),
                    range,
                    connector: Connector::Start,
                    depth: 0,
                });
            }
        };
        let mut start = None;
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(st)) => {
                    let raw = &s[st..i];
                    if matches!(raw, "&&" | "||" | ";" | "|") {
                        flush(&mut words, &mut out);
                    } else {
                        words.push(ShWord {
                            text: raw.trim_matches(|c| c == '\'' || c == '"').to_string(),
                            range: st..i,
                        });
                    }
                    start = None;
                }
                _ => {}
            }
        }
        flush(&mut words, &mut out);
        out
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod spec_split_tests;
