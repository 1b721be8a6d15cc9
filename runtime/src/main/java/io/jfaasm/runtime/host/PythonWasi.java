package io.jfaasm.runtime.host;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The WASI of a Python call, with the file {@code /faasm/api} served by {@link PythonCalls}: a
 * {@code path_open} of {@code api} in the {@code /faasm} directory gives a descriptor the host
 * answers itself ({@code fd_write} is a request, {@code fd_read} its reply); everything else goes
 * to the call's ordinary WASI.
 *
 * <p>It also takes the zygote's snapshot point: once the zygote has said {@code ready}, its
 * {@code clock_res_get} (Python's {@code time.clock_getres}, which holds the GIL) throws
 * {@link Freeze}, leaving the interpreter initialised in memory.
 */
public final class PythonWasi {
    /** The descriptor of {@code /faasm/api}: far above what Chicory hands out (3 upwards). */
    public static final int API_FD = 0x3fff_0000;
    /** The {@code /faasm} directory is the call's first preopened directory. */
    public static final int FAASM_DIR_FD = 3;

    private static final int ERRNO_SUCCESS = 0;
    private static final int ERRNO_NOTSUP = 58;
    private static final int FILETYPE_REGULAR = 4;

    /** Unwinds the zygote out of the interpreter once it is ready to be snapshotted. */
    public static final class Freeze extends RuntimeException {
        Freeze() {
            super("the Python zygote is ready", null, false, false);
        }
    }

    private PythonWasi() {}

    /** The call's WASI functions (in {@link WasiImports#signatures()} order) with the API file added. */
    public static HostFunction[] wrap(HostFunction[] wasi, PythonCalls calls) {
        HostFunction[] out = wasi.clone();
        for (int i = 0; i < out.length; i++) {
            HostFunction f = out[i];
            WasmFunctionHandle h = switch (f.name()) {
                case "path_open" -> (inst, a) -> (int) a[0] == FAASM_DIR_FD && isApi(inst.memory(), a[2], a[3])
                        ? open(inst.memory(), (int) a[8]) : f.handle().apply(inst, a);
                case "fd_write" -> (inst, a) -> (int) a[0] == API_FD
                        ? write(inst.memory(), calls, (int) a[1], (int) a[2], (int) a[3]) : f.handle().apply(inst, a);
                case "fd_read" -> (inst, a) -> (int) a[0] == API_FD
                        ? read(inst.memory(), calls, (int) a[1], (int) a[2], (int) a[3]) : f.handle().apply(inst, a);
                case "fd_close" -> (inst, a) -> (int) a[0] == API_FD ? ok() : f.handle().apply(inst, a);
                case "fd_fdstat_get" -> (inst, a) -> (int) a[0] == API_FD
                        ? fdstat(inst.memory(), (int) a[1]) : f.handle().apply(inst, a);
                case "clock_res_get" -> freezeWhenReady(f.handle(), calls);
                default -> f.name().startsWith("fd_") ? notSupportedOnApi(f.handle()) : f.handle();
            };
            out[i] = new HostFunction(f.module(), f.name(), f.functionType(), h);
        }
        return out;
    }

    private static WasmFunctionHandle freezeWhenReady(WasmFunctionHandle clockResGet, PythonCalls calls) {
        return (inst, a) -> {
            if (calls.ready() != null) {
                throw new Freeze();
            }
            return clockResGet.apply(inst, a);
        };
    }

    /** Seeking, stat and the like on the API file: it is a channel, not a file. */
    private static WasmFunctionHandle notSupportedOnApi(WasmFunctionHandle h) {
        return (inst, a) -> (int) a[0] == API_FD ? new long[] {ERRNO_NOTSUP} : h.apply(inst, a);
    }

    private static boolean isApi(Memory mem, long ptr, long len) {
        return len == 3 && "api".equals(mem.readString((int) ptr, 3, StandardCharsets.UTF_8));
    }

    private static long[] ok() {
        return new long[] {ERRNO_SUCCESS};
    }

    private static long[] open(Memory mem, int fdOut) {
        mem.writeI32(fdOut, API_FD);
        return ok();
    }

    private static long[] write(Memory mem, PythonCalls calls, int iovs, int count, int writtenOut) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int buf = mem.readInt(iovs + 8 * i);
            int len = mem.readInt(iovs + 8 * i + 4);
            request.writeBytes(mem.readBytes(buf, len));
        }
        calls.write(request.toByteArray());
        mem.writeI32(writtenOut, request.size());
        return ok();
    }

    private static long[] read(Memory mem, PythonCalls calls, int iovs, int count, int readOut) {
        int total = 0;
        for (int i = 0; i < count; i++) {
            int buf = mem.readInt(iovs + 8 * i);
            int len = mem.readInt(iovs + 8 * i + 4);
            byte[] chunk = calls.read(len);
            mem.write(buf, chunk);
            total += chunk.length;
            if (chunk.length < len) {
                break;
            }
        }
        mem.writeI32(readOut, total);
        return ok();
    }

    /** A regular file with every right: enough for wasi-libc's and Python's checks. */
    private static long[] fdstat(Memory mem, int out) {
        mem.writeByte(out, (byte) FILETYPE_REGULAR);
        mem.writeShort(out + 2, (short) 0);
        mem.writeLong(out + 8, -1L);
        mem.writeLong(out + 16, 0L);
        return ok();
    }
}
