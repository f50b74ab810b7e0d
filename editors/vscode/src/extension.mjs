// The extension, shared by the desktop (node.mjs) and the web (web.mjs) entry points. By default
// it runs the Portcullis engine in-process from the WebAssembly module shipped in dist/; when
// `portcullis.serverPath` names a native `portcullis` binary (desktop only) it starts
// `portcullis lsp` with vscode-languageclient instead.
import * as vscode from 'vscode';

import {
  ConfigState,
  DEFAULT_DEBOUNCE_MS,
  analyse,
  debouncer,
  interesting,
  relativePath,
  toCodeActions,
  toDiagnostic,
  toHover,
} from './core.mjs';
import { createLspEngine } from './engine.mjs';

const SECTION = 'portcullis';

/** Documents the extension offers hovers and quick fixes for. */
export const SELECTOR = [
  { language: 'dockerfile' },
  { pattern: '**/{Dockerfile,Containerfile,Dockerfile.*,Containerfile.*,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile}' },
  { pattern: '**/*.{csproj,fsproj,vbproj,props}' },
  { pattern: '**/{packages.config,packages.lock.json,.portcullis.yaml,.portcullis.yml}' },
];

function settings() {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    configPath: c.get('configPath') || '.portcullis.yaml',
    threshold: c.get('severityThreshold') || 'note',
    serverPath: c.get('serverPath') || '',
    debounceMs: c.get('debounceMs') ?? DEFAULT_DEBOUNCE_MS,
  };
}

function folderOf(uri) {
  return vscode.workspace.getWorkspaceFolder?.(uri) ?? vscode.workspace.workspaceFolders?.[0];
}

function docInfo(document) {
  const folder = folderOf(document.uri);
  return {
    uri: document.uri.toString(),
    path: relativePath(folder?.uri.path ?? '', document.uri.path),
    languageId: document.languageId,
    text: document.getText(),
  };
}

/**
 * Activates the extension. `options.startNativeServer(context, serverPath, selector)` (desktop
 * entry only) starts the native language server; it returns a disposable client or throws.
 */
export async function activateWith(context, options = {}) {
  const out = vscode.window.createOutputChannel('Portcullis');
  context.subscriptions.push(out);
  const s = settings();
  if (s.serverPath && options.startNativeServer) {
    try {
      const client = await options.startNativeServer(context, s.serverPath, SELECTOR);
      out.appendLine(`portcullis: using the language server ${s.serverPath} lsp`);
      return { mode: 'native', client };
    } catch (e) {
      out.appendLine(`portcullis: cannot start ${s.serverPath} lsp (${e.message}); using the built-in engine`);
    }
  }

  const wasmUri = vscode.Uri.joinPath(context.extensionUri, 'dist', 'portcullis_wasm_bg.wasm');
  const engine = createLspEngine(await vscode.workspace.fs.readFile(wasmUri));
  out.appendLine(`portcullis: engine ${engine.version()} (WebAssembly, in-process)`);
  const collection = vscode.languages.createDiagnosticCollection(SECTION);
  context.subscriptions.push(collection);
  let current = s;
  const config = new ConfigState(engine, current.configPath);
  const logged = new Set();

  const lint = (document) => {
    const info = docInfo(document);
    if (!interesting(info.path, info.languageId)) return;
    if (/(^|\/)\.portcullis\.ya?ml$/.test(info.path)) {
      // The config document itself: its problems on its lines (checked with the engine).
      const r = engine.diagnostics(info.path, info.text, { today: config.options().today });
      collection.set(document.uri, r.ok ? r.diagnostics.map((d) => toDiagnostic(vscode, d, document.uri)) : []);
      return;
    }
    const r = analyse(engine, config, info, current.threshold);
    for (const e of r.errors) out.appendLine(`portcullis: ${info.path}: ${e}`);
    for (const n of r.notes) {
      if (!logged.has(n.message)) {
        logged.add(n.message);
        out.appendLine(`portcullis: ${n.message}`);
      }
    }
    collection.set(document.uri, r.diagnostics.map((d) => toDiagnostic(vscode, d, document.uri)));
  };
  const byUri = (key) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  const debounce = debouncer(current.debounceMs, (key) => {
    const d = byUri(key);
    if (d) lint(d);
  });
  const lintAll = () => vscode.workspace.textDocuments.forEach(lint);

  const loadConfig = async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    let text = null;
    if (folder) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, current.configPath));
        text = new TextDecoder().decode(bytes);
      } catch {
        text = null; // no config: the embedded defaults
      }
    }
    const r = config.update(text, current.configPath);
    if (r.errors.length) {
      const msg = `portcullis: ${current.configPath} is invalid (${r.errors[0]}); the previous configuration stays in force`;
      out.appendLine(msg);
      vscode.window.showWarningMessage(msg);
    }
    return r.changed;
  };

  await loadConfig();
  let watcher;
  const watch = () => {
    watcher?.dispose();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.createFileSystemWatcher) return;
    watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, current.configPath));
    const reload = async () => {
      if (await loadConfig()) lintAll();
    };
    watcher.onDidCreate(reload);
    watcher.onDidChange(reload);
    watcher.onDidDelete(reload);
  };
  watch();
  context.subscriptions.push({ dispose: () => watcher?.dispose() });

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(lint),
    vscode.workspace.onDidChangeTextDocument((e) => debounce.schedule(e.document.uri.toString())),
    vscode.workspace.onDidSaveTextDocument((d) => {
      debounce.cancel(d.uri.toString());
      lint(d);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      debounce.cancel(d.uri.toString());
      collection.delete(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const before = current;
      current = settings();
      if (before.configPath !== current.configPath) {
        watch();
        await loadConfig();
      }
      lintAll();
    }),
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      {
        provideCodeActions(document, range) {
          const info = docInfo(document);
          const r = engine.codeActions(info.path, info.text, config.options({
            uri: info.uri,
            languageId: info.languageId,
            range: {
              start: { line: range.start.line, character: range.start.character },
              end: { line: range.end.line, character: range.end.character },
            },
          }));
          return r.ok ? toCodeActions(vscode, r.actions, document.uri) : [];
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(document, position) {
        const info = docInfo(document);
        const r = engine.hover(info.path, info.text, config.options({
          uri: info.uri,
          languageId: info.languageId,
          position: { line: position.line, character: position.character },
        }));
        return r.ok ? toHover(vscode, r.hover) : undefined;
      },
    }),
  );
  lintAll();
  return { mode: 'wasm', engine, collection, config, lint };
}
