// The `compact` output of the CLI: one line per finding, `path:line:column: RULE [severity]
// message` (the shape editors and pre-commit users read and click), then the diagnostics and a
// summary line. Rendered from the engine's findings JSON, so it shows exactly what the other
// formats show.

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Renders a scan result (`engine.scan`) as compact text; suppressed findings are left out. */
export function renderCompact(result) {
  const lines = [];
  for (const f of result.findings ?? []) {
    if (f.suppression) continue;
    const l = f.location;
    lines.push(`${l.path}:${l.startLine}:${l.startColumn}: ${f.rule} [${f.severity}] ${f.message}`);
  }
  for (const d of result.diagnostics ?? []) {
    const where = d.path ? `${d.path}${d.line ? `:${d.line}` : ''}` : 'portcullis';
    lines.push(`${where}: ${d.severity}: ${d.message}`);
  }
  const c = result.counts ?? {};
  const total = (c.errors ?? 0) + (c.warnings ?? 0) + (c.notes ?? 0);
  const parts = [plural(c.errors ?? 0, 'error'), plural(c.warnings ?? 0, 'warning'), plural(c.notes ?? 0, 'note')];
  let summary = total === 0 ? `no findings in ${plural(c.files ?? 0, 'file')}` : `${parts.join(', ')} in ${plural(c.files ?? 0, 'file')}`;
  if (c.suppressed) summary += ` (${c.suppressed} suppressed)`;
  if (c.failing) summary += `; ${c.failing} at or above the threshold (${result.failOn})`;
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}
