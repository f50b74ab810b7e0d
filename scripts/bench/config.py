#!/usr/bin/env python3
"""Writes the measurement configuration for bench.py (JSON on stdout) from the BENCH_*
variables that scripts/bench/run.sh exports and the SBOM source trees given as arguments.

Groups (the tools of one group alternate):
- Dockerfile lint: every file of BENCH_DOCKERFILES, the same sorted list of relative paths for
  `portcullis lint` and `hadolint` (one invocation each); checkov on the directory (it picks
  the Dockerfiles itself); `portcullis scan` of the directory (walk, lint, SBOM of whatever
  manifests are there) and the WebAssembly CLI doing the same scan.
- SBOM, one group per tree: `portcullis sbom`, syft, cdxgen; plus native and WebAssembly
  `scan` (lint and SBOM together) of the same tree.
"""

import json
import os
import shlex
import sys


def env(name):
    return os.environ.get(name, "")


def corpus_files(root):
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for f in sorted(filenames):
            p = os.path.join(dirpath, f)
            if os.path.isfile(p) and not os.path.islink(p):
                files.append(os.path.relpath(p, root))
    return sorted(files)


def main(sbom_dirs):
    out = env("BENCH_OUT")
    portcullis, node, wasm_cli = env("BENCH_PORTCULLIS"), env("BENCH_NODE"), env("BENCH_WASM_CLI")
    groups = []

    def o(name):
        return os.path.join(out, name)

    dockerfiles = env("BENCH_DOCKERFILES")
    if dockerfiles:
        d = os.path.abspath(dockerfiles)
        files = corpus_files(d)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in files)
        name = os.path.basename(d)
        tools = [
            {"id": "lint", "label": "portcullis lint", "cwd": d, "ok": [0, 1],
             "argv": [portcullis, "lint", "--no-config", "-f", "json", "-o",
                      o("lint.portcullis.json"), *files],
             "output": o("lint.portcullis.json"), "count": "portcullis-json"},
            {"id": "hadolint", "label": f"hadolint {env('BENCH_V_HADOLINT').split()[-1]}",
             "cwd": d, "ok": [0, 1], "ref": "lint",
             "argv": [env("BENCH_HADOLINT"), "-f", "json", *files],
             "stdout": o("lint.hadolint.json"), "count": "hadolint-json"},
            {"id": "checkov", "label": env("BENCH_V_CHECKOV"), "cwd": d, "ok": [0, 1],
             "ref": "lint",
             "argv": [env("BENCH_CHECKOV"), "-d", ".", "--framework", "dockerfile",
                      "--skip-download", "-o", "json"],
             "stdout": o("lint.checkov.json"), "count": "checkov-json"},
            {"id": "scan", "label": "portcullis scan", "cwd": d, "ok": [0, 1],
             "argv": [portcullis, "scan", ".", "--no-config", "--advisories", "none",
                      "-f", "json", "-o", o("lint-scan.portcullis.json")],
             "output": o("lint-scan.portcullis.json"), "count": "portcullis-json"},
        ]
        if wasm_cli:
            tools.append(
                {"id": "wasm", "label": "portcullis scan, WASM (Node)", "cwd": d, "ok": [0, 1],
                 "ref": "scan", "argv": [node, wasm_cli, ".", "--no-config", "-f", "json"],
                 "stdout": o("lint-scan.wasm.json"), "count": "portcullis-json"})
        groups.append({"name": f"lint {len(files):,} Dockerfiles ({name})", "corpus": d,
                       "files": len(files), "bytes": size, "tools": tools})

    cdxgen_args = shlex.split(env("CDXGEN_ARGS"))
    for s in sbom_dirs:
        d = os.path.abspath(s)
        name = os.path.basename(d)
        tools = [
            {"id": "sbom", "label": "portcullis sbom", "cwd": d, "ok": [0],
             "argv": [portcullis, "sbom", ".", "--no-config", "--reproducible", "-o",
                      o(f"{name}.portcullis.cdx.json")],
             "output": o(f"{name}.portcullis.cdx.json"), "count": "cyclonedx"},
            {"id": "syft", "label": env("BENCH_V_SYFT"), "cwd": d, "ok": [0], "ref": "sbom",
             "argv": [env("BENCH_SYFT"), "scan", "dir:.", "-q", "-o",
                      f"cyclonedx-json={o(name + '.syft.cdx.json')}"],
             "output": o(f"{name}.syft.cdx.json"), "count": "cyclonedx"},
            {"id": "cdxgen", "label": env("BENCH_V_CDXGEN"), "cwd": d, "ok": [0], "ref": "sbom",
             "argv": [node, env("BENCH_CDXGEN"), "--no-install-deps", *cdxgen_args, "-o",
                      o(f"{name}.cdxgen.cdx.json"), "."],
             "output": o(f"{name}.cdxgen.cdx.json"), "count": "cyclonedx"},
            {"id": "scan", "label": "portcullis scan", "cwd": d, "ok": [0, 1],
             "argv": [portcullis, "scan", ".", "--no-config", "--advisories", "none",
                      "-f", "json", "-o", o(f"{name}.scan.portcullis.json"),
                      "-f", "cyclonedx-json", "-o", o(f"{name}.scan.portcullis.cdx.json")],
             "output": o(f"{name}.scan.portcullis.cdx.json"), "count": "cyclonedx"},
        ]
        if wasm_cli:
            tools.append(
                {"id": "wasm", "label": "portcullis scan, WASM (Node)", "cwd": d, "ok": [0, 1],
                 "ref": "scan",
                 "argv": [node, wasm_cli, ".", "--no-config", "-f", "json", "--sbom",
                          o(f"{name}.scan.wasm.cdx.json")],
                 "stdout": o(f"{name}.scan.wasm.json"),
                 "output": o(f"{name}.scan.wasm.cdx.json"), "count": "cyclonedx"})
        groups.append({"name": f"SBOM {name}", "corpus": d, "files": None, "bytes": None,
                       "tools": tools})

    json.dump({
        "out": out,
        "runs": int(env("BENCH_RUNS") or 3),
        "warmup": int(env("BENCH_WARMUP") or 1),
        "versions": {k[len("BENCH_V_"):].lower(): v for k, v in os.environ.items()
                     if k.startswith("BENCH_V_") and v},
        "groups": groups,
    }, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
