#!/usr/bin/env bash
# Builds one JFaasm function from C or C++ to WebAssembly (wasm32-wasi).
#
#   sdk/build-function.sh SRC.c|SRC.cpp [OUT.wasm] [extra clang flags...]
#
# OUT defaults to SRC with the extension replaced by .wasm. A source that
# uses FAASM_MAIN() is built as a WASI reactor (exports _initialize and
# faasm_main); any other source as a WASI command (exports _start, runs main).
# Pass -mexec-model=command|reactor among the extra flags to force a style.
#
# Flags: clang --target=wasm32-wasi --sysroot=/usr -O2 -g0 (C++ also
# -fno-exceptions); link with -Wl,--stack-first (a C-stack overflow runs
# below address 0 and traps instead of corrupting data) and
# -Wl,--strip-debug (Debian's wasi-libc objects carry DWARF with build paths;
# this drops it but keeps the "name" section, so traps show function names).
# The env imports need no --allow-undefined: they are declared with
# import_module/import_name in faasm/faasm.h, and wasm-ld turns such
# declarations into imports (a misspelt ABI call is a link error).
#
# Output is reproducible: no debug info, sources compiled from their own
# directory under their base name, -ffile-prefix-map for the SDK path (no
# absolute paths), and compile and link run as two steps so clang never
# invokes wasm-opt (clang 14 runs it when it is on PATH and -O is given at
# link time). No SIMD: the default wasm32 CPU has none.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APT_LINE="apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 libc++abi-14-dev-wasm32"
SYSROOT=/usr

die() { echo "build-function.sh: $*" >&2; exit 1; }
missing_toolchain() {
    echo "build-function.sh: wasm toolchain missing: $*" >&2
    echo "install it with:" >&2
    echo "  $APT_LINE" >&2
    exit 2
}

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 SRC.c|SRC.cpp [OUT.wasm] [extra clang flags...]" >&2
    exit 64
fi

SRC="$1"; shift
[ -f "$SRC" ] || die "no such source file: $SRC"
case "$SRC" in
    *.c)                     LANG_KIND=c;   CC=clang ;;
    *.cpp|*.cc|*.cxx|*.C)    LANG_KIND=cxx; CC=clang++ ;;
    *) die "unsupported source extension (want .c or .cpp): $SRC" ;;
esac

OUT=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    OUT="$1"; shift
fi
[ -n "$OUT" ] || OUT="${SRC%.*}.wasm"
EXTRA=("$@")
# A source may ask for link flags on a line of its own, e.g. a function that
# dlopen()s libraries needs a table it can grow:
#   // jfaasm-build: -Wl,--growable-table
while read -r flag; do
    [ -n "$flag" ] && EXTRA+=("$flag")
done < <(sed -n 's|^[[:space:]]*//[[:space:]]*jfaasm-build:[[:space:]]*||p' "$SRC" | tr ' ' '\n')

# --- toolchain check -------------------------------------------------------
command -v "$CC" >/dev/null 2>&1 || missing_toolchain "$CC not found"
command -v wasm-ld >/dev/null 2>&1 || missing_toolchain "wasm-ld (lld) not found"
[ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ] && [ -f "$SYSROOT/include/wasm32-wasi/stdio.h" ] \
    || missing_toolchain "wasi-libc not found under $SYSROOT"
RT_BUILTINS="$("$CC" --target=wasm32-wasi --sysroot="$SYSROOT" -print-libgcc-file-name 2>/dev/null || true)"
[ -n "$RT_BUILTINS" ] && [ -f "$RT_BUILTINS" ] \
    || missing_toolchain "compiler-rt builtins for wasm32 not found (${RT_BUILTINS:-?})"
if [ "$LANG_KIND" = cxx ]; then
    [ -f "$SYSROOT/lib/wasm32-wasi/libc++.a" ] && [ -f "$SYSROOT/lib/wasm32-wasi/libc++abi.a" ] \
        || missing_toolchain "libc++/libc++abi for wasm32-wasi not found"
fi

# --- paths (work from any cwd) ---------------------------------------------
SRC_DIR="$(cd "$(dirname "$SRC")" && pwd)"
SRC_BASE="$(basename "$SRC")"
OUT_DIR="$(dirname "$OUT")"
mkdir -p "$OUT_DIR"
OUT_ABS="$(cd "$OUT_DIR" && pwd)/$(basename "$OUT")"

# --- entry style -----------------------------------------------------------
EXEC_MODEL=command
if grep -Eq '^[[:space:]]*FAASM_MAIN[[:space:]]*\([[:space:]]*\)' "$SRC_DIR/$SRC_BASE"; then
    EXEC_MODEL=reactor
fi
COMPILE_EXTRA=()
LINK_EXTRA=()
for f in ${EXTRA[@]+"${EXTRA[@]}"}; do
    case "$f" in
        -mexec-model=*) EXEC_MODEL="${f#-mexec-model=}" ;;
        -O*)  COMPILE_EXTRA+=("$f") ;;              # never at link: no wasm-opt
        -Wl,*|-l*|-L*) LINK_EXTRA+=("$f") ;;
        *)    COMPILE_EXTRA+=("$f"); LINK_EXTRA+=("$f") ;;
    esac
done
case "$EXEC_MODEL" in command|reactor) ;; *) die "bad -mexec-model: $EXEC_MODEL" ;; esac

COMMON=(--target=wasm32-wasi "--sysroot=$SYSROOT")
CFLAGS=(-O2 -g0 -Wall "-I$SDK_DIR/include" "-ffile-prefix-map=$SDK_DIR/=sdk/")
[ "$LANG_KIND" = cxx ] && CFLAGS+=(-fno-exceptions)
LDFLAGS=("-mexec-model=$EXEC_MODEL" -Wl,--stack-first -Wl,--strip-debug)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

(
    cd "$SRC_DIR"
    "$CC" "${COMMON[@]}" "${CFLAGS[@]}" ${COMPILE_EXTRA[@]+"${COMPILE_EXTRA[@]}"} \
        -c "$SRC_BASE" -o "$TMP/fn.o"
)
"$CC" "${COMMON[@]}" "${LDFLAGS[@]}" ${LINK_EXTRA[@]+"${LINK_EXTRA[@]}"} \
    "$TMP/fn.o" -o "$TMP/fn.wasm"
mv -f "$TMP/fn.wasm" "$OUT_ABS"
echo "built $OUT ($EXEC_MODEL, $(wc -c <"$OUT_ABS") bytes)"
