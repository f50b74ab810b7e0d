// The extension's logic under node with the built WebAssembly engine (npm/pkg/, from
// scripts/build-wasm.sh): the engine's LSP answers, the mapping to VS Code objects, the
// severity threshold and the configuration state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import * as api from './vscode-stub.cjs';
import {
  ConfigState,
  analyse,
  debouncer,
  filterBySeverity,
  interesting,
  relativePath,
  toCodeActions,
  toDiagnostic,
  toHover,
} from '../src/core.mjs';
import { createLspEngine } from '../src/engine.mjs';

const engine = createLspEngine(readFileSync(new URL('../../../npm/pkg/portcullis_wasm_bg.wasm', import.meta.url)));
const TODAY = '2026-11-22';
const uri = api.Uri.file('/ws/app/Dockerfile');

// A tab, CRLF line ends and non-ASCII text (an emoji is two UTF-16 units) before the image.
const WINDOWS = '# escape=`\r\n# café ☕ 😀\r\nFROM\tmicrosoft/aspnet:4.7.2\r\nRUN Invoke-WebRequest https://example.com/a.msi -OutFile a.msi\r\n';

function diagnose(path, text, extra = {}) {
  const r = engine.diagnostics(path, text, { today: TODAY, uri: uri.toString(), ...extra });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r;
}

test('diagnostics carry the rule, its documentation link and UTF-16 ranges (tab, CRLF, non-ASCII)', () => {
  const r = diagnose('app/Dockerfile', WINDOWS);
  assert.equal(r.kind, 'dockerfile');
  const df404 = r.diagnostics.find((d) => d.code === 'DF404');
  assert.ok(df404, JSON.stringify(r.diagnostics.map((d) => d.code)));
  // `FROM\t` is 5 UTF-16 units; the image runs to the end of the line (before \r).
  assert.deepEqual(df404.range, { start: { line: 2, character: 5 }, end: { line: 2, character: 27 } });
  assert.match(df404.codeDescription.href, /rules\/DF404\.md$/);
  assert.equal(df404.severity, 1);
  const v = toDiagnostic(api, df404, uri);
  assert.equal(v.severity, api.DiagnosticSeverity.Error);
  assert.equal(v.source, 'portcullis');
  assert.equal(v.code.value, 'DF404');
  assert.equal(v.code.target.toString(), df404.codeDescription.href);
  assert.deepEqual([v.range.start.line, v.range.start.character, v.range.end.character], [2, 5, 27]);
});

test('a position after an emoji counts two UTF-16 units for it', () => {
  const text = 'FROM scratch\nLABEL x="😀" \\\n  y=1\nADD app.txt /app/\n';
  const r = diagnose('Dockerfile', text);
  const add = r.diagnostics.find((d) => d.code === 'DF110');
  assert.ok(add);
  assert.deepEqual(add.range.start, { line: 3, character: 0 });
  const hover = engine.hover('Dockerfile', 'FROM scratch\n# portcullis ignore=DF110 reason="😀 x"\nADD a.txt /a\n', {
    today: TODAY,
    position: { line: 1, character: 22 },
  });
  assert.equal(hover.ok, true);
  assert.match(hover.hover.contents.value, /\*\*DF110\*\*/);
  assert.deepEqual(hover.hover.range, { start: { line: 1, character: 20 }, end: { line: 1, character: 25 } });
});

test('quick fixes: the MCR replacement and an ignore comment with a reason, as workspace edits', () => {
  const r = engine.codeActions('app/Dockerfile', WINDOWS, {
    today: TODAY,
    uri: uri.toString(),
    range: { start: { line: 2, character: 8 }, end: { line: 2, character: 8 } },
  });
  assert.equal(r.ok, true);
  const actions = toCodeActions(api, r.actions, uri);
  const fix = actions.find((a) => a.title.startsWith('DF404'));
  assert.ok(fix, actions.map((a) => a.title).join(', '));
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.kind, api.CodeActionKind.QuickFix);
  assert.equal(fix.edit.edits[0].newText, 'mcr.microsoft.com/dotnet/framework/aspnet:4.7.2');
  assert.equal(fix.edit.edits[0].range.start.character, 5);
  const ignore = actions.find((a) => a.title === 'Ignore DF404 here (with a reason)');
  assert.ok(ignore);
  assert.match(ignore.edit.edits[0].newText, /^# portcullis ignore=DF404 reason="[^"]+"\r\n$/);
  assert.deepEqual([ignore.edit.edits[0].range.start.line, ignore.edit.edits[0].range.start.character], [2, 0]);
  // The fixed text no longer has the finding.
  const fixed = WINDOWS.replace('microsoft/aspnet:4.7.2', fix.edit.edits[0].newText);
  assert.ok(!diagnose('app/Dockerfile', fixed).diagnostics.some((d) => d.code === 'DF404'));
});

test('the new core fixes reach the editor: instruction casing and MAINTAINER', () => {
  const text = 'FROM alpine:3.20\nRun echo hi\nMAINTAINER ops@example.com\n';
  const titles = (line) =>
    engine
      .codeActions('Dockerfile', text, { today: TODAY, range: { start: { line, character: 1 }, end: { line, character: 1 } } })
      .actions.filter((a) => a.isPreferred)
      .map((a) => [a.title, a.edit.changes.Dockerfile[0].newText]);
  assert.deepEqual(titles(1), [['DF103: write `RUN`', 'RUN']]);
  assert.deepEqual(titles(2), [
    ['DF111: replace MAINTAINER with the org.opencontainers.image.authors label', 'LABEL org.opencontainers.image.authors="ops@example.com"'],
  ]);
});

