//! DF104: WORKDIR with a relative path (depends on the previous WORKDIR, often the base
//! image's, which can change under you).

use crate::dockerfile::InstructionKind;
use crate::lint::{Emitter, LintContext};

/// Whether a WORKDIR value is absolute (or cannot be judged statically).
pub(crate) fn is_absolute_or_unknown(path: &str) -> bool {
    let p = path.trim().trim_matches(|c| c == '"' || c == '\'');
    if p.is_empty() || p.starts_with(['/', '\\', '$', '%']) {
        return true;
    }
    let b = p.as_bytes();
    // C:\x, C:/x, C: (drive root)
    b.len() >= 2 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':')
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Workdir) {
        let value = inst.args.text.trim();
        if is_absolute_or_unknown(value) {
            continue;
        }
        let span = inst.args.span(0, inst.args.text.len());
        let (span, shown) = match inst.words.first() {
            Some(w) => (w.span, w.text.as_str()),
            None => (span, value),
        };
        out.emit(
            span,
            format!(
                "WORKDIR `{shown}` is relative to whatever the previous WORKDIR was: use an absolute path such as `/{shown}` or `C:\\{shown}`"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_absolute_or_unknown as abs;

    #[test]
    fn paths() {
        assert!(abs("/app"));
        assert!(abs("C:\\app"));
        assert!(abs("c:/app"));
        assert!(abs("\\app"));
        assert!(abs("$HOME/app"));
        assert!(abs("\"/my app\""));
        assert!(!abs("app"));
        assert!(!abs("./app"));
        assert!(!abs("app/bin"));
    }
}
