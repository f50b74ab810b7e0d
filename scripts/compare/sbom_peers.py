#!/usr/bin/env python3
"""Summarises the CycloneDX SBOMs that scripts/compare/sbom-peers.sh wrote and checks what
Portcullis must do against cdxgen on NuGet.

    sbom_peers.py report OUT_DIR REPO_DIR...   markdown tables on stdout, exit 1 when a check fails
    sbom_peers.py self-test                     checks of the helpers below on synthetic SBOMs

OUT_DIR holds, per repository name, `<name>.<tool>.cdx.json` for the tools portcullis, cdxgen
and syft, and `<name>.<tool>.time` (wall seconds of each run, one per line) and
`<name>.<tool>.rc` (exit code). The checks:

1. Every NuGet package cdxgen reports with a real version (not empty, not `undefined`, not a
   range or a property reference) is in Portcullis' SBOM, compared by lowercase id and the NuGet
   normalized version.
2. Of cdxgen's versionless NuGet entries, those that are `<Reference>` items (GAC or a local
   assembly) or project references (a `<ProjectReference>` or a `"type": "Project"` entry of a
   packages.lock.json) are not NuGet components in Portcullis' SBOM. Judged by Portcullis'
   evidence: no NuGet component of Portcullis may rest on a `<ProjectReference>`, a lock file's
   project entry, or a `<Reference>` without a HintPath into a NuGet `packages` folder. (A
   name may legitimately be both: `System.Net.Http` is a GAC assembly in one project and a
   packages.config package in another.)
"""

import json
import os
import re
import statistics
import sys
import tempfile
from urllib.parse import unquote

TOOLS = ("portcullis", "cdxgen", "syft")


# --- NuGet identity -------------------------------------------------------------------------

_NUGET = re.compile(r"^[vV]?(\d+(?:\.\d+){0,3})(-[0-9A-Za-z.-]+)?(\+.*)?$")


def nuget_normalize(version):
    """NuGet's normalized form: numbers without leading zeros, at least three of them, a
    fourth only when it is not 0, the prerelease label lowercased, metadata dropped; an exact
    pin `[1.2.3]` is its version. Returns None for text that is not a NuGet version (ranges,
    floating versions, `$(Prop)`)."""
    if version is None:
        return None
    version = version.strip()
    # `[1.2.3]` is NuGet's exact pin: that version.
    if version.startswith("[") and version.endswith("]") and "," not in version:
        version = version[1:-1].strip()
    m = _NUGET.match(version)
    if not m:
        return None
    nums = [int(p) for p in m.group(1).split(".")]
    while len(nums) < 3:
        nums.append(0)
    if len(nums) == 4 and nums[3] == 0:
        nums = nums[:3]
    out = ".".join(str(n) for n in nums)
    if m.group(2):
        out += m.group(2).lower()
    return out


def purl_name_version(purl):
    """(type, name, version) of a purl; the namespace is part of the name."""
    if not purl or not purl.startswith("pkg:"):
        return None
    body = purl[4:].split("#", 1)[0].split("?", 1)[0]
    ty, _, rest = body.partition("/")
    name, _, version = rest.rpartition("@") if "@" in rest else (rest, "", "")
    return ty.lower(), unquote(name), unquote(version) if version else None


def components(bom):
    """Every component, nested ones included."""
    out = []
    stack = list(bom.get("components") or [])
    while stack:
        c = stack.pop()
        if not isinstance(c, dict):
            continue
        out.append(c)
        stack.extend(c.get("components") or [])
    return out


def nuget_entries(bom):
    """[(name, version or None, component)] of the NuGet components."""
    out = []
    for c in components(bom):
        p = purl_name_version(c.get("purl"))
        if p is None or p[0] != "nuget":
            continue
        version = c.get("version") or p[2]
        if version is not None and version.strip() in ("", "undefined", "null"):
            version = None
        out.append((p[1], version, c))
    return out


