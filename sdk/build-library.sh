#!/usr/bin/env bash
# Builds a library that JFaasm functions can dlopen(): a wasm "side module"
# (dylink.0 section; imports env.memory, env.__indirect_function_table,
# __memory_base, __table_base) from one C source, with no libc.
#
#   sdk/build-library.sh SRC.c [OUT.wasm] [extra clang flags...]
#
# Why the emscripten triple: clang 14 ignores -fPIC for wasm32-wasi
# (WebAssemblyTargetMachine forces the static relocation model for every OS
# but Emscripten), so a wasm32-wasi object has absolute addresses and
# wasm-ld -shared refuses it ("relocation R_WASM_MEMORY_ADDR_LEB cannot be
# used against symbol ...; recompile with -fPIC"). The C ABI of
# wasm32-unknown-emscripten is that of wasm32-wasi except long double's
# alignment (8 instead of 16 bytes), and without libc nothing else differs.
# LLVM 17+ honours -fPIC for wasm32-wasi (D153293). See docs/dynamic-loading.md.
#
# -fvisibility=default: wasm targets hide symbols by default, and only
# default-visibility symbols are exported for dlsym. Reproducible like
# build-function.sh: no debug info, relative source names, no wasm-opt.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 SRC.c [OUT.wasm] [extra clang flags...]" >&2; exit 64; }
SRC="$1"; shift
[ -f "$SRC" ] || { echo "build-library.sh: no such source file: $SRC" >&2; exit 1; }
OUT=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then OUT="$1"; shift; fi
[ -n "$OUT" ] || OUT="${SRC%.*}.wasm"
command -v clang >/dev/null && command -v wasm-ld >/dev/null \
    || { echo "build-library.sh: clang and wasm-ld (lld) are needed" >&2; exit 2; }

SRC_DIR="$(cd "$(dirname "$SRC")" && pwd)"
SRC_BASE="$(basename "$SRC")"
mkdir -p "$(dirname "$OUT")"
OUT_ABS="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

(
    cd "$SRC_DIR"
    clang --target=wasm32-unknown-emscripten -O2 -g0 -Wall -fPIC -fvisibility=default \
        -nostdlib -ffreestanding "-I$SDK_DIR/include" "-ffile-prefix-map=$SDK_DIR/=sdk/" \
        "$@" -c "$SRC_BASE" -o "$TMP/lib.o"
)
wasm-ld -shared --experimental-pic --strip-debug "$TMP/lib.o" -o "$TMP/lib.wasm"
mv -f "$TMP/lib.wasm" "$OUT_ABS"
echo "built $OUT (library, $(wc -c <"$OUT_ABS") bytes)"
