#!/usr/bin/env bash
# Where an HTTP call's time goes: runs bench/http/run.sh for one target with a JFR recording in
# each server process (CPU-time samples every 1 ms of a thread's CPU, allocation samples, GC),
# then summarises each recording with JfrTop.java.
#
#   bench/http/profile.sh [--conns 16] [--duration 30] [--target noop|health|fanout|rate] [--out DIR] \
#                         [-- RUN.SH OPTIONS, e.g. --redis redis://127.0.0.1:6379 --hosts 2]
#
# For fanout, --conns is the number of connections sending fanouts; for rate, it is the rate.
# The recording starts after the server's start and the warm-up (delay), so JIT warm-up is not
# in it. Extra JVM flags for the server can still be given in JFAASM_JAVA_OPTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
conns=16; duration=30; target=noop; out=""
while (( $# )); do
  case "$1" in
    --conns) conns="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; break ;;   # the rest goes to run.sh, e.g. -- --redis redis://127.0.0.1:6379 --hosts 2
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-$(mktemp -d /tmp/jfaasm-http-profile.XXXXXX)}"
mkdir -p "$out"
: > "$out/profile.txt"
jfr="$out/server-%p.jfr"   # one recording per host process
"$repo/jfaasm" --help >/dev/null        # build first if needed, so the start-up below is short
warmup=15
# start-up (~3 s) + warm-up; record the measured run only
delay=$(( warmup + 6 ))
rec="settings=profile,delay=${delay}s,duration=$(( duration - 4 ))s,filename=$jfr"
rec+=",jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=1ms"
JFAASM_JAVA_OPTS="-XX:StartFlightRecording=$rec ${JFAASM_JAVA_OPTS:-}" \
  "$here/run.sh" --only "$target" --conns "$conns" --fanout-conns "$conns" --rates "$conns" --rate-conns 16 --duration "$duration" --warmup "$warmup" --out "$out" "$@"
sleep 1
for f in "$out"/server-*.jfr; do   # one per host (named by pid)
  echo "== $f" | tee -a "$out/profile.txt"
  "$JAVA_HOME/bin/java" "$here/JfrTop.java" "$f" 25 | tee -a "$out/profile.txt"
done
echo "recordings: $out/server-*.jfr; summary: $out/profile.txt" >&2
