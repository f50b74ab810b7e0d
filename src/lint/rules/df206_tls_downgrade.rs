//! DF206: TLS downgraded / legacy protocol forced.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for mut r in w::tls_downgrades(text) {
            // Include a `[Net.ServicePointManager]::` prefix in the span.
            if let Some(before) = text.get(..r.start)
                && let Some(stripped) = before.strip_suffix("]::")
                && let Some(open) = stripped.rfind('[')
            {
                r.start = open;
            }
            let shown = text.get(r.clone()).unwrap_or("");
            out.emit(
                s.span(r.clone()),
                format!(
                    "`{shown}` restricts .NET to legacy protocols (SSL 3 / TLS 1.0 / TLS 1.1) without TLS 1.2; use `[Net.SecurityProtocolType]::Tls12` (or `-bor` it into the current value)"
                ),
            );
        }
        for c in &a.cmds {
            if let Some(v) = c.param(&["-sslprotocol"]) {
                let (legacy, modern) = w::protocol_mentions(&v.text);
                if legacy && !modern {
                    out.emit(
                        s.span(c.range.clone()),
                        format!(
                            "`-SslProtocol {}` forces a legacy protocol; use Tls12 or Tls13",
                            v.text
                        ),
                    );
                }
            }
            let Some(reg) = w::registry_write(c) else {
                continue;
            };
            let n = reg.number();
            if reg.name == "schusestrongcrypto" && n == Some(0) {
                out.emit(
                    s.span(reg.range.clone()),
                    "SchUseStrongCrypto set to 0 lets .NET Framework fall back to SSL 3 / TLS 1.0 and weak ciphers; set it to 1",
                );
            } else if reg.key.contains("schannel\\protocols\\")
                && reg.name == "enabled"
                && n.is_some_and(|v| v != 0)
            {
                let legacy = ["ssl 2.0", "ssl 3.0", "tls 1.0", "tls 1.1"]
                    .iter()
                    .find(|p| reg.key.contains(*p));
                if let Some(p) = legacy {
                    out.emit(
                        s.span(reg.range.clone()),
                        format!("SCHANNEL protocol `{}` enabled; leave legacy protocols disabled and use TLS 1.2+", p.to_uppercase()),
                    );
                }
            } else if reg.key.contains("schannel\\protocols\\")
                && reg.name == "disabledbydefault"
                && n == Some(0)
            {
                let legacy = ["ssl 2.0", "ssl 3.0", "tls 1.0", "tls 1.1"]
                    .iter()
                    .find(|p| reg.key.contains(*p));
                if let Some(p) = legacy {
                    out.emit(
                        s.span(reg.range.clone()),
                        format!("SCHANNEL protocol `{}` enabled by default; leave legacy protocols disabled and use TLS 1.2+", p.to_uppercase()),
                    );
                }
            }
        }
    }
}
