//! DF203: final Windows stage runs as ContainerAdministrator.

use crate::dockerfile::stages::Os;
use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let Some(fs) = cx.model.final_stage else {
        return;
    };
    let Some(stage) = cx.model.stages.get(fs) else {
        return;
    };
    if stage.os != Os::Windows {
        return;
    }
    let Some((user, at)) = w::effective_user(cx.df, cx.model, fs) else {
        return;
    };
    if !w::is_admin_user(&user) {
        return;
    }
    match at {
        Some(i) if (stage.from..stage.end).contains(&i) => {
            let span = cx
                .df
                .instructions
                .get(i)
                .and_then(|inst| inst.words.first().map(|wd| wd.span))
                .unwrap_or(stage.base_span);
            out.emit(
                span,
                format!(
                    "the final stage runs as `{user}` (administrator inside the container); switch back with `USER ContainerUser` after the steps that need elevation"
                ),
            );
        }
        Some(i) => {
            let line = cx
                .df
                .instructions
                .get(i)
                .map_or(0, |inst| cx.df.lines.line_of(inst.span.start) + 1);
            out.emit(
                stage.base_span,
                format!(
                    "the final stage inherits `USER {user}` (line {line}) and runs as an administrator inside the container; add `USER ContainerUser`"
                ),
            );
        }
        None => {
            let image = w::root_image(cx.model, fs).unwrap_or_else(|| stage.base_raw.clone());
            out.emit(
                stage.base_span,
                format!(
                    "`{image}` runs as ContainerAdministrator by default and the final stage sets no USER; add `USER ContainerUser` (grant it rights on the folders it writes)"
                ),
            );
        }
    }
}
