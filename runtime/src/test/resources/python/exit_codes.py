# The return code: main()'s int, sys.exit's, clamped to i32; str output is UTF-8.
import sys
import faasm

def main():
    what = faasm.get_input().decode()
    faasm.set_output("é " + what)
    if what == "exit":
        sys.exit(42)
    if what == "huge":
        return 2**40
    if what == "big-output":
        faasm.set_output(b"x" * (2 * 1024 * 1024))
    return int(what)
