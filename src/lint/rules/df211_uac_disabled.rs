//! DF211: UAC / remote UAC token filtering disabled.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        for c in &a.cmds {
            let Some(reg) = w::registry_write(c) else {
                continue;
            };
            if !reg.key.contains("policies\\system") {
                continue;
            }
            let n = reg.number();
            let msg = match reg.name.as_str() {
                "enablelua" if n == Some(0) => {
                    "`EnableLUA` = 0 turns off User Account Control: every administrator process runs fully elevated; leave the default (1)"
                }
                "localaccounttokenfilterpolicy" if n.is_some_and(|v| v != 0) => {
                    "`LocalAccountTokenFilterPolicy` = 1 gives remote logons of local administrators a full, unfiltered admin token (pass-the-hash friendly); leave the default (0)"
                }
                "filteradministratortoken" if n == Some(0) => continue,
                _ => continue,
            };
            out.emit(s.span(reg.range.clone()), msg);
        }
    }
}
