#!/usr/bin/env bash
# HTTP benchmark of one JFaasm host on loopback, with wrk as the load generator (keep-alive).
#
#   bench/http/run.sh                          # everything: /health, noop, square, fanout (~5 min)
#   bench/http/run.sh --only noop --conns "16" --duration 30
#
# Starts `./jfaasm serve --demo` on a free loopback port with a temporary data directory, waits
# for the demo functions, then for each target warms up and runs wrk at each connection count,
# and prints one Markdown row per run: requests/s, latency percentiles, and where the 2 cores'
# time went (server, wrk, everything else on the machine), GC pauses and failed calls during the
# run. Stops the server and removes the data directory at the end.
#
# Targets:
#   health  GET  /health              the HTTP layer's own ceiling (Javalin + Jetty + JSON, no call)
#   noop    POST /f/demo/noop         empty body: a no-op wasm call through the scheduler
#   square  POST /f/demo/square "7"   one call of fanout's child, alone (1 connection): its cost
#   fanout  POST /f/demo/fanout "N"   N chained calls of square, awaited (N = --fanout-n)
#   rate    POST /f/demo/noop at fixed rates (--rates), open loop, with bench/.../HttpLoad.java:
#           latency measured from each request's intended send time (no coordinated omission)
#
# Cluster: --redis redis://127.0.0.1:6379 --hosts 2 starts that many hosts on one Redis (a fresh
#          key namespace, removed at the end); the load goes to host 1, CPU and metrics are summed over
#          all hosts, and the fanout table shows how many chained calls host 1 handed to the others.
#          --host1-args "--slots 2" gives host 1 alone extra serve options (a small host 1 hands most
#          chained calls over: the cost of forwarding).
# Options: --conns "4 16 64"  --duration 15  --warmup 10  --threads 2  --only "health noop square fanout"
#          --fanout-n 100  --fanout-conns "1 2 4"  --rates "2000 5000 10000"  --rate-conns 16  --out DIR (raw wrk output and results.md; default: a temp dir)
#          --keep-data (leave the data directory)  --server-log FILE
# Environment: JAVA_HOME (JDK 25), JFAASM_JAVA_OPTS (extra JVM flags for the server, e.g. a JFR recording),
#              JFAASM_SERVE_ARGS (extra `jfaasm serve` options, e.g. "--slots 4").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

conns="4 16 64"
duration=15
warmup=10
threads=2
only="health noop rate square fanout"
rates="2000 5000 10000"
rate_conns=16
fanout_n=100
fanout_conns="1 2 4"
out=""
keep_data=0
server_log=""
redis=""
hosts=1
host1_args=""
while (( $# )); do
  case "$1" in
    --conns) conns="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --fanout-n) fanout_n="$2"; shift 2 ;;
    --fanout-conns) fanout_conns="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --rate-conns) rate_conns="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep-data) keep_data=1; shift ;;
    --redis) redis="$2"; shift 2 ;;
    --hosts) hosts="$2"; shift 2 ;;
    --host1-args) host1_args="$2"; shift 2 ;;
    --server-log) server_log="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
wants() { [[ " $only " == *" $1 "* ]]; }

if ! command -v wrk >/dev/null; then
  echo "run.sh: installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

work="$(mktemp -d /tmp/jfaasm-http-bench.XXXXXX)"
out="${out:-$work/out}"
mkdir -p "$out"
server_log="${server_log:-$out/server.log}"
results="$out/results.md"
: > "$results"
(( hosts == 1 )) || [[ -n "$redis" ]] || { echo "run.sh: --hosts above 1 needs --redis" >&2; exit 2; }
namespace="jfaasm-bench-$(date +%s)-$$:"
pids=()
urls=()

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [[ -n "$redis" ]] && command -v redis-cli >/dev/null; then   # this run's keys only
    redis-cli -u "$redis" --scan --pattern "${namespace}*" | xargs -r -n 500 redis-cli -u "$redis" del >/dev/null || true
  fi
  if (( keep_data )); then echo "data directories kept: $work/data*" >&2; else rm -rf "$work"/data*; fi
}
trap cleanup EXIT

say() { echo "$@" | tee -a "$results"; }

