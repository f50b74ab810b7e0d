#!/usr/bin/env python3
"""Side-by-side measurements for scripts/bench/run.sh (which installs the tools and calls this).

    bench.py measure --config CONFIG.json       runs everything, writes OUT/results.json,
                                                OUT/table.md and prints the table
    bench.py self-test                          checks of the helpers on synthetic data

Every command is one child process of rusage.py (a small process, so the peak RSS it reports is
the tool's), timed with os.wait4: wall time (monotonic clock around fork..reap), CPU time (user
+ system of the child and of every descendant it waited for) and peak resident set size
(ru_maxrss: the largest single process of that tree, not a sum; rusage.py's own ~5 MB is the
floor). The
tools of one group run alternately (A B C A B C ...) after `warmup` untimed rounds; the table
shows the median of the timed runs and the ratio of each tool to its Portcullis reference
(> 1: the other tool takes more time or memory than Portcullis).

CONFIG.json (written by run.sh):
    {"out": DIR, "runs": N, "warmup": 1, "machine": {...}, "versions": {...},
     "groups": [{"name": ..., "corpus": ..., "files": N or null, "bytes": N or null,
                 "tools": [{"id": ..., "label": ..., "argv": [...], "cwd": ..., "stdout": FILE
                            or null, "ok": [0, 1], "ref": ID or null, "count": KIND or null,
                            "output": FILE or null}]}]}
`count` names how the tool's output is summarised as a plausibility column (findings,
components): one of portcullis-json, hadolint-json, checkov-json, cyclonedx.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


RUSAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rusage.py")


def run_once(argv, cwd, stdout_path):
    """Runs one command through rusage.py; returns (exit code, wall s, cpu s, peak RSS bytes)."""
    res = subprocess.run(
        [sys.executable, "-I", "-S", RUSAGE, stdout_path or os.devnull, cwd or os.getcwd(), *argv],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, check=True)
    code, wall, cpu, rss = res.stdout.split()
    return int(code), float(wall), float(cpu), int(rss)


def count_output(kind, path):
    """A plausibility number from a tool's output: findings or components. None when the
    output is missing or not what the kind expects."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if kind == "portcullis-json":
        if isinstance(data, dict) and isinstance(data.get("findings"), list):
            return len(data["findings"])
        return None
    if kind == "hadolint-json":
        return len(data) if isinstance(data, list) else None
    if kind == "checkov-json":
        # One report per framework, or a list of them.
        reports = data if isinstance(data, list) else [data]
        n = 0
        for r in reports:
            if not isinstance(r, dict):
                return None
            n += len(r.get("results", {}).get("failed_checks", []))
        return n
    if kind == "cyclonedx":
        comps = data.get("components") if isinstance(data, dict) else None
        return len(comps) if isinstance(comps, list) else None
    return None


def median(xs):
    return statistics.median(xs) if xs else None


def measure(cfg, log=sys.stderr):
    runs, warmup = cfg["runs"], cfg.get("warmup", 1)
    results = []
    for group in cfg["groups"]:
        tools = group["tools"]
        samples = {t["id"]: [] for t in tools}
        codes = {t["id"]: [] for t in tools}
        for i in range(warmup + runs):
            timed = i >= warmup
            for t in tools:
                what = f"run {i - warmup + 1}/{runs}" if timed else "warm-up"
                print(f"bench: {group['name']}: {t['label']} {what}", file=log, flush=True)
                code, wall, cpu, rss = run_once(t["argv"], t["cwd"], t.get("stdout"))
                codes[t["id"]].append(code)
                if code not in t.get("ok", [0]):
                    raise SystemExit(
                        f"bench: {t['label']} exited {code} on {group['corpus']}: "
                        f"{' '.join(t['argv'][:6])} ...")
                if timed:
                    samples[t["id"]].append((wall, cpu, rss))
        for t in tools:
            s = samples[t["id"]]
            out = t.get("output") or t.get("stdout")
            results.append({
                "group": group["name"],
                "corpus": group["corpus"],
                "files": group.get("files"),
                "bytes": group.get("bytes"),
                "id": t["id"],
                "label": t["label"],
                "ref": t.get("ref"),
                "wall": median([x[0] for x in s]),
                "cpu": median([x[1] for x in s]),
                "rss": median([x[2] for x in s]),
                "wall_all": [x[0] for x in s],
                "exit": sorted(set(codes[t["id"]])),
                "count": count_output(t["count"], out) if t.get("count") and out else None,
                "count_kind": t.get("count"),
            })
    return results


def ratio(x, ref):
    if x is None or not ref:
        return None
    return x / ref


def fmt_ratio(r):
    if r is None:
        return ""
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.0f}×"
    return f"{r:.2f}×"


def fmt_s(s):
    if s is None:
        return ""
    return f"{s * 1000:,.0f} ms" if s < 1 else f"{s:,.2f} s"


def fmt_mb(b):
    return "" if b is None else f"{b / 1e6:,.0f} MB" if b >= 10e6 else f"{b / 1e6:,.1f} MB"


COUNT_NAMES = {"portcullis-json": "findings", "hadolint-json": "findings",
               "checkov-json": "failed checks", "cyclonedx": "components"}


