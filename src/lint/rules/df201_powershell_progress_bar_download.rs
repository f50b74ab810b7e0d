//! DF201: Invoke-WebRequest in Windows PowerShell with the progress bar on.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for c in &a.cmds {
            let Some(ctx) = a.ctxs.get(c.ctx) else {
                continue;
            };
            // PowerShell 7 renders progress cheaply; the slow path is Windows PowerShell 5.1.
            if !ctx.dialect.is_desktop_ps() {
                continue;
            }
            let name = c.name();
            let web = matches!(
                name.as_str(),
                "invoke-webrequest" | "iwr" | "invoke-restmethod" | "irm"
            ) || (matches!(name.as_str(), "curl" | "wget") && !c.has_exe_suffix());
            if !web {
                continue;
            }
            if ctx.top && ctx.preset_progress {
                continue;
            }
            let before = text.get(ctx.range.start..c.range.start).unwrap_or("");
            if w::sets_progress_silent(before) {
                continue;
            }
            let Some(word) = c.words.first() else {
                continue;
            };
            out.emit(
                s.span(word.range.clone()),
                format!(
                    "`{}` in Windows PowerShell with `$ProgressPreference` at its default: rendering the progress bar makes the download many times slower; set `$ProgressPreference = 'SilentlyContinue'` in the SHELL or before the call",
                    word.text
                ),
            );
            break;
        }
    }
}
