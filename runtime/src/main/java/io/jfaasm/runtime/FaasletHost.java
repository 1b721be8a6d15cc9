package io.jfaasm.runtime;

import io.jfaasm.runtime.dynlink.LibraryRegistry;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.isolation.CpuControl;
import io.jfaasm.runtime.isolation.TenantWeights;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonProgram;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.snapshot.FaasletPool;
import io.jfaasm.runtime.snapshot.InitialisationException;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.snapshot.Snapshot;
import io.jfaasm.runtime.snapshot.SnapshotStore;
import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.state.LocalTier;
import io.jfaasm.runtime.state.StateApi;
import io.jfaasm.runtime.wasm.CodeCache;
import io.jfaasm.runtime.wasm.Engine;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The embedding entry point: loads and compiles modules, initialises each once into a
 * Proto-Faaslet, and runs calls in Faaslets restored from it, on threads of its own, each call
 * under its limits. One per process is the intended use.
 *
 * <pre>{@code
 * try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
 *     CompiledModule fn = host.load(Files.readAllBytes(Path.of("hello.wasm")));
 *     CallResult r = host.call(fn, CallRequest.of("world".getBytes()), FunctionLimits.DEFAULTS);
 * }
 * }</pre>
 *
 * <p>Calls run on platform threads with a large stack (wasm recursion becomes JVM recursion) and
 * are stopped at their deadline by interrupting their thread, which compiled wasm checks on every
 * loop and call.
 */
