#!/usr/bin/env bash
# Rebuilds the hand-written test modules of the runtime's loader tests:
#   runtime/src/test/resources/modules/NAME.wat -> NAME.wasm (next to it)
# with wabt's wat2wasm. Extra flags for one module go on a line of its own in the .wat:
#   ;; wat2wasm-flags: --no-check        (e.g. a module that must fail validation)
# Output is reproducible: wat2wasm writes no names, paths or timestamps unless asked
# (no --debug-names), so the same .wat and wabt version give the same bytes.
#   sdk/build-test-modules.sh           rebuild every module
#   sdk/build-test-modules.sh --check   rebuild into a temp dir and fail if a committed .wasm differs
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOD_DIR="$(cd "$SDK_DIR/../runtime/src/test/resources/modules" && pwd)"
WAT2WASM="${WAT2WASM:-wat2wasm}"
command -v "$WAT2WASM" >/dev/null || { echo "wat2wasm not found (install wabt)" >&2; exit 1; }

check=0
if [ "${1:-}" = "--check" ]; then check=1; fi

out_dir="$MOD_DIR"
if [ $check = 1 ]; then
    out_dir="$(mktemp -d)"
    trap 'rm -rf "$out_dir"' EXIT
fi

shopt -s nullglob
wats=("$MOD_DIR"/*.wat)
[ ${#wats[@]} -gt 0 ] || { echo "no .wat modules in $MOD_DIR" >&2; exit 1; }

status=0
for wat in "${wats[@]}"; do
    name="$(basename "${wat%.wat}")"
    flags="$(sed -n 's/^;; *wat2wasm-flags: *//p' "$wat" | head -n 1)"
    # shellcheck disable=SC2086 # flags are words
    "$WAT2WASM" $flags "$wat" -o "$out_dir/$name.wasm"
    if [ $check = 1 ]; then
        if ! cmp -s "$out_dir/$name.wasm" "$MOD_DIR/$name.wasm"; then
            echo "DIFFERS $name.wasm (rebuild with sdk/build-test-modules.sh)" >&2
            status=1
        fi
    else
        echo "built $name.wasm ${flags:+($flags)}"
    fi
done
# The compiler tier's hand-written modules: ops.wat (CompilerOpsTest) and the generated big.wat
# (CompilerSplitTest, from gen_big.py).
COMP_DIR="$(cd "$SDK_DIR/../runtime/src/test/resources/compiler" && pwd)"
big_wat="$(mktemp --suffix=.wat)"
python3 "$COMP_DIR/big/gen_big.py" > "$big_wat"
for pair in "$COMP_DIR/ops/ops.wat:ops/ops.wasm" "$big_wat:big/big.wasm"; do
    wat="${pair%%:*}" target="$COMP_DIR/${pair#*:}"
    built="$out_dir/$(basename "$target")"
    [ $check = 1 ] || built="$target"
    "$WAT2WASM" "$wat" -o "$built"
    if [ $check = 1 ] && ! cmp -s "$built" "$target"; then
        echo "DIFFERS ${pair#*:} (rebuild with sdk/build-test-modules.sh)" >&2
        status=1
    fi
done
rm -f "$big_wat"
exit $status
