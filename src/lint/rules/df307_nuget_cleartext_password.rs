//! DF307: NuGet source credentials stored in clear text.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::shell::Command;
use crate::lint::helpers::secrets_downloads::with_onbuild;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

/// Arguments of a nuget.exe invocation, also through `mono nuget.exe …`.
fn nuget_args(cmd: &Command) -> Option<usize> {
    match cmd.name().as_str() {
        "nuget" => Some(0),
        "mono" => {
            let first = cmd.args().first()?;
            (crate::dockerfile::shell::program_name(&first.text) == "nuget").then_some(1)
        }
        _ => None,
    }
}

/// The RUN also removes the source or the config file it wrote.
fn cleaned_up(script: &crate::dockerfile::shell::Script, after: usize) -> bool {
    script
        .commands
        .iter()
        .filter(|c| c.range.start >= after)
        .any(|c| {
            let name = c.name();
            let words: Vec<String> = c
                .args()
                .iter()
                .map(|w| w.text.to_ascii_lowercase())
                .collect();
            let has = |s: &str| words.iter().any(|w| w == s);
            let removes_file =
                matches!(name.as_str(), "rm" | "del" | "erase" | "remove-item" | "ri")
                    && words.iter().any(|w| w.ends_with("nuget.config"));
            let removes_source = (name == "dotnet" && has("nuget") && has("remove"))
                || (name == "nuget" && has("sources") && has("remove"));
            removes_file || removes_source
        })
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        for cmd in &s.script.commands {
            let name = cmd.name();
            let words: Vec<_> = cmd.args().iter().collect();
            let lower = |i: usize| {
                words
                    .get(i)
                    .map(|w| w.text.to_ascii_lowercase())
                    .unwrap_or_default()
            };
            let (is_source_cmd, pw_flags): (bool, &[&str]) = if name == "dotnet" {
                (
                    lower(0) == "nuget"
                        && matches!(lower(1).as_str(), "add" | "update")
                        && lower(2) == "source",
                    &["-p", "--password"],
                )
            } else if let Some(off) = nuget_args(cmd) {
                (
                    lower(off) == "sources" && matches!(lower(off + 1).as_str(), "add" | "update"),
                    &["-password", "-p"],
                )
            } else {
                (false, &[])
            };
            if !is_source_cmd {
                continue;
            }
            let pw = words.iter().find(|w| {
                let l = w.text.to_ascii_lowercase();
                pw_flags.iter().any(|f| {
                    l == *f || l.starts_with(&format!("{f}=")) || l.starts_with(&format!("{f}:"))
                })
            });
            let clear = words.iter().find(|w| {
                let l = w.text.to_ascii_lowercase();
                l == "--store-password-in-clear-text" || l == "-storepasswordincleartext"
            });
            let Some(flag) = pw.or(clear) else { continue };
            if cleaned_up(&s.script, cmd.range.end) {
                continue;
            }
            let how = if clear.is_some() {
                "in clear text"
            } else {
                "in the image's NuGet.Config"
            };
            out.emit(
                s.span(flag.range.clone()),
                format!(
                    "`{}` stores the feed password {how}, so it ships in this layer; use the Azure Artifacts credential provider with a build secret (`RUN --mount=type=secret`) or remove the source in the same RUN",
                    if name == "dotnet" { "dotnet nuget add source" } else { "nuget sources add" }
                ),
            );
        }
        // `<add key="ClearTextPassword" value="…" />` written by the script itself.
        let text = &s.text.text;
        let lower = text.to_ascii_lowercase();
        if let Some(pos) = lower.find("cleartextpassword")
            && !cleaned_up(&s.script, pos)
        {
            out.emit(
                s.span(pos..pos + "cleartextpassword".len()),
                "the RUN writes a NuGet `ClearTextPassword` into a config file that ships in this layer; use the Azure Artifacts credential provider with a build secret (`RUN --mount=type=secret`)",
            );
        }
    }
    // COPY heredocs writing a config with ClearTextPassword, and the credential provider's
    // endpoint variable persisted with a password.
    for (_, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            match inst.kind {
                InstructionKind::Copy | InstructionKind::Add => {
                    for h in &inst.heredocs {
                        let l = h.body.to_ascii_lowercase();
                        if let Some(pos) = l.find("cleartextpassword") {
                            let start = h.body_span.start + pos;
                            out.emit(
                                Span::new(start, start + "cleartextpassword".len()),
                                "the heredoc writes a NuGet `ClearTextPassword` into the image; mount the config as a build secret instead",
                            );
                        }
                    }
                }
                InstructionKind::Env => {
                    for p in &inst.pairs {
                        if !p
                            .key
                            .eq_ignore_ascii_case("VSS_NUGET_EXTERNAL_FEED_ENDPOINTS")
                        {
                            continue;
                        }
                        let v = p.value.as_deref().unwrap_or("").to_ascii_lowercase();
                        if v.contains("\"password\"")
                            || v.contains("'password'")
                            || v.contains("password\\\"")
                        {
                            out.emit(
                                p.span,
                                "ENV `VSS_NUGET_EXTERNAL_FEED_ENDPOINTS` stores a feed password in the image configuration; set it only for the restoring RUN from a build secret (`RUN --mount=type=secret,id=…,env=VSS_NUGET_EXTERNAL_FEED_ENDPOINTS`)",
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
