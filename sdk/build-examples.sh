#!/usr/bin/env bash
# Rebuilds every example function (examples/*.c, examples/*.cpp) into
# examples/NAME.wasm with sdk/build-function.sh.
#   sdk/build-examples.sh [OUT_DIR]   (default: examples/, next to the sources)
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EX_DIR="$(cd "$SDK_DIR/../examples" && pwd)"
OUT_DIR="${1:-$EX_DIR}"
mkdir -p "$OUT_DIR"

shopt -s nullglob
srcs=("$EX_DIR"/*.c "$EX_DIR"/*.cpp)
[ ${#srcs[@]} -gt 0 ] || { echo "no example sources in $EX_DIR" >&2; exit 1; }

failed=0
for src in "${srcs[@]}"; do
    name="$(basename "${src%.*}")"
    if ! "$SDK_DIR/build-function.sh" "$src" "$OUT_DIR/$name.wasm"; then
        echo "FAILED $src" >&2
        failed=1
    fi
done
# Libraries for dlopen (examples/libs/*.c): side modules, see build-library.sh.
for src in "$EX_DIR"/libs/*.c; do
    name="$(basename "${src%.*}")"
    mkdir -p "$OUT_DIR/libs"
    if ! "$SDK_DIR/build-library.sh" "$src" "$OUT_DIR/libs/$name.wasm"; then
        echo "FAILED $src" >&2
        failed=1
    fi
done
exit $failed
