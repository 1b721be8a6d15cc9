package io.jfaasm.runtime.host;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import io.jfaasm.runtime.files.DirectoryView;
import io.jfaasm.runtime.files.QuotaExceededException;
import java.io.OutputStream;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * WASI preview1 for one call: args, environment, clocks, random, stdout/stderr into the call's
 * captures, and files only under the directories given to the call.
 */
public final class WasiImports {
    public static final String MODULE = "wasi_snapshot_preview1";

    /** One seeded CSPRNG for every call: random_get is the guest's source of keys and nonces. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Map<String, FunctionType> SIGNATURES;
    /** WASI preview1 errno values (Chicory's own enum is not public). */
    private static final int ERRNO_BADF = 8;
    private static final int ERRNO_DQUOT = 19;
    private static final int ERRNO_ROFS = 69;
    private static final int ERRNO_XDEV = 75;

    static {
        Map<String, FunctionType> sigs = new LinkedHashMap<>();
        try (WasiPreview1 probe = WasiPreview1.builder().build()) {
            for (HostFunction f : probe.toHostFunctions()) {
                sigs.put(f.name(), f.functionType());
            }
        }
        SIGNATURES = Collections.unmodifiableMap(sigs);
    }

    /**
     * A directory of the host visible to the guest under another path.
     *
     * @param readOnly whether the guest may only read it (see {@link DirectoryView})
     * @param maxBytes for a writable directory that starts empty, how many bytes its files may hold
     *     together; -1 for no limit
     */
    public record Mount(Path hostPath, String guestPath, boolean readOnly, long maxBytes) {
        /** A directory the guest may read and write. */
        public Mount(Path hostPath, String guestPath) {
            this(hostPath, guestPath, false, -1);
        }

        public Mount(Path hostPath, String guestPath, boolean readOnly) {
            this(hostPath, guestPath, readOnly, -1);
        }

        /** What WASI is given for this directory: the host path, or a view of it that enforces the mount. */
        Path wasiPath() {
            if (readOnly) {
                return DirectoryView.readOnly(hostPath);
            }
            return maxBytes >= 0 ? DirectoryView.withQuota(hostPath, maxBytes) : hostPath;
        }
    }

    private WasiImports() {}

    public static Map<String, FunctionType> signatures() {
        return SIGNATURES;
    }

    /**
     * Host functions with WASI's names and types that forward to the WASI of whichever call is
     * current: built once per Faaslet, while each call brings its own {@link WasiPreview1}.
     */
    public static List<HostFunction> forwarding(Supplier<HostFunction[]> currentCall) {
        List<HostFunction> out = new java.util.ArrayList<>(SIGNATURES.size());
        int i = 0;
        for (Map.Entry<String, FunctionType> e : SIGNATURES.entrySet()) {
            int index = i++;
            out.add(new HostFunction(MODULE, e.getKey(), e.getValue(),
                    (instance, args) -> {
                        try {
                            return currentCall.get()[index].handle().apply(instance, args);
                        } catch (RuntimeException x) {
                            return errno(x);
                        }
                    }));
        }
        return out;
    }

    /**
     * The errno for the unchecked exceptions Chicory's WASI lets through from file operations on a
     * {@link DirectoryView} (a refused write, a full scratch directory, an operation between two
     * directories), so the guest sees a failed call rather than a trap. Others propagate.
     */
    private static long[] errno(RuntimeException x) {
        int errno = switch (x) {
            case ReadOnlyFileSystemException r -> ERRNO_ROFS;
            case QuotaExceededException q -> ERRNO_DQUOT;
            case NonWritableChannelException n -> ERRNO_BADF; // a write through a read-only fd
            case ProviderMismatchException p -> ERRNO_XDEV; // a link or rename across mounts
            default -> throw x;
        };
        return new long[] {errno};
    }

    /** Builds the WASI of one call. Close it when the call ends: it holds the call's open files. */
    public static WasiPreview1 forCall(List<String> args, Map<String, String> env,
            List<Mount> mounts, OutputStream stdout, OutputStream stderr) {
        WasiOptions.Builder options = WasiOptions.builder()
                .withArguments(args)
                .withStdout(stdout, false)
                .withStderr(stderr, false)
                .withRandom(RANDOM);
        env.forEach(options::withEnvironment);
        for (Mount m : mounts) {
            options.withDirectory(m.guestPath(), m.wasiPath());
        }
        return WasiPreview1.builder()
                .withLogger(ChicoryLog.INSTANCE)
                .withOptions(options.build())
                .build();
    }
}