# ---- start the hosts -------------------------------------------------------------------------
# start_host I [serve options...]: host I (1-based), its log $server_log (host 1) or $server_log.I
start_host() {
  local i="$1"; shift
  local log="$server_log"; (( i == 1 )) || log="$server_log.$i"
  local cluster=()
  [[ -z "$redis" ]] || cluster=(--redis "$redis" --redis-namespace "$namespace")
  echo "run.sh: starting host $i: ./jfaasm serve $* ${cluster[*]} (log: $log)" >&2
  # the launcher execs java, so this pid is the server's JVM (after a build, if one is needed)
  "$repo/jfaasm" serve "$@" --port 0 --data-dir "$work/data$i" --host-id "bench$i" "${cluster[@]}" \
    ${JFAASM_SERVE_ARGS:-} >"$log" 2>&1 &
  local pid=$! u=""
  pids+=("$pid")
  for _ in $(seq 1500); do   # up to 5 minutes: the launcher may build first
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "run.sh: host $i exited" >&2; exit 1; }
    if [[ -z "$u" ]]; then u="$(grep -o 'serving on http://[^ ]*' "$log" | head -1 | cut -d' ' -f3 || true)"; fi
    if [[ -n "$u" ]] && { (( i > 1 )) || grep -q "demo functions of user" "$log"; } \
        && curl -sf "$u/health" >/dev/null; then break; fi
    sleep 0.2
  done
  [[ -n "$u" ]] || { cat "$log" >&2; echo "run.sh: host $i did not start" >&2; exit 1; }
  urls+=("$u")
}
start_host 1 --demo $host1_args
for (( i = 2; i <= hosts; i++ )); do
  start_host "$i"
  for _ in $(seq 100); do   # it sees the functions host 1 uploaded
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "${urls[$((i - 1))]}/f/demo/square")" == 200 ]] && break
    sleep 0.2
  done
done
url="${urls[0]}"
server_pid="${pids[0]}"
check="$(curl -s --data-binary "$fanout_n" "$url/f/demo/fanout")"
expect=$(( fanout_n * (fanout_n + 1) * (2 * fanout_n + 1) / 6 ))
[[ "$check" == "$expect" ]] || { echo "run.sh: fanout $fanout_n gave '$check', expected $expect" >&2; exit 1; }
[[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/f/demo/noop")" == 200 ]] \
  || { echo "run.sh: noop call failed" >&2; exit 1; }

ncpu=$(nproc)
load_src="$repo/bench/src/main/java/io/jfaasm/bench/HttpLoad.java"
clk=$(getconf CLK_TCK)

