//! DF212: WinRM allows unencrypted traffic or Basic authentication.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

fn squash(s: &str) -> String {
    s.to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '"' | '\'' | '`' | '^' | '\\'))
        .collect()
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        for c in &a.cmds {
            let name = c.name();
            let raw = squash(text.get(c.range.clone()).unwrap_or(""));
            let words = squash(
                &c.args()
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            let mut what: Option<&str> = None;
            if name == "winrm" || name == "set-wsmaninstance" {
                if raw.contains("allowunencrypted=true") || words.contains("allowunencrypted=true")
                {
                    what = Some("unencrypted traffic");
                } else if raw.contains("basic=true") || words.contains("basic=true") {
                    what = Some("Basic authentication");
                }
            } else if name == "set-item" || name == "si" {
                let path = c
                    .param(&["-path"])
                    .map(|t| t.text)
                    .or_else(|| c.positionals(&["-value"]).first().map(|t| t.text.clone()));
                let value = c
                    .param(&["-value"])
                    .map(|t| t.text)
                    .or_else(|| c.positionals(&["-path"]).get(1).map(|t| t.text.clone()));
                if let (Some(p), Some(v)) = (path, value) {
                    let p = p.to_ascii_lowercase().replace('/', "\\");
                    if p.starts_with("wsman:") && w::parse_number(&v) == Some(1) {
                        if p.ends_with("\\allowunencrypted") {
                            what = Some("unencrypted traffic");
                        } else if p.ends_with("\\auth\\basic") {
                            what = Some("Basic authentication");
                        }
                    }
                }
            } else if let Some(reg) = w::registry_write(c)
                && reg.key.contains("\\winrm\\")
                && reg.number().is_some_and(|n| n != 0)
            {
                if reg.name == "allowunencryptedtraffic" {
                    what = Some("unencrypted traffic");
                } else if reg.name == "allowbasic" {
                    what = Some("Basic authentication");
                }
            }
            if let Some(what) = what {
                out.emit(
                    s.span(c.range.clone()),
                    format!("WinRM is configured to allow {what}: credentials and commands can be read or replayed on the network; use an HTTPS listener with Kerberos/certificate authentication"),
                );
            }
        }
    }
}
