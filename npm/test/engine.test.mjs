// The WebAssembly engine's API under Node (the built npm package: index.mjs + pkg/).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as pc from '../index.mjs';

const BAD = 'FROM microsoft/aspnet:4.7.2\nRUN msiexec /i https://downloads.example.com/agent.msi /qn\n';
const TODAY = '2026-01-15';

describe('engine API', () => {
  test('version and rules', () => {
    assert.match(pc.version(), /^\d+\.\d+\.\d+/);
    const rules = pc.rules();
    assert.ok(rules.length >= 99, `${rules.length} rules`);
    const df300 = rules.find((r) => r.id === 'DF300');
    assert.equal(df300.severity, 'error');
    assert.ok(df300.tags.includes('security'));
    assert.match(df300.helpUri, /DF300\.md$/);
    assert.ok(df300.summary.length > 20);
  });

  test('file kinds and selection follow the native walker', () => {
    assert.equal(pc.fileKind('svc/Dockerfile.prod'), 'dockerfile');
    assert.equal(pc.fileKind('windows.Dockerfile'), 'dockerfile');
    assert.equal(pc.fileKind('svc/.dockerignore'), 'dockerignore');
    assert.equal(pc.fileKind('src/App/App.csproj'), 'manifest');
    assert.equal(pc.fileKind('package-lock.json'), 'manifest');
    assert.equal(pc.fileKind('README.md'), 'other');
    assert.equal(pc.wantsFile('Containerfile'), true);
    const sel = pc.selectFiles(['Dockerfile', 'vendor/x/Dockerfile', 'a.txt', 'go.mod'], { config: 'exclude: [vendor]\n' });
    assert.deepEqual(sel, { ok: true, paths: ['Dockerfile', 'go.mod'], advisoriesSource: null });
    // The config's advisory source is handed back for the host to gather advisories.
    const withSource = pc.selectFiles(['go.mod'], { config: 'advisories:\n  source: online\n' });
    assert.deepEqual(withSource, { ok: true, paths: ['go.mod'], advisoriesSource: 'online' });
  });

  test('findings: false leaves the findings out but not the formats or the decision', () => {
    const full = pc.scan({ Dockerfile: BAD }, { today: TODAY, formats: ['sarif'] });
    const lean = pc.scan({ Dockerfile: BAD }, { today: TODAY, formats: ['sarif'], findings: false });
    assert.ok(full.findings.length > 0);
    assert.equal(lean.findings, null);
    assert.equal(lean.sarif, full.sarif);
    assert.deepEqual(lean.counts, full.counts);
    assert.equal(lean.exitCode, 1);
    // The JSON format is still rendered when asked for.
    const json = pc.scan({ Dockerfile: BAD }, { today: TODAY, formats: ['json'], findings: false });
    assert.deepEqual(JSON.parse(json.json).findings, full.findings);
  });

  test('scan renders every format with counts and the exit decision', () => {
    const r = pc.scan({ Dockerfile: BAD }, { today: TODAY, formats: ['sarif', 'json', 'text', 'github', 'azure', 'cyclonedx'] });
    assert.equal(r.ok, true);
    assert.equal(r.exitCode, 1);
    assert.equal(r.failOn, 'error');
    assert.ok(r.counts.errors > 0 && r.counts.failing === r.counts.errors);
    assert.equal(r.counts.files, 1);
    assert.equal(JSON.parse(r.sarif).version, '2.1.0');
    assert.deepEqual(JSON.parse(r.json).findings, r.findings);
    assert.match(r.text, /error\[DF\d+\]/);
    assert.match(r.github, /^::error file=Dockerfile,line=\d+/m);
    assert.match(r.azure, /^##vso\[task\.logissue type=error;sourcepath=Dockerfile;/m);
    assert.equal(JSON.parse(r.cyclonedx).bomFormat, 'CycloneDX');
    assert.ok(r.findings.every((f) => f.location.path === 'Dockerfile' && f.helpUri && f.title));
  });

  test('files as a Map or an array; today defaults to the current UTC date', () => {
    const a = pc.scan(new Map([['x/Dockerfile', BAD]]));
    const b = pc.scan([{ path: 'x/Dockerfile', text: BAD }]);
    assert.equal(a.ok && b.ok, true);
    assert.deepEqual(a.findings, b.findings);
    assert.ok(a.findings.length > 0);
    assert.equal(pc.todayUtc(new Date('2030-02-03T23:59:00Z')), '2030-02-03');
  });

  test('bad input comes back as an error value, never an exception', () => {
    const cases = [
      [{}, { today: 'tomorrow' }, /today `tomorrow`/],
      [{}, { failOn: 'sometimes' }, /failOn `sometimes`/],
      [{}, { formats: ['html'] }, /format `html`/],
      [{}, { nope: 1 }, /unknown field `nope`/],
      [{}, { config: 'rules: [' }, /invalid config \.portcullis\.yaml/],
      [{}, { windowsHosts: ['ltsc2009'] }, /windowsHosts `ltsc2009`/],
      [{ Dockerfile: 3 }, {}, /files: not a JSON object/],
    ];
    for (const [files, opts, re] of cases) {
      const r = pc.scan(files, opts);
      assert.equal(r.ok, false, JSON.stringify(opts));
      assert.equal(r.exitCode, 2);
      assert.match(r.errors.join('\n'), re);
    }
    const cyclic = {};
    cyclic.self = cyclic;
    const c = pc.scan({}, { sbom: cyclic });
    assert.equal(c.ok, false);
    assert.match(c.errors[0], /not serializable/);
  });

  test('hostile files do not break the engine', () => {
    const files = {
      Dockerfile: `FROM a\nRUN ${'$('.repeat(20000)}\n`,
      'b/Dockerfile': '\u0000\uFEFF\u202E FROM \\\n\\\n',
      'c/Dockerfile': `${'ARG A=${A}\n'.repeat(2000)}FROM \${A}\n`,
      'deep/package-lock.json': `${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}`,
      'x.csproj': '<Project>'.repeat(10000),
    };
    const r = pc.scan(files, { today: TODAY, formats: ['sarif', 'cyclonedx', 'text'] });
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.ok(r.counts.files >= 3);
    // The engine still answers afterwards.
    assert.equal(pc.scan({ Dockerfile: BAD }, { today: TODAY }).exitCode, 1);
  });

  test('the threshold and caller diagnostics decide the exit code', () => {
    assert.equal(pc.scan({ Dockerfile: BAD }, { today: TODAY, failOn: 'none' }).exitCode, 0);
    const r = pc.scan({}, { today: TODAY, diagnostics: [{ severity: 'error', path: 'big/Dockerfile', message: 'too large' }] });
    assert.equal(r.exitCode, 2);
    assert.deepEqual(r.diagnostics, [{ severity: 'error', path: 'big/Dockerfile', line: null, message: 'too large' }]);
  });
});

test('the npm package ships every module its entry points import', async () => {
  const { spawnSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { npmDir } = await import('./helpers.mjs');
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: npmDir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const shipped = new Set(JSON.parse(r.stdout)[0].files.map((f) => f.path));
  for (const f of ['pkg/portcullis_wasm_bg.wasm', 'pkg/portcullis_wasm.js', 'index.d.ts', 'engine.d.ts', 'runner.d.ts']) {
    assert.ok(shipped.has(f), `${f} not in the package`);
  }
  // Follow relative imports from the entry points.
  const todo = ['index.mjs', 'runner.mjs', 'cli.mjs'];
  const seen = new Set();
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    assert.ok(shipped.has(f), `${f} is imported but not in the package`);
    if (!f.endsWith('.mjs')) continue;
    for (const m of readFileSync(path.join(npmDir, f), 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
      todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1])));
    }
  }
  assert.ok(seen.has('node-startup.mjs') && seen.has('walk.mjs') && seen.has('osv.mjs'));
});
