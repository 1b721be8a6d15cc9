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

# median of the repetitions after the first, from "rep I: T ms (checksum C)" lines
median() { grep '^rep' | tail -n +2 | sed 's/.*: \([0-9.]*\) ms.*/\1/' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
checksum() { grep '^rep' | head -1 | sed 's/.*checksum \([0-9]*\).*/\1/'; }

run() { # label, command...
    local label=$1; shift
    "$@" > "$OUT/$label.txt"
    printf '%s\t%s\t%s\n' "$label" "$(median < "$OUT/$label.txt")" "$(checksum < "$OUT/$label.txt")"
}
{
    run native-rust "$OUT/loop-native" "$N" "$REPS"
    run node-rust-wasm node --no-warnings "$REPO/bench/kernels/run-node.mjs" "$OUT/loop-rust.wasm" "$N" "$REPS"
    run jfaasm-rust-wasm "$JFAASM" run --timeout 3600 "$OUT/loop-rust.wasm" "$N" "$REPS"
    run node-as-wasm node --no-warnings "$REPO/bench/kernels/run-node.mjs" "$OUT/loop-as.wasm" "$N" "$REPS"
    run jfaasm-as-wasm "$JFAASM" run --timeout 3600 "$OUT/loop-as.wasm" "$N" "$REPS"
} > "$OUT/results.tsv"

base=$(awk -F'\t' '$1=="native-rust" {print $2}' "$OUT/results.tsv")
sums=$(cut -f3 "$OUT/results.tsv" | sort -u | wc -l)
[ "$sums" -eq 1 ] || { echo "FAIL: the engines disagree on the checksum:" >&2; cat "$OUT/results.tsv" >&2; exit 1; }
echo "| engine | median ms ($N rounds) | vs native Rust |"
echo "|---|---|---|"
awk -F'\t' -v base="$base" '{printf "| %s | %s | %.2fx |\n", $1, $2, $2/base}' "$OUT/results.tsv"
