#!/usr/bin/env bash
# Builds every kernel in src/ twice from the same source:
#   native:  build/native/NAME      (gcc -O2)
#   wasm:    wasm/NAME.wasm         (clang -O2 --target=wasm32-wasi, committed)
# The .wasm files are reproducible byte for byte for a given clang/wasi-libc:
# no debug info (wasi-libc's DWARF is stripped), no paths embedded, no SIMD.
#
# usage: build.sh [--native | --wasm]     (default: both)
# environment: CC_NATIVE (gcc), CC_WASM (clang), WASI_SYSROOT (/usr),
#              NATIVE_EXTRA_CFLAGS (appended to the native flags only)
set -euo pipefail
cd "$(dirname "$0")"

CC_NATIVE=${CC_NATIVE:-gcc}
CC_WASM=${CC_WASM:-clang}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}
# Same optimisation level on both sides; deliberately nothing else
# (no -march=native, no -ffast-math: results must match bit for bit).
# -fno-math-errno is clang's default for wasm32-wasi already (it does not
# change a byte of the .wasm); passing it to gcc too means both sides compile
# sqrt() as the bare instruction instead of gcc adding an errno slow path.
CFLAGS_COMMON="-O2 -fno-math-errno -std=c11 -Wall -Wextra"
# NATIVE_EXTRA_CFLAGS: experiments on the native side only, e.g.
# -fno-tree-vectorize for a scalar baseline (wasm has no SIMD here).
CFLAGS_NATIVE="$CFLAGS_COMMON${NATIVE_EXTRA_CFLAGS:+ $NATIVE_EXTRA_CFLAGS}"
CFLAGS_WASM="$CFLAGS_COMMON --target=wasm32-wasi --sysroot=$WASI_SYSROOT"
# keep the "name" section (function names, useful in stack traces); drop DWARF
LDFLAGS_WASM="-Wl,--strip-debug"
LDLIBS_NATIVE="-lm"

do_native=1 do_wasm=1
case "${1:-}" in
  "") ;;
  --native) do_wasm=0 ;;
  --wasm) do_native=0 ;;
  *) echo "usage: $0 [--native | --wasm]" >&2; exit 2 ;;
esac

mkdir -p build/native wasm
if [ "$do_native" = 1 ]; then
  echo "$CC_NATIVE $CFLAGS_NATIVE" > build/native/CFLAGS
fi
for src in src/*.c; do
  name=$(basename "$src" .c)
  if [ "$do_native" = 1 ]; then
    # shellcheck disable=SC2086
    $CC_NATIVE $CFLAGS_NATIVE -o "build/native/$name" "$src" $LDLIBS_NATIVE
  fi
  if [ "$do_wasm" = 1 ]; then
    # build into build/ first, then move: a failed build never leaves a partial .wasm
    # shellcheck disable=SC2086
    $CC_WASM $CFLAGS_WASM $LDFLAGS_WASM -o "build/$name.wasm" "$src"
    if grep -q -a -e "$PWD" -e "$HOME" "build/$name.wasm"; then
      echo "error: build/$name.wasm embeds a local path" >&2; exit 1
    fi
    mv "build/$name.wasm" "wasm/$name.wasm"
  fi
  echo "built $name"
done
