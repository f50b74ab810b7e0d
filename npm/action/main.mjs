// GitHub Action entry point (bundled into dist/index.js with the WebAssembly module inlined).
import * as core from '@actions/core';

import { createEngine } from '../engine.mjs';
import { tuneWasmStartup } from '../node-startup.mjs';
import { categoryOf, parseBool, plural, runScan, splitList } from '../runner.mjs';
import wasmBytes from '../pkg/portcullis_wasm_bg.wasm';

const LOG_FORMATS = ['text', 'json', 'sarif', 'github', 'azure'];
const TOP_FINDINGS = 20;
const LEVELS = ['error', 'warning', 'note'];

function escapeHtml(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\|/g, '&#124;');
}

/** Link to a line of a file in the repository at the scanned commit, when the runner says where. */
function blobLink(path, line) {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = process.env;
  if (!server || !repo || !sha) return null;
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${server}/${repo}/blob/${sha}/${encoded}#L${line}`;
}

/** Markdown/HTML job summary: counts by category and severity, then the top findings. */
export function buildSummary(summary, result, meta) {
  const findings = result.findings.filter((f) => !f.suppression);
  const byCat = new Map();
  for (const f of findings) {
    const c = categoryOf(f.rule);
    if (!byCat.has(c)) byCat.set(c, { error: 0, warning: 0, note: 0 });
    byCat.get(c)[f.severity] += 1;
  }
  const head = ['Category', 'Errors', 'Warnings', 'Notes', 'Total'].map((data) => ({ data, header: true }));
  const rows = [...byCat.keys()].sort().map((c) => {
    const n = byCat.get(c);
    return [escapeHtml(c), String(n.error), String(n.warning), String(n.note), String(n.error + n.warning + n.note)];
  });
  const k = result.counts;
  rows.push(['<b>all</b>', `<b>${k.errors}</b>`, `<b>${k.warnings}</b>`, `<b>${k.notes}</b>`, `<b>${k.errors + k.warnings + k.notes}</b>`]);

  const verdict =
    result.exitCode === 1
      ? `❌ ${k.failing} finding${k.failing === 1 ? '' : 's'} at or above <code>${result.failOn}</code>`
      : result.exitCode === 2
        ? '❌ errors while scanning (see below)'
        : `✅ nothing at or above <code>${result.failOn}</code>`;
  summary
    .addHeading('Portcullis', 2)
    .addRaw(`<p>${verdict} — ${k.files} files scanned, ${k.suppressed} suppressed, engine ${escapeHtml(result.version)} (WebAssembly)${meta.category ? `, category <code>${escapeHtml(meta.category)}</code>` : ''}.</p>`, true)
    .addTable([head, ...rows]);

  if (findings.length > 0) {
    const top = [...findings]
      .sort((a, b) => LEVELS.indexOf(a.severity) - LEVELS.indexOf(b.severity))
      .slice(0, TOP_FINDINGS);
    const th = ['Severity', 'Rule', 'Location', 'Message'].map((data) => ({ data, header: true }));
    const tr = top.map((f) => {
      const where = `${f.location.path}:${f.location.startLine}`;
      const link = blobLink(f.location.path, f.location.startLine);
      return [
        f.severity,
        `<a href="${escapeHtml(f.helpUri)}">${escapeHtml(f.rule)}</a> ${escapeHtml(f.title)}`,
        link ? `<a href="${escapeHtml(link)}">${escapeHtml(where)}</a>` : `<code>${escapeHtml(where)}</code>`,
        escapeHtml(f.message),
      ];
    });
    summary.addHeading(findings.length > TOP_FINDINGS ? `Top ${TOP_FINDINGS} of ${findings.length} findings` : 'Findings', 3);
    summary.addTable([th, ...tr]);
  }
  const problems = result.diagnostics.filter((d) => d.severity !== 'note');
  if (problems.length > 0) {
    summary.addHeading('Diagnostics', 3);
    summary.addList(problems.slice(0, 50).map((d) => escapeHtml(`${d.severity}: ${d.path ? `${d.path}${d.line ? `:${d.line}` : ''}: ` : ''}${d.message}`)));
  }
  if (meta.sarifFile) {
    summary.addRaw(`<p>SARIF: <code>${escapeHtml(meta.sarifFile)}</code> — upload it with <code>github/codeql-action/upload-sarif</code> to see the alerts in code scanning.</p>`, true);
  }
  return summary;
}

export async function run() {
  try {
    tuneWasmStartup();
    const engine = createEngine(wasmBytes);
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const formats = splitList(core.getInput('format') || 'text');
    for (const f of formats) {
      if (!LOG_FORMATS.includes(f)) throw new Error(`format \`${f}\` is not one of ${LOG_FORMATS.join(', ')}`);
    }
    const annotations = parseBool(core.getInput('annotations'), true);
    const sarifFile = core.getInput('sarif-file');
    const sbomFile = core.getInput('sbom-file');
    let category = core.getInput('category');
    // upload-sarif treats the part before the last '/' as the category; end with '/' as it does.
    if (category && !category.endsWith('/')) category = `${category}/`;

    core.info(`Portcullis ${engine.version()} (WebAssembly) on ${process.platform}, Node ${process.versions.node}`);
    const want = new Set(formats);
    if (annotations) want.add('github');
    const run = await runScan(engine, {
      workspace,
      paths: splitList(core.getInput('path') || '.'),
      config: core.getInput('config') || undefined,
      formats: [...want],
      outputs: { sarif: sarifFile || undefined, cyclonedx: sbomFile || undefined },
      failOn: core.getInput('fail-on'),
      category: category || undefined,
      advisories: core.getInput('advisories'),
      log: (m) => core.info(m),
    });
    const result = run.result;
    if (!run.ok) {
      core.setOutput('findings', '0');
      core.setOutput('errors', '0');
      core.setFailed(`Portcullis could not scan:\n${(result.errors ?? []).join('\n')}`);
      return;
    }
    if (run.configPath) core.info(`config: ${run.configPath}`);

    for (const f of formats) {
      if (f === 'github' && annotations) continue;
      core.info(result[f] ?? '');
    }
    if (annotations && result.github) process.stdout.write(result.github);

    const k = result.counts;
    if (run.written.sarif) core.setOutput('sarif-file', sarifFile);
    if (run.written.cyclonedx) core.setOutput('sbom-file', sbomFile);
    core.setOutput('findings', String(k.errors + k.warnings + k.notes));
    core.setOutput('errors', String(k.errors));

    try {
      await buildSummary(core.summary, result, { category, sarifFile: run.written.sarif ? sarifFile : '' }).write();
    } catch (e) {
      core.warning(`job summary not written: ${e.message}`);
    }

    core.info(
      `${plural(k.errors, 'error')}, ${plural(k.warnings, 'warning')}, ${plural(k.notes, 'note')} in ${plural(k.files, 'file')} (${k.suppressed} suppressed); fail-on ${result.failOn}`,
    );
    if (result.exitCode === 1) {
      core.setFailed(`Portcullis: ${k.failing} finding${k.failing === 1 ? '' : 's'} at or above ${result.failOn}`);
    } else if (result.exitCode === 2) {
      const errs = result.diagnostics.filter((d) => d.severity === 'error');
      core.setFailed(`Portcullis: ${errs.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ')}`);
    }
  } catch (e) {
    core.setFailed(`Portcullis failed: ${e && e.message ? e.message : String(e)}`);
  }
}
