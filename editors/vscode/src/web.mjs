// Web entry point (`browser`: vscode.dev, github.dev): the built-in WebAssembly engine only (no
// processes in the web extension host).
import { activateWith } from './extension.mjs';

export async function activate(context) {
  return activateWith(context);
}

export function deactivate() {}
