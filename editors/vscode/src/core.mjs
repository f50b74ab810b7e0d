// Everything the extension decides, without the `vscode` module: which documents to analyse,
// the options handed to the engine, the severity threshold, the configuration state, and the
// mapping of the engine's LSP-shaped answers to VS Code objects (built with the constructors
// passed in as `api`, so tests can use plain stand-ins). Unit-tested under node with the real
// engine (test/core.test.mjs).

/** LSP DiagnosticSeverity (1 error, 2 warning, 3 information) → threshold names. */
const LEVEL_RANK = { error: 1, warning: 2, note: 3 };

/** Default quiet time after typing before a document is analysed again. */
export const DEFAULT_DEBOUNCE_MS = 300;

/** The setting `portcullis.severityThreshold` as the worst LSP severity number still shown. */
export function thresholdRank(name) {
  return LEVEL_RANK[String(name ?? '').toLowerCase()] ?? LEVEL_RANK.note;
}

/** Diagnostics at or above the threshold (`note` shows everything). */
export function filterBySeverity(diagnostics, threshold) {
  const worst = thresholdRank(threshold);
  return diagnostics.filter((d) => (d.severity ?? 3) <= worst);
}

/** Today as YYYY-MM-DD in UTC (the engine has no clock). */
export function today(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/**
 * The workspace-relative path (`/` separators) of a document path inside `folder`, else its
 * file name (documents outside the workspace, untitled buffers).
 */
export function relativePath(folder, docPath) {
  const norm = (p) => String(p ?? '').replace(/\\/g, '/');
  const doc = norm(docPath);
  const base = norm(folder).replace(/\/+$/, '');
  if (base && doc.startsWith(`${base}/`)) return doc.slice(base.length + 1);
  const name = doc.split('/').pop();
  return name || 'Untitled';
}

/** Names the extension looks at before asking the engine (cheap pre-filter). */
const DOCKERFILE_NAME = /(^|\/)((docker|container)file(\.[^/]*)?|[^/]*\.(docker|container)file)$/i;
const MANIFEST_NAME =
  /(\.(cs|fs|vb)proj|\.props|(^|\/)(packages\.config|packages\.lock\.json|project\.assets\.json|[^/]*\.deps\.json|paket\.(lock|dependencies)|dotnet-tools\.json|global\.json|Cargo\.lock|package-lock\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|poetry\.lock|Pipfile\.lock|uv\.lock|go\.(mod|sum)))$/i;
const CONFIG_NAME = /(^|\/)\.portcullis\.ya?ml$/;

/** Whether a document (by path and language id) is one the engine has something to say about. */
export function interesting(path, languageId) {
  return languageId === 'dockerfile' || DOCKERFILE_NAME.test(path) || MANIFEST_NAME.test(path) || CONFIG_NAME.test(path);
}

/**
 * The workspace configuration as the engine sees it. `update(text)` checks a new
 * `.portcullis.yaml` text with the engine: a valid one replaces the current config, an invalid
 * one is reported and the previous config stays in force (as `portcullis lsp` does); `null`
 * (no file) means the embedded defaults.
 */
export class ConfigState {
  constructor(engine, path = '.portcullis.yaml') {
    this.engine = engine;
    this.path = path;
    this.text = undefined;
    this.errors = [];
  }

  /** Returns `{ changed, errors }`. */
  update(text, path = this.path) {
    if (text === null || text === undefined) {
      const changed = this.text !== undefined;
      this.text = undefined;
      this.path = path;
      this.errors = [];
      return { changed, errors: [] };
    }
    const r = this.engine.diagnostics(path, text, { today: today() });
    const errors = r.ok ? r.diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`) : (r.errors ?? []);
    this.errors = errors;
    if (errors.length) return { changed: false, errors };
    const changed = this.text !== text || this.path !== path;
    this.text = text;
    this.path = path;
    return { changed, errors: [] };
  }

  /** Engine options for a document. */
  options(extra = {}) {
    const o = { today: today(), ...extra };
    if (this.text !== undefined) {
      o.config = this.text;
      o.configPath = this.path;
    }
    return o;
  }
}

/** Lints one document; `{ diagnostics, notes, errors }` (LSP shapes, threshold applied). */
export function analyse(engine, config, doc, threshold) {
  if (!interesting(doc.path, doc.languageId)) return { diagnostics: [], notes: [], errors: [] };
  const r = engine.diagnostics(doc.path, doc.text, config.options({ uri: doc.uri, languageId: doc.languageId }));
  if (!r.ok) return { diagnostics: [], notes: [], errors: r.errors ?? ['the engine failed'] };
  return { diagnostics: filterBySeverity(r.diagnostics, threshold), notes: r.notes ?? [], errors: [] };
}

// --- mapping to VS Code objects (api = { Range, Position, Diagnostic, DiagnosticSeverity,
// DiagnosticRelatedInformation, Location, Uri, CodeAction, CodeActionKind, WorkspaceEdit, Hover,
// MarkdownString }) ---------------------------------------------------------------------------

export function toRange(api, r) {
  return new api.Range(
    new api.Position(r.start.line, r.start.character),
    new api.Position(r.end.line, r.end.character),
  );
}

const SEVERITY = ['Error', 'Warning', 'Information', 'Hint'];

export function toDiagnostic(api, d, uri) {
  const sev = api.DiagnosticSeverity[SEVERITY[(d.severity ?? 3) - 1] ?? 'Information'];
  const out = new api.Diagnostic(toRange(api, d.range), d.message, sev);
  out.source = d.source ?? 'portcullis';
  if (d.code) {
    out.code = d.codeDescription?.href ? { value: d.code, target: api.Uri.parse(d.codeDescription.href) } : d.code;
  }
  if (Array.isArray(d.relatedInformation) && d.relatedInformation.length) {
    out.relatedInformation = d.relatedInformation.map(
      (ri) => new api.DiagnosticRelatedInformation(new api.Location(uri, toRange(api, ri.location.range)), ri.message),
    );
  }
  return out;
}

/** Code actions of the engine (`quickfix` with edits on this document) as VS Code objects. */
export function toCodeActions(api, actions, uri) {
  return actions.map((a) => {
    const action = new api.CodeAction(a.title, api.CodeActionKind.QuickFix);
    action.isPreferred = Boolean(a.isPreferred);
    const edit = new api.WorkspaceEdit();
    for (const edits of Object.values(a.edit?.changes ?? {})) {
      for (const e of edits) edit.replace(uri, toRange(api, e.range), e.newText);
    }
    action.edit = edit;
    action.diagnostics = (a.diagnostics ?? []).map((d) => toDiagnostic(api, d, uri));
    return action;
  });
}

export function toHover(api, hover) {
  if (!hover) return undefined;
  const md = new api.MarkdownString(hover.contents?.value ?? '');
  return new api.Hover(md, hover.range ? toRange(api, hover.range) : undefined);
}

/** Calls `fn(key)` once per key after `ms` of quiet (the last call wins). */
export function debouncer(ms, fn, timers = { setTimeout, clearTimeout }) {
  const pending = new Map();
  const run = (key) => {
    clearPending(key);
    fn(key);
  };
  function clearPending(key) {
    const t = pending.get(key);
    if (t !== undefined) timers.clearTimeout(t);
    pending.delete(key);
  }
  return {
    schedule(key) {
      clearPending(key);
      pending.set(key, timers.setTimeout(() => run(key), ms));
    },
    cancel: clearPending,
    pending: () => pending.size,
  };
}
