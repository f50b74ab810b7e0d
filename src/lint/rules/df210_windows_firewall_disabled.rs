//! DF210: Windows Firewall disabled.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            let name = c.name();
            let args: Vec<String> = c
                .args()
                .iter()
                .map(|t| t.text.to_ascii_lowercase())
                .collect();
            let joined = args.join(" ");
            let hit = match name.as_str() {
                "netsh" => {
                    (joined.contains("advfirewall")
                        && (joined.contains("state off") || joined.contains("state=off")))
                        || (joined.contains("firewall set opmode") && (joined.contains("disable")))
                }
                "set-netfirewallprofile" => c.param(&["-enabled"]).is_some_and(|v| {
                    let t = v.text.to_ascii_lowercase();
                    w::parse_number(&t) == Some(0) || t == "false"
                }),
                _ => false,
            };
            if hit {
                out.emit(
                    s.span(c.range.clone()),
                    "the Windows Firewall is turned off; keep it on and add an allow rule for the ports the app needs (`New-NetFirewallRule` / `netsh advfirewall firewall add rule`)",
                );
                continue;
            }
            if w::disables_service(c, "mpssvc") {
                out.emit(s.span(c.range.clone()), "the Windows Firewall service (MpsSvc) is disabled; keep it running and add specific allow rules");
                continue;
            }
            if let Some(reg) = w::registry_write(c)
                && reg.name == "enablefirewall"
                && reg.key.contains("firewall")
                && reg.number() == Some(0)
            {
                out.emit(s.span(reg.range.clone()), "registry value `EnableFirewall` = 0 turns the Windows Firewall off; keep it on and add specific allow rules");
            }
        }
    }
}
