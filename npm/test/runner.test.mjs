// The shared runner: walking (.gitignore, .ignore, excludes, skipped folders, size limit,
// encodings), config discovery, output files and advisories (files and the OSV API, served
// from a loopback test server).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { engine } from '../index.mjs';
import { fetchOsvAdvisories, queryablePurls } from '../osv.mjs';
import { categoryOf, parseBool, runScan, splitList } from '../runner.mjs';
import { cleanup, repoRoot, tempDir } from './helpers.mjs';
import { WASM_FLAG, relaunchArgs } from '../node-startup.mjs';

const TODAY = '2026-01-15';
const BAD = 'FROM ubuntu\nRUN curl http://example.com/x.sh | sh\n';

after(cleanup);

function tree(files) {
  const root = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

const scanned = (run) => JSON.parse(run.result.json).files.map((f) => f.path);

describe('runner', () => {
  test('honours nested .gitignore and .ignore files, negations, .git/info/exclude; skips .git and node_modules', async () => {
    const root = tree({
      '.gitignore': 'build/\n*.generated.Dockerfile\n',
      '.git/info/exclude': 'local/\n',
      '.git/Dockerfile': BAD,
      'Dockerfile': BAD,
      'build/Dockerfile': BAD,
      'local/Dockerfile': BAD,
      'node_modules/pkg/Dockerfile': BAD,
      'app/.gitignore': '!keep.generated.Dockerfile\nskip/\n',
      'app/x.generated.Dockerfile': BAD,
      'app/keep.generated.Dockerfile': BAD,
      'app/skip/Dockerfile': BAD,
      'svc/.ignore': 'Containerfile\n',
      'svc/Containerfile': BAD,
      'svc/Dockerfile': BAD,
      '.hidden/Dockerfile': BAD,
    });
    const run = await runScan(engine, { workspace: root, formats: ['json'], today: TODAY });
    assert.deepEqual(scanned(run), ['.hidden/Dockerfile', 'Dockerfile', 'app/keep.generated.Dockerfile', 'svc/Dockerfile']);
    // Scanning a subfolder still applies the ignore files above it.
    const sub = await runScan(engine, { workspace: root, paths: ['app'], formats: ['json'], today: TODAY });
    assert.deepEqual(scanned(sub), ['app/keep.generated.Dockerfile']);
  });

  test('symbolic links are not followed', async (t) => {
    const root = tree({ 'real/Dockerfile': BAD });
    try {
      symlinkSync(path.join(root, 'real'), path.join(root, 'link'), 'dir');
    } catch (e) {
      t.skip(`no symlinks here: ${e.message}`);
      return;
    }
    const run = await runScan(engine, { workspace: root, formats: ['json'], today: TODAY });
    assert.deepEqual(scanned(run), ['real/Dockerfile']);
  });

  test('config: discovered upward, excludes applied, explicit file, noConfig', async () => {
    const root = tree({
      '.portcullis.yaml': 'exclude:\n  - legacy/**\nrules:\n  DF502: off\n',
      'Dockerfile': BAD,
      'legacy/Dockerfile': BAD,
      'svc/Dockerfile': BAD,
      'ci/strict.yaml': 'fail-on: note\n',
    });
    const run = await runScan(engine, { workspace: root, paths: ['svc'], formats: ['json'], today: TODAY });
    assert.equal(run.configPath, '.portcullis.yaml');
    assert.deepEqual(scanned(run), ['svc/Dockerfile']);
    assert.ok(!run.result.findings.some((f) => f.rule === 'DF502'));
    const all = await runScan(engine, { workspace: root, formats: ['json'], today: TODAY });
    assert.deepEqual(scanned(all), ['Dockerfile', 'svc/Dockerfile']);
    const strict = await runScan(engine, { workspace: root, config: 'ci/strict.yaml', formats: ['json'], today: TODAY });
    assert.equal(strict.result.failOn, 'note');
    assert.ok(strict.result.findings.some((f) => f.rule === 'DF502'));
    const none = await runScan(engine, { workspace: root, noConfig: true, formats: ['json'], today: TODAY });
    assert.equal(none.configPath, undefined);
    assert.equal(scanned(none).length, 3);
    const missing = await runScan(engine, { workspace: root, config: 'nope.yaml', today: TODAY });
    assert.equal(missing.ok, false);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.result.errors[0], /nope\.yaml: cannot read config/);
  });

  test('size limit, invalid UTF-8, BOM, missing paths and explicit files', async () => {
    const root = tree({
      'big/Dockerfile': `FROM a\n${'# pad\n'.repeat(400)}`,
      'lock/packages.lock.json': `{"version":1,${' '.repeat(3000)}"dependencies":{}}`,
      'bom/Dockerfile': '\uFEFFFROM ubuntu\n',
      'custom.build': BAD,
      'latin1/Dockerfile': Buffer.from('FROM caf\xe9\n', 'latin1'),
    });
    const run = await runScan(engine, {
      workspace: root,
      paths: ['.', 'custom.build', 'missing'],
      formats: ['json'],
      today: TODAY,
      maxFileSize: 2000,
    });
    const d = run.result.diagnostics;
    assert.ok(d.some((x) => x.severity === 'error' && x.path === 'big/Dockerfile' && /2000-byte limit/.test(x.message)));
    // An unreadable manifest is only a warning for a lint run.
    assert.ok(d.some((x) => x.severity === 'warning' && x.path === 'lock/packages.lock.json'));
    assert.ok(d.some((x) => x.severity === 'warning' && x.path === 'latin1/Dockerfile' && /not valid UTF-8/.test(x.message)));
    assert.ok(d.some((x) => x.severity === 'error' && x.path === 'missing' && /no such file/.test(x.message)));
    assert.equal(run.exitCode, 1, 'findings win over I/O errors');
    // An explicitly named file is linted whatever its name.
    assert.ok(run.result.findings.some((f) => f.location.path === 'custom.build'));
    const report = JSON.parse(run.result.json);
    assert.ok(report.files.some((f) => f.path === 'bom/Dockerfile'));
  });

  test('a Dockerfile named on its own brings its .dockerignore files (DF127), and --dependencies-only', async () => {
    const copyAll = 'FROM alpine:3.20\nCOPY . /app\n';
    const root = tree({
      'a/Dockerfile': copyAll,
      'a/.dockerignore': '.git\n',
      'b/Dockerfile': copyAll,
      'c/api.Dockerfile': copyAll,
      'c/api.Dockerfile.dockerignore': '*.md\n',
      'c/App.csproj': '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /></ItemGroup></Project>',
    });
    const df127 = async (p) => {
      const run = await runScan(engine, { workspace: root, paths: [p], today: TODAY, dependencies: false });
      assert.equal(run.ok, true);
      return run.result.findings.filter((f) => f.rule === 'DF127').length;
    };
    assert.equal(await df127('a/Dockerfile'), 0);
    assert.equal(await df127('b/Dockerfile'), 1);
    assert.equal(await df127('c/api.Dockerfile'), 0);
    const adv = path.join(repoRoot, 'examples/advisories');
    const only = await runScan(engine, { workspace: root, today: TODAY, advisories: adv, dependenciesOnly: true });
    assert.equal(only.ok, true);
    const rules = only.result.findings.map((f) => f.rule);
    assert.ok(rules.includes('GHSA-5crp-9r3c-p9vr'), rules.join(','));
    assert.ok(rules.every((r) => !/^DF\d{3}$/.test(r)), rules.join(','));
    assert.equal(only.exitCode, 1);
  });

  test('writes the requested output files', async () => {
    const root = tree({ Dockerfile: BAD, 'src/App.csproj': '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /></ItemGroup></Project>' });
    const run = await runScan(engine, {
      workspace: root,
      outputs: { sarif: 'out/a.sarif', cyclonedx: 'out/bom.json', json: 'out/r.json', text: 'out/r.txt' },
      category: 'x/',
      today: TODAY,
      now: Date.UTC(2026, 0, 15),
    });
    assert.equal(run.exitCode, 1);
    assert.equal(JSON.parse(readFileSync(run.written.sarif, 'utf8')).runs[0].automationDetails.id, 'x/');
    const bom = JSON.parse(readFileSync(run.written.cyclonedx, 'utf8'));
    assert.equal(bom.metadata.timestamp, '2026-01-15T00:00:00Z');
    assert.ok(bom.components.some((c) => c.purl === 'pkg:nuget/Newtonsoft.Json@12.0.1'));
    assert.equal(JSON.parse(readFileSync(run.written.json, 'utf8')).summary.exitCode, 1);
    assert.match(readFileSync(run.written.text, 'utf8'), /DF\d+/);
  });

  test('advisories from a directory: records read, broken ones reported', async () => {
    const root = tree({
      Dockerfile: 'FROM scratch\n',
      'osv/a/GHSA-1.json': JSON.stringify({ id: 'GHSA-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'] }] }),
      'osv/b.json': '[{"id": "GHSA-2", "modified": "2024-01-01T00:00:00Z"}]',
      'osv/broken.json': '{',
      'osv/notes.txt': 'ignored',
    });
    const run = await runScan(engine, { workspace: root, advisories: 'osv', formats: ['json'], today: TODAY });
    assert.equal(run.result.advisories.sources, 3);
    assert.equal(run.result.advisories.records, 2);
    assert.equal(run.result.advisories.errors, 1);
    assert.ok(run.result.diagnostics.some((d) => /osv\/broken\.json/.test(d.message)));
    const missing = await runScan(engine, { workspace: root, advisories: 'nowhere', formats: ['json'], today: TODAY });
    assert.ok(missing.result.diagnostics.some((d) => d.severity === 'error' && d.path === 'nowhere'));
    assert.equal(missing.result.advisories.applied, false);
  });

  test('advisories.source in the config applies when no advisories option is given', async () => {
    const osv = JSON.stringify({
      id: 'GHSA-test-0001',
      modified: '2024-01-01T00:00:00Z',
      summary: 'test advisory',
      affected: [{ package: { ecosystem: 'NuGet', name: 'Newtonsoft.Json' }, versions: ['12.0.1'] }],
    });
    const csproj = '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /></ItemGroup></Project>';
    // A relative path is relative to the config file, as in the native CLI.
    const root = tree({
      'ci/.portcullis.yaml': 'advisories:\n  source: osv\n',
      'ci/osv/GHSA-test-0001.json': osv,
      'src/App.csproj': csproj,
    });
    const rules = (run) => run.result.findings.map((f) => f.rule);
    const logs = [];
    const fromConfig = await runScan(engine, { workspace: root, config: 'ci/.portcullis.yaml', today: TODAY, log: (m) => logs.push(m) });
    assert.equal(fromConfig.ok, true);
    assert.deepEqual(rules(fromConfig), ['GHSA-test-0001']);
    assert.equal(fromConfig.result.advisories.records, 1);
    assert.ok(logs.includes('advisories: osv (advisories.source in ci/.portcullis.yaml)'), logs.join('\n'));
    // The option wins over the config; `off` checks nothing.
    const off = await runScan(engine, { workspace: root, config: 'ci/.portcullis.yaml', advisories: 'off', today: TODAY });
    assert.deepEqual(rules(off), []);
    assert.equal(off.result.advisories.applied, false);
    // A lint-only run gathers none, whatever the config says.
    const lint = await runScan(engine, { workspace: root, config: 'ci/.portcullis.yaml', dependencies: false, today: TODAY, log: (m) => logs.push(m) });
    assert.equal(lint.result.advisories.applied, false);
    assert.equal(logs.filter((m) => m.startsWith('advisories:')).length, 1);
    // `none` is off; `offline` names the native database: not checked, and a warning says why.
    for (const [source, warned] of [['none', false], ['offline', true]]) {
      writeFileSync(path.join(root, 'ci/.portcullis.yaml'), `advisories:\n  source: ${source}\n`);
      const run = await runScan(engine, { workspace: root, config: 'ci/.portcullis.yaml', today: TODAY, formats: ['text'] });
      assert.equal(run.ok, true);
      assert.deepEqual(rules(run), [], source);
      assert.equal(run.result.advisories.applied, false, source);
      assert.equal(/`offline`: the database of `portcullis db update` is read by the native CLI only/.test(run.result.text), warned, run.result.text);
    }
  });

  test('online advisories: querybatch then vulns/{id}, from a loopback OSV server', async () => {
    const requests = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === 'POST' && req.url === '/v1/querybatch') {
          const { queries } = JSON.parse(body);
          const results = queries.map((q) =>
            q.package.purl === 'pkg:nuget/Newtonsoft.Json@12.0.1' ? { vulns: [{ id: 'GHSA-5crp-9r3c-p9vr', modified: '2023-01-01T00:00:00Z' }] } : {},
          );
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
        } else if (req.url === '/v1/vulns/GHSA-5crp-9r3c-p9vr') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'GHSA-5crp-9r3c-p9vr',
              modified: '2023-01-01T00:00:00Z',
              affected: [{ package: { ecosystem: 'NuGet', name: 'Newtonsoft.Json' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '13.0.1' }] }] }],
            }),
          );
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const api = `http://127.0.0.1:${server.address().port}`;
    try {
      const root = tree({
        Dockerfile: 'FROM scratch\n',
        'src/App.csproj': '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.1" /><PackageReference Include="Serilog" Version="[3.0,4.0)" /></ItemGroup></Project>',
      });
      const lines = [];
      const run = await runScan(engine, { workspace: root, advisories: 'online', osvApiUrl: api, formats: ['json'], today: TODAY, log: (m) => lines.push(m) });
      assert.deepEqual(requests, ['POST /v1/querybatch', 'GET /v1/vulns/GHSA-5crp-9r3c-p9vr']);
      assert.equal(run.result.advisories.records, 1);
      assert.ok(lines.includes('asking the OSV API about 1 packages'), lines.join('\n'));
      // A failing API is a warning, not a failed scan.
      const down = await runScan(engine, { workspace: root, advisories: 'online', osvApiUrl: `${api}/broken`, formats: ['json'], today: TODAY });
      assert.equal(down.ok, true);
      assert.ok(
        down.result.diagnostics.some((d) => d.severity === 'warning' && /NOT checked.*OSV API query failed .*HTTP 404/.test(d.message)),
        JSON.stringify(down.result.diagnostics),
      );
      // The record the API returned was matched: Newtonsoft.Json 12.0.1 is affected.
      assert.ok(run.result.findings.some((f) => f.rule === 'GHSA-5crp-9r3c-p9vr' && f.location.path === 'src/App.csproj'));
    } finally {
      server.close();
    }
  });

  test('OSV client: purl selection, pagination, timeouts, partial failures', async () => {
    const bom = JSON.stringify({
      components: [
        { purl: 'pkg:npm/a@1.0.0', version: '1.0.0' },
        { purl: 'pkg:nuget/B@2.0.0?repository_url=x', version: '2.0.0' },
        { purl: 'pkg:docker/library/ubuntu@22.04', version: '22.04' },
        { purl: 'pkg:npm/c', version: '' },
        { name: 'no purl' },
      ],
    });
    assert.deepEqual(queryablePurls(bom), ['pkg:npm/a@1.0.0', 'pkg:nuget/B@2.0.0']);
    assert.deepEqual(queryablePurls('not json'), []);
    const calls = [];
    const fake = async (url, init) => {
      calls.push(url.replace('https://api.osv.dev', ''));
      if (url.endsWith('/querybatch')) {
        const q = JSON.parse(init.body).queries;
        const results = q.map((x) => (x.page_token ? { vulns: [{ id: 'V-2' }] } : { vulns: [{ id: 'V-1' }, { id: 'V-3' }], next_page_token: 'p2' }));
        return new Response(JSON.stringify({ results }), { status: 200 });
      }
      if (url.endsWith('/V-3')) return new Response('gone', { status: 500 });
      return new Response(JSON.stringify({ id: url.split('/').pop() }), { status: 200 });
    };
    const got = await fetchOsvAdvisories(['pkg:npm/a@1.0.0'], { fetch: fake });
    assert.equal(got.unavailable, null);
    assert.deepEqual(got.records.map((r) => r.path), ['osv-api/V-1.json', 'osv-api/V-2.json']);
    assert.equal(calls.filter((c) => c === '/v1/querybatch').length, 2);
    assert.match(got.diagnostics[0].message, /1 advisories could not be fetched: V-3/);
    const slow = await fetchOsvAdvisories(['pkg:npm/a@1.0.0'], {
      timeoutMs: 50,
      fetch: (url, init) =>
        new Promise((_, reject) => {
          const keepAlive = setTimeout(() => reject(new Error('test server never answered')), 5000);
          init.signal.addEventListener('abort', () => {
            clearTimeout(keepAlive);
            reject(new Error('timed out'));
          });
        }),
    });
    assert.equal(slow.records.length, 0);
    assert.match(slow.unavailable, /query failed \(timed out\)/);
  });

  test('start-up: the baseline-compiler flag reaches the engine on every Node', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const args = relaunchArgs('/x/main.js', ['a']);
    if (major < 22) {
      assert.equal(args, null, 'Node 20 takes the flag at run time');
    } else {
      assert.deepEqual(args.slice(-3), [WASM_FLAG, '/x/main.js', 'a']);
    }
    // The Action's launcher and the bundle it starts are both in dist/.
    const launcher = readFileSync(path.join(repoRoot, 'dist', 'index.js'), 'utf8');
    assert.match(launcher, /new URL\("\.\/main\.js", import\.meta\.url\)/);
    assert.match(launcher, /--liftoff-only/);
  });

  test('input helpers', () => {
    assert.deepEqual(splitList(' a, b\nc  '), ['a', 'b', 'c']);
    assert.deepEqual(splitList(undefined), []);
    assert.equal(parseBool('', true), true);
    assert.equal(parseBool('No', true), false);
    assert.throws(() => parseBool('maybe', true), /not a boolean/);
    assert.equal(categoryOf('DF300'), 'secrets');
    assert.equal(categoryOf('DF412'), 'base images');
    assert.equal(categoryOf('GHSA-5crp-9r3c-p9vr'), 'dependencies');
  });
});
