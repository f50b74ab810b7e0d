//! Shared parsing for the package-install rules (DF504–DF522): command unwrapping (`sudo`,
//! `env`), option/operand splitting that knows which options take a value (`-t
//! bookworm-backports`, `-o x=y`, `--target-release=x`, `-Version 1.2`), package-spec pin
//! classification per ecosystem, and small Dockerfile-level facts (cache mounts, ENV in a
//! stage, stages that end up in the final image).

use crate::dockerfile::shell::{Command, ProgramName, ShWord, program_name};
use crate::dockerfile::{InstructionKind, Logical};
use crate::lint::{LintContext, ShellScript};
use crate::source::Span;

// ---------------------------------------------------------------------------------------------
// Command unwrapping
// ---------------------------------------------------------------------------------------------

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
const MAX_WRAPPERS: usize = 16;

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

fn skip_wrapper_options(rest: &[ShWord], with_value: &[&str]) -> usize {
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

// ---------------------------------------------------------------------------------------------
// Option / operand splitting
// ---------------------------------------------------------------------------------------------

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
}

impl OptSpec {
    pub const fn posix(values: &'static [&'static str]) -> Self {
        Self {
            values: Values::Listed(values),
            short_clusters: true,
            case_insensitive: false,
        }
    }
    /// Single-dash long options with listed value-taking names, case-insensitive (choco, nuget).
    pub const fn windows(values: &'static [&'static str]) -> Self {
        Self {
            values: Values::Listed(values),
            short_clusters: false,
            case_insensitive: true,
        }
    }
    /// PowerShell cmdlet: every `-Param` takes a value except the listed switches.
    pub const fn powershell(switches: &'static [&'static str]) -> Self {
        Self {
            values: Values::AllExcept(switches),
            short_clusters: false,
            case_insensitive: true,
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
            Values::AllExcept(l) => !l.iter().any(eq),
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
    case_insensitive: bool,
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
fn attached_range(word: &ShWord, prefix: usize) -> std::ops::Range<usize> {
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
        if only_operands || !t.starts_with('-') || t.len() < 2 || is_negative_number(t) {
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

fn is_negative_number(t: &str) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Chocolatey
// ---------------------------------------------------------------------------------------------

/// Value-taking options of `choco install` / `upgrade` (names compare case-insensitively, one or
/// two dashes).
pub const CHOCO_INSTALL_OPTS: OptSpec = OptSpec::windows(&[
    "version",
    "s",
    "source",
    "u",
    "user",
    "p",
    "password",
    "cert",
    "cp",
    "certpassword",
    "params",
    "parameters",
    "pkgparameters",
    "packageparameters",
    "package-parameters",
    "ia",
    "installargs",
    "installarguments",
    "install-arguments",
    "install-arguments-sensitive",
    "package-parameters-sensitive",
    "t",
    "timeout",
    "execution-timeout",
    "executiontimeout",
    "c",
    "cache",
    "cachelocation",
    "cache-location",
    "log-file",
    "logfile",
    "checksum",
    "downloadchecksum",
    "download-checksum",
    "checksum64",
    "checksumx64",
    "downloadchecksumx64",
    "download-checksum-x64",
    "checksumtype",
    "checksum-type",
    "downloadchecksumtype",
    "download-checksum-type",
    "checksumtype64",
    "checksum-type-x64",
    "download-checksum-type-x64",
    "proxy",
    "proxy-user",
    "proxy-password",
    "proxy-bypass-list",
    "viruspositivesminimum",
    "virus-positives-minimum",
    "except",
    "pin-reason",
]);

/// Value-taking options of `choco source` / `feature` / `config` / `apikey`.
pub const CHOCO_ADMIN_OPTS: OptSpec = OptSpec::windows(&[
    "n",
    "name",
    "s",
    "source",
    "u",
    "user",
    "p",
    "password",
    "cert",
    "cp",
    "certpassword",
    "priority",
    "log-file",
    "logfile",
    "value",
    "k",
    "key",
    "apikey",
    "api-key",
]);

/// A parsed Chocolatey command.
#[derive(Debug, Clone)]
pub struct Choco<'a> {
    /// Lowercased subcommand: `install` (also `cinst`), `upgrade` (also `cup`), `source`,
    /// `feature`, …
    pub sub: String,
    /// Where the subcommand is written (the program name for `cinst` / `cup`).
    pub sub_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

impl Choco<'_> {
    pub fn installs(&self) -> bool {
        self.sub == "install" || self.sub == "upgrade"
    }
}

/// Parses `choco …`, `cinst …`, `cup …`.
pub fn choco<'a>(inv: &Invocation<'a>) -> Option<Choco<'a>> {
    let name = inv.name();
    let (sub, sub_word, rest) = match name.as_str() {
        "cinst" => ("install".to_string(), inv.name_word, inv.args),
        "cup" => ("upgrade".to_string(), inv.name_word, inv.args),
        "choco" => {
            let (w, rest) = split_subcommand(inv.args, &CHOCO_ADMIN_OPTS)?;
            (w.text.to_ascii_lowercase(), w, rest)
        }
        _ => return None,
    };
    let spec = if sub == "install" || sub == "upgrade" {
        &CHOCO_INSTALL_OPTS
    } else {
        &CHOCO_ADMIN_OPTS
    };
    Some(Choco {
        sub,
        sub_word,
        args: parse_args(rest, spec),
    })
}

/// A choco option name without dashes/case differences (`--ignore-checksums` → `ignorechecksums`).
pub fn choco_norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// dotnet / nuget.exe
// ---------------------------------------------------------------------------------------------

/// Value-taking options across `dotnet restore/build/publish/pack/run/test/tool/add/new/nuget`.
pub const DOTNET_OPTS: OptSpec = OptSpec::posix(&[
    "s",
    "source",
    "add-source",
    "configfile",
    "f",
    "framework",
    "r",
    "runtime",
    "c",
    "configuration",
    "o",
    "output",
    "v",
    "verbosity",
    "version",
    "tool-path",
    "tool-manifest",
    "a",
    "arch",
    "os",
    "packages",
    "package-directory",
    "property",
    "p",
    "lockfile-path",
    "n",
    "name",
    "u",
    "username",
    "password",
    "api-key",
    "k",
    "l",
    "logger",
    "e",
    "environment",
    "version-suffix",
    "artifacts-path",
    "launch-profile",
    "project",
    "format",
    "filter",
    "settings",
    "results-directory",
    "collect",
    "blame-hang-timeout",
    "diag",
    "d",
    "valid-authentication-types",
    "protocol-version",
    "cert",
    "interactive-timeout",
]);

/// A parsed `dotnet` command: the words naming the command (`tool install`, `nuget add source`,
/// `add package`) lowercased and joined with spaces, and the remaining arguments.
#[derive(Debug, Clone)]
pub struct Dotnet<'a> {
    pub verb: String,
    /// The last word of the verb.
    pub verb_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

/// Parses `dotnet <verb…> args`. Multi-word verbs: `tool install|update|restore|…`,
/// `nuget add|update|remove|… source`, `add [project] package|reference`, `package add`,
/// `new install`.
pub fn dotnet<'a>(inv: &Invocation<'a>) -> Option<Dotnet<'a>> {
    if inv.name() != "dotnet" {
        return None;
    }
    let (first, rest) = split_subcommand(inv.args, &DOTNET_OPTS)?;
    let first_l = first.text.to_ascii_lowercase();
    let parsed = parse_args(rest, &DOTNET_OPTS);
    let mut verb = first_l.clone();
    let mut verb_word = first;
    let mut ops = parsed.operands.clone();
    let take = |ops: &mut Vec<&'a ShWord>, i: usize| {
        if i < ops.len() {
            Some(ops.remove(i))
        } else {
            None
        }
    };
    match first_l.as_str() {
        "tool" | "package" | "new" | "workload" | "sln" | "reference" => {
            if let Some(w) = take(&mut ops, 0) {
                verb = format!("{first_l} {}", w.text.to_ascii_lowercase());
                verb_word = w;
            }
        }
        "nuget" => {
            if let Some(w) = take(&mut ops, 0) {
                let second = w.text.to_ascii_lowercase();
                verb_word = w;
                verb = format!("nuget {second}");
                if matches!(
                    second.as_str(),
                    "add" | "update" | "remove" | "enable" | "disable" | "list"
                ) && ops
                    .first()
                    .is_some_and(|o| o.text.eq_ignore_ascii_case("source"))
                    && let Some(src) = take(&mut ops, 0)
                {
                    verb = format!("nuget {second} source");
                    verb_word = src;
                }
            }
        }
        "add" | "remove" => {
            // `dotnet add [PROJECT] package X`
            if let Some(pos) = ops.iter().position(|o| {
                o.text.eq_ignore_ascii_case("package") || o.text.eq_ignore_ascii_case("reference")
            }) && pos <= 1
            {
                let w = ops.remove(pos);
                if pos == 1 {
                    ops.remove(0);
                }
                verb = format!("{first_l} {}", w.text.to_ascii_lowercase());
                verb_word = w;
            }
        }
        _ => {}
    }
    let args = ParsedArgs {
        options: parsed.options,
        operands: ops,
        case_insensitive: false,
    };
    Some(Dotnet {
        verb,
        verb_word,
        args,
    })
}

