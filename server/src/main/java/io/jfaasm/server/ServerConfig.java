package io.jfaasm.server;

import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.isolation.TenantWeights;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link JfaasmServer} runs. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; every field is documented in docs/http-api.md ("Configuration").
 *
 * @param bindAddress the address to listen on; loopback by default
 * @param port the TCP port; 0 picks a free one (see {@link JfaasmServer#port()})
 * @param dataDir where functions, state, keys and compiled code are kept
 * @param hostId this host's name, in call ids and records ([A-Za-z0-9_.-], at most 64)
 * @param slots calls running at once
 * @param maxQueued calls waiting for a slot before new ones get 429
 * @param maxUploadBytes largest module accepted by {@code PUT /f/...}
 * @param maxInputBytes largest call input accepted by {@code POST /f/...}
 * @param maxStateBytes largest state value accepted by {@code PUT /s/...}
 * @param syncTimeout how long a synchronous call is waited for before 504 (it keeps running)
 * @param requireKeys whether API keys are required; null: only when not bound to loopback
 * @param limits the limits of every call (memory, wall time, output, logs)
 * @param recordTtl how long a finished call's record (status, output, logs) is kept
 * @param shutdownGrace how long {@link JfaasmServer#close()} lets running calls finish
 * @param tenantWeights users' weights: their CPU groups' shares and their share of slots
 * @param cpuGroups whether to use cgroups where writable; false: only the fair slots share the host
 * @param networkDeny {@code host:port} patterns no function may reach whatever it allows; a host
 *     of a cluster adds its Redis to them
 */
public record ServerConfig(String bindAddress, int port, Path dataDir, String hostId, int slots,
        int maxQueued, long maxUploadBytes, long maxInputBytes, long maxStateBytes, Duration syncTimeout,
        Boolean requireKeys, FunctionLimits limits, Duration recordTtl, Duration shutdownGrace,
        TenantWeights tenantWeights, boolean cpuGroups, List<String> networkDeny) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_INPUT = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_STATE = 64L * 1024 * 1024;
    /** Link-local addresses, where clouds serve a machine's metadata and credentials. */
    public static final List<String> DEFAULT_NETWORK_DENY = List.of("169.254.*:*", "fe80:*:*");
    private static final String HOST_ID = "[A-Za-z0-9_.-]{1,64}";

    public ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(syncTimeout, "syncTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(recordTtl, "recordTtl");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(tenantWeights, "tenantWeights");
        networkDeny = List.copyOf(networkDeny);
        NetworkPolicy.DENY_ALL.denying(networkDeny); // checks the patterns
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
        }
        if (hostId == null || !hostId.matches(HOST_ID)) {
            throw new IllegalArgumentException("bad host id " + (hostId == null ? "null" : "'" + hostId + "'")
                    + ": 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, not " + slots);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("the queue bound must not be negative: " + maxQueued);
        }
        if (maxUploadBytes < 1 || maxUploadBytes > Integer.MAX_VALUE - 8 || maxInputBytes < 0
                || maxInputBytes > Integer.MAX_VALUE - 8 || maxStateBytes < 0 || maxStateBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("size limits must be between 0 and 2 GiB");
        }
        if (syncTimeout.isNegative() || syncTimeout.isZero() || recordTtl.isNegative() || recordTtl.isZero()
                || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Loopback, port 8080, {@link #defaultDataDir()}, {@link #defaultHostId()}, cores x 4 slots. */
    public static ServerConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServerConfig(DEFAULT_BIND, DEFAULT_PORT, defaultDataDir(), defaultHostId(), cores * 4, 10_000,
                DEFAULT_MAX_UPLOAD, DEFAULT_MAX_INPUT, DEFAULT_MAX_STATE, Duration.ofSeconds(60), null,
                FunctionLimits.DEFAULTS, Duration.ofHours(1), Duration.ofSeconds(30), TenantWeights.EQUAL, true, DEFAULT_NETWORK_DENY);
    }

    /**
     * {@code $JFAASM_DATA_DIR}, else {@code $XDG_DATA_HOME/jfaasm}, else
     * {@code ~/.local/share/jfaasm}: one place per user, whatever the working directory.
     */
    public static Path defaultDataDir() {
        String env = System.getenv("JFAASM_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "jfaasm");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "jfaasm");
    }

    /** The machine's host name, made safe for call ids ([A-Za-z0-9_.-]), or "host". */
    public static String defaultHostId() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                name = null;
            }
        }
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = null;
            }
        }
        String safe = name == null ? "" : name.replaceAll("[^A-Za-z0-9_.-]", "-");
        if (safe.length() > 64) {
            safe = safe.substring(0, 64);
        }
        return safe.isEmpty() || safe.equals(".") || safe.equals("..") ? "host" : safe;
    }

    /** Whether requests must carry a key: as configured, else only when not bound to loopback. */
    public boolean keysRequired() {
        if (requireKeys != null) {
            return requireKeys;
        }
        return !isLoopback(bindAddress);
    }

    static boolean isLoopback(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (a.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public ServerConfig withBindAddress(String v) {
        return new ServerConfig(v, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withPort(int v) {
        return new ServerConfig(bindAddress, v, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withDataDir(Path v) {
        return new ServerConfig(bindAddress, port, v, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withHostId(String v) {
        return new ServerConfig(bindAddress, port, dataDir, v, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withSlots(int n, int queued) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, n, queued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withSizeLimits(long upload, long input, long state) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, upload, input, state,
                syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withSyncTimeout(Duration v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, v, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    /** true or false to force keys on or off; null for the default (on unless bound to loopback). */
    public ServerConfig withRequireKeys(Boolean v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, v, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withLimits(FunctionLimits v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, v, recordTtl, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withRecordTtl(Duration v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, v, shutdownGrace, tenantWeights, cpuGroups, networkDeny);
    }

    public ServerConfig withTenantWeights(TenantWeights v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, v, cpuGroups, networkDeny);
    }

    /** false: no cgroups even where writable (the host's CPU mode is then NONE). */
    public ServerConfig withCpuGroups(boolean v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, v, networkDeny);
    }

    /** Patterns no function may reach (replacing the default, {@link #DEFAULT_NETWORK_DENY}). */
    public ServerConfig withNetworkDeny(List<String> v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, shutdownGrace, tenantWeights, cpuGroups, v);
    }

    public ServerConfig withShutdownGrace(Duration v) {
        return new ServerConfig(bindAddress, port, dataDir, hostId, slots, maxQueued, maxUploadBytes, maxInputBytes,
                maxStateBytes, syncTimeout, requireKeys, limits, recordTtl, v, tenantWeights, cpuGroups, networkDeny);
    }
}
