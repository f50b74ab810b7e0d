//! DF218: PowerShell v2 engine or other legacy Windows features installed.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

fn legacy(feature: &str) -> Option<&'static str> {
    match feature {
        "microsoftwindowspowershellv2" | "microsoftwindowspowershellv2root" | "powershell-v2" => {
            Some(
                "the PowerShell 2.0 engine bypasses script block logging, AMSI and constrained language mode",
            )
        }
        "telnetclient" | "telnet-client" => Some("Telnet sends credentials in cleartext"),
        "telnetserver" | "telnet-server" => Some("Telnet sends credentials in cleartext"),
        "tftp" | "tftp-client" => Some("TFTP has no authentication or encryption"),
        "web-ftp-server" | "web-ftp-service" | "iis-ftpserver" | "iis-ftpsvc" => {
            Some("plain FTP sends credentials and data in cleartext")
        }
        "simpletcp" | "simple-tcpip" => {
            Some("Simple TCP/IP services (echo, chargen) are only useful for amplification attacks")
        }
        _ => None,
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            for (f, r) in w::enabled_features(c) {
                if let Some(why) = legacy(&f) {
                    out.emit(s.span(r), format!("legacy Windows feature `{f}` is installed: {why}; leave it out of the image"));
                }
            }
        }
    }
}
