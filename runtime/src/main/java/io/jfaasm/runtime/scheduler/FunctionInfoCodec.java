package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.wasm.Engine;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A function's description as one line of text, the form every {@link FunctionStore} keeps:
 * {@code v1 SHA256 SIZE COMPILE_MILLIS UPLOADED_AT_MILLIS IDEMPOTENT(0|1)} followed, since network
 * policies were declared at upload, by {@code BYTES_PER_SECOND MAX_SOCKETS PATTERNS} (patterns
 * comma-separated, {@code -} for none). A line without the network fields, written before they
 * existed, reads as {@link NetworkPolicy#DENY_ALL}: what such a function had. Then, since engines
 * are chosen per function, {@code ENGINE} ({@code -} for the host's); a line without it reads as
 * the host's engine.
 */
public final class FunctionInfoCodec {
    private FunctionInfoCodec() {}

    public static String encode(FunctionInfo i) {
        return "v1 " + i.sha256() + " " + i.sizeBytes() + " " + i.compileMillis() + " "
                + i.uploadedAt().toEpochMilli() + " " + (i.idempotent() ? 1 : 0) + " " + encode(i.network())
                + " " + (i.engine() == null ? "-" : i.engine().id());
    }

    /** The description in {@code line}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static FunctionInfo decode(FunctionId id, String line) {
        String[] p = line.strip().split(" ");
        if ((p.length != 6 && p.length != 9 && p.length != 10) || !p[0].equals("v1")) {
            throw new IllegalArgumentException("unreadable description of " + id + ": " + line);
        }
        try {
            NetworkPolicy network = p.length >= 9 ? decodeNetwork(p[6], p[7], p[8]) : NetworkPolicy.DENY_ALL;
            Engine engine = p.length == 10 && !p[9].equals("-") ? Engine.parse(p[9]) : null;
            return new FunctionInfo(id, p[1], Integer.parseInt(p[2]), Long.parseLong(p[3]),
                    Instant.ofEpochMilli(Long.parseLong(p[4])), p[5].equals("1"), network, engine);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unreadable description of " + id + ": " + line, e);
        }
    }

    /** {@code BYTES_PER_SECOND MAX_SOCKETS PATTERNS}. */
    public static String encode(NetworkPolicy n) {
        return n.bytesPerSecond() + " " + n.maxSockets() + " " + encodePatterns(n.allow());
    }

    /** Patterns comma-separated, {@code -} for none (no valid pattern contains a comma or is "-"). */
    public static String encodePatterns(List<String> patterns) {
        return patterns.isEmpty() ? "-" : String.join(",", patterns);
    }

    public static List<String> decodePatterns(String s) {
        return s.equals("-") ? List.of() : Arrays.asList(s.split(","));
    }

    private static NetworkPolicy decodeNetwork(String bytesPerSecond, String maxSockets, String patterns) {
        return new NetworkPolicy(decodePatterns(patterns), Long.parseLong(bytesPerSecond), Integer.parseInt(maxSockets));
    }
}
