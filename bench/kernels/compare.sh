#!/usr/bin/env bash
# Runs every kernel natively, under Node (V8) and under JFaasm, and prints a
# Markdown table of steady-state times and ratios to native (see README.md).
#
# usage: compare.sh [--reps N] [--runs R] [--json FILE] [--only k1,k2,...] [--no-build]
#   --reps N    repetitions inside one process (default 10)
#   --runs R    separate processes per kernel and engine (default 3)
#   --json F    also write the results as JSON to F
#   --only L    comma-separated kernel names (default: every wasm/*.wasm)
#   --no-build  do not (re)build the native binaries first
# Environment: JFAASM (default $REPO/jfaasm), NODE (default node),
#              TIMEOUT seconds per process (default 900).
# Raw outputs are kept in bench/kernels/build/compare/.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JFAASM=${JFAASM:-$REPO/jfaasm}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-900}

reps=10 runs=3 json="" only="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$reps$runs" in *[!0-9]*) echo "--reps and --runs take positive integers" >&2; exit 2 ;; esac
[ "$reps" -ge 1 ] && [ "$runs" -ge 1 ] || { echo "--reps and --runs must be >= 1" >&2; exit 2; }
# make --json relative to the caller's directory, not ours
if [ -n "$json" ] && [ "${json#/}" = "$json" ]; then json="$PWD/$json"; fi

cd "$HERE"
if [ "$build" = 1 ]; then ./build.sh --native >/dev/null; fi

if [ -n "$only" ]; then
  IFS=, read -r -a kernels <<< "$only"
else
  kernels=()
  for f in wasm/*.wasm; do kernels+=("$(basename "$f" .wasm)"); done
fi
for k in "${kernels[@]}"; do
  [ -f "wasm/$k.wasm" ] || { echo "no such kernel: $k (wasm/$k.wasm missing)" >&2; exit 2; }
done

engines=(native node)
if [ -x "$JFAASM" ]; then
  engines+=(jfaasm)
else
  echo "note: $JFAASM not found or not executable: JFaasm column will be n/a" >&2
fi

out="$HERE/build/compare"
rm -rf "$out"
mkdir -p "$out"

run_one() { # engine kernel -> stdout of the kernel process
  local engine=$1 k=$2
  case "$engine" in
    native) timeout "$TIMEOUT" "build/native/$k" "$reps" ;;
    node)   timeout "$TIMEOUT" "$NODE" --no-warnings run-node.mjs "wasm/$k.wasm" "$reps" ;;
    jfaasm) (cd "$REPO" && timeout "$TIMEOUT" "$JFAASM" run "bench/kernels/wasm/$k.wasm" "$reps") ;;
  esac
}

for k in "${kernels[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    for e in "${engines[@]}"; do
      printf '%-16s run %d/%d  %-7s' "$k" "$r" "$runs" "$e" >&2
      base="$out/$k.$e.$r"
      rc=0
      run_one "$e" "$k" > "$base.out" 2> "$base.err" || rc=$?
      echo "$rc" > "$base.rc"
      if [ "$rc" = 0 ]; then echo " ok" >&2; else echo " FAILED (exit $rc, see $base.err)" >&2; fi
    done
  done
done

versions="$out/versions.txt"
{
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //') ($(nproc) cpus)"
  echo "gcc=$(gcc --version | head -1)"
  echo "clang=$(clang --version 2>/dev/null | head -1 || echo n/a)"
  echo "node=$("$NODE" --version)"
  if [ -x "$JFAASM" ]; then echo "jfaasm=$JFAASM"; else echo "jfaasm=n/a"; fi
} > "$versions"

python3 "$HERE/report.py" --dir "$out" --reps "$reps" --runs "$runs" \
  --engines "$(IFS=,; echo "${engines[*]}")" --kernels "$(IFS=,; echo "${kernels[*]}")" \
  --versions "$versions" ${json:+--json "$json"}
