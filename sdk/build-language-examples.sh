#!/usr/bin/env bash
# Rebuilds the Rust and AssemblyScript example functions in place:
# examples/rust (one module per src/bin/NAME.rs) and examples/assemblyscript/*.ts.
# The committed modules are built with Debian's rustc 1.63 (RUSTC defaults to
# /usr/bin/rustc here, so a rustup toolchain on PATH does not change them).
set -euo pipefail
SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EX_DIR="$(cd "$SDK_DIR/../examples" && pwd)"

RUSTC="${RUSTC:-/usr/bin/rustc}" CARGO="${CARGO:-/usr/bin/cargo}" "$SDK_DIR/build-rust.sh" "$EX_DIR/rust"
for src in "$EX_DIR"/assemblyscript/*.ts; do
    "$SDK_DIR/build-assemblyscript.sh" "$src"
done
