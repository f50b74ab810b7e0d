//! DF207: certificate validation disabled in PowerShell / .NET.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for c in w::ps_cmds(a) {
            if let Some(i) = c.find_arg(&["-skipcertificatecheck"])
                && let Some(t) = c.args().get(i)
            {
                if t.text.to_ascii_lowercase().ends_with(":$false") {
                    continue;
                }
                out.emit(
                        s.span(t.range.clone()),
                        format!(
                            "`{}` with -SkipCertificateCheck accepts any server certificate (man-in-the-middle); remove it and trust the right CA instead",
                            c.words.first().map_or("", |w| w.text.as_str())
                        ),
                    );
            }
        }
        let lower = text.to_ascii_lowercase();
        for key in ["servercertificatevalidationcallback", "certificatepolicy"] {
            let mut from = 0;
            while let Some(i) = lower.get(from..).and_then(|x| x.find(key)) {
                let at = from + i;
                from = at + key.len();
                let rest = lower.get(from..).unwrap_or("").trim_start();
                let Some(rhs) = rest.strip_prefix('=') else {
                    continue;
                };
                let rhs: String = rhs
                    .chars()
                    .take(120)
                    .collect::<String>()
                    .replace([' ', '\t'], "");
                let trusts_all = if key == "certificatepolicy" {
                    rhs.contains("trustall")
                } else {
                    rhs.starts_with("{$true}")
                        || rhs.starts_with("{return$true}")
                        || rhs.starts_with(
                            "[system.net.security.remotecertificatevalidationcallback]{$true}",
                        )
                };
                if trusts_all {
                    let tail = lower.get(from..).unwrap_or("");
                    let stop = tail
                        .find('}')
                        .map(|p| p + 1)
                        .or_else(|| tail.find([';', '\n']))
                        .unwrap_or(tail.len());
                    let end = from + stop;
                    out.emit(
                        s.span(at..end),
                        "a certificate validation callback that accepts every certificate disables TLS server authentication; remove it and trust the right CA instead",
                    );
                }
            }
        }
    }
}
