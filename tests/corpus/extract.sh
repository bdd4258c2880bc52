#!/usr/bin/env bash
# Copies the corpus's captures (list.tsv: repository, commit, path, sha256,
# bytes) out of local git mirrors into a directory, checking each sha256.
# Fetches nothing: each repository must already be a git directory under
# MIRRORS (default /work/.mirror, where the `fetch` tool puts them as
# OWNER+NAME/repo); a repository missing there is reported and skipped.
#
#   bash tests/corpus/extract.sh OUT_DIR [MIRRORS]
#
# Each capture is written as OUT_DIR/OWNER+NAME__PATH with / in PATH as __.
set -euo pipefail
out=${1:?usage: extract.sh OUT_DIR [MIRRORS]}
mirrors=${2:-/work/.mirror}
list="$(dirname "$0")/list.tsv"
mkdir -p "$out"
ok=0 missing=0 bad=0
while IFS=$'\t' read -r repo commit path sha bytes; do
    [[ "$repo" == \#* || -z "$repo" ]] && continue
    git_dir="$mirrors/${repo/\//+}/repo"
    name="${repo/\//+}__${path//\//__}"
    if [ ! -d "$git_dir" ]; then
        echo "extract: no mirror of $repo at $git_dir (fetch github:$repo first)" >&2
        missing=$((missing + 1))
        continue
    fi
    if ! git --git-dir="$git_dir" cat-file blob "$commit:$path" >"$out/$name" 2>/dev/null; then
        echo "extract: $repo has no $path at $commit" >&2
        rm -f "$out/$name"
        missing=$((missing + 1))
        continue
    fi
    if [ "$(sha256sum "$out/$name" | cut -d' ' -f1)" != "$sha" ]; then
        echo "extract: $name: sha256 differs from list.tsv" >&2
        rm -f "$out/$name"
        bad=$((bad + 1))
        continue
    fi
    ok=$((ok + 1))
done <"$list"
echo "extract: $ok captures in $out ($missing missing, $bad with another sha256)"
