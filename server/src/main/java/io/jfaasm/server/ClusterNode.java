package io.jfaasm.server;

import io.jfaasm.cluster.CallRecordStore;
import io.jfaasm.cluster.ClusterRedis;
import io.jfaasm.cluster.HostInfo;
import io.jfaasm.cluster.HostRegistry;
import io.jfaasm.cluster.RedisFunctionStore;
import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.scheduler.CallForwarder;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.ForwardedCall;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.RemoteHostException;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.scheduler.UnknownFunctionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's membership of a cluster (docs/architecture.md, "Cluster"): heartbeats and warm sets
 * in Redis, the choice of a host for a call this one cannot start, the hand-over of calls over the
 * internal HTTP route, and reads of call records kept elsewhere.
 */
final class ClusterNode implements CallForwarder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final String SECRET_HEADER = "X-Jfaasm-Cluster-Secret";
    /** How long one internal request waits for a call to finish before answering "not yet". */
    static final Duration POLL = Duration.ofSeconds(10);
    private static final Duration WARM_CACHE = Duration.ofMillis(500);

    private final ClusterConfig config;
    private final String hostId;
    private final Duration recordTtl;
    private final ClusterRedis redis;
    private final RedisGlobalTier tier;
    private final RedisFunctionStore functions;
    private final HostRegistry registry;
    private final CallRecordStore records;
    private final String secret;
    private final HttpClient http;
    private final Map<String, Long> suspectUntil = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final Map<FunctionId, Warm> warm = new ConcurrentHashMap<>();
    private final long startedAt = System.currentTimeMillis();
    private volatile Map<String, HostInfo> live = Map.of();
    private volatile Scheduler scheduler;
    private volatile String url;
    private volatile boolean left;
    private volatile long lastBeatWarning;
    private ScheduledExecutorService beats;

    private record Warm(List<String> hosts, long readAt) {}

    private ClusterNode(ClusterConfig config, String hostId, Duration recordTtl, ClusterRedis redis,
            RedisGlobalTier tier) {
        this.config = config;
        this.hostId = hostId;
        this.recordTtl = recordTtl;
        this.redis = redis;
        this.tier = tier;
        this.functions = new RedisFunctionStore(redis, config.heartbeat());
        this.registry = new HostRegistry(redis, config.deadAfter());
        this.records = new CallRecordStore(redis);
        this.secret = redis.getOrCreate("secret", random());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Connects to the cluster's Redis; refuses a host id some live host already has. */
    static ClusterNode connect(ClusterConfig config, String hostId, Duration recordTtl) {
        ClusterRedis redis = ClusterRedis.connect(config.redisUri(), config.namespace());
        RedisGlobalTier tier = null;
        try {
            tier = RedisGlobalTier.connect(config.redisUri(), config.namespace());
            ClusterNode node = new ClusterNode(config, hostId, recordTtl, redis, tier);
            if (node.registry.hosts().containsKey(hostId)) {
                throw new IllegalStateException("a live host of this cluster already has the id " + hostId
                        + " (give each host its own --host-id)");
            }
            return node;
        } catch (RuntimeException e) {
            if (tier != null) {
                tier.close();
            }
            redis.close();
            throw e;
        }
    }

    /** State and snapshots in the Redis tier, functions in the Redis store. */
    Storage storage() {
        return Storage.shared(tier, tier, functions);
    }

    /** The cluster's admin key: the first host's, or {@code candidate} if this is the first. */
    String adminKey(String candidate) {
        return redis.getOrCreate("admin-key", candidate);
    }

    ClusterRedis redis() {
        return redis;
    }

    String secret() {
        return secret;
    }

    ClusterConfig config() {
        return config;
    }

    /** Starts the heartbeats: from now on other hosts see this one and may send it calls. */
    synchronized void start(Scheduler s, String ownUrl) {
        this.scheduler = s;
        this.url = config.advertiseUrl() != null ? config.advertiseUrl() : ownUrl;
        beat();
        beats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cluster-heartbeat").factory());
        long every = config.heartbeat().toMillis();
        beats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        LOG.info("joined the cluster on {} (namespace '{}') as {} at {}; {} live hosts", redis.address(),
                redis.namespace(), hostId, url, live.size());
    }

    private void beat() {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            if (!left) {
                registry.heartbeat(new HostInfo(hostId, url, s.config().slots(), s.running(), s.queued(), false,
                        startedAt), fields(s.warmFunctions()));
            }
            live = registry.hosts();
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastBeatWarning > 10_000) {
                lastBeatWarning = now;
                LOG.warn("cluster heartbeat failed (other hosts will count this one dead): {}", e.toString());
            }
        }
    }

    /** Leaves the cluster at once: no more heartbeats, out of every warm set (graceful shutdown). */
    void leave() {
        left = true;
        Scheduler s = scheduler;
        try {
            registry.leave(hostId, s == null ? List.of() : fields(s.warmFunctions()));
        } catch (RuntimeException e) {
            LOG.warn("cannot deregister from the cluster (the heartbeat will expire): {}", e.toString());
        }
    }

    private static List<String> fields(Collection<FunctionId> ids) {
        return ids.stream().map(id -> id.user() + "/" + id.name()).toList();
    }

    // ---- choosing a host ----

    @Override
    public int maxHops() {
        return config.maxHops();
    }

    /**
     * A live host other than this one and those excluded, with a free slot by its last heartbeat
     * less the calls this host has sent it since: one in the function's warm set if any has room
     * (the roomiest), else the roomiest of all; null when none has room. Each host returned counts
     * one call sent to it until {@link #forward} ends.
     */
    @Override
    public String pick(FunctionId function, Collection<String> exclude) {
        Map<String, HostInfo> hosts = live;
        if (hosts.size() < 2) {
            return null;
        }
        List<String> warmHosts = warmSet(function);
        long now = System.nanoTime();
        HostInfo best = null;
        int bestFree = 0;
        boolean bestWarm = false;
        for (HostInfo h : hosts.values()) {
            if (h.id().equals(hostId) || exclude.contains(h.id()) || h.draining() || suspect(h.id(), now)) {
                continue;
            }
            int free = h.slots() - Math.max(h.running() + h.queued(), sent(h.id()).get());
            if (free <= 0) {
                continue;
            }
            boolean isWarm = warmHosts.contains(h.id());
            if (best == null || (isWarm && !bestWarm) || (isWarm == bestWarm && free > bestFree)) {
                best = h;
                bestFree = free;
                bestWarm = isWarm;
            }
        }
        if (best == null) {
            return null;
        }
        sent(best.id()).incrementAndGet();
        return best.id();
    }

    private AtomicInteger sent(String host) {
        return outstanding.computeIfAbsent(host, h -> new AtomicInteger());
    }

    private boolean suspect(String host, long now) {
        Long until = suspectUntil.get(host);
        return until != null && now - until < 0;
    }

    private void markSuspect(String host) {
        suspectUntil.put(host, System.nanoTime() + config.deadAfter().toNanos() * 2);
    }

    private List<String> warmSet(FunctionId function) {
        Warm w = warm.get(function);
        long now = System.nanoTime();
        if (w == null || now - w.readAt > WARM_CACHE.toNanos()) {
            try {
                w = new Warm(registry.warmSet(function.user() + "/" + function.name()), now);
                warm.put(function, w);
            } catch (RuntimeException e) {
                return w == null ? List.of() : w.hosts();
            }
        }
        return w.hosts();
    }

    // ---- handing a call over ----

    @Override
    public RemoteResult forward(String host, ForwardedCall call) throws RemoteHostException {
        try {
            HostInfo h = live.get(host);
            if (h == null) {
                throw new RemoteHostException(host, "not a live host of the cluster", false, null);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.url() + "/internal/calls/" + call.callId()
                    + "?wait=" + POLL.toSeconds()))
                    .header(SECRET_HEADER, secret)
                    .header("X-Jfaasm-User", call.function().user())
                    .header("X-Jfaasm-Function", call.function().name())
                    .header("X-Jfaasm-Chain-Index", Integer.toString(call.chainIndex()))
                    .header("X-Jfaasm-Table-Index", Integer.toString(call.tableIndex()))
                    .header("X-Jfaasm-Visited", String.join(",", call.visited()))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(call.input()));
            if (call.sha256() != null) {
                b.header("X-Jfaasm-Sha256", call.sha256());
            }
            if (call.parentId() != null) {
                b.header("X-Jfaasm-Parent", call.parentId());
            }
            HttpResponse<byte[]> r = await(host, http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()), false);
            switch (r.statusCode()) {
                case 200 -> { }
                case 404 -> throw new UnknownFunctionException(call.function());
                case 429, 503 -> throw new RemoteHostException(host, "it is full or stopping (" + r.statusCode() + ")",
                        false, null);
                case 401, 403 -> throw new RemoteHostException(host, "it refused this cluster's secret", false, null);
                default -> throw new RemoteHostException(host, "it answered " + r.statusCode(), true, null);
            }
            CallRecord rec = decode(host, r.body());
            while (!rec.status().finished()) {
                HttpRequest poll = HttpRequest.newBuilder(URI.create(h.url() + "/internal/calls/" + call.callId()
                        + "?wait=" + POLL.toSeconds())).header(SECRET_HEADER, secret).GET().build();
                HttpResponse<byte[]> p = await(host, http.sendAsync(poll, HttpResponse.BodyHandlers.ofByteArray()), true);
                if (p.statusCode() == 404) {
                    throw new RemoteHostException(host, "it no longer knows the call (restarted?)", true, null);
                }
                if (p.statusCode() != 200) {
                    throw new RemoteHostException(host, "it answered " + p.statusCode(), true, null);
                }
                rec = decode(host, p.body());
            }
            return new RemoteResult(rec.host() == null ? host : rec.host(), RecordCodec.result(rec), rec.error(),
                    rec.children());
        } finally {
            AtomicInteger n = outstanding.get(host);
            if (n != null) {
                n.updateAndGet(v -> Math.max(0, v - 1));
            }
        }
    }

    private static CallRecord decode(String host, byte[] body) throws RemoteHostException {
        try {
            return RecordCodec.decode(body);
        } catch (IllegalArgumentException e) {
            throw new RemoteHostException(host, "it sent an unreadable record: " + e.getMessage(), true, e);
        }
    }

    /**
     * Waits for an answer from a host, watching its heartbeat meanwhile: an answer that cannot come
     * (connection refused or reset, as when the process was killed) or a host whose heartbeat
     * expired ends the wait.
     */
    private HttpResponse<byte[]> await(String host, CompletableFuture<HttpResponse<byte[]>> f, boolean handedOver)
            throws RemoteHostException {
        while (true) {
            try {
                return f.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!live.containsKey(host)) {
                    f.cancel(true);
                    markSuspect(host);
                    throw new RemoteHostException(host, "no heartbeat for " + config.deadAfter().toSeconds() + " s",
                            true, null);
                }
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new RemoteHostException(host, "interrupted while waiting", handedOver, e);
            } catch (CancellationException e) {
                throw new RemoteHostException(host, "cancelled", handedOver, e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                markSuspect(host);
                boolean refused = c instanceof ConnectException || c instanceof HttpConnectTimeoutException;
                throw new RemoteHostException(host, refused ? "connection refused" : describe(c),
                        handedOver || !refused, c);
            }
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof IOException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.toString();
    }

    // ---- records ----

    /** Stores a finished record of a call submitted here in Redis, for reads from any host. */
    void recordFinished(CallRecord r) {
        records.save(r.id(), RecordCodec.encode(r), recordTtl);
    }

    /**
     * A record this host does not have: from Redis (finished calls), else from the host it was
     * submitted to (named by the id's prefix), if that host is alive.
     */
    Optional<CallRecord> lookup(String callId) {
        try {
            byte[] b = records.load(callId);
            if (b != null) {
                return Optional.of(RecordCodec.decode(b));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read call record {} from Redis: {}", callId, e.toString());
        }
        int dash = callId.lastIndexOf('-');
        String owner = dash > 0 ? callId.substring(0, dash) : null;
        HostInfo h = owner == null || owner.equals(hostId) ? null : live.get(owner);
        if (h == null) {
            return Optional.empty();
        }
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create(h.url() + "/internal/calls/" + callId))
                    .header(SECRET_HEADER, secret).timeout(Duration.ofSeconds(5)).GET().build();
            HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Optional.of(RecordCodec.decode(r.body())) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("cannot read call {} from host {}: {}", callId, owner, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    // ---- views ----

    Map<String, HostInfo> liveHosts() {
        return live;
    }

    /** Hosts and warm sets as Redis has them now (for {@code GET /cluster}). */
    Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("redis", redis.address());
        m.put("namespace", redis.namespace());
        m.put("hostId", hostId);
        List<Map<String, Object>> hosts = new java.util.ArrayList<>();
        for (HostInfo h : registry.hosts().values()) {
            Map<String, Object> e = new java.util.LinkedHashMap<>();
            e.put("id", h.id());
            e.put("url", h.url());
            e.put("slots", h.slots());
            e.put("running", h.running());
            e.put("queued", h.queued());
            e.put("draining", h.draining());
            e.put("startedAt", Json.time(Instant.ofEpochMilli(h.startedAtMillis())));
            hosts.add(e);
        }
        m.put("hosts", hosts);
        m.put("warmSets", registry.warmSets());
        return m;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (beats != null) {
                beats.shutdownNow();
            }
        }
        if (!left) {
            leave();
        }
        http.close();
        functions.close();
        tier.close();
        redis.close();
    }

    private static String random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