def real_version_set(entries):
    """{(lowercase id, normalized version)} of the entries with a real version."""
    out = set()
    for name, version, _ in entries:
        v = nuget_normalize(version)
        if v is not None:
            out.add((name.lower(), v))
    return out


# --- classification of cdxgen's versionless entries -------------------------------------------

_REFERENCE = re.compile(r"<Reference\s[^>]*?Include\s*=\s*\"([^\",]+)", re.IGNORECASE)
_PROJECT_REF = re.compile(r"<ProjectReference\s[^>]*?Include\s*=\s*\"([^\"]+)\"", re.IGNORECASE)


def _stem(path):
    base = re.split(r"[\\/]", path.strip())[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def source_files(component):
    return [
        p.get("value", "")
        for p in component.get("properties") or []
        if p.get("name") == "SrcFile" and p.get("value")
    ]


def _read(path):
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def classify(name, files, repo):
    """`reference`, `project` or `other`: what a versionless cdxgen entry is, judged from the
    files cdxgen says it came from."""
    want = name.lower()
    kinds = set()
    for f in files:
        path = f if os.path.isabs(f) else os.path.join(repo, f)
        text = _read(path)
        if text is None:
            continue
        if path.lower().endswith("packages.lock.json"):
            try:
                lock = json.loads(text)
            except ValueError:
                continue
            for deps in (lock.get("dependencies") or {}).values():
                for dep, entry in (deps or {}).items():
                    if dep.lower() == want and isinstance(entry, dict):
                        if str(entry.get("type", "")).lower() == "project":
                            kinds.add("project")
            continue
        for m in _REFERENCE.finditer(text):
            if m.group(1).strip().lower() == want:
                kinds.add("reference")
        for m in _PROJECT_REF.finditer(text):
            if _stem(m.group(1)).lower() == want:
                kinds.add("project")
    for k in ("project", "reference"):
        if k in kinds:
            return k
    return "other"


# --- report ------------------------------------------------------------------------------------


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def times(path):
    try:
        with open(path) as f:
            return [float(x) for x in f.read().split()]
    except (OSError, ValueError):
        return []


_HINT_INTO_PACKAGES = re.compile(
    r"<HintPath>\s*(?:[^<]*[\\/)])?packages[\\/][^<]+</HintPath>", re.IGNORECASE
)


def occurrence_kind(repo, location, line, cache):
    """What a Portcullis evidence occurrence points at: `reference` (a `<Reference>` without a
    HintPath into a NuGet packages folder), `project` (a `<ProjectReference>` or a lock file's
    project entry) or `package`."""
    if location not in cache:
        text = _read(os.path.join(repo, location))
        cache[location] = text.splitlines() if text is not None else []
    lines = cache[location]
    if not isinstance(line, int) or line < 1 or line > len(lines):
        return "package"
    head = lines[line - 1].strip()
    window = "\n".join(lines[line - 1 : line + 40]).lstrip()
    if location.lower().endswith("packages.lock.json"):
        body = window.split("}", 1)[0]
        if re.search(r'"type"\s*:\s*"project"', body, re.IGNORECASE):
            return "project"
        return "package"
    if re.match(r"<ProjectReference\b", head, re.IGNORECASE):
        return "project"
    if re.match(r"<Reference\b", head, re.IGNORECASE):
        element = window
        if not re.match(r"<Reference\b[^>]*/>", window, re.IGNORECASE | re.DOTALL):
            element = re.split(r"</Reference\s*>", window, maxsplit=1, flags=re.IGNORECASE)[0]
        else:
            element = ""
        return "package" if _HINT_INTO_PACKAGES.search(element) else "reference"
    return "package"


def backed_by_references(repo, bom):
    """{lowercase name: kinds} of the NuGet components with evidence of kind `reference` or
    `project` (see occurrence_kind)."""
    cache = {}
    out = {}
    for name, _, c in nuget_entries(bom):
        occurrences = ((c.get("evidence") or {}).get("occurrences")) or []
        for o in occurrences:
            kind = occurrence_kind(repo, o.get("location", ""), o.get("line"), cache)
            if kind != "package":
                out.setdefault(name.lower(), set()).add(kind)
    return out


def check(repo, cdx, port):
    """The two acceptance checks for one repository."""
    cdx_entries = nuget_entries(cdx)
    port_entries = nuget_entries(port)
    wanted = real_version_set(cdx_entries)
    have = real_version_set(port_entries)
    missing = sorted(wanted - have)
    versionless = {"reference": [], "project": [], "other": []}
    for name, version, c in cdx_entries:
        if nuget_normalize(version) is None:
            versionless[classify(name, source_files(c), repo)].append(name)
    backed = backed_by_references(repo, port)
    false_hits = sorted(
        {n for k in ("reference", "project") for n in versionless[k] if n.lower() in backed}
    )
    return {
        "wanted": len(wanted),
        "found": len(wanted & have),
        "missing": missing,
        "versionless": {k: sorted(set(v)) for k, v in versionless.items()},
        "false_hits": false_hits,
        "backed": sorted(backed),
        "extra": len(have - wanted),
    }


def fmt_time(ts):
    if not ts:
        return "–"
    med = statistics.median(ts)
    return f"{med:.2f}" if len(ts) == 1 else f"{med:.2f} ({min(ts):.2f}–{max(ts):.2f})"


def report(out_dir, repos):
    failed = False
    rows = []
    by_type = []
    checks = []
    for repo in repos:
        name = os.path.basename(os.path.normpath(repo))
        boms = {t: load(os.path.join(out_dir, f"{name}.{t}.cdx.json")) for t in TOOLS}
        for t in TOOLS:
            bom = boms[t]
            rc = (_read(os.path.join(out_dir, f"{name}.{t}.rc")) or "?").strip()
            ts = times(os.path.join(out_dir, f"{name}.{t}.time"))
            if bom is None:
                rows.append((name, t, fmt_time(ts), "no SBOM", "–", "–", rc))
                continue
            nuget = nuget_entries(bom)
            versioned = sum(1 for _, v, _ in nuget if nuget_normalize(v) is not None)
            comps = components(bom)
            types = {}
            for c in comps:
                p = purl_name_version(c.get("purl"))
                if p is not None:
                    types[p[0]] = types.get(p[0], 0) + 1
            with_purl = sum(types.values())
            rows.append(
                (
                    name,
                    t,
                    fmt_time(ts),
                    f"{len(comps)} ({with_purl})",
                    str(versioned),
                    str(len(nuget) - versioned),
                    rc,
                )
            )
            by_type.append(
                (name, t, ", ".join(f"{k} {v}" for k, v in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))) or "–")
            )
        if boms["cdxgen"] is None or boms["portcullis"] is None:
            failed = True
            checks.append((name, None))
            continue
        c = check(repo, boms["cdxgen"], boms["portcullis"])
        if c["missing"] or c["false_hits"] or c["backed"]:
            failed = True
        checks.append((name, c))

    print("| repository | tool | wall s, median (min–max) | components (with purl) | NuGet with version | NuGet without version | exit |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("| repository | tool | components by purl type |")
    print("|---|---|---|")
    for r in by_type:
        print("| " + " | ".join(r) + " |")
    print()
    print("| repository | cdxgen NuGet id@version | found by Portcullis | missing | cdxgen versionless: Reference / project / other | of those Reference + project, in Portcullis | Portcullis id@version cdxgen lacks |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for name, c in checks:
        if c is None:
            print(f"| {name} | – | – | – | – | – | – |")
            continue
        v = c["versionless"]
        print(
            f"| {name} | {c['wanted']} | {c['found']} | {len(c['missing'])} | "
            f"{len(v['reference'])} / {len(v['project'])} / {len(v['other'])} | "
            f"{len(c['false_hits'])} | {c['extra']} |"
        )
    for name, c in checks:
        if c is None:
            print(f"\n{name}: cdxgen or Portcullis wrote no SBOM")
            continue
        if c["missing"]:
            print(f"\n{name}: cdxgen finds, Portcullis does not:")
            for n, v in c["missing"]:
                print(f"  - {n}@{v}")
        if c["false_hits"]:
            print(f"\n{name}: Portcullis reports Reference / project entries as NuGet packages:")
            for n in c["false_hits"]:
                print(f"  - {n}")
        if c["backed"]:
            print(f"\n{name}: Portcullis NuGet components that rest on a Reference / project entry:")
            for n in c["backed"]:
                print(f"  - {n}")
        if c["versionless"]["other"]:
            print(f"\n{name}: cdxgen entries without a version, neither Reference nor project:")
            for n in c["versionless"]["other"]:
                print(f"  - {n}")
    print()
    print("checks: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


# --- self-test -----------------------------------------------------------------------------------


def self_test():
    n = nuget_normalize
    assert n("1.0") == "1.0.0"
    assert n("1.00.01") == "1.0.1"
    assert n("1.2.3.0") == "1.2.3"
    assert n("1.2.3.4") == "1.2.3.4"
    assert n("1.0.0-Beta.1+sha.abc") == "1.0.0-beta.1"
    assert n("v2.1") == "2.1.0"
    assert n(" [2.9.3] ") == "2.9.3"
    for bad in ("[1.0,2.0)", "[1.0,]", "[]", "1.*", "$(Ver)", "", None, "undefined", "1.2.3.4.5"):
        assert n(bad) is None, bad
    assert purl_name_version("pkg:nuget/Newtonsoft.Json@13.0.3") == ("nuget", "Newtonsoft.Json", "13.0.3")
    assert purl_name_version("pkg:nuget/System.Data") == ("nuget", "System.Data", None)
    assert purl_name_version("pkg:npm/%40s/p@1.0.0?x=1") == ("npm", "@s/p", "1.0.0")

    with tempfile.TemporaryDirectory() as repo:
        os.makedirs(os.path.join(repo, "app"))
        with open(os.path.join(repo, "app", "App.csproj"), "w") as f:
            f.write(
                '<Project><ItemGroup><Reference Include="System.Data" />'
                '<Reference Include="Vendor.Lib, Version=1.0.0.0, Culture=neutral">'
                "<HintPath>lib\\Vendor.Lib.dll</HintPath></Reference>"
                '<ProjectReference Include="..\\Core\\Core.csproj" />'
                "</ItemGroup></Project>"
            )
        with open(os.path.join(repo, "app", "packages.lock.json"), "w") as f:
            json.dump(
                {"version": 1, "dependencies": {"net8.0": {"shared": {"type": "Project"}, "A": {"type": "Direct", "resolved": "1.0.0"}}}},
                f,
            )
        assert classify("system.data", ["app/App.csproj"], repo) == "reference"
        assert classify("Vendor.Lib", ["app/App.csproj"], repo) == "reference"
        assert classify("core", ["app/App.csproj"], repo) == "project"
        assert classify("Shared", ["app/packages.lock.json"], repo) == "project"
        assert classify("A", ["app/packages.lock.json"], repo) == "other"
        assert classify("Nothing", ["app/missing.csproj"], repo) == "other"

        def bom(*comps):
            return {"components": list(comps)}

        def comp(purl, version=None, src=None):
            c = {"purl": purl}
            if version is not None:
                c["version"] = version
            if src:
                c["properties"] = [{"name": "SrcFile", "value": src}]
            return c

        cdx = bom(
            comp("pkg:nuget/Newtonsoft.Json@13.0.1", "13.0.1"),
            comp("pkg:nuget/Serilog@3.0", "3.0"),
            comp("pkg:nuget/Bad@undefined", "undefined"),
            comp("pkg:nuget/System.Data", src="app/App.csproj"),
            comp("pkg:nuget/core", src="app/App.csproj"),
            comp("pkg:npm/left-pad@1.0.0", "1.0.0"),
        )
        good = bom(
            comp("pkg:nuget/newtonsoft.json@13.0.1", "13.0.1"),
            {"components": [comp("pkg:nuget/Serilog@3.0.0", "3.0.0")], "purl": "pkg:generic/x"},
        )
        c = check(repo, cdx, good)
        assert c["wanted"] == 2 and c["found"] == 2 and not c["missing"], c
        assert c["versionless"]["reference"] == ["System.Data"], c
        assert c["versionless"]["project"] == ["core"], c
        assert c["versionless"]["other"] == ["Bad"], c
        assert not c["false_hits"]
        def at(c, location, line):
            c["evidence"] = {"occurrences": [{"location": location, "line": line}]}
            return c

        with open(os.path.join(repo, "app", "Multi.csproj"), "w") as f:
            f.write(
                "<Project>\n  <ItemGroup>\n"
                '    <Reference Include="System.Net.Http" />\n'
                '    <Reference Include="Vendor.Lib">\n'
                "      <HintPath>..\\packages\\Vendor.Lib.1.2.0\\lib\\Vendor.Lib.dll</HintPath>\n"
                "    </Reference>\n"
                '    <Reference Include="Local">\n      <HintPath>lib\\Local.dll</HintPath>\n    </Reference>\n'
                '    <ProjectReference Include="..\\Core\\Core.csproj" />\n'
                '    <PackageReference Include="System.Net.Http" Version="4.3.4" />\n'
                "  </ItemGroup>\n</Project>\n"
            )
        cache = {}
        kind = lambda line: occurrence_kind(repo, "app/Multi.csproj", line, cache)
        assert [kind(n) for n in (3, 4, 7, 10, 11, 99, None)] == [
            "reference", "package", "reference", "project", "package", "package", "package",
        ]
        with open(os.path.join(repo, "app", "packages.lock.json"), "w") as f:
            f.write('{\n  "dependencies": {\n    "net8.0": {\n      "Shared": {\n        "type": "Project"\n      },\n'
                    '      "A": {\n        "type": "Direct",\n        "resolved": "1.0.0"\n      }\n    }\n  }\n}\n')
        assert occurrence_kind(repo, "app/packages.lock.json", 4, {}) == "project"
        assert occurrence_kind(repo, "app/packages.lock.json", 7, {}) == "package"

        cdx["components"].append(comp("pkg:nuget/System.Net.Http", src="app/Multi.csproj"))
        bad = bom(
            comp("pkg:nuget/Newtonsoft.Json@13.0.1", "13.0.1"),
            at(comp("pkg:nuget/System.Net.Http@4.0.0", "4.0.0"), "app/Multi.csproj", 3),
            at(comp("pkg:nuget/Shared@1.0.0", "1.0.0"), "app/packages.lock.json", 4),
        )
        c = check(repo, cdx, bad)
        assert c["missing"] == [("serilog", "3.0.0")], c
        assert c["versionless"]["reference"] == ["System.Data", "System.Net.Http"], c
        assert c["false_hits"] == ["System.Net.Http"], c
        assert c["backed"] == ["shared", "system.net.http"], c
        # The same name from a package declaration is fine.
        fine = bom(at(comp("pkg:nuget/System.Net.Http@4.3.4", "4.3.4"), "app/Multi.csproj", 11))
        c = check(repo, cdx, fine)
        assert not c["false_hits"] and not c["backed"], c
    print("sbom_peers.py self-test: 1 passed, 0 failed")
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "self-test":
        return self_test()
    if len(argv) >= 4 and argv[1] == "report":
        return report(argv[2], argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
