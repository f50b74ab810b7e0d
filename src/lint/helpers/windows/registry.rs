//! Registry, features, services.

use super::*;

/// A registry value written by `reg add` or `Set-ItemProperty` / `New-ItemProperty`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegWrite {
    /// Normalized key: lowercase, `hklm\...` / `hkcu\...`, backslashes.
    pub key: String,
    /// Lowercased value name.
    pub name: String,
    /// Data as written (quotes removed).
    pub data: String,
    /// Range of the whole command.
    pub range: Range<usize>,
}

impl RegWrite {
    /// Data as a number (`0`, `0x1`, `$true`, `true`).
    pub fn number(&self) -> Option<i64> {
        parse_number(&self.data)
    }
}

/// `0`, `0x10`, `$true` → 1, `$false` → 0, `true`, `false`.
pub fn parse_number(s: &str) -> Option<i64> {
    let t = s.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match t.as_str() {
        "$true" | "true" => return Some(1),
        "$false" | "false" => return Some(0),
        _ => {}
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    t.parse().ok()
}

/// Normalizes a registry key path.
pub fn normal_key(key: &str) -> String {
    let k = key
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .replace('/', "\\");
    let k = k.strip_prefix("registry::").unwrap_or(&k).to_string();
    let k = k
        .strip_prefix("microsoft.powershell.core\\registry::")
        .unwrap_or(&k)
        .to_string();
    for (long, short) in [
        ("hkey_local_machine\\", "hklm\\"),
        ("hkey_current_user\\", "hkcu\\"),
        ("hklm:\\", "hklm\\"),
        ("hkcu:\\", "hkcu\\"),
        ("hklm:", "hklm\\"),
        ("hkcu:", "hkcu\\"),
    ] {
        if let Some(r) = k.strip_prefix(long) {
            return format!("{short}{r}");
        }
    }
    k
}

/// Registry writes of one command, if it is `reg add` or `Set-ItemProperty`/`New-ItemProperty`.
pub fn registry_write(cmd: &WinCmd) -> Option<RegWrite> {
    let name = cmd.name();
    match name.as_str() {
        "reg" => {
            let args = cmd.args();
            if !args.first()?.text.eq_ignore_ascii_case("add") {
                return None;
            }
            let key = args.get(1)?;
            let v = cmd.param(&["/v"])?;
            let d = cmd.param(&["/d"])?;
            Some(RegWrite {
                key: normal_key(&key.text),
                name: v.text.to_ascii_lowercase(),
                data: d.text,
                range: cmd.range.clone(),
            })
        }
        "set-itemproperty" | "sp" | "new-itemproperty" => {
            let valued = [
                "-path",
                "-literalpath",
                "-name",
                "-value",
                "-type",
                "-propertytype",
                "-credential",
                "-filter",
                "-include",
                "-exclude",
            ];
            let pos = cmd.positionals(&valued);
            let mut pi = pos.into_iter();
            let path = match cmd.param(&["-path", "-literalpath"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            let vname = match cmd.param(&["-name"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            let value = match cmd.param(&["-value"]) {
                Some(p) => p.text,
                None => pi.next()?.text.clone(),
            };
            Some(RegWrite {
                key: normal_key(&path),
                name: vname.to_ascii_lowercase(),
                data: value,
                range: cmd.range.clone(),
            })
        }
        _ => None,
    }
}

/// Windows features a command enables: `Enable-WindowsOptionalFeature -FeatureName`,
/// `Install-WindowsFeature` / `Add-WindowsFeature`, `dism /enable-feature /featurename:`.
/// Returns lowercased names with the range of the word naming them.
pub fn enabled_features(cmd: &WinCmd) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut push_list = |t: &Tok| {
        for n in t.text.split(',') {
            let n = n.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            if !n.is_empty() {
                out.push((n, t.range.clone()));
            }
        }
    };
    match cmd.name().as_str() {
        "enable-windowsoptionalfeature" => {
            if let Some(v) = cmd.param(&["-featurename"]) {
                push_list(&v);
            } else {
                let valued = [
                    "-source",
                    "-logpath",
                    "-loglevel",
                    "-scratchdirectory",
                    "-windowsdirectory",
                    "-systemdrive",
                    "-path",
                    "-packagename",
                ];
                for p in cmd.positionals(&valued) {
                    push_list(p);
                }
            }
        }
        "install-windowsfeature" | "add-windowsfeature" => {
            if let Some(v) = cmd.param(&["-name"]) {
                push_list(&v);
            } else {
                let valued = [
                    "-source",
                    "-logpath",
                    "-computername",
                    "-credential",
                    "-configurationfilepath",
                    "-vhd",
                ];
                for p in cmd.positionals(&valued) {
                    push_list(p);
                }
            }
        }
        "dism" => {
            let enabling = cmd
                .args()
                .iter()
                .any(|w| w.text.eq_ignore_ascii_case("/enable-feature"));
            if enabling {
                for w in cmd.args() {
                    let lower = w.text.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("/featurename:") {
                        out.push((v.trim_matches(['"', '\'']).to_string(), w.range.clone()));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// `sc config <svc> start= disabled` or `Set-Service [-Name] <svc> -StartupType Disabled` or
/// `Stop-Service`: returns true when the command disables the service `svc` (lowercase).
pub fn disables_service(cmd: &WinCmd, svc: &str) -> bool {
    let args = cmd.args();
    match cmd.name().as_str() {
        "sc" => {
            let is_cfg = args
                .first()
                .is_some_and(|w| w.text.eq_ignore_ascii_case("config"));
            let named = args
                .get(1)
                .is_some_and(|w| w.text.eq_ignore_ascii_case(svc));
            let joined: String = args
                .iter()
                .map(|w| w.text.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            is_cfg
                && named
                && (joined.contains("start= disabled") || joined.contains("start=disabled"))
        }
        "set-service" => {
            let named = cmd
                .param(&["-name"])
                .is_some_and(|w| w.text.eq_ignore_ascii_case(svc))
                || cmd
                    .positionals(&[
                        "-startuptype",
                        "-status",
                        "-displayname",
                        "-description",
                        "-computername",
                    ])
                    .first()
                    .is_some_and(|w| w.text.eq_ignore_ascii_case(svc));
            named
                && cmd
                    .param(&["-startuptype"])
                    .is_some_and(|w| w.text.eq_ignore_ascii_case("disabled"))
        }
        _ => false,
    }
}

/// Indices of commands in a RUN script that belong to PowerShell contexts.
pub fn ps_cmds(a: &Analysis) -> impl Iterator<Item = &WinCmd> {
    a.cmds
        .iter()
        .filter(|c| a.dialect_of(c).is_some_and(WinDialect::is_ps))
}
