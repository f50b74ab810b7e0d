// WASM vs native on the same input, two ways:
//
// 1. Whole runs: wall-clock time from process start to exit (walking, reading, scanning, SARIF
//    written) of `portcullis scan` and of the WebAssembly CLI (npm/cli.mjs, the runner the
//    Action and the task use), median of several runs.
// 2. The engine alone: the same `scanJson` call (the WASM crate's code, compiled natively as the
//    `engine_time` example and to WebAssembly) on the same JSON input, one thread on both sides,
//    timed inside the process: the first call (what a one-shot host pays, lazy compilation and
//    one-time set-up included) and the median of the later calls, with V8's baseline code
//    (`--liftoff-only`, as the Action, the task and the CLI run) and with optimized code (what a
//    long-lived host such as the editor extension reaches once V8 has tiered the module up).
//
//   node npm/scripts/bench.mjs --native target/release/portcullis \
//       --engine target/release/examples/engine_time [--runs 5] [--files 400]
//
// Inputs: the repository's examples/ (small, what a typical repository looks like) and a
// corpus of tests/fixtures plus generated Windows and Linux Dockerfiles (large).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    native: { type: 'string', default: path.join(root, 'target/release/portcullis') },
    engine: { type: 'string' },
    runs: { type: 'string', default: '5' },
    files: { type: 'string', default: '400' },
  },
});
const runs = Number(values.runs);
const nativeBin = path.resolve(values.native);
const work = path.join(root, 'target', 'bench-wasm');

const WINDOWS = (i) => `# escape=\`
FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022 AS build${i}
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://downloads.example.com/tool/${i}/tool.zip -OutFile tool.zip; \`
    Expand-Archive tool.zip -DestinationPath C:\\tool
RUN choco install -y git --version 2.47.${i}
WORKDIR C:\\src
COPY . .
RUN dotnet publish -c Release -o C:\\out

FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022
WORKDIR C:\\app
COPY --from=build${i} C:\\out .
ENV API_TOKEN=abc${i}def
ENTRYPOINT ["dotnet", "App${i}.dll"]
`;
const LINUX = (i) => `FROM python:3.12-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y build-essential curl
RUN curl -fsSL https://install.example.com/t${i}.sh | sh
COPY requirements.txt .
RUN pip install -r requirements.txt --target /app/deps

FROM python:3.12-slim
ENV SECRET_KEY=s3cr3t-${i}
COPY --from=build /app /app
EXPOSE 8000 22
CMD python -m app${i}
`;

