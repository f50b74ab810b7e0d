//! DF110: ADD used where COPY does the job. ADD's extra behaviour (fetching URLs, cloning git
//! repositories, unpacking local tar archives) is surprising when all you wanted was a copy.
//! Not reported when any source is a URL or git reference, a local tar archive (ADD unpacks
//! it), contains a variable, or is a heredoc, nor when ADD-only flags are used.

use crate::dockerfile::InstructionKind;
use crate::finding::Fix;
use crate::lint::helpers::general::{copy_sources, flag_exact};
use crate::lint::{Emitter, LintContext, RawFinding};

const TAR_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".tar.z",
    ".taz",
    ".gz",
    ".bz2",
    ".xz",
];

pub(crate) fn needs_add(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.contains("://")
        || l.starts_with("git@")
        || l.ends_with(".git")
        || l.contains(".git#")
        || l.contains('$')
        || l.starts_with("<<")
        || TAR_SUFFIXES.iter().any(|s| l.ends_with(s))
        || l.contains('*') && TAR_SUFFIXES.iter().any(|s| l.contains(s))
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Add) {
        if !inst.heredocs.is_empty() {
            continue;
        }
        if ["checksum", "keep-git-dir", "unpack"]
            .iter()
            .any(|f| flag_exact(inst, f).is_some())
        {
            continue;
        }
        let sources = copy_sources(inst);
        if sources.is_empty() || sources.iter().any(|w| needs_add(&w.text)) {
            continue;
        }
        let kw = &inst.keyword;
        let replacement = if kw.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        let shown: Vec<&str> = sources.iter().map(|w| w.text.as_str()).collect();
        out.emit_raw(RawFinding {
            rule: out.rule(),
            span: inst.keyword_span,
            message: format!(
                "ADD of local {} `{}` only copies: use COPY, which has no URL fetching or archive unpacking side effects",
                if shown.len() == 1 { "path" } else { "paths" },
                shown.join(" ")
            ),
            severity: None,
            fingerprint_content: None,
            fix: Some(Fix { description: "replace ADD with COPY".into(), span: inst.keyword_span, replacement: replacement.into() }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::needs_add;

    #[test]
    fn sources() {
        assert!(needs_add("https://example.com/a.zip"));
        assert!(needs_add("rootfs.tar.gz"));
        assert!(needs_add("git@github.com:org/repo.git"));
        assert!(needs_add("${ARCHIVE}"));
        assert!(!needs_add("app/"));
        assert!(!needs_add("setup.zip"));
        assert!(!needs_add("C:\\src\\app.exe"));
    }
}
