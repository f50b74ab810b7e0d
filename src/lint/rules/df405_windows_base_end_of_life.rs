use crate::baseimage::lifecycle::Support;
use crate::finding::Severity;
use crate::lint::helpers::images::{from_uses, newest_windows_line, windows_line};
use crate::lint::{Emitter, LintContext, RawFinding};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let newest = newest_windows_line()
        .map(|l| l.name.clone())
        .unwrap_or_else(|| "ltsc2025".into());
    for (u, img) in from_uses(cx) {
        let Some(line) = windows_line(cx, u, img) else {
            continue;
        };
        let (severity, message) = match line.support_on(cx.today) {
            Support::Mainstream => continue,
            Support::Extended => (
                Severity::Note,
                format!(
                    "`{}` is Windows {} (build {}), past mainstream support since {} (security fixes only until {}); plan the move to `{newest}`",
                    u.raw, line.name, line.build, line.mainstream_end, line.extended_end
                ),
            ),
            Support::Ended => (
                Severity::Warning,
                format!(
                    "`{}` is Windows {} (build {}), out of support since {}: it gets no security updates; move to `{newest}`",
                    u.raw, line.name, line.build, line.extended_end
                ),
            ),
        };
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: u.span,
            message,
            severity: Some(severity),
            fingerprint_content: Some(img.normalized()),
            fix: None,
        });
    }
}
