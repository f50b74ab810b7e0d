//! DF501: Windows download without a Get-FileHash comparison or signature check.

use crate::dockerfile::shell::Dialect;
use crate::dockerfile::stages::Os;
use crate::lint::helpers::secrets_downloads::{
    DownloadVerdict, download_verdicts, output_basename,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    let scripts = cx.run_scripts();
    for f in download_verdicts(cx.df, scripts) {
        let Some(s) = scripts.get(f.script) else {
            continue;
        };
        let windows = s.os == Os::Windows
            || (s.os == Os::Unknown
                && (s.script.dialect != Dialect::Posix || f.download.tool.windows_only()));
        if !windows {
            continue;
        }
        let tool = f.download.tool.label();
        let file = f
            .download
            .output
            .as_deref()
            .map(output_basename)
            .unwrap_or_default();
        let fix = format!(
            "compare `(Get-FileHash {file} -Algorithm SHA256).Hash` with the published hash (or check `Get-AuthenticodeSignature`) and stop the build on a mismatch"
        );
        let msg = match &f.verdict {
            DownloadVerdict::Verified => continue,
            DownloadVerdict::PipedUnverified { consumer } => {
                format!(
                    "`{tool}` output is piped into `{consumer}` without verification: save it to a file and {fix}"
                )
            }
            DownloadVerdict::UsedUnverified { script, range } => {
                let used = scripts
                    .get(*script)
                    .and_then(|u| u.text.text.get(range.clone()))
                    .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                    .unwrap_or_default();
                format!(
                    "`{tool}` downloads `{file}` and `{used}` uses it unverified: {fix} before using it"
                )
            }
            DownloadVerdict::NeverVerified => {
                format!("`{tool}` downloads `{file}` without a hash or signature check: {fix}")
            }
        };
        out.emit(s.span(f.download.range.clone()), msg);
    }
}
