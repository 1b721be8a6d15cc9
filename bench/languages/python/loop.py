# A CPU-bound Python loop: N rounds of integer arithmetic folded into a checksum, timed in-process
# REPS times. Run by run.sh under native python3, Node (python.wasm) and JFaasm (python.wasm).
#   python3 loop.py N REPS
import sys
import time


def work(n):
    x = 0
    for i in range(n):
        x = (x * 31 + i) % 1000003
    return x


def main(n, reps):
    for r in range(reps):
        t = time.perf_counter()
        c = work(n)
        print("rep %d: %.1f ms (checksum %d)" % (r, (time.perf_counter() - t) * 1000, c), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
