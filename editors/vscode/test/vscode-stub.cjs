// A stand-in for the `vscode` module: just enough of the API for activate() and the providers,
// with hooks (`__test`) to fire events, put files on the fake file system and change settings.
'use strict';

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(start, end) {
    this.start = start;
    this.end = end;
  }
}
class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
  }
  static file(p) {
    return new Uri('file', p);
  }
  static parse(s) {
    const m = /^([a-z]+):(?:\/\/[^/]*)?(.*)$/i.exec(s);
    const u = m ? new Uri(m[1], m[2]) : new Uri('file', s);
    u.raw = s;
    return u;
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, [base.path.replace(/\/+$/, ''), ...parts].join('/'));
  }
  toString() {
    if (this.raw) return this.raw;
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}`;
  }
}
const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
class DiagnosticRelatedInformation {
  constructor(location, message) {
    this.location = location;
    this.message = message;
  }
}
class Location {
  constructor(uri, range) {
    this.uri = uri;
    this.range = range;
  }
}
const CodeActionKind = { QuickFix: 'quickfix' };
class CodeAction {
  constructor(title, kind) {
    this.title = title;
    this.kind = kind;
  }
}
class WorkspaceEdit {
  constructor() {
    this.edits = [];
  }
  replace(uri, range, newText) {
    this.edits.push({ uri, range, newText });
  }
}
class MarkdownString {
  constructor(value) {
    this.value = value;
  }
}
class Hover {
  constructor(contents, range) {
    this.contents = contents;
    this.range = range;
  }
}
class RelativePattern {
  constructor(base, pattern) {
    this.base = base;
    this.pattern = pattern;
  }
}

function emitter() {
  const listeners = [];
  const event = (fn) => {
    listeners.push(fn);
    return { dispose() {} };
  };
  event.fire = async (arg) => {
    for (const l of listeners) await l(arg);
  };
  return event;
}

const files = new Map(); // path → text
const settings = { configPath: '.portcullis.yaml', severityThreshold: 'note', serverPath: '', debounceMs: 20 };
const collections = [];
const providers = { codeActions: [], hover: [] };
const watchers = [];
const messages = [];
const output = [];
const events = {
  open: emitter(),
  change: emitter(),
  save: emitter(),
  close: emitter(),
  configuration: emitter(),
};

function document(path, text, languageId = 'plaintext') {
  return {
    uri: Uri.file(path),
    languageId,
    text,
    getText() {
      return this.text;
    },
  };
}

const workspace = {
  workspaceFolders: [{ uri: Uri.file('/ws'), name: 'ws', index: 0 }],
  getWorkspaceFolder() {
    return workspace.workspaceFolders[0];
  },
  textDocuments: [],
  getConfiguration() {
    return { get: (k) => settings[k] };
  },
  fs: {
    async readFile(uri) {
      if (uri.path.endsWith('.wasm')) return require('node:fs').readFileSync(uri.path);
      if (!files.has(uri.path)) throw new Error(`ENOENT ${uri.path}`);
      return new TextEncoder().encode(files.get(uri.path));
    },
  },
  createFileSystemWatcher(pattern) {
    const w = { pattern, onDidCreate: emitter(), onDidChange: emitter(), onDidDelete: emitter(), dispose() {} };
    watchers.push(w);
    return w;
  },
  onDidOpenTextDocument: events.open,
  onDidChangeTextDocument: events.change,
  onDidSaveTextDocument: events.save,
  onDidCloseTextDocument: events.close,
  onDidChangeConfiguration: events.configuration,
};

const languages = {
  createDiagnosticCollection(name) {
    const map = new Map();
    const c = {
      name,
      set: (uri, d) => map.set(uri.toString(), d),
      delete: (uri) => map.delete(uri.toString()),
      get: (uri) => map.get(uri.toString()),
      dispose() {},
      map,
    };
    collections.push(c);
    return c;
  },
  registerCodeActionsProvider(selector, provider) {
    providers.codeActions.push({ selector, provider });
    return { dispose() {} };
  },
  registerHoverProvider(selector, provider) {
    providers.hover.push({ selector, provider });
    return { dispose() {} };
  },
};

const window = {
  createOutputChannel() {
    return { appendLine: (l) => output.push(l), dispose() {} };
  },
  showWarningMessage(m) {
    messages.push(m);
  },
};

module.exports = {
  Position,
  Range,
  Uri,
  DiagnosticSeverity,
  Diagnostic,
  DiagnosticRelatedInformation,
  Location,
  CodeAction,
  CodeActionKind,
  WorkspaceEdit,
  MarkdownString,
  Hover,
  RelativePattern,
  workspace,
  languages,
  window,
  __test: { files, settings, collections, providers, watchers, messages, output, events, document },
};