/// Value-taking options of nuget.exe (single dash, case-insensitive).
pub const NUGET_OPTS: OptSpec = OptSpec::windows(&[
    "version",
    "outputdirectory",
    "o",
    "source",
    "fallbacksource",
    "configfile",
    "framework",
    "verbosity",
    "packagesavemode",
    "dependencyversion",
    "solutiondirectory",
    "packagesdirectory",
    "msbuildversion",
    "msbuildpath",
    "name",
    "username",
    "password",
    "storepasswordincleartext",
    "validauthenticationtypes",
    "protocolversion",
    "format",
    "apikey",
    "timeout",
    "configfile",
    "project2projecttimeout",
    "recursive",
    "lockfilepath",
    "id",
    "repositorypath",
    "safe",
]);

/// A parsed `nuget.exe` command.
#[derive(Debug, Clone)]
pub struct Nuget<'a> {
    /// Lowercased verb; `sources add` for `nuget sources add`.
    pub verb: String,
    pub verb_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

pub fn nuget<'a>(inv: &Invocation<'a>) -> Option<Nuget<'a>> {
    if inv.name() != "nuget" {
        return None;
    }
    let (first, rest) = split_subcommand(inv.args, &NUGET_OPTS)?;
    let mut args = parse_args(rest, &NUGET_OPTS);
    let mut verb = first.text.to_ascii_lowercase();
    let mut verb_word = first;
    if (verb == "sources" || verb == "source") && !args.operands.is_empty() {
        let w = args.operands.remove(0);
        verb = format!("sources {}", w.text.to_ascii_lowercase());
        verb_word = w;
    }
    Some(Nuget {
        verb,
        verb_word,
        args,
    })
}

/// Splits a source list value (`a;b`, URL-encoded `%3B` too) into its entries.
pub fn split_sources(v: &str) -> Vec<&str> {
    v.split(';')
        .flat_map(|p| p.split("%3B"))
        .flat_map(|p| p.split("%3b"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// OS package managers
// ---------------------------------------------------------------------------------------------

/// Value-taking options of apt-get / apt / aptitude.
pub const APT_OPTS: OptSpec = OptSpec::posix(&[
    "o",
    "option",
    "t",
    "target-release",
    "default-release",
    "c",
    "config-file",
    "a",
    "host-architecture",
    "P",
    "build-profiles",
    "solver",
    "planner",
]);

/// Value-taking options of apk.
pub const APK_OPTS: OptSpec = OptSpec::posix(&[
    "X",
    "repository",
    "t",
    "virtual",
    "p",
    "root",
    "arch",
    "cache-dir",
    "keys-dir",
    "repositories-file",
    "cache-max-age",
    "timeout",
    "from",
]);

/// Value-taking options of yum / dnf / microdnf / tdnf.
pub const DNF_OPTS: OptSpec = OptSpec::posix(&[
    "c",
    "config",
    "installroot",
    "releasever",
    "setopt",
    "enablerepo",
    "disablerepo",
    "repo",
    "repoid",
    "x",
    "exclude",
    "d",
    "debuglevel",
    "e",
    "errorlevel",
    "rpmverbosity",
    "downloaddir",
    "destdir",
    "forcearch",
    "repofrompath",
    "color",
    "comment",
    "advisory",
    "advisories",
    "bz",
    "bzs",
    "cve",
    "cves",
    "sec-severity",
    "secseverity",
    "disableplugin",
    "enableplugin",
    "R",
    "randomwait",
    "platform-id",
    "cachedir",
]);

/// Value-taking options of zypper (global and install options).
pub const ZYPPER_OPTS: OptSpec = OptSpec::posix(&[
    "R",
    "root",
    "c",
    "config",
    "D",
    "reposd-dir",
    "C",
    "cache-dir",
    "raw-cache-dir",
    "solv-cache-dir",
    "pkg-cache-dir",
    "t",
    "type",
    "r",
    "repo",
    "from",
    "download",
    "userdata",
    "installroot",
    "releasever",
]);

/// A Linux package-manager family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Apt,
    Apk,
    Dnf,
    Zypper,
}

/// A parsed OS package-manager command.
#[derive(Debug, Clone)]
pub struct PkgCmd<'a> {
    pub family: Family,
    /// The program as written lowercased (`apt-get`, `dnf`, …).
    pub tool: String,
    /// Normalized subcommand (`in` → `install`, `ref` → `refresh`, `dup` → `dist-upgrade`).
    pub sub: String,
    pub sub_word: &'a ShWord,
    pub args: ParsedArgs<'a>,
}

impl<'a> PkgCmd<'a> {
    /// Package arguments (operands after the subcommand).
    pub fn packages(&self) -> &[&'a ShWord] {
        self.args.operands.get(1..).unwrap_or(&[])
    }
}

/// Parses apt-get / apt / aptitude / apk / yum / dnf / dnf5 / microdnf / tdnf / zypper commands.
pub fn pkg_command<'a>(inv: &Invocation<'a>) -> Option<PkgCmd<'a>> {
    let tool = inv.name();
    let (family, spec) = match tool.as_str() {
        "apt-get" | "apt" | "aptitude" => (Family::Apt, &APT_OPTS),
        "apk" => (Family::Apk, &APK_OPTS),
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => (Family::Dnf, &DNF_OPTS),
        "zypper" => (Family::Zypper, &ZYPPER_OPTS),
        _ => return None,
    };
    let args = parse_args(inv.args, spec);
    let sub_word = *args.operands.first()?;
    let raw = sub_word.text.to_ascii_lowercase();
    let sub = match (family, raw.as_str()) {
        (Family::Zypper, "in") => "install".to_string(),
        (Family::Zypper, "ref") => "refresh".to_string(),
        (Family::Zypper, "dup") => "dist-upgrade".to_string(),
        (Family::Zypper, "up") => "update".to_string(),
        (Family::Zypper, "rm") => "remove".to_string(),
        _ => raw,
    };
    Some(PkgCmd {
        family,
        tool: tool.into_owned(),
        sub,
        sub_word,
        args,
    })
}

/// Package arguments whose pin floats, with the pin kind.
pub fn floating<'a>(packages: &[&'a ShWord], pin: fn(&str) -> Pin) -> Vec<(&'a ShWord, Pin)> {
    packages
        .iter()
        .map(|w| (*w, pin(&w.text)))
        .filter(|(_, p)| p.floats())
        .collect()
}

/// Standard message for unpinned package arguments of one command.
pub fn unpinned_message(cmd: &str, floats: &[(&ShWord, Pin)], example: &str) -> String {
    let names: Vec<String> = floats.iter().map(|(w, _)| w.text.clone()).collect();
    let ranges: Vec<String> = floats
        .iter()
        .filter(|(_, p)| *p == Pin::Range)
        .map(|(w, _)| w.text.clone())
        .collect();
    let what = if ranges.len() == names.len() {
        format!(
            "only bounds {} by a version range",
            list_for_message(&names)
        )
    } else if ranges.is_empty() {
        format!("installs {} without a version", list_for_message(&names))
    } else {
        format!(
            "installs {} without an exact version ({} only a range)",
            list_for_message(&names),
            list_for_message(&ranges)
        )
    };
    format!(
        "`{cmd}` {what}: each build takes whatever the repository serves that day; pin exact versions ({example})"
    )
}

// ---------------------------------------------------------------------------------------------
// Pins
// ---------------------------------------------------------------------------------------------

/// How precisely a package argument fixes the version that gets installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// One exact version (`curl=8.5.0-2`, `requests==2.32.3`, `typescript@5.6.3`).
    Exact,
    /// A version series the package manager matches by prefix (`curl=8.5.*`, apk `curl~8.11`).
    /// OS package mirrors drop superseded builds, so the rules accept this as a pin.
    Series,
    /// A version range (`>=1.2`, `~=1.2`, `^5`, `@5`): still floats.
    Range,
    /// No version at all (or a moving tag such as `@latest`).
    Unpinned,
    /// A local file, directory, URL or VCS reference: the artifact itself fixes the version.
    Artifact,
    /// Built from a variable (`$PKGS`, `${PKG}=1`): cannot be judged.
    Unknown,
}

