# Counts its calls in state, under the global lock: concurrent calls each see a distinct count.
import faasm

KEY = "py_counter"


def main():
    faasm.lock_state_global(KEY)
    try:
        faasm.pull_state(KEY, 4)
        count = int.from_bytes(faasm.read_state(KEY, 4), "little") + 1
        faasm.write_state(KEY, count.to_bytes(4, "little"))
        faasm.push_state(KEY)
    finally:
        faasm.unlock_state_global(KEY)
    faasm.set_output(str(count))
