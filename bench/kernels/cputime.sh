#!/usr/bin/env bash
# CPU-time mode of compare.sh, for a machine shared with other work: every kernel's clock reads
# the CPU time of the thread running it instead of the wall clock, so its ns lines measure its
# own work, not its share of the CPUs. native: build/native/NAME with cputime.so preloaded;
# jfaasm / chicory: io.jfaasm.bench.KernelCpuTime (bench/target/benchmarks.jar) with
# --engine jfaasm / chicory-compiler. Node is not run (its WASI clock cannot be swapped here).
# JIT compiler threads are not counted: 'first' understates warm-up on a loaded machine.
#
# usage: cputime.sh [--reps N] [--runs R] [--only k1,k2] [--engines native,jfaasm,chicory]
#                   [--baseline DIR]   (another checkout's tier as engine "baseline", as compare.sh;
#                                       DIR needs its own mvn -pl bench -am package -DskipTests)
#                   [--baseline-java-opts "OPTS"]  (JVM options for the baseline engine only; without
#                                       --baseline, the baseline is this checkout run with OPTS)
#                   [--java-opts "OPTS"]  (JVM options for the jfaasm and chicory engines)
# Needs: bench/kernels/build.sh --native done, and mvn -pl bench -am package -DskipTests.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
reps=6 runs=1 only="" want=native,jfaasm,chicory baseline="" baseline_opts="" java_opts=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --engines) want=$2; shift 2 ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    --baseline-java-opts) baseline_opts=$2; shift 2 ;;
    --java-opts) java_opts=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
cd "$HERE"
mkdir -p build
gcc -O2 -shared -fPIC -o build/cputime.so cputime.c -ldl
if [ -n "$only" ]; then IFS=, read -r -a kernels <<< "$only"
else kernels=(); for f in wasm/*.wasm; do kernels+=("$(basename "$f" .wasm)"); done; fi
[ -n "$baseline_opts" ] && [ -z "$baseline" ] && baseline=$REPO
[ -n "$baseline" ] && want="$want,baseline"
IFS=, read -r -a engines <<< "$want"
out="$HERE/build/cputime"
rm -rf "$out"; mkdir -p "$out"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for k in "${kernels[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    for e in "${engines[@]}"; do
      printf '%-16s run %d/%d  %-7s' "$k" "$r" "$runs" "$e" >&2
      base="$out/$k.$e.$r"; rc=0
      case "$e" in
        native) LD_PRELOAD="$HERE/build/cputime.so" "build/native/$k" "$reps" > "$base.out" 2> "$base.err" || rc=$? ;;
        jfaasm|chicory|baseline)
          eng=$([ "$e" = chicory ] && echo chicory-compiler || echo jfaasm)
          jar=$([ "$e" = baseline ] && echo "$baseline" || echo "$REPO")/bench/target/benchmarks.jar
          opts=$([ "$e" = baseline ] && echo "$baseline_opts" || echo "$java_opts")
          # shellcheck disable=SC2086 # opts: several JVM options
          "$JAVA" --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods --add-modules=jdk.incubator.vector -Xss16m \
            -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.jfaasm.generated.*::*o,0.01' \
            '-XX:CompileCommand=CompileThresholdScaling,io.jfaasm.generated.*::*v,0.01' \
            '-XX:CompileCommand=BackgroundCompilation,io.jfaasm.generated.*::*o,false' '-XX:CompileCommand=BackgroundCompilation,io.jfaasm.generated.*::*v,false' $opts \
            -cp "$jar" io.jfaasm.bench.KernelCpuTime "$eng" "wasm/$k.wasm" "$reps" \
            > "$base.out" 2> "$base.err" || rc=$? ;;
      esac
      echo "$rc" > "$base.rc"; echo " rc=$rc" >&2
    done
  done
done
{
  echo "native_cflags=$(cat build/native/CFLAGS 2>/dev/null || echo unknown) (CPU-time clock)"
  echo "node=not run"
  if [ -n "$baseline" ]; then echo "baseline=$baseline ($(git -C "$baseline" rev-parse --short HEAD 2>/dev/null || echo unknown)) $baseline_opts"; fi
  echo "loadavg_start=$load_start"
  echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/versions.txt"
python3 "$HERE/report.py" --dir "$out" --reps "$reps" --runs "$runs" --engines "$want" \
  --kernels "$(IFS=,; echo "${kernels[*]}")" --versions "$out/versions.txt"