# ---- measurement helpers ---------------------------------------------------------------------
# every host's metrics, one after another (msum adds them up; mmax takes the largest)
metrics() { local u; for u in "${urls[@]}"; do curl -s "$u/metrics"; done; }
# sum of the values of the metric lines matching an extended regex
msum() { grep -E "$1" <<<"$2" | grep -v '^#' | awk '{ s += $NF } END { printf "%.9f", s + 0 }'; }
mmax() { grep -E "$1" <<<"$2" | grep -v '^#' | awk 'BEGIN { m = 0 } { if ($NF > m) m = $NF } END { printf "%.6f", m }'; }
machine_jiffies() { awk '/^cpu / { b = $2 + $3 + $4 + $7 + $8 + $9; t = b + $5 + $6; print b, t }' /proc/stat; }
server_jiffies() { local p; for p in "${pids[@]}"; do sed 's/^.*) //' "/proc/$p/stat"; done | awk '{ s += $12 + $13 } END { print s }'; }
# the server's CPU by thread group ("group jiffies" lines): GC, JIT, virtual-thread carriers
# (Jetty's request handling and the scheduler's call threads), Faaslet call threads, Jetty's
# platform threads (selector), the rest. Threads that ended between two snapshots are not counted.
thread_jiffies() {
  local t comm p
  for p in "${pids[@]}"; do for t in /proc/"$p"/task/*; do
    comm="$(cat "$t/comm" 2>/dev/null)" || continue
    sed 's/^.*) //' "$t/stat" 2>/dev/null | awk -v c="$comm" '{ print c "\t" $12 + $13 }'
  done; done | awk -F'\t' '
    { c = $1; g = "other" }
    c ~ /^(GC Thread|G1 |VM Periodic|VM Thread|Z[A-Z])/ { g = "gc+vm" }
    c ~ /CompilerThre/ { g = "jit" }
    c ~ /^ForkJoinPool/ { g = "carriers" }
    c ~ /^faaslet/ { g = "faaslet" }
    c ~ /^(qtp|Jetty|JettyServerThreadPool)/ { g = "jetty" }
    { s[g] += $2 }
    END { for (g in s) print g, s[g] }'
}
thread_groups="carriers faaslet jetty gc+vm jit other"

# run_wrk LABEL PATH METHOD BODY CONNS SECONDS [quiet]: one wrk run; sets the globals below
run_wrk() {
  local label="$1" path="$2" method="$3" body="$4" c="$5" secs="$6" quiet="${7:-}"
  local t=$(( c < threads ? c : threads ))
  local m0 m1 mj0 mj1 s0 s1 raw="$out/wrk-$label-c$c${quiet:+-warmup}.txt"
  m0="$(metrics)"; mj0=($(machine_jiffies)); s0=$(server_jiffies); local tj0; tj0="$(thread_jiffies)"
  local t0=$(date +%s.%N)
  if [[ -n "${LOAD_RATE:-}" ]]; then   # open loop at a fixed rate: HttpLoad (its own warm-up is not timed)
    { TIMEFORMAT='%U %S'; time "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "$load_src" \
        url="$url$path" method="$method" body="$body" rate="$LOAD_RATE" conns="$c" duration="$secs" warmup=3 \
        >"$raw" 2>&1; } 2>"$raw.cpu"
  else
    { TIMEFORMAT='%U %S'; time WRK_METHOD="$method" WRK_BODY="$body" \
        wrk -t"$t" -c"$c" -d"${secs}s" --latency -s "$here/call.lua" "$url$path" >"$raw" 2>&1; } 2>"$raw.cpu"
  fi
  local t1=$(date +%s.%N)
  m1="$(metrics)"; mj1=($(machine_jiffies)); s1=$(server_jiffies); local tj1; tj1="$(thread_jiffies)"
  [[ -n "$quiet" ]] && return 0
  local line; line="$(grep -E '^(WRKRESULT|HTTPLOAD)' "$raw" || true)"
  [[ -n "$line" ]] || { cat "$raw" >&2; echo "run.sh: the load generator gave no result" >&2; exit 1; }
  local -A r
  for kv in ${line#* }; do r[${kv%%=*}]=${kv#*=}; done
  local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  local wrk_cpu; wrk_cpu=$(awk '{ print $1 + $2 }' "$raw.cpu")
  if [[ -n "${LOAD_RATE:-}" ]]; then
    RPS=$(printf '%.0f' "${r[achieved]}"); MEAN=0; ERRS=${r[errors]}; RAWP99=${r[raw_p99]}; LATE=${r[late]}
  else
    RPS=$(awk -v n="${r[requests]}" -v d="${r[duration_us]}" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
    MEAN=${r[mean]}; ERRS=$(( r[connect] + r[read] + r[write] + r[status] + r[timeout] ))
  fi
  P50=${r[p50]}; P99=${r[p99]}; P999=${r[p999]}; MAXL=${r[max]}
  BUSY=$(awk -v b0="${mj0[0]}" -v b1="${mj1[0]}" -v a0="${mj0[1]}" -v a1="${mj1[1]}" -v n="$ncpu" \
    'BEGIN { printf "%.2f", (b1 - b0) / (a1 - a0) * n }')
  SRV=$(awk -v a="$s0" -v b="$s1" -v k="$clk" -v w="$wall" 'BEGIN { printf "%.2f", (b - a) / k / w }')
  WRKC=$(awk -v c="$wrk_cpu" -v w="$wall" 'BEGIN { printf "%.2f", c / w }')
  [[ -n "${LOAD_RATE:-}" ]] && WRKC=${r[client_cores]}   # the client's own figure: without its JVM's start
  OTHER=$(awk -v b="$BUSY" -v s="$SRV" -v w="$WRKC" 'BEGIN { o = b - s - w; printf "%.2f", o < 0 ? 0 : o }')
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  GCN=$(awk -v a="$(msum '^jvm_gc_pause_seconds_count' "$m0")" -v b="$(msum '^jvm_gc_pause_seconds_count' "$m1")" \
    'BEGIN { printf "%d", b - a }')
  GCMS=$(awk -v a="$(msum '^jvm_gc_pause_seconds_sum' "$m0")" -v b="$(msum '^jvm_gc_pause_seconds_sum' "$m1")" \
    'BEGIN { printf "%.0f", (b - a) * 1000 }')
  GCMAX=$(awk -v m="$(mmax '^jvm_gc_pause_seconds_max' "$m1")" 'BEGIN { printf "%.0f", m * 1000 }')
  FAILED=$(awk -v a="$(msum '^jfaasm_calls_total.*outcome="failed"' "$m0")" \
    -v b="$(msum '^jfaasm_calls_total.*outcome="failed"' "$m1")" 'BEGIN { printf "%d", b - a }')
  CALLS=$(awk -v a="$(msum '^jfaasm_calls_total' "$m0")" -v b="$(msum '^jfaasm_calls_total' "$m1")" \
    'BEGIN { printf "%d", b - a }')
  M0="$m0"; M1="$m1"
  local g split=""
  for g in $thread_groups; do
    split+=" $(awk -v g="$g" -v k="$clk" -v w="$wall" -v r="$RPS" -v a="$(awk -v g="$g" '$1 == g { print $2 }' <<<"$tj0")" \
      -v b="$(awk -v g="$g" '$1 == g { print $2 }' <<<"$tj1")" \
      'BEGIN { c = (b - a) / k / w; printf "%.2f (%.0f µs)", c, (r > 0 ? c / r * 1e6 : 0) }') |"
  done
  SPLIT="$split"
}

us() { awk -v u="$1" 'BEGIN { if (u >= 1000) printf "%.2f ms", u / 1000; else printf "%d µs", u }'; }
splits=()
row() { # label conns
  splits+=("| $1 | $2 | $SRV ($(awk -v s="$SRV" -v r="$RPS" 'BEGIN { printf "%.0f", s / r * 1e6 }') µs) |$SPLIT")
  say "| $1 | $2 | **$RPS** | $(us "$P50") | $(us "$P99") | $(us "$P999") | $BUSY | $SRV | $WRKC | $OTHER | $LOAD | $GCN / $GCMS ms / $GCMAX ms | $ERRS / $FAILED |"
}
header() {
  say ""
  say "| target | conns | req/s | p50 | p99 | p99.9 | cores busy | server | wrk | other | load 1m | GC pauses: n / total / max | errors / failed calls |"
  say "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
}

# ---- the runs --------------------------------------------------------------------------------
say "## $(date -u +%Y-%m-%dT%H:%MZ): $ncpu CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ { print $2 }') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "hosts: ${urls[*]} (pids ${pids[*]})${redis:+, cluster on $redis namespace $namespace}; wrk $(wrk --version 2>&1 | head -1 | cut -d' ' -f2), $threads wrk threads, ${duration} s per run after ${warmup} s of warm-up; JFAASM_JAVA_OPTS='${JFAASM_JAVA_OPTS:-}' JFAASM_SERVE_ARGS='${JFAASM_SERVE_ARGS:-}'${host1_args:+ host 1: $host1_args}"
say "cores busy = both CPUs' busy time over the run, in cores (2 = saturated); server / wrk = their CPU (wrk, or the open-loop client for fixed rates); other = the rest of the machine"
say "Closed loop (wrk): each connection sends its next request when the last answer arrives; latencies are those of the requests sent. Open loop (fixed rate, HttpLoad): requests are due at a fixed rate and latency counts from when each was due, so stalls count in full (raw p99: from the actual send)."

header
if wants health; then
  run_wrk health /health GET "" 16 "$warmup" quiet
  for c in $conns; do run_wrk health /health GET "" "$c" "$duration"; row "GET /health" "$c"; done
fi
if wants noop; then
  run_wrk noop /f/demo/noop POST "" 16 "$warmup" quiet
  for c in $conns; do
    run_wrk noop /f/demo/noop POST "" "$c" "$duration"; row "POST /f/demo/noop" "$c"
    n=$(msum '^jfaasm_call_duration_seconds_count\{function="demo/noop"' "$M1"); n0=$(msum '^jfaasm_call_duration_seconds_count\{function="demo/noop"' "$M0")
    s=$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/noop"' "$M1"); s0=$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/noop"' "$M0")
    echo "  (noop in its Faaslet, mean: $(awk -v a="$s0" -v b="$s" -v x="$n0" -v y="$n" 'BEGIN { printf "%.1f", (b - a) / (y - x) * 1e6 }') µs)" >&2
  done
fi

if wants rate; then
  wants noop || run_wrk noop /f/demo/noop POST "" 16 "$warmup" quiet
  for rt in $rates; do
    LOAD_RATE=$rt run_wrk "rate$rt" /f/demo/noop POST "" "$rate_conns" "$duration"
    row "POST /f/demo/noop at $rt/s (open loop; raw p99 $(us "$RAWP99"))" "$rate_conns"
  done
fi

square_us=""
if wants square; then
  run_wrk square /f/demo/square POST 7 1 "$warmup" quiet
  run_wrk square /f/demo/square POST 7 1 "$duration"; row "POST /f/demo/square (alone)" 1
  square_http_us=$MEAN
  square_us=$(awk -v a="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/square"' "$M0")" \
    -v b="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/square"' "$M1")" \
    -v x="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/square"' "$M0")" \
    -v y="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/square"' "$M1")" \
    'BEGIN { printf "%.1f", (b - a) / (y - x) * 1e6 }')
fi

if wants fanout; then
  run_wrk fanout /f/demo/fanout POST "$fanout_n" 2 "$warmup" quiet
  fan_rows=()
  for c in $fanout_conns; do
    run_wrk fanout /f/demo/fanout POST "$fanout_n" "$c" "$duration"; row "POST /f/demo/fanout $fanout_n" "$c"
    sq_n=$(awk -v x="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/square"' "$M0")" \
      -v y="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/square"' "$M1")" 'BEGIN { print y - x }')
    sq_in=$(awk -v a="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/square"' "$M0")" \
      -v b="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/square"' "$M1")" -v n="$sq_n" \
      'BEGIN { printf "%.1f", (b - a) / n * 1e6 }')
    fan_in=$(awk -v a="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/fanout"' "$M0")" \
      -v b="$(msum '^jfaasm_call_duration_seconds_sum\{function="demo/fanout"' "$M1")" \
      -v x="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/fanout"' "$M0")" \
      -v y="$(msum '^jfaasm_call_duration_seconds_count\{function="demo/fanout"' "$M1")" \
      'BEGIN { printf "%.0f", (b - a) / (y - x) * 1e6 }')
    chained=$(awk -v r="$RPS" -v n="$fanout_n" 'BEGIN { printf "%.0f", r * n }')
    ovh="n/a"
    if [[ -n "$square_us" ]]; then
      ovh=$(awk -v m="$MEAN" -v s="$square_us" -v n="$fanout_n" 'BEGIN { printf "%.1f", (m - n * s) / n }')
    fi
    cpu_per=$(awk -v s="$SRV" -v r="$chained" 'BEGIN { printf "%.1f", s / r * 1e6 }')
    fwd=$(awk -v a="$(msum '^jfaasm_calls_forwarded_total' "$M0")" -v b="$(msum '^jfaasm_calls_forwarded_total' "$M1")" \
      -v n="$sq_n" 'BEGIN { printf "%.0f%%", (n > 0 ? (b - a) / n * 100 : 0) }')
    fan_rows+=("| $c | $RPS | **$chained** | $(us "$P50") | $(us "$P99") | $fan_in µs | $sq_in µs | $ovh µs | $cpu_per µs | $fwd |")
  done
  say ""
  say "fanout $fanout_n: chained calls/s = fanouts/s x $fanout_n. A square call alone (1 connection): $(us "${square_http_us:-0}") mean over HTTP, ${square_us:-?} µs in its Faaslet."
  say "overhead per chained call = (mean fanout latency - $fanout_n x square alone in its Faaslet) / $fanout_n; server CPU per chained call = server cores / chained calls/s."
  say ""
  say "| conns | fanouts/s | chained calls/s | fanout p50 | fanout p99 | fanout in its Faaslet (mean) | square in its Faaslet during fanout (mean) | overhead per chained call | server CPU per chained call | chained calls handed to another host |"
  say "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  for r in "${fan_rows[@]}"; do say "$r"; done
fi

say ""
say "The server's CPU by thread group, in cores (and µs per request): carriers = virtual threads (Jetty's request handling, the scheduler's call threads); faaslet = call threads running Faaslets; jetty = Jetty's platform threads (selector); gc+vm = G1 and VM threads; jit = compiler threads."
say ""
say "| target | conns | server | carriers | faaslet | jetty | gc+vm | jit | other |"
say "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
for r in "${splits[@]}"; do say "$r"; done

m="$(metrics)"
say ""
say "after the runs: server RSS $(for p in "${pids[@]}"; do awk '/VmRSS/ { printf "%.0f MiB ", $2 / 1024 }' /proc/$p/status; done), heap used $(awk -v b="$(msum '^jvm_memory_used_bytes\{area="heap"' "$m")" 'BEGIN { printf "%.0f MiB", b / 1048576 }') (committed $(awk -v b="$(msum '^jvm_memory_committed_bytes\{area="heap"' "$m")" 'BEGIN { printf "%.0f MiB", b / 1048576 }')), $(msum '^jfaasm_calls_total' "$m" | cut -d. -f1) calls finished, $(msum '^jfaasm_calls_total.*outcome="failed"' "$m" | cut -d. -f1) failed, $(msum '^jfaasm_calls_forwarded_total' "$m" | cut -d. -f1) handed to another host; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $results (raw wrk output alongside)" >&2
