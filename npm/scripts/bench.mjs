// WASM vs native on the same input: wall-clock time of a whole run (process start, walking,
// reading, scanning, SARIF written) of `portcullis scan` and of the WebAssembly CLI
// (npm/cli.mjs, the runner the Action and the task use), median of several runs.
//
//   node npm/scripts/bench.mjs --native target/release/portcullis [--runs 5] [--files 400]
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
const rows = [];
for (const [name, dir] of cases) {
  const n = time(nativeBin, ['scan', '.', '--no-config', '--format', 'sarif', '--output', path.join(work, 'native.sarif')], dir);
  // Both render SARIF only (the WASM CLI writes it to stdout, which is discarded here).
  const w = time(process.execPath, [cli, '.', '--no-config', '--format', 'sarif'], dir);
  if (n.status !== w.status) throw new Error(`${name}: exit codes differ (native ${n.status}, wasm ${w.status})`);
  rows.push({ name, native: n.ms, wasm: w.ms, ratio: w.ms / n.ms });
}
console.log(`bench-wasm: median of ${runs} runs, Node ${process.versions.node}`);
for (const r of rows) {
  console.log(
    `bench-wasm: ${r.name.padEnd(48)} native ${r.native.toFixed(0).padStart(6)} ms   wasm ${r.wasm.toFixed(0).padStart(6)} ms   ${r.ratio.toFixed(2)}x`,
  );
}
