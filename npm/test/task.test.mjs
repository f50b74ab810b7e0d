// The Azure DevOps task under azure-pipelines-task-lib's MockTestRunner. nodePath is the
// current Node (set before runAsync and without LoadAsync, which would otherwise download a
// Node from nodejs.org or run nothing); every test asserts on output the task must produce.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import mockTest from 'azure-pipelines-task-lib/mock-test.js';

import { cleanup, copyTree, fixtures, repoRoot, sarifProblems, tempDir } from './helpers.mjs';

const { MockTestRunner } = mockTest;
const l0 = path.join(path.dirname(new URL(import.meta.url).pathname), 'task', 'L0.cjs');
const taskJson = path.join(repoRoot, 'task', 'PortcullisScanV1', 'task.json');

after(cleanup);

async function runTask(fixture, inputs, { prepare } = {}) {
  const sources = copyTree(fixture);
  if (prepare) prepare(sources);
  const temp = tempDir();
  process.env.PORTCULLIS_L0 = JSON.stringify({
    inputs,
    variables: { 'Build.SourcesDirectory': sources, 'Agent.TempDirectory': temp },
  });
  process.env.PORTCULLIS_TODAY = '2026-01-15';
  const tr = new MockTestRunner(l0, taskJson);
  tr.nodePath = process.execPath;
  await tr.runAsync();
  return { tr, sources, temp, out: tr.stdout };
}

