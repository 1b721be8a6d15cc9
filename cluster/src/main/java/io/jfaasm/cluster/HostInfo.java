package io.jfaasm.cluster;

import java.util.Objects;

/**
 * One host of a cluster as its last heartbeat described it.
 *
 * @param id its host id
 * @param url where other hosts reach its HTTP API, e.g. {@code http://10.0.0.5:8080}
 * @param slots calls it runs at once
 * @param running calls running on it
 * @param queued calls waiting there for a slot
 * @param draining whether it is shutting down (takes no new calls)
 * @param startedAtMillis when it started (epoch milliseconds)
 */
public record HostInfo(String id, String url, int slots, int running, int queued, boolean draining,
        long startedAtMillis) {
    public HostInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        if (id.contains(" ") || url.contains(" ")) {
            throw new IllegalArgumentException("no spaces in a host id or URL");
        }
    }

    /** Slots not taken by running or queued calls, as of its heartbeat. */
    public int free() {
        return slots - running - queued;
    }

    String encode() {
        return "v1 " + url + " " + slots + " " + running + " " + queued + " " + (draining ? 1 : 0) + " " + startedAtMillis;
    }

    static HostInfo decode(String id, String s) {
        String[] p = s.split(" ");
        if (p.length < 7 || !p[0].equals("v1")) {
            return null;
        }
        try {
            return new HostInfo(id, p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]), Integer.parseInt(p[4]),
                    p[5].equals("1"), Long.parseLong(p[6]));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
