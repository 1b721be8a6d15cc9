#!/usr/bin/env bash
# Where a no-op HTTP call's time goes: runs bench/http/run.sh (noop only) with a JFR recording in
# the server (CPU-time samples every 1 ms of a thread's CPU, allocation samples, GC), then
# summarises it with JfrTop.java.
#
health] [--out DIR]|health] [--out DIR]
#
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
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-$(mktemp -d /tmp/jfaasm-http-profile.XXXXXX)}"
mkdir -p "$out"
jfr="$out/server.jfr"
"$repo/jfaasm" --help >/dev/null        # build first if needed, so the start-up below is short
warmup=15
# start-up (~3 s) + warm-up; record the measured run only
delay=$(( warmup + 6 ))
rec="settings=profile,delay=${delay}s,duration=$(( duration - 4 ))s,filename=$jfr"
rec+=",jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=1ms"
JFAASM_JAVA_OPTS="-XX:StartFlightRecording=$rec ${JFAASM_JAVA_OPTS:-}" \
  "$here/run.sh" --only "$target" --conns "$conns" --fanout-conns "$conns" --rates "$conns" --rate-conns 16 --duration "$duration" --warmup "$warmup" --out "$out"
for _ in $(seq 50); do [[ -s "$jfr" ]] && break; sleep 0.2; done
"$JAVA_HOME/bin/java" "$here/JfrTop.java" "$jfr" 25 | tee "$out/profile.txt"
echo "recording: $jfr; summary: $out/profile.txt" >&2
