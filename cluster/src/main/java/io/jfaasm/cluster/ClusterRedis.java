package io.jfaasm.cluster;

import io.jfaasm.runtime.state.GlobalTierException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The Redis through which the hosts of a cluster coordinate: the host registry and warm sets
 * ({@link HostRegistry}), the shared function store ({@link RedisFunctionStore}), finished call
 * records ({@link CallRecordStore}) and the cluster's secrets. State goes through a
 * {@link RedisGlobalTier} of its own on the same Redis and namespace.
 *
 * <p>Every key it touches is {@code NS{c}:...}, {@code NS} the namespace (default
 * {@value RedisGlobalTier#DEFAULT_NAMESPACE}); {@code {c}} keeps them apart from state keys
 * ({@code NS{k:...}}) and would hold them in one slot of a Redis Cluster. Coordination needs one
 * Redis (or a primary): {@code redis-cluster://} URIs are refused here.
 */
public final class ClusterRedis implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> strings;
    private final StatefulRedisConnection<byte[], byte[]> bytes;
    private final String address;
    private final String uri;
    private final String namespace;
    private final String prefix;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterRedis(RedisClient client, StatefulRedisConnection<String, String> strings,
            StatefulRedisConnection<byte[], byte[]> bytes, String uri, String address, String namespace) {
        this.client = client;
        this.strings = strings;
        this.bytes = bytes;
        this.uri = uri;
        this.address = address;
        this.namespace = namespace;
        this.prefix = namespace + "{c}:";
    }

    /**
     * Connects to {@code redis://[user:password@]host:port[/db]} (or {@code rediss://},
     * {@code redis-socket://}); every key used starts with {@code namespace}.
     *
     * @throws GlobalTierException when Redis cannot be reached
     * @throws IllegalArgumentException for a bad URI, a Redis Cluster URI or a bad namespace
     */
    public static ClusterRedis connect(String uri, String namespace) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
            throw new IllegalArgumentException("a namespace may not hold braces: " + namespace);
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
            throw new IllegalArgumentException("the hosts of a cluster coordinate through one Redis (a primary): "
                    + "a Redis Cluster URI is not supported for --redis yet");
        }
        RedisURI r;
        try {
            r = RedisURI.create(uri);
        } catch (IllegalArgumentException | RedisException e) {
            throw new IllegalArgumentException("not a Redis URI: " + uri + " (" + e.getMessage() + ")", e);
        }
        if (!uri.contains("timeout=")) {
            r.setTimeout(DEFAULT_TIMEOUT);
        }
        String address = r.getSocket() != null ? "redis-socket://" + r.getSocket()
                : (r.isSsl() ? "rediss://" : "redis://") + r.getHost() + ":" + r.getPort();
        RedisClient client = RedisClient.create(r);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled())
                .build());
        StatefulRedisConnection<String, String> s = null;
        try {
            s = client.connect(StringCodec.UTF8);
            StatefulRedisConnection<byte[], byte[]> b = client.connect(ByteArrayCodec.INSTANCE);
            return new ClusterRedis(client, s, b, uri, address, namespace);
        } catch (RedisException e) {
            if (s != null) {
                s.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new GlobalTierException("cannot reach Redis at " + address + ": " + e.getMessage(), e);
        }
    }

    /** {@code redis://host:port}, without credentials. */
    public String address() {
        return address;
    }

    /** The URI connected to (with credentials, if it had them): for the state tier's own connection. */
    public String uri() {
        return uri;
    }

    public String namespace() {
        return namespace;
    }

    /** The full Redis key of a coordination key: {@code NS{c}:suffix}. */
    public String key(String suffix) {
        return prefix + suffix;
    }

    RedisCommands<String, String> strings() {
        return strings.sync();
    }

    RedisCommands<byte[], byte[]> bytes() {
        return bytes.sync();
    }

    RedisAsyncCommands<byte[], byte[]> bytesAsync() {
        return bytes.async();
    }

    /** A new publish/subscribe connection; the caller closes it. */
    StatefulRedisPubSubConnection<String, String> pubSub() {
        return client.connectPubSub(StringCodec.UTF8);
    }

    /**
     * The value of {@code NS{c}:name}, set to {@code candidate} first if it has none (the first
     * host to ask decides): how the hosts agree on the cluster secret and the admin key.
     */
    public String getOrCreate(String name, String candidate) {
        String k = key(name);
        return call("get-or-create " + name, () -> {
            strings().set(k, candidate, SetArgs.Builder.nx());
            return strings().get(k);
        });
    }

    /** Runs a command, turning Redis failures into {@link GlobalTierException}s that name the address. */
    <T> T call(String op, Supplier<T> command) {
        if (closed.get()) {
            throw new GlobalTierException("the cluster's Redis connection to " + address + " is closed");
        }
        try {
            return command.get();
        } catch (RedisException e) {
            throw new GlobalTierException("Redis at " + address + ": " + op + " failed: " + e.getMessage(), e);
        }
    }

    /** A Lua script, run by its SHA-1 (loaded on first use). */
    record Script(String body, String sha) {
        Script(String body) {
            this(body, sha1(body));
        }

        <T> T run(RedisCommands<String, String> r, ScriptOutputType type, String[] keys, String... args) {
            try {
                return r.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                return r.eval(body, type, keys, args);
            }
        }

        <T> T run(RedisCommands<byte[], byte[]> r, ScriptOutputType type, byte[][] keys, byte[]... args) {
            try {
                return r.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                return r.eval(body, type, keys, args);
            }
        }

        private static String sha1(String s) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                strings.close();
                bytes.close();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Override
    public String toString() {
        return "ClusterRedis[" + address + ", namespace '" + namespace + "']";
    }
}
