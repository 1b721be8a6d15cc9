package io.jfaasm.cluster;

import static io.jfaasm.cluster.ClusterRedis.utf8;

import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.FunctionInfo;
import io.jfaasm.runtime.scheduler.FunctionInfoCodec;
import io.jfaasm.runtime.scheduler.FunctionStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The functions of a cluster, in Redis: a function uploaded through any host is in it for all.
 *
 * <h2>Layout</h2>
 *
 * <ul>
 *   <li>{@code NS{c}:functions}: a hash, field {@code USER/FUNCTION}, value
 *       {@code v1 SHA256 SIZE COMPILE_MILLIS UPLOADED_AT_MILLIS IDEMPOTENT(0|1) BYTES_PER_SECOND
 *       MAX_SOCKETS PATTERNS} ({@link FunctionInfoCodec}; entries written before the network
 *       fields existed end after IDEMPOTENT and read as "no network");
 *   <li>{@code NS{c}:network}: a hash, field {@code USER}, value the user's network allow-list
 *       (patterns comma-separated);
 *   <li>{@code NS{c}:wasm:USER/FUNCTION:SHA256}: the module's bytes, one key per version (the
 *       index names the current one; a replaced version's bytes are deleted with the replace);
 *   <li>{@code NS{c}:functions:gen}: a counter, incremented by every upload and delete;
 *   <li>channel {@code NS{c}:functions:changed}: {@code USER/FUNCTION}, published by every upload
 *       and delete.
 * </ul>
 *
 * Each upload, fetch and delete is one Lua script, so the index and the bytes always agree: a
 * fetch gets one version's description and bytes, never a mix.
 *
 * <h2>How other hosts learn of a change</h2>
 *
 * Both ways, for promptness and for certainty: the pub/sub message reaches every subscribed host
 * within milliseconds, but Redis pub/sub is at-most-once (a host whose subscription connection
 * was down misses it); so each host also polls the generation counter (every
 * {@code pollEvery}, 1 s by default) and, when it moved, compares the whole index with what it saw
 * last. A re-upload therefore reaches a host at once, and at worst within a poll.
 */
