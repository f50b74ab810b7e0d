//! DF208: SMB1 enabled.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

fn is_smb1(feature: &str) -> bool {
    feature.starts_with("smb1protocol") || feature.starts_with("fs-smb1")
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            for (f, r) in w::enabled_features(c) {
                if is_smb1(&f) {
                    out.emit(
                        s.span(r),
                        format!("Windows feature `{f}` turns on SMB1, an obsolete protocol without encryption or integrity (WannaCry, EternalBlue); use SMB2/3"),
                    );
                }
            }
            let name = c.name();
            if (name == "set-smbserverconfiguration" || name == "set-smbclientconfiguration")
                && let Some(v) = c.param(&["-enablesmb1protocol"])
                && w::parse_number(&v.text) == Some(1)
            {
                out.emit(
                    s.span(c.range.clone()),
                    "`-EnableSMB1Protocol $true` turns on SMB1; leave it disabled and use SMB2/3",
                );
            }
            if name == "sc" {
                let args: Vec<String> = c
                    .args()
                    .iter()
                    .map(|t| t.text.to_ascii_lowercase())
                    .collect();
                let joined = args.join(" ");
                if args.first().is_some_and(|x| x == "config")
                    && args.get(1).is_some_and(|x| x == "mrxsmb10")
                    && (joined.contains("start= auto")
                        || joined.contains("start= demand")
                        || joined.contains("start=auto"))
                {
                    out.emit(s.span(c.range.clone()), "the SMB1 client driver (mrxsmb10) is enabled; leave it disabled and use SMB2/3");
                }
            }
            if let Some(reg) = w::registry_write(c)
                && reg.key.ends_with("services\\lanmanserver\\parameters")
                && reg.name == "smb1"
                && reg.number().is_some_and(|n| n != 0)
            {
                out.emit(s.span(reg.range.clone()), "registry value `SMB1` = 1 enables the SMB1 server; leave it disabled and use SMB2/3");
            }
        }
    }
}
