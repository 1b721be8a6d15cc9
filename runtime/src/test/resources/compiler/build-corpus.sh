#!/usr/bin/env bash
# Rebuilds the committed differential-test corpus (and ops/ops.wasm from ops.wat) of JFaasm's compiler tier (CompilerDifferentialTest):
#   kernels-small/NAME.wasm  the bench kernels (bench/kernels/src) at tiny sizes, so that Chicory's
#                            interpreter runs them in well under a second
#   fuzz/fNNN.wasm           random valid modules from binaryen's `wasm-opt -ttf` (NNN: the seed), the
#                            first COUNT seeds from 1 whose module Chicory accepts (ChicoryAccepts.java:
#                            its validator refuses some valid ones, e.g. a function's ref.func of itself
#                            declared only by an active element segment)
# usage: build-corpus.sh [--kernels] [--fuzz COUNT]   (default: both, 60 fuzz modules)
# Environment: JAVA (java, 21 or later, with Chicory's jars in M2=~/.m2/repository), WASM_OPT (binaryen's wasm-opt, version 132; never put binaryen on PATH: clang would run
# it on every build), CC_WASM (clang), WASI_SYSROOT (/usr).
# binaryen 132 is npm's build: `npm install --prefix /work/h/tools/binaryen-npm binaryen@132.0.0`.
# Debian's binaryen 108 will not do: its reference types are pre-standard (anyref, non-null
# `(ref func)`), modules that neither wabt nor Chicory accept.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../../.." && pwd)
WASM_OPT=${WASM_OPT:-/work/h/tools/binaryen-npm/node_modules/.bin/wasm-opt}
CC_WASM=${CC_WASM:-clang}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
M2=${M2:-$HOME/.m2/repository}
CHICORY=$M2/com/dylibso/chicory
kernels=0 fuzz=0 count=60
[ $# -eq 0 ] && kernels=1 && fuzz=1
while [ $# -gt 0 ]; do
  case "$1" in
    --kernels) kernels=1; shift ;;
    --fuzz) fuzz=1; count=$2; shift 2 ;;
    *) echo "usage: $0 [--kernels] [--fuzz COUNT]" >&2; exit 2 ;;
  esac
done
if [ "$kernels" = 1 ]; then
  mkdir -p "$HERE/kernels-small"
  for src in "$REPO"/bench/kernels/src/*.c; do
    name=$(basename "$src" .c)
    $CC_WASM -O2 -fno-math-errno -std=c11 --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -Wl,--strip-debug \
      -DNI=24 -DNJ=26 -DNK=28 -DNL=30 -DN=32 -DTSTEPS=3 -DSTEPS=200 -DROWS=500 -DITERS=3 \
      -DBUF_BYTES=4096 -DROUNDS=4 -o "$HERE/kernels-small/$name.wasm" "$src"
  done
fi
wat2wasm "$HERE/ops/ops.wat" -o "$HERE/ops/ops.wasm"
if [ "$fuzz" = 1 ]; then
  [ -x "$WASM_OPT" ] || { echo "wasm-opt not found at $WASM_OPT (set WASM_OPT)" >&2; exit 1; }
  mkdir -p "$HERE/fuzz"
  rm -f "$HERE"/fuzz/f*.wasm
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  kept=0 seed=0
  while [ "$kept" -lt "$count" ]; do
    # a batch of candidates, then Chicory's verdict on them in one JVM
    for ((i = seed + 1; i <= seed + count; i++)); do
      python3 -c "import random,sys; r=random.Random($i); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(6000)))" > "$tmp/r.dat"
      # --denan: with two NaN operands, which payload an add keeps depends on how HotSpot compiled
      # the code (in the reference interpreter too); wasm allows any, so the corpus avoids NaNs.
      # NaN bits where they are deterministic are covered by ops/ops.wat (CompilerOpsTest).
      # multi-value, reference types and bulk memory (passive segments, table instructions) are on
      # so that random modules exercise them too.
      "$WASM_OPT" "$tmp/r.dat" -ttf --denan --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
        --enable-multivalue --enable-reference-types -o "$tmp/$(printf 'f%03d' "$i").wasm" 2>/dev/null
    done
    seed=$((seed + count))
    for f in $("$JAVA" -cp "$CHICORY/wasm/1.7.5/wasm-1.7.5.jar:$CHICORY/log/1.7.5/log-1.7.5.jar" \
        "$HERE/ChicoryAccepts.java" "$tmp"/f*.wasm 2>/dev/null | sort); do
      if [ "$kept" -lt "$count" ]; then
        cp "$f" "$HERE/fuzz/"
        kept=$((kept + 1))
      fi
    done
    rm -f "$tmp"/f*.wasm
  done
fi