public final class FaasletHost implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FaasletHost.class);
    /**
     * @param codeCacheDir where compiled code persists, or null to compile in memory only
     * @param maxModuleBytes largest module accepted at load
     * @param threadStackBytes stack of each call thread: how deep guest recursion may go
     * @param snapshots start calls from Proto-Faaslet snapshots (else a fresh instance per call)
     * @param maxIdlePerFunction restored Faaslets kept ready per function and memory limit
     * @param idleTimeout how long an idle Faaslet is kept before its memory is given back
     * @param initLimits limits of a function's initialisation (constructors, zygote)
     * @param snapshotTier where snapshots are shared with other hosts, or null to keep them local
     * @param stateTier the global tier of state, or null for an in-process one (a single host)
     * @param cpuGroups whether to place calls in per-tenant cgroups where writable; false forces
     *     {@link CpuControl.Mode#NONE} (then only the scheduler's fair slots share the host)
     * @param tenantWeights tenants' weights: their CPU groups' shares and their share of slots
     * @param isolatedState a baseline for experiments: no shared regions; each call gets a private
     *        local tier of its own (its pointers map private copies, pulled from and pushed to the
     *        global tier explicitly, as a container would), dropped when the call ends
     * @param engine which code runs wasm functions
     */
    public record Config(Path codeCacheDir, int maxModuleBytes, long threadStackBytes,
            boolean snapshots, int maxIdlePerFunction, Duration idleTimeout, FunctionLimits initLimits,
            GlobalTier snapshotTier, GlobalTier stateTier, boolean cpuGroups, TenantWeights tenantWeights,
            boolean isolatedState, Engine engine) {
        public Config {
            tenantWeights = tenantWeights == null ? TenantWeights.EQUAL : tenantWeights;
            engine = engine == null ? Engine.defaultEngine() : engine;
        }

        public static Config defaults() {
            return new Config(null, 64 * 1024 * 1024, 16L * 1024 * 1024, true,
                    Runtime.getRuntime().availableProcessors() * 2, Duration.ofSeconds(60),
                    FunctionLimits.DEFAULTS, null, null,
                    !"none".equals(System.getProperty(CpuControl.OFF_PROPERTY)), TenantWeights.EQUAL, false,
                    Engine.defaultEngine());
        }

        public Config withCodeCacheDir(Path dir) {
            return new Config(dir, maxModuleBytes, threadStackBytes, snapshots, maxIdlePerFunction,
                    idleTimeout, initLimits, snapshotTier, stateTier, cpuGroups, tenantWeights, isolatedState, engine);
        }

        public Config withSnapshots(boolean on) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, on, maxIdlePerFunction,
                    idleTimeout, initLimits, snapshotTier, stateTier, cpuGroups, tenantWeights, isolatedState, engine);
        }

        public Config withIdle(int maxIdle, Duration timeout) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots, maxIdle,
                    timeout, initLimits, snapshotTier, stateTier, cpuGroups, tenantWeights, isolatedState, engine);
        }

        public Config withSnapshotTier(GlobalTier tier) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, tier, stateTier, cpuGroups, tenantWeights, isolatedState, engine);
        }

        /** The global tier of state; without one the host keeps state in process (one host). */
        public Config withStateTier(GlobalTier tier) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, snapshotTier, tier, cpuGroups, tenantWeights, isolatedState, engine);
        }

        /** false: no cgroups even where writable (CPU mode NONE), as on a host that has none. */
        public Config withCpuGroups(boolean on) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, snapshotTier, stateTier, on, tenantWeights, isolatedState, engine);
        }

        public Config withTenantWeights(TenantWeights w) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, snapshotTier, stateTier, cpuGroups, w, isolatedState, engine);
        }

        /** Shared regions off: every call keeps private copies of state (see {@code isolatedState}). */
        public Config withIsolatedState(boolean on) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, snapshotTier, stateTier, cpuGroups,
                    tenantWeights, on, engine);
        }

        public Config withEngine(Engine e) {
            return new Config(codeCacheDir, maxModuleBytes, threadStackBytes, snapshots,
                    maxIdlePerFunction, idleTimeout, initLimits, snapshotTier, stateTier, cpuGroups,
                    tenantWeights, isolatedState, e);
        }
    }

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** Grace after a deadline for an interrupted guest to unwind before the caller gives up on it. */
    private static final long UNWIND_GRACE_MS = 5_000;

    /** A loaded function: its Proto-Faaslet (or why it has none) and its pools by memory limit. */
    private static final class Function {
        final ProtoFaaslet proto;
        final Failure initFailure;
        final Map<Integer, FaasletPool> pools = new ConcurrentHashMap<>();

        Function(ProtoFaaslet proto, Failure initFailure) {
            this.proto = proto;
            this.initFailure = initFailure;
        }
    }

    private final Config config;
    private final WasmEngine engine;
    private final Map<Engine, WasmEngine> otherEngines = new ConcurrentHashMap<>();
    private final ExecutorService callThreads;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Map<CompiledModule, Function> functions = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong initialisations = new AtomicLong();
    private final SnapshotStore snapshotStore;
    private final LocalTier state;
    private final CpuControl cpu;
    private final LibraryRegistry libraries;
    private final Map<Engine, CompiledModule> pythonInterpreters = new ConcurrentHashMap<>();

    private FaasletHost(Config config) {
        this.config = config;
        this.snapshotStore = config.snapshotTier() == null ? null : new SnapshotStore(config.snapshotTier());
        this.state = new LocalTier(config.stateTier() == null ? new InMemoryGlobalTier() : config.stateTier());
        this.cpu = config.cpuGroups() ? CpuControl.detect(config.tenantWeights()) : CpuControl.none();
        this.libraries = new LibraryRegistry(config.maxModuleBytes());
        this.engine = new WasmEngine(
                config.codeCacheDir() == null ? null : new CodeCache(config.codeCacheDir()),
                config.maxModuleBytes(), config.engine());
        this.callThreads = Executors.newCachedThreadPool(threads("faaslet", config.threadStackBytes()));
        ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1, threads("faaslet-watchdog", 0));
        alarms.setRemoveOnCancelPolicy(true); // else each finished call's alarm lives until its deadline
        this.watchdog = alarms;
        long trimEvery = Math.max(1, config.idleTimeout().toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::trimIdle, trimEvery, trimEvery, TimeUnit.MILLISECONDS);
    }

    public static FaasletHost create(Config config) {
        return new FaasletHost(config);
    }

    /** The libraries functions on this host may dlopen, by user. */
    public LibraryRegistry libraries() {
        return libraries;
    }

    public WasmEngine engine() {
        return engine;
    }

    /** The host's engine, or another one sharing its code cache (made once, at first use). */
    private WasmEngine engineFor(Engine e) {
        if (e == null || e == engine.engine()) {
            return engine;
        }
        return otherEngines.computeIfAbsent(e, k -> new WasmEngine(engine.cache(), config.maxModuleBytes(), k));
    }

    /**
     * Validates and compiles a module, then initialises it into a Proto-Faaslet (when snapshots are
     * on). Throws {@link io.jfaasm.runtime.wasm.InvalidModuleException} for a bad module and
     * {@link InitialisationException} when its initialisation fails.
     */
    public CompiledModule load(byte[] wasm) {
        return load(wasm, CallRequest.DEFAULT_USER);
    }

    /**
     * As {@link #load(byte[])}, for the function of {@code user}: its zygote sees that user's
     * state (and may map it, see {@link ProtoFaaslet}).
     */
    public CompiledModule load(byte[] wasm, String user) {
        return load(wasm, user, null);
    }

    /** As {@link #load(byte[], String)}, run by {@code engine} (null: the host's). */
    public CompiledModule load(byte[] wasm, String user, Engine engine) {
        CompiledModule module = PythonPackage.isPython(wasm)
                ? python(engine).forPython(PythonProgram.create(PythonPackage.source(wasm)))
                : engineFor(engine).load(wasm);
        if (module.python() != null && !config.snapshots()) {
            module.python().close();
            throw new InitialisationException(new Failure(Failure.Kind.INSTANTIATION,
                    "Python functions start from a Proto-Faaslet: this host has snapshots off"));
        }
        if (config.snapshots()) {
            Function f = onCallThread(() -> withDeadline(config.initLimits().timeout(),
                    deadline -> function(module, user, deadline::expired)));
            if (f.initFailure != null) {
                throw new InitialisationException(f.initFailure);
            }
        }
        return module;
    }

    /**
     * The Python interpreter's compiled code for an engine (null: the host's), compiled (or loaded
     * from the code cache) at the first Python function it runs and shared by all of them.
     */
    private CompiledModule python(Engine e) {
        return pythonInterpreters.computeIfAbsent(e == null ? engine.engine() : e,
                k -> engineFor(k).load(PythonRuntime.read()));
    }

    /** The Proto-Faaslet of a loaded module, or null (snapshots off, or initialisation failed). */
    public ProtoFaaslet proto(CompiledModule module) {
        Function f = functions.get(module);
        return f == null ? null : f.proto;
    }

    /** Forgets a module: closes its idle Faaslets and its snapshot. */
    public void unload(CompiledModule module) {
        Function f = functions.remove(module);
        if (f != null) {
            f.pools.values().forEach(FaasletPool::close);
            if (f.proto != null) {
                f.proto.close();
            }
        }
        if (module.python() != null) {
            module.python().close();
        }
    }

    /** Runs one call to completion or failure. Never throws for what the guest does. */
    public CallResult call(CompiledModule module, CallRequest request, FunctionLimits limits) {
        CompletableFuture<CallResult> result = submit(module, request, limits);
        long waitMs = limits.timeout().toMillis() + UNWIND_GRACE_MS;
        try {
            return result.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return failed(Failure.Kind.TIMEOUT, "wall-time limit exceeded and the call did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            return failed(Failure.Kind.CANCELLED, "the caller was interrupted");
        } catch (ExecutionException e) {
            return failed(Failure.Kind.INTERNAL, String.valueOf(e.getCause()));
        }
    }

    /** Starts a call on a call thread; the future completes with its result. */
    public CompletableFuture<CallResult> submit(CompiledModule module, CallRequest request,
            FunctionLimits limits) {
        CompletableFuture<CallResult> result = new CompletableFuture<>();
        // A call may dlopen only its own user's libraries.
        CallRequest withLibraries = request.libraries() != null ? request
                : request.withLibraries(libraries.forUser(request.user()));
        callThreads.execute(() -> run(module, withLibraries, limits, result));
        return result;
    }

    private void run(CompiledModule module, CallRequest request, FunctionLimits limits,
            CompletableFuture<CallResult> result) {
        long start = System.nanoTime();
        FaasletPool[] pool = new FaasletPool[1];
        Faaslet[] faaslet = new Faaslet[1];
        inFlight.incrementAndGet();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        Deadline[] armed = new Deadline[1];
        enterCpuGroup(request.user());
        // isolated baseline: a local tier of the call's own, so no page is shared with another call
        LocalTier callState = config.isolatedState() ? new LocalTier(state.global()) : state;
        CallResult r = withDeadline(limits.timeout(), limits.maxCpuTime(), deadline -> {
            armed[0] = deadline;
            try {
                if (!config.snapshots()) {
                    return Faaslet.callFresh(module, limits, request, callState, deadline::expired);
                }
                pool[0] = pool(module, limits, request.user(), deadline::expired);
                FaasletPool.Lease lease = pool[0].acquire();
                faaslet[0] = lease.faaslet();
                return faaslet[0].call(request, limits, callState, deadline::expired).startedAs(lease.kind());
            } catch (InitialisationException e) {
                return CallResult.notStarted(e.failure(), System.nanoTime() - start);
            } catch (Throwable t) {
                return Faaslet.failedToStart(t, limits, start);
            }
        });
        inFlight.decrementAndGet();
        if (callState != state) {
            callState.close();
        }
        leaveCpuGroup();
        r = r.withCpu(CPU.getCurrentThreadCpuTime() - cpuStart);
        if (armed[0].cpuExceeded() && r.failure() != null && r.failure().kind() == Failure.Kind.TIMEOUT) {
            r = r.failedAs(new Failure(Failure.Kind.CPU_LIMIT, "CPU-time limit of "
                    + limits.maxCpuTime().toMillis() + " ms exceeded"));
        }
        result.complete(r);
        if (faaslet[0] != null) {
            pool[0].release(faaslet[0], r.failure() == null); // after the caller has its result
        }
    }

    private void enterCpuGroup(String user) {
        try {
            cpu.enter(user);
        } catch (RuntimeException e) {
            LOG.warn("cannot place a call of {} in its CPU group: {}", user, e.getMessage());
        }
    }

    private void leaveCpuGroup() {
        try {
            cpu.leave();
        } catch (RuntimeException e) {
            LOG.warn("cannot move a call thread back to the host's CPU group: {}", e.getMessage());
        }
    }

    /** How CPU is shared between tenants here (detected at start). */
    public CpuControl.Mode cpuMode() {
        return cpu.mode();
    }

    /** Tenants' weights: their CPU groups' shares, and their share of a scheduler's slots. */
    public TenantWeights tenantWeights() {
        return config.tenantWeights();
    }

    /** Runs a task on this thread with a deadline that interrupts it. */
    private <T> T withDeadline(Duration timeout, java.util.function.Function<Deadline, T> task) {
        return withDeadline(timeout, null, task);
    }

    /**
     * Runs a task on this thread, interrupting it at its wall-time deadline or once the thread has
     * used {@code cpuLimit} of CPU time (checked when that much wall time has passed, and again
     * after what remains of the budget: a thread never uses more CPU than wall time).
     */
    private <T> T withDeadline(Duration timeout, Duration cpuLimit, java.util.function.Function<Deadline, T> task) {
        Deadline deadline = new Deadline(Thread.currentThread());
        ScheduledFuture<?> alarm = watchdog.schedule(deadline::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (cpuLimit != null) {
            long budget = cpuLimit.toNanos() + CPU.getThreadCpuTime(Thread.currentThread().threadId());
            scheduleCpuCheck(deadline, budget, cpuLimit.toNanos());
        }
        try {
            return task.apply(deadline);
        } finally {
            alarm.cancel(false);
            deadline.finish();
        }
    }

    private void scheduleCpuCheck(Deadline deadline, long budgetNanos, long delayNanos) {
        deadline.cpuCheck = watchdog.schedule(() -> {
            long used = CPU.getThreadCpuTime(deadline.thread.threadId());
            if (used >= budgetNanos) {
                deadline.expireForCpu();
            } else if (deadline.isRunning()) {
                scheduleCpuCheck(deadline, budgetNanos, Math.max(1_000_000, budgetNanos - used));
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private FaasletPool pool(CompiledModule module, FunctionLimits limits, String user,
            BooleanSupplier timedOut) {
        Function f = function(module, user, timedOut);
        if (f.initFailure != null) {
            throw new InitialisationException(f.initFailure);
        }
        return f.pools.computeIfAbsent(limits.maxPages(),
                pages -> new FaasletPool(f.proto, limits, config.maxIdlePerFunction()));
    }

    /** The loaded function, initialising it on first use (on this call thread, under its deadline). */
    private Function function(CompiledModule module, String user, BooleanSupplier timedOut) {
        return functions.computeIfAbsent(module, m -> {
            // a Python snapshot is only good with the entry its zygote found here: never shared
            boolean share = snapshotStore != null && m.python() == null;
            Snapshot shared = share ? snapshotStore.find(m.sha256()) : null;
            if (shared != null) {
                return new Function(new ProtoFaaslet(m, shared, 0), null);
            }
            try {
                initialisations.incrementAndGet();
                ProtoFaaslet proto = config.isolatedState() ? captureIsolated(m, user, timedOut)
                        : ProtoFaaslet.capture(m, config.initLimits(), timedOut, state, user, true);
                // a zygote's state mappings are this host's regions: another host initialises its own
                if (share && !proto.mapsState()) {
                    snapshotStore.save(proto.snapshot());
                }
                return new Function(proto, null);
            } catch (InitialisationException e) {
                return new Function(null, e.failure());
            }
        });
    }

    /** Isolated baseline: the zygote reads state through a tier of its own, copied into the snapshot. */
    private ProtoFaaslet captureIsolated(CompiledModule m, String user, BooleanSupplier timedOut) {
        try (LocalTier own = new LocalTier(state.global())) {
            return ProtoFaaslet.capture(m, config.initLimits(), timedOut, own, user, false);
        }
    }

    /** How many times this host ran a function's initialisation (not restored from a shared snapshot). */
    public long initialisations() {
        return initialisations.get();
    }

    private <T> T onCallThread(java.util.function.Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, callThreads).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void trimIdle() {
        long maxIdle = config.idleTimeout().toNanos();
        for (Function f : functions.values()) {
            f.pools.values().forEach(p -> p.trim(maxIdle));
        }
    }

    /** Idle restored Faaslets across all functions. */
    public int idleFaaslets() {
        return functions.values().stream()
                .mapToInt(f -> f.pools.values().stream().mapToInt(FaasletPool::idleCount).sum()).sum();
    }

    /** This host's local tier of state (and through it, the global tier). */
    public LocalTier state() {
        return state;
    }

    /** State by user and key, from Java. */
    public StateApi stateApi() {
        return new StateApi(state);
    }

    /** Calls running now. */
    public int callsInFlight() {
        return inFlight.get();
    }

    /** Deadlines armed and not yet cancelled, the periodic idle trim aside: should match the calls in flight. */
    public int armedDeadlines() {
        return watchdog.getQueue().size() - 1;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        callThreads.shutdownNow();
        for (CompiledModule m : functions.keySet()) {
            unload(m);
        }
        state.close();
        if (cpu instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing CPU groups: {}", e.toString());
            }
        }
    }

    private static CallResult failed(Failure.Kind kind, String message) {
        return CallResult.notStarted(new Failure(kind, message), 0);
    }

    private static ThreadFactory threads(String name, long stackBytes) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), stackBytes);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The deadline of one call. Interrupting must hit only that call: once the call has finished,
     * a late alarm does nothing, and a stray interrupt flag is cleared before the thread is reused.
     */
    private static final class Deadline {
        private final Thread thread;
        private boolean running = true;
        private volatile boolean expired;
        private volatile boolean cpuExceeded;
        private volatile ScheduledFuture<?> cpuCheck;

        Deadline(Thread thread) {
            this.thread = thread;
        }

        synchronized void expire() {
            if (running) {
                expired = true;
                thread.interrupt();
            }
        }

        /** The CPU-time limit: the call is stopped as at its deadline, for another reason. */
        synchronized void expireForCpu() {
            if (running) {
                cpuExceeded = true;
                expired = true;
                thread.interrupt();
            }
        }

        boolean expired() {
            return expired;
        }

        boolean cpuExceeded() {
            return cpuExceeded;
        }

        synchronized boolean isRunning() {
            return running;
        }

        synchronized void finish() {
            running = false;
            ScheduledFuture<?> check = cpuCheck;
            if (check != null) {
                check.cancel(false);
            }
            Thread.interrupted();
        }
    }
}
