// Smoke test of activate() as VS Code would call it: the desktop bundle (dist-test/, `vscode`
// external) with the stand-in module of test/vscode-stub.cjs. Needs
// `node scripts/bundle.mjs --test` first (scripts/package-vscode.sh does that).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const test = require('node:test');

const stub = require('./vscode-stub.cjs');
const ext = require('../dist-test/extension.cjs');

const { files, settings, collections, providers, watchers, messages, events, document } = stub.__test;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('activate() lints open documents, debounces changes, offers fixes and hovers, reloads the config', async () => {
  const docker = document('/ws/svc/Dockerfile', 'FROM microsoft/aspnet:4.7.2\nadd app.txt /app/\n', 'dockerfile');
  const readme = document('/ws/README.md', '# hi\n', 'markdown');
  stub.workspace.textDocuments.push(docker, readme);
  const context = { subscriptions: [], extensionUri: stub.Uri.file(path.join(__dirname, '..')) };
  const api = await ext.activate(context);
  assert.equal(api.mode, 'wasm');
  assert.ok(context.subscriptions.length >= 8);

  const diags = collections[0];
  const codes = () => (diags.get(docker.uri) ?? []).map((d) => d.code?.value ?? d.code);
  assert.ok(codes().includes('DF404'), codes().join(','));
  assert.ok(codes().includes('DF110'));
  assert.equal(diags.get(readme.uri), undefined, 'README is not analysed');

  // Typing: analysed after the debounce, once.
  docker.text = 'FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8.1\nadd app.txt /app/\n';
  await events.change.fire({ document: docker });
  assert.ok(codes().includes('DF404'), 'not yet re-analysed');
  await sleep(80);
  assert.ok(!codes().includes('DF404'));

  // Quick fix and hover through the registered providers.
  const range = new stub.Range(new stub.Position(1, 1), new stub.Position(1, 1));
  const actions = providers.codeActions[0].provider.provideCodeActions(docker, range);
  const fix = actions.find((a) => a.title.startsWith('DF110'));
  assert.ok(fix, actions.map((a) => a.title).join(', '));
  assert.equal(fix.edit.edits[0].newText, 'copy');
  const hover = providers.hover[0].provider.provideHover(docker, new stub.Position(0, 12));
  assert.match(hover.contents.value, /mcr\.microsoft\.com\/dotnet\/framework\/aspnet/);

  // A config file appears: DF110 off; the watcher reloads it and everything is re-analysed.
  files.set('/ws/.portcullis.yaml', 'rules:\n  DF110: off\n');
  await watchers[0].onDidCreate.fire(stub.Uri.file('/ws/.portcullis.yaml'));
  assert.ok(!codes().includes('DF110'));
  // An invalid edit is reported and the previous config stays.
  files.set('/ws/.portcullis.yaml', 'rules:\n  DF110: maybe\n');
  await watchers[0].onDidChange.fire(stub.Uri.file('/ws/.portcullis.yaml'));
  assert.ok(!codes().includes('DF110'));
  assert.match(messages.at(-1), /\.portcullis\.yaml is invalid/);

  // Saving analyses at once (no debounce).
  docker.text = 'FROM microsoft/aspnet:4.7.2\nadd app.txt /app/\n';
  await events.save.fire(docker);
  assert.ok(codes().includes('DF404'));
  const before = (diags.get(docker.uri) ?? []).map((d) => d.severity);
  assert.ok(before.some((s) => s !== stub.DiagnosticSeverity.Error), JSON.stringify(before));

  // Severity threshold setting: errors only.
  settings.severityThreshold = 'error';
  await events.configuration.fire({ affectsConfiguration: (s) => s === 'portcullis' });
  const sevs = (diags.get(docker.uri) ?? []).map((d) => d.severity);
  assert.ok(sevs.length > 0 && sevs.every((s) => s === stub.DiagnosticSeverity.Error), JSON.stringify(sevs));

  // Closing clears the document's diagnostics.
  await events.close.fire(docker);
  assert.equal(diags.get(docker.uri), undefined);
});

test('a native server that cannot start falls back to the built-in engine', async () => {
  // `portcullis.serverPath` names a binary the language client cannot start here (no VS Code
  // extension host behind the stand-in module, and no such file): the user still gets
  // diagnostics from the WebAssembly engine, and the output channel says why.
  const { output } = stub.__test;
  settings.serverPath = path.join(__dirname, 'no-such-portcullis');
  settings.severityThreshold = 'note';
  const before = collections.length;
  try {
    const context = { subscriptions: [], extensionUri: stub.Uri.file(path.join(__dirname, '..')) };
    const api = await ext.activate(context);
    assert.equal(api.mode, 'wasm');
    assert.ok(
      output.some((l) => l.startsWith(`portcullis: cannot start ${settings.serverPath} lsp (`)),
      output.join('\n'),
    );
    assert.equal(collections.length, before + 1, 'the built-in engine publishes diagnostics');
    const docker = document('/ws/other/Dockerfile', 'FROM microsoft/aspnet:4.7.2\n', 'dockerfile');
    await events.open.fire(docker);
    const codes = (collections.at(-1).get(docker.uri) ?? []).map((d) => d.code?.value ?? d.code);
    assert.ok(codes.includes('DF404'), codes.join(','));
  } finally {
    settings.serverPath = '';
  }
});
