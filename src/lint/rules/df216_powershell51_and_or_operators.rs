//! DF216: `&&` / `||` under Windows PowerShell 5.1.

use crate::lint::helpers::windows as w;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (s, a) in w::windows_scripts(cx) {
        let text = &s.text.text;
        let mut prev_end: Vec<Option<usize>> = vec![None; a.ctxs.len()];
        for c in &a.cmds {
            let Some(ctx) = a.ctxs.get(c.ctx) else {
                continue;
            };
            let prev = prev_end.get(c.ctx).copied().flatten();
            if let Some(slot) = prev_end.get_mut(c.ctx) {
                *slot = Some(c.range.end);
            }
            if !ctx.dialect.is_desktop_ps() || !matches!(c.conn, w::Conn::And | w::Conn::Or) {
                continue;
            }
            let op = if c.conn == w::Conn::And { "&&" } else { "||" };
            let from = prev.unwrap_or(ctx.range.start);
            let gap = text.get(from..c.range.start).unwrap_or("");
            let span = match gap.rfind(op) {
                Some(p) => s.span(from + p..from + p + 2),
                None => s.span(c.range.clone()),
            };
            out.emit(
                span,
                format!("`{op}` is not an operator in Windows PowerShell 5.1 (only in PowerShell 7): the RUN fails to parse; use `;` with `if (-not $?) {{ exit 1 }}`, or `$ErrorActionPreference = 'Stop'` and separate statements"),
            );
            break;
        }
    }
}
