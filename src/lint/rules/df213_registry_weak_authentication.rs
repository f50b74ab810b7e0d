//! DF213: registry setting weakens authentication.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            if c.name() == "set-smbclientconfiguration"
                && let Some(v) = c.param(&["-enableinsecureguestlogons"])
                && w::parse_number(&v.text) == Some(1)
            {
                out.emit(s.span(c.range.clone()), "`-EnableInsecureGuestLogons $true` lets the SMB client connect to shares without authentication; leave it off");
            }
            let Some(reg) = w::registry_write(c) else {
                continue;
            };
            let Some(n) = reg.number() else { continue };
            let msg = match reg.name.as_str() {
                "lmcompatibilitylevel" if reg.key.ends_with("control\\lsa") && n < 3 => {
                    format!("`LmCompatibilityLevel` = {n} allows LM/NTLMv1 authentication, whose hashes are easily cracked or relayed; use 5 (send NTLMv2 only, refuse LM and NTLM)")
                }
                "restrictanonymous" if reg.key.ends_with("control\\lsa") && n == 0 => {
                    "`RestrictAnonymous` = 0 lets anonymous users enumerate accounts and shares; set it to 1".to_string()
                }
                "allowinsecureguestauth" if n != 0 => {
                    "`AllowInsecureGuestAuth` = 1 lets the SMB client use unauthenticated guest access; leave it at 0".to_string()
                }
                "uselogoncredential" if reg.key.contains("wdigest") && n != 0 => {
                    "`UseLogonCredential` = 1 makes WDigest keep plaintext passwords in LSASS memory; leave it at 0".to_string()
                }
                _ => continue,
            };
            out.emit(s.span(reg.range.clone()), msg);
        }
    }
}
