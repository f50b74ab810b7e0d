// The shared runner of the JS hosts (GitHub Action, Azure DevOps task, CLI): walks the
// workspace, reads the files the engine wants, optionally gathers advisories, scans, writes the
// output files and returns the exit decision. Host-specific reporting (annotations, summaries,
// output variables) stays in the hosts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { OSV_API_URL, fetchOsvAdvisories, queryablePurls, readAdvisoryPath } from './osv.mjs';
import { DEFAULT_MAX_FILE_SIZE, discoverConfig, listFiles, readSource, relativeTo } from './walk.mjs';

export { DEFAULT_MAX_FILE_SIZE };

/** Splits a list input: commas, newlines and spaces separate; empty items dropped. */
export function splitList(value) {
  return String(value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads a boolean input (`true/false/yes/no/1/0/on/off`), `fallback` when empty. */
export function parseBool(value, fallback) {
  const v = String(value ?? '').trim().toLowerCase();
  if (v === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new Error(`\`${value}\` is not a boolean (true or false)`);
}

/** `1 error`, `2 errors`. */
export function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/** Rule-range categories for summaries. */
export function categoryOf(rule) {
  const m = /^DF(\d)\d\d$/.exec(rule);
  switch (m?.[1]) {
    case '1': return 'general';
    case '2': return 'windows';
    case '3': return 'secrets';
    case '4': return 'base images';
    case '5': return 'packages & downloads';
    default: return rule.startsWith('DF') ? 'other' : 'dependencies';
  }
}

function resolveIn(workspace, p) {
  return path.resolve(workspace, p);
}

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * Runs one scan. Options:
 *   workspace     absolute directory; paths in the reports are relative to it
 *   paths         files or directories to scan (default ["."])
 *   config        config file (workspace-relative or absolute); default: discovered upward
 *                 from the first path (.portcullis.yaml / .portcullis.yml)
 *   noConfig      ignore any config file
 *   formats       formats to render into the result (sarif, json, text, github, azure, cyclonedx)
 *   findings      false: the result's `findings` is null (saves work when only files are wanted)
 *   outputs       { sarif, cyclonedx, json, text }: files to write (workspace-relative or absolute)
 *   failOn, category, today, target, buildArgs, windowsHosts   as the engine's options
 *                 (today defaults to $PORTCULLIS_TODAY, else the current UTC date)
 *   advisories    "off", "online", or a file/directory of OSV JSON records; unset or empty:
 *                 the config's `advisories.source` (a path there is relative to the config
 *                 file; `auto` means the OSV API here, `offline` names the native database,
 *                 which this build cannot read), else "off"
 *   dependenciesOnly  report dependency findings only (no Dockerfile rules)
 *   dependencies  false: lint Dockerfiles only (no SBOM, no advisory matching)
 *   maxFileSize   largest file read (default 4 MiB)
 *   fetch, osvApiUrl, timeoutMs   online lookups
 *   log           function(message) for progress lines
 * Returns { ok, exitCode, result, written, configPath, inputs }.
 */
export async function runScan(engine, options) {
  const workspace = path.resolve(options.workspace ?? process.cwd());
  const log = options.log ?? (() => {});
  const paths = options.paths?.length ? options.paths : ['.'];
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;

  // Config: explicit file, discovered, or the embedded defaults.
  let configText;
  let configPath;
  if (!options.noConfig) {
    let abs = null;
    if (options.config) {
      abs = resolveIn(workspace, options.config);
    } else {
      abs = discoverConfig(workspace, resolveIn(workspace, paths[0]));
    }
    if (abs) {
      configPath = relativeTo(workspace, abs) ?? abs;
      try {
        configText = readFileSync(abs, 'utf8');
      } catch (e) {
        const result = { ok: false, exitCode: 2, errors: [`${configPath}: cannot read config: ${e.message}`] };
        return { ok: false, exitCode: 2, result, written: {}, configPath, inputs: 0 };
      }
    }
  }
  const configOptions = configText === undefined ? {} : { config: configText, configPath };

  // Files.
  const { candidates, diagnostics } = listFiles(workspace, paths);
  const selected = engine.selectFiles(
    candidates.filter((c) => !c.explicit).map((c) => c.rel),
    configOptions,
  );
  if (!selected.ok) {
    return { ok: false, exitCode: 2, result: selected, written: {}, configPath, inputs: 0 };
  }
  const wanted = new Set(selected.paths);
  const files = {};
  const forced = [];
  for (const c of candidates) {
    if (!c.explicit && !wanted.has(c.rel)) continue;
    const kind = engine.fileKind(c.rel);
    const { text, diagnostic } = readSource(c.abs, c.rel, maxFileSize);
    if (diagnostic) {
      // A manifest that cannot be read must not fail a lint run (as the native walker).
      if (!c.explicit && kind === 'manifest' && diagnostic.severity === 'error') diagnostic.severity = 'warning';
      diagnostics.push(diagnostic);
    }
    if (text === null) continue;
    files[c.rel] = text;
    if (c.explicit && kind === 'other') forced.push(c.rel);
  }
  log(`read ${Object.keys(files).length} files under ${workspace}`);

  const base = {
    ...configOptions,
    failOn: options.failOn || undefined,
    category: options.category || undefined,
    // PORTCULLIS_TODAY pins the date as it does for the native CLI.
    today: options.today || process.env.PORTCULLIS_TODAY || undefined,
    target: options.target || undefined,
    buildArgs: options.buildArgs ?? {},
    windowsHosts: options.windowsHosts ?? [],
    forcedDockerfiles: forced,
    dependenciesOnly: options.dependenciesOnly || undefined,
    dependencies: options.dependencies === false ? false : undefined,
    diagnostics,
    findings: options.findings ?? true,
    sbom: {
      rootName: path.basename(workspace) || 'project',
      timestamp: Math.floor((options.now ?? Date.now()) / 1000),
    },
  };

  // Advisories: absent = checking off (the report says so); records (even none) = checked;
  // `advisoriesUnavailable` = the host could not get data (the report warns).
  // A lint-only run (dependencies: false) never gathers any.
  const lintOnly = options.dependencies === false;
  const explicit = String(options.advisories ?? '').trim();
  let advisories = lintOnly ? 'off' : explicit || 'off';
  let baseDir = workspace;
  const adv = {};
  const fromConfig = explicit === '' && !lintOnly ? selected.advisoriesSource : null;
  if (fromConfig) {
    // The keywords of the native CLI (`SourceSpec::parse`), anything else is a path.
    const source = fromConfig.trim();
    log(`advisories: ${source} (advisories.source in ${configPath})`);
    if (source === 'none') {
      advisories = 'off';
    } else if (source === 'online' || source === 'auto') {
      // `auto` is the offline database, else the OSV API; there is no database here.
      advisories = 'online';
    } else if (source === 'offline') {
      advisories = 'off';
      adv.advisoriesUnavailable = `advisories.source in ${configPath} is \`offline\`: the database of \`portcullis db update\` is read by the native CLI only; set \`online\` or a path to OSV records (or pass the advisories input) to check dependencies here`;
    } else {
      advisories = source;
      // Relative to the config file, as the native CLI reads it.
      baseDir = path.dirname(resolveIn(workspace, configPath));
    }
  }
  if (advisories === 'online') {
    const first = engine.scan(files, { ...base, formats: ['cyclonedx'] });
    if (!first.ok) return { ok: false, exitCode: 2, result: first, written: {}, configPath, inputs: 0 };
    const purls = queryablePurls(first.cyclonedx);
    log(`asking the OSV API about ${purls.length} packages`);
    const apiUrl = options.osvApiUrl ?? OSV_API_URL;
    const got = await fetchOsvAdvisories(purls, { fetch: options.fetch, apiUrl, timeoutMs: options.timeoutMs });
    diagnostics.push(...got.diagnostics);
    if (got.unavailable) {
      adv.advisoriesUnavailable = got.unavailable;
      log(`OSV API: ${got.unavailable}`);
    } else {
      adv.advisories = got.records;
      adv.advisorySource = `the OSV API (${new URL(apiUrl).host}, ${plural(purls.length, 'package')} asked)`;
      log(`OSV API: ${plural(got.records.length, 'advisory', 'advisories')}`);
    }
  } else if (advisories !== 'off' && advisories !== 'none') {
    const abs = resolveIn(baseDir, advisories);
    const shown = relativeTo(workspace, abs) ?? abs;
    const got = readAdvisoryPath(abs, shown);
    diagnostics.push(...got.diagnostics);
    if (got.diagnostics.some((d) => d.severity === 'error')) {
      adv.advisoriesUnavailable = `${shown} could not be read`;
    } else {
      adv.advisories = got.records;
      adv.advisorySource = `${shown} (${plural(got.records.length, 'file')})`;
    }
    log(`read ${plural(got.records.length, 'advisory file')} from ${advisories}`);
  }

  // Scan.
  const outputs = options.outputs ?? {};
  const formats = new Set(options.formats ?? []);
  for (const f of ['sarif', 'cyclonedx', 'json', 'text']) if (outputs[f]) formats.add(f);
  const result = engine.scan(files, { ...base, ...adv, formats: [...formats] });
  if (!result.ok) return { ok: false, exitCode: result.exitCode ?? 2, result, written: {}, configPath, inputs: 0 };

  // Output files.
  const written = {};
  for (const f of ['sarif', 'cyclonedx', 'json', 'text']) {
    if (!outputs[f]) continue;
    const abs = resolveIn(workspace, outputs[f]);
    try {
      write(abs, result[f]);
    } catch (e) {
      result.diagnostics.push({ severity: 'error', path: outputs[f], line: null, message: `cannot write ${f}: ${e.message}` });
      if (result.exitCode === 0) result.exitCode = 2;
      continue;
    }
    written[f] = abs;
  }
  return { ok: true, exitCode: result.exitCode, result, written, configPath, inputs: Object.keys(files).length };
}
