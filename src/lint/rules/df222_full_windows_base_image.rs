//! DF222: full `windows` / `windows/server` base image.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for stage in &cx.model.stages {
        if stage.parent_stage.is_some() {
            continue;
        }
        let image = stage.base.clone().unwrap_or_else(|| stage.base_raw.clone());
        let which = match w::image_family(&image) {
            Some(w::WinFamily::Windows) => "the full Windows image",
            Some(w::WinFamily::Server) => "the Windows Server image",
            _ => continue,
        };
        out.emit(
            stage.base_span,
            format!("`{image}` is {which} (several GB, the largest attack surface); use `mcr.microsoft.com/windows/servercore` or `nanoserver` unless you need APIs only it has (e.g. DirectX/GPU, full desktop components)"),
        );
    }
}
