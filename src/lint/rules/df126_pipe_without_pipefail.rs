//! DF126: a pipe in a POSIX-shell RUN without `pipefail`: the step's status is the status of
//! the last command only, so `wget -O- $url | tar x` "succeeds" when the download fails.
//!
//! Not reported: shells with `-o pipefail` in SHELL or in an exec-form invocation, scripts that
//! ran `set -o pipefail` (or `set -euo pipefail`) before the pipe, pipes whose left-hand side is
//! only `echo` / `printf` (they cannot fail in a way that matters), pipes nested in command
//! substitutions, subshells or blocks, PowerShell and cmd, Windows stages. One finding per RUN
//! script (the first unprotected pipe).

use crate::dockerfile::Form;
use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::{Os, ShellKind};
use crate::lint::helpers::general::{
    argv_has_pipefail, harmless_pipe_source, pipelines, sets_pipefail,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        if s.os == Os::Windows || s.script.dialect != Dialect::Posix {
            continue;
        }
        let pipefail = match &s.inst.form {
            Form::Exec(words) => {
                argv_has_pipefail(&words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>())
            }
            _ => match s.shell {
                ShellKind::Posix { pipefail, .. } => *pipefail,
                _ => continue,
            },
        };
        if pipefail {
            continue;
        }
        let cmds = &s.script.commands;
        for p in pipelines(&s.script) {
            let start = *p.start();
            let end = *p.end();
            let Some(first) = cmds.get(start) else {
                continue;
            };
            let Some(last) = cmds.get(end) else { continue };
            if cmds.get(..start).unwrap_or(&[]).iter().any(sets_pipefail) {
                break;
            }
            // pipes nested in `$( )`, subshells or blocks mostly compute values; only the
            // top-level pipelines decide the step's status directly
            if first.depth > 0 {
                continue;
            }
            let depth = first.depth;
            let left_harmless = cmds
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .filter(|c| c.depth == depth)
                .all(harmless_pipe_source);
            if left_harmless {
                continue;
            }
            out.emit(
                s.span(first.range.start..last.range.end),
                format!(
                    "`{} | ...` only fails if the last command fails: start the RUN with `set -o pipefail &&` or use `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`",
                    first.name()
                ),
            );
            break;
        }
    }
}
