//! DF111: MAINTAINER is deprecated.

use crate::dockerfile::{Instruction, InstructionKind};
use crate::finding::Fix;
use crate::lint::{Emitter, LintContext, RawFinding};

/// The rewrite of a one-line `MAINTAINER who` as the OCI label, when it is certain to mean the
/// same: the value needs no escaping or quoting rules of its own (no quotes, escape characters
/// or `$`, which LABEL would expand) and the instruction has no continuation lines.
fn fix(text: &str, inst: &Instruction, who: &str) -> Option<Fix> {
    let written = inst.span.slice(text);
    let plain = !who.is_empty()
        && !who
            .chars()
            .any(|c| matches!(c, '"' | '\\' | '`' | '$' | '\'') || c.is_control());
    if !plain || written.contains('\n') || written.contains('\r') {
        return None;
    }
    let label = if inst.keyword.chars().any(|c| c.is_ascii_uppercase()) {
        "LABEL"
    } else {
        "label"
    };
    Some(Fix {
        description: "replace MAINTAINER with the org.opencontainers.image.authors label".into(),
        span: inst.span,
        replacement: format!("{label} org.opencontainers.image.authors=\"{who}\""),
    })
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let text = cx.text();
    for (_, inst) in cx.instructions_of(InstructionKind::Maintainer) {
        let who = inst.args.text.trim();
        let label = if who.is_empty() {
            "LABEL org.opencontainers.image.authors=...".to_string()
        } else {
            format!(
                "LABEL org.opencontainers.image.authors=\"{}\"",
                who.replace('"', "\\\"")
            )
        };
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: inst.keyword_span,
            message: format!("MAINTAINER is deprecated: use `{label}` instead"),
            severity: None,
            fingerprint_content: None,
            fix: fix(text, inst, who),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::engine::{ScanOptions, scan};
    use crate::source::{Date, SourceFile};

    fn fixes(text: &str) -> Vec<(String, String)> {
        let report = scan(
            &[SourceFile::new("Dockerfile", text)],
            &Config::default(),
            &ScanOptions::new(Date::from_days_since_epoch(20_468)),
        );
        report
            .findings
            .iter()
            .filter(|f| f.rule == "DF111")
            .filter_map(|f| f.fix.as_ref())
            .map(|x| (x.span.slice(text).to_string(), x.replacement.clone()))
            .collect()
    }

    #[test]
    fn one_line_maintainer_becomes_the_oci_label() {
        assert_eq!(
            fixes("FROM scratch\nMAINTAINER Platform Team <platform@example.com>\n"),
            vec![(
                "MAINTAINER Platform Team <platform@example.com>".to_string(),
                "LABEL org.opencontainers.image.authors=\"Platform Team <platform@example.com>\""
                    .to_string()
            )]
        );
        assert_eq!(
            fixes("from scratch\r\nmaintainer ops\r\n"),
            vec![(
                "maintainer ops".to_string(),
                "label org.opencontainers.image.authors=\"ops\"".to_string()
            )]
        );
    }

    #[test]
    fn no_fix_when_the_meaning_could_change() {
        for text in [
            "FROM scratch\nMAINTAINER \"Jo\" <jo@example.com>\n",
            "FROM scratch\nMAINTAINER $AUTHOR\n",
            "FROM scratch\nMAINTAINER a \\\n  b\n",
            "# escape=`\nFROM scratch\nMAINTAINER C:\\ops\n",
        ] {
            assert_eq!(fixes(text), Vec::new(), "{text:?}");
        }
    }
}
