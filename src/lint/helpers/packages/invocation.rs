//! Command unwrapping: `sudo`, `env A=B`, `command`, `exec`, `time`, `nice`, `nohup` and
//! `call` removed down to the real command.

use super::*;

/// A command with wrappers such as `sudo`, `env A=B`, `command`, `exec`, `time`, `nice` removed.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub cmd: &'a Command,
    /// Lowercased program name (see [`program_name`]).
    pub name_word: &'a ShWord,
    /// Arguments after the program name.
    pub args: &'a [ShWord],
}

impl Invocation<'_> {
    pub fn name(&self) -> ProgramName<'_> {
        program_name(&self.name_word.text)
    }
}

/// How deep wrapper chains are followed (`sudo env time apt-get`).
pub(super) const MAX_WRAPPERS: usize = 16;

/// Unwraps `sudo [-u user] [-E] cmd`, `env [-i] [A=B] cmd`, `command cmd`, `exec cmd`, `time cmd`,
/// `nice [-n N] cmd`, `nohup cmd` and cmd's `call cmd` to the real command. `None` for an empty
/// command.
pub fn invocation(cmd: &Command) -> Option<Invocation<'_>> {
    let mut words: &[ShWord] = &cmd.words;
    for _ in 0..MAX_WRAPPERS {
        let first = words.first()?;
        if is_assignment(&first.text) {
            words = words.get(1..).unwrap_or(&[]);
            continue;
        }
        let name = program_name(&first.text);
        let rest = words.get(1..).unwrap_or(&[]);
        let skip = match name.as_str() {
            "sudo" => {
                skip_wrapper_options(rest, &["u", "g", "h", "p", "c", "r", "t", "user", "group"])
            }
            "env" => {
                let mut i =
                    skip_wrapper_options(rest, &["u", "unset", "c", "chdir", "s", "split-string"]);
                while rest.get(i).is_some_and(|w| is_assignment(&w.text)) {
                    i += 1;
                }
                i
            }
            "nice" => skip_wrapper_options(rest, &["n", "adjustment"]),
            "command" | "exec" | "time" | "nohup" | "stdbuf" | "call" => {
                skip_wrapper_options(rest, &[])
            }
            _ => {
                return Some(Invocation {
                    cmd,
                    name_word: first,
                    args: rest,
                });
            }
        };
        words = rest.get(skip..).unwrap_or(&[]);
    }
    None
}

pub(super) fn skip_wrapper_options(rest: &[ShWord], with_value: &[&str]) -> usize {
    let mut i = 0;
    while let Some(w) = rest.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return i + 1;
        }
        if !t.starts_with('-') || t.len() < 2 {
            break;
        }
        let name = t.trim_start_matches('-');
        i += 1;
        if !name.contains('=') && with_value.contains(&name) {
            i += 1;
        }
    }
    i
}

/// `NAME=value` shell assignment.
pub fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes().first().is_some_and(u8::is_ascii_digit)
        }
        None => false,
    }
}

/// Every command of every RUN script with its wrappers removed.
pub fn invocations<'s>(
    scripts: &'s [ShellScript<'s>],
) -> impl Iterator<Item = (&'s ShellScript<'s>, Invocation<'s>)> + 's {
    scripts.iter().flat_map(|s| {
        s.script
            .commands
            .iter()
            .filter_map(move |c| invocation(c).map(|i| (s, i)))
    })
}
