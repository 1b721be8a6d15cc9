#!/usr/bin/env bash
# Builds a Rust function project (a cargo package depending on sdk/rust/faasm)
# to WebAssembly: every binary NAME of the package becomes OUT_DIR/NAME.wasm.
#
#   sdk/build-rust.sh PROJECT_DIR [OUT_DIR]     (OUT_DIR defaults to PROJECT_DIR)
#
# Toolchain: a rustc with the wasm32-wasi standard library (Debian:
#   apt-get install -y rustc cargo libstd-rust-dev-wasm32). A rustup toolchain
# first on PATH without that target (rustup names it wasm32-wasip1 from 1.78)
# is passed over for /usr/bin/rustc; RUSTC and CARGO choose explicitly.
#
# Reproducible: the package's release profile sets one codegen unit, LTO, no
# debug info and strips symbols; here paths are remapped (the project to its
# base name, the SDK to sdk/, cargo's home to cargo/) so no absolute path
# reaches the module, whatever directory it is built in.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APT_LINE="apt-get install -y rustc cargo libstd-rust-dev-wasm32"

die() { echo "build-rust.sh: $*" >&2; exit 1; }
missing_toolchain() {
    echo "build-rust.sh: Rust toolchain for wasm missing: $*" >&2
    echo "install it with:" >&2
    echo "  $APT_LINE" >&2
    exit 2
}

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 PROJECT_DIR [OUT_DIR]" >&2
    exit 64
fi
[ -f "$1/Cargo.toml" ] || die "no Cargo.toml in $1"
PROJECT="$(cd "$1" && pwd)"
OUT_DIR="${2:-$PROJECT}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

# The target triple a rustc has a standard library for, if any.
wasi_target() {
    local sysroot
    sysroot="$("$1" --print sysroot 2>/dev/null)" || return 1
    for t in wasm32-wasi wasm32-wasip1; do
        [ -d "$sysroot/lib/rustlib/$t/lib" ] && { echo "$t"; return 0; }
    done
    return 1
}

if [ -z "${RUSTC:-}" ]; then
    for candidate in "$(command -v rustc || true)" /usr/bin/rustc; do
        if [ -n "$candidate" ] && wasi_target "$candidate" >/dev/null; then RUSTC="$candidate"; break; fi
    done
fi
[ -n "${RUSTC:-}" ] || missing_toolchain "no rustc with the wasm32-wasi target"
TARGET="$(wasi_target "$RUSTC")" || missing_toolchain "$RUSTC has no wasm32-wasi standard library"
if [ -z "${CARGO:-}" ]; then
    CARGO="$(dirname "$RUSTC")/cargo"
    [ -x "$CARGO" ] || CARGO="$(command -v cargo || true)"
fi
[ -n "$CARGO" ] && [ -x "$CARGO" ] || missing_toolchain "cargo not found"
export RUSTC

# cargo hashes the absolute path of a path dependency (the SDK crate) into symbol names, which
# decide the order of functions in the module: the same sources built in two checkouts differ.
# A project inside this repository (the examples CI rebuilds and compares) is therefore built from
# copies at one fixed place, under a lock; a project elsewhere is built where it is.
REPO_DIR="$(cd "$SDK_DIR/.." && pwd)"
BUILD_SDK="$SDK_DIR"
BUILD_PROJECT="$PROJECT"
TARGET_DIR="${CARGO_TARGET_DIR:-$PROJECT/target}"
case "$PROJECT/" in
    "$REPO_DIR"/*)
        rel="${PROJECT#"$REPO_DIR"/}"
        STAGE="${TMPDIR:-/tmp}/jfaasm-rust-stage"
        mkdir -p "$STAGE"
        exec 9>"$STAGE/lock"
        flock 9
        rm -rf "$STAGE/repo"
        mkdir -p "$STAGE/repo/sdk" "$STAGE/repo/$rel"
        cp -a "$SDK_DIR/rust" "$STAGE/repo/sdk/"
        rm -rf "$STAGE/repo/sdk/rust/faasm/target"
        (cd "$PROJECT" && tar --exclude=./target -cf - .) | (cd "$STAGE/repo/$rel" && tar -xf -)
        BUILD_SDK="$STAGE/repo/sdk"
        BUILD_PROJECT="$STAGE/repo/$rel"
        TARGET_DIR="${CARGO_TARGET_DIR:-$STAGE/target/$rel}"
        ;;
esac

CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
export RUSTFLAGS="-C debuginfo=0 --remap-path-prefix=$CARGO_HOME_DIR=cargo \
--remap-path-prefix=$BUILD_SDK=sdk --remap-path-prefix=$BUILD_PROJECT=$(basename "$PROJECT")"

"$CARGO" build --offline --release --target "$TARGET" --bins \
    --manifest-path "$BUILD_PROJECT/Cargo.toml" --target-dir "$TARGET_DIR" --quiet

# The binaries of the package: each src/bin/NAME.rs, and src/main.rs as the package's name.
names=()
[ -f "$PROJECT/src/main.rs" ] && names+=("$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$PROJECT/Cargo.toml" | head -1)")
for f in "$PROJECT"/src/bin/*.rs; do
    [ -e "$f" ] && names+=("$(basename "${f%.rs}")")
done
[ ${#names[@]} -gt 0 ] || die "no binary in $PROJECT (want src/main.rs or src/bin/NAME.rs)"
for name in "${names[@]}"; do
    cp -f "$TARGET_DIR/$TARGET/release/$name.wasm" "$OUT_DIR/$name.wasm"
    echo "built $OUT_DIR/$name.wasm ($(wc -c <"$OUT_DIR/$name.wasm") bytes)"
done
