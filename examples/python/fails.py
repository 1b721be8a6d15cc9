# Raises: the call fails with return code 1 and the traceback in its logs.
import faasm


def parse(data):
    return int(data)


def main():
    parse(faasm.get_input())
