//! DF500: Linux download used without a checksum or signature check.

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
        if s.script.dialect != Dialect::Posix
            || s.os == Os::Windows
            || f.download.tool.windows_only()
        {
            continue;
        }
        let tool = f.download.tool.label();
        let file = f
            .download
            .output
            .as_deref()
            .map(output_basename)
            .unwrap_or_default();
        let msg = match &f.verdict {
            DownloadVerdict::Verified => continue,
            DownloadVerdict::PipedUnverified { consumer } => format!(
                "`{tool} … | {consumer}` uses the download without verifying it: save it to a file, check it (`echo \"<sha256>  file\" | sha256sum -c -` or `gpg --verify`), then unpack"
            ),
            DownloadVerdict::UsedUnverified { script, range } => {
                let used = scripts
                    .get(*script)
                    .and_then(|u| u.text.text.get(range.clone()))
                    .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                    .unwrap_or_default();
                format!(
                    "`{tool}` downloads `{file}` and `{used}` uses it without a checksum or signature check: add `echo \"<sha256>  {file}\" | sha256sum -c -` (or `gpg --verify`) before using it"
                )
            }
            DownloadVerdict::NeverVerified => format!(
                "`{tool}` downloads `{file}` without a checksum or signature check: add `echo \"<sha256>  {file}\" | sha256sum -c -` (or `gpg --verify`) after the download"
            ),
        };
        out.emit(s.span(f.download.range.clone()), msg);
    }
}
