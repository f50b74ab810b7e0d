#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the project's own
test fixtures, examples and kept regression inputs. Usage: fuzz_seeds.py [target ...]."""

import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"

# Mirrors the name tables in src/fuzzing.rs (the first input byte picks the file name).
FAMILIES = {
    "manifest_xml": ["src/App/App.csproj", "Directory.Packages.props", "Directory.Build.props",
                     "src/App/packages.config", "src/Lib/Lib.fsproj", "src/Vb/Vb.vbproj"],
    "manifest_json": ["src/App/packages.lock.json", "src/App/obj/project.assets.json",
                      "bin/App.deps.json", ".config/dotnet-tools.json", "global.json",
                      "package-lock.json", "Pipfile.lock"],
    "manifest_yaml": ["pnpm-lock.yaml", "yarn.lock"],
    "manifest_toml": ["Cargo.lock", "poetry.lock", "uv.lock"],
    "manifest_lines": ["requirements.txt", "requirements-dev.txt", "go.mod", "go.sum",
                       "paket.lock", "paket.dependencies", "yarn.lock"],
}


def files(base, pattern="**/*"):
    return sorted(p for p in base.glob(pattern) if p.is_file())


def dockerfiles():
    out = []
    for base in (FIX / "dockerfile", FIX / "lint", ROOT / "examples", FIX / "sbom" / "dockerfile"):
        for p in files(base):
            n = p.name.lower()
            if "dockerfile" in n or "containerfile" in n:
                out.append(p.read_bytes())
    # The bad/good examples of every rule document.
    for doc in files(ROOT / "rules", "DF*.md"):
        for block in re.findall(r"```dockerfile[^\n]*\n(.*?)```", doc.read_text(), re.S):
            out.append(block.encode())
    return out


def family_seed(target, path):
    names = FAMILIES[target]
    rel = path.name
    for i, name in enumerate(names):
        if name.rsplit("/", 1)[-1].lower() == rel.lower() or (
            name.endswith(".csproj") and rel.endswith(".csproj")):
            return bytes([i]) + path.read_bytes()
    if target == "manifest_xml" and rel.endswith((".fsproj", ".vbproj", ".props", ".targets")):
        return bytes([0]) + path.read_bytes()
    if target == "manifest_json" and rel.endswith(".deps.json"):
        return bytes([2]) + path.read_bytes()
    if target == "manifest_lines" and rel.startswith("requirements") and rel.endswith(".txt"):
        return bytes([0]) + path.read_bytes()
    return None


def seeds(target):
    if target == "dockerfile":
        return dockerfiles()
    if target == "shell":
        out = []
        for d in dockerfiles():
            text = d.decode("utf-8", "replace")
            for m in re.finditer(r"^RUN (.*(?:\\\n.*|`\r?\n.*)*)", text, re.M):
                for sel in (0, 1, 2):
                    out.append(bytes([sel]) + m.group(1).encode())
        return out
    if target == "image_ref":
        out = set()
        for d in dockerfiles():
            for m in re.finditer(r"^FROM\s+(?:--\S+\s+)*(\S+)", d.decode("utf-8", "replace"), re.M | re.I):
                out.add(m.group(1).encode())
        return sorted(out)
    if target in FAMILIES:
        out = []
        for p in files(FIX / "sbom") + files(ROOT / "examples"):
            s = family_seed(target, p)
            if s is not None:
                out.append(s)
        return out
    if target == "osv":
        return [p.read_bytes() for p in files(FIX, "**/*.json") if "vuln" in p.parts or "advisories" in p.parts]
    if target == "config":
        src = (ROOT / "src" / "config" / "mod.rs").read_text()
        starter = re.search(r'const STARTER: &str = r#"(.*?)"#;', src, re.S)
        out = [starter.group(1).encode()] if starter else []
        # Config snippets written inline in the config tests.
        tests = (ROOT / "src" / "config" / "tests.rs").read_text()
        out += [m.encode() for m in re.findall(r'r#"(.*?)"#', tests, re.S)]
        for lit in re.findall(r'"((?:[^"\\\n]|\\.)*(?:\\n)(?:[^"\\\n]|\\.)*)"', tests):
            try:
                out.append(lit.encode().decode("unicode_escape").encode("utf-8", "replace"))
            except UnicodeDecodeError:
                continue
        out.append(b"images:\n" + b"".join(b"  " + l + b"\n" for l in (ROOT / "rules" / "base-images.yaml").read_bytes().splitlines()[:80]))
        return out
    if target == "versions":
        pairs = ["1.0\x001.0.0.0", "1.0.0-beta.2\x001.0.0-Beta.10", "v1.2.3+incompatible\x00v1.2.3",
                 "1!2.0.post1.dev3\x002.0rc1", "1:2.30-1ubuntu1\x002.30-1", "1.2.3_rc1-r0\x001.2.3-r1",
                 "0.0.0-20230101000000-abcdefabcdef\x00v0.1.0", "4.0.0.1\x004.0.0.01"]
        return [p.encode() for p in pairs]
    if target == "scan_tree":
        out = []
        for d in sorted(p for p in (FIX / "sbom").glob("*/*") if p.is_dir()):
            parts = []
            for f in files(d)[:7]:
                rel = f.relative_to(d).as_posix()
                parts.append(rel.encode() + b"\n" + f.read_bytes())
            out.append(b"\0".join(parts))
        for ex in sorted((ROOT / "examples").iterdir()):
            parts = [f.relative_to(ex).as_posix().encode() + b"\n" + f.read_bytes() for f in files(ex)[:7]]
            out.append(b"\0".join(parts))
        return out
    raise SystemExit(f"unknown target {target}")


def main():
    targets = sys.argv[1:]
    for t in targets:
        corpus = ROOT / "fuzz" / "corpus" / t
        corpus.mkdir(parents=True, exist_ok=True)
        kept = files(ROOT / "fuzz" / "regressions" / t) if (ROOT / "fuzz" / "regressions" / t).is_dir() else []
        n = 0
        for s in seeds(t) + [p.read_bytes() for p in kept]:
            if len(s) > 65536:
                continue
            (corpus / hashlib.sha1(s).hexdigest()).write_bytes(s)
            n += 1
        print(f"seeds for {t}: {n}")


if __name__ == "__main__":
    main()
