#!/usr/bin/env bash
# Rebuilds the experiments' functions (experiments/functions/*.c) into NAME.wasm next to them with
# sdk/build-function.sh; deterministic, so CI can compare them with the committed ones.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SDK="$(cd "$DIR/../../sdk" && pwd)"
shopt -s nullglob
for src in "$DIR"/*.c; do
    "$SDK/build-function.sh" "$src" "$DIR/$(basename "${src%.c}").wasm"
done
