package io.jfaasm.runtime.faaslet;

import java.nio.charset.StandardCharsets;

/**
 * What one call gave back.
 *
 * @param returnCode the function's return code (from main, faasm_main or proc_exit); -1 on failure
 * @param output the bytes the function set as its output
 * @param stdout what it wrote to stdout (up to the log limit)
 * @param stderr what it wrote to stderr (up to the log limit)
 * @param failure why it did not complete, or null when it did
 * @param nanos wall time of the call, Faaslet creation included
 * @param start how its Faaslet was obtained, or null when it never started
 * @param cpuNanos CPU time the call's thread spent on it (Faaslet creation included)
 */
public record CallResult(int returnCode, byte[] output, byte[] stdout, byte[] stderr,
        Failure failure, long nanos, StartKind start, long cpuNanos) {

    /** How a call's Faaslet came to be. */
    public enum StartKind {
        /** A new instance, initialised from the module (no snapshot). */
        FRESH,
        /** Restored from the function's Proto-Faaslet snapshot. */
        RESTORED,
        /** An idle Faaslet of the warm pool, reset after an earlier call. */
        WARM
    }

    /** A call that failed before any Faaslet ran it. */
    public static CallResult notStarted(Failure failure, long nanos) {
        return new CallResult(-1, new byte[0], new byte[0], new byte[0], failure, nanos, null, 0);
    }

    /** The same result, saying how its Faaslet was obtained. */
    public CallResult startedAs(StartKind kind) {
        return new CallResult(returnCode, output, stdout, stderr, failure, nanos, kind, cpuNanos);
    }

    /** The same result with the CPU time the host measured for it. */
    public CallResult withCpu(long nanos) {
        return new CallResult(returnCode, output, stdout, stderr, failure, this.nanos, start, nanos);
    }

    /** The same result, failed for another reason than the one the Faaslet saw. */
    public CallResult failedAs(Failure reason) {
        return new CallResult(-1, output, stdout, stderr, reason, nanos, start, cpuNanos);
    }

    /** Ran to completion and returned 0. */
    public boolean succeeded() {
        return failure == null && returnCode == 0;
    }

    public boolean failed() {
        return failure != null;
    }

    public String outputText() {
        return new String(output, StandardCharsets.UTF_8);
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CallResult[rc=" + returnCode + ", output=" + output.length + " bytes"
                + (failure == null ? "" : ", " + failure) + "]";
    }
}
