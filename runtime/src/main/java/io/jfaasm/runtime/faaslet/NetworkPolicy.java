package io.jfaasm.runtime.faaslet;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What network a function may reach: an allow-list of {@code host:port} patterns (deny by default),
 * a bandwidth limit and a cap on open sockets, per call.
 *
 * <p>A pattern's host is a name or address with {@code *} wildcards ({@code *.example.com},
 * {@code 127.0.0.1}, {@code *}); its port a number, a range {@code 8000-8099}, or {@code *}. A
 * connection is allowed when some pattern matches the name the function asked for, or one of the
 * addresses it resolves to, with the port.
 *
 * @param allow the patterns
 * @param bytesPerSecond bandwidth of a call, sent and received together
 * @param maxSockets sockets a call may hold open at once
 */
public record NetworkPolicy(List<String> allow, long bytesPerSecond, int maxSockets) {
    public static final NetworkPolicy DENY_ALL = new NetworkPolicy(List.of(), 10L << 20, 16);

    public NetworkPolicy {
        allow = List.copyOf(allow);
        for (String p : allow) {
            parse(p);
        }
        if (bytesPerSecond <= 0 || maxSockets < 0) {
            throw new IllegalArgumentException("bandwidth must be positive and the socket cap not negative");
        }
    }

    /** A policy allowing these patterns, with the default bandwidth (10 MiB/s) and socket cap (16). */
    public static NetworkPolicy allowing(String... patterns) {
        return new NetworkPolicy(List.of(patterns), DENY_ALL.bytesPerSecond, DENY_ALL.maxSockets);
    }

    public NetworkPolicy withBandwidth(long bytesPerSecond) {
        return new NetworkPolicy(allow, bytesPerSecond, maxSockets);
    }

    public boolean allows(String host, int port, InetAddress[] resolved) {
        for (String p : allow) {
            String[] hp = parse(p);
            if (!portMatches(hp[1], port)) {
                continue;
            }
            Pattern h = glob(hp[0]);
            if (h.matcher(host).matches()) {
                return true;
            }
            for (InetAddress a : resolved) {
                if (h.matcher(a.getHostAddress()).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String[] parse(String pattern) {
        int colon = pattern.lastIndexOf(':');
        if (colon <= 0 || colon == pattern.length() - 1) {
            throw new IllegalArgumentException("network pattern '" + pattern + "': expected host:port");
        }
        String port = pattern.substring(colon + 1);
        if (!port.matches("\\*|\\d{1,5}(-\\d{1,5})?")) {
            throw new IllegalArgumentException("network pattern '" + pattern + "': bad port " + port);
        }
        return new String[] {pattern.substring(0, colon), port};
    }

    private static boolean portMatches(String spec, int port) {
        if (spec.equals("*")) {
            return true;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Integer.parseInt(spec) == port;
        }
        return port >= Integer.parseInt(spec.substring(0, dash)) && port <= Integer.parseInt(spec.substring(dash + 1));
    }

    private static Pattern glob(String host) {
        String[] parts = host.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
