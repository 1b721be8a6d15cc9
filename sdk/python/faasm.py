"""The Faasm API for Python functions on JFaasm.

Pure Python over WASI: every call below is one request written to the virtual file
/faasm/api, which the host serves (no CPython rebuild). A request is the count of its
fields and the length of each (4-byte little-endian integers), then the fields, the first
naming the operation; the reply is a status byte (0 ok, 1 refused), a 4-byte length and
the payload (the result, or the host's error message, raised here as FaasmError).

A function is a module `function.py` defining `main()`; its top level (imports, set-up)
runs once, when the host initialises the function, and every call then starts from that
initialised interpreter. See docs/languages/python.md.
"""

import os as _os
import sys
import time
from struct import pack as _pack, unpack_from as _unpack_from

__all__ = [
    "FaasmError", "get_input", "set_output", "get_idx",
    "read_state", "read_state_offset", "write_state", "write_state_offset",
    "append_state", "read_appended_state", "clear_appended_state",
    "push_state", "push_state_partial", "pull_state",
    "lock_state_read", "unlock_state_read", "lock_state_write", "unlock_state_write",
    "lock_state_global", "unlock_state_global",
    "chain", "await_call", "get_call_output",
]

_API = "/faasm/api"
_fd = None  # opened by the zygote and kept: every call starts with it open
_REPLY = 4096  # most replies fit one read
_output = None  # what set_output() set in this call


class FaasmError(Exception):
    """The host refused a Faasm call (unknown key, bad size, no chaining here, ...)."""


def _field(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).encode("ascii")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("a Faasm argument must be str, int or bytes, not " + type(value).__name__)


def _call(op, *args):
    # Kept short: every Python bytecode of a call runs in the wasm interpreter (a few us each).
    global _fd
    if _fd is None:
        _fd = _os.open(_API, _os.O_RDWR)
    fields = (op.encode("ascii"), *map(_field, args))
    n = len(fields)
    _os.write(_fd, _pack("<%dI" % (n + 1), n, *map(len, fields)) + b"".join(fields))
    reply = _os.read(_fd, _REPLY)
    status, size = _unpack_from("<BI", reply)
    while len(reply) < 5 + size:
        more = _os.read(_fd, 5 + size - len(reply))
        if not more:
            raise FaasmError("the host closed " + _API)
        reply += more
    if status:
        raise FaasmError(reply[5:].decode("utf-8", "replace"))
    return reply[5:]


def _int(payload):
    return int(payload.decode("ascii"))


# ---- the call -----------------------------------------------------------------------------

def get_input():
    """The call's input bytes."""
    return _call("input")


def set_output(data):
    """Sets the call's output (each call replaces the previous one). str is UTF-8 encoded.
    The host takes it when main() returns, with the return code."""
    global _output
    _output = _field(data)


def get_idx():
    """This call's index within a chain (0 for a call that was not chained)."""
    return _int(_call("idx"))


# ---- state (see docs/state-consistency.md) --------------------------------------------------

def read_state(key, size=None):
    """The value of a state key. With size, the key is sized so (and created if new)."""
    if size is None:
        return _call("read_state", key)
    return _call("read_state", key, size)


def read_state_offset(key, total_size, offset, length):
    """length bytes of a key of total_size bytes, from offset."""
    return _call("read_state_offset", key, total_size, offset, length)


def write_state(key, data):
    """Replaces the local value of a key (push_state makes it global)."""
    _call("write_state", key, data)


def write_state_offset(key, total_size, offset, data):
    """Writes data at offset into a key of total_size bytes, marking that range dirty."""
    _call("write_state_offset", key, total_size, offset, data)


def append_state(key, data):
    """Appends one element to a key's list in the global tier."""
    _call("append_state", key, data)


def read_appended_state(key, count):
    """The first count elements appended to a key, as a list of bytes."""
    payload = _call("read_appended_state", key, count)
    out = []
    at = 0
    while at < len(payload):
        n = int.from_bytes(payload[at:at + 4], "little")
        out.append(payload[at + 4:at + 4 + n])
        at += 4 + n
    return out


def clear_appended_state(key):
    _call("clear_appended_state", key)


def push_state(key):
    """Sends the local value of a key to the global tier."""
    _call("push_state", key)


def push_state_partial(key):
    """Sends only the chunks written since the last push."""
    _call("push_state_partial", key)


def pull_state(key, size):
    """Fetches the global value of a key (of size bytes) into the local tier."""
    _call("pull_state", key, size)


def lock_state_read(key):
    _call("lock_state_read", key)


def unlock_state_read(key):
    _call("unlock_state_read", key)


def lock_state_write(key):
    _call("lock_state_write", key)


def unlock_state_write(key):
    _call("unlock_state_write", key)


def lock_state_global(key):
    """Takes the cluster-wide lock of a key (a lease; waits while another call holds it)."""
    _call("lock_state_global", key)


def unlock_state_global(key):
    _call("unlock_state_global", key)


# ---- chaining ---------------------------------------------------------------------------------

def chain(function, data=b""):
    """Starts a call of another function of the same user; returns its id."""
    return _int(_call("chain", function, data))


def await_call(call_id):
    """Waits for a chained call; returns its return code (non-zero: it failed)."""
    return _int(_call("await", call_id))


def get_call_output(call_id):
    """Waits for a chained call; returns its output."""
    return _call("await_output", call_id)


# ---- the runtime's side: not part of the API ------------------------------------------------

def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _run(main):
    """One call: main()'s result (None is 0) is the return code; an exception prints its
    traceback to stderr and the call fails with 1. Returns (return code, output) to the host."""
    rc = 1
    try:
        if "random" in sys.modules:
            sys.modules["random"].seed()  # else every call would repeat the snapshot's sequence
        result = main()
        rc = 0 if result is None else int(result)
    except SystemExit as e:
        if e.code is None:
            rc = 0
        elif isinstance(e.code, int):
            rc = e.code
        else:
            print(e.code, file=sys.stderr)
            rc = 1
    except BaseException as e:
        # CPython's own printer, in C: the traceback module would cost an import (~2/3 of the
        # interpreter's start-up). From main() down: the runtime's frame is no help to the author.
        e.__traceback__ = e.__traceback__.tb_next  # the printer reads the exception's own
        sys.__excepthook__(type(e), e, e.__traceback__)
        rc = 1
    _flush()
    return (max(-2**31, min(rc, 2**31 - 1)), _output)


def _zygote():
    """Run once by the host: imports the function, then stops the interpreter for the snapshot."""
    global _entry
    sys.path.insert(0, "/faasm")
    import function
    main = getattr(function, "main", None)
    if not callable(main):
        raise SystemExit("jfaasm: function.py must define main()")

    def entry():
        return _run(main)

    _entry = entry
    _flush()
    # Tells the host the function object each call will call, and the empty argument tuple.
    _call("ready", id(entry), id(()))
    # The host stops the interpreter inside this call, with the GIL held, and snapshots it.
    time.clock_getres(time.CLOCK_MONOTONIC)
    raise SystemExit("jfaasm: the host did not take the snapshot")
