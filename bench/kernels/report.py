#!/usr/bin/env python3
"""Statistics and the Markdown/JSON report for compare.sh.

Reads build/compare/KERNEL.ENGINE.RUN.{out,rc}. For every run (process):
  first  = time of repetition 0 (includes the engine's JIT warm-up)
  steady = median of the last half of the repetitions
Over the runs of one kernel and engine, the median of each is reported.
Ratios are engine/native (steady/steady, first/first); the last row holds the
geometric mean of each ratio column over the kernels where it is defined.
"""
import argparse
import json
import math
import re
import statistics
import sys
from pathlib import Path

# jfaasm: JFaasm's own compiler tier (--engine jfaasm); baseline: the tier of another checkout
# (compare.sh --baseline); chicory: JFaasm on Chicory's compiler
ENGINES_ALL = ["native", "node", "jfaasm", "baseline", "chicory"]
WASM_ENGINES = ["node", "jfaasm", "baseline", "chicory"]
LINE = re.compile(r"^kernel=(\S+) rep=(\d+) ns=(\d+)$")
CHECK = re.compile(r"^checksum=([0-9a-f]+)$")


def parse_run(base: Path, kernel: str, reps: int) -> dict:
    rc_file = Path(f"{base}.rc")
    rc = int(rc_file.read_text().strip()) if rc_file.exists() else None
    times, checksum = {}, None
    out = Path(f"{base}.out")
    if out.exists():
        for line in out.read_text(errors="replace").splitlines():
            line = line.strip()
            m = LINE.match(line)
            if m and m.group(1) == kernel:
                times[int(m.group(2))] = int(m.group(3))
            m = CHECK.match(line)
            if m:
                checksum = m.group(1)
    run = {"rc": rc, "checksum": checksum, "reps_ns": [times.get(i) for i in range(reps)]}
    if rc != 0:
        run["error"] = f"exit status {rc}"
    elif checksum is None or len(times) != reps:
        run["error"] = f"incomplete output ({len(times)}/{reps} repetitions, checksum {'found' if checksum else 'missing'})"
    else:
        ns = run["reps_ns"]
        run["first_ns"] = ns[0]
        run["steady_ns"] = statistics.median(ns[reps // 2:])
    return run


def geomean(xs):
    xs = [x for x in xs if x is not None]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ms(ns):
    return "n/a" if ns is None else f"{ns / 1e6:.1f}"


def fmt_x(x):
    return "n/a" if x is None else f"{x:.2f}"


def spread_notes(results, limit=1.25):
    """Flags engines whose runs disagree: medians hide a bimodal JIT."""
    notes = []
    for r in results:
        for e, v in r["engines"].items():
            ok = [x for x in v["runs"] if "error" not in x]
            steady = [x["steady_ns"] for x in ok]
            if len(steady) > 1 and max(steady) > limit * min(steady):
                notes.append(f"spread: {r['kernel']}/{e} steady ms per run "
                             + " ".join(fmt_ms(x) for x in steady))
            for i, x in enumerate(ok, 1):
                tail = [t for t in x["reps_ns"][len(x["reps_ns"]) // 2:]]
                if len(tail) > 1 and max(tail) > 1.5 * min(tail):
                    notes.append(f"unstable: {r['kernel']}/{e} a run's last repetitions range "
                                 f"{fmt_ms(min(tail))}..{fmt_ms(max(tail))} ms")
                    break
    return notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--engines", required=True)
    ap.add_argument("--kernels", required=True)
    ap.add_argument("--versions")
    ap.add_argument("--json")
    a = ap.parse_args()
    d = Path(a.dir)
    engines_run = a.engines.split(",")
    kernels = a.kernels.split(",")

    results, problems = [], []
    for k in kernels:
        entry = {"kernel": k, "engines": {}}
        for e in ENGINES_ALL:
            if e not in engines_run:
                entry["engines"][e] = {"status": "not run", "steady_ns": None, "first_ns": None, "runs": []}
                continue
            runs = [parse_run(d / f"{k}.{e}.{r}", k, a.reps) for r in range(1, a.runs + 1)]
            ok = [r for r in runs if "error" not in r]
            for i, r in enumerate(runs, 1):
                if "error" in r:
                    problems.append(f"{k}/{e} run {i}: {r['error']} (see {d}/{k}.{e}.{i}.err)")
            entry["engines"][e] = {
                "status": "ok" if len(ok) == len(runs) else ("failed" if not ok else "partial"),
                # a partly failed engine is reported from its successful runs
                "steady_ns": statistics.median(r["steady_ns"] for r in ok) if ok else None,
                "first_ns": statistics.median(r["first_ns"] for r in ok) if ok else None,
                "runs": runs,
            }
        sums = {e: sorted({r["checksum"] for r in v["runs"] if "error" not in r})
                for e, v in entry["engines"].items() if v["runs"]}
        distinct = sorted({c for cs in sums.values() for c in cs})
        entry["checksum"] = distinct[0] if len(distinct) == 1 else None
        entry["checksums"] = sums
        entry["checksums_agree"] = len(distinct) <= 1
        if len(distinct) > 1:
            problems.append(f"MISMATCH {k}: checksums differ: "
                            + ", ".join(f"{e}={'/'.join(cs) or '-'}" for e, cs in sums.items()))
        n = entry["engines"]["native"]
        entry["ratios"] = {}
        for e in WASM_ENGINES:
            entry["ratios"][f"{e}_steady"] = ratio(entry["engines"][e]["steady_ns"], n["steady_ns"])
            entry["ratios"][f"{e}_first"] = ratio(entry["engines"][e]["first_ns"], n["first_ns"])
        results.append(entry)

    shown = [e for e in WASM_ENGINES if e in engines_run]
    cols = [f"{e}_{k}" for e in WASM_ENGINES for k in ("steady", "first")]
    gm = {c: geomean([r["ratios"][c] for r in results]) for c in cols}

    versions = {}
    if a.versions and Path(a.versions).exists():
        for line in Path(a.versions).read_text().splitlines():
            key, _, val = line.partition("=")
            versions[key] = val

    print(f"{a.runs} runs x {a.reps} repetitions; times are medians over runs of the per-run "
          f"median of the last {a.reps - a.reps // 2} repetitions (steady state); "
          f"'first' ratios compare repetition 0 to native repetition 0.")
    if versions:
        print(f"native: {versions.get('native_cflags', '?')}; node {versions.get('node', '?')}; "
              f"load average {versions.get('loadavg_start', '?')} -> {versions.get('loadavg_end', '?')}")
    print()
    head = "| kernel | native ms | " + " | ".join(f"{e} ms" for e in shown) + " | " \
        + " | ".join(f"{e}/native" for e in shown) + " | " \
        + " | ".join(f"{e} first/native" for e in shown) + " | checksum |"
    print(head)
    print("|---|--:|" + "--:|" * (3 * len(shown)) + "---|")
    for r in results:
        e = r["engines"]
        ck = r["checksum"] if r["checksums_agree"] else "**MISMATCH**"
        if r["checksums_agree"] and r["checksum"] is None:
            ck = "n/a"
        print(f"| {r['kernel']} | {fmt_ms(e['native']['steady_ns'])} | "
              + " | ".join(fmt_ms(e[x]['steady_ns']) for x in shown) + " | "
              + " | ".join(fmt_x(r['ratios'][f'{x}_steady']) for x in shown) + " | "
              + " | ".join(fmt_x(r['ratios'][f'{x}_first']) for x in shown) + f" | {ck} |")
    print("| **geomean** | | " + " | ".join("" for _ in shown) + " | "
          + " | ".join(f"**{fmt_x(gm[f'{x}_steady'])}**" for x in shown) + " | "
          + " | ".join(f"**{fmt_x(gm[f'{x}_first'])}**" for x in shown) + " | |")
    notes = spread_notes(results)
    if problems or notes:
        print()
        for p in problems + notes:
            print(f"- {p}")

    if a.json:
        doc = {"reps": a.reps, "runs": a.runs, "engines_run": engines_run, "versions": versions,
               "kernels": results, "geomean": gm, "problems": problems, "notes": notes}
        Path(a.json).write_text(json.dumps(doc, indent=2) + "\n")

    mismatch = any(not r["checksums_agree"] for r in results)
    sys.exit(3 if mismatch else 0)


if __name__ == "__main__":
    main()
