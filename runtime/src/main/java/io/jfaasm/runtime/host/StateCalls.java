package io.jfaasm.runtime.host;

import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.state.SharedRegion;
import io.jfaasm.runtime.state.StateException;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.state.StateSession;
import java.util.List;

/**
 * The state half of the Faasm ABI. Every argument is checked before anything is written, so a call
 * that traps leaves the stored value as it was; each refusal is a {@link HostCallException} naming
 * the call and the problem.
 */
final class StateCalls {
    private StateCalls() {}

    /** {@code __faasm_read_state(key, buf, len) -> size}: len 0 asks the size. */
    static long[] readState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_read_state", () -> {
            StateSession s = session(call);
            StateKey key = key(s, mem, a[0]);
            int buf = (int) a[1];
            int len = length(a[2], "__faasm_read_state");
            SharedRegion r = s.tier().existing(key);
            if (len == 0) {
                return r.size();
            }
            if (len != r.size()) {
                throw new StateException("state " + key.key() + " has " + r.size() + " bytes but the buffer has " + len);
            }
            checkRange(mem, buf, len, "buffer");
            s.tier().ensurePulled(r, 0, r.size());
            r.copyTo(mem, 0, buf, len);
            return r.size();
        });
    }

    /** {@code __faasm_read_state_ptr(key, totalLen) -> ptr}. */
    static long[] readStatePtr(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_read_state_ptr", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            s.tier().ensurePulled(r, 0, r.size());
            return s.addressOf(r, mem);
        });
    }

    /** {@code __faasm_read_state_offset(key, totalLen, off, buf, len)}. */
    static long[] readStateOffset(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_read_state_offset", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            long off = length(a[2], "offset");
            int buf = (int) a[3];
            int len = length(a[4], "length");
            checkSpan(r, off, len);
            checkRange(mem, buf, len, "buffer");
            s.tier().ensurePulled(r, off, len);
            r.copyTo(mem, off, buf, len);
            return null;
        });
    }

    /** {@code __faasm_read_state_offset_ptr(key, totalLen, off, len) -> ptr}. */
    static long[] readStateOffsetPtr(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_read_state_offset_ptr", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            long off = length(a[2], "offset");
            int len = length(a[3], "length");
            checkSpan(r, off, len);
            s.tier().ensurePulled(r, off, len);
            return s.addressOf(r, mem) + off;
        });
    }

    /** {@code __faasm_write_state(key, data, len)}: replaces the local value. */
    static long[] writeState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_write_state", () -> {
            StateSession s = session(call);
            StateKey key = key(s, mem, a[0]);
            byte[] data = mem.readBytes((int) a[1], length(a[2], "length"));
            if (s.isMappedHere(key)) {
                SharedRegion r = s.tier().existing(key);
                if (r.size() != data.length) {
                    throw new StateException("state " + key.key() + " has " + r.size() + " bytes and this call"
                            + " holds a pointer to it: it cannot be rewritten with " + data.length + " bytes");
                }
            }
            s.tier().write(key, data);
            return null;
        });
    }

    /** {@code __faasm_write_state_offset(key, totalLen, off, data, len)}. */
    static long[] writeStateOffset(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_write_state_offset", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            long off = length(a[2], "offset");
            int len = length(a[4], "length");
            checkSpan(r, off, len);
            byte[] data = mem.readBytes((int) a[3], len);
            // the chunks around a partial write must be current, or a later push would send stale bytes
            s.tier().ensurePulled(r, off, len);
            r.copyIn(off, data);
            r.markDirtyRange(off, len);
            return null;
        });
    }

    static long[] appendState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_append_state", () -> {
            StateSession s = session(call);
            StateKey key = key(s, mem, a[0]);
            byte[] data = mem.readBytes((int) a[1], length(a[2], "length"));
            s.tier().global().append(key.globalName(), data);
            return null;
        });
    }

    /** {@code __faasm_read_appended_state(key, buf, len, nElems)}: the first n elements, concatenated. */
    static long[] readAppendedState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_read_appended_state", () -> {
            StateSession s = session(call);
            StateKey key = key(s, mem, a[0]);
            int buf = (int) a[1];
            int len = length(a[2], "length");
            int n = length(a[3], "element count");
            checkRange(mem, buf, len, "buffer");
            List<byte[]> elements = s.tier().global().readAppended(key.globalName(), n);
            if (elements.size() < n) {
                throw new StateException("state " + key.key() + " has " + elements.size()
                        + " appended elements, not " + n);
            }
            long total = elements.stream().mapToLong(e -> e.length).sum();
            if (total != len) {
                throw new StateException("the first " + n + " appended elements of " + key.key()
                        + " are " + total + " bytes but the buffer has " + len);
            }
            int at = buf;
            for (byte[] e : elements) {
                mem.write(at, e, 0, e.length);
                at += e.length;
            }
            return null;
        });
    }

    static long[] clearAppendedState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_clear_appended_state", () -> {
            StateSession s = session(call);
            s.tier().global().clearAppended(key(s, mem, a[0]).globalName());
            return null;
        });
    }

    static long[] flagStateDirty(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_flag_state_dirty", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            r.markDirtyRange(0, r.size());
            return null;
        });
    }

    static long[] flagStateOffsetDirty(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_flag_state_offset_dirty", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            long off = length(a[2], "offset");
            int len = length(a[3], "length");
            checkSpan(r, off, len);
            r.markDirtyRange(off, len);
            return null;
        });
    }

    static long[] pushState(CallContext call, LinearMemory mem, long[] a, boolean partial) {
        return guard(partial ? "__faasm_push_state_partial" : "__faasm_push_state", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().existing(key(s, mem, a[0]));
            if (partial) {
                s.tier().pushPartial(r);
            } else {
                s.tier().push(r);
            }
            return null;
        });
    }

    static long[] pullState(CallContext call, LinearMemory mem, long[] a) {
        return guard("__faasm_pull_state", () -> {
            StateSession s = session(call);
            SharedRegion r = s.tier().region(key(s, mem, a[0]), length(a[1], "totalLen"));
            s.tier().pull(r);
            return null;
        });
    }

    static long[] lock(CallContext call, LinearMemory mem, long[] a, String kind, boolean acquire) {
        return guard("__faasm_" + (acquire ? "" : "un") + "lock_state_" + kind, () -> {
            StateSession s = session(call);
            StateKey key = key(s, mem, a[0]);
            switch (kind) {
                case "global" -> {
                    if (acquire) {
                        s.lockGlobal(key);
                    } else {
                        s.unlockGlobal(key);
                    }
                }
                default -> {
                    if (acquire) {
                        s.lockLocal(key, kind.equals("write"));
                    } else {
                        s.unlockLocal(key, kind.equals("write"));
                    }
                }
            }
            return null;
        });
    }

    // ---- helpers ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Body {
        Object run();
    }

    /** Runs a state call, turning refusals into a trap of this call that names the ABI function. */
    private static long[] guard(String function, Body body) {
        try {
            Object r = body.run();
            return r == null ? null : new long[] {((Number) r).longValue()};
        } catch (StateException | IllegalArgumentException | HostCallException
                | com.dylibso.chicory.runtime.WasmRuntimeException e) {
            // bad keys, sizes and ranges, and pointers outside the function's memory
            throw new HostCallException(function + ": " + e.getMessage());
        }
    }

    private static StateSession session(CallContext call) {
        StateSession s = call.state();
        if (s == null) {
            throw new StateException("this host has no state tier");
        }
        return s;
    }

    private static StateKey key(StateSession s, LinearMemory mem, long ptr) {
        return s.key(FaasmAbi.readName(mem, (int) ptr, "key"));
    }

    private static int length(long value, String what) {
        int v = (int) value;
        if (v < 0) {
            throw new StateException("negative " + what + " " + v);
        }
        return v;
    }

    private static void checkSpan(SharedRegion r, long off, long len) {
        if (off + len > r.size()) {
            throw new StateException("range [" + off + ", " + (off + len) + ") is outside state "
                    + r.key().key() + " of " + r.size() + " bytes");
        }
    }

    private static void checkRange(LinearMemory mem, int ptr, int len, String what) {
        if (ptr < 0 || (long) ptr + len > mem.sizeInBytes()) {
            throw new StateException(what + " [" + Integer.toUnsignedString(ptr) + ", +" + len
                    + ") is outside the function's memory");
        }
    }

}
