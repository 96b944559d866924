#!/usr/bin/env bash
# Reproducible benchmark: builds the release binary, then runs examples/bench.rs.
# Usage: examples/bench.sh [--sizes 10000,100000] [--runs 15]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin candour --example bench
exec target/release/examples/bench "$@"
