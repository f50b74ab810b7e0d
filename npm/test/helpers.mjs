// Shared helpers of the node tests.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

export const npmDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(npmDir, '..');
export const fixtures = path.join(npmDir, 'test', 'fixtures');

const temps = [];

/** A fresh copy of `src` (absolute) in a temporary directory. */
export function copyTree(src) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-test-'));
  temps.push(dir);
  cpSync(src, dir, { recursive: true });
  return dir;
}

export function cleanup() {
  while (temps.length) rmSync(temps.pop(), { recursive: true, force: true });
}

/** An empty temporary directory. */
export function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-test-'));
  temps.push(dir);
  return dir;
}

let validator;

/**
 * Validates a SARIF document against the OASIS SARIF 2.1.0 schema (fetched into target/schemas
 * by scripts/fetch-schemas.sh) and the ingestion rules of GitHub code scanning. Returns a list
 * of problems (empty when valid).
 */
export function sarifProblems(doc) {
  if (!validator) {
    const file = path.join(repoRoot, 'target', 'schemas', 'sarif-2.1.0.json');
    if (!existsSync(file)) throw new Error(`SARIF schema missing at ${file}: run scripts/fetch-schemas.sh`);
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    if (schema.id !== 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json') {
      throw new Error(`unexpected schema at ${file}: run scripts/fetch-schemas.sh`);
    }
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv, ['date-time', 'uri', 'uri-reference']);
    validator = ajv.compile(schema);
  }
  const problems = [];
  if (!validator(doc)) {
    for (const e of validator.errors) problems.push(`schema: ${e.instancePath} ${e.message}`);
  }
  if (typeof doc.$schema !== 'string' || !doc.$schema.includes('sarif')) problems.push('no $schema');
  if (doc.version !== '2.1.0') problems.push('version is not 2.1.0');
  for (const run of doc.runs ?? []) {
    if (!run.tool?.driver?.name) problems.push('run without tool.driver.name');
    const rules = new Map((run.tool?.driver?.rules ?? []).map((r) => [r.id, r]));
    for (const r of rules.values()) {
      if (!r.shortDescription?.text || !r.fullDescription?.text || !(r.help?.text || r.help?.markdown)) {
        problems.push(`rule ${r.id}: missing short/full description or help`);
      }
      const sev = r.properties?.['security-severity'];
      if (sev !== undefined && !(typeof sev === 'string' && Number(sev) >= 0 && Number(sev) <= 10)) {
        problems.push(`rule ${r.id}: security-severity ${sev} is not a number 0-10 in a string`);
      }
      if ((r.properties?.tags ?? []).length > 20) problems.push(`rule ${r.id}: more than 20 tags`);
    }
    for (const res of run.results ?? []) {
      if (!res.ruleId || !rules.has(res.ruleId)) problems.push(`result without a known ruleId: ${res.ruleId}`);
      if (!res.message?.text) problems.push(`result ${res.ruleId} without message.text`);
      const loc = res.locations?.[0]?.physicalLocation;
      if (!loc?.artifactLocation?.uri || !(loc?.region?.startLine >= 1)) {
        problems.push(`result ${res.ruleId} without artifactLocation.uri and region.startLine`);
      } else if (loc.artifactLocation.uri.includes('\\') || /^[a-z]+:/i.test(loc.artifactLocation.uri)) {
        problems.push(`result ${res.ruleId}: URI ${loc.artifactLocation.uri} is not repository-relative`);
      }
    }
  }
  return problems;
}

/** Parses a GITHUB_OUTPUT file (`name<<DELIM` blocks and `name=value` lines). */
export function parseGithubOutput(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const k = line.indexOf('=');
      out[line.slice(0, k)] = line.slice(k + 1);
    }
  }
  return out;
}
