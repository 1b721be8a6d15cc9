# {{NAME}}: a JFaasm function in Python. main() runs for every call; the code at the top level
# (imports, set-up) runs once, when the server initialises the function.
import faasm


def main():
    name = faasm.get_input()
    print("{{NAME}} called with", len(name), "bytes")  # stdout goes to the call's logs
    faasm.set_output(b"Hello " + name)
