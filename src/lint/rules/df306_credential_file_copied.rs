//! DF306: credential file copied into the image.

use crate::dockerfile::{Instruction, InstructionKind, Word};
use crate::finding::Severity;
use crate::lint::helpers::secrets_downloads::{
    CredentialFileKind, credential_file, remote_source, with_onbuild,
};
use crate::lint::{Emitter, LintContext, RawFinding};

/// Source words and the destination word of a COPY/ADD (heredoc markers skipped).
pub fn sources_and_dest(inst: &Instruction) -> (Vec<&Word>, Option<&Word>) {
    let words: Vec<&Word> = inst
        .words
        .iter()
        .filter(|w| !w.text.starts_with("<<"))
        .collect();
    match words.split_last() {
        Some((dest, srcs)) => (srcs.to_vec(), Some(*dest)),
        None => (Vec::new(), None),
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let (srcs, dest) = sources_and_dest(inst);
            let single_source = srcs.len() == 1 || (srcs.is_empty() && !inst.heredocs.is_empty());
            // `COPY signing.key /keys/repo.pub`: the destination says it is a public key.
            if single_source && dest.is_some_and(|d| d.text.to_ascii_lowercase().ends_with(".pub"))
            {
                continue;
            }
            let mut hit = false;
            for w in srcs {
                if remote_source(&w.text).is_some() {
                    continue;
                }
                if let Some((what, kind)) = credential_file(&w.text) {
                    hit = true;
                    emit(out, inst, w, what, kind, false);
                }
            }
            if hit {
                continue;
            }
            if let Some(d) = dest {
                let t = d.text.as_str();
                let dir_like =
                    t.ends_with('/') || t.ends_with('\\') || t == "." || t.ends_with("/.");
                if !dir_like
                    && single_source
                    && let Some((what, kind)) = credential_file(t)
                {
                    emit(out, inst, d, what, kind, true);
                }
            }
        }
    }
}

fn emit(
    out: &mut Emitter,
    inst: &Instruction,
    w: &Word,
    what: &str,
    kind: CredentialFileKind,
    dest: bool,
) {
    let verb = inst.kind.as_str();
    let message = if dest {
        format!(
            "{verb} writes `{}` ({what}) into the image: every layer keeps it; mount it only for the RUN that needs it (`RUN --mount=type=secret,id=…,target=…`)",
            w.text
        )
    } else {
        format!(
            "{verb} copies `{}` ({what}) into the image: it stays in the layer even if deleted later; mount it only for the RUN that needs it (`RUN --mount=type=secret,id=…,target=…`)",
            w.text
        )
    };
    out.emit_raw(RawFinding {
        rule: out.rule(),
        span: w.span,
        message,
        severity: match kind {
            CredentialFileKind::Certain => None,
            CredentialFileKind::Possible => Some(Severity::Note),
        },
        fingerprint_content: None,
        fix: None,
    });
}
