//! DF113: EXPOSE of a remote administration port: 22 (SSH), 23 (Telnet), 3389 (RDP),
//! 5985/5986 (WinRM).

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::parse_port_spec;
use crate::lint::{Emitter, LintContext};

const ADMIN_PORTS: &[(u32, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5985, "WinRM over HTTP"),
    (5986, "WinRM over HTTPS"),
];

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Expose) {
        for w in &inst.words {
            let Ok(spec) = parse_port_spec(&w.text) else {
                continue;
            };
            let hits: Vec<String> = ADMIN_PORTS
                .iter()
                .filter(|(p, _)| spec.lo <= *p && *p <= spec.hi)
                .map(|(p, what)| format!("{p} ({what})"))
                .collect();
            if hits.is_empty() {
                continue;
            }
            out.emit(
                w.span,
                format!(
                    "EXPOSE `{}` advertises remote administration port {}: containers should not be administered remotely; use `docker exec` and expose only the application port",
                    w.text,
                    hits.join(", ")
                ),
            );
        }
    }
}
