# The host's refusals are Python exceptions the function can catch; garbage on the API file too.
import os
import faasm

def main():
    out = []
    try:
        faasm.read_state("no_such_key")
    except faasm.FaasmError as e:
        out.append("state: " + str(e))
    try:
        faasm._call("bogus", 1)
    except faasm.FaasmError as e:
        out.append("op: " + str(e))
    try:
        faasm._call("ready", 1, 2)
    except faasm.FaasmError as e:
        out.append("ready: " + str(e))
    fd = os.open("/faasm/api", os.O_RDWR)
    os.write(fd, b"\xff\xff\xff\xff garbage")
    head = os.read(fd, 5)
    out.append("raw: %d %s" % (head[0], os.read(fd, int.from_bytes(head[1:], "little")).decode()))
    faasm.set_output("\n".join(out))