impl Pin {
    /// Whether a rule about unpinned packages should report this spec.
    pub fn floats(self) -> bool {
        matches!(self, Pin::Range | Pin::Unpinned)
    }
}

fn has_var(s: &str) -> bool {
    s.contains('$') || s.contains('`') || s.contains('%')
}

/// Path or URL rather than a package name.
pub fn is_path_or_url(s: &str) -> bool {
    s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.starts_with('\\')
        || s.contains("://")
        || s.get(1..3).is_some_and(|p| p == ":\\" || p == ":/")
}

fn ends_with_ci(s: &str, suffixes: &[&str]) -> bool {
    let l = s.to_ascii_lowercase();
    suffixes.iter().any(|x| l.ends_with(x))
}

/// A Debian-family package argument: `pkg`, `pkg=1.2-3`, `pkg=1.2.*`, `pkg:amd64=1.2`,
/// `pkg/bookworm-backports` (a release, not a version), `./x.deb`.
pub fn apt_pin(spec: &str) -> Pin {
    if is_path_or_url(spec) || ends_with_ci(spec, &[".deb"]) {
        return Pin::Artifact;
    }
    match spec.split_once('=') {
        Some((name, ver)) => {
            if has_var(name) {
                Pin::Unknown
            } else if ver.is_empty() {
                Pin::Unpinned
            } else if ver.contains('*') {
                Pin::Series
            } else {
                Pin::Exact
            }
        }
        None if has_var(spec) => Pin::Unknown,
        None => Pin::Unpinned,
    }
}

/// An Alpine package argument: `pkg`, `pkg=1.2.3-r0`, `pkg~1.2` / `pkg~=1.2` (fuzzy: a series),
/// `pkg>1.2`, `pkg<=2` (ranges), `x.apk`.
pub fn apk_pin(spec: &str) -> Pin {
    if is_path_or_url(spec) || ends_with_ci(spec, &[".apk"]) {
        return Pin::Artifact;
    }
    let Some(op_at) = spec.find(['=', '~', '<', '>']) else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, rest) = spec.split_at(op_at);
    if has_var(name) {
        return Pin::Unknown;
    }
    let op_len = rest
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'~' | b'<' | b'>'))
        .count();
    let (op, ver) = rest.split_at(op_len);
    if ver.is_empty() {
        return Pin::Unpinned;
    }
    match op {
        "=" if !ver.contains('*') => Pin::Exact,
        "=" | "~" | "~=" => Pin::Series,
        _ => Pin::Range,
    }
}

/// An RPM-family (yum/dnf/microdnf/zypper) package argument: `git`, `git-2.43.5`,
/// `git-2.43.5-1.el9`, `git-0:2.43.5-1.el9.x86_64`, zypper `git=2.43.5`, `git>=2` (range),
/// `'git >= 2'`, `@group`, `x.rpm`, file provides (`/usr/bin/x`), capabilities (`x(y)`).
pub fn rpm_pin(spec: &str) -> Pin {
    let spec = spec.trim();
    if is_path_or_url(spec)
        || ends_with_ci(spec, &[".rpm"])
        || spec.starts_with('@')
        || spec.contains('(')
    {
        return Pin::Artifact;
    }
    if let Some(op_at) = spec.find(['=', '<', '>']) {
        let (name, rest) = spec.split_at(op_at);
        if has_var(name) {
            return Pin::Unknown;
        }
        let op_len = rest
            .bytes()
            .take_while(|b| matches!(b, b'=' | b'<' | b'>'))
            .count();
        let (op, ver) = rest.split_at(op_len);
        let ver = ver.trim();
        if ver.is_empty() {
            return Pin::Unpinned;
        }
        return match op {
            "=" | "==" if ver.contains('*') => Pin::Series,
            "=" | "==" => Pin::Exact,
            _ => Pin::Range,
        };
    }
    if has_var(spec) {
        return Pin::Unknown;
    }
    if rpm_name_version(spec).is_some() {
        if spec.contains('*') {
            Pin::Series
        } else {
            Pin::Exact
        }
    } else {
        Pin::Unpinned
    }
}

/// Splits `name-version[-release][.arch]` at the dash that starts the version: the remainder is
/// `[epoch:]version` optionally followed by `-release`, both starting with a digit
/// (`java-17-openjdk` has no version; `java-17-openjdk-17.0.9-2.el9` has).
pub fn rpm_name_version(spec: &str) -> Option<(&str, &str)> {
    let bytes = spec.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b'-' || i == 0 {
            continue;
        }
        let rest = spec.get(i + 1..)?;
        let mut parts = rest.split('-');
        let ver = parts.next().unwrap_or("");
        let rel = parts.next();
        if parts.next().is_some() {
            continue;
        }
        let ver_body = match ver.split_once(':') {
            Some((epoch, v)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => ver,
        };
        let ok = |s: &str| {
            s.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && s.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'.' | b'_' | b'+' | b'~' | b'^' | b'*')
                })
        };
        if ok(ver_body) && rel.is_none_or(ok) {
            return Some((&spec[..i], rest));
        }
    }
    None
}

/// A pip requirement argument: `requests`, `requests==2.32.3`, `requests===2.32.3`,
/// `requests[socks]==2.32.3`, `requests>=2` / `~=2.3` / `==2.*` (ranges), `./pkg`, `x.whl`,
/// `git+https://…`, `name @ https://…`. Environment markers after `;` are ignored.
pub fn pip_pin(spec: &str) -> Pin {
    let spec = spec.split(';').next().unwrap_or("").trim();
    if spec.is_empty() {
        return Pin::Unknown;
    }
    if is_path_or_url(spec)
        || spec.contains('@')
        || spec.starts_with("git+")
        || ends_with_ci(spec, &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"])
    {
        return Pin::Artifact;
    }
    let Some(op_at) = spec.find(['=', '<', '>', '~', '!']) else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, rest) = spec.split_at(op_at);
    if has_var(name) {
        return Pin::Unknown;
    }
    if rest.contains(',') {
        // `>=1,<2` — always a range; `==1.2,!=1.2.1` odd but still one version at most.
        return if rest.starts_with("==") && !rest.contains('*') {
            Pin::Exact
        } else {
            Pin::Range
        };
    }
    let op_len = rest
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'<' | b'>' | b'~' | b'!'))
        .count();
    let (op, ver) = rest.split_at(op_len);
    let ver = ver.trim();
    if ver.is_empty() {
        return Pin::Unpinned;
    }
    match op {
        "===" => Pin::Exact,
        "==" if !ver.contains('*') => Pin::Exact,
        _ => Pin::Range,
    }
}

/// `MAJOR.MINOR.PATCH` with optional `-prerelease` / `+build` (an exact semver).
pub fn is_exact_semver(v: &str) -> bool {
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('='))
        .unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An npm/yarn/pnpm package argument: `typescript`, `typescript@5.6.3`, `@scope/pkg@1.2.3`,
/// `typescript@^5` / `@5` / `@latest` (range or moving tag), tarballs, paths, git URLs.
pub fn npm_pin(spec: &str) -> Pin {
    if is_path_or_url(spec)
        || spec.starts_with("git+")
        || spec.starts_with("github:")
        || spec.starts_with("file:")
        || ends_with_ci(spec, &[".tgz", ".tar.gz"])
    {
        return Pin::Artifact;
    }
    // The version separator is the last `@` that is not the scope's leading `@`.
    let at = spec.get(1..).and_then(|s| s.rfind('@')).map(|p| p + 1);
    let Some(at) = at else {
        return if has_var(spec) {
            Pin::Unknown
        } else {
            Pin::Unpinned
        };
    };
    let (name, ver) = (&spec[..at], &spec[at + 1..]);
    if has_var(name) {
        return Pin::Unknown;
    }
    if ver.contains('/') && !ver.contains(' ') {
        // `pkg@github-user/repo` style
        return Pin::Artifact;
    }
    if has_var(ver) {
        return Pin::Unknown;
    }
    if ver.is_empty() || ver.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
        // `pkg@`, `pkg@latest`, `pkg@next`: dist-tags move.
        return Pin::Unpinned;
    }
    if is_exact_semver(ver) {
        Pin::Exact
    } else {
        Pin::Range
    }
}

/// A NuGet version given to `--version` / `-RequiredVersion` / `-Version`: exact unless it
/// uses range or floating syntax (`[1.0,2.0)`, `1.*`, `(,2.0]`).
pub fn nuget_version_pin(v: &str) -> Pin {
    let v = v.trim();
    if v.is_empty() {
        Pin::Unpinned
    } else if has_var(v) {
        Pin::Unknown
    } else if v.contains(['[', '(', ',', '*', ']', ')']) {
        Pin::Range
    } else {
        Pin::Exact
    }
}

// ---------------------------------------------------------------------------------------------
// pip invocations
// ---------------------------------------------------------------------------------------------

