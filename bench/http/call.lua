-- wrk script for bench/http/run.sh: one request shape, keep-alive, and a machine-readable summary.
-- Environment: WRK_METHOD (default POST), WRK_BODY (default empty).
wrk.method = os.getenv("WRK_METHOD") or "POST"
wrk.body = os.getenv("WRK_BODY") or ""
if wrk.method == "POST" then
  wrk.headers["Content-Type"] = "application/octet-stream"
end

-- One line that run.sh parses: latencies in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d p50=%d p90=%d p99=%d p999=%d max=%d mean=%.1f " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
