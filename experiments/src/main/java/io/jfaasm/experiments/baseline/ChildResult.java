package io.jfaasm.experiments.baseline;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What a child process reports on its stdout, one line: the call's return code and output (or why
 * it failed), how long the call took inside the process, the bytes it and the processes it started
 * moved through the global tier, and how many processes ran it (itself included).
 */
public record ChildResult(int returnCode, byte[] output, String failure, long callNanos, long tierBytesRead,
        long tierBytesWritten, int processes) {

    static final String MARK = "@@jfaasm-result ";

    public boolean succeeded() {
        return failure == null && returnCode == 0;
    }

    public String outputText() {
        return new String(output, java.nio.charset.StandardCharsets.UTF_8);
    }

    String toLine() {
        Base64.Encoder b = Base64.getEncoder();
        return MARK + "rc=" + returnCode + " ns=" + callNanos + " read=" + tierBytesRead + " written="
                + tierBytesWritten + " processes=" + processes + " out=" + b.encodeToString(output)
                + (failure == null ? "" : " failure=" + b.encodeToString(failure.getBytes()));
    }

    static ChildResult parse(String line) {
        Map<String, String> f = new HashMap<>();
        for (String kv : line.substring(MARK.length()).trim().split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Base64.Decoder b = Base64.getDecoder();
        return new ChildResult(Integer.parseInt(f.get("rc")), b.decode(f.get("out")),
                f.containsKey("failure") ? new String(b.decode(f.get("failure"))) : null,
                Long.parseLong(f.get("ns")), Long.parseLong(f.get("read")), Long.parseLong(f.get("written")),
                Integer.parseInt(f.get("processes")));
    }

    static ChildResult failed(String why) {
        return new ChildResult(-1, new byte[0], why, 0, 0, 0, 1);
    }

    /** This result with the traffic and processes of the calls it started added. */
    ChildResult plusChildren(long read, long written, int procs) {
        return new ChildResult(returnCode, output, failure, callNanos, tierBytesRead + read,
                tierBytesWritten + written, processes + procs);
    }
}
