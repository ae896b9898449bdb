#!/usr/bin/env bash
# Builds the Yew UI into ui/dist: cargo for wasm32, then wasm-bindgen, then the static files.
# No trunk needed (BUILD-NOTES: trunk costs a 12-minute install for the same result).
# Usage: scripts/build-ui.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
flags=()
if [ "${1:-}" = "--release" ]; then
  profile=release
  flags=(--release)
fi
cargo build -p hearth-ui --target wasm32-unknown-unknown "${flags[@]}"
target_dir="${CARGO_TARGET_DIR:-target}"
out=ui/dist.tmp
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name hearth_ui \
  "$target_dir/wasm32-unknown-unknown/$profile/hearth-ui.wasm"
cp ui/index.html ui/style.css ui/boot.js "$out/"
rm -rf ui/dist
mv "$out" ui/dist
echo "UI built into ui/dist ($profile)"
