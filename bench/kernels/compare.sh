#!/usr/bin/env bash
# Runs every kernel natively, under Node (V8) and under JFaasm, and prints a
# Markdown table of steady-state times and ratios to native (see README.md).
#
# usage: compare.sh [--reps N] [--runs R] [--json FILE] [--only k1,k2,...]
#                   [--engines native,node,jfaasm] [--no-build]
#   --reps N    repetitions inside one process (default 10)
#   --runs R    separate processes per kernel and engine (default 3)
#   --json F    also write the results as JSON to F
#   --only L    comma-separated kernel names (default: every wasm/*.wasm)
#   --engines L comma-separated subset of native,node,jfaasm,chicory (default: all)
#               jfaasm = `jfaasm run --engine jfaasm` (JFaasm's compiler tier),
#               chicory = `jfaasm run --engine chicory-compiler` (Chicory's compiler)
#   --no-build  do not (re)build the native binaries first
#   --baseline DIR  also run the tier of another checkout (e.g. `git worktree add DIR COMMIT`), as
#               engine "baseline", interleaved with the others: a change and its baseline in one run
# Environment: JFAASM (default $REPO/jfaasm), NODE (default node),
#              TIMEOUT seconds per process (default 900),
#              NATIVE_EXTRA_CFLAGS (passed to build.sh, e.g. -fno-tree-vectorize).
# Raw outputs are kept in bench/kernels/build/compare/.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JFAASM=${JFAASM:-$REPO/jfaasm}
NODE=${NODE:-node}
TIMEOUT=${TIMEOUT:-900}

reps=10 runs=3 json="" only="" build=1 want=native,node,jfaasm,chicory baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --engines) want=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

out="$HERE/build/compare"
rm -rf "$out"
mkdir -p "$out"

wants() { case ",$want," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
engines=()
wants native && engines+=(native)
wants node && engines+=(node)
engine_flag() { case "$1" in jfaasm|baseline) echo jfaasm ;; chicory) echo chicory-compiler ;; esac; }
launcher() { case "$1" in baseline) echo "$baseline/jfaasm" ;; *) echo "$JFAASM" ;; esac; }
[ -n "$baseline" ] && want="$want,baseline"
for e in jfaasm baseline chicory; do
  wants "$e" || continue
  JFAASM_E=$(launcher "$e")
  # Preflight: one repetition of the first kernel. This also lets the launcher
  # do its one-time build now rather than in the middle of the measurements.
  if [ ! -x "$JFAASM_E" ]; then
    echo "note: $JFAASM_E not found: $e column will be n/a" >&2
  elif (cd "$REPO" && timeout "$TIMEOUT" "$JFAASM_E" run --engine "$(engine_flag "$e")" \
           "bench/kernels/wasm/${kernels[0]}.wasm" 1) \
         > "$out/$e-preflight.out" 2> "$out/$e-preflight.err" \
       && grep -q '^checksum=' "$out/$e-preflight.out"; then
    engines+=("$e")
  else
    echo "note: '$JFAASM_E run --engine $(engine_flag "$e")' failed (see $out/$e-preflight.err): $e column will be n/a" >&2
  fi
done
[ ${#engines[@]} -gt 0 ] || { echo "no engine to run" >&2; exit 2; }

run_one() { # engine kernel -> stdout of the kernel process
  local engine=$1 k=$2
  case "$engine" in
    native) timeout "$TIMEOUT" "build/native/$k" "$reps" ;;
    node)   timeout "$TIMEOUT" "$NODE" --no-warnings run-node.mjs "wasm/$k.wasm" "$reps" ;;
    jfaasm|chicory|baseline) (cd "$REPO" && timeout "$TIMEOUT" "$(launcher "$engine")" run --timeout "$TIMEOUT" \
                       --engine "$(engine_flag "$engine")" "bench/kernels/wasm/$k.wasm" "$reps") ;;
  esac
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)
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
  echo "native_cc=$(gcc --version | head -1)"
  echo "native_cflags=$(cat build/native/CFLAGS 2>/dev/null || echo unknown)"
  echo "clang=$(clang --version 2>/dev/null | head -1 || echo n/a)"
  echo "node=$("$NODE" --version)"
  if [[ " ${engines[*]} " == *" jfaasm "* || " ${engines[*]} " == *" chicory "* ]]; then echo "jfaasm=$JFAASM"; else echo "jfaasm=n/a"; fi
  if [ -n "$baseline" ]; then echo "baseline=$baseline ($(git -C "$baseline" rev-parse --short HEAD 2>/dev/null || echo unknown))"; fi
  # other processes on the machine distort the numbers: keep the load with them
  echo "loadavg_start=$load_start"
  echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
} > "$versions"

python3 "$HERE/report.py" --dir "$out" --reps "$reps" --runs "$runs" \
  --engines "$(IFS=,; echo "${engines[*]}")" --kernels "$(IFS=,; echo "${kernels[*]}")" \
  --versions "$versions" ${json:+--json "$json"}
