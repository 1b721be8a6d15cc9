package io.jfaasm.runtime.host;

import io.jfaasm.runtime.state.SharedRegion;
import io.jfaasm.runtime.state.StateException;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.state.StateSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Faasm API of a Python call (sdk/python/faasm.py), as requests over the virtual file
 * {@code /faasm/api}: the same operations as the C ABI, on bytes instead of guest pointers.
 *
 * <p>A request is one write: a little-endian u32 count of fields, the u32 length of each, then
 * the fields' bytes one after the other; field 0 names the operation (few fields and one
 * {@code struct.pack} keep the Python side short: its bytecodes run in the wasm interpreter). The reply, read back from the same file, is a status
 * byte (0 done, 1 refused), a u32 length and the payload (the result, or why it was refused). A
 * refusal is an exception in Python, not a trap: the function may catch it.
 */
public final class PythonCalls {
    /** Most fields a request may have: the longest operation takes five. */
    private static final int MAX_FIELDS = 8;

    /** What the zygote reported: the Python function each call calls, and its argument tuple. */
    public record Ready(int callable, int args) {}

    private final CallContext call;
    /** Whether this is the zygote: only it may say {@code ready}. */
    private final boolean zygote;
    private ByteBuffer reply = ByteBuffer.allocate(0);
    private Ready ready;

    public PythonCalls(CallContext call, boolean zygote) {
        this.call = call;
        this.zygote = zygote;
    }

    /** What {@code ready} reported, or null. */
    public Ready ready() {
        return ready;
    }

    /** The largest output the call may set. */
    public int maxOutputBytes() {
        return call.maxOutputBytes();
    }

    /** The output the call's {@code main()} set, handed over with its return code. */
    public void setOutput(byte[] output) {
        if (output.length > call.maxOutputBytes()) {
            throw new HostCallException("output of " + output.length + " bytes is over the output limit of "
                    + call.maxOutputBytes() + " bytes");
        }
        call.setOutput(output);
    }

