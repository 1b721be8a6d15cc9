package io.jfaasm.runtime.faaslet;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import io.jfaasm.runtime.host.CallContext;
import io.jfaasm.runtime.host.FaasmAbi;
import io.jfaasm.runtime.host.HostCallException;
import io.jfaasm.runtime.host.OutputCapture;
import io.jfaasm.runtime.host.WasiImports;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.memory.MemoryLimitException;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.EntryPoint;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call in one isolated wasm instance: its own linear memory, its own WASI (files, clocks,
 * output), and the Faasm host interface bound to this call only.
 *
 * <p>A Faaslet is made for a call and closed after it; nothing the guest did survives it. Run it on
 * the thread that created it: its memory belongs to that thread.
 */
public final class Faaslet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Faaslet.class);

    private final CompiledModule module;
    private final CallContext context;
    private final OutputCapture stdout;
    private final OutputCapture stderr;
    private final WasiPreview1 wasi;
    private LinearMemory memory;
    private final Instance instance;

    /** Instantiates the module for one call. Throws when instantiation fails; see {@link #call}. */
    public Faaslet(CompiledModule module, FunctionLimits limits, CallRequest request) {
        this.module = module;
        this.context = new CallContext(request.input(), request.index(), request.confFlags(),
                limits.maxOutputBytes());
        this.stdout = new OutputCapture(limits.maxLogBytes(), request.stdoutSink());
        this.stderr = new OutputCapture(limits.maxLogBytes(), request.stderrSink());
        this.wasi = WasiImports.forCall(request.args(), request.env(), request.mounts(), stdout, stderr);
        try {
            ImportValues imports = ImportValues.builder()
                    .addFunction(FaasmAbi.hostFunctions(context).toArray(HostFunction[]::new))
                    .addFunction(wasi.toHostFunctions())
                    .build();
            int maxPages = Math.min(limits.maxPages(), module.maximumPages());
            this.instance = Instance.builder(module.module())
                    .withMachineFactory(module.machineFactory())
                    .withMemoryFactory(moduleLimits -> {
                        memory = new LinearMemory(moduleLimits.initialPages(), maxPages);
                        return memory;
                    })
                    .withImportValues(imports)
                    .withStart(false)
                    .build();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    public LinearMemory memory() {
        return memory;
    }

    public Instance instance() {
        return instance;
    }

    /** Runs the entry point; returns the function's return code, or throws what the guest did. */
    int run() {
        try {
            if (module.entryPoint() == EntryPoint.FAASM_MAIN) {
                if (module.hasInitialize()) {
                    instance.export("_initialize").apply();
                }
                long[] rc = instance.export(EntryPoint.FAASM_MAIN.exportName()).apply();
                return rc == null || rc.length == 0 ? 0 : (int) rc[0];
            }
            instance.export(EntryPoint.COMMAND.exportName()).apply();
            return 0;
        } catch (ExecutionCompletedException e) {
            return 0; // proc_exit(0)
        } catch (WasiExitException e) {
            return e.exitCode();
        }
    }

    @Override
    public void close() {
        try {
            wasi.close();
        } finally {
            if (memory != null) {
                memory.close();
                memory = null;
            }
        }
    }

    /**
     * Creates a Faaslet, runs the call in it and closes it. Never throws for anything the guest
     * does: every trap, limit and misuse becomes a failed {@link CallResult}.
     *
     * @param timedOut tells whether an interruption of this thread was the call's deadline
     */
    public static CallResult call(CompiledModule module, FunctionLimits limits, CallRequest request,
            BooleanSupplier timedOut) {
        long start = System.nanoTime();
        Faaslet faaslet = null;
        int rc = -1;
        Failure failure = null;
        try {
            faaslet = new Faaslet(module, limits, request);
            rc = faaslet.run();
        } catch (Throwable t) {
            failure = classify(t, faaslet, limits, timedOut);
            if (failure.kind() == Failure.Kind.INTERNAL) {
                LOG.error("host fault in a call of module {}", module.sha256(), t);
            }
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)
                    && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
        } finally {
            if (faaslet != null) {
                faaslet.close();
            }
        }
        byte[] output = faaslet == null ? new byte[0] : faaslet.context.output();
        OutputCapture out = faaslet == null ? null : faaslet.stdout;
        OutputCapture err = faaslet == null ? null : faaslet.stderr;
        return new CallResult(failure == null ? rc : -1, output,
                out == null ? new byte[0] : out.bytes(), err == null ? new byte[0] : err.bytes(),
                failure, System.nanoTime() - start);
    }

    private static Failure classify(Throwable t, Faaslet faaslet, FunctionLimits limits,
            BooleanSupplier timedOut) {
        boolean growRefused = faaslet != null && faaslet.memory != null && faaslet.memory.growRefused();
        String memLimit = "memory limit of " + limits.maxMemoryBytes() / (1024 * 1024) + " MiB";
        return switch (t) {
            case ChicoryInterruptedException e when timedOut.getAsBoolean() -> new Failure(
                    Failure.Kind.TIMEOUT, "wall-time limit of " + seconds(limits) + " exceeded");
            case ChicoryInterruptedException e -> new Failure(Failure.Kind.CANCELLED,
                    "the call was interrupted");
            case HostCallException e -> new Failure(Failure.Kind.HOST_CALL, e.getMessage());
            case MemoryLimitException e -> new Failure(Failure.Kind.MEMORY_LIMIT, e.getMessage());
            case StackOverflowError e -> stackOverflow();
            case ChicoryException e when isStackExhausted(e) -> stackOverflow();
            case UninstantiableException e -> new Failure(Failure.Kind.INSTANTIATION, e.getMessage());
            case UnlinkableException e -> new Failure(Failure.Kind.INSTANTIATION, e.getMessage());
            case ChicoryException e when growRefused -> new Failure(Failure.Kind.MEMORY_LIMIT,
                    memLimit + " reached (the function asked for more), then it failed: " + e.getMessage());
            case ChicoryException e -> new Failure(Failure.Kind.TRAP, e.getMessage());
            case OutOfMemoryError e -> new Failure(Failure.Kind.INTERNAL,
                    "the host ran out of heap memory during the call");
            default -> new Failure(Failure.Kind.INTERNAL, t.toString());
        };
    }

    private static boolean isStackExhausted(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StackOverflowError || "call stack exhausted".equals(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static Failure stackOverflow() {
        return new Failure(Failure.Kind.STACK_OVERFLOW, "call stack exhausted: recursion too deep");
    }

    private static String seconds(FunctionLimits limits) {
        long ms = limits.timeout().toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