/// Program names that are a Python interpreter (`python`, `python3`, `python3.12`, `py`).
pub fn is_python(name: &str) -> bool {
    name == "py"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Program names that are pip (`pip`, `pip3`, `pip3.12`).
pub fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Arguments after `pip` for `pip …`, `pip3 …`, `python -m pip …`, `python3 -m pip …`,
/// `py -m pip …` and `uv pip …`, else `None`.
pub fn pip_args<'a>(inv: &Invocation<'a>) -> Option<&'a [ShWord]> {
    let name = inv.name();
    if is_pip(&name) {
        return Some(inv.args);
    }
    if name == "uv" {
        return (inv.args.first()?.text == "pip").then(|| inv.args.get(1..).unwrap_or(&[]));
    }
    if is_python(&name) {
        // Interpreter options before `-m` (`-u`, `-B`, `-E`, `-I`, `-X opt`).
        let mut i = 0;
        while let Some(w) = inv.args.get(i) {
            match w.text.as_str() {
                "-m" => {
                    let module = inv.args.get(i + 1)?;
                    return (module.text == "pip").then(|| inv.args.get(i + 2..).unwrap_or(&[]));
                }
                "-mpip" => return Some(inv.args.get(i + 1..).unwrap_or(&[])),
                "-X" | "-W" => i += 2,
                t if t.starts_with('-') => i += 1,
                _ => return None,
            }
        }
    }
    None
}

/// Value-taking options of `pip install` (and pip's general options).
pub const PIP_OPTS: OptSpec = OptSpec::posix(&[
    "r",
    "requirement",
    "c",
    "constraint",
    "e",
    "editable",
    "t",
    "target",
    "prefix",
    "root",
    "i",
    "index-url",
    "extra-index-url",
    "f",
    "find-links",
    "trusted-host",
    "platform",
    "python-version",
    "implementation",
    "abi",
    "src",
    "upgrade-strategy",
    "global-option",
    "install-option",
    "C",
    "config-settings",
    "no-binary",
    "only-binary",
    "progress-bar",
    "log",
    "log-file",
    "proxy",
    "retries",
    "timeout",
    "exists-action",
    "cert",
    "client-cert",
    "cache-dir",
    "report",
    "root-user-action",
    "keyring-provider",
    "python",
    "use-feature",
    "use-deprecated",
    "group",
    "build-constraint",
]);

/// A parsed `pip install` (also `python -m pip install`, `uv pip install`).
pub fn pip_install<'a>(inv: &Invocation<'a>) -> Option<(&'a ShWord, ParsedArgs<'a>)> {
    let args = pip_args(inv)?;
    let (sub, rest) = split_subcommand(args, &PIP_OPTS)?;
    (sub.text == "install").then(|| (sub, parse_args(rest, &PIP_OPTS)))
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/// `http://` (case-insensitive) to a host other than loopback.
pub fn is_plain_http(url: &str) -> bool {
    let u = url.trim().trim_matches(|c| c == '"' || c == '\'');
    let Some(rest) = u
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .and_then(|_| u.get(7..))
    else {
        return false;
    };
    let host = rest
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !(host.is_empty() || host == "localhost" || host.starts_with("127.") || host == "[")
}

/// The URL with any `user:password@` userinfo replaced by `***@`, for messages (feed and clone URLs
/// often embed tokens).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_string(),
    }
}

/// A UNC path (`\\server\share\…` or `//server/share/…` as written on Windows).
pub fn is_unc(path: &str) -> bool {
    let p = path.trim().trim_matches(|c| c == '"' || c == '\'');
    p.starts_with("\\\\") && p.len() > 2 && !p.starts_with("\\\\?\\") && !p.starts_with("\\\\.\\")
}

/// `http://`, `https://` or `ftp://` URL.
pub fn is_remote_url(s: &str) -> bool {
    let l = s
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")
}

// ---------------------------------------------------------------------------------------------
// Dockerfile-level facts
// ---------------------------------------------------------------------------------------------

/// `target=` (or `dst=`/`destination=`) paths of `RUN --mount=type=cache,...` flags.
pub fn cache_mount_targets(inst: &crate::dockerfile::Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for f in inst.flags_named("mount") {
        let Some(v) = &f.value else { continue };
        let mut is_cache = false;
        let mut target = None;
        for part in v.split(',') {
            let (k, val) = part.split_once('=').unwrap_or((part, ""));
            match k.trim().to_ascii_lowercase().as_str() {
                "type" => is_cache = val.trim().eq_ignore_ascii_case("cache"),
                "target" | "dst" | "destination" => {
                    target = Some(val.trim().trim_end_matches('/').to_string())
                }
                _ => {}
            }
        }
        if let (true, Some(t)) = (is_cache, target) {
            out.push(t);
        }
    }
    out
}

/// Whether a cache mount of `inst` covers `path` (the mount target is `path` or a parent of it).
pub fn cache_mount_covers(inst: &crate::dockerfile::Instruction, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    cache_mount_targets(inst).iter().any(|t| {
        !t.is_empty()
            && (t == path
                || path
                    .strip_prefix(t.as_str())
                    .is_some_and(|r| r.starts_with('/')))
    })
}

/// Stage indices from `stage` up its `FROM <earlier stage>` chain (bounded).
fn stage_chain(cx: &LintContext<'_>, stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    let mut cur = stage;
    while let Some(p) = cx.model.stages.get(cur).and_then(|s| s.parent_stage) {
        if out.contains(&p) || out.len() > cx.model.stages.len() {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

/// Whether an `ENV key=…` (case-sensitive key) is in effect at instruction `idx`: set earlier in
/// its stage or in a stage it is built `FROM`.
pub fn env_set_at(cx: &LintContext<'_>, idx: usize, key: &str) -> bool {
    let Some(stage) = cx.model.stage_of.get(idx).copied().flatten() else {
        return false;
    };
    stage_chain(cx, stage).into_iter().any(|s| {
        let Some(st) = cx.model.stages.get(s) else {
            return false;
        };
        let end = if s == stage { idx } else { st.end };
        cx.df
            .instructions
            .get(st.from..end.min(cx.df.instructions.len()))
            .unwrap_or(&[])
            .iter()
            .filter(|i| i.kind == InstructionKind::Env)
            .any(|i| {
                i.pairs
                    .iter()
                    .any(|p| p.key == key && p.value.as_deref().is_some_and(|v| !v.is_empty()))
            })
    })
}

/// For every stage: whether its layers end up in the final image (the final stage and the stages
/// it is built `FROM`). Without a stage model every stage counts as shipped.
pub fn shipped_stages(cx: &LintContext<'_>) -> Vec<bool> {
    let n = cx.model.stages.len();
    let Some(fin) = cx.model.final_stage else {
        return vec![true; n];
    };
    let mut out = vec![false; n];
    for s in stage_chain(cx, fin) {
        if let Some(x) = out.get_mut(s) {
            *x = true;
        }
    }
    out
}

/// Whether the instruction of `script` belongs to a stage whose layers are shipped.
pub fn script_shipped(shipped: &[bool], script: &ShellScript<'_>) -> bool {
    script
        .stage
        .is_none_or(|s| shipped.get(s).copied().unwrap_or(true))
}

/// Text bodies of heredocs attached to COPY/ADD instructions whose destination (last word)
/// ends with one of `suffixes` (case-insensitive): `(body, body file span start)`.
pub fn copied_heredocs<'a>(cx: &LintContext<'a>, suffixes: &[&str]) -> Vec<(&'a str, usize)> {
    let mut out = Vec::new();
    for (_, inst) in cx.instructions() {
        if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add)
            || inst.heredocs.is_empty()
        {
            continue;
        }
        let dest = inst.words.last().map(|w| w.text.as_str()).unwrap_or("");
        if !ends_with_ci(dest, suffixes) {
            continue;
        }
        for h in &inst.heredocs {
            out.push((h.body.as_str(), h.body_span.start));
        }
    }
    out
}

/// Data heredocs of a RUN (bodies fed to `cat`, `tee`, … rather than run as the script), with
/// the logical text to map offsets back to the file.
pub fn run_data_heredocs(script: &ShellScript<'_>) -> Vec<Logical> {
    script
        .inst
        .heredocs
        .iter()
        .map(|h| Logical {
            text: h.body.clone(),
            segments: vec![(0, h.body_span.start)],
        })
        .collect()
}

/// File span of a byte range of a plain text that starts at file offset `base`.
pub fn span_at(base: usize, range: std::ops::Range<usize>) -> Span {
    Span::new(base + range.start, base + range.end)
}

/// `a`, `a and b`, `a, b and 2 more` for messages.
pub fn list_for_message(items: &[String]) -> String {
    const SHOWN: usize = 4;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => shown.join(""),
        n if n <= SHOWN => {
            let (last, first) = shown
                .split_last()
                .map_or((String::new(), &[][..]), |(l, f)| (l.clone(), f));
            format!("{} and {last}", first.join(", "))
        }
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}

// =============================================================================================
// Language package managers and package-spec splitting (shared by the rules and the SBOM
// extractor). Option specs for PowerShellGet, npm/yarn/pnpm, gem, go and cargo, and splitters
// that turn a package argument into its name and version parts.
// =============================================================================================

/// Switch parameters (no value) of the PowerShellGet / PSResourceGet / PackageManagement
/// install cmdlets; every other `-Param` takes a value.
pub const PSGET_OPTS: OptSpec = OptSpec::powershell(&[
    "Force",
    "AllowClobber",
    "SkipPublisherCheck",
    "AllowPrerelease",
    "AcceptLicense",
    "PassThru",
    "WhatIf",
    "Confirm",
    "Verbose",
    "Debug",
    "NoClobber",
    "SkipDependencies",
    "IncludeDependencies",
    "ForceBootstrap",
    "AllVersions",
    "AllowPrereleaseVersions",
    "SkipDependencyCheck",
    "TrustRepository",
    "Reinstall",
    "NoPathUpdate",
    "Quiet",
    "AuthenticodeCheck",
    "Prerelease",
    "IncludeXml",
    "AsNupkg",
    "SkipValidate",
]);

/// One package name of a PowerShell install cmdlet (`-Name A,B` gives two).
#[derive(Debug, Clone)]
pub struct PsName<'a> {
    pub name: &'a str,
    pub word: &'a ShWord,
    /// Byte range of the name in the script text (the whole word when it was quoted).
    pub range: std::ops::Range<usize>,
}

