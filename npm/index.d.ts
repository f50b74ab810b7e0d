// Node entry point of portcullis-wasm.
import type { Engine, FileKind, Failure, RuleInfo, ScanOptions, ScanResult } from './engine.js';

export * from './engine.js';
export declare const engine: Engine;
export declare function version(): string;
export declare function rules(): RuleInfo[];
export declare function wantsFile(path: string): boolean;
export declare function fileKind(path: string): FileKind;
export declare function selectFiles(paths: Iterable<string>, options?: Pick<ScanOptions, 'config' | 'configPath'>): { ok: true; paths: string[]; advisoriesSource: string | null } | Failure;
export declare function scan(files: Record<string, string> | Map<string, string> | { path: string; text: string }[], options?: ScanOptions): ScanResult;
