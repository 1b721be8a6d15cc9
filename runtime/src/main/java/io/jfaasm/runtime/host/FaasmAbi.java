package io.jfaasm.runtime.host;

import static com.dylibso.chicory.wasm.types.ValType.I32;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.jfaasm.runtime.faaslet.Chaining;
import io.jfaasm.runtime.memory.LinearMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Faasm host interface under import module {@code env}: names and signatures of Faasm's C ABI
 * (see sdk/include/faasm/faasm.h): the call itself, chaining (through the call's {@link Chaining},
 * given by the scheduler) and state (through the call's state session).
 */
public final class FaasmAbi {
    public static final String MODULE = "env";

    /** Longest key or function name a guest may pass, NUL excluded. */
    static final int MAX_NAME_BYTES = 1024;

    @FunctionalInterface
    interface Impl {
        long[] apply(CallContext call, LinearMemory memory, long[] args);
    }

    private record Entry(FunctionType type, Impl impl) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        // -- the call: input, output, identity
        define("__faasm_read_input", sig(2, true), FaasmAbi::readInput);
        define("__faasm_write_output", sig(2, false), FaasmAbi::writeOutput);
        define("__faasm_get_idx", sig(0, true), (call, mem, a) -> ret(call.index()));
        define("__faasm_conf_flag", sig(1, true),
                (call, mem, a) -> ret(call.confFlag(readName(mem, (int) a[0], "flag")) ? 1 : 0));

        // -- chaining: links now, served by the scheduler when it lands
        define("__faasm_chain_name", sig(3, true), (call, mem, a) -> ret(chaining(call, "__faasm_chain_name")
                .chainName(readName(mem, (int) a[0], "function name"), inputOf(mem, a[1], a[2], "__faasm_chain_name"))));
        define("__faasm_chain_ptr", sig(3, true), (call, mem, a) -> ret(chaining(call, "__faasm_chain_ptr")
                .chainPointer((int) a[0], inputOf(mem, a[1], a[2], "__faasm_chain_ptr"))));
        define("__faasm_await_call", sig(1, true),
                (call, mem, a) -> ret(chaining(call, "__faasm_await_call").await((int) a[0])));
        define("__faasm_await_call_output", sig(3, true), FaasmAbi::awaitCallOutput);

        // -- network: client sockets under the function's policy
        define("__faasm_net_connect", sig(2, true), (call, mem, a) -> ret(network(call)
                .connect(readName(mem, (int) a[0], "host"), (int) a[1])));
        define("__faasm_net_send", sig(3, true), (call, mem, a) -> ret(network(call)
                .send((int) a[0], inputOf(mem, a[1], a[2], "__faasm_net_send"))));
        define("__faasm_net_recv", sig(3, true), FaasmAbi::netRecv);
        define("__faasm_net_close", sig(1, true), (call, mem, a) -> ret(network(call).close((int) a[0])));

        // -- dynamic loading: libraries of the same user, in this Faaslet
        define("__faasm_dlopen", sig(2, true), (call, mem, a) -> ret(call.dynamicLoading()
                .open(readName(mem, (int) a[0], "library name"))));
        define("__faasm_dlsym", sig(2, true), (call, mem, a) -> ret(call.dynamicLoading()
                .symbol((int) a[0], readName(mem, (int) a[1], "symbol name"))));
        define("__faasm_dlclose", sig(1, true), (call, mem, a) -> ret(call.dynamicLoading().close((int) a[0])));
        define("__faasm_dlerror", sig(2, true), FaasmAbi::dlerror);

        // -- state: shared regions, the local and global tiers
        define("__faasm_read_state", sig(3, true), StateCalls::readState);
        define("__faasm_read_state_ptr", sig(2, true), StateCalls::readStatePtr);
        define("__faasm_read_state_offset", sig(5, false), StateCalls::readStateOffset);
        define("__faasm_read_state_offset_ptr", sig(4, true), StateCalls::readStateOffsetPtr);
        define("__faasm_write_state", sig(3, false), StateCalls::writeState);
        define("__faasm_write_state_offset", sig(5, false), StateCalls::writeStateOffset);
        define("__faasm_append_state", sig(3, false), StateCalls::appendState);
        define("__faasm_read_appended_state", sig(4, false), StateCalls::readAppendedState);
        define("__faasm_clear_appended_state", sig(1, false), StateCalls::clearAppendedState);
        define("__faasm_flag_state_dirty", sig(2, false), StateCalls::flagStateDirty);
        define("__faasm_flag_state_offset_dirty", sig(4, false), StateCalls::flagStateOffsetDirty);
        define("__faasm_push_state", sig(1, false), (c, m, a) -> StateCalls.pushState(c, m, a, false));
        define("__faasm_push_state_partial", sig(1, false), (c, m, a) -> StateCalls.pushState(c, m, a, true));
        define("__faasm_pull_state", sig(2, false), StateCalls::pullState);
        for (String kind : new String[] {"read", "write", "global"}) {
            define("__faasm_lock_state_" + kind, sig(1, false), (c, m, a) -> StateCalls.lock(c, m, a, kind, true));
            define("__faasm_unlock_state_" + kind, sig(1, false), (c, m, a) -> StateCalls.lock(c, m, a, kind, false));
        }
    }

    private FaasmAbi() {}

    /** Every import this module offers, with its signature: what the loader checks modules against. */
    public static Map<String, FunctionType> signatures() {
        Map<String, FunctionType> out = new LinkedHashMap<>();
        ENTRIES.forEach((name, e) -> out.put(name, e.type()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The host functions of one Faaslet. They act on whichever call the Faaslet is running, as
     * {@code currentCall} says at the moment of each call: a pooled Faaslet serves many calls.
     */
    public static List<HostFunction> hostFunctions(Supplier<CallContext> currentCall) {
        List<HostFunction> out = new ArrayList<>(ENTRIES.size());
        ENTRIES.forEach((name, e) -> out.add(new HostFunction(MODULE, name, e.type(),
                (Instance instance, long... args) ->
                        e.impl().apply(currentCall.get(), (LinearMemory) instance.memory(), args))));
        return out;
    }

    // ---- implementations ----------------------------------------------------------------------

    private static long[] readInput(CallContext call, LinearMemory mem, long[] a) {
        int buf = (int) a[0];
        int len = (int) a[1];
        byte[] input = call.input();
        if (len == 0) {
            return ret(input.length);
        }
        checkLength(len, "__faasm_read_input");
        int n = Math.min(len, input.length);
        mem.write(buf, input, 0, n);
        return ret(n);
    }

    private static long[] writeOutput(CallContext call, LinearMemory mem, long[] a) {
        int buf = (int) a[0];
        int len = (int) a[1];
        checkLength(len, "__faasm_write_output");
        if (len > call.maxOutputBytes()) {
            throw new HostCallException("__faasm_write_output: " + len
                    + " bytes is over the output limit of " + call.maxOutputBytes() + " bytes");
        }
        call.setOutput(mem.readBytes(buf, len));
        return null;
    }

    private static long[] awaitCallOutput(CallContext call, LinearMemory mem, long[] a) {
        int buf = (int) a[1];
        int len = (int) a[2];
        checkLength(len, "__faasm_await_call_output");
        byte[] out = chaining(call, "__faasm_await_call_output").awaitOutput((int) a[0]);
        if (len == 0) {
            return ret(out.length);
        }
        int n = Math.min(len, out.length);
        mem.write(buf, out, 0, n);
        return ret(n);
    }

    private static long[] netRecv(CallContext call, LinearMemory mem, long[] a) {
        int buf = (int) a[1];
        int len = (int) a[2];
        checkLength(len, "__faasm_net_recv");
        if (buf < 0 || (long) buf + len > mem.sizeInBytes()) {
            throw new HostCallException("__faasm_net_recv: buffer outside the function's memory");
        }
        byte[] got = network(call).recv((int) a[0], len);
        if (got == null) {
            return ret(-NetworkSession.EBADF);
        }
        mem.write(buf, got, 0, got.length);
        return ret(got.length);
    }

    /** Copies the last dl error, NUL-terminated and truncated to {@code len}, and clears it. */
    private static long[] dlerror(CallContext call, LinearMemory mem, long[] a) {
        int buf = (int) a[0];
        int len = (int) a[1];
        checkLength(len, "__faasm_dlerror");
        if (len == 0) {
            return ret(0);
        }
        String error = call.dynamicLoading().takeError();
        if (error == null) {
            return ret(0);
        }
        byte[] text = error.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, len - 1);
        byte[] out = java.util.Arrays.copyOf(text, n + 1); // ends in NUL
        mem.write(buf, out, 0, out.length);
        return ret(n);
    }

    private static NetworkSession network(CallContext call) {
        return call.network();
    }

    private static Chaining chaining(CallContext call, String function) {
        if (call.chaining() == null) {
            throw new HostCallException(function + ": this call cannot chain others (it runs outside"
                    + " a scheduler, e.g. under jfaasm run)");
        }
        return call.chaining();
    }

    private static byte[] inputOf(LinearMemory mem, long ptr, long len, String function) {
        checkLength((int) len, function);
        return mem.readBytes((int) ptr, (int) len);
    }

    // ---- helpers shared by the implementations ------------------------------------------------

    static void checkLength(int len, String function) {
        if (len < 0) {
            throw new HostCallException(function + ": negative length " + len);
        }
    }

    /** Reads a NUL-terminated UTF-8 name (a key, a function name) from guest memory. */
    static String readName(LinearMemory mem, int ptr, String what) {
        long limit = Math.min(mem.sizeInBytes(), Integer.toUnsignedLong(ptr) + MAX_NAME_BYTES + 1);
        if (ptr < 0 || ptr >= mem.sizeInBytes()) {
            throw new HostCallException(what + " pointer " + Integer.toUnsignedString(ptr)
                    + " is outside the function's memory");
        }
        for (int p = ptr; p < limit; p++) {
            if (mem.read(p) == 0) {
                return new String(mem.readBytes(ptr, p - ptr), StandardCharsets.UTF_8);
            }
        }
        throw new HostCallException(what + " at " + ptr + " is not a NUL-terminated string of at most "
                + MAX_NAME_BYTES + " bytes");
    }

    private static long[] ret(int value) {
        return new long[] {value};
    }

    private static FunctionType sig(int i32Params, boolean returnsI32) {
        ValType[] params = new ValType[i32Params];
        java.util.Arrays.fill(params, I32);
        return FunctionType.of(List.of(params), returnsI32 ? List.of(I32) : List.of());
    }

    private static void define(String name, FunctionType type, Impl impl) {
        ENTRIES.put(name, new Entry(type, impl));
    }

}