/// A parsed `Install-Module` / `Install-Package` / `Install-Script` / `Save-Module` /
/// `Save-Script` / `Install-PSResource` / `Save-PSResource`.
#[derive(Debug, Clone)]
pub struct PsInstall<'a> {
    /// Lowercased cmdlet name.
    pub cmdlet: String,
    /// PSResourceGet cmdlet (`-Version` takes NuGet version syntax) rather than PowerShellGet v2
    /// (`-RequiredVersion` / `-MinimumVersion` / `-MaximumVersion`).
    pub psresource: bool,
    /// Positional names and `-Name` values, comma lists split.
    pub names: Vec<PsName<'a>>,
    pub args: ParsedArgs<'a>,
}

/// Parses a PowerShell install cmdlet. `None` for other commands and for splatted parameters
/// (`Install-Module @params`), whose names are unknown.
pub fn ps_install<'a>(inv: &Invocation<'a>) -> Option<PsInstall<'a>> {
    let cmdlet = inv.name();
    let psresource = match cmdlet.as_str() {
        "install-module" | "install-package" | "install-script" | "save-module" | "save-script" => {
            false
        }
        "install-psresource" | "save-psresource" => true,
        _ => return None,
    };
    if inv.args.iter().any(|w| w.text.starts_with('@')) {
        return None;
    }
    let args = parse_args(inv.args, &PSGET_OPTS);
    let mut names = Vec::new();
    let named = args.values(&["Name"]);
    let words = named
        .iter()
        .map(|v| (v.word, v.range.clone(), v.text))
        .chain(
            args.operands
                .iter()
                .map(|w| (*w, w.range.clone(), w.text.as_str())),
        );
    for (word, range, text) in words {
        names.extend(comma_items(word, range, text));
    }
    Some(PsInstall {
        cmdlet: cmdlet.into_owned(),
        psresource,
        names,
        args,
    })
}

/// Splits a comma list into items with their ranges (exact when the value was written
/// unquoted, else the whole range).
fn comma_items<'a>(
    word: &'a ShWord,
    range: std::ops::Range<usize>,
    text: &'a str,
) -> Vec<PsName<'a>> {
    let exact = range.len() == text.len();
    let mut out = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let start = offset;
        offset += part.len() + 1;
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if name.is_empty() {
            continue;
        }
        let r = if exact {
            let s = range.start + start + lead;
            s..s + name.len()
        } else {
            range.clone()
        };
        out.push(PsName {
            name,
            word,
            range: r,
        });
    }
    out
}

/// Value-taking options of npm / yarn / pnpm.
pub const NPM_OPTS: OptSpec = OptSpec::posix(&[
    "prefix",
    "registry",
    "cache",
    "userconfig",
    "globalconfig",
    "loglevel",
    "omit",
    "include",
    "w",
    "workspace",
    "tag",
    "location",
    "install-strategy",
    "before",
    "C",
    "dir",
    "modules-folder",
    "cwd",
    "network-timeout",
    "mutex",
    "global-folder",
    "cache-folder",
    "filter",
    "F",
    "reporter",
    "node-options",
    "script-shell",
]);

/// npm's install verb and its abbreviations / typo aliases.
pub const NPM_INSTALL_VERBS: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// A parsed Node package install: `npm install|i|add …`, `yarn add …`, `yarn global add …`,
/// `pnpm add|install|i …`.
#[derive(Debug, Clone)]
pub struct NodeInstall<'a> {
    /// `npm`, `yarn` or `pnpm`.
    pub tool: String,
    /// The command as a phrase for messages (`npm i`, `yarn global add`).
    pub verb: String,
    pub verb_word: &'a ShWord,
    /// `-g`, `--global`, `--location=global` or `yarn global`.
    pub global: bool,
    /// Package arguments.
    pub packages: Vec<&'a ShWord>,
    pub args: ParsedArgs<'a>,
}

pub fn node_install<'a>(inv: &Invocation<'a>) -> Option<NodeInstall<'a>> {
    let tool = inv.name();
    if !matches!(tool.as_str(), "npm" | "yarn" | "pnpm") {
        return None;
    }
    let args = parse_args(inv.args, &NPM_OPTS);
    let first = *args.operands.first()?;
    let sub = first.text.to_ascii_lowercase();
    let global = args.has(&["g", "global"])
        || args
            .value(&["location"])
            .is_some_and(|v| v.text == "global")
        || (tool == "yarn" && sub == "global");
    let (verb, verb_word, skip) = match (tool.as_str(), sub.as_str()) {
        ("npm", s) if NPM_INSTALL_VERBS.contains(&s) => (format!("npm {}", first.text), first, 1),
        ("yarn", "global") => {
            let add = *args.operands.get(1)?;
            if add.text != "add" {
                return None;
            }
            ("yarn global add".to_string(), add, 2)
        }
        ("yarn", "add") => ("yarn add".to_string(), first, 1),
        ("pnpm", "add" | "install" | "i") => (format!("pnpm {}", first.text), first, 1),
        _ => return None,
    };
    let packages = args.operands.get(skip..).unwrap_or(&[]).to_vec();
    Some(NodeInstall {
        tool: tool.into_owned(),
        verb,
        verb_word,
        global,
        packages,
        args,
    })
}

/// Value-taking options of `go` subcommands (single dash, `-flag=value` or `-flag value`).
pub const GO_OPTS: OptSpec = OptSpec {
    values: Values::Listed(&[
        "ldflags",
        "gcflags",
        "asmflags",
        "gccgoflags",
        "tags",
        "mod",
        "modfile",
        "p",
        "buildmode",
        "compiler",
        "installsuffix",
        "overlay",
        "pkgdir",
        "toolexec",
        "pgo",
        "C",
        "o",
        "buildvcs",
        "covermode",
        "coverpkg",
    ]),
    short_clusters: false,
    case_insensitive: false,
};

/// Value-taking options of `gem install` / `gem update`.
pub const GEM_OPTS: OptSpec = OptSpec::posix(&[
    "v",
    "version",
    "i",
    "install-dir",
    "n",
    "bindir",
    "document",
    "s",
    "source",
    "p",
    "http-proxy",
    "platform",
    "P",
    "trust-policy",
    "g",
    "file",
    "build-root",
    "config-file",
    "without",
    "target-rbconfig",
]);

/// Value-taking options of `cargo install`.
pub const CARGO_OPTS: OptSpec = OptSpec::posix(&[
    "version",
    "vers",
    "git",
    "branch",
    "tag",
    "rev",
    "path",
    "root",
    "index",
    "registry",
    "features",
    "F",
    "j",
    "jobs",
    "target",
    "target-dir",
    "profile",
    "bin",
    "example",
    "Z",
    "config",
    "color",
]);

/// Splits `s` at the first of `ops` chars into `(name, operator, version)`; the operator is the
/// run of operator chars. `None` when there is no operator.
fn split_operator<'s>(s: &'s str, ops: &[u8]) -> Option<(&'s str, &'s str, &'s str)> {
    let at = s.bytes().position(|b| ops.contains(&b))?;
    let len = s.get(at..)?.bytes().take_while(|b| ops.contains(b)).count();
    Some((s.get(..at)?, s.get(at..at + len)?, s.get(at + len..)?))
}

