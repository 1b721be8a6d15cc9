package io.jfaasm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network policies as the API takes and shows them: at upload, {@code ?allow=HOST:PORT}
 * (repeatable, or comma-separated), {@code ?bandwidth=BYTES_PER_SECOND}, {@code ?sockets=N};
 * for a user, a JSON body {@code {"allow": [...]}}. A malformed pattern or value is a 400 saying
 * which and why, before anything is stored.
 */
final class NetworkParams {
    /** Sockets a call may be allowed at most: each is a file descriptor of the host. */
    static final int MAX_SOCKETS = 1024;
    /** 1 GiB/s: above it, a limit limits nothing. */
    static final long MAX_BANDWIDTH = 1L << 30;

    private NetworkParams() {}

    /** The policy an upload declares; {@link NetworkPolicy#DENY_ALL} when it declares none. */
    static NetworkPolicy of(Context ctx) {
        List<String> allow = new ArrayList<>();
        for (String v : ctx.queryParams("allow")) {
            for (String p : v.split(",", -1)) {
                allow.add(p.strip());
            }
        }
        long bandwidth = number(ctx, "bandwidth", NetworkPolicy.DENY_ALL.bytesPerSecond(), 1, MAX_BANDWIDTH);
        int sockets = (int) number(ctx, "sockets", NetworkPolicy.DENY_ALL.maxSockets(), 0, MAX_SOCKETS);
        try {
            return NetworkPolicy.declared(allow, bandwidth, sockets);
        } catch (IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The patterns of a {@code {"allow": ["HOST:PORT", ...]}} body (checked when stored). */
    static List<String> allowList(byte[] body) {
        JsonNode n = Json.parse(body);
        JsonNode a = n.isObject() ? n.get("allow") : null;
        if (a == null || !a.isArray() || n.size() != 1) {
            throw new ApiError(400, "bad json", "expected {\"allow\": [\"HOST:PORT\", ...]}");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode p : a) {
            if (!p.isTextual()) {
                throw new ApiError(400, "bad json", "each pattern must be a string HOST:PORT");
            }
            out.add(p.asText());
        }
        return out;
    }

    static ApiError refused(IllegalArgumentException e) {
        return new ApiError(400, "bad network policy", HttpApi.printable(e.getMessage()));
    }

    /** The declared policy and what a call gets now, as {@code GET /f/...} shows them. */
    static Map<String, Object> json(NetworkPolicy declared, NetworkPolicy effective) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allow", declared.allow());
        m.put("bandwidth", declared.bytesPerSecond());
        m.put("sockets", declared.maxSockets());
        m.put("effectiveAllow", effective.allow());
        return m;
    }

    private static long number(Context ctx, String name, long dflt, long min, long max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ApiError(400, "bad network policy", name + " must be a whole number from " + min + " to " + max
                + ", not '" + HttpApi.printable(v) + "'");
    }
}
