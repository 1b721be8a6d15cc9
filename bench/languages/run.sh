#!/usr/bin/env bash
# The CPU-bound loop of loop.rs / loop.ts under JFaasm, against native Rust
# (the same rustc, for x86_64) and Node (V8, node:wasi, the same modules).
#
#   bench/languages/run.sh [N] [REPS]     (default 100000000 rounds, 5 repetitions)
#
# Each engine runs one process that times REPS repetitions in-process; the
# median of all but the first (warm-up, JIT) is reported. Every run must print
# the same checksum. Needs: Debian's rustc with the wasm32-wasi target, node,
# the SDK's AssemblyScript compiler (cd sdk/assemblyscript && npm ci).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JFAASM=${JFAASM:-$REPO/jfaasm}
N=${1:-100000000}
REPS=${2:-5}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

RUSTC=${RUSTC:-/usr/bin/rustc}
"$RUSTC" -C opt-level=3 --target wasm32-wasi "$HERE/loop.rs" -o "$OUT/loop-rust.wasm"
"$RUSTC" -C opt-level=3 "$HERE/loop.rs" -o "$OUT/loop-native"
AS="$REPO/sdk/assemblyscript"
(cd "$HERE" && node "$AS/node_modules/assemblyscript/bin/asc.js" loop.ts \
    --config "$(realpath --relative-to="$HERE" "$AS/node_modules/@assemblyscript/wasi-shim/asconfig.json")" \
    -O3 --noColors -o "$OUT/loop-as.wasm")

. "$HERE/measure.sh"
run native-rust "$OUT/loop-native" "$N" "$REPS"
run node-rust-wasm node --no-warnings "$REPO/bench/kernels/run-node.mjs" "$OUT/loop-rust.wasm" "$N" "$REPS"
run jfaasm-rust-wasm "$JFAASM" run --timeout 3600 "$OUT/loop-rust.wasm" "$N" "$REPS"
run node-as-wasm node --no-warnings "$REPO/bench/kernels/run-node.mjs" "$OUT/loop-as.wasm" "$N" "$REPS"
run jfaasm-as-wasm "$JFAASM" run --timeout 3600 "$OUT/loop-as.wasm" "$N" "$REPS"
report native-rust "native Rust"
