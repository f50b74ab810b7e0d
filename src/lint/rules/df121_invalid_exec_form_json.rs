//! DF121: text that looks like an exec-form JSON array but is not valid JSON. BuildKit then
//! silently runs it in shell form — with the brackets and quotes as part of the command.

use crate::dockerfile::Instruction;
use crate::dockerfile::stages::Os;
use crate::lint::{Emitter, LintContext};
use crate::source::Span;

fn report(inst: &Instruction, windows: bool, text: &str, out: &mut Emitter, seen: &mut Vec<Span>) {
    let Some(fb) = &inst.json_fallback else {
        return;
    };
    if seen.contains(&fb.span) {
        return;
    }
    // On Windows stages a backslash escape problem is DF217's (with Windows-specific advice);
    // reporting it twice would only add noise.
    if windows
        && fb.reason.to_ascii_lowercase().contains("escape")
        && fb.span.slice(text).contains('\\')
    {
        return;
    }
    seen.push(fb.span);
    out.emit(
        fb.span,
        format!(
            "{} looks like exec form but is not valid JSON ({}), so it runs in shell form with the brackets and quotes as part of the command: use double quotes and escape backslashes (`\\\\`)",
            inst.kind.as_str(),
            fb.reason
        ),
    );
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let mut seen = Vec::new();
    for (idx, inst) in cx.instructions() {
        let windows = cx.os_at(idx) == Os::Windows;
        report(inst, windows, cx.text(), out, &mut seen);
        if let Some(sub) = inst.onbuild.as_deref() {
            report(sub, windows, cx.text(), out, &mut seen);
        }
    }
}
