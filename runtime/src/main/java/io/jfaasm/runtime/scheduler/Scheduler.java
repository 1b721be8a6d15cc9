package io.jfaasm.runtime.scheduler;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Chaining;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.HostCallException;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * call threads. A call that awaits a chained call gives its slot back while it waits, so a full
 * host never deadlocks on its own fan-out.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /**
     * @param hostId this host's name in call records
     * @param slots calls running at once
     * @param maxQueued calls waiting for a slot before new ones are refused
     * @param maxPerFunction calls of one function running at once
     * @param recordTtl how long a finished call's record (output, logs) is kept
     * @param limits the limits of every call
     */
    public record Config(String hostId, int slots, int maxQueued, int maxPerFunction,
            Duration recordTtl, FunctionLimits limits) {
        public static Config defaults(String hostId) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Config(hostId, cores * 4, 10_000, cores * 4, Duration.ofHours(1),
                    FunctionLimits.DEFAULTS);
        }

        public Config withSlots(int n, int queued) {
            return new Config(hostId, n, queued, Math.min(maxPerFunction, n), recordTtl, limits);
        }

        public Config withLimits(FunctionLimits l) {
            return new Config(hostId, slots, maxQueued, maxPerFunction, recordTtl, l);
        }

        public Config withRecordTtl(Duration ttl) {
            return new Config(hostId, slots, maxQueued, maxPerFunction, ttl, limits);
        }
    }

    /** An uploaded function, at one version; calls in flight keep their version. */
    private static final class Deployed {
        final FunctionInfo info;
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
    private final Semaphore slots;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<FunctionId, Deployed> functions = new ConcurrentHashMap<>();
    private final Map<String, CallRecord> records = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;
    private final Object[] uploadLocks = new Object[64];
    private final java.util.Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public Scheduler(FaasletHost host, FunctionStore store, Config config, SchedulerListener listener) {
        this.host = host;
        this.store = store;
        this.config = config;
        this.listener = listener;
        this.slots = new Semaphore(config.slots(), true);
        for (int i = 0; i < uploadLocks.length; i++) {
            uploadLocks[i] = new Object();
        }
        this.janitor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("scheduler-janitor").factory());
        long every = Math.max(1000, config.recordTtl().toMillis() / 10);
        janitor.scheduleWithFixedDelay(this::expireRecords, every, every, TimeUnit.MILLISECONDS);
        for (FunctionId id : store.list()) {
            try {
                deploy(id, store.get(id));
            } catch (RuntimeException e) {
                LOG.warn("stored function {} no longer loads: {}", id, e.getMessage());
            }
        }
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
        synchronized (lockOf(id)) { // the memory and the store agree on the version
            Deployed d = deploy(id, wasm);
            store.put(id, wasm);
            return d.info;
        }
    }

    private Object lockOf(FunctionId id) {
        return uploadLocks[Math.floorMod(id.hashCode(), uploadLocks.length)];
    }

    private Deployed deploy(FunctionId id, byte[] wasm) {
        long start = System.nanoTime();
        CompiledModule module = host.load(wasm);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Deployed d = new Deployed(new FunctionInfo(id, module.sha256(), wasm.length, millis, Instant.now()),
                module, config.maxPerFunction());
        retire(functions.put(id, d));
        return d;
    }

    public boolean delete(FunctionId id) {
        synchronized (lockOf(id)) {
            Deployed d = functions.remove(id);
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

    public Optional<FunctionInfo> function(FunctionId id) {
        return Optional.ofNullable(functions.get(id)).map(d -> d.info);
    }

    /** The functions of a user (or of every user, for null), sorted. */
    public List<FunctionInfo> functions(String user) {
        return functions.values().stream().map(d -> d.info)
                .filter(i -> user == null || i.id().user().equals(user))
                .sorted(Comparator.comparing(i -> i.id().toString())).toList();
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
        Deployed d = functions.get(id);
        if (d == null) {
            throw new UnknownFunctionException(id);
        }
        if (queued.incrementAndGet() > config.maxQueued()) {
            queued.decrementAndGet();
            throw new QueueFullException(config.maxQueued());
        }
        CallRecord record = new CallRecord(newCallId(), id, parentId);
        records.put(record.id(), record);
        d.inFlight.incrementAndGet();
        Thread.ofVirtual().name("call-" + record.id()).start(
                () -> run(record, d, input, chainIndex, tableIndex));
        return record;
    }

    /** The slot and function permit of a running call, given back while it awaits a child. */
    private final class Permits {
        private final Deployed function;
        private boolean held;

        Permits(Deployed function) {
            this.function = function;
        }

        void acquire() throws InterruptedException {
            slots.acquire();
            try {
                function.concurrency.acquire();
            } catch (InterruptedException e) {
                slots.release();
                throw e;
            }
            held = true;
        }

        void release() {
            if (held) {
                held = false;
                function.concurrency.release();
                slots.release();
            }
        }
    }

    private void run(CallRecord record, Deployed d, byte[] input, int chainIndex, int tableIndex) {
        Permits permits = new Permits(d);
        try {
            waiting.add(Thread.currentThread());
            try {
                if (closed) {
                    throw new InterruptedException();
                }
                permits.acquire();
            } finally {
                waiting.remove(Thread.currentThread());
                queued.decrementAndGet();
            }
            running.incrementAndGet();
            record.started(config.hostId());
            CallRequest request = CallRequest.of(input)
                    .withUser(d.info.id().user())
                    .withArgs(List.of(d.info.id().name()))
                    .asChained(chainIndex, tableIndex, new CallChaining(record, d, permits));
            CallResult result = host.call(d.module, request, config.limits());
            record.finished(result);
            try {
                listener.callFinished(record, result);
            } finally {
                record.publish(); // after the listener: whoever waits sees the call fully counted
            }
        } catch (InterruptedException e) {
            record.failedBeforeRunning("the host stopped before the call ran");
        } catch (RuntimeException e) {
            LOG.error("scheduler fault running call {}", record.id(), e);
            record.failedBeforeRunning("internal: " + e);
        } finally {
            if (record.startedAt() != null) {
                running.decrementAndGet();
            }
            permits.release();
            if (d.inFlight.decrementAndGet() == 0 && d.retired) {
                host.unload(d.module);
            }
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
                children.add(submit.get());
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

    private void expireRecords() {
        Instant cutoff = Instant.now().minus(config.recordTtl());
        records.values().removeIf(r -> r.finishedAt() != null && r.finishedAt().isBefore(cutoff));
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
