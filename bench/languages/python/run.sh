#!/usr/bin/env bash
# The CPU-bound loop of loop.py under JFaasm against the same python.wasm under Node (V8,
# node:wasi) and native python3. Each engine runs one process that times REPS repetitions
# in-process; the median of all but the first is reported; every engine must print the same
# checksum.
#
#   bench/languages/python/run.sh [N] [REPS]     (default 100000 rounds, 4 repetitions)
#
# Needs: the interpreter (sdk/python/fetch-python.sh), node, python3. ENGINE picks JFaasm's
# engine for the run (default jfaasm, what Python functions use unless the host says otherwise).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
JFAASM=${JFAASM:-$REPO/jfaasm}
N=${1:-100000}
REPS=${2:-4}
ENGINE=${ENGINE:-jfaasm}
PY=${JFAASM_PYTHON_WASM:-$HOME/.cache/jfaasm/python-wasi-3.12.0/python.wasm}
"$REPO/sdk/python/fetch-python.sh" >&2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

. "$HERE/../measure.sh"
run native-python3 python3 "$HERE/loop.py" "$N" "$REPS"
run node-python-wasm node --no-warnings "$HERE/run-node.mjs" "$PY" "$HERE" /bench/loop.py "$N" "$REPS"
run jfaasm-python-wasm "$JFAASM" run --engine "$ENGINE" --timeout 3600 --dir "$HERE::/bench" "$PY" /bench/loop.py "$N" "$REPS"
report node-python-wasm Node
