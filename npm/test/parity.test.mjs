// The WebAssembly path (JS walker + engine) finds exactly what the native CLI finds on the same
// trees: tests/fixtures, examples/ and the Action fixtures. The native binary is
// $PORTCULLIS_NATIVE_BIN, else target/debug/portcullis (scripts/test builds it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { engine } from '../index.mjs';
import { runScan } from '../runner.mjs';
import { repoRoot } from './helpers.mjs';

const exe = process.platform === 'win32' ? 'portcullis.exe' : 'portcullis';
const native = process.env.PORTCULLIS_NATIVE_BIN || path.join(repoRoot, 'target', 'debug', exe);
const TODAY = '2026-01-15';

function nativeScan(rel, extra = []) {
  assert.ok(existsSync(native), `native binary missing at ${native}: cargo build --bin portcullis`);
  const r = spawnSync(native, ['scan', rel, '--format', 'json', '--today', TODAY, '--color', 'never', ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  assert.ok([0, 1, 2].includes(r.status), r.stderr);
  return { status: r.status, report: JSON.parse(r.stdout) };
}

async function wasmScan(rel, extra = {}) {
  const run = await runScan(engine, { workspace: repoRoot, paths: [rel], formats: ['json'], today: TODAY, ...extra });
  assert.ok(run.ok, JSON.stringify(run.result.errors));
  return { status: run.exitCode, report: JSON.parse(run.result.json) };
}

describe('WASM findings equal the native CLI', () => {
  for (const rel of ['tests/fixtures', 'examples', 'npm/test/fixtures']) {
    test(rel, async () => {
      // Advisory checking off on both sides (the native default reads a local database).
      const n = nativeScan(rel, ['--no-config', '--advisories', 'none']);
      const w = await wasmScan(rel, { noConfig: true, advisories: 'off' });
      assert.ok(n.report.findings.length > 0, 'the fixtures have findings');
      assert.equal(w.report.findings.length, n.report.findings.length);
      assert.deepEqual(w.report.findings, n.report.findings);
      assert.deepEqual(w.report.files, n.report.files);
      assert.deepEqual(w.report.diagnostics, n.report.diagnostics);
      assert.deepEqual(w.report.summary, n.report.summary);
      assert.equal(w.status, n.status);
    });
  }

  test('dependency findings from the same advisory records', async () => {
    for (const [rel, adv] of [['examples', 'examples/advisories'], ['tests/fixtures/advisories', 'tests/fixtures/advisories/osv']]) {
      const n = nativeScan(rel, ['--no-config', '--advisories', adv]);
      const w = await wasmScan(rel, { noConfig: true, advisories: adv });
      const deps = n.report.findings.filter((f) => !f.rule.startsWith('DF'));
      assert.ok(deps.length > 0, `${rel}: native found no dependency findings`);
      assert.deepEqual(w.report.findings, n.report.findings, rel);
      assert.deepEqual(w.report.files, n.report.files, rel);
      assert.equal(w.status, n.status, rel);
    }
  });

  test('the compact lines of the WASM CLI equal the native CLI', () => {
    const args = ['examples', '--no-config', '--advisories', 'examples/advisories', '--format', 'compact', '--today', TODAY];
    const n = spawnSync(native, ['scan', ...args, '--color', 'never'], { cwd: repoRoot, encoding: 'utf8' });
    const w = spawnSync(process.execPath, [path.join(repoRoot, 'npm', 'cli.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(n.status, 1, n.stderr);
    assert.equal(w.status, n.status, w.stderr);
    assert.match(n.stdout, /^examples\/[^:]+:\d+:\d+: (DF\d{3}|GHSA-[a-z0-9-]+) \[(error|warning|note)\] /m);
    // The advisory summary note names the source as each host describes it (the native CLI
    // counts records, the runner files); every other line is the same.
    const source = /^portcullis: note: dependencies: .* checked against 2 advisories from /m;
    assert.match(n.stdout, source);
    assert.match(w.stdout, source);
    const other = (out) => out.split('\n').filter((l) => !source.test(l));
    assert.deepEqual(other(w.stdout), other(n.stdout));
  });

  test('with a config file (excludes, rule settings, fail-on)', async () => {
    const cfg = 'npm/test/parity.portcullis.yaml';
    const n = nativeScan('tests/fixtures/lint', ['--config', cfg, '--advisories', 'none']);
    const w = await wasmScan('tests/fixtures/lint', { config: cfg, advisories: 'off' });
    assert.ok(n.report.findings.length > 0);
    assert.ok(!n.report.files.some((f) => f.path.includes('/win-legacy-bad/')), 'exclude applied');
    assert.deepEqual(w.report.findings, n.report.findings);
    assert.deepEqual(w.report.files, n.report.files);
    assert.deepEqual(w.report.summary, n.report.summary);
    assert.equal(w.status, n.status);
  });
});
