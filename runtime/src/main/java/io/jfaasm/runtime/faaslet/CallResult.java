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
 */
public record CallResult(int returnCode, byte[] output, byte[] stdout, byte[] stderr,
        Failure failure, long nanos) {

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
