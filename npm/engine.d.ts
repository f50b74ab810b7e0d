// Types of the Portcullis WebAssembly engine (engine.mjs / index.mjs).

export type Format = 'sarif' | 'json' | 'text' | 'compact' | 'github' | 'azure' | 'cyclonedx';
export type Level = 'error' | 'warning' | 'note';
export type FailOn = Level | 'none';
export type FileKind = 'dockerfile' | 'dockerignore' | 'manifest' | 'other';

export interface DiagnosticInput {
  severity: Level;
  path?: string | null;
  line?: number | null;
  message: string;
}

export interface Diagnostic {
  severity: Level;
  path: string | null;
  line: number | null;
  message: string;
}

/** An OSV record text (object, array or {"vulns": [...]}), bare or with a path for messages. */
export type AdvisoryInput = string | { path: string; text: string };

export interface ScanOptions {
  /** Text of a .portcullis.yaml; absent: the embedded defaults. */
  config?: string;
  /** Path of that config, shown in messages (default ".portcullis.yaml"). */
  configPath?: string;
  /** Formats rendered into the result (default none: counts and findings only). */
  formats?: Format[];
  /** Include `findings` in the result (default true); false gives `findings: null`. */
  findings?: boolean;
  /** Threshold override. */
  failOn?: FailOn;
  /** YYYY-MM-DD; the JS wrapper fills in today's UTC date. */
  today?: string;
  /** SARIF automationDetails.id (analysis category). */
  category?: string;
  /** Final stage, like `docker build --target`. */
  target?: string;
  buildArgs?: Record<string, string>;
  /** Windows Server versions of the container hosts: ltsc2019, ltsc2022, ltsc2025. */
  windowsHosts?: string[];
  /** Paths linted as Dockerfiles whatever their names. */
  forcedDockerfiles?: string[];
  /** Whether every .dockerignore the scan could see was passed (default true). */
  dockerignoreKnown?: boolean;
  /** The caller's diagnostics (unreadable files); error ones make the exit code 2. */
  diagnostics?: DiagnosticInput[];
  /** Dependency scanning (SBOM + advisory matching); default true. false: Dockerfiles only. */
  dependencies?: boolean;
  /** Report dependency findings only (known-vulnerable packages), not Dockerfile rules. */
  dependenciesOnly?: boolean;
  /** OSV advisory records. Absent: checking off (a note says so); present, even empty: matched. */
  advisories?: AdvisoryInput[];
  /** Where the records came from, shown in the report. */
  advisorySource?: string;
  /** Why no advisory data could be had (a warning says dependencies were NOT checked). */
  advisoriesUnavailable?: string;
  /** CycloneDX VEX documents (JSON). */
  vex?: { path: string; text: string }[];
  /** CycloneDX: root name, timestamp (epoch seconds) and serial (32 hex digits; absent = reproducible). */
  sbom?: { rootName?: string; timestamp?: number; serial?: string };
  /** ANSI colour in the text format. */
  color?: boolean;
}

export interface Location {
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  byteOffset: number;
  byteLength: number;
}

/** A finding as in Portcullis' JSON format (version 1). */
export interface Finding {
  rule: string;
  ruleName: string | null;
  title: string;
  severity: Level;
  securitySeverity: string | null;
  message: string;
  location: Location;
  fingerprint: string;
  helpUri: string;
  related: { message: string; location: Location }[];
  fix: { description: string; replacement: string; location: Location } | null;
  suppression: { kind: 'inSource' | 'external'; reason: string } | null;
}

export interface ScanCounts {
  errors: number;
  warnings: number;
  notes: number;
  suppressed: number;
  /** Unsuppressed findings at or above the threshold. */
  failing: number;
  /** Files scanned (Dockerfiles, .dockerignore files, manifests and lock files). */
  files: number;
  /** Files handed in. */
  inputs: number;
}

export interface ScanSuccess {
  ok: true;
  version: string;
  /** 0 clean, 1 findings at or above the threshold, 2 error diagnostics. */
  exitCode: 0 | 1 | 2;
  failOn: FailOn;
  counts: ScanCounts;
  /** Null when the options set `findings: false`. */
  findings: Finding[] | null;
  diagnostics: Diagnostic[];
  advisories: { sources: number; records: number; withdrawn: number; errors: number; applied: boolean };
  sarif: string | null;
  json: string | null;
  text: string | null;
  /** One `path:line:column: RULE [severity] message` line per finding, diagnostics, summary. */
  compact: string | null;
  /** GitHub workflow commands, one per line. */
  github: string | null;
  /** Azure DevOps logging commands, one per line. */
  azure: string | null;
  cyclonedx: string | null;
}

export interface Failure {
  ok: false;
  exitCode: 2;
  errors: string[];
}

export type ScanResult = ScanSuccess | Failure;

export interface RuleInfo {
  id: string;
  name: string;
  title: string;
  severity: Level;
  security_severity: string;
  os: 'linux' | 'windows' | 'both';
  tags: string[];
  references: string[];
  peers: string[];
  summary: string;
  helpUri: string;
}

export interface Engine {
  readonly formats: readonly Format[];
  version(): string;
  rules(): RuleInfo[];
  wantsFile(path: string): boolean;
  fileKind(path: string): FileKind;
  selectFiles(paths: Iterable<string>, options?: Pick<ScanOptions, 'config' | 'configPath'>): { ok: true; paths: string[]; advisoriesSource: string | null } | Failure;
  scan(files: Record<string, string> | Map<string, string> | { path: string; text: string }[], options?: ScanOptions): ScanResult;
}

/** Instantiates the engine from the module's bytes. */
export function createEngine(wasm: BufferSource | WebAssembly.Module): Engine;
/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc(now?: Date): string;
