package io.jfaasm.server;

import io.jfaasm.cluster.RedisGlobalTier;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a host joins a cluster: the hosts sharing one Redis (and namespace) are one cluster
 * (docs/architecture.md, "Cluster").
 *
 * @param redisUri {@code redis://HOST:PORT[/DB]} (or {@code rediss://}, {@code redis-socket://})
 * @param namespace the prefix of every Redis key; clusters on one Redis differ by it
 * @param advertiseUrl the URL other hosts call this one at; null: the server's own URL (fine on one
 *     machine; give the host's reachable address when hosts run on several)
 * @param heartbeat how often this host tells Redis it is alive
 * @param deadAfter how long a host may be silent before the others count it dead
 * @param maxHops how many times one call may be handed on (1: a forwarded call runs where it lands)
 */
public record ClusterConfig(String redisUri, String namespace, String advertiseUrl, Duration heartbeat,
        Duration deadAfter, int maxHops) {
    public ClusterConfig {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(deadAfter, "deadAfter");
        if (heartbeat.isNegative() || heartbeat.isZero() || deadAfter.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("the heartbeat must be positive and shorter than deadAfter");
        }
        if (maxHops < 0) {
            throw new IllegalArgumentException("maxHops must not be negative: " + maxHops);
        }
        if (advertiseUrl != null) {
            if (!advertiseUrl.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
                throw new IllegalArgumentException("--advertise must be an http:// URL, not '" + advertiseUrl + "'");
            }
            advertiseUrl = advertiseUrl.replaceAll("/+$", "");
        }
    }

    /** One Redis, the default namespace, heartbeats every second, dead after 3 s, 2 hops. */
    public static ClusterConfig of(String redisUri) {
        return new ClusterConfig(redisUri, RedisGlobalTier.DEFAULT_NAMESPACE, null, Duration.ofSeconds(1),
                Duration.ofSeconds(3), 2);
    }

    public ClusterConfig withNamespace(String ns) {
        return new ClusterConfig(redisUri, ns, advertiseUrl, heartbeat, deadAfter, maxHops);
    }

    public ClusterConfig withAdvertiseUrl(String url) {
        return new ClusterConfig(redisUri, namespace, url, heartbeat, deadAfter, maxHops);
    }

    public ClusterConfig withMaxHops(int n) {
        return new ClusterConfig(redisUri, namespace, advertiseUrl, heartbeat, deadAfter, n);
    }

    /**
     * The cluster's Redis as {@code host:port} patterns for {@link ServerConfig#networkDeny}: it
     * holds the admin key and every function, so no function may reach it, by any name of this
     * machine when it runs here. Empty for a Unix socket (no TCP to police).
     */
    public List<String> redisNetworkDeny() {
        RedisURI uri;
        try {
            uri = RedisURI.create(redisUri.split(",")[0].strip());
        } catch (RuntimeException e) {
            return List.of();
        }
        if (uri.getSocket() != null || uri.getHost() == null) {
            return List.of();
        }
        int port = uri.getPort();
        String host = uri.getHost();
        List<String> out = new ArrayList<>(List.of(host.replaceAll("[\\[\\]]", "") + ":" + port));
        if (ServerConfig.isLoopback(host)) {
            out.addAll(List.of("127.*:" + port, "localhost:" + port, "::1:" + port, "0:0:0:0:0:0:0:1:" + port));
        }
        return out;
    }
}