public final class RedisFunctionStore implements FunctionStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisFunctionStore.class);

    /** KEYS: index, gen. ARGV: field, meta, wasm, blob prefix, channel, sha. */
    private static final ClusterRedis.Script PUT = new ClusterRedis.Script("""
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('SET', ARGV[4] .. ARGV[1] .. ':' .. ARGV[6], ARGV[3])
            if old then
              local oldSha = string.match(old, '^v1 (%x+) ')
              if oldSha and oldSha ~= ARGV[6] then redis.call('DEL', ARGV[4] .. ARGV[1] .. ':' .. oldSha) end
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('INCR', KEYS[2])
            redis.call('PUBLISH', ARGV[5], ARGV[1])
            return 1
            """);

    /** KEYS: index. ARGV: field, blob prefix. Returns {meta, wasm} or nil. */
    private static final ClusterRedis.Script FETCH = new ClusterRedis.Script("""
            local m = redis.call('HGET', KEYS[1], ARGV[1])
            if not m then return nil end
            local sha = string.match(m, '^v1 (%x+) ')
            if not sha then return nil end
            local w = redis.call('GET', ARGV[2] .. ARGV[1] .. ':' .. sha)
            if not w then return nil end
            return {m, w}
            """);

    /** KEYS: index, gen. ARGV: field, blob prefix, channel. */
    private static final ClusterRedis.Script DELETE = new ClusterRedis.Script("""
            local m = redis.call('HGET', KEYS[1], ARGV[1])
            if not m then return 0 end
            local sha = string.match(m, '^v1 (%x+) ')
            if sha then redis.call('DEL', ARGV[2] .. ARGV[1] .. ':' .. sha) end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('INCR', KEYS[2])
            redis.call('PUBLISH', ARGV[3], ARGV[1])
            return 1
            """);

    private final ClusterRedis redis;
    private final Duration pollEvery;
    private final String index;
    private final String gen;
    private final String channel;
    private final String blobPrefix;
    private final String network;
    private ScheduledExecutorService watcher;
    private StatefulRedisPubSubConnection<String, String> subscription;
    private volatile boolean closed;

    public RedisFunctionStore(ClusterRedis redis) {
        this(redis, Duration.ofSeconds(1));
    }

    public RedisFunctionStore(ClusterRedis redis, Duration pollEvery) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.pollEvery = pollEvery;
        this.index = redis.key("functions");
        this.gen = redis.key("functions:gen");
        this.channel = redis.key("functions:changed");
        this.blobPrefix = redis.key("wasm:");
        this.network = redis.key("network");
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void put(FunctionId id, byte[] wasm) {
        put(new FunctionInfo(id, sha256(wasm), wasm.length, 0, Instant.now()), wasm);
    }

    @Override
    public void put(FunctionInfo info, byte[] wasm) {
        String sha = sha256(wasm); // the bytes decide the version, whatever the description says
        FunctionInfo stored = new FunctionInfo(info.id(), sha, wasm.length, info.compileMillis(), info.uploadedAt(),
                info.idempotent(), info.network(), info.engine());
        redis.call("store function " + info.id(), () -> PUT.run(redis.bytes(), ScriptOutputType.INTEGER,
                new byte[][] {utf8(index), utf8(gen)},
                utf8(field(info.id())), utf8(meta(stored)), wasm, utf8(blobPrefix), utf8(channel), utf8(sha)));
    }

    @Override
    public Stored fetch(FunctionId id) {
        List<byte[]> r = redis.call("fetch function " + id, () -> FETCH.run(redis.bytes(), ScriptOutputType.MULTI,
                new byte[][] {utf8(index)}, utf8(field(id)), utf8(blobPrefix)));
        if (r == null || r.size() != 2) {
            return null;
        }
        return new Stored(r.get(1), parse(id, new String(r.get(0), StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] get(FunctionId id) {
        Stored s = fetch(id);
        return s == null ? null : s.wasm();
    }

    @Override
    public boolean delete(FunctionId id) {
        Long n = redis.call("delete function " + id, () -> DELETE.run(redis.strings(), ScriptOutputType.INTEGER,
                new String[] {index, gen}, field(id), blobPrefix, channel));
        return n != null && n > 0;
    }

    @Override
    public List<FunctionId> list() {
        List<FunctionId> out = new ArrayList<>();
        for (String f : redis.call("list functions", () -> redis.strings().hkeys(index))) {
            FunctionId id = idOf(f);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public FunctionInfo describe(FunctionId id) {
        String m = redis.call("describe function " + id, () -> redis.strings().hget(index, field(id)));
        return m == null ? null : parse(id, m);
    }

    @Override
    public List<FunctionInfo> describeAll() {
        List<FunctionInfo> out = new ArrayList<>();
        redis.call("list functions", () -> redis.strings().hgetall(index)).forEach((f, m) -> {
            FunctionId id = idOf(f);
            FunctionInfo info = id == null ? null : parse(id, m);
            if (info != null) {
                out.add(info);
            }
        });
        return out;
    }

    @Override
    public List<String> userAllowList(String user) {
        String v = redis.call("read the network allow-list of " + user, () -> redis.strings().hget(network, user));
        return v == null ? List.of() : FunctionInfoCodec.decodePatterns(v);
    }

    @Override
    public void setUserAllowList(String user, List<String> patterns) {
        redis.call("store the network allow-list of " + user, () -> patterns.isEmpty()
                ? redis.strings().hdel(network, user)
                : redis.strings().hset(network, user, FunctionInfoCodec.encodePatterns(patterns)));
    }

    /** Subscribes to changes and starts polling the generation counter; see the class comment. */
    @Override
    public synchronized void watch(Consumer<FunctionId> changed) {
        if (watcher != null) {
            throw new IllegalStateException("already watched");
        }
        watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("function-store-watch").factory());
        Map<String, String> seen = new HashMap<>(descriptions());
        String[] lastGen = {redis.call("read generation", () -> redis.strings().get(gen))};
        subscription = redis.pubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                FunctionId id = idOf(message);
                if (id != null && !closed) {
                    watcher.execute(() -> RedisFunctionStore.this.tell(changed, id));
                }
            }
        });
        subscription.sync().subscribe(channel);
        long every = pollEvery.toMillis();
        watcher.scheduleWithFixedDelay(() -> {
            try {
                String g = redis.strings().get(gen);
                if (Objects.equals(g, lastGen[0])) {
                    return;
                }
                lastGen[0] = g;
                Map<String, String> now = descriptions();
                Set<String> fields = new HashSet<>(seen.keySet());
                fields.addAll(now.keySet());
                for (String f : fields) {
                    if (!Objects.equals(seen.get(f), now.get(f))) {
                        FunctionId id = idOf(f);
                        if (id != null) {
                            tell(changed, id);
                        }
                    }
                }
                seen.clear();
                seen.putAll(now);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("cannot poll the cluster's functions: {}", e.toString());
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private void tell(Consumer<FunctionId> changed, FunctionId id) {
        try {
            changed.accept(id);
        } catch (RuntimeException e) {
            LOG.warn("refreshing function {} after a change failed: {}", id, e.toString());
        }
    }

    /** Field to description of every function: a re-upload of the same bytes with other declarations is a change too. */
    private Map<String, String> descriptions() {
        return redis.call("list functions", () -> redis.strings().hgetall(index));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the function subscription: {}", e.toString());
            }
        }
    }

    static String field(FunctionId id) {
        return id.user() + "/" + id.name();
    }

    static FunctionId idOf(String field) {
        int slash = field.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            return new FunctionId(field.substring(0, slash), field.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String meta(FunctionInfo i) {
        return FunctionInfoCodec.encode(i);
    }

    static FunctionInfo parse(FunctionId id, String meta) {
        try {
            return FunctionInfoCodec.decode(id, meta);
        } catch (IllegalArgumentException e) {
            LOG.warn("{} in Redis", e.getMessage());
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
