// The shared runner of the JS hosts.
import type { Engine, FailOn, Format, ScanResult } from './engine.js';

export declare const DEFAULT_MAX_FILE_SIZE: number;

export interface RunOptions {
  /** Absolute directory; report paths are relative to it. */
  workspace: string;
  /** Files or directories to scan (default ["."]). */
  paths?: string[];
  /** Config file; default: .portcullis.yaml/.yml discovered upward from the first path. */
  config?: string;
  noConfig?: boolean;
  formats?: Format[];
  /** false: the result's `findings` is null (saves work when only the rendered formats are used). */
  findings?: boolean;
  /** Files to write (workspace-relative or absolute). */
  outputs?: { sarif?: string; cyclonedx?: string; json?: string; text?: string };
  failOn?: FailOn | '';
  category?: string;
  today?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  windowsHosts?: string[];
  /** "off" (default), "online" (OSV API) or a file/directory of OSV JSON records. */
  advisories?: string;
  /** Report dependency findings only (known-vulnerable packages), not Dockerfile rules. */
  dependenciesOnly?: boolean;
  /** false: lint Dockerfiles only (no SBOM, no advisory matching); default true. */
  dependencies?: boolean;
  maxFileSize?: number;
  fetch?: typeof fetch;
  osvApiUrl?: string;
  timeoutMs?: number;
  /** Milliseconds since the epoch for the SBOM timestamp (default now). */
  now?: number;
  log?: (message: string) => void;
}

export interface RunResult {
  ok: boolean;
  exitCode: 0 | 1 | 2;
  result: ScanResult;
  /** Absolute paths of the files written, by format. */
  written: { sarif?: string; cyclonedx?: string; json?: string; text?: string };
  configPath?: string;
  inputs: number;
}

export declare function runScan(engine: Engine, options: RunOptions): Promise<RunResult>;
export declare function splitList(value: string | undefined | null): string[];
export declare function parseBool(value: string | undefined | null, fallback: boolean): boolean;
export declare function categoryOf(rule: string): string;
export declare function plural(n: number, word: string, many?: string): string;
