#!/usr/bin/env python3
"""Per-chained-call timings of `fanout N`, from the call records (GET /calls/{id}).

Calls fanout N one at a time (ROUNDS times), reads each parent's record and every child's, and
prints, separately for children that ran on the host the fanout was sent to and for those handed
to another host of the cluster: how many, and the medians / p90 of
  queue   = startedAt - submittedAt   (the time to a slot, or to the hand-over on another host)
  total   = finishedAt - submittedAt  (what the parent waits for, at best)
plus the parent's own wall time. Standard library only.

    bench/http/chain_latency.py http://127.0.0.1:8080 [N=100] [ROUNDS=20]
"""
import json
import statistics
import sys
import urllib.request
from datetime import datetime


def ts(s):
    # 2026-11-27T23:04:50.367418952Z: keep microseconds
    head, frac = s.rstrip("Z").split(".") if "." in s else (s.rstrip("Z"), "0")
    return datetime.fromisoformat(head).timestamp() + float("0." + frac)


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read(), r.headers


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))] if xs else float("nan")


def main():
    base = sys.argv[1].rstrip("/")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    by = {}          # "local" / "other host" -> {"queue": [...], "total": [...]}
    parents = []
    first_host = None
    for _ in range(rounds):
        req = urllib.request.Request(base + "/f/demo/fanout", data=str(n).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            out = r.read().decode()
            call_id = r.headers["X-Call-Id"]
        expect = n * (n + 1) * (2 * n + 1) // 6
        if out != str(expect):
            sys.exit(f"fanout {n} gave {out!r}, expected {expect}")
        parent = json.loads(get(f"{base}/calls/{call_id}")[0])
        first_host = first_host or parent["host"]
        parents.append((ts(parent["finishedAt"]) - ts(parent["submittedAt"])) * 1e6)
        for child in parent.get("children", []):
            c = json.loads(get(f"{base}/calls/{child}")[0])
            where = "local" if c["host"] == parent["host"] else "other host"
            d = by.setdefault(where, {"queue": [], "total": []})
            d["queue"].append((ts(c["startedAt"]) - ts(c["submittedAt"])) * 1e6)
            d["total"].append((ts(c["finishedAt"]) - ts(c["submittedAt"])) * 1e6)
    print(f"fanout {n} x {rounds} on {base} (host {first_host}): parent wall median "
          f"{statistics.median(parents):.0f} µs, {statistics.median(parents) / n:.1f} µs per chained call")
    print("| children | count | queue p50 | queue p90 | submitted to finished p50 | p90 |")
    print("|---|--:|--:|--:|--:|--:|")
    for where, d in sorted(by.items()):
        print(f"| {where} | {len(d['total'])} | {pct(d['queue'], 50):.0f} µs | {pct(d['queue'], 90):.0f} µs "
              f"| {pct(d['total'], 50):.0f} µs | {pct(d['total'], 90):.0f} µs |")


if __name__ == "__main__":
    main()
