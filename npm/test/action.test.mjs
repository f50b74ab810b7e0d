// The GitHub Action run exactly as the runner runs it: `node dist/index.js` with INPUT_*
// variables (hyphens kept), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE, in an empty
// network namespace where `unshare -n` is available (the action must download nothing).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { cleanup, copyTree, fixtures, parseGithubOutput, repoRoot, sarifProblems } from './helpers.mjs';

const actionJs = path.join(repoRoot, 'dist', 'index.js');
const offline = spawnSync('unshare', ['-n', 'true']).status === 0;

after(cleanup);

/** Input defaults from action.yml, which the runner sets as INPUT_* before starting the action. */
function actionDefaults() {
  const text = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
  const block = /^inputs:\n((?:  .*\n|\n)*)/m.exec(text)?.[1] ?? '';
  const defaults = {};
  let current = null;
  for (const line of block.split('\n')) {
    const name = /^  ([a-z-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const def = /^    default: '(.*)'\s*$/.exec(line);
    if (def && current) defaults[current] = def[1];
  }
  return defaults;
}

/** Runs the bundled action on a copy of `fixture` with `inputs` (action input ids). */
function runAction(fixture, inputs, { prepare } = {}) {
  const workspace = copyTree(fixture);
  if (prepare) prepare(workspace);
  const outFile = path.join(workspace, '..', `${path.basename(workspace)}.out`);
  const summaryFile = path.join(workspace, '..', `${path.basename(workspace)}.summary`);
  writeFileSync(outFile, '');
  writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    PORTCULLIS_TODAY: '2026-01-15',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/containers',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  };
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs })) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const cmd = offline ? ['unshare', ['-n', process.execPath, actionJs]] : [process.execPath, [actionJs]];
  const r = spawnSync(cmd[0], cmd[1], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
  return {
    workspace,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseGithubOutput(readFileSync(outFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

function sarifOf(run, rel) {
  const file = path.join(run.workspace, rel);
  assert.ok(existsSync(file), `SARIF not written at ${rel}\n${run.stdout}`);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(sarifProblems(doc), []);
  return doc;
}

describe('GitHub Action (dist/index.js)', () => {
  test('action.yml declares node24, dist/index.js and the documented inputs and outputs', () => {
    const text = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
    assert.match(text, /^runs:\n  using: node24\n  main: dist\/index\.js$/m);
    assert.deepEqual(Object.keys(actionDefaults()).sort(), [
      'advisories', 'annotations', 'category', 'config', 'fail-on', 'format', 'path', 'sarif-file', 'sbom-file',
    ]);
    for (const o of ['sarif-file', 'sbom-file', 'findings', 'errors']) assert.match(text, new RegExp(`^  ${o}:\\n    description:`, 'm'));
  });

  test('fails on a Windows .NET repository with error findings', () => {
    const run = runAction(
      path.join(fixtures, 'win-dotnet'),
      { path: '.', 'sarif-file': 'results/portcullis.sarif', 'sbom-file': 'sbom.cdx.json', category: 'containers/windows', format: 'text' },
      {
        prepare: (ws) => {
          // Ignored by the fixture's .gitignore: must not be scanned.
          mkdirSync(path.join(ws, 'bin'), { recursive: true });
          writeFileSync(path.join(ws, 'bin', 'Dockerfile'), 'FROM ubuntu\nRUN curl http://x | sh\n');
        },
      },
    );
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /Portcullis \d+\.\d+\.\d+ \(WebAssembly\)/);
    // Annotations as workflow commands, repository-relative paths.
    assert.match(run.stdout, /^::error file=Dockerfile,line=12,col=5,endLine=12,endColumn=\d+,title=DF300 [^:]+::ENV `ADMIN_PASSWORD`/m);
    assert.match(run.stdout, /^::error file=Dockerfile,line=10,.*title=DF215/m);
    assert.match(run.stdout, /^::warning file=Dockerfile,line=11,.*title=DF501/m);
    assert.match(run.stdout, /^::error::Portcullis: 3 findings at or above error$/m);
    assert.doesNotMatch(run.stdout, /bin\/Dockerfile/);
    // Text report in the log.
    assert.match(run.stdout, /3 errors, 1 warning, 3 notes in 2 files; 1 diagnostic/);
    // Outputs.
    assert.equal(run.outputs['sarif-file'], 'results/portcullis.sarif');
    assert.equal(run.outputs['sbom-file'], 'sbom.cdx.json');
    assert.equal(run.outputs.findings, '7');
    assert.equal(run.outputs.errors, '3');
    // SARIF: schema-valid, $schema, automationDetails from category, repository-relative URIs.
    const sarif = sarifOf(run, 'results/portcullis.sarif');
    const r0 = sarif.runs[0];
    assert.equal(r0.automationDetails.id, 'containers/windows/');
    assert.equal(r0.results.length, 7);
    assert.ok(r0.results.every((r) => r.locations[0].physicalLocation.artifactLocation.uri === 'Dockerfile'));
    assert.deepEqual(
      r0.results.filter((r) => r.level === 'error').map((r) => r.ruleId).sort(),
      ['DF215', 'DF300', 'DF502'],
    );
    // CycloneDX SBOM with the .NET project's packages.
    const bom = JSON.parse(readFileSync(path.join(run.workspace, 'sbom.cdx.json'), 'utf8'));
    assert.equal(bom.specVersion, '1.6');
    const purls = bom.components.map((c) => c.purl).filter(Boolean);
    assert.ok(purls.includes('pkg:nuget/Newtonsoft.Json@12.0.1'), purls.join(' '));
    // Job summary: counts by category and severity, top findings with links.
    assert.match(run.summary, /<h2>Portcullis<\/h2>/);
    assert.match(run.summary, /❌ 3 findings at or above <code>error<\/code>/);
    assert.match(run.summary, /<tr><td>secrets<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>1<\/td><\/tr>/);
    assert.match(run.summary, /<tr><td>windows<\/td><td>1<\/td><td>0<\/td><td>1<\/td><td>2<\/td><\/tr>/);
    assert.match(run.summary, /<td><b>all<\/b><\/td><td><b>3<\/b><\/td><td><b>1<\/b><\/td><td><b>3<\/b><\/td><td><b>7<\/b><\/td>/);
    assert.match(run.summary, /href="https:\/\/github\.com\/octo-org\/containers\/blob\/0123456789abcdef0123456789abcdef01234567\/Dockerfile#L12">Dockerfile:12<\/a>/);
    assert.match(run.summary, /href="[^"]+DF300\.md">DF300<\/a>/);
    assert.match(run.summary, /category <code>containers\/windows\/<\/code>/);
  });

  test('passes on a clean Linux repository', () => {
    const run = runAction(path.join(fixtures, 'linux-clean'), { 'sarif-file': 'portcullis.sarif', annotations: 'true' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['sarif-file'], 'portcullis.sarif');
    assert.equal(run.outputs.findings, '0');
    assert.equal(run.outputs.errors, '0');
    assert.equal(run.outputs['sbom-file'], undefined);
    assert.doesNotMatch(run.stdout, /^::(error|warning)/m);
    assert.match(run.stdout, /no findings in 2 files\n[\s\S]*0 errors, 0 warnings, 0 notes in 2 files/);
    const sarif = sarifOf(run, 'portcullis.sarif');
    assert.deepEqual(sarif.runs[0].results, []);
    assert.equal(sarif.runs[0].automationDetails, undefined);
    assert.match(run.summary, /✅ nothing at or above <code>error<\/code> — 2 files scanned/);
  });

  test('fail-on none passes with findings; annotations can be turned off', () => {
    const run = runAction(path.join(fixtures, 'win-dotnet'), { 'fail-on': 'none', annotations: 'false', format: 'json' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.findings, '7');
    assert.doesNotMatch(run.stdout, /^::(error|warning|notice) file=/m);
    // The JSON report went to the log instead.
    assert.match(run.stdout, /"rule": "DF300"/);
    assert.ok(existsSync(path.join(run.workspace, 'portcullis.sarif')), 'default sarif-file');
  });

  test('fail-on warning fails on a warning-only repository', () => {
    const run = runAction(path.join(fixtures, 'win-dotnet'), { 'fail-on': 'warning', annotations: 'true' });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^::error::Portcullis: 4 findings at or above warning$/m);
  });

  test('the bundled examples: Windows .NET Framework app and Linux API', () => {
    for (const [dir, rule] of [['windows-app', 'DF300'], ['linux-api', 'DF115']]) {
      const run = runAction(path.join(repoRoot, 'examples', dir), { 'sbom-file': 'bom.json' });
      assert.equal(run.status, 1, `${dir}: ${run.stdout}${run.stderr}`);
      const sarif = sarifOf(run, 'portcullis.sarif');
      assert.ok(sarif.runs[0].results.some((r) => r.ruleId === rule), `${dir}: no ${rule}`);
      assert.ok(Number(run.outputs.findings) > 0);
      assert.ok(existsSync(path.join(run.workspace, 'bom.json')));
    }
  });

  test('a config file from the repository applies, and a broken one fails the step', () => {
    const ok = runAction(path.join(fixtures, 'win-dotnet'), {}, {
      prepare: (ws) => writeFileSync(path.join(ws, '.portcullis.yaml'), 'rules:\n  DF300: off\n  DF215: warning\n  DF502: warning\n'),
    });
    assert.equal(ok.status, 0, ok.stdout);
    assert.match(ok.stdout, /config: \.portcullis\.yaml/);
    assert.equal(ok.outputs.errors, '0');
    const bad = runAction(path.join(fixtures, 'win-dotnet'), { config: 'ci/portcullis.yaml' }, {
      prepare: (ws) => {
        mkdirSync(path.join(ws, 'ci'));
        writeFileSync(path.join(ws, 'ci', 'portcullis.yaml'), 'fail-on: sometimes\n');
      },
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /^::error::Portcullis could not scan:%0Ainvalid config ci\/portcullis\.yaml:%0Aci\/portcullis\.yaml:1:/m);
  });

  test('bad inputs fail the step with a message', () => {
    const run = runAction(path.join(fixtures, 'linux-clean'), { 'fail-on': 'fatal' });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^::error::Portcullis could not scan:%0AfailOn `fatal` is not one of error, warning, note, none/m);
    const fmt = runAction(path.join(fixtures, 'linux-clean'), { format: 'pdf' });
    assert.equal(fmt.status, 1);
    assert.match(fmt.stdout, /^::error::Portcullis failed: format `pdf` is not one of/m);
  });

  test('advisories from a directory of OSV records are read', () => {
    const run = runAction(path.join(fixtures, 'win-dotnet'), { advisories: 'osv', 'fail-on': 'none' }, {
      prepare: (ws) => {
        mkdirSync(path.join(ws, 'osv'));
        writeFileSync(
          path.join(ws, 'osv', 'GHSA-5crp-9r3c-p9vr.json'),
          JSON.stringify({
            id: 'GHSA-5crp-9r3c-p9vr',
            modified: '2023-01-01T00:00:00Z',
            affected: [{ package: { ecosystem: 'NuGet', name: 'Newtonsoft.Json' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '13.0.1' }] }] }],
          }),
        );
      },
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /read 1 advisory file from osv/);
    // Newtonsoft.Json 12.0.1 in src/Api/Api.csproj is affected: a dependency finding and alert.
    assert.match(run.stdout, /^::(error|warning) file=src\/Api\/Api\.csproj,line=6,.*title=GHSA-5crp-9r3c-p9vr/m);
    assert.equal(run.outputs.findings, '8');
    const sarif = sarifOf(run, 'portcullis.sarif');
    const rule = sarif.runs[0].tool.driver.rules.find((r) => r.id === 'GHSA-5crp-9r3c-p9vr');
    assert.ok(rule, 'a SARIF rule per advisory');
    assert.match(run.summary, /<tr><td>dependencies<\/td>(<td>\d<\/td>){3}<td>1<\/td><\/tr>/);
  });
});
