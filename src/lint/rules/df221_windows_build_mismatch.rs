//! DF221: Windows OS build differs between stages that exchange files.

use crate::dockerfile::InstructionKind;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (si, stage) in cx.model.stages.iter().enumerate() {
        if stage.os != Os::Windows {
            continue;
        }
        let Some(mine) = w::root_image(cx.model, si).and_then(|i| w::image_build(&i)) else {
            continue;
        };
        for idx in stage.from..stage.end {
            let Some(inst) = cx.df.instructions.get(idx) else {
                continue;
            };
            if !matches!(inst.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Some(flag) = inst.flag("from") else {
                continue;
            };
            let Some(from) = flag.value.as_deref() else {
                continue;
            };
            let lower = from.to_ascii_lowercase();
            let src_stage = cx
                .model
                .stages
                .iter()
                .take(si)
                .position(|st| st.name.as_deref() == Some(lower.as_str()))
                .or_else(|| lower.parse::<usize>().ok().filter(|n| *n < si));
            let (label, theirs) = match src_stage {
                Some(src) => {
                    if cx
                        .model
                        .stages
                        .get(src)
                        .is_some_and(|st| st.os == Os::Linux)
                    {
                        continue;
                    }
                    let b = w::root_image(cx.model, src).and_then(|i| w::image_build(&i));
                    (format!("stage `{from}`"), b)
                }
                None if from.contains(':') || from.contains('/') => {
                    (format!("image `{from}`"), w::image_build(from))
                }
                None => continue,
            };
            let Some(theirs) = theirs else { continue };
            if theirs.build != mine.build {
                out.emit(
                    flag.span,
                    format!(
                        "{label} is Windows {} (build {}) but this stage is Windows {} (build {}): binaries and installed components can depend on the OS build; build all stages on the same Windows release",
                        theirs.name, theirs.build, mine.name, mine.build
                    ),
                );
            }
        }
    }
}
