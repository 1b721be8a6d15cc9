package io.jfaasm.runtime;

import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CodeCache;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedding entry point: loads and compiles modules, and runs calls in Faaslets on threads of
 * its own, each call under its limits. One per process is the intended use.
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
    /**
     * @param codeCacheDir where compiled code persists, or null to compile in memory only
     * @param maxModuleBytes largest module accepted at load
     * @param threadStackBytes stack of each call thread: how deep guest recursion may go
     */
    public record Config(Path codeCacheDir, int maxModuleBytes, long threadStackBytes) {
        public static Config defaults() {
            return new Config(null, 64 * 1024 * 1024, 16L * 1024 * 1024);
        }

        public Config withCodeCacheDir(Path dir) {
            return new Config(dir, maxModuleBytes, threadStackBytes);
        }
    }

    /** Grace after a deadline for an interrupted guest to unwind before the caller gives up on it. */
    private static final long UNWIND_GRACE_MS = 5_000;

    private final WasmEngine engine;
    private final ExecutorService callThreads;
    private final ScheduledThreadPoolExecutor watchdog;

    private FaasletHost(Config config) {
        this.engine = new WasmEngine(
                config.codeCacheDir() == null ? null : new CodeCache(config.codeCacheDir()),
                config.maxModuleBytes());
        this.callThreads = Executors.newCachedThreadPool(threads("faaslet", config.threadStackBytes()));
        ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1, threads("faaslet-watchdog", 0));
        alarms.setRemoveOnCancelPolicy(true); // else each finished call's alarm lives until its deadline
        this.watchdog = alarms;
    }

    public static FaasletHost create(Config config) {
        return new FaasletHost(config);
    }

    public WasmEngine engine() {
        return engine;
    }

    /** Validates and compiles a module; throws {@link io.jfaasm.runtime.wasm.InvalidModuleException}. */
    public CompiledModule load(byte[] wasm) {
        return engine.load(wasm);
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
        return CompletableFuture.supplyAsync(() -> runWithDeadline(module, request, limits), callThreads);
    }

    private CallResult runWithDeadline(CompiledModule module, CallRequest request, FunctionLimits limits) {
        Deadline deadline = new Deadline(Thread.currentThread());
        ScheduledFuture<?> alarm = watchdog.schedule(
                deadline::expire, limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            return Faaslet.call(module, limits, request, deadline::expired);
        } finally {
            alarm.cancel(false);
            deadline.finish();
        }
    }

    /** Deadlines armed and not yet cancelled: the calls in flight. */
    public int callsInFlight() {
        return watchdog.getQueue().size();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        callThreads.shutdownNow();
    }

    private static CallResult failed(Failure.Kind kind, String message) {
        return new CallResult(-1, new byte[0], new byte[0], new byte[0], new Failure(kind, message), 0);
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

        Deadline(Thread thread) {
            this.thread = thread;
        }

        synchronized void expire() {
            if (running) {
                expired = true;
                thread.interrupt();
            }
        }

        boolean expired() {
            return expired;
        }

        synchronized void finish() {
            running = false;
            Thread.interrupted();
        }
    }
}