/// Parts of a Debian package argument `name[:arch][/release][=version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptSpec<'a> {
    pub name: &'a str,
    pub arch: Option<&'a str>,
    /// Target release (`curl/bookworm-backports`).
    pub release: Option<&'a str>,
    /// Version after `=` (may contain `*` or a variable).
    pub version: Option<&'a str>,
}

pub fn apt_spec(spec: &str) -> AptSpec<'_> {
    let (head, version) = match spec.split_once('=') {
        Some((h, v)) => (h, (!v.is_empty()).then_some(v)),
        None => (spec, None),
    };
    let (head, release) = match head.split_once('/') {
        Some((h, r)) => (h, (!r.is_empty()).then_some(r)),
        None => (head, None),
    };
    let (name, arch) = match head.split_once(':') {
        Some((n, a)) => (n, (!a.is_empty()).then_some(a)),
        None => (head, None),
    };
    AptSpec {
        name,
        arch,
        release,
        version,
    }
}

/// Parts of an Alpine package argument `name[@tag][op version]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApkSpec<'a> {
    pub name: &'a str,
    /// Repository tag (`curl@edge`).
    pub tag: Option<&'a str>,
    /// `=`, `~`, `~=`, `>`, `>=`, `<`, `<=`, `><`.
    pub op: Option<&'a str>,
    pub version: Option<&'a str>,
}

pub fn apk_spec(spec: &str) -> ApkSpec<'_> {
    let (head, op, version) = match split_operator(spec, b"=~<>") {
        Some((h, o, v)) => (h, Some(o), (!v.is_empty()).then_some(v)),
        None => (spec, None, None),
    };
    let (name, tag) = match head.split_once('@') {
        Some((n, t)) => (n, (!t.is_empty()).then_some(t)),
        None => (head, None),
    };
    // `name=1.2@edge`: the tag may follow the version too.
    let (version, tag) = match (version.and_then(|v| v.split_once('@')), tag) {
        (Some((v, t)), None) => (Some(v), Some(t)),
        _ => (version, tag),
    };
    ApkSpec {
        name,
        tag,
        op,
        version,
    }
}

/// Parts of an RPM-family package argument: `name`, `name-version[-release][.arch]`,
/// `name=version`, `name >= version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmSpec<'a> {
    pub name: &'a str,
    /// `None` for the `name-version` form (exact), else the operator.
    pub op: Option<&'a str>,
    pub version: Option<&'a str>,
}

pub fn rpm_spec(spec: &str) -> RpmSpec<'_> {
    let spec = spec.trim();
    if let Some((name, op, ver)) = split_operator(spec, b"=<>") {
        let ver = ver.trim();
        return RpmSpec {
            name: name.trim(),
            op: Some(op),
            version: (!ver.is_empty()).then_some(ver),
        };
    }
    match rpm_name_version(spec) {
        Some((name, ver)) => RpmSpec {
            name,
            op: None,
            version: Some(ver),
        },
        None => RpmSpec {
            name: spec,
            op: None,
            version: None,
        },
    }
}

/// Parts of a pip requirement `name[extras] specifier ; marker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipRequirement<'a> {
    pub name: &'a str,
    /// Text inside `[...]`, if any.
    pub extras: Option<&'a str>,
    /// Version specifier as written (`==2.32.3`, `>=2,<3`), trimmed; `None` when absent.
    pub specifier: Option<&'a str>,
    pub marker: Option<&'a str>,
}

/// Splits a named pip requirement. `None` for paths, URLs, archives and VCS references (see
/// [`pip_pin`]'s `Artifact`) and for empty input.
pub fn pip_requirement(spec: &str) -> Option<PipRequirement<'_>> {
    if pip_pin(spec) == Pin::Artifact {
        return None;
    }
    let (req, marker) = match spec.split_once(';') {
        Some((r, m)) => (r, Some(m.trim()).filter(|m| !m.is_empty())),
        None => (spec, None),
    };
    let req = req.trim();
    let name_end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = req.get(..name_end)?;
    if name.is_empty() {
        return None;
    }
    let mut rest = req.get(name_end..)?.trim_start();
    let mut extras = None;
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        extras = after.get(..close).map(str::trim).filter(|e| !e.is_empty());
        rest = after.get(close + 1..)?.trim_start();
    }
    let specifier = Some(rest.trim()).filter(|s| !s.is_empty());
    if let Some(s) = specifier
        && !s.starts_with(['=', '<', '>', '~', '!'])
    {
        return None;
    }
    Some(PipRequirement {
        name,
        extras,
        specifier,
        marker,
    })
}

