//! `dotnet` and `nuget.exe` command lines.

use super::*;

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