    /** Handles one request; its reply waits for {@link #read}. */
    public void write(byte[] request) {
        if (reply.hasRemaining()) {
            throw new HostCallException("/faasm/api: a request was written before the previous reply was read");
        }
        byte[] payload;
        byte status = 0;
        try {
            payload = handle(parse(request));
        } catch (StateException | HostCallException | IllegalArgumentException e) {
            status = 1;
            payload = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
        }
        reply = ByteBuffer.allocate(5 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        reply.put(status).putInt(payload.length).put(payload).flip();
    }

    /** Up to {@code max} bytes of the pending reply (none when there is none). */
    public byte[] read(int max) {
        byte[] out = new byte[Math.min(max, reply.remaining())];
        reply.get(out);
        return out;
    }

    private static List<byte[]> parse(byte[] request) {
        ByteBuffer in = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("a request starts with its count of fields");
        }
        int n = in.getInt();
        if (n < 1 || n > MAX_FIELDS) {
            throw new IllegalArgumentException("a request has 1 to " + MAX_FIELDS + " fields, not " + n);
        }
        if (in.remaining() < 4L * n) {
            throw new IllegalArgumentException("the request ends inside its " + n + " field lengths");
        }
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = in.getInt();
        }
        List<byte[]> fields = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (lengths[i] < 0 || lengths[i] > in.remaining()) {
                throw new IllegalArgumentException("field " + i + " claims " + Integer.toUnsignedString(lengths[i])
                        + " bytes; the request has " + in.remaining() + " left");
            }
            byte[] f = new byte[lengths[i]];
            in.get(f);
            fields.add(f);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the last field of the request");
        }
        return fields;
    }

    private byte[] handle(List<byte[]> f) {
        String op = text(f.get(0));
        return switch (op) {
            case "input" -> args(f, 0, call.input());
            case "idx" -> args(f, 0, number(call.index()));
            case "read_state" -> {
                if (f.size() != 2 && f.size() != 3) {
                    throw new IllegalArgumentException("read_state takes a key and optionally a size");
                }
                StateSession s = session();
                StateKey key = s.key(text(f.get(1)));
                SharedRegion r = f.size() == 2 ? s.tier().existing(key) : s.tier().region(key, size(f.get(2)));
                s.tier().ensurePulled(r, 0, r.size());
                yield r.copyOut(0, toInt(r.size(), "state size"));
            }
            case "read_state_offset" -> {
                args(f, 4, null);
                StateSession s = session();
                SharedRegion r = s.tier().region(s.key(text(f.get(1))), size(f.get(2)));
                long off = size(f.get(3));
                int len = toInt(size(f.get(4)), "length");
                checkSpan(r, off, len);
                s.tier().ensurePulled(r, off, len);
                yield r.copyOut(off, len);
            }
            case "write_state" -> {
                args(f, 2, null);
                StateSession s = session();
                s.tier().write(s.key(text(f.get(1))), f.get(2));
                yield none();
            }
            case "write_state_offset" -> {
                args(f, 4, null);
                StateSession s = session();
                SharedRegion r = s.tier().region(s.key(text(f.get(1))), size(f.get(2)));
                long off = size(f.get(3));
                byte[] data = f.get(4);
                checkSpan(r, off, data.length);
                // the chunks around a partial write must be current, or a later push sends stale bytes
                s.tier().ensurePulled(r, off, data.length);
                r.copyIn(off, data);
                r.markDirtyRange(off, data.length);
                yield none();
            }
            case "append_state" -> {
                args(f, 2, null);
                StateSession s = session();
                s.tier().global().append(s.key(text(f.get(1))).globalName(), f.get(2));
                yield none();
            }
            case "read_appended_state" -> {
                args(f, 2, null);
                StateSession s = session();
                StateKey key = s.key(text(f.get(1)));
                int n = toInt(size(f.get(2)), "element count");
                List<byte[]> elements = s.tier().global().readAppended(key.globalName(), n);
                if (elements.size() < n) {
                    throw new StateException("state " + key.key() + " has " + elements.size()
                            + " appended elements, not " + n);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (byte[] e : elements) {
                    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(e.length).array());
                    out.writeBytes(e);
                }
                yield out.toByteArray();
            }
            case "clear_appended_state" -> {
                args(f, 1, null);
                StateSession s = session();
                s.tier().global().clearAppended(s.key(text(f.get(1))).globalName());
                yield none();
            }
            case "push_state", "push_state_partial" -> {
                args(f, 1, null);
                StateSession s = session();
                SharedRegion r = s.tier().existing(s.key(text(f.get(1))));
                if (op.equals("push_state")) {
                    s.tier().push(r);
                } else {
                    s.tier().pushPartial(r);
                }
                yield none();
            }
            case "pull_state" -> {
                args(f, 2, null);
                StateSession s = session();
                s.tier().pull(s.tier().region(s.key(text(f.get(1))), size(f.get(2))));
                yield none();
            }
            case "lock_state_global", "unlock_state_global", "lock_state_read", "unlock_state_read",
                    "lock_state_write", "unlock_state_write" -> {
                args(f, 1, null);
                StateSession s = session();
                StateKey key = s.key(text(f.get(1)));
                boolean acquire = op.startsWith("lock");
                boolean write = op.endsWith("write");
                if (op.endsWith("global")) {
                    if (acquire) {
                        s.lockGlobal(key);
                    } else {
                        s.unlockGlobal(key);
                    }
                } else if (acquire) {
                    s.lockLocal(key, write);
                } else {
                    s.unlockLocal(key, write);
                }
                yield none();
            }
            case "chain" -> {
                args(f, 2, null);
                yield number(chaining().chainName(text(f.get(1)), f.get(2)));
            }
            case "await" -> {
                args(f, 1, null);
                yield number(chaining().await(toInt(size(f.get(1)), "call id")));
            }
            case "await_output" -> {
                args(f, 1, null);
                yield chaining().awaitOutput(toInt(size(f.get(1)), "call id"));
            }
            case "ready" -> {
                args(f, 2, null);
                if (!zygote) {
                    throw new IllegalArgumentException("ready is the zygote's: a call cannot stop the interpreter");
                }
                ready = new Ready(toInt(size(f.get(1)), "object address"), toInt(size(f.get(2)), "object address"));
                yield none();
            }
            default -> throw new IllegalArgumentException("unknown operation '" + op + "'");
        };
    }

    /** Checks the request has {@code n} arguments after the operation; returns {@code result}. */
    private static byte[] args(List<byte[]> f, int n, byte[] result) {
        if (f.size() != n + 1) {
            throw new IllegalArgumentException(text(f.get(0)) + " takes " + n + " argument"
                    + (n == 1 ? "" : "s") + ", not " + (f.size() - 1));
        }
        return result;
    }

    private StateSession session() {
        if (call.state() == null) {
            throw new StateException("this host has no state tier");
        }
        return call.state();
    }

    private io.jfaasm.runtime.faaslet.Chaining chaining() {
        if (call.chaining() == null) {
            throw new HostCallException("this call cannot chain others (it runs outside a scheduler,"
                    + " e.g. under jfaasm run)");
        }
        return call.chaining();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] none() {
        return new byte[0];
    }

    /** A non-negative decimal number. */
    private static long size(byte[] b) {
        String s = text(b);
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number");
        }
        if (v < 0) {
            throw new IllegalArgumentException("negative number " + v);
        }
        return v;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " " + v + " is too large");
        }
        return (int) v;
    }

    private static void checkSpan(SharedRegion r, long off, long len) {
        if (off + len > r.size()) {
            throw new StateException("range [" + off + ", " + (off + len) + ") is outside state "
                    + r.key().key() + " of " + r.size() + " bytes");
        }
    }
}
