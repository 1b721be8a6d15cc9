#!/usr/bin/env python3
"""Where a kernel's time goes in the machine code HotSpot made of JFaasm's generated classes.

usage: jit-profile.py KERNEL [--reps N] [--method NAME] [--engine jfaasm] [--top K] [--java-opts "..."]
                      [--slower-than MS]

Runs `jfaasm run --engine ENGINE bench/kernels/wasm/KERNEL.wasm -- N` under `perf record`, with
HotSpot's perf map, and prints the share of samples per method (all threads, warm-up included).
Then it runs again printing the last C2 compile of the hottest generated method (or --method), and
prints that machine code, disassembled by objdump from HotSpot's hex dump (no hsdis needed), each
instruction with the samples that landed on it. A sample lands on the instruction after one that
stalls (a load, a divide), so read the counts one line up.

--slower-than MS repeats the second run (up to 20 times) until its last repetition takes longer
than MS: for a kernel whose steady time is bimodal (C2 compiles it one of two ways), the listing of
the slow way.

Needs perf (linux-perf) and objdump (binutils); run from anywhere in the repository. Measurement
only: the figures of docs/benchmarks.md come from compare.sh and cputime.sh.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run_under_perf(args, java_opts, data):
    env = dict(os.environ, JFAASM_JAVA_OPTS=java_opts)
    cmd = ["perf", "record", "-q", "-F", "2999", "-o", data, "--",
           os.path.join(REPO, "jfaasm"), "run", "--engine", args.engine,
           os.path.join(HERE, "wasm", args.kernel + ".wasm"), "--", str(args.reps)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


def samples(data):
    """(instruction pointer, symbol) of every sample."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            yield int(parts[0], 16), parts[1]


def last_c2_compile(log, method):
    """The machine code bytes and start address of the last C2 (non-OSR) compile of method."""
    blocks = log.split("Compiled method ")[1:]
    wanted = [b for b in blocks if b.startswith("(c2)") and "::" + method + " " in b.splitlines()[0]
              and " % " not in b.splitlines()[0]]
    if not wanted:
        return None, None, None
    block = wanted[-1]
    code, start = bytearray(), None
    for line in block.split("[MachCode]", 1)[1].splitlines():
        m = re.match(r"\s+0x([0-9a-f]+): ([0-9a-f| ]+)$", line)
        if m:
            start = start if start is not None else int(m.group(1), 16)
            code += bytes.fromhex(m.group(2).replace("|", "").replace(" ", ""))
    return block.splitlines()[0], start, bytes(code)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kernel")
    p.add_argument("--reps", type=int, default=8)
    p.add_argument("--method", help="generated method to disassemble (default: the hottest)")
    p.add_argument("--engine", default="jfaasm")
    p.add_argument("--top", type=int, default=12, help="methods listed")
    p.add_argument("--java-opts", default="", help="extra JVM options for both runs")
    p.add_argument("--slower-than", type=float, help="repeat the second run until its last repetition takes longer (ms)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        base = args.java_opts + " -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
        run_under_perf(args, base, data)
        per_symbol = collections.Counter(sym for _, sym in samples(data))
        total = sum(per_symbol.values()) or 1
        print(f"# {args.kernel}: {total} samples, all threads, warm-up included")
        for sym, n in per_symbol.most_common(args.top):
            print(f"{100.0 * n / total:6.2f}%  {sym[:150]}")
        method = args.method
        if method is None:
            hot = [s for s, _ in per_symbol.most_common() if "io.jfaasm.generated." in s]
            if not hot:
                sys.exit("no generated method among the samples")
            method = re.search(r"\.([A-Za-z0-9_$]+)\(", hot[0]).group(1)
        data2 = os.path.join(tmp, "perf2.data")
        opts = base + f" -XX:CompileCommand=print,io.jfaasm.generated.*::{method}"
        for attempt in range(20 if args.slower_than else 1):
            log = run_under_perf(args, opts, data2).stdout
            times = re.findall(r"rep=\d+ ns=(\d+)", log)
            last_ms = int(times[-1]) / 1e6 if times else 0
            if args.slower_than is None or last_ms > args.slower_than:
                break
        print(f"\n# the listing's run: last repetition {last_ms:.0f} ms (attempt {attempt + 1})")
        header, start, code = last_c2_compile(log, method)
        if code is None:
            sys.exit(f"no C2 compile of {method} was printed")
        hits = collections.Counter(ip for ip, sym in samples(data2) if method + "(" in sym)
        binary = os.path.join(tmp, "code.bin")
        with open(binary, "wb") as f:
            f.write(code)
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-Mintel",
                                  f"--adjust-vma={start}", binary],
                                 capture_output=True, text=True).stdout
        in_method = sum(hits.values())
        print(f"\n# {header.strip()}\n# {in_method} samples in this compile; count, address, instruction")
        for line in listing.splitlines():
            m = re.match(r"\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$", line)
            if m:
                address = int(m.group(1), 16)
                print(f"{hits.get(address, 0):6d} {address:x} {m.group(2)}")


if __name__ == "__main__":
    main()
