# The square of the input number: what fanout chains.
import faasm


def main():
    n = int(faasm.get_input())
    faasm.set_output(str(n * n))
