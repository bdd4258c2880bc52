#!/usr/bin/env bash
# The whole comparison: build the analyser's corpus tool, extract the corpus
# from the local mirrors (extract.sh; nothing is fetched) and compare it with
# tshark (compare.py), printing the agreement table.
#
#   bash tests/corpus/run.sh [WORK_DIR]    (default target/corpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-target/corpus}
cargo build -q --release -p tcpsim-analyse --examples
bash tests/corpus/extract.sh "$work/captures"
python3 tests/corpus/compare.py --tshark-cache "$work/tshark" --details "$work/disagreements.tsv" "$work"/captures/*
