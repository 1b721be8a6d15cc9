# Chains one call of `square` per number 1..N (the input, default 10) and sums their outputs.
# `square` may be in any language: the tests chain square.py, then the C example.
import faasm


def main():
    n = int(faasm.get_input() or b"10")
    ids = [faasm.chain("square", str(i)) for i in range(1, n + 1)]
    total = 0
    for call_id in ids:
        if faasm.await_call(call_id) != 0:
            print("call", call_id, "failed")
            return 1
        total += int(faasm.get_call_output(call_id))
    faasm.set_output(str(total))
