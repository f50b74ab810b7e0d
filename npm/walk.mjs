// Workspace walking for the JS hosts, mirroring the native walker (src/native/mod.rs):
// .gitignore / .ignore files (nested, negations, parents between the workspace and the scan
// root) and .git/info/exclude are respected, hidden files are seen, `.git` and `node_modules`
// and symbolic links are skipped, paths are workspace-relative with `/`.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

import ignore from 'ignore';

/** Largest file read, in bytes (the native default). */
export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;

const SKIP_DIRS = new Set(['.git', 'node_modules']);

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/** `p` relative to `base` with `/` separators, or null when `p` is outside `base`. */
export function relativeTo(base, p) {
  const rel = path.relative(base, p);
  if (rel === '') return '';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return toPosix(rel);
}

function readIgnoreFile(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Ignore matchers of one directory (`dir` is workspace-relative), lowest precedence first.
 * `present` (the directory's entry names), when known, saves looking for absent files.
 */
function matchersOf(absDir, dir, { exclude = false, present = null } = {}) {
  const out = [];
  const names = exclude ? ['.git/info/exclude', '.gitignore', '.ignore'] : ['.gitignore', '.ignore'];
  for (const name of names) {
    if (present && !present.has(name)) continue;
    const text = readIgnoreFile(path.join(absDir, name));
    if (text !== null) out.push({ dir, ig: ignore({ allowRelativePaths: true }).add(text) });
  }
  return out;
}

function isIgnored(matchers, rel, isDir) {
  let ignored = false;
  for (const { dir, ig } of matchers) {
    let sub = rel;
    if (dir !== '') {
      if (!rel.startsWith(`${dir}/`)) continue;
      sub = rel.slice(dir.length + 1);
    }
    if (sub === '') continue;
    const r = ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/** Whether a file name is a Dockerfile by name (as the engine's classification). */
export function isDockerfileName(rel) {
  const lower = rel.split('/').pop().toLowerCase();
  if (lower.endsWith('.dockerignore')) return false;
  return (
    lower === 'dockerfile' ||
    lower === 'containerfile' ||
    lower.endsWith('.dockerfile') ||
    lower.endsWith('.containerfile') ||
    lower.startsWith('dockerfile.') ||
    lower.startsWith('containerfile.')
  );
}

/**
 * Lists the files below `roots` (absolute or workspace-relative), workspace-relative.
 * Returns { candidates: [{ rel, abs, explicit }], diagnostics }.
 */
export function listFiles(workspace, roots) {
  const base = realpathSync(workspace);
  const candidates = [];
  const diagnostics = [];
  const seen = new Map();
  const push = (rel, abs, explicit) => {
    const known = seen.get(rel);
    if (known) {
      // A file named explicitly is read whatever its name, even if a walk listed it too.
      if (explicit) known.explicit = true;
      return;
    }
    const c = { rel, abs, explicit };
    seen.set(rel, c);
    candidates.push(c);
  };
  for (const root of roots.length ? roots : ['.']) {
    const given = path.resolve(base, root);
    if (!existsSync(given)) {
      diagnostics.push({ severity: 'error', path: toPosix(String(root)), message: 'no such file or directory' });
      continue;
    }
    const abs = realpathSync(given);
    const rootRel = relativeTo(base, abs);
    if (rootRel === null) {
      diagnostics.push({ severity: 'error', path: toPosix(String(root)), message: 'outside the workspace; not scanned' });
      continue;
    }
    if (statSync(abs).isFile()) {
      push(rootRel, abs, true);
      // A Dockerfile named on its own brings the .dockerignore files that apply to it, so DF127
      // knows whether the build context is filtered (as the native walker does).
      if (isDockerfileName(rootRel)) {
        const name = rootRel.split('/').pop();
        const dir = path.dirname(abs);
        for (const f of [path.join(dir, '.dockerignore'), path.join(dir, `${name}.dockerignore`), path.join(base, '.dockerignore')]) {
          if (existsSync(f) && statSync(f).isFile()) push(relativeTo(base, f), f, false);
        }
      }
      continue;
    }
    // Ignore files of the workspace and of every directory down to the root.
    let matchers = matchersOf(base, '', { exclude: true });
    if (rootRel !== '') {
      const parts = rootRel.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        matchers = matchers.concat(matchersOf(path.join(base, ...parts.slice(0, i)), dir));
      }
    }
    walkDir(abs, rootRel, matchers, push, diagnostics);
  }
  return { candidates, diagnostics };
}

function walkDir(absDir, relDir, inherited, push, diagnostics) {
  let entries;
  try {
    entries = readdirSync(absDir, { withFileTypes: true });
  } catch (e) {
    diagnostics.push({ severity: 'warning', path: relDir || null, message: `while walking: ${e.message}` });
    return;
  }
  const present = new Set(entries.filter((e) => e.name === '.gitignore' || e.name === '.ignore').map((e) => e.name));
  const own = relDir === '' || present.size === 0 ? [] : matchersOf(absDir, relDir, { present });
  const matchers = own.length ? inherited.concat(own) : inherited;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isSymbolicLink()) continue;
    const isDir = e.isDirectory();
    if (isDir && SKIP_DIRS.has(e.name)) continue;
    if (!isDir && !e.isFile()) continue;
    const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
    if (isIgnored(matchers, rel, isDir)) continue;
    const abs = path.join(absDir, e.name);
    if (isDir) walkDir(abs, rel, matchers, push, diagnostics);
    else push(rel, abs, false);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Reads one file as text like the native reader: oversized files and read errors are error
 * diagnostics, invalid UTF-8 is replaced with a warning. Returns { text, diagnostic }.
 */
export function readSource(abs, rel, maxSize = DEFAULT_MAX_FILE_SIZE) {
  let bytes;
  try {
    const size = lstatSync(abs).size;
    if (size > maxSize) {
      return {
        text: null,
        diagnostic: { severity: 'error', path: rel, message: `file is larger than the ${maxSize}-byte limit; not scanned` },
      };
    }
    bytes = readFileSync(abs);
  } catch (e) {
    return { text: null, diagnostic: { severity: 'error', path: rel, message: `cannot read file: ${e.message}` } };
  }
  if (bytes.length > maxSize) {
    return {
      text: null,
      diagnostic: { severity: 'error', path: rel, message: `file is larger than the ${maxSize}-byte limit; not scanned` },
    };
  }
  try {
    return { text: utf8.decode(bytes), diagnostic: null };
  } catch {
    return {
      text: utf8Lossy.decode(bytes),
      diagnostic: {
        severity: 'warning',
        path: rel,
        message: 'file is not valid UTF-8; invalid bytes were replaced before scanning',
      },
    };
  }
}

/**
 * Finds `.portcullis.yaml` / `.portcullis.yml` from `start` (absolute) upward, stopping after
 * the workspace. Returns the absolute path or null.
 */
export function discoverConfig(workspace, start) {
  const base = realpathSync(workspace);
  let dir = existsSync(start) ? realpathSync(start) : base;
  if (existsSync(dir) && statSync(dir).isFile()) dir = path.dirname(dir);
  for (;;) {
    for (const name of ['.portcullis.yaml', '.portcullis.yml']) {
      const c = path.join(dir, name);
      if (existsSync(c) && statSync(c).isFile()) return c;
    }
    if (dir === base || relativeTo(base, dir) === null) return null;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
