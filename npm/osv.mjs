// Advisory records for the engine: OSV JSON files from disk, or the OSV API when online
// lookups are enabled. Failures are diagnostics (warnings), never fatal: the scan still runs and
// says that dependencies were not checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const OSV_API_URL = 'https://api.osv.dev';

/** purl types the OSV API answers for. */
const OSV_PURL_TYPES = new Set([
  'apk', 'bitnami', 'cargo', 'composer', 'cran', 'deb', 'gem', 'golang', 'hackage', 'hex',
  'maven', 'npm', 'nuget', 'pub', 'pypi', 'swift',
]);

const MAX_FILES = 100_000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/**
 * Reads OSV JSON records from a file or a directory (recursively, `*.json`). Returns
 * { records: [{ path, text }], diagnostics }.
 */
export function readAdvisoryPath(abs, display) {
  const records = [];
  const diagnostics = [];
  let total = 0;
  const visit = (p, shown) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      diagnostics.push({ severity: 'error', path: shown, message: `cannot read advisories: ${e.message}` });
      return;
    }
    if (st.isDirectory()) {
      let names;
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        diagnostics.push({ severity: 'error', path: shown, message: `cannot read advisories: ${e.message}` });
        return;
      }
      for (const n of names) {
        if (n === '.git' || n === 'node_modules') continue;
        const child = path.join(p, n);
        const childShown = `${shown}/${n}`;
        let cst;
        try {
          cst = statSync(child);
        } catch {
          continue;
        }
        if (cst.isDirectory() || n.toLowerCase().endsWith('.json')) visit(child, childShown);
      }
      return;
    }
    if (records.length >= MAX_FILES) {
      diagnostics.push({ severity: 'warning', path: shown, message: `more than ${MAX_FILES} advisory files; the rest were not read` });
      return;
    }
    if (st.size > MAX_FILE_BYTES || total + st.size > MAX_TOTAL_BYTES) {
      diagnostics.push({ severity: 'warning', path: shown, message: 'advisory file too large; not read' });
      return;
    }
    total += st.size;
    try {
      records.push({ path: shown, text: readFileSync(p, 'utf8') });
    } catch (e) {
      diagnostics.push({ severity: 'warning', path: shown, message: `cannot read advisories: ${e.message}` });
    }
  };
  visit(abs, display);
  return { records, diagnostics };
}

/** Package URLs worth asking OSV about: a supported type and an exact version. */
export function queryablePurls(cyclonedxText) {
  let bom;
  try {
    bom = JSON.parse(cyclonedxText);
  } catch {
    return [];
  }
  const out = new Set();
  for (const c of bom.components ?? []) {
    if (typeof c.purl !== 'string' || !c.version) continue;
    const purl = c.purl.split(/[?#]/)[0];
    const type = purl.slice(4, purl.indexOf('/')).toLowerCase();
    if (!purl.startsWith('pkg:') || !OSV_PURL_TYPES.has(type) || !purl.includes('@')) continue;
    out.add(purl);
  }
  return [...out].sort();
}

async function request(fetchImpl, url, init, timeoutMs) {
  const res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

/**
 * Asks the OSV API which advisories affect `purls` (POST /v1/querybatch), then fetches each
 * advisory (GET /v1/vulns/{id}). Returns { records: [{ path, text }], diagnostics, queried,
 * unavailable } where `unavailable` says why no data could be had (the query failed), else null.
 */
export async function fetchOsvAdvisories(purls, options = {}) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const api = (options.apiUrl ?? OSV_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxVulns = options.maxVulns ?? 5_000;
  const concurrency = options.concurrency ?? 8;
  const diagnostics = [];
  const records = [];
  if (purls.length === 0) return { records, diagnostics, queried: 0, unavailable: null };
  if (typeof fetchImpl !== 'function') {
    return { records, diagnostics, queried: 0, unavailable: 'this Node has no fetch()' };
  }
  const ids = new Set();
  try {
    for (let i = 0; i < purls.length; i += 1000) {
      let queries = purls.slice(i, i + 1000).map((purl) => ({ package: { purl } }));
      // Follow page tokens a bounded number of times.
      for (let page = 0; queries.length > 0 && page < 10; page++) {
        const res = await request(
          fetchImpl,
          `${api}/v1/querybatch`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queries }) },
          timeoutMs,
        );
        const body = await res.json();
        const results = Array.isArray(body?.results) ? body.results : [];
        const next = [];
        results.forEach((r, k) => {
          for (const v of r?.vulns ?? []) if (typeof v?.id === 'string') ids.add(v.id);
          if (r?.next_page_token && queries[k]) next.push({ ...queries[k], page_token: r.next_page_token });
        });
        queries = next;
      }
    }
  } catch (e) {
    return { records, diagnostics, queried: purls.length, unavailable: `the OSV API query failed (${e.message})` };
  }
  let list = [...ids].sort();
  if (list.length > maxVulns) {
    diagnostics.push({ severity: 'warning', message: `online advisories: ${list.length} advisories, only the first ${maxVulns} fetched` });
    list = list.slice(0, maxVulns);
  }
  let next = 0;
  const failed = [];
  const worker = async () => {
    while (next < list.length) {
      const id = list[next++];
      try {
        const res = await request(fetchImpl, `${api}/v1/vulns/${encodeURIComponent(id)}`, {}, timeoutMs);
        records.push({ path: `osv-api/${id}.json`, text: await res.text() });
      } catch (e) {
        failed.push(`${id} (${e.message})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  if (failed.length) {
    diagnostics.push({
      severity: 'warning',
      message: `online advisories: ${failed.length} advisories could not be fetched: ${failed.slice(0, 5).join(', ')}`,
    });
  }
  records.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { records, diagnostics, queried: purls.length, unavailable: null };
}
