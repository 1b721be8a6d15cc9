#!/usr/bin/env bash
# Rebuilds the experiments' wasm functions (experiments/functions/*.c) next to their sources with
# sdk/build-function.sh (reproducible: CI rebuilds them and fails if one differs from the commit).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SDK="$DIR/../../sdk"
for src in "$DIR"/*.c; do
    "$SDK/build-function.sh" "$src" "${src%.c}.wasm"
done
