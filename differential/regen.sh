#!/usr/bin/env bash
# Regenerates tests/releases/upstream-1.6.1.json: what the released kvbm-config 1.6.1 extracts
# from every case of tests/releases/corpus.json. Needs Debian's protobuf-compiler and
# libclang-dev (1.6.1's dependencies run protoc and bindgen) and a few minutes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cargo run --quiet --release --manifest-path "$here/Cargo.toml" -- \
  "$here/../tests/releases/corpus.json" >"$here/../tests/releases/upstream-1.6.1.json.new"
mv "$here/../tests/releases/upstream-1.6.1.json.new" "$here/../tests/releases/upstream-1.6.1.json"
echo "wrote tests/releases/upstream-1.6.1.json"