describe('Azure DevOps task PortcullisScan@1 (MockTestRunner)', () => {
  test('task.json: fixed id, name, Node handlers, inputs mirroring the Action', () => {
    const t = JSON.parse(readFileSync(taskJson, 'utf8'));
    assert.equal(t.id, 'd5b987c6-722b-459c-8bdd-c71e0de33b5c');
    assert.equal(t.name, 'PortcullisScan');
    assert.equal(t.version.Major, 1);
    assert.deepEqual(Object.keys(t.execution).sort(), ['Node20_1', 'Node24']);
    assert.ok(Object.values(t.execution).every((h) => h.target === 'index.js'));
    assert.deepEqual(t.inputs.map((i) => i.name).sort(), [
      'advisories', 'annotations', 'category', 'config', 'failOn', 'format', 'path', 'publishSarif', 'sarifFile', 'sbomFile',
    ]);
    assert.deepEqual(t.outputVariables.map((o) => o.name).sort(), ['errors', 'findings', 'sarifFile', 'sbomFile']);
  });

  test('fails on error findings: log issues, CodeAnalysisLogs artifact, summary, output variables', async () => {
    const { tr, temp, out } = await runTask(path.join(fixtures, 'win-dotnet'), { path: '.', sbomFile: 'sbom.cdx.json' });
    assert.equal(tr.failed, true, out);
    assert.match(out, /##vso\[task\.complete result=Failed;\]Portcullis: 3 findings at or above error/);
    // One logissue per finding, with file, line, column and rule.
    assert.match(out, /^##vso\[task\.logissue type=error;sourcepath=Dockerfile;linenumber=12;columnnumber=5;code=DF300;\]ENV `ADMIN_PASSWORD`/m);
    assert.match(out, /^##vso\[task\.logissue type=error;sourcepath=Dockerfile;linenumber=10;columnnumber=8;code=DF215;\]/m);
    assert.match(out, /^##vso\[task\.logissue type=warning;sourcepath=Dockerfile;linenumber=11;columnnumber=5;code=DF501;\]/m);
    assert.equal((out.match(/^##vso\[task\.logissue /gm) ?? []).length, 4, 'errors and warnings (notes only with failOn note)');
    // SARIF published where the SARIF SAST Scans tab looks.
    const sarifPath = path.join(temp, 'CodeAnalysisLogs', 'portcullis.sarif');
    assert.ok(out.includes(`##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;]${sarifPath}`), out);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    assert.deepEqual(sarifProblems(sarif), []);
    assert.equal(sarif.runs[0].results.length, 7);
    // Summary tab.
    const summaryPath = path.join(temp, 'portcullis-summary.md');
    assert.ok(out.includes(`##vso[task.uploadsummary]${summaryPath}`));
    const md = readFileSync(summaryPath, 'utf8');
    assert.match(md, /\*\*Failed:\*\* 3 findings at or above `error`/);
    assert.match(md, /^\| secrets \| 1 \| 0 \| 0 \| 1 \|$/m);
    assert.match(md, /^\| \*\*all\*\* \| \*\*3\*\* \| \*\*1\*\* \| \*\*3\*\* \| \*\*7\*\* \|$/m);
    assert.match(md, /\[DF300\]\(https:\/\/[^)]+DF300\.md\)/);
    // Output variables.
    assert.match(out, /##vso\[task\.setvariable variable=findings;isOutput=true;issecret=false;\]7/);
    assert.match(out, /##vso\[task\.setvariable variable=errors;isOutput=true;issecret=false;\]3/);
    assert.ok(out.includes(`##vso[task.setvariable variable=sarifFile;isOutput=true;issecret=false;]${sarifPath}`));
    assert.match(out, /##vso\[task\.setvariable variable=sbomFile;isOutput=true;issecret=false;\].*sbom\.cdx\.json/);
  });

  test('findings below the threshold: SucceededWithIssues', async () => {
    const { tr, out, temp } = await runTask(path.join(fixtures, 'win-dotnet'), { failOn: 'none', publishSarif: 'false', annotations: 'false' });
    assert.equal(tr.succeeded, true, out);
    assert.match(out, /##vso\[task\.complete result=SucceededWithIssues;\]Portcullis: 3 errors, 1 warning, 3 notes in 2 files \(0 suppressed\)/);
    assert.doesNotMatch(out, /##vso\[task\.logissue/);
    assert.doesNotMatch(out, /##vso\[artifact\.upload/);
    assert.ok(existsSync(path.join(temp, 'CodeAnalysisLogs', 'portcullis.sarif')));
    assert.match(readFileSync(path.join(temp, 'portcullis-summary.md'), 'utf8'), /\*\*Succeeded with issues:\*\*/);
  });

  test('a clean repository succeeds with zero findings', async () => {
    const { tr, out } = await runTask(path.join(fixtures, 'linux-clean'), { sarifFile: 'out/scan.sarif', category: 'containers/linux' });
    assert.equal(tr.succeeded, true, out);
    assert.match(out, /##vso\[task\.complete result=Succeeded;\]Portcullis: 0 errors/);
    assert.match(out, /##vso\[task\.setvariable variable=findings;isOutput=true;issecret=false;\]0/);
    assert.match(out, /##vso\[artifact\.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;\].*out[\\/]scan\.sarif/);
  });

  test('category goes into the SARIF; failOn warning fails on warnings', async () => {
    const { tr, sources, out } = await runTask(path.join(fixtures, 'win-dotnet'), { sarifFile: 'scan.sarif', category: 'containers/windows', failOn: 'warning' });
    assert.equal(tr.failed, true);
    assert.match(out, /result=Failed;\]Portcullis: 4 findings at or above warning/);
    const sarif = JSON.parse(readFileSync(path.join(sources, 'scan.sarif'), 'utf8'));
    assert.equal(sarif.runs[0].automationDetails.id, 'containers/windows');
  });

  test('a broken config fails the task with its message', async () => {
    const { tr, out } = await runTask(path.join(fixtures, 'linux-clean'), { config: 'ci/p.yaml' }, {
      prepare: (ws) => {
        mkdirSync(path.join(ws, 'ci'));
        writeFileSync(path.join(ws, 'ci', 'p.yaml'), 'rules:\n  DF999: off\n');
      },
    });
    assert.equal(tr.failed, true);
    assert.match(out, /result=Failed;\]Portcullis could not scan: invalid config ci\/p\.yaml:; ci\/p\.yaml:2:3: /);
  });
});
