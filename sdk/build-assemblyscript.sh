#!/usr/bin/env bash
# Builds one AssemblyScript function to WebAssembly (wasm32, WASI preview1).
#
#   sdk/build-assemblyscript.sh SRC.ts [OUT.wasm]   (OUT defaults to SRC with .wasm)
#
# The function exports `faasm_main(): i32` and imports the Faasm API with
# `import * as faasm from "faasm"` (sdk/assemblyscript/lib/faasm). The module
# is a WASI reactor: its top-level code is exported as `_initialize`, which
# the runtime runs once at load, before the Proto-Faaslet snapshot, so every
# call starts with it done. The function table is exported: without it the
# optimiser drops a table no call_indirect uses, and with it the table
# indices faasm.chainFunction passes to __faasm_chain_ptr.
#
# Toolchain: the compiler pinned in sdk/assemblyscript/package-lock.json
# (assemblyscript + @assemblyscript/wasi-shim, which turns abort/trace/seed
# and console into WASI calls so the module imports nothing else from env).
# Install it once with: (cd sdk/assemblyscript && npm ci). Its bundled
# binaryen optimises in-process: nothing is put on PATH.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AS_DIR="$SDK_DIR/assemblyscript"
ASC="$AS_DIR/node_modules/assemblyscript/bin/asc.js"
SHIM="$AS_DIR/node_modules/@assemblyscript/wasi-shim/asconfig.json"

missing_toolchain() {
    echo "build-assemblyscript.sh: AssemblyScript toolchain missing: $*" >&2
    echo "install it with:" >&2
    echo "  apt-get install -y nodejs npm   # if node is missing" >&2
    echo "  (cd $AS_DIR && npm ci)" >&2
    exit 2
}

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 SRC.ts [OUT.wasm]" >&2
    exit 64
fi
SRC="$1"
[ -f "$SRC" ] || { echo "build-assemblyscript.sh: no such source file: $SRC" >&2; exit 1; }
OUT="${2:-${SRC%.ts}.wasm}"

command -v node >/dev/null 2>&1 || missing_toolchain "node not found"
[ -f "$ASC" ] && [ -f "$SHIM" ] || missing_toolchain "no compiler under $AS_DIR/node_modules"

mkdir -p "$(dirname "$OUT")"
OUT_ABS="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
# From the source's directory, under its base name, and SDK paths relative to it: asc joins
# library paths to its base directory (an absolute --lib or --config is not found), and no
# absolute path reaches the compiler.
SRC_DIR="$(cd "$(dirname "$SRC")" && pwd)"
rel() { realpath --relative-to="$SRC_DIR" "$1"; }
(
    cd "$SRC_DIR"
    node "$ASC" "$(basename "$SRC")" --config "$(rel "$SHIM")" --exportStart _initialize --exportTable \
        --path "$(rel "$AS_DIR/lib")" -O3 --noColors -o "$OUT_ABS"
)
echo "built $OUT (reactor, $(wc -c <"$OUT_ABS") bytes)"