/// Splits an npm package argument `name@version` / `@scope/name@version` into name and
/// version text (the last `@` that is not the scope's leading `@`).
pub fn npm_name_version(spec: &str) -> (&str, Option<&str>) {
    match spec.get(1..).and_then(|s| s.rfind('@')).map(|p| p + 1) {
        Some(at) => (
            spec.get(..at).unwrap_or(spec),
            spec.get(at + 1..).filter(|v| !v.is_empty()),
        ),
        None => (spec, None),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds commands from whitespace-separated words for unit tests (quotes are stripped but
    //! not interpreted beyond that).
    use crate::dockerfile::shell::{Command, Connector, ShWord};

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
mod tests {
    use super::test_support::cmd;
    use super::*;

    const APT: OptSpec = OptSpec::posix(&[
        "o",
        "t",
        "c",
        "a",
        "target-release",
        "default-release",
        "option",
        "config-file",
        "host-architecture",
    ]);

    fn operands(line: &str, spec: &OptSpec) -> Vec<String> {
        let c = cmd(line);
        let inv = invocation(&c).unwrap();
        parse_args(inv.args, spec)
            .operands
            .iter()
            .map(|w| w.text.clone())
            .collect()
    }

    #[test]
    fn skips_options_with_values() {
        assert_eq!(
            operands(
                "apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y --no-install-recommends curl",
                &APT
            ),
            vec!["install", "curl"]
        );
        assert_eq!(
            operands(
                "apt-get install -qy --target-release=bookworm-backports curl",
                &APT
            ),
            vec!["install", "curl"]
        );
        assert_eq!(
            operands("apt-get install -yt bookworm-backports git", &APT),
            vec!["install", "git"]
        );
        assert_eq!(
            operands("apt-get -oAPT::Foo=1 install git", &APT),
            vec!["install", "git"]
        );
        assert_eq!(
            operands("apt-get install -- -weird", &APT),
            vec!["install", "-weird"]
        );
    }

    #[test]
    fn attached_values_have_ranges() {
        let c = cmd("apt-get -oA=1 --target-release=bookworm x");
        let p = parse_args(&c.words[1..], &APT);
        let o = p.value(&["o"]).unwrap();
        assert_eq!(o.text, "A=1");
        assert_eq!(
            &"apt-get -oA=1 --target-release=bookworm x"[o.range.clone()],
            "A=1"
        );
        let t = p.value(&["target-release"]).unwrap();
        assert_eq!(
            &"apt-get -oA=1 --target-release=bookworm x"[t.range.clone()],
            "bookworm"
        );
    }

    #[test]
    fn unwraps_sudo_and_env() {
        let c = cmd("sudo -E -u root env DEBIAN_FRONTEND=noninteractive apt-get install x");
        let inv = invocation(&c).unwrap();
        assert_eq!(inv.name(), "apt-get");
        assert_eq!(inv.args.len(), 2);
        let c = cmd("call C:\\ProgramData\\chocolatey\\bin\\choco.exe install -y git");
        assert_eq!(invocation(&c).unwrap().name(), "choco");
    }

    #[test]
    fn windows_and_powershell_options() {
        const CHOCO: OptSpec = OptSpec::windows(&["version", "source", "s", "params"]);
        assert_eq!(
            operands(
                "choco install -y git -Version 2.4 --params '/NoAutoCrlf' nodejs",
                &CHOCO
            ),
            vec!["install", "git", "nodejs"]
        );
        let c = cmd("choco install git --version=2.47.1");
        let p = parse_args(&c.words[1..], &CHOCO);
        assert_eq!(p.value(&["VERSION"]).unwrap().text, "2.47.1");
        const PS: OptSpec = OptSpec::powershell(&["Force", "AllowClobber", "SkipPublisherCheck"]);
        assert_eq!(
            operands(
                "Install-Module -Force SqlServer -Scope AllUsers -AllowClobber",
                &PS
            ),
            vec!["SqlServer"]
        );
        // The shell splits `-Force:$false` into adjacent words.
        let mut c = cmd("Install-Module Az -Force $false -AllowClobber");
        c.words[3].range = c.words[2].range.end + 1..c.words[2].range.end + 7;
        let p = parse_args(&c.words[1..], &PS);
        assert_eq!(p.value(&["force"]).unwrap().text, "$false");
        assert_eq!(p.operands.len(), 1);
        let c = cmd("Install-Module Az -RequiredV 1.2 -Force:$true");
        let p = parse_args(&c.words[1..], &PS);
        assert!(p.opt_prefix("RequiredVersion", 3).is_some());
        assert!(p.opt_prefix("MinimumVersion", 3).is_none());
        assert_eq!(p.operands.len(), 1);
    }

    #[test]
    fn apt_pins() {
        assert_eq!(apt_pin("curl"), Pin::Unpinned);
        assert_eq!(apt_pin("curl=8.5.0-2"), Pin::Exact);
        assert_eq!(apt_pin("curl=8.5.*"), Pin::Series);
        assert_eq!(apt_pin("libc6:amd64=2.36-9"), Pin::Exact);
        assert_eq!(apt_pin("curl/bookworm-backports"), Pin::Unpinned);
        assert_eq!(apt_pin("curl=${CURL_VERSION}"), Pin::Exact);
        assert_eq!(apt_pin("$PKGS"), Pin::Unknown);
        assert_eq!(apt_pin("./x.deb"), Pin::Artifact);
        assert_eq!(apt_pin("curl="), Pin::Unpinned);
    }

    #[test]
    fn apk_pins() {
        assert_eq!(apk_pin("curl"), Pin::Unpinned);
        assert_eq!(apk_pin("curl=8.11.0-r2"), Pin::Exact);
        assert_eq!(apk_pin("curl~=8.11"), Pin::Series);
        assert_eq!(apk_pin("curl~8.11"), Pin::Series);
        assert_eq!(apk_pin("curl>8"), Pin::Range);
        assert_eq!(apk_pin("curl>=8"), Pin::Range);
        assert_eq!(apk_pin("/tmp/x.apk"), Pin::Artifact);
    }

    #[test]
    fn rpm_pins() {
        assert_eq!(rpm_pin("git"), Pin::Unpinned);
        assert_eq!(rpm_pin("git-2.43.5"), Pin::Exact);
        assert_eq!(rpm_pin("git-2.43.5-1.el9"), Pin::Exact);
        assert_eq!(rpm_pin("git-0:2.43.5-1.el9.x86_64"), Pin::Exact);
        assert_eq!(rpm_pin("java-17-openjdk"), Pin::Unpinned);
        assert_eq!(rpm_pin("java-1.8.0-openjdk-devel"), Pin::Unpinned);
        assert_eq!(rpm_pin("java-17-openjdk-17.0.9.0.9-2.el9"), Pin::Exact);
        assert_eq!(rpm_pin("python3-pip"), Pin::Unpinned);
        assert_eq!(rpm_pin("git=2.43.5"), Pin::Exact);
        assert_eq!(rpm_pin("git>=2"), Pin::Range);
        assert_eq!(rpm_pin("git >= 2"), Pin::Range);
        assert_eq!(rpm_pin("@development-tools"), Pin::Artifact);
        assert_eq!(rpm_pin("dnf-command(config-manager)"), Pin::Artifact);
        assert_eq!(
            rpm_pin("https://x/epel-release-latest-9.noarch.rpm"),
            Pin::Artifact
        );
    }

    #[test]
    fn pip_pins() {
        assert_eq!(pip_pin("requests"), Pin::Unpinned);
        assert_eq!(pip_pin("requests==2.32.3"), Pin::Exact);
        assert_eq!(pip_pin("requests===2.32.3"), Pin::Exact);
        assert_eq!(pip_pin("requests[socks]==2.32.3"), Pin::Exact);
        assert_eq!(pip_pin("requests>=2"), Pin::Range);
        assert_eq!(pip_pin("requests~=2.3"), Pin::Range);
        assert_eq!(pip_pin("requests==2.*"), Pin::Range);
        assert_eq!(pip_pin("requests>=2,<3"), Pin::Range);
        assert_eq!(pip_pin("requests==2.0; python_version<'3.8'"), Pin::Exact);
        assert_eq!(pip_pin("."), Pin::Artifact);
        assert_eq!(pip_pin("dist/app-1.0-py3-none-any.whl"), Pin::Artifact);
        assert_eq!(pip_pin("git+https://github.com/o/r@v1"), Pin::Artifact);
        assert_eq!(pip_pin("$PKG"), Pin::Unknown);
        assert_eq!(pip_pin("requests==$V"), Pin::Exact);
    }

    #[test]
    fn npm_pins() {
        assert_eq!(npm_pin("typescript"), Pin::Unpinned);
        assert_eq!(npm_pin("typescript@5.6.3"), Pin::Exact);
        assert_eq!(npm_pin("@angular/cli@18.2.1"), Pin::Exact);
        assert_eq!(npm_pin("@angular/cli"), Pin::Unpinned);
        assert_eq!(npm_pin("typescript@latest"), Pin::Unpinned);
        assert_eq!(npm_pin("typescript@^5"), Pin::Range);
        assert_eq!(npm_pin("typescript@5"), Pin::Range);
        assert_eq!(npm_pin("typescript@5.6.3-beta.1"), Pin::Exact);
        assert_eq!(npm_pin("typescript@$TS_VERSION"), Pin::Unknown);
        assert_eq!(npm_pin("./pkg.tgz"), Pin::Artifact);
    }

    #[test]
    fn nuget_versions() {
        assert_eq!(nuget_version_pin("9.0.0"), Pin::Exact);
        assert_eq!(nuget_version_pin("9.*"), Pin::Range);
        assert_eq!(nuget_version_pin("[1.0,2.0)"), Pin::Range);
        assert_eq!(nuget_version_pin("$env:V"), Pin::Unknown);
    }

    #[test]
    fn pip_invocations() {
        for (line, want) in [
            ("pip install x", Some(2)),
            ("pip3.12 install x", Some(2)),
            ("python3 -m pip install x", Some(2)),
            ("python -u -m pip install x", Some(2)),
            ("py -m pip install x", Some(2)),
            ("uv pip install x", Some(2)),
            ("python -m venv x", None),
            ("python setup.py install", None),
            ("pipx install x", None),
        ] {
            let c = cmd(line);
            let inv = invocation(&c).unwrap();
            assert_eq!(pip_args(&inv).map(<[ShWord]>::len), want, "{line}");
        }
    }

    #[test]
    fn urls() {
        assert!(is_plain_http("http://feed.corp/nuget"));
        assert!(is_plain_http("'HTTP://feed.corp'"));
        assert!(!is_plain_http("https://feed.corp"));
        assert!(!is_plain_http("http://localhost:8080/x"));
        assert!(!is_plain_http("http://127.0.0.1/x"));
        assert!(is_unc("\\\\server\\share\\x.msi"));
        assert!(!is_unc("C:\\x.msi"));
        assert!(is_remote_url("https://x/y.msi"));
        assert_eq!(
            redact_url("https://deploy:ghp_x@github.com/o/r.git"),
            "https://***@github.com/o/r.git"
        );
        assert_eq!(redact_url("http://feed.corp/a@b"), "http://feed.corp/a@b");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn subcommands() {
        let c = cmd("git -C /src -c core.x=1 clone -b v1 url");
        let (sub, rest) = split_subcommand(&c.words[1..], &OptSpec::posix(&["C", "c"])).unwrap();
        assert_eq!(sub.text, "clone");
        assert_eq!(rest.len(), 3);
        let c = cmd("choco install -y git --version 2.47.1");
        let ch = choco(&invocation(&c).unwrap()).unwrap();
        assert!(ch.installs());
        assert_eq!(ch.args.operands.len(), 1);
        let c = cmd("cinst -y git nodejs");
        let ch = choco(&invocation(&c).unwrap()).unwrap();
        assert_eq!(ch.sub, "install");
        assert_eq!(ch.args.operands.len(), 2);
        let c = cmd("choco feature enable -n allowEmptyChecksums");
        let ch = choco(&invocation(&c).unwrap()).unwrap();
        assert_eq!(ch.sub, "feature");
        assert_eq!(ch.args.value(&["n"]).unwrap().text, "allowEmptyChecksums");
        assert_eq!(choco_norm("--Ignore-Checksums"), "ignorechecksums");
    }

    #[test]
    fn dotnet_verbs() {
        let verb = |line: &str| {
            let c = cmd(line);
            let d = dotnet(&invocation(&c).unwrap()).unwrap();
            (
                d.verb,
                d.verb_word.text.clone(),
                d.args
                    .operands
                    .iter()
                    .map(|w| w.text.clone())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            verb("dotnet tool install -g dotnet-ef --version 9.0.0").2,
            vec!["dotnet-ef"]
        );
        assert_eq!(verb("dotnet tool install -g dotnet-ef").0, "tool install");
        assert_eq!(
            verb("dotnet nuget add source http://feed/x -n feed").0,
            "nuget add source"
        );
        assert_eq!(
            verb("dotnet nuget add source http://feed/x -n feed").2,
            vec!["http://feed/x"]
        );
        assert_eq!(
            verb("dotnet add src/App.csproj package Newtonsoft.Json").2,
            vec!["Newtonsoft.Json"]
        );
        assert_eq!(verb("dotnet add package Serilog -v 4.0.0").0, "add package");
        assert_eq!(verb("dotnet restore -s http://a -s https://b").0, "restore");
        let c = cmd("nuget sources add -Name x -Source http://feed");
        let n = nuget(&invocation(&c).unwrap()).unwrap();
        assert_eq!(n.verb, "sources add");
        assert_eq!(n.args.value(&["source"]).unwrap().text, "http://feed");
        assert_eq!(
            split_sources("http://a;https://b%3Bc"),
            vec!["http://a", "https://b", "c"]
        );
    }

    #[test]
    fn splits_test_scripts() {
        let cs = super::test_support::script(
            "apt-get update && apt-get install -y x ; rm -rf /var/lib/apt/lists/*",
        );
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[2].words[0].text, "rm");
    }

    #[test]
    fn package_commands() {
        let c = cmd(
            "sudo apt-get -y -o Dpkg::Options::=--force-confnew install --no-install-recommends curl git=1:2.39.5-0+deb12u1",
        );
        let p = pkg_command(&invocation(&c).unwrap()).unwrap();
        assert_eq!((p.family, p.sub.as_str()), (Family::Apt, "install"));
        assert_eq!(p.packages().len(), 2);
        let c = cmd("zypper --non-interactive in -t package -r repo-oss git");
        let p = pkg_command(&invocation(&c).unwrap()).unwrap();
        assert_eq!(p.sub, "install");
        assert_eq!(
            p.packages()
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>(),
            vec!["git"]
        );
        let c = cmd("apk add --no-cache --virtual .build-deps gcc musl-dev");
        let p = pkg_command(&invocation(&c).unwrap()).unwrap();
        assert_eq!(p.packages().len(), 2);
        let c = cmd("dnf install -y --setopt=install_weak_deps=False --enablerepo crb git");
        let p = pkg_command(&invocation(&c).unwrap()).unwrap();
        assert_eq!(p.packages().len(), 1);
    }

    #[test]
    fn messages_list() {
        let v = |n: usize| (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>();
        assert_eq!(list_for_message(&v(1)), "`p0`");
        assert_eq!(list_for_message(&v(2)), "`p0` and `p1`");
        assert_eq!(list_for_message(&v(3)), "`p0`, `p1` and `p2`");
        assert_eq!(list_for_message(&v(6)), "`p0`, `p1`, `p2`, `p3` and 2 more");
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(line in "[ -~\u{e9}\u{1F600}]{0,60}") {
            let c = cmd(&line);
            if let Some(inv) = invocation(&c) {
                for spec in [&APT, &CHOCO_INSTALL_OPTS, &DOTNET_OPTS, &PIP_OPTS, &OptSpec::powershell(&[])] {
                    let p = parse_args(inv.args, spec);
                    for o in &p.options {
                        if let Some(v) = &o.value {
                            let _ = line.get(v.range.clone());
                        }
                    }
                }
                let _ = (choco(&inv), dotnet(&inv), nuget(&inv), pkg_command(&inv), pip_install(&inv));
            }
            for w in line.split(' ') {
                let _ = (apt_pin(w), apk_pin(w), rpm_pin(w), pip_pin(w), npm_pin(w), nuget_version_pin(w));
                let _ = (redact_url(w), is_plain_http(w), is_unc(w), split_sources(w));
            }
        }
    }

    #[test]
    fn never_panics_on_odd_words() {
        for w in [
            "", "-", "--", "-=", "--=", "=", "@", "@@", "é=é", "-é", "x-", "-:",
        ] {
            let _ = (
                apt_pin(w),
                apk_pin(w),
                rpm_pin(w),
                pip_pin(w),
                npm_pin(w),
                rpm_name_version(w),
            );
            let c = cmd(&format!("x {w} {w}"));
            let _ = parse_args(&c.words[1..], &APT);
            let _ = parse_args(&c.words[1..], &OptSpec::powershell(&[]));
        }
    }
}

#[cfg(test)]
mod spec_split_tests {
    //! Tests for the language package-manager parsers and package-spec splitters.
    use super::test_support::cmd;
    use super::*;

    #[test]
    fn apt_specs() {
        assert_eq!(
            apt_spec("libssl3:amd64=3.0.15-1~deb12u1"),
            AptSpec {
                name: "libssl3",
                arch: Some("amd64"),
                release: None,
                version: Some("3.0.15-1~deb12u1")
            }
        );
        let s = apt_spec("vim/bookworm-backports");
        assert_eq!(
            (s.name, s.release, s.version),
            ("vim", Some("bookworm-backports"), None)
        );
        assert_eq!(apt_spec("git=1:2.39.5").version, Some("1:2.39.5"));
        assert_eq!(apt_spec("curl=").version, None);
    }

    #[test]
    fn apk_specs() {
        let s = apk_spec("curl~8.11");
        assert_eq!((s.name, s.op, s.version), ("curl", Some("~"), Some("8.11")));
        let s = apk_spec("tini@community");
        assert_eq!((s.name, s.tag, s.op), ("tini", Some("community"), None));
        let s = apk_spec("openssl>=3.3");
        assert_eq!((s.op, s.version), (Some(">="), Some("3.3")));
        let s = apk_spec("x=1.0-r0@edge");
        assert_eq!(
            (s.name, s.tag, s.version),
            ("x", Some("edge"), Some("1.0-r0"))
        );
    }

    #[test]
    fn rpm_specs() {
        let s = rpm_spec("git-2.43.5-1.el9");
        assert_eq!(
            (s.name, s.op, s.version),
            ("git", None, Some("2.43.5-1.el9"))
        );
        let s = rpm_spec("python3 >= 3.9");
        assert_eq!(
            (s.name, s.op, s.version),
            ("python3", Some(">="), Some("3.9"))
        );
        let s = rpm_spec("java-17-openjdk");
        assert_eq!((s.name, s.version), ("java-17-openjdk", None));
    }

    #[test]
    fn pip_requirements() {
        let r = pip_requirement("requests[socks] == 2.32.3 ; python_version < '3.13'").unwrap();
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, Some("socks"));
        assert_eq!(r.specifier, Some("== 2.32.3"));
        assert_eq!(r.marker, Some("python_version < '3.13'"));
        assert_eq!(
            pip_requirement("Django>=4,<5").unwrap().specifier,
            Some(">=4,<5")
        );
        assert!(pip_requirement("./app").is_none());
        assert!(pip_requirement("git+https://x/y").is_none());
        assert!(pip_requirement("name junk").is_none());
        assert!(pip_requirement("[x]").is_none());
        assert!(pip_requirement("").is_none());
    }

    #[test]
    fn npm_specs() {
        assert_eq!(
            npm_name_version("@angular/cli@18.2.1"),
            ("@angular/cli", Some("18.2.1"))
        );
        assert_eq!(npm_name_version("@angular/cli"), ("@angular/cli", None));
        assert_eq!(npm_name_version("x@"), ("x", None));
        assert_eq!(npm_name_version("@"), ("@", None));
    }

    #[test]
    fn node_and_powershell_installs() {
        let c = cmd("yarn global add serve@14.2.4 pm2");
        let n = node_install(&invocation(&c).unwrap()).unwrap();
        assert!(n.global);
        assert_eq!(n.verb, "yarn global add");
        assert_eq!(n.packages.len(), 2);
        let c = cmd("npm ci --omit=dev");
        assert!(node_install(&invocation(&c).unwrap()).is_none());
        let line = "Install-Module -Name Az.Accounts,Az.Storage -Force";
        let c = cmd(line);
        let p = ps_install(&invocation(&c).unwrap()).unwrap();
        let names: Vec<&str> = p.names.iter().map(|n| &line[n.range.clone()]).collect();
        assert_eq!(names, ["Az.Accounts", "Az.Storage"]);
        assert!(!p.psresource);
        let c = cmd("Install-Module @params");
        assert!(ps_install(&invocation(&c).unwrap()).is_none());
    }

    proptest::proptest! {
        #[test]
        fn splitters_never_panic(w in "[ -~\u{e9}\u{1F600}]{0,40}") {
            let _ = (apt_spec(&w), apk_spec(&w), rpm_spec(&w), pip_requirement(&w), npm_name_version(&w));
        }
    }
}
