//! DF503: ADD of a remote URL without `--checksum`.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::secrets_downloads::{RemoteSource, remote_source, with_onbuild};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            if inst.kind != InstructionKind::Add
                || inst
                    .flag("checksum")
                    .is_some_and(|f| f.value.as_deref().is_some_and(|v| !v.is_empty()))
            {
                continue;
            }
            let n = inst.words.len();
            for w in inst.words.iter().take(n.saturating_sub(1)) {
                match remote_source(&w.text) {
                    Some(RemoteSource::Http) => out.emit(
                        w.span,
                        format!(
                            "ADD downloads `{}` without `--checksum=sha256:…`: a changed or tampered file goes into the image unnoticed; add the checksum (Dockerfile syntax 1.6+) or download and verify in a RUN",
                            w.text
                        ),
                    ),
                    Some(RemoteSource::Git { pinned: false }) => out.emit(
                        w.span,
                        format!(
                            "ADD clones `{}` at a movable ref: pin a full commit SHA (`#<40-hex sha>`) or add `--checksum=<commit sha>`",
                            w.text
                        ),
                    ),
                    _ => {}
                }
            }
        }
    }
}
