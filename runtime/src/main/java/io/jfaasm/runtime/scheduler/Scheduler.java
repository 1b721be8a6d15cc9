package io.jfaasm.runtime.scheduler;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.dynlink.SharedFileLibraries;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Chaining;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.files.ScratchSpace;
import io.jfaasm.runtime.files.SharedFileCache;
import io.jfaasm.runtime.host.HostCallException;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.time.Duration;
import java.time.Instant;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local scheduler of one host: the functions uploaded to it, a bounded number of calls
 * running at once (slots) with a bounded queue behind them, per-function concurrency limits,
 * chained calls, and call records kept for a while after each call.
 *
 * <p>Each call waits for its slot on a virtual thread and runs in a Faaslet on one of the host's
 * call threads. Slots are shared fairly between users by weight ({@link FairSlots}), not first
 * come, first served: a user with many queued calls cannot hold every slot while another waits.
 * A call that awaits a chained call gives its slot back while it waits, so a full host never
 * deadlocks on its own fan-out.
 *
 * <p>In a cluster ({@link #forwardTo}) a call that cannot start here at once — every slot or the
 * function's concurrency taken — is handed to another host the {@link CallForwarder} picks, if
 * any has room; its record stays here and finishes with what that host sends back. Chained calls
 * take the same path. On a {@link FunctionStore#shared() shared} store, functions uploaded through
 * other hosts are deployed here when first called, and redeployed when they change.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** How often a call queued on a host of a cluster looks again for another host with room. */
    private static final long REPICK_MS = 200;
    /** Where a call sees its user's shared files. */
    public static final String SHARED_GUEST_PATH = "/shared";

    /**
     * @param hostId this host's name in call records
     * @param slots calls running at once
     * @param maxQueued calls waiting for a slot before new ones are refused
     * @param maxPerFunction calls of one function running at once
     * @param recordTtl how long a finished call's record (output, logs) is kept
     * @param limits the limits of every call
     * @param networkDeny {@code host:port} patterns no call may reach, whatever its function and
     *     user allow (the host's own services: see {@link NetworkPolicy#deny()})
     */
    public record Config(String hostId, int slots, int maxQueued, int maxPerFunction,
            Duration recordTtl, FunctionLimits limits, List<String> networkDeny) {
        public Config {
            networkDeny = List.copyOf(networkDeny);
            NetworkPolicy.DENY_ALL.denying(networkDeny); // checks the patterns
        }

        public Config(String hostId, int slots, int maxQueued, int maxPerFunction, Duration recordTtl,
                FunctionLimits limits) {
            this(hostId, slots, maxQueued, maxPerFunction, recordTtl, limits, List.of());
        }

        public static Config defaults(String hostId) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Config(hostId, cores * 4, 10_000, cores * 4, Duration.ofHours(1),
                    FunctionLimits.DEFAULTS);
        }

        public Config withSlots(int n, int queued) {
            return new Config(hostId, n, queued, Math.min(maxPerFunction, n), recordTtl, limits, networkDeny);
        }

        public Config withLimits(FunctionLimits l) {
            return new Config(hostId, slots, maxQueued, maxPerFunction, recordTtl, l, networkDeny);
        }

        public Config withRecordTtl(Duration ttl) {
            return new Config(hostId, slots, maxQueued, maxPerFunction, ttl, limits, networkDeny);
        }

        public Config withNetworkDeny(List<String> patterns) {
            return new Config(hostId, slots, maxQueued, maxPerFunction, recordTtl, limits, patterns);
        }
    }

    /** An uploaded function, at one version; calls in flight keep their version. */
    private static final class Deployed {
        /** Replaced when only the description changed (same module): see {@link #refresh}. */
        volatile FunctionInfo info;
        final CompiledModule module;
        final Semaphore concurrency;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean retired;

        Deployed(FunctionInfo info, CompiledModule module, int maxConcurrent) {
            this.info = info;
            this.module = module;
            this.concurrency = new Semaphore(maxConcurrent, true);
        }
    }

    private final FaasletHost host;
    private final FunctionStore store;
    private final Config config;
    private final SchedulerListener listener;
    private final FairSlots slots;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<FunctionId, Deployed> functions = new ConcurrentHashMap<>();
    private final Map<String, CallRecord> records = new ConcurrentHashMap<>();
    private final UserAllowLists userAllowLists;
    private final Map<FunctionId, Effective> effective = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;
    private final Object[] uploadLocks = new Object[64];
    private final java.util.Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger forwarding = new AtomicInteger();
    private volatile CallForwarder forwarder;
    private volatile SharedFileCache sharedFiles;
    private final SharedFileLibraries sharedLibraries;
    private volatile ScratchSpace scratch;
    private volatile boolean closed;

    public Scheduler(FaasletHost host, FunctionStore store, Config config, SchedulerListener listener) {
        this.host = host;
        this.sharedLibraries = new SharedFileLibraries(host.libraries().maxLibraryBytes());
        this.store = store;
        this.config = config;
        this.listener = listener;
        this.userAllowLists = new UserAllowLists(store);
        this.slots = new FairSlots(config.slots(), host.tenantWeights());
        for (int i = 0; i < uploadLocks.length; i++) {
            uploadLocks[i] = new Object();
        }
        this.janitor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("scheduler-janitor").factory());
        long every = Math.max(1000, config.recordTtl().toMillis() / 10);
        janitor.scheduleWithFixedDelay(this::expireRecords, every, every, TimeUnit.MILLISECONDS);
        if (store.shared()) {
            // a cluster's functions are deployed here when first called, and kept up to date
            store.watch(this::refresh);
        } else {
            for (FunctionId id : store.list()) {
                try {
                    FunctionStore.Stored s = store.fetch(id);
                    deploy(id, s.wasm(), s.info());
                } catch (RuntimeException e) {
                    LOG.warn("stored function {} no longer loads: {}", id, e.getMessage());
                }
            }
        }
    }

    /**
     * Joins a cluster: calls that cannot start here at once go to the hosts {@code f} picks. Set
     * once, before calls arrive.
     */
    public void forwardTo(CallForwarder f) {
        this.forwarder = f;
    }

    /**
     * Gives every call from now on its user's shared files, read-only at
     * {@value #SHARED_GUEST_PATH}, and a private scratch directory of {@code scratch}.
     */
    public void useFiles(SharedFileCache shared, ScratchSpace scratch) {
        this.sharedFiles = shared;
        this.scratch = scratch;
    }

    public Config config() {
        return config;
    }

    public FaasletHost host() {
        return host;
    }

    // ---- functions ---------------------------------------------------------------------------

    /**
     * Validates, compiles and initialises a module, stores it, and makes it the function's version
     * for new calls; calls in flight finish on the old one.
     */
    public FunctionInfo upload(FunctionId id, byte[] wasm) {
        return upload(id, wasm, false);
    }

    /**
     * As {@link #upload(FunctionId, byte[])}, marking whether the function is idempotent (a call
     * lost with a host that died may then run again elsewhere; see {@link FunctionInfo}).
     */
    public FunctionInfo upload(FunctionId id, byte[] wasm, boolean idempotent) {
        return upload(id, wasm, idempotent, NetworkPolicy.DENY_ALL);
    }

    /**
     * As {@link #upload(FunctionId, byte[], boolean)}, with the network its calls may reach (to
     * which its user's allow-list is added when a call runs).
     */
    public FunctionInfo upload(FunctionId id, byte[] wasm, boolean idempotent, NetworkPolicy network) {
        return upload(id, wasm, FunctionInfo.declared(id, idempotent, network));
    }

    /**
     * As {@link #upload(FunctionId, byte[])}, with what the uploader declared: idempotence, network,
     * and the engine that runs it (null: this host's).
     */
    public FunctionInfo upload(FunctionId id, byte[] wasm, FunctionInfo declared) {
        synchronized (lockOf(id)) { // the memory and the store agree on the version
            Deployed d = deploy(id, wasm, declared);
            store.put(d.info, wasm);
            return d.info;
        }
    }

    private Object lockOf(FunctionId id) {
        return uploadLocks[Math.floorMod(id.hashCode(), uploadLocks.length)];
    }

    /**
     * Loads a module as the function's version for new calls; {@code stored}: what the store (or
     * the uploader) says of it, or null. Its declarations (idempotence, network) are kept whatever
     * the version; its times only for the same version.
     */
    private Deployed deploy(FunctionId id, byte[] wasm, FunctionInfo stored) {
        long start = System.nanoTime();
        CompiledModule module = host.load(wasm, id.user(), stored == null ? null : stored.engine());
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean sameVersion = stored != null && module.sha256().equals(stored.sha256());
        FunctionInfo info = new FunctionInfo(id, module.sha256(), wasm.length,
                sameVersion ? stored.compileMillis() : millis,
                sameVersion ? stored.uploadedAt() : Instant.now(),
                stored != null && stored.idempotent(), stored == null ? null : stored.network(),
                stored == null ? null : stored.engine());
        Deployed d = new Deployed(info, module, config.maxPerFunction());
        retire(functions.put(id, d));
        return d;
    }

    /**
     * The function's deployed version; on a shared store, one this host lacks is deployed from the
     * store first. Null when nobody has such a function.
     */
    private Deployed deployed(FunctionId id) {
        Deployed d = functions.get(id);
        if (d != null || !store.shared()) {
            return d;
        }
        synchronized (lockOf(id)) {
            d = functions.get(id);
            if (d == null) {
                FunctionStore.Stored s = store.fetch(id);
                if (s != null) {
                    d = deploy(id, s.wasm(), s.info());
                }
            }
            return d;
        }
    }

    /**
     * Brings a function up to the store's version: redeploys it when the store holds another
     * version, forgets it when the store no longer has it. A function this host has not deployed
     * stays undeployed (it is deployed when first called). Called when the store reports a change.
     */
    public void refresh(FunctionId id) {
        if (!store.shared()) {
            return;
        }
        synchronized (lockOf(id)) {
            Deployed d = functions.get(id);
            if (d == null) {
                return;
            }
            FunctionStore.Stored s = store.fetch(id);
            if (s == null) {
                retire(functions.remove(id));
                LOG.info("function {} was deleted through another host", id);
                return;
            }
            if (d.info.sha256().equals(sha256(s.wasm()))) {
                if (s.info() != null && !s.info().equals(d.info)) {
                    d.info = s.info(); // re-uploaded with other declarations (network, idempotence)
                }
            } else {
                try {
                    deploy(id, s.wasm(), s.info());
                    LOG.info("function {} redeployed at its new version", id);
                } catch (RuntimeException e) {
                    retire(functions.remove(id));
                    LOG.warn("the new version of {} does not load here: {}", id, e.getMessage());
                }
            }
        }
    }

    /**
     * The network a call of this function may reach: the function's own policy (bandwidth, socket
     * cap, patterns) plus its user's allow-list, less what the host denies to all.
     */
    public NetworkPolicy network(FunctionInfo info) {
        NetworkPolicy user = userAllowLists.of(info.id().user());
        Effective e = effective.get(info.id());
        if (e != null && e.declared == info.network() && e.user == user) {
            return e.policy; // same inputs (the very objects): no patterns parsed again on a call's path
        }
        NetworkPolicy p = info.network().union(user).denying(config.networkDeny());
        effective.put(info.id(), new Effective(info.network(), user, p));
        return p;
    }

    /** A function's effective network policy and what it was computed from. */
    private record Effective(NetworkPolicy declared, NetworkPolicy user, NetworkPolicy policy) {}

    /** A user's network allow-list, as stored. */
    public List<String> userAllowList(String user) {
        return userAllowLists.stored(user);
    }

    /**
     * Replaces a user's network allow-list (empty clears it); it applies to every function of the
     * user from its next call (in a cluster, on other hosts within a second).
     *
     * @throws IllegalArgumentException for a malformed pattern, or too many
     */
    public void setUserAllowList(String user, List<String> patterns) {
        userAllowLists.set(user, patterns);
    }

    public boolean delete(FunctionId id) {
        synchronized (lockOf(id)) {
            Deployed d = functions.remove(id);
            effective.remove(id);
            boolean stored = store.delete(id);
            retire(d);
            return d != null || stored;
        }
    }

    /** Forgets an old version once no call runs on it. */
    private void retire(Deployed old) {
        if (old != null) {
            old.retired = true;
            if (old.inFlight.get() == 0) {
                host.unload(old.module);
            }
        }
    }

    /** A function's description; on a shared store, as the store has it (the cluster's newest version). */
    public Optional<FunctionInfo> function(FunctionId id) {
        if (store.shared()) {
            FunctionInfo stored = store.describe(id);
            if (stored != null) {
                return Optional.of(stored);
            }
            Deployed d = functions.get(id);
            return d == null || store.get(id) == null ? Optional.empty() : Optional.of(d.info);
        }
        return Optional.ofNullable(functions.get(id)).map(d -> d.info);
    }

    /** The functions of a user (or of every user, for null), sorted; on a shared store, the cluster's. */
    public List<FunctionInfo> functions(String user) {
        List<FunctionInfo> all;
        if (store.shared()) {
            Map<FunctionId, FunctionInfo> byId = new LinkedHashMap<>();
            for (FunctionInfo i : store.describeAll()) {
                byId.put(i.id(), i);
            }
            all = new ArrayList<>(byId.values());
        } else {
            all = functions.values().stream().map(d -> d.info).toList();
        }
        return all.stream().filter(i -> user == null || i.id().user().equals(user))
                .sorted(Comparator.comparing(i -> i.id().toString())).toList();
    }

    /** Functions deployed on this host with a Proto-Faaslet ready: the warm sets this host is in. */
    public List<FunctionId> warmFunctions() {
        List<FunctionId> out = new ArrayList<>();
        functions.forEach((id, d) -> {
            if (!d.retired && host.proto(d.module) != null) {
                out.add(id);
            }
        });
        return out;
    }

    // ---- calls -------------------------------------------------------------------------------

    /**
     * Queues a call and returns its record at once; {@code record.done()} completes when it ends.
     *
     * @throws UnknownFunctionException when the user has no such function
     * @throws QueueFullException when every slot is busy and the queue is at its bound
     */
    public CallRecord submit(FunctionId id, byte[] input) {
        return submit(id, input, null, 0, -1);
    }

    private CallRecord submit(FunctionId id, byte[] input, String parentId, int chainIndex, int tableIndex) {
        Deployed d = deployed(id);
        if (d == null) {
            throw new UnknownFunctionException(id);
        }
        CallRecord record = new CallRecord(newCallId(), id, parentId);
        start(record, d, input, chainIndex, tableIndex, List.of(config.hostId()));
        return record;
    }

    /**
     * Takes a call another host handed to this one: runs it here under the caller's id (or hands
     * it on, if this host is full and the call has hops left). The record completes when it ends.
     *
     * @throws UnknownFunctionException when the store has no such function
     * @throws QueueFullException when every slot is busy and the queue is at its bound
     */
    public CallRecord accept(ForwardedCall call) {
        FunctionId id = call.function();
        Deployed d = deployed(id);
        if (d != null && call.sha256() != null && !call.sha256().equals(d.info.sha256()) && store.shared()) {
            refresh(id); // the sender knows another version: take the store's newest
            d = deployed(id);
        }
        if (d == null) {
            throw new UnknownFunctionException(id);
        }
        CallRecord record = new CallRecord(call.callId(), id, call.parentId());
        List<String> visited = call.visited().contains(config.hostId()) ? call.visited()
                : append(call.visited(), config.hostId());
        start(record, d, call.input(), call.chainIndex(), call.tableIndex(), visited);
        return record;
    }

    private void start(CallRecord record, Deployed d, byte[] input, int chainIndex, int tableIndex,
            List<String> visited) {
        if (queued.incrementAndGet() > config.maxQueued()) {
            queued.decrementAndGet();
            throw new QueueFullException(config.maxQueued());
        }
        records.put(record.id(), record);
        record.done().thenRun(() -> listener.recordFinished(record));
        d.inFlight.incrementAndGet();
        Thread.ofVirtual().name("call-" + record.id()).start(
                () -> run(record, d, input, chainIndex, tableIndex, visited));
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return List.copyOf(out);
    }

    /** The slot and function permit of a running call, given back while it awaits a child. */
    private final class Permits {
        private final Deployed function;
        private final String user;
        private boolean held;

        Permits(Deployed function) {
            this.function = function;
            this.user = function.info.id().user();
        }

        void acquire() throws InterruptedException {
            slots.acquire(user);
            try {
                function.concurrency.acquire();
            } catch (InterruptedException e) {
                slots.release(user);
                throw e;
            }
            held = true;
        }

        /** Takes the slot and the function's permit only if both are free now (fair to waiters). */
        boolean tryAcquireNow() throws InterruptedException {
            if (!slots.tryAcquire(user)) {
                return false;
            }
            if (!function.concurrency.tryAcquire(0, TimeUnit.SECONDS)) {
                slots.release(user);
                return false;
            }
            held = true;
            return true;
        }

        /** Waits up to {@code ms} for the slot and the function's permit; false when they did not come. */
        boolean tryAcquireWithin(long ms) throws InterruptedException {
            if (held) {
                return true;
            }
            long deadline = System.nanoTime() + ms * 1_000_000;
            if (!slots.tryAcquire(user, ms, TimeUnit.MILLISECONDS)) {
                return false;
            }
            if (!function.concurrency.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                slots.release(user);
                return false;
            }
            held = true;
            return true;
        }

        void release() {
            if (held) {
                held = false;
                function.concurrency.release();
                slots.release(user);
            }
        }
    }

    private void run(CallRecord record, Deployed d, byte[] input, int chainIndex, int tableIndex,
            List<String> visited) {
        Permits permits = new Permits(d);
        try {
            String target = null;
            waiting.add(Thread.currentThread());
            try {
                if (closed) {
                    throw new InterruptedException();
                }
                if (!permits.tryAcquireNow()) {
                    target = pick(d, visited, Set.of());
                    if (target == null && forwarder == null) {
                        permits.acquire();
                    }
                    // in a cluster a queued call keeps looking for a host with room
                    while (target == null && !permits.tryAcquireWithin(REPICK_MS)) {
                        target = pick(d, visited, Set.of());
                    }
                }
            } finally {
                waiting.remove(Thread.currentThread());
                queued.decrementAndGet();
            }
            if (target != null) {
                forward(record, d, input, chainIndex, tableIndex, visited, target, permits);
                return;
            }
            runHere(record, d, input, chainIndex, tableIndex, permits);
        } catch (InterruptedException e) {
            record.failedBeforeRunning("the host stopped before the call ran");
        } catch (RuntimeException e) {
            LOG.error("scheduler fault running call {}", record.id(), e);
            record.failedBeforeRunning("internal: " + e);
        } finally {
            permits.release();
            if (d.inFlight.decrementAndGet() == 0 && d.retired) {
                host.unload(d.module);
            }
        }
    }

    /** A host to hand a call to, when this one is in a cluster and the call has hops left; else null. */
    private String pick(Deployed d, List<String> visited, Set<String> alsoExclude) {
        CallForwarder f = forwarder;
        if (f == null || closed || visited.size() - 1 >= f.maxHops()) {
            return null;
        }
        Set<String> exclude = new LinkedHashSet<>(visited);
        exclude.addAll(alsoExclude);
        try {
            return f.pick(d.info.id(), exclude);
        } catch (RuntimeException e) {
            LOG.warn("cannot pick a host for a call of {}: {}", d.info.id(), e.toString());
            return null;
        }
    }

    /**
     * Hands a call to another host and finishes its record with what comes back. A host that
     * refuses it (full, stopping, unreachable) is replaced by another, or this host runs it; a host
     * that took it and then stopped responding fails it, unless the function is idempotent: then it
     * runs once more, elsewhere or here.
     */
    private void forward(CallRecord record, Deployed d, byte[] input, int chainIndex, int tableIndex,
            List<String> visited, String first, Permits permits) throws InterruptedException {
        CallForwarder f = forwarder;
        Set<String> failed = new LinkedHashSet<>();
        boolean retried = false;
        String target = first;
        forwarding.incrementAndGet();
        try {
            while (target != null) {
                record.forwarded(target);
                listener.callForwarded(record, target);
                try {
                    CallForwarder.RemoteResult r = f.forward(target, new ForwardedCall(record.id(), d.info.id(),
                            d.info.sha256(), record.parentId(), chainIndex, tableIndex, input, append(visited, target)));
                    record.finishedRemotely(r.host(), r.result(), r.error(), r.children());
                    record.publish();
                    return;
                } catch (RemoteHostException e) {
                    failed.add(target);
                    if (e.handedOver()) {
                        if (!d.info.idempotent() || retried) {
                            record.failed("host " + e.host() + " stopped responding: " + e.getMessage());
                            return;
                        }
                        retried = true;
                        LOG.warn("call {} of idempotent {} lost with host {} ({}); running it again",
                                record.id(), d.info.id(), e.host(), e.getMessage());
                    } else {
                        LOG.debug("host {} did not take call {}: {}", e.host(), record.id(), e.getMessage());
                    }
                    target = pick(d, visited, failed);
                } catch (UnknownFunctionException e) {
                    record.failed(e.getMessage());
                    return;
                }
            }
        } finally {
            forwarding.decrementAndGet();
        }
        permits.acquire(); // nobody else can take it: run it here
        runHere(record, d, input, chainIndex, tableIndex, permits);
    }

    /** Runs a call in a Faaslet of this host, its permits held. */
    private void runHere(CallRecord record, Deployed d, byte[] input, int chainIndex, int tableIndex,
            Permits permits) {
        try {
            running.incrementAndGet();
            record.started(config.hostId());
            CallRequest request = CallRequest.of(input)
                    .withUser(d.info.id().user())
                    .withArgs(List.of(d.info.id().name()))
                    .withNetwork(network(d.info))
                    .withScratch(scratch)
                    .asChained(chainIndex, tableIndex, new CallChaining(record, d, permits));
            CallResult result = callWithFiles(d, request);
            record.finished(result);
            try {
                listener.callFinished(record, result);
            } finally {
                record.publish(); // after the listener: whoever waits sees the call fully counted
            }
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }

    /** Runs the call with its user's shared files mounted, held until the call ends. */
    private CallResult callWithFiles(Deployed d, CallRequest request) {
        SharedFileCache shared = sharedFiles;
        if (shared == null) {
            return host.call(d.module, request, config.limits());
        }
        SharedFileCache.Lease files;
        long start = System.nanoTime();
        try {
            files = shared.acquire(request.user());
        } catch (RuntimeException e) {
            LOG.warn("shared files of {} unavailable for a call of {}: {}", request.user(), d.info.id(), e.toString());
            return CallResult.notStarted(new Failure(Failure.Kind.INTERNAL,
                    "the user's shared files could not be prepared: " + e.getMessage()), System.nanoTime() - start);
        }
        try (files) {
            return host.call(d.module, request
                    .withMounts(List.of(new Mount(files.dir(), SHARED_GUEST_PATH, true)))
                    .withLibraries(sharedLibraries.over(host.libraries().forUser(request.user()),
                            SHARED_GUEST_PATH, files.dir())), config.limits());
        }
    }

    /** The chaining of one call: its children, by the small ids the guest sees. */
    private final class CallChaining implements Chaining {
        private final CallRecord parent;
        private final Deployed function;
        private final Permits permits;
        private final List<CallRecord> children = new ArrayList<>();

        CallChaining(CallRecord parent, Deployed function, Permits permits) {
            this.parent = parent;
            this.function = function;
            this.permits = permits;
        }

        @Override
        public int chainName(String name, byte[] input) {
            FunctionId id;
            try {
                id = new FunctionId(parent.function().user(), name);
            } catch (IllegalArgumentException e) {
                throw new HostCallException("__faasm_chain_name: " + e.getMessage());
            }
            return chain(() -> submit(id, input, parent.id(), children.size() + 1, -1));
        }

        @Override
        public int chainPointer(int tableIndex, byte[] input) {
            return chain(() -> submit(function.info.id(), input, parent.id(), children.size() + 1, tableIndex));
        }

        private int chain(java.util.function.Supplier<CallRecord> submit) {
            try {
                CallRecord child = submit.get();
                children.add(child);
                parent.childAdded(child.id());
                return children.size();
            } catch (UnknownFunctionException | QueueFullException e) {
                throw new HostCallException("chaining refused: " + e.getMessage());
            }
        }

        @Override
        public int await(int id) {
            Integer rc = awaitChild(id).returnCode();
            return rc == null ? -1 : rc;
        }

        @Override
        public byte[] awaitOutput(int id) {
            return awaitChild(id).output();
        }

        private CallRecord awaitChild(int id) {
            if (id < 1 || id > children.size()) {
                throw new HostCallException("__faasm_await_call: no chained call " + id + " (this call made "
                        + children.size() + ")");
            }
            CallRecord child = children.get(id - 1);
            if (child.done().isDone()) {
                return child;
            }
            permits.release(); // waiting costs no slot: children can run on a full host
            try {
                child.done().get();
                permits.acquire();
                return child;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChicoryInterruptedException("interrupted awaiting chained call " + child.id());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public Optional<CallRecord> record(String callId) {
        return Optional.ofNullable(records.get(callId));
    }

    /** Calls waiting for a slot. */
    public int queued() {
        return queued.get();
    }

    /** Calls running now. */
    public int running() {
        return running.get();
    }

    /** Calls submitted here running on other hosts now. */
    public int forwarding() {
        return forwarding.get();
    }

    private void expireRecords() {
        Instant cutoff = Instant.now().minus(config.recordTtl());
        records.values().removeIf(r -> r.finishedAt() != null && r.finishedAt().isBefore(cutoff));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String newCallId() {
        return config.hostId() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Stops: calls still waiting for a slot fail ("the host stopped"); running ones go on. */
    @Override
    public void close() {
        closed = true;
        waiting.forEach(Thread::interrupt);
        janitor.shutdownNow();
    }
}