def rows(results):
    """Table rows: one per tool, ratios against the row named by `ref` (the Portcullis row of
    the same group)."""
    by_id = {(r["group"], r["id"]): r for r in results}
    out = []
    for r in results:
        ref = by_id.get((r["group"], r["ref"])) if r["ref"] else None
        files_s = None
        if r["files"] and r["wall"]:
            files_s = r["files"] / r["wall"]
        count = ""
        if r["count"] is not None:
            count = f"{r['count']:,} {COUNT_NAMES.get(r['count_kind'], '')}".strip()
        out.append([
            r["group"],
            r["label"],
            fmt_s(r["wall"]),
            fmt_s(r["cpu"]),
            fmt_mb(r["rss"]),
            f"{files_s:,.0f}" if files_s else "",
            fmt_ratio(ratio(r["wall"], ref["wall"])) if ref else "",
            fmt_ratio(ratio(r["cpu"], ref["cpu"])) if ref else "",
            fmt_ratio(ratio(r["rss"], ref["rss"])) if ref else "",
            count,
        ])
    return out


HEADER = ["task", "tool", "wall", "CPU (user+sys)", "peak RSS", "files/s",
          "wall ×", "CPU ×", "RSS ×", "output"]


def markdown(results):
    lines = ["| " + " | ".join(HEADER) + " |",
             "|" + "|".join(["---", "---"] + ["---:"] * (len(HEADER) - 3) + ["---"]) + "|"]
    for row in rows(results):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines) + "\n"


def plain(results):
    table = [HEADER] + rows(results)
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = []
    for n, row in enumerate(table):
        cells = [c.ljust(w) if i < 2 or i == len(row) - 1 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def cmd_measure(config_path):
    with open(config_path, encoding="utf-8") as f:
        cfg = json.load(f)
    results = measure(cfg)
    out = cfg["out"]
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"machine": cfg.get("machine"), "versions": cfg.get("versions"),
                   "runs": cfg["runs"], "results": results}, f, indent=2)
    md = markdown(results)
    with open(os.path.join(out, "table.md"), "w", encoding="utf-8") as f:
        f.write(md)
    print(plain(results))
    print(f"bench: median of {cfg['runs']} alternated runs; ratios: the tool / its "
          "Portcullis reference (> 1 = Portcullis is faster or smaller)")
    print(f"bench: markdown table in {os.path.join(out, 'table.md')}")
    return 0


def self_test():
    # A real child: the measured CPU and RSS must reflect what it did, and a small child must
    # not be charged with this (larger) process's memory.
    big = bytearray(200 * 1024 * 1024)
    code, _, _, rss0 = run_once(["/bin/sh", "-c", "exit 0"], None, None)
    assert code == 0 and rss0 < 50 * 1024 * 1024, rss0
    del big
    code, wall, cpu, rss = run_once(
        [sys.executable, "-c",
         "import sys\nb = bytearray(64 * 1024 * 1024)\nx = 0\n"
         "for i in range(3_000_000): x += i\nsys.exit(3)"], None, None)
    assert code == 3, code
    assert rss >= 64 * 1024 * 1024, rss
    assert cpu > 0.05 and wall >= cpu * 0.5, (cpu, wall)
    # CPU of a grandchild the child waited for is included.
    code, _, cpu2, _ = run_once(
        ["sh", "-c", f"{sys.executable} -c 'x=0\nfor i in range(3_000_000): x+=i'"], None, None)
    assert code == 0 and cpu2 > 0.05, cpu2
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "a.json")
        with open(p, "w") as f:
            json.dump({"findings": [1, 2, 3]}, f)
        assert count_output("portcullis-json", p) == 3
        assert count_output("hadolint-json", p) is None
        with open(p, "w") as f:
            json.dump([{"results": {"failed_checks": [1, 2]}}, {"results": {"failed_checks": [3]}}], f)
        assert count_output("checkov-json", p) == 3
        with open(p, "w") as f:
            json.dump({"components": [{}] * 5}, f)
        assert count_output("cyclonedx", p) == 5
        assert count_output("cyclonedx", os.path.join(d, "missing")) is None
    res = [
        {"group": "g", "corpus": "c", "files": 100, "bytes": None, "id": "p", "label": "P",
         "ref": None, "wall": 0.5, "cpu": 0.4, "rss": 20e6, "count": 7,
         "count_kind": "portcullis-json"},
        {"group": "g", "corpus": "c", "files": 100, "bytes": None, "id": "h", "label": "H",
         "ref": "p", "wall": 50.0, "cpu": 10.0, "rss": 30e6, "count": None, "count_kind": None},
    ]
    r = rows(res)
    assert r[0][5] == "200" and r[0][6] == "" and r[0][9] == "7 findings", r[0]
    assert r[1][5] == "2" and r[1][6] == "100×" and r[1][7] == "25×" and r[1][8] == "1.50×", r[1]
    md = markdown(res)
    assert md.count("\n") == 4 and "| g | H | 50.00 s | 10.00 s | 30 MB | 2 | 100× |" in md, md
    print("bench.py self-test: ok")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "measure" and argv[2] == "--config":
        return cmd_measure(argv[3])
    if len(argv) == 2 and argv[1] == "self-test":
        return self_test()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
