package io.jfaasm.runtime.faaslet;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What network a function may reach: an allow-list of {@code host:port} patterns (deny by default),
 * a bandwidth limit and a cap on open sockets, per call.
 *
 * <p>A pattern's host is a name or address with {@code *} wildcards ({@code *.example.com},
 * {@code 127.0.0.1}, {@code *}): 1 to 253 of {@code A-Z a-z 0-9 . - _ : *}; its port a number
 * (1 to 65535), a range {@code 8000-8099}, or {@code *}. A connection is allowed when some pattern
 * matches the name the function asked for, or one of the addresses it resolves to, with the port.
 * Patterns come from users (at upload), so anything else is refused with a message saying why.
 *
 * <p>The host's operator may add {@code deny} patterns, which win over every allow: a connection
 * is refused when one matches the name asked for or any address it resolves to (an unspecified
 * address, {@code 0.0.0.0} or {@code ::}, counts as loopback too, since connecting to it reaches
 * this machine). They keep users' functions away from what serves the host itself.
 *
 * @param allow the patterns
 * @param bytesPerSecond bandwidth of a call, sent and received together
 * @param maxSockets sockets a call may hold open at once
 * @param deny patterns refused whatever {@code allow} says
 */
public record NetworkPolicy(List<String> allow, long bytesPerSecond, int maxSockets, List<String> deny) {
    public static final NetworkPolicy DENY_ALL = new NetworkPolicy(List.of(), 10L << 20, 16);
    public static final int MAX_PATTERNS = 64;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._*:-]{1,253}");
    private static final List<InetAddress> LOOPBACKS = List.of(
            InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1"));
    private static final Pattern PORT = Pattern.compile("\\*|(\\d{1,5})(?:-(\\d{1,5}))?");

    public NetworkPolicy {
        allow = List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        for (String p : allow) {
            parse(p);
        }
        for (String p : deny) {
            parse(p);
        }
        if (bytesPerSecond <= 0 || maxSockets < 0) {
            throw new IllegalArgumentException("bandwidth must be positive and the socket cap not negative");
        }
    }

    public NetworkPolicy(List<String> allow, long bytesPerSecond, int maxSockets) {
        this(allow, bytesPerSecond, maxSockets, List.of());
    }

    /**
     * A policy as a user declares it (at upload, or for all of a user's functions): at most
     * {@link #MAX_PATTERNS} patterns, each checked.
     */
    public static NetworkPolicy declared(List<String> patterns, long bytesPerSecond, int maxSockets) {
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("at most " + MAX_PATTERNS + " network patterns, not " + patterns.size());
        }
        return new NetworkPolicy(patterns, bytesPerSecond, maxSockets);
    }

    /** A policy allowing these patterns, with the default bandwidth (10 MiB/s) and socket cap (16). */
    public static NetworkPolicy allowing(String... patterns) {
        return allowing(List.of(patterns));
    }

    public static NetworkPolicy allowing(List<String> patterns) {
        return new NetworkPolicy(patterns, DENY_ALL.bytesPerSecond, DENY_ALL.maxSockets);
    }

    public NetworkPolicy withBandwidth(long bytesPerSecond) {
        return new NetworkPolicy(allow, bytesPerSecond, maxSockets, deny);
    }

    public NetworkPolicy withMaxSockets(int n) {
        return new NetworkPolicy(allow, bytesPerSecond, n, deny);
    }

    /** This policy, also refusing what {@code patterns} match, whatever it allows. */
    public NetworkPolicy denying(List<String> patterns) {
        if (patterns.isEmpty()) {
            return this;
        }
        LinkedHashSet<String> all = new LinkedHashSet<>(deny);
        all.addAll(patterns);
        return new NetworkPolicy(allow, bytesPerSecond, maxSockets, new ArrayList<>(all));
    }

    /**
     * This policy also allowing what {@code more} allows: the patterns of both (each once, this
     * policy's first), this policy's bandwidth, socket cap and deny patterns. The limit on the
     * number of patterns applies to each declared list, not to the union.
     */
    public NetworkPolicy union(NetworkPolicy more) {
        if (more.allow.isEmpty()) {
            return this;
        }
        LinkedHashSet<String> both = new LinkedHashSet<>(allow);
        both.addAll(more.allow);
        if (both.size() == allow.size()) {
            return this;
        }
        return new NetworkPolicy(new ArrayList<>(both), bytesPerSecond, maxSockets, deny);
    }

    /** Whether a connection is allowed: some allow pattern matches the name or an address, and no deny pattern does. */
    public boolean allows(String host, int port, InetAddress[] resolved) {
        return !denies(host, port, resolved) && matchesAny(allow, host, port, resolved);
    }

    /** Whether a deny pattern matches the name, or any address it resolves to. */
    public boolean denies(String host, int port, InetAddress[] resolved) {
        if (deny.isEmpty()) {
            return false;
        }
        List<InetAddress> all = new ArrayList<>(List.of(resolved));
        for (InetAddress a : resolved) {
            if (a.isAnyLocalAddress()) { // connecting to 0.0.0.0 or :: reaches this machine
                all.addAll(LOOPBACKS);
            }
        }
        return matchesAny(deny, host, port, all.toArray(InetAddress[]::new));
    }

    private static boolean matchesAny(List<String> patterns, String host, int port, InetAddress[] resolved) {
        for (String p : patterns) {
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
        if (pattern == null) {
            throw new IllegalArgumentException("network pattern: null");
        }
        int colon = pattern.lastIndexOf(':');
        if (colon <= 0 || colon == pattern.length() - 1) {
            throw new IllegalArgumentException("network pattern '" + shown(pattern) + "': expected HOST:PORT");
        }
        String host = pattern.substring(0, colon);
        String port = pattern.substring(colon + 1);
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("network pattern '" + shown(pattern) + "': bad host '" + shown(host)
                    + "' (1 to 253 of A-Z a-z 0-9 . - _ : and * wildcards)");
        }
        var m = PORT.matcher(port);
        if (!m.matches()) {
            throw new IllegalArgumentException("network pattern '" + shown(pattern) + "': bad port '" + shown(port)
                    + "' (a number, a range LOW-HIGH, or *)");
        }
        if (m.group(1) != null) {
            int lo = Integer.parseInt(m.group(1));
            int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
            if (lo < 1 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException("network pattern '" + shown(pattern) + "': port " + port
                        + " is not within 1-65535 (or its range is reversed)");
            }
        }
        return new String[] {host, port};
    }

    /** A user's pattern, safe to put in a message: printable ASCII, at most 100 characters. */
    private static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 100 ? b + "..." : b.toString();
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
