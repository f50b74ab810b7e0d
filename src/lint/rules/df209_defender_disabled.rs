//! DF209: Microsoft Defender disabled or given a broad exclusion.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

/// Exclusion paths that cover a drive, the Windows folder or everything.
fn broad_path(p: &str) -> bool {
    let t = p
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .replace('/', "\\");
    let t = t.trim_end_matches(['\\', '*']);
    let t = t.trim_end_matches('\\');
    t.is_empty()
        || (t.len() == 2 && t.ends_with(':'))
        || t == "$env:systemdrive"
        || t == "%systemdrive%"
        || matches!(
            t,
            "c:\\windows"
                | "c:\\windows\\system32"
                | "$env:windir"
                | "%windir%"
                | "$env:systemroot"
                | "c:\\program files"
                | "c:\\users"
        )
}

fn broad_ext(e: &str) -> bool {
    let t = e
        .trim()
        .trim_matches(['"', '\'', '.', '*'])
        .to_ascii_lowercase();
    t.is_empty()
        || matches!(
            t.as_str(),
            "exe" | "dll" | "ps1" | "bat" | "cmd" | "vbs" | "js" | "msi" | "scr"
        )
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            let name = c.name();
            if name == "set-mppreference" || name == "add-mppreference" {
                for (i, t) in c.args().iter().enumerate() {
                    let lower = t.text.to_ascii_lowercase();
                    if lower.starts_with("-disable") {
                        let value = match lower.split_once(':') {
                            Some((_, v)) => v.to_string(),
                            None => c
                                .args()
                                .get(i + 1)
                                .map(|v| v.text.clone())
                                .unwrap_or_default(),
                        };
                        if w::parse_number(&value) == Some(1) {
                            out.emit(
                                s.span(t.range.clone()),
                                format!("`{} {value}` turns off a Microsoft Defender protection; keep it on (exclude a narrow build folder if scanning is too slow)", t.text),
                            );
                        }
                    }
                }
                for (param, is_broad) in [
                    ("-exclusionpath", broad_path as fn(&str) -> bool),
                    ("-exclusionextension", broad_ext),
                ] {
                    if let Some(v) = c.param(&[param])
                        && v.text.split(',').any(is_broad)
                    {
                        out.emit(
                                s.span(v.range.clone()),
                                format!("Defender exclusion `{}` covers too much to keep malware scanning meaningful; exclude only a specific build folder", v.text),
                            );
                    }
                }
            }
            if matches!(
                name.as_str(),
                "uninstall-windowsfeature"
                    | "remove-windowsfeature"
                    | "disable-windowsoptionalfeature"
            ) && c
                .args()
                .iter()
                .any(|t| t.text.to_ascii_lowercase().contains("windows-defender"))
            {
                out.emit(
                    s.span(c.range.clone()),
                    "Microsoft Defender is removed from the image; keep it installed",
                );
            }
            if w::disables_service(c, "windefend") {
                out.emit(
                    s.span(c.range.clone()),
                    "the Microsoft Defender service (WinDefend) is disabled; keep it running",
                );
            }
            if let Some(reg) = w::registry_write(c) {
                let defender = reg.key.contains("windows defender");
                let off = matches!(
                    reg.name.as_str(),
                    "disableantispyware"
                        | "disableantivirus"
                        | "disablerealtimemonitoring"
                        | "disablebehaviormonitoring"
                        | "disableonaccessprotection"
                );
                if defender && off && reg.number().is_some_and(|n| n != 0) {
                    out.emit(
                        s.span(reg.range.clone()),
                        format!(
                            "registry value `{}` = 1 turns off Microsoft Defender; keep it on",
                            reg.name
                        ),
                    );
                }
            }
        }
    }
}
