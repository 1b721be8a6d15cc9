package io.jfaasm.cluster;

import static io.jfaasm.runtime.state.TierArguments.checkRange;
import static io.jfaasm.runtime.state.TierArguments.checkSize;

import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.TierArguments;
import io.jfaasm.runtime.state.GlobalTierException;
import io.jfaasm.runtime.state.TierStats;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The global tier in Redis, through Lettuce: what lets hosts in different processes and machines
 * share state. Works with one Redis and with a Redis Cluster.
 *
 * <h2>Connecting</h2>
 *
 * {@link #connect(String)} takes a Lettuce URI: {@code redis://[user:password@]host:port[/db]},
 * {@code rediss://...} (TLS) or {@code redis-socket:///path}; and, for a Redis Cluster,
 * {@code redis-cluster://[user:password@]host:port,host:port,...} (or {@code rediss-cluster://}),
 * which names some of its nodes (the rest are discovered). Query parameters Lettuce understands
 * pass through, notably {@code ?timeout=30s}, the command timeout (default here:
 * {@value #DEFAULT_TIMEOUT_SECONDS} s, instead of Lettuce's 60 s). Every failure (unreachable,
 * timed out, refused) is a {@link GlobalTierException} naming the address; while the connection is
 * down, commands fail at once rather than queue.
 *
 * <h2>Layout in Redis</h2>
 *
 * With namespace {@code NS} (default {@value #DEFAULT_NAMESPACE}) a state key {@code K} (UTF-8)
 * uses up to three Redis keys:
 *
 * <ul>
 *   <li>{@code NS{k:K}:v} &mdash; its value, a Redis string ({@code GET}, {@code STRLEN},
 *       {@code GETRANGE}, {@code SET}, {@code SETRANGE});
 *   <li>{@code NS{k:K}:a} &mdash; its appended list, a Redis list ({@code RPUSH}, {@code LRANGE});
 *   <li>{@code NS{k:K}:l} &mdash; its global lock, a string holding the holder's token, set with
 *       {@code SET NX PX lease} and removed by a compare-and-delete script.
 * </ul>
 *
 * The three names differ only in their last byte and can never collide with another key's, since
 * {@code {k:K}:x} is read back unambiguously (whatever {@code K} holds, braces included). The part
 * in braces is a Redis Cluster hash tag that is never empty and is the same for the three names,
 * so a key's value, list and lock live in one slot: {@link #delete} removes value and list in one
 * atomic {@code DEL} there too.
 *
 * <h2>Round trips</h2>
 *
 * Each method is one command or one Lua script: {@link #setRanges} writes all its chunks with one
 * {@code EVALSHA} that runs {@code SETRANGE} per chunk, atomically; {@link #size} is one script
 * ({@code EXISTS} + {@code STRLEN}); {@link #keys} is {@code SCAN MATCH} with the prefix's glob
 * characters escaped, one round trip per page (per node on a cluster). {@link #stats()} counts
 * value bytes sent and received per command.
 */
public final class RedisGlobalTier implements GlobalTier {

    public static final String DEFAULT_NAMESPACE = "jfaasm:";
    static final long DEFAULT_TIMEOUT_SECONDS = 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_VALUE_SIZE = TierArguments.MAX_VALUE_SIZE;
    private static final byte[] EMPTY = new byte[0];

    /** KEYS[1] value; ARGV offset1, data1, offset2, data2, ... */
    private static final Script SET_RANGES = new Script("""
            local k = KEYS[1]
            if #ARGV == 0 and redis.call('EXISTS', k) == 0 then redis.call('SET', k, '') end
            for i = 1, #ARGV, 2 do
              local off = tonumber(ARGV[i])
              local data = ARGV[i + 1]
              if #data > 0 then
                redis.call('SETRANGE', k, off, data)
              else
                local len = redis.call('STRLEN', k)
                if off > len then
                  redis.call('SETRANGE', k, off - 1, '\\0')
                elseif redis.call('EXISTS', k) == 0 then
                  redis.call('SET', k, '')
                end
              end
            end
            return 1
            """);

    /** KEYS[1] value: its size, or -1 when missing. */
    private static final Script SIZE = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('STRLEN', KEYS[1]) end
            return -1
            """);

    /** KEYS[1] lock, ARGV[1] token: delete the lock only if the token still holds it. */
    private static final Script UNLOCK = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterCommands<byte[], byte[]> redis;
    private final String address;
    private final boolean cluster;
    private final String namespace;
    private final byte[] namespaceBytes;
    private final TierStats stats = new TierStats();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisGlobalTier(AbstractRedisClient client, StatefulConnection<byte[], byte[]> connection,
            RedisClusterCommands<byte[], byte[]> redis, String address, boolean cluster, String namespace) {
        this.client = client;
        this.connection = connection;
        this.redis = redis;
        this.address = address;
        this.cluster = cluster;
        this.namespace = namespace;
        this.namespaceBytes = namespace.getBytes(StandardCharsets.UTF_8);
    }

    /** Connects with the default namespace {@value #DEFAULT_NAMESPACE}. */
    public static RedisGlobalTier connect(String uri) {
        return connect(uri, DEFAULT_NAMESPACE);
    }

    /**
     * Connects to the Redis (or Redis Cluster, for {@code redis-cluster://}) at {@code uri}; every
     * Redis key this tier touches starts with {@code namespace} (no braces in it; may be empty).
     *
     * @throws GlobalTierException when Redis cannot be reached (within a few seconds)
     */
    public static RedisGlobalTier connect(String uri, String namespace) {
        Objects.requireNonNull(uri, "uri");
        checkNamespace(namespace);
        String lower = uri.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
            return connectCluster(clusterNodes(uri), namespace);
        }
        RedisURI redisUri = parse(uri, uri);
        String address = describe(redisUri);
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled())
                .build());
        try {
            StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
            RedisGlobalTier tier = new RedisGlobalTier(client, conn, conn.sync(), address, false, namespace);
            tier.loadScripts();
            return tier;
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new GlobalTierException("cannot reach Redis at " + address + ": " + reason(e), e);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /**
     * Connects to a Redis Cluster through some of its nodes (each a {@code redis://host:port}
     * URI; the others are discovered and followed as the cluster changes).
     */
    public static RedisGlobalTier connectCluster(List<String> nodeUris, String namespace) {
        Objects.requireNonNull(nodeUris, "nodeUris");
        checkNamespace(namespace);
        if (nodeUris.isEmpty()) {
            throw new IllegalArgumentException("a Redis Cluster needs at least one node address");
        }
        List<RedisURI> uris = new ArrayList<>();
        for (String u : nodeUris) {
            uris.add(parse(u, String.join(",", nodeUris)));
        }
        StringBuilder addr = new StringBuilder("redis-cluster://");
        for (int i = 0; i < uris.size(); i++) {
            addr.append(i == 0 ? "" : ",").append(describe(uris.get(i)).replaceFirst("^rediss?://", ""));
        }
        String address = addr.toString();
        RedisClusterClient client = RedisClusterClient.create(uris);
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled())
                // Lettuce 7 refreshes the topology on every adaptive trigger (MOVED, ASK,
                // reconnects, uncovered slot, unknown node) by default; the builder methods that
                // enabled them are deprecated. No periodic refresh: nothing here needs it.
                .build());
        try {
            StatefulRedisClusterConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
            RedisGlobalTier tier = new RedisGlobalTier(client, conn, conn.sync(), address, true, namespace);
            tier.loadScripts();
            return tier;
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new GlobalTierException("cannot reach Redis Cluster at " + address + ": " + reason(e), e);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Where this tier's Redis is, without credentials: {@code redis://host:port} or a cluster's nodes. */
    public String address() {
        return address;
    }

    public String namespace() {
        return namespace;
    }

    public boolean isCluster() {
        return cluster;
    }

    // ---- values ----

    @Override
    public byte[] get(String key) {
        byte[] k = valueKey(key);
        byte[] v = call("GET", key, () -> redis.get(k));
        stats.read(v == null ? 0 : v.length);
        return v;
    }

    @Override
    public long size(String key) {
        byte[] k = valueKey(key);
        Long size = call("size", key, () -> eval(SIZE, ScriptOutputType.INTEGER, new byte[][] {k}));
        stats.call();
        return size;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        byte[] k = valueKey(key);
        checkRange(offset, length);
        if (length == 0 || offset >= MAX_VALUE_SIZE) {
            // GETRANGE k o o-1 would mean "to the end" for o = 0; nothing can be stored past 512 MiB
            stats.read(0);
            return EMPTY;
        }
        byte[] v = call("GETRANGE", key, () -> redis.getrange(k, offset, offset + length - 1));
        if (v == null) {
            v = EMPTY;
        }
        stats.read(v.length);
        return v;
    }

    @Override
    public void set(String key, byte[] value) {
        byte[] k = valueKey(key);
        Objects.requireNonNull(value, "value");
        checkSize(value.length);
        call("SET", key, () -> redis.set(k, value));
        stats.wrote(value.length);
    }

    @Override
    public void setRanges(String key, List<Chunk> chunks) {
        byte[] k = valueKey(key);
        Objects.requireNonNull(chunks, "chunks");
        byte[][] args = new byte[chunks.size() * 2][];
        long bytes = 0;
        int i = 0;
        for (Chunk c : chunks) {
            Objects.requireNonNull(c, "chunk");
            Objects.requireNonNull(c.data(), "chunk data");
            checkRange(c.offset(), c.data().length);
            checkSize(c.offset() + c.data().length);
            args[i++] = Long.toString(c.offset()).getBytes(StandardCharsets.US_ASCII);
            args[i++] = c.data();
            bytes += c.data().length;
        }
        call("setRanges", key, () -> eval(SET_RANGES, ScriptOutputType.INTEGER, new byte[][] {k}, args));
        stats.wrote(bytes);
    }

    @Override
    public boolean delete(String key) {
        byte[] v = valueKey(key);
        byte[] a = listKey(key);
        Long n = call("DEL", key, () -> redis.del(v, a));
        stats.call();
        return n != null && n > 0;
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        byte[] pattern = concat(globEscape(concat(namespaceBytes, TAG_OPEN, utf8(prefix))), new byte[] {'*'});
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
        TreeSet<String> keys = new TreeSet<>();
        call("SCAN", prefix + "*", () -> {
            KeyScanCursor<byte[]> cursor = redis.scan(args);
            stats.call();
            while (true) {
                for (byte[] rk : cursor.getKeys()) {
                    String k = stateKeyOf(rk);
                    // the pattern also matches longer names: "NS{k:x}*" matches x's own "NS{k:x}:v"
                    if (k != null && k.startsWith(prefix)) {
                        keys.add(k);
                    }
                }
                if (cursor.isFinished()) {
                    return null;
                }
                cursor = redis.scan(cursor, args);
                stats.call();
            }
        });
        return new ArrayList<>(keys);
    }

    // ---- appended lists ----

    @Override
    public void append(String key, byte[] element) {
        byte[] k = listKey(key);
        Objects.requireNonNull(element, "element");
        checkSize(element.length);
        call("RPUSH", key, () -> redis.rpush(k, element));
        stats.wrote(element.length);
    }

    @Override
    public List<byte[]> readAppended(String key, int count) {
        byte[] k = listKey(key);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (count == 0) {
            stats.read(0);
            return new ArrayList<>();
        }
        List<byte[]> list = call("LRANGE", key, () -> redis.lrange(k, 0, count - 1L));
        long bytes = 0;
        for (byte[] e : list) {
            bytes += e.length;
        }
        stats.read(bytes);
        return new ArrayList<>(list);
    }

    @Override
    public void clearAppended(String key) {
        byte[] k = listKey(key);
        call("DEL", key, () -> redis.del(k));
        stats.call();
    }

    // ---- locks ----

    @Override
    public String tryLock(String key, Duration lease) {
        byte[] k = lockKey(key);
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("a lease must be at least 1 ms, not " + lease);
        }
        String token = UUID.randomUUID().toString();
        byte[] t = token.getBytes(StandardCharsets.US_ASCII);
        String ok = call("SET NX PX", key, () -> redis.set(k, t, SetArgs.Builder.nx().px(lease.toMillis())));
        stats.call();
        return "OK".equals(ok) ? token : null;
    }

    @Override
    public boolean unlock(String key, String token) {
        byte[] k = lockKey(key);
        Objects.requireNonNull(token, "token");
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        Long n = call("unlock", key, () -> eval(UNLOCK, ScriptOutputType.INTEGER, new byte[][] {k}, t));
        stats.call();
        return n != null && n > 0;
    }

    // ---- the rest ----

    @Override
    public TierStats stats() {
        return stats;
    }

    /** Closes the connection and the client's threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                connection.close();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Override
    public String toString() {
        return "RedisGlobalTier[" + address + ", namespace '" + namespace + "']";
    }

    // ---- commands and errors ----

    private <T> T call(String op, String key, Supplier<T> command) {
        if (closed.get()) {
            throw new GlobalTierException("the Redis global tier for " + address + " is closed");
        }
        try {
            return command.get();
        } catch (RedisException e) {
            throw new GlobalTierException(
                    "Redis at " + address + ": " + op + " of state key '" + key + "' failed: " + reason(e), e);
        }
    }

    private <T> T eval(Script s, ScriptOutputType type, byte[][] keys, byte[]... args) {
        try {
            return redis.evalsha(s.sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(s.body, type, keys, args); // loads it for next time
        }
    }

    private void loadScripts() {
        call("SCRIPT LOAD", "", () -> {
            for (Script s : List.of(SET_RANGES, SIZE, UNLOCK)) {
                redis.scriptLoad(s.body); // on a cluster: on every upstream node
            }
            return null;
        });
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder();
        while (t != null && sb.length() < 400) {
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(sb.isEmpty() ? "" : ": ").append(t.getMessage());
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.isEmpty() ? e.getClass().getSimpleName() : sb.toString();
    }

    private record Script(String body, String sha) {
        Script(String body) {
            this(body, sha1(body));
        }

        private static String sha1(String s) {
            try {
                return HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- URIs ----

    private static RedisURI parse(String uri, String shown) {
        RedisURI r;
        try {
            r = RedisURI.create(uri);
        } catch (IllegalArgumentException | RedisException e) {
            throw new IllegalArgumentException("not a Redis URI: " + shown + " (" + e.getMessage() + ")", e);
        }
        if (!uri.contains("timeout=")) {
            r.setTimeout(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
        }
        return r;
    }

    /** {@code redis-cluster://[cred@]h1:p1,h2:p2[/db][?query]} to one {@code redis://} URI per node. */
    static List<String> clusterNodes(String uri) {
        int schemeEnd = uri.indexOf("://");
        String scheme = uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT).startsWith("rediss")
                ? "rediss://" : "redis://";
        String rest = uri.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash); // a cluster has only database 0
        }
        String cred = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            cred = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        List<String> nodes = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            if (!hostPort.isBlank()) {
                nodes.add(scheme + cred + hostPort.strip() + query);
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no node in Redis Cluster URI " + uri);
        }
        return nodes;
    }

    private static String describe(RedisURI r) {
        if (r.getSocket() != null) {
            return "redis-socket://" + r.getSocket();
        }
        String host = r.getHost().contains(":") ? "[" + r.getHost() + "]" : r.getHost();
        return (r.isSsl() ? "rediss://" : "redis://") + host + ":" + r.getPort();
    }

    // ---- key layout ----

    private static final byte[] TAG_OPEN = {'{', 'k', ':'};
    private static final byte[] VALUE_SUFFIX = {'}', ':', 'v'};
    private static final byte[] LIST_SUFFIX = {'}', ':', 'a'};
    private static final byte[] LOCK_SUFFIX = {'}', ':', 'l'};

    byte[] valueKey(String key) {
        return concat(namespaceBytes, TAG_OPEN, utf8(key), VALUE_SUFFIX);
    }

    byte[] listKey(String key) {
        return concat(namespaceBytes, TAG_OPEN, utf8(key), LIST_SUFFIX);
    }

    byte[] lockKey(String key) {
        return concat(namespaceBytes, TAG_OPEN, utf8(key), LOCK_SUFFIX);
    }

    /** The state key a value or list name stands for; null for locks and foreign names. */
    String stateKeyOf(byte[] redisKey) {
        int head = namespaceBytes.length + TAG_OPEN.length;
        int tail = VALUE_SUFFIX.length;
        if (redisKey.length < head + tail
                || !Arrays.equals(redisKey, 0, namespaceBytes.length, namespaceBytes, 0, namespaceBytes.length)
                || !Arrays.equals(redisKey, namespaceBytes.length, head, TAG_OPEN, 0, TAG_OPEN.length)) {
            return null;
        }
        int end = redisKey.length - tail;
        boolean value = Arrays.equals(redisKey, end, redisKey.length, VALUE_SUFFIX, 0, tail);
        boolean list = Arrays.equals(redisKey, end, redisKey.length, LIST_SUFFIX, 0, tail);
        if (!value && !list) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(redisKey, head, end - head))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Strict UTF-8: a key with a lone surrogate has no faithful encoding, so it is refused. */
    private static byte[] utf8(String key) {
        TierArguments.checkKey(key);
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Escapes Redis glob characters ({@code * ? [ ] \}) so a SCAN pattern matches them literally. */
    static byte[] globEscape(byte[] literal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(literal.length + 8);
        for (byte b : literal) {
            if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') {
                out.write('\\');
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void checkNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
            throw new IllegalArgumentException("a namespace may not hold braces (Redis Cluster hash tags): " + namespace);
        }
        utf8(namespace);
    }
}
