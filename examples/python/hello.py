# A Python function: main() runs for every call; this top level ran once, in the zygote.
import faasm


def main():
    name = faasm.get_input()
    print("hello from a Python Faaslet")  # stdout: the call's logs
    faasm.set_output(b"Hello " + name)
