package io.jfaasm.runtime.faaslet;

import java.time.Duration;

/**
 * What one call of a function may use. Defaults suit most functions; a user overrides per function.
 *
 * @param maxMemoryBytes linear memory limit (rounded down to 64 KiB wasm pages)
 * @param timeout wall time before the call is stopped
 * @param maxOutputBytes largest output a call may set
 * @param maxLogBytes stdout and stderr kept per call (each); the rest still streams to a sink
 * @param maxCpuTime CPU time (of the call's thread) before the call is stopped, or null for none
 *     beyond the wall-time limit
 */
public record FunctionLimits(long maxMemoryBytes, Duration timeout, int maxOutputBytes, int maxLogBytes,
        Duration maxCpuTime) {
    public static final long DEFAULT_MAX_MEMORY = 256L * 1024 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_LOG = 1024 * 1024;
    private static final int PAGE = 65536;
    private static final int MAX_PAGES = 32767; // the engine's limit, just under 2 GiB

    public static final FunctionLimits DEFAULTS =
            new FunctionLimits(DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT, DEFAULT_MAX_LOG, null);

    public FunctionLimits {
        if (maxMemoryBytes < PAGE || maxMemoryBytes > (long) MAX_PAGES * PAGE) {
            throw new IllegalArgumentException("memory limit must be between 64 KiB and "
                    + (long) MAX_PAGES * PAGE / (1024 * 1024) + " MiB, not " + maxMemoryBytes + " bytes");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (maxCpuTime != null && (maxCpuTime.isNegative() || maxCpuTime.isZero())) {
            throw new IllegalArgumentException("CPU-time limit must be positive, not " + maxCpuTime);
        }
        if (maxOutputBytes < 0 || maxLogBytes < 0) {
            throw new IllegalArgumentException("output and log limits must not be negative");
        }
    }

    public int maxPages() {
        return (int) (maxMemoryBytes / PAGE);
    }

    public FunctionLimits withMaxMemoryBytes(long bytes) {
        return new FunctionLimits(bytes, timeout, maxOutputBytes, maxLogBytes, maxCpuTime);
    }

    public FunctionLimits withTimeout(Duration t) {
        return new FunctionLimits(maxMemoryBytes, t, maxOutputBytes, maxLogBytes, maxCpuTime);
    }

    public FunctionLimits withMaxCpuTime(Duration cpu) {
        return new FunctionLimits(maxMemoryBytes, timeout, maxOutputBytes, maxLogBytes, cpu);
    }

    public FunctionLimits withMaxOutputBytes(int bytes) {
        return new FunctionLimits(maxMemoryBytes, timeout, bytes, maxLogBytes, maxCpuTime);
    }
}