test('hover on an image reference gives the policy verdict and lifecycle', () => {
  const r = engine.hover('app/Dockerfile', WINDOWS, { today: TODAY, position: { line: 2, character: 10 } });
  assert.equal(r.ok, true);
  const h = toHover(api, r.hover);
  assert.match(h.contents.value, /microsoft\/aspnet:4\.7\.2/);
  assert.match(h.contents.value, /Policy: \*\*/);
  assert.equal(h.range.start.character, 5);
  assert.equal(engine.hover('app/Dockerfile', WINDOWS, { today: TODAY, position: { line: 1, character: 0 } }).hover, null);
});

test('the configuration applies, reloads, and an invalid one keeps the previous', () => {
  const config = new ConfigState(engine);
  const doc = { path: 'app/Dockerfile', text: WINDOWS, languageId: 'dockerfile', uri: uri.toString() };
  const codes = () => analyse(engine, config, doc, 'note').diagnostics.map((d) => d.code);
  assert.ok(codes().includes('DF404'));
  assert.deepEqual(config.update('rules:\n  DF404: off\n'), { changed: true, errors: [] });
  assert.ok(!codes().includes('DF404'));
  const bad = config.update('rules:\n  DF404: sometimes\n');
  assert.equal(bad.changed, false);
  assert.match(bad.errors[0], /^line 2: /);
  assert.ok(!codes().includes('DF404'), 'the previous (valid) config stays in force');
  assert.equal(config.update(null).changed, true);
  assert.ok(codes().includes('DF404'));
  // The config document itself is checked: its problems on its lines.
  const own = diagnose('.portcullis.yaml', 'rules:\n  DF404: sometimes\n');
  assert.equal(own.kind, 'config');
  assert.equal(own.diagnostics[0].range.start.line, 1);
});

test('severity threshold', () => {
  const all = diagnose('app/Dockerfile', WINDOWS).diagnostics;
  const sev = (ds) => [...new Set(ds.map((d) => d.severity))].sort();
  assert.ok(sev(all).length >= 2, JSON.stringify(sev(all)));
  assert.deepEqual(sev(filterBySeverity(all, 'error')), [1]);
  assert.ok(filterBySeverity(all, 'warning').every((d) => d.severity <= 2));
  assert.equal(filterBySeverity(all, 'note').length, all.length);
});

test('NuGet manifests: extraction problems on their line, and advisories when given', () => {
  const csproj = '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Newtonsoft.Json" Version="12.0.3" />\n    <PackageReference Include="Broken" Version="$(NoSuchProperty)" />\n  </ItemGroup>\n</Project>\n';
  const plain = diagnose('src/Api/Api.csproj', csproj);
  assert.equal(plain.kind, 'manifest');
  const unresolved = plain.diagnostics.find((d) => /NoSuchProperty/.test(d.message));
  assert.ok(unresolved, JSON.stringify(plain.diagnostics));
  assert.equal(unresolved.range.start.line, 3);
  assert.ok(plain.notes.some((n) => /not checked/.test(n.message)), JSON.stringify(plain.notes));
  const advisory = readFileSync(new URL('../../../examples/advisories/GHSA-5crp-9r3c-p9vr.json', import.meta.url), 'utf8');
  const checked = diagnose('src/Api/Api.csproj', csproj, { advisories: [advisory] });
  const vuln = checked.diagnostics.find((d) => d.code === 'GHSA-5crp-9r3c-p9vr');
  assert.ok(vuln, JSON.stringify(checked.diagnostics));
  assert.equal(vuln.range.start.line, 2);
});

test('documents of no interest are skipped; paths are workspace-relative', () => {
  assert.equal(interesting('README.md', 'markdown'), false);
  assert.equal(interesting('build/x.dockerfile', 'plaintext'), true);
  assert.equal(interesting('notes.txt', 'dockerfile'), true);
  assert.equal(interesting('src/A.fsproj', 'xml'), true);
  assert.equal(relativePath('/ws', '/ws/src/Dockerfile'), 'src/Dockerfile');
  assert.equal(relativePath('c:\\ws', 'c:\\ws\\Dockerfile'), 'Dockerfile');
  assert.equal(relativePath('/ws', '/elsewhere/Containerfile'), 'Containerfile');
  assert.equal(engine.diagnostics('Untitled-1', 'FROM ubuntu\n', { today: TODAY, languageId: 'dockerfile' }).kind, 'dockerfile');
});

test('bad input is a value, not an exception', () => {
  assert.equal(engine.diagnostics('Dockerfile', 'FROM x\n', {}).ok, false);
  assert.match(engine.diagnostics('Dockerfile', 'FROM x\n', { today: 'soon' }).errors[0], /today/);
  assert.equal(engine.hover('Dockerfile', 'FROM x\n', { today: TODAY }).ok, false);
  const r = engine.diagnostics('Dockerfile', 'FROM x\n', { today: TODAY, config: 'fail-on: [\n' });
  assert.equal(r.ok, false);
  assert.ok(Array.isArray(r.configErrors) && r.configErrors.length > 0);
});

test('debouncer runs the last scheduled call once', async () => {
  const ran = [];
  const d = debouncer(10, (k) => ran.push(k));
  d.schedule('a');
  d.schedule('a');
  d.schedule('b');
  d.cancel('b');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(ran, ['a']);
  assert.equal(d.pending(), 0);
});
