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
    // Shell code that merely starts with a bracket (`[ -f x ] && …`, PowerShell's
    // `[Environment]::SetEnvironmentVariable(…)`) is meant as shell form.
    if !looks_like_json_array(fb.span.slice(text)) {
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

/// Whether `text` reads as an attempt at a JSON array: `[`, then only quoted strings (single or
/// double quotes, backslash escapes inside) separated by commas, blanks or line continuations,
/// then `]` or the end of the text.
fn looks_like_json_array(text: &str) -> bool {
    let Some(inner) = text.trim().strip_prefix('[') else {
        return false;
    };
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let mut chars = inner.chars();
    let mut strings = 0;
    while let Some(c) = chars.next() {
        match c {
            ',' | '\\' | '`' => {}
            c if c.is_whitespace() => {}
            '"' | '\'' => {
                strings += 1;
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
            }
            _ => return false,
        }
    }
    strings > 0
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

#[cfg(test)]
mod tests {
    use super::looks_like_json_array;

    #[test]
    fn json_attempts_and_shell_code() {
        for attempt in [
            r#"["C:/app/app.exe",]"#,
            r#"["/usr/local/bin/app\ --serve"]"#,
            "['python', '-m', 'app']",
            r#"["a", "b""#,
            r#"["a" "b"]"#,
            "[\"a\", \\\n    \"b\",]",
            r#"["unterminated]"#,
        ] {
            assert!(looks_like_json_array(attempt), "{attempt}");
        }
        for shell in [
            "[Environment]::SetEnvironmentVariable('X', '1', 'Machine')",
            "[Net.ServicePointManager]::SecurityProtocol = 'Tls12'",
            r#"[ -f /etc/os-release ] && cat /etc/os-release"#,
            r#"[ "$X" = y ] && echo yes"#,
            "[]x",
            "",
        ] {
            assert!(!looks_like_json_array(shell), "{shell}");
        }
    }
}