function corpus(n) {
  const dir = path.join(work, 'corpus');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(root, 'tests', 'fixtures'), path.join(dir, 'fixtures'), { recursive: true });
  cpSync(path.join(root, 'examples'), path.join(dir, 'examples'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const d = path.join(dir, 'gen', `svc${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'Dockerfile'), i % 2 ? LINUX(i) : WINDOWS(i));
    writeFileSync(path.join(d, 'requirements.txt'), `flask==3.0.${i % 5}\nrequests>=2.31\n`);
  }
  return dir;
}

function time(cmd, args, cwd) {
  const samples = [];
  let status;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORTCULLIS_TODAY: '2026-01-15' } });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    status = r.status;
    if (![0, 1].includes(r.status)) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], status };
}

const cases = [
  ['examples/ (2 Dockerfiles, 4 manifests)', path.join(root, 'examples')],
  [`corpus (fixtures + ${values.files} generated services)`, corpus(Number(values.files))],
];
const cli = path.join(root, 'npm', 'cli.mjs');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The engine's input for one tree: the files the runner would read (same walk, same selection).
async function engineInput(dir) {
  const { engine } = await import('../index.mjs');
  const { listFiles, readSource } = await import('../walk.mjs');
  const { candidates } = listFiles(dir, ['.']);
  const selected = engine.selectFiles(candidates.map((c) => c.rel), {});
  const files = {};
  for (const rel of selected.paths) {
    const { text } = readSource(path.join(dir, rel), rel);
    if (text !== null) files[rel] = text;
  }
  const filesPath = path.join(work, 'engine-files.json');
  const optsPath = path.join(work, 'engine-options.json');
  writeFileSync(filesPath, JSON.stringify(files));
  writeFileSync(optsPath, JSON.stringify({ today: '2026-01-15', formats: ['sarif'], findings: false }));
  return { filesPath, optsPath, count: Object.keys(files).length };
}

// Times of `runs` scanJson calls in one fresh process: [first, ...later] in ms.
function engineTimes(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const ms = [...r.stdout.matchAll(/^scan ([0-9.]+) ms/gm)].map((m) => Number(m[1]));
  if (ms.length !== runs) throw new Error(`${cmd}: expected ${runs} timings, got: ${r.stdout}`);
  return ms;
}

const WASM_TIMER = `
import { readFileSync } from 'node:fs';
const [glueUrl, wasmPath, filesPath, optsPath, runs] = process.argv.slice(1);
const glue = await import(glueUrl);
glue.initSync({ module: readFileSync(wasmPath) });
const files = readFileSync(filesPath, 'utf8');
const opts = readFileSync(optsPath, 'utf8');
let size = -1;
for (let i = 0; i < Number(runs); i++) {
  const t = performance.now();
  const out = glue.scanJson(files, opts);
  const ms = performance.now() - t;
  if (size >= 0 && out.length !== size) throw new Error('scans differ');
  size = out.length;
  console.log('scan ' + ms.toFixed(1) + ' ms');
}`;

function wasmEngineTimes(flags, input) {
  const glueUrl = new URL('../pkg/portcullis_wasm.js', import.meta.url).href;
  const wasmPath = path.join(root, 'npm', 'pkg', 'portcullis_wasm_bg.wasm');
  return engineTimes(process.execPath, [
    ...flags,
    '--input-type=module',
    '-e',
    WASM_TIMER,
    glueUrl,
    wasmPath,
    input.filesPath,
    input.optsPath,
    String(runs),
  ]);
}

const rows = [];
for (const [name, dir] of cases) {
  const n = time(nativeBin, ['scan', '.', '--no-config', '--format', 'sarif', '--output', path.join(work, 'native.sarif')], dir);
  // Both render SARIF only (the WASM CLI writes it to stdout, which is discarded here).
  const w = time(process.execPath, [cli, '.', '--no-config', '--format', 'sarif'], dir);
  if (n.status !== w.status) throw new Error(`${name}: exit codes differ (native ${n.status}, wasm ${w.status})`);
  rows.push({ name, native: n.ms, wasm: w.ms, ratio: w.ms / n.ms });
}
console.log(`bench-wasm: whole runs, median of ${runs}, Node ${process.versions.node}`);
for (const r of rows) {
  console.log(
    `bench-wasm: ${r.name.padEnd(48)} native ${r.native.toFixed(0).padStart(6)} ms   wasm ${r.wasm.toFixed(0).padStart(6)} ms   ${r.ratio.toFixed(2)}x`,
  );
}

if (values.engine) {
  if (runs < 2) throw new Error('--engine needs --runs 2 or more');
  const input = await engineInput(cases[1][1]);
  const native = engineTimes(path.resolve(values.engine), [input.filesPath, input.optsPath, String(runs)]);
  const baseline = wasmEngineTimes(['--liftoff-only'], input);
  const optimized = wasmEngineTimes(['--no-liftoff'], input);
  const line = (label, n, w) =>
    console.log(
      `bench-wasm: engine, ${label.padEnd(40)} native ${n.toFixed(0).padStart(6)} ms   wasm ${w.toFixed(0).padStart(6)} ms   ${(w / n).toFixed(2)}x`,
    );
  console.log(`bench-wasm: engine alone (scanJson, one thread, ${input.count} files of the corpus)`);
  line('first call, baseline code (one-shot)', native[0], baseline[0]);
  line('later calls, baseline code', median(native.slice(1)), median(baseline.slice(1)));
  line('later calls, optimized code (long-lived)', median(native.slice(1)), median(optimized.slice(1)));
}
