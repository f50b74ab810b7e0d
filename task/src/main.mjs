// Azure DevOps task PortcullisScan@1 (bundled into PortcullisScanV1/index.js with the
// WebAssembly module inlined; azure-pipelines-task-lib stays an external require so the agent's
// copy in the task folder is used and MockTestRunner can mock it).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as tl from 'azure-pipelines-task-lib/task';

import { createEngine } from '../../npm/engine.mjs';
import { tuneWasmStartup } from '../../npm/node-startup.mjs';
import { categoryOf, parseBool, plural, runScan, splitList } from '../../npm/runner.mjs';
import wasmBytes from '../../npm/pkg/portcullis_wasm_bg.wasm';

const LOG_FORMATS = ['text', 'json', 'sarif', 'github', 'azure'];
const LEVELS = ['error', 'warning', 'note'];
const TOP_FINDINGS = 20;

function md(s) {
  return String(s).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Markdown for the run summary tab. */
export function summaryMarkdown(result, meta) {
  const k = result.counts;
  const findings = result.findings.filter((f) => !f.suppression);
  const lines = ['# Portcullis', ''];
  lines.push(
    result.exitCode === 1
      ? `**Failed:** ${k.failing} finding${k.failing === 1 ? '' : 's'} at or above \`${result.failOn}\`.`
      : result.exitCode === 2
        ? '**Failed:** errors while scanning (see Diagnostics).'
        : findings.length > 0
          ? `**Succeeded with issues:** nothing at or above \`${result.failOn}\`, ${findings.length} below it.`
          : `**Succeeded:** no findings.`,
  );
  lines.push('', `${k.files} files scanned, ${k.suppressed} suppressed, engine ${result.version} (WebAssembly).`, '');
  const byCat = new Map();
  for (const f of findings) {
    const c = categoryOf(f.rule);
    if (!byCat.has(c)) byCat.set(c, { error: 0, warning: 0, note: 0 });
    byCat.get(c)[f.severity] += 1;
  }
  lines.push('| Category | Errors | Warnings | Notes | Total |', '|---|---:|---:|---:|---:|');
  for (const c of [...byCat.keys()].sort()) {
    const n = byCat.get(c);
    lines.push(`| ${md(c)} | ${n.error} | ${n.warning} | ${n.note} | ${n.error + n.warning + n.note} |`);
  }
  lines.push(`| **all** | **${k.errors}** | **${k.warnings}** | **${k.notes}** | **${k.errors + k.warnings + k.notes}** |`, '');
  if (findings.length > 0) {
    const top = [...findings]
      .sort((a, b) => LEVELS.indexOf(a.severity) - LEVELS.indexOf(b.severity))
      .slice(0, TOP_FINDINGS);
    lines.push(findings.length > TOP_FINDINGS ? `## Top ${TOP_FINDINGS} of ${findings.length} findings` : '## Findings', '');
    lines.push('| Severity | Rule | Location | Message |', '|---|---|---|---|');
    for (const f of top) {
      lines.push(
        `| ${f.severity} | [${md(f.rule)}](${f.helpUri}) ${md(f.title)} | \`${f.location.path}:${f.location.startLine}\` | ${md(f.message)} |`,
      );
    }
    lines.push('');
  }
  const problems = result.diagnostics.filter((d) => d.severity !== 'note');
  if (problems.length > 0) {
    lines.push('## Diagnostics', '');
    for (const d of problems.slice(0, 50)) {
      lines.push(`- ${d.severity}: ${d.path ? `\`${d.path}${d.line ? `:${d.line}` : ''}\` ` : ''}${md(d.message)}`);
    }
    lines.push('');
  }
  if (meta.sarifPublished) lines.push('SARIF published to the `CodeAnalysisLogs` build artifact (Scans tab).', '');
  return `${lines.join('\n')}\n`;
}

function optionalPath(name, workspace) {
  // filePath inputs left empty come back as the sources directory.
  const v = (tl.getInput(name, false) || '').trim();
  if (!v) return '';
  const abs = path.resolve(workspace, v);
  if (abs === path.resolve(workspace) || (existsSync(abs) && statSync(abs).isDirectory())) return '';
  return v;
}

export async function run() {
  try {
    tuneWasmStartup();
    const engine = createEngine(wasmBytes);
    const workspace =
      tl.getVariable('Build.SourcesDirectory') || tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();
    const temp = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
    const formats = splitList(tl.getInput('format', false) || 'text');
    for (const f of formats) {
      if (!LOG_FORMATS.includes(f)) throw new Error(`format \`${f}\` is not one of ${LOG_FORMATS.join(', ')}`);
    }
    const annotations = parseBool(tl.getInput('annotations', false), true);
    const publish = parseBool(tl.getInput('publishSarif', false), true);
    const sarifFile = optionalPath('sarifFile', workspace) || path.join(temp, 'CodeAnalysisLogs', 'portcullis.sarif');
    const sbomFile = optionalPath('sbomFile', workspace);

    console.log(`Portcullis ${engine.version()} (WebAssembly) on ${process.platform}, Node ${process.versions.node}`);
    const want = new Set(formats);
    if (annotations) want.add('azure');
    const run = await runScan(engine, {
      workspace,
      paths: splitList(tl.getInput('path', false) || '.'),
      config: optionalPath('config', workspace) || undefined,
      formats: [...want],
      outputs: { sarif: sarifFile, cyclonedx: sbomFile || undefined },
      failOn: tl.getInput('failOn', false) || '',
      category: tl.getInput('category', false) || undefined,
      advisories: tl.getInput('advisories', false),
      log: (m) => console.log(m),
    });
    const result = run.result;
    if (!run.ok) {
      tl.setResult(tl.TaskResult.Failed, `Portcullis could not scan: ${(result.errors ?? []).join('; ')}`);
      return;
    }
    if (run.configPath) console.log(`config: ${run.configPath}`);
    for (const f of formats) {
      if (f === 'azure' && annotations) continue;
      console.log(result[f] ?? '');
    }
    // One ##vso[task.logissue] per unsuppressed finding, rendered by the engine.
    if (annotations && result.azure) process.stdout.write(result.azure);

    const k = result.counts;
    const total = k.errors + k.warnings + k.notes;
    if (run.written.sarif) {
      tl.setVariable('sarifFile', run.written.sarif, false, true);
      if (publish) tl.uploadArtifact('CodeAnalysisLogs', run.written.sarif, 'CodeAnalysisLogs');
    }
    if (run.written.cyclonedx) tl.setVariable('sbomFile', run.written.cyclonedx, false, true);
    tl.setVariable('findings', String(total), false, true);
    tl.setVariable('errors', String(k.errors), false, true);

    const summaryFile = path.join(temp, 'portcullis-summary.md');
    try {
      mkdirSync(path.dirname(summaryFile), { recursive: true });
      writeFileSync(summaryFile, summaryMarkdown(result, { sarifPublished: Boolean(run.written.sarif && publish) }));
      tl.uploadSummary(summaryFile);
    } catch (e) {
      tl.warning(`summary not written: ${e.message}`);
    }

    const line = `${plural(k.errors, 'error')}, ${plural(k.warnings, 'warning')}, ${plural(k.notes, 'note')} in ${plural(k.files, 'file')} (${k.suppressed} suppressed); fail-on ${result.failOn}`;
    if (result.exitCode === 1) {
      tl.setResult(tl.TaskResult.Failed, `Portcullis: ${k.failing} finding${k.failing === 1 ? '' : 's'} at or above ${result.failOn} (${line})`);
    } else if (result.exitCode === 2) {
      const errs = result.diagnostics.filter((d) => d.severity === 'error');
      tl.setResult(tl.TaskResult.Failed, `Portcullis: ${errs.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ')}`);
    } else if (total > 0) {
      tl.setResult(tl.TaskResult.SucceededWithIssues, `Portcullis: ${line}`);
    } else {
      tl.setResult(tl.TaskResult.Succeeded, `Portcullis: ${line}`);
    }
  } catch (e) {
    tl.setResult(tl.TaskResult.Failed, `Portcullis failed: ${e && e.message ? e.message : String(e)}`);
  }
}
