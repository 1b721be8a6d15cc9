#!/usr/bin/env bash
# Native binaries of the process-per-call baseline (io.jfaasm.bench.ProcessBaseline):
#   build/noop       examples/noop.c (int main(void) { return 0; }), gcc -O2, dynamically linked
#                    against glibc like any ordinary program
#   build/noop_idle  noop_idle.c: the same, but it pause()s, for the idle-memory measurement
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/build"
CC="${CC:-gcc}"
"$CC" -O2 -o "$here/build/noop" "$here/../../examples/noop.c"
"$CC" -O2 -o "$here/build/noop_idle" "$here/noop_idle.c"
echo "built $here/build/noop $here/build/noop_idle ($("$CC" --version | head -1))"
