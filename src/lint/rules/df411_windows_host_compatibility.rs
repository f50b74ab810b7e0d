use crate::baseimage::lifecycle::{self, HostCompat, host_compat};
use crate::lint::helpers::images::{from_uses, windows_line};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    if cx.policy.windows_hosts.is_empty() {
        return;
    }
    let Ok(data) = lifecycle::data() else { return };
    let hosts: Vec<_> = cx
        .policy
        .windows_hosts
        .iter()
        .filter_map(|h| data.windows_line(h))
        .collect();
    for (u, img) in from_uses(cx) {
        let Some(line) = windows_line(cx, u, img) else {
            continue;
        };
        let mut problems = Vec::new();
        for host in &hosts {
            match host_compat(host.build, line.build) {
                HostCompat::Process => {}
                HostCompat::HyperVOnly => problems.push(format!(
                    "{} hosts run it with Hyper-V isolation only",
                    host.name
                )),
                HostCompat::Unsupported => {
                    problems.push(format!("{} hosts cannot run it", host.name))
                }
            }
        }
        if !problems.is_empty() {
            out.emit(
                u.span,
                format!(
                    "`{}` is Windows {} (build {}): {}",
                    u.raw,
                    line.name,
                    line.build,
                    problems.join("; ")
                ),
            );
        }
    }
}
