#!/usr/bin/env bash
# Reproducible benchmark: builds the release binary, sets up jrnl 4.6 in a virtual
# environment (once, under target/), then runs examples/bench.rs.
# Usage: examples/bench.sh [--sizes 10000,100000] [--runs 15] [--no-jrnl]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin candour --example bench
args=()
jrnl=yes
for a in "$@"; do
  if [ "$a" = "--no-jrnl" ]; then jrnl=no; else args+=("$a"); fi
done
if [ "$jrnl" = yes ]; then
  venv="${JRNL_VENV:-target/jrnl-venv}"
  if [ ! -x "$venv/bin/jrnl" ]; then
    echo "setting up jrnl 4.6 in $venv (pip install jrnl==4.6 keyrings.alt)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "jrnl==4.6" keyrings.alt
  fi
  args+=(--jrnl "$venv/bin/jrnl")
fi
exec target/release/examples/bench "${args[@]}"
