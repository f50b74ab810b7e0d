//! Option / operand splitting that knows which options take a value.

use super::*;

/// Which options consume the following word as their value.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Only the listed options take a value (names without dashes).
    Listed(&'static [&'static str]),
    /// Every option takes a value except the listed switches (PowerShell cmdlets).
    AllExcept(&'static [&'static str]),
}

/// How a command line spells its options.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    pub values: Values,
    /// POSIX getopt style: `-abc` is a cluster of one-letter options, `-ofoo` is `-o foo`, `--`
    /// ends the options. When false, `-name` is one option (choco, nuget.exe, PowerShell) and
    /// may carry its value after `=` or `:`.
    pub short_clusters: bool,
    /// Option names compare case-insensitively (Windows tools).
    pub case_insensitive: bool,
    /// `-4`, `-1` are options (curl's `-4` = IPv4 only), not negative-number operands.
    pub numeric_options: bool,
    /// PowerShell: value parameters known by name. A name that abbreviates one of them is not
    /// read as a switch it also abbreviates (`-Pro` could be `-Proxy`).
    pub value_params: &'static [&'static str],
}

impl OptSpec {
    pub const fn posix(values: &'static [&'static str]) -> Self {
        Self {
            values: Values::Listed(values),
            short_clusters: true,
            case_insensitive: false,
            numeric_options: false,
            value_params: &[],
        }
    }
    /// Single-dash long options with listed value-taking names, case-insensitive (choco, nuget).
    pub const fn windows(values: &'static [&'static str]) -> Self {
        Self {
            values: Values::Listed(values),
            short_clusters: false,
            case_insensitive: true,
            numeric_options: false,
            value_params: &[],
        }
    }
    /// PowerShell cmdlet: every `-Param` takes a value except the listed switches.
    pub const fn powershell(switches: &'static [&'static str]) -> Self {
        Self {
            values: Values::AllExcept(switches),
            short_clusters: false,
            case_insensitive: true,
            numeric_options: false,
            value_params: &[],
        }
    }

    /// The same spec with `-<digit>` words read as options (see [`Self::numeric_options`]).
    pub const fn with_numeric_options(self) -> Self {
        Self {
            numeric_options: true,
            ..self
        }
    }

    /// The same spec with the cmdlet's known value parameters (see [`Self::value_params`]).
    pub const fn with_value_params(self, value_params: &'static [&'static str]) -> Self {
        Self {
            value_params,
            ..self
        }
    }

    fn takes_value(&self, name: &str) -> bool {
        let eq = |n: &&str| {
            if self.case_insensitive {
                n.eq_ignore_ascii_case(name)
            } else {
                *n == name
            }
        };
        match self.values {
            Values::Listed(l) => l.iter().any(eq),
            Values::AllExcept(switches) => {
                if switches.iter().any(eq) {
                    return false;
                }
                if self.value_params.iter().any(eq) {
                    return true;
                }
                // PowerShell takes any unambiguous prefix of a parameter name (`-useb` is
                // `-UseBasicParsing`); three letters at least, and not when it could as well
                // be a known value parameter.
                let abbreviates = |full: &&str| {
                    name.len() >= 3
                        && full.len() > name.len()
                        && full
                            .get(..name.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(name))
                };
                !switches.iter().any(abbreviates) || self.value_params.iter().any(abbreviates)
            }
        }
    }
}

/// The value of an option: attached (`--x=v`, `-ov`, `-Name:v`) or the next word.
#[derive(Debug, Clone)]
pub struct OptValue<'a> {
    /// Unquoted value text.
    pub text: &'a str,
    /// The word the value is in.
    pub word: &'a ShWord,
    /// Byte range of the value in the script text (the whole word when it was quoted).
    pub range: std::ops::Range<usize>,
}

/// One option occurrence.
#[derive(Debug, Clone)]
pub struct Opt<'a> {
    /// Name without leading dashes, as written (`target-release`, `y`, `RequiredVersion`).
    pub name: &'a str,
    pub word: &'a ShWord,
    pub value: Option<OptValue<'a>>,
}

/// Options and operands of a command line.
#[derive(Debug, Clone, Default)]
pub struct ParsedArgs<'a> {
    pub options: Vec<Opt<'a>>,
    /// Non-option words in order.
    pub operands: Vec<&'a ShWord>,
    pub(super) case_insensitive: bool,
}

impl<'a> ParsedArgs<'a> {
    fn name_eq(&self, a: &str, b: &str) -> bool {
        if self.case_insensitive {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    /// The first option with one of `names` (without dashes).
    pub fn opt(&self, names: &[&str]) -> Option<&Opt<'a>> {
        self.options
            .iter()
            .find(|o| names.iter().any(|n| self.name_eq(o.name, n)))
    }

    pub fn has(&self, names: &[&str]) -> bool {
        self.opt(names).is_some()
    }

    /// Every value given to one of `names`, in order.
    pub fn values(&self, names: &[&str]) -> Vec<OptValue<'a>> {
        self.options
            .iter()
            .filter(|o| names.iter().any(|n| self.name_eq(o.name, n)))
            .filter_map(|o| o.value.clone())
            .collect()
    }

