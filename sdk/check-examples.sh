#!/usr/bin/env bash
# Rebuilds every example into a temporary directory and compares each with
# the committed examples/NAME.wasm, byte for byte. Prints the ones that
# differ or are missing; exits 1 if any.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EX_DIR="$(cd "$SDK_DIR/../examples" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

if ! "$SDK_DIR/build-examples.sh" "$TMP" >"$TMP/build.log" 2>&1; then
    cat "$TMP/build.log" >&2
    echo "check-examples: build failed" >&2
    exit 1
fi

shopt -s nullglob
bad=0
for src in "$EX_DIR"/*.c "$EX_DIR"/*.cpp; do
    name="$(basename "${src%.*}")"
    if [ ! -f "$EX_DIR/$name.wasm" ]; then
        echo "MISSING examples/$name.wasm"
        bad=1
    elif ! cmp -s "$TMP/$name.wasm" "$EX_DIR/$name.wasm"; then
        echo "DIFFERS examples/$name.wasm"
        bad=1
    else
        echo "same    examples/$name.wasm"
    fi
done
for src in "$EX_DIR"/libs/*.c; do
    name="libs/$(basename "${src%.*}")"
    if [ ! -f "$EX_DIR/$name.wasm" ]; then
        echo "MISSING examples/$name.wasm"
        bad=1
    elif ! cmp -s "$TMP/$name.wasm" "$EX_DIR/$name.wasm"; then
        echo "DIFFERS examples/$name.wasm"
        bad=1
    else
        echo "same    examples/$name.wasm"
    fi
done
for wasm in "$EX_DIR"/*.wasm; do
    name="$(basename "${wasm%.wasm}")"
    if [ ! -f "$EX_DIR/$name.c" ] && [ ! -f "$EX_DIR/$name.cpp" ]; then
        echo "NO SOURCE for examples/$name.wasm"
        bad=1
    fi
done
if [ $bad -ne 0 ]; then
    echo "check-examples: committed .wasm files are out of date (run sdk/build-examples.sh)" >&2
    exit 1
fi
echo "check-examples: all examples reproduce byte for byte"
