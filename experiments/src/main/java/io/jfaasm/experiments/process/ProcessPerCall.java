package io.jfaasm.experiments.process;

import io.jfaasm.experiments.os.Posix;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The container-like baseline: a new JVM per call running the same wasm ({@code WasmProcess call}),
 * started with {@code posix_spawn} and reaped with {@code wait4}, so the time is spawn to exit.
 */
public final class ProcessPerCall {
    private final List<String> argv;
    private final Map<String, String> env = System.getenv();

    public ProcessPerCall(String function, Path codeCache) {
        this.argv = JvmProcess.argv("call", function, codeCache);
    }

    /** One call in a fresh process; returns its wall time in nanoseconds. */
    public long call() {
        long start = System.nanoTime();
        Posix.Exit exit = Posix.await(Posix.spawn(argv, env));
        long nanos = System.nanoTime() - start;
        if (exit.status() != 0) {
            throw new IllegalStateException("function process exited with wait status " + exit.status());
        }
        return nanos;
    }
}
