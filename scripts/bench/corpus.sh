#!/usr/bin/env bash
# Collects the Dockerfiles of one or more source trees into a benchmark corpus:
#
#   scripts/bench/corpus.sh DEST SRC_DIR...
#
# Copies every file named Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile or
# *.dockerfile (the names `portcullis scan` recognizes) from each SRC_DIR to
# DEST/<basename of SRC_DIR>/<same relative path>, skipping templates that are not Dockerfiles
# yet (files with `{{` placeholders, such as docker-library's Dockerfile.template or the
# dotnet-docker generator's templates). Prints the number of files and how many are Windows
# Dockerfiles. DEST must not exist or be empty.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
dest="$1"
shift
if [[ -e "$dest" && -n "$(ls -A "$dest")" ]]; then
    echo "corpus: $dest exists and is not empty" >&2
    exit 2
fi
mkdir -p "$dest"
for src in "$@"; do
    [[ -d "$src" ]] || { echo "corpus: not a directory: $src" >&2; exit 2; }
    name="$(basename "$(cd "$src" && pwd)")"
    (cd "$src" && find . -type f \( -name Dockerfile -o -name Containerfile -o -name 'Dockerfile.*' \
        -o -name '*.Dockerfile' -o -name '*.dockerfile' \) -not -path './.git/*' -print0) |
        while IFS= read -r -d '' f; do
            grep -q '{{' "$src/$f" && continue
            mkdir -p "$dest/$name/$(dirname "$f")"
            cp "$src/$f" "$dest/$name/$f"
        done
done
total="$(find "$dest" -type f | wc -l)"
windows="$(find "$dest" -type f -print0 |
    xargs -0 grep -lEi 'windowsservercore|nanoserver|^# *escape *= *`' | wc -l || true)"
echo "corpus: $total Dockerfiles ($windows Windows) in $dest"