    pub fn value(&self, names: &[&str]) -> Option<OptValue<'a>> {
        self.values(names).into_iter().next()
    }

    /// PowerShell: an option given by an unambiguous prefix of `full` of at least `min` chars
    /// (`-RequiredV` for `-RequiredVersion`).
    pub fn opt_prefix(&self, full: &str, min: usize) -> Option<&Opt<'a>> {
        self.options.iter().find(|o| {
            o.name.len() >= min
                && o.name.len() <= full.len()
                && full
                    .get(..o.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(o.name))
        })
    }
}

/// Value sub-range of a word whose first `prefix` unquoted bytes are the option name: exact when
/// the word was written without quotes, else the whole word.
pub(super) fn attached_range(word: &ShWord, prefix: usize) -> std::ops::Range<usize> {
    if word.range.len() == word.text.len() {
        (word.range.start + prefix).min(word.range.end)..word.range.end
    } else {
        word.range.clone()
    }
}

/// Splits `args` into options and operands.
pub fn parse_args<'a>(args: &'a [ShWord], spec: &OptSpec) -> ParsedArgs<'a> {
    let mut out = ParsedArgs {
        case_insensitive: spec.case_insensitive,
        ..ParsedArgs::default()
    };
    let mut i = 0;
    let mut only_operands = false;
    while let Some(w) = args.get(i) {
        i += 1;
        let t = w.text.as_str();
        if only_operands
            || !t.starts_with('-')
            || t.len() < 2
            || (!spec.numeric_options && is_negative_number(t))
        {
            out.operands.push(w);
            continue;
        }
        if t == "--" && spec.short_clusters {
            only_operands = true;
            continue;
        }
        let long = t.starts_with("--");
        if long || !spec.short_clusters {
            let body = if long { &t[2..] } else { &t[1..] };
            let sep = if spec.short_clusters {
                body.find('=')
            } else {
                body.find(['=', ':'])
            };
            if let Some(p) = sep {
                let name = &body[..p];
                let dashes = t.len() - body.len();
                let value = OptValue {
                    text: &body[p + 1..],
                    word: w,
                    range: attached_range(w, dashes + p + 1),
                };
                out.options.push(Opt {
                    name,
                    word: w,
                    value: Some(value),
                });
            } else if let Some(next) = args.get(i).filter(|n| {
                // PowerShell `-Switch:$false` reaches us split into `-Switch` and `$false`
                // (separated by the colon): a boolean right after an option is its value.
                !spec.short_clusters
                    && n.range.start <= w.range.end + 1
                    && (n.text.eq_ignore_ascii_case("$false")
                        || n.text.eq_ignore_ascii_case("$true"))
            }) {
                i += 1;
                let name = body.strip_suffix(':').unwrap_or(body);
                let value = OptValue {
                    text: next.text.as_str(),
                    word: next,
                    range: next.range.clone(),
                };
                out.options.push(Opt {
                    name,
                    word: w,
                    value: Some(value),
                });
            } else if spec.takes_value(body) {
                let value = args.get(i).map(|v| OptValue {
                    text: v.text.as_str(),
                    word: v,
                    range: v.range.clone(),
                });
                if value.is_some() {
                    i += 1;
                }
                out.options.push(Opt {
                    name: body,
                    word: w,
                    value,
                });
            } else {
                out.options.push(Opt {
                    name: body,
                    word: w,
                    value: None,
                });
            }
            continue;
        }
        // POSIX cluster `-abc` / `-ovalue` / `-o value`.
        let body = &t[1..];
        for (pos, c) in body.char_indices() {
            let name = &body[pos..pos + c.len_utf8()];
            if spec.takes_value(name) {
                let rest = &body[pos + c.len_utf8()..];
                let value = if rest.is_empty() {
                    let v = args.get(i).map(|v| OptValue {
                        text: v.text.as_str(),
                        word: v,
                        range: v.range.clone(),
                    });
                    if v.is_some() {
                        i += 1;
                    }
                    v
                } else {
                    let rest = rest.strip_prefix(['=', ':']).unwrap_or(rest);
                    Some(OptValue {
                        text: rest,
                        word: w,
                        range: attached_range(w, t.len() - rest.len()),
                    })
                };
                out.options.push(Opt {
                    name,
                    word: w,
                    value,
                });
                break;
            }
            out.options.push(Opt {
                name,
                word: w,
                value: None,
            });
        }
    }
    out
}

pub(super) fn is_negative_number(t: &str) -> bool {
    t.len() > 1 && t[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Splits `tool [global options] subcommand rest…`: skips leading options (with the values
/// `global` says they take) and returns the subcommand word and the words after it.
pub fn split_subcommand<'a>(
    args: &'a [ShWord],
    global: &OptSpec,
) -> Option<(&'a ShWord, &'a [ShWord])> {
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        if !t.starts_with('-') || t.len() < 2 {
            return Some((w, args.get(i + 1..).unwrap_or(&[])));
        }
        i += 1;
        if t == "--" {
            continue;
        }
        let body = t.trim_start_matches('-');
        let attached = if global.short_clusters && !t.starts_with("--") {
            // `-C dir` vs `-Cdir`
            body.len() > 1 || body.contains('=')
        } else {
            body.contains('=') || (!global.short_clusters && body.contains(':'))
        };
        if !attached && global.takes_value(body) {
            i += 1;
        }
    }
    None
}
