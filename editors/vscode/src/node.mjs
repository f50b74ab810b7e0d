// Desktop entry point (`main`): the built-in WebAssembly engine, or the native `portcullis lsp`
// when `portcullis.serverPath` is set.
import { activateWith } from './extension.mjs';

let client;

async function startNativeServer(context, serverPath, selector) {
  // Loaded only when the native server is configured (it is not needed by the built-in engine).
  const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
  const server = { command: serverPath, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('portcullis', 'Portcullis', { run: server, debug: server }, {
    documentSelector: selector.map((s) => ({ scheme: 'file', ...s })),
  });
  await client.start();
  return client;
}

export async function activate(context) {
  return activateWith(context, { startNativeServer });
}

export async function deactivate() {
  if (client) await client.stop();
}
