//! DF205: Set-ExecutionPolicy Bypass/Unrestricted persisted beyond the process.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in w::ps_cmds(a) {
            if c.name() != "set-executionpolicy" {
                continue;
            }
            let policy = c
                .param(&["-executionpolicy"])
                .or_else(|| c.positionals(&["-scope"]).first().map(|t| (*t).clone()));
            let Some(policy) = policy else { continue };
            let p = policy.text.to_ascii_lowercase();
            if p != "bypass" && p != "unrestricted" {
                continue;
            }
            let scope = c.param(&["-scope"]).map(|t| t.text.to_ascii_lowercase());
            if scope.as_deref() == Some("process") {
                continue;
            }
            let scope_name = scope.unwrap_or_else(|| "localmachine".into());
            out.emit(
                s.span(c.range.clone()),
                format!(
                    "`Set-ExecutionPolicy {}` (scope {scope_name}) is stored in the image and applies to every later PowerShell session; use `-Scope Process` for the build step or sign the scripts",
                    policy.text
                ),
            );
        }
    }
}
