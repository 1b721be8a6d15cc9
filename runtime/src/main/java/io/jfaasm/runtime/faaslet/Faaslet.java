package io.jfaasm.runtime.faaslet;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import io.jfaasm.runtime.dynlink.DynamicLinker;
import io.jfaasm.runtime.files.FileTrees;
import io.jfaasm.runtime.host.CallContext;
import io.jfaasm.runtime.host.DynamicLoading;
import io.jfaasm.runtime.host.FaasmAbi;
import io.jfaasm.runtime.host.HostCallException;
import io.jfaasm.runtime.host.NetworkSession;
import io.jfaasm.runtime.host.OutputCapture;
import io.jfaasm.runtime.host.PythonCalls;
import io.jfaasm.runtime.host.PythonWasi;
import io.jfaasm.runtime.host.WasiImports;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.memory.MemoryLimitException;
import io.jfaasm.runtime.python.CPythonLayout;
import io.jfaasm.runtime.python.PythonProgram;
import io.jfaasm.runtime.snapshot.Snapshot;
import io.jfaasm.runtime.state.LocalTier;
import io.jfaasm.runtime.state.StateException;
import io.jfaasm.runtime.state.StateMappings;
import io.jfaasm.runtime.state.StateSession;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.EntryPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An isolated wasm instance that runs calls: its own linear memory, and the host interface (Faasm
 * ABI and WASI) bound to the call it is running and to nothing else.
 *
 * <p>A Faaslet starts either fresh (data segments copied into a new memory) or restored from a
 * Proto-Faaslet's {@link Snapshot} (memory mapped copy-on-write, globals and tables set). Between
 * calls it is {@link #reset reset} to the snapshot, so nothing a call did survives it. It is used by
 * one thread at a time.
 */
public final class Faaslet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Faaslet.class);

    /** What the host interface acts on during one call. */
    private record Binding(CallContext context, WasiPreview1 wasi, HostFunction[] wasiFunctions,
            OutputCapture stdout, OutputCapture stderr, DynamicLinker linker, Path scratchDir,
            PythonCalls python) {
        void close() {
            try {
                context.network().close();
                if (context.state() != null) {
                    context.state().close();
                }
            } finally {
                try {
                    wasi.close();
                } finally {
                    deleteScratch(scratchDir);
                }
            }
        }
    }

    /** Most entries a table may grow to: 12 bytes of host heap each. */
    public static final long MAX_TABLE_ENTRIES = 1 << 20;

    /** The call's scratch directory goes with the call; a failure to delete it is only logged. */
    private static void deleteScratch(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete the scratch directory {}: {}", dir, e.toString());
        }
    }

    private final CompiledModule module;
    private final Instance instance;
    private LinearMemory memory;
    private Binding binding;
    /** Whether the entry point still has to run the module's own initialisation. */
    private final boolean initialised;
    /** The host functions this instance imports: a library loaded into it may import them too. */
    private final List<HostFunction> hostFunctions;
    /** Set once a call loaded a library into this instance: it is then never reset for reuse. */
    private boolean linkedLibrary;

    private Faaslet(CompiledModule module, int maxPages, Snapshot snapshot) {
        this.module = module;
        this.initialised = snapshot != null;
        List<HostFunction> imports = new ArrayList<>(FaasmAbi.hostFunctions(() -> bound().context()));
        imports.addAll(WasiImports.forwarding(() -> bound().wasiFunctions()));
        this.hostFunctions = List.copyOf(imports);
        int limit = Math.min(maxPages, module.maximumPages());
        Function<com.dylibso.chicory.wasm.types.MemoryLimits, com.dylibso.chicory.runtime.Memory> memories =
                snapshot == null
                        ? l -> memory = new LinearMemory(l.initialPages(), limit)
                        : l -> memory = new LinearMemory(snapshot.memory(), limit);
        try {
            this.instance = Instance.builder(module.module())
                    .withMachineFactory(module.machineFactory())
                    .withMemoryFactory(memories)
                    // Chicory grows a table's limits in place; a copy per instance keeps the
                    // module's own limits untouched for every later instance. The maximum is
                    // capped: a growable table (what dlopen needs) would otherwise let one
                    // table.grow allocate gigabytes of host heap. Wasm allows a grow to fail.
                    .withTableFactory((table, init) -> new TableInstance(new Table(table.elementType(),
                            new TableLimits(table.limits().min(), Math.max(table.limits().min(),
                                    Math.min(table.limits().max(), MAX_TABLE_ENTRIES))),
                            table.initialize()), init))
                    .withImportValues(ImportValues.builder()
                            .addFunction(imports.toArray(HostFunction[]::new)).build())
                    .withStart(false)
                    .build();
            if (snapshot != null) {
                snapshot.restoreGlobalsAndTables(instance);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A new instance, its memory initialised from the module's data segments. */
    public static Faaslet fresh(CompiledModule module, FunctionLimits limits) {
        return new Faaslet(module, limits.maxPages(), null);
    }

    /** A new instance restored from a snapshot of the module. */
    public static Faaslet restore(CompiledModule module, Snapshot snapshot, FunctionLimits limits) {
        return new Faaslet(module, limits.maxPages(), snapshot);
    }

    public CompiledModule module() {
        return module;
    }

    public LinearMemory memory() {
        return memory;
    }

    public Instance instance() {
        return instance;
    }

    private Binding bound() {
        if (binding == null) {
            throw new HostCallException("host call outside of a call");
        }
        return binding;
    }

    /** Binds a call to this Faaslet: its input, state session, WASI and output captures. */
    private void bind(CallRequest request, FunctionLimits limits, LocalTier state) {
        bind(request, limits, state, true);
    }

    private void bind(CallRequest request, FunctionLimits limits, LocalTier state, boolean canLink) {
        StateSession session = state == null ? null
                : new StateSession(request.user(), state, limits.timeout().plusSeconds(1));
        OutputCapture stdout = new OutputCapture(limits.maxLogBytes(), request.stdoutSink());
        OutputCapture stderr = new OutputCapture(limits.maxLogBytes(), request.stderrSink());
        DynamicLinker linker = canLink ? new DynamicLinker(request.libraries(), module, instance, memory,
                hostFunctions) : null;
        CallContext context = new CallContext(request.input(), request.index(), request.confFlags(),
                limits.maxOutputBytes(), session, request.chaining(),
                new NetworkSession(request.network(), stderr), linker != null ? linker
                        : DynamicLoading.unavailable("dynamic loading is not available during"
                                + " initialisation: a snapshot cannot hold a library"));
        List<Mount> mounts = request.mounts();
        PythonProgram program = module.python();
        if (program != null) {
            // first, so the guest's libc and the snapshot agree it is fd 3 (PythonWasi.FAASM_DIR_FD)
            mounts = new ArrayList<>(mounts);
            mounts.addFirst(new Mount(program.dir(), PythonProgram.GUEST_DIR, true));
        }
        Path scratchDir = null;
        if (request.scratch() != null) {
            scratchDir = request.scratch().create();
            mounts = new ArrayList<>(mounts);
            mounts.add(new Mount(scratchDir, request.scratch().guestPath(), false, request.scratch().maxBytes()));
        }
        WasiPreview1 wasi;
        try {
            wasi = WasiImports.forCall(request.args(), request.env(), mounts, stdout, stderr);
        } catch (RuntimeException | Error e) {
            deleteScratch(scratchDir);
            throw e;
        }
        // a binding that cannot link libraries is an initialisation: for Python, the zygote
        PythonCalls python = program == null ? null : new PythonCalls(context, !canLink);
        HostFunction[] wasiFunctions = python == null ? wasi.toHostFunctions()
                : PythonWasi.wrap(wasi.toHostFunctions(), python);
        binding = new Binding(context, wasi, wasiFunctions, stdout, stderr, linker, scratchDir, python);
    }

    private void unbind() {
        if (binding != null) {
            Binding b = binding;
            binding = null;
            if (b.linker() != null && b.linker().linked()) {
                linkedLibrary = true;
            }
            b.close();
        }
    }

    /**
     * Runs one call in this Faaslet. Never throws for anything the guest does: every trap, limit and
     * misuse becomes a failed {@link CallResult}.
     *
     * @param state the host's local state tier, or null for a call without state
     * @param timedOut tells whether an interruption of this thread was the call's deadline
     */
    public CallResult call(CallRequest request, FunctionLimits limits, LocalTier state,
            BooleanSupplier timedOut) {
        long start = System.nanoTime();
        bind(request, limits, state);
        Binding b = binding;
        int rc = -1;
        Failure failure = null;
        try {
            rc = runEntry(request.entryTableIndex());
        } catch (Throwable t) {
            failure = classify(t, memory, limits, timedOut);
            if (failure.kind() == Failure.Kind.INTERNAL) {
                LOG.error("host fault in a call of module {}", module.sha256(), t);
            }
            rethrowIfFatal(t);
        } finally {
            unbind();
        }
        return new CallResult(failure == null ? rc : -1, b.context().output(), b.stdout().bytes(),
                b.stderr().bytes(), failure, System.nanoTime() - start, null, 0);
    }

    /** Runs an exported function with no parameters during initialisation, without state. */
    public long[] initialise(String export, CallRequest request, FunctionLimits limits) {
        return initialise(export, request, limits, null).result();
    }

    /** What an initialisation export returned, and the state regions it left mapped. */
    public record Initialised(long[] result, StateMappings mappings) {}

    /**
     * Runs an exported function with no parameters during initialisation (the zygote), with the
     * state of {@code request.user()} when {@code state} is given. The regions it maps stay mapped
     * and are handed to the caller, which owns them from then on.
     */
    public Initialised initialise(String export, CallRequest request, FunctionLimits limits, LocalTier state) {
        bind(request, limits, state, false);
        StateMappings kept = StateMappings.NONE;
        try {
            long[] result = instance.export(export).apply();
            if (binding.context().state() != null) {
                kept = binding.context().state().detachMappings();
            }
            return new Initialised(result, kept);
        } finally {
            unbind();
        }
    }

    private int runEntry(int tableIndex) {
        try {
            if (tableIndex >= 0) {
                return callByTableIndex(tableIndex);
            }
            if (module.python() != null) {
                return callPython(module.python().entry());
            }
            if (module.entryPoint() == EntryPoint.FAASM_MAIN) {
                if (module.hasInitialize() && !initialised) {
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

    /** Runs the Python function's {@code main()} in the interpreter restored from its zygote. */
    private int callPython(PythonProgram.Entry entry) {
        if (entry == null) {
            throw new HostCallException("this Python function has no initialised interpreter (snapshots are off?)");
        }
        long[] r = instance.getMachine().call(entry.function(), new long[] {entry.callable(), entry.args(), 0});
        if (r[0] == 0) {
            throw new HostCallException("a Python exception escaped the function's entry");
        }
        CPythonLayout.Result result;
        try {
            result = CPythonLayout.result(instance, (int) r[0], binding.python().maxOutputBytes());
        } catch (IllegalStateException e) {
            throw new HostCallException(e.getMessage());
        }
        if (result.output() != null) {
            binding.python().setOutput(result.output());
        }
        return result.returnCode();
    }

    /**
     * Runs a Python function's zygote: the interpreter's {@code _start} with
     * {@link PythonProgram#ZYGOTE_ARGS}, until the SDK stops it at its snapshot point
     * ({@link PythonWasi.Freeze}) with the function imported. Returns where calls will enter.
     *
     * @throws HostCallException when the interpreter exits instead (its stderr says why)
     */
    public PythonProgram.Entry startPython(CallRequest request, FunctionLimits limits, LocalTier state) {
        bind(request.withArgs(PythonProgram.ZYGOTE_ARGS), limits, state, false);
        try {
            instance.export(EntryPoint.COMMAND.exportName()).apply();
            throw new HostCallException("the Python interpreter ended before its snapshot point");
        } catch (PythonWasi.Freeze f) {
            PythonCalls.Ready ready = binding.python().ready();
            return CPythonLayout.entry(instance, ready.callable(), ready.args());
        } catch (ExecutionCompletedException e) {
            throw new HostCallException("the Python interpreter exited (0) before its snapshot point");
        } catch (WasiExitException e) {
            throw new HostCallException("the Python function's initialisation failed (exit code "
                    + e.exitCode() + ")");
        } finally {
            unbind();
        }
    }

    /**
     * Runs a function of this module by its index in table 0 (a C function pointer): the entry of
     * a call chained with {@code __faasm_chain_ptr}. It must have the type {@code () -> i32}.
     */
    private int callByTableIndex(int tableIndex) {
        if (instance.tableCount() == 0 || tableIndex >= instance.table(0).size()) {
            throw new HostCallException("__faasm_chain_ptr: " + tableIndex + " is not a function pointer of this module");
        }
        int function = instance.table(0).requiredRef(tableIndex);
        var type = instance.type(instance.functionType(function));
        if (!type.params().isEmpty() || type.returns().size() != 1
                || !type.returns().get(0).equals(com.dylibso.chicory.wasm.types.ValType.I32)) {
            throw new HostCallException("__faasm_chain_ptr: the function at " + tableIndex + " has type "
                    + type + ", not () -> (i32)");
        }
        return (int) instance.getMachine().call(function, new long[0])[0];
    }

    /** Puts memory, globals and tables back to the snapshot, ready for the next call. */
    public void reset(Snapshot snapshot) {
        if (linkedLibrary) {
            // Its table holds slots of a library instance that must not outlive the call.
            throw new IllegalStateException("a library was loaded into this Faaslet: it is not reused");
        }
        memory.reset(snapshot.memory());
        snapshot.restoreGlobalsAndTables(instance);
    }

    @Override
    public void close() {
        unbind();
        if (memory != null) {
            memory.close();
            memory = null;
        }
    }

    /** Creates a fresh Faaslet, runs one call in it and closes it. */
    public static CallResult callFresh(CompiledModule module, FunctionLimits limits, CallRequest request,
            LocalTier state, BooleanSupplier timedOut) {
        long start = System.nanoTime();
        Faaslet faaslet;
        try {
            faaslet = fresh(module, limits);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            return failedToStart(t, limits, start);
        }
        try (faaslet) {
            return faaslet.call(request, limits, state, timedOut).startedAs(CallResult.StartKind.FRESH);
        }
    }

    /** The result of a call whose Faaslet could not be created or restored. */
    public static CallResult failedToStart(Throwable t, FunctionLimits limits, long startNanos) {
        Failure failure = classify(t, null, limits, () -> false);
        if (failure.kind() == Failure.Kind.INTERNAL) {
            LOG.error("host fault creating a Faaslet", t);
        }
        return CallResult.notStarted(failure, System.nanoTime() - startNanos);
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)
                && !(t instanceof OutOfMemoryError)) {
            throw e;
        }
    }

    /** What a throwable out of the guest or of instantiation means for the call. */
    public static Failure failureOf(Throwable t, LinearMemory memory, FunctionLimits limits,
            BooleanSupplier timedOut) {
        rethrowIfFatal(t);
        return classify(t, memory, limits, timedOut);
    }

    static Failure classify(Throwable t, LinearMemory memory, FunctionLimits limits,
            BooleanSupplier timedOut) {
        boolean growRefused = memory != null && memory.growRefused();
        String memLimit = "memory limit of " + limits.maxMemoryBytes() / (1024 * 1024) + " MiB";
        return switch (t) {
            case ChicoryInterruptedException e when timedOut.getAsBoolean() -> new Failure(
                    Failure.Kind.TIMEOUT, "wall-time limit of " + seconds(limits) + " exceeded");
            case ChicoryInterruptedException e -> new Failure(Failure.Kind.CANCELLED,
                    "the call was interrupted");
            case HostCallException e -> new Failure(Failure.Kind.HOST_CALL, e.getMessage());
            case StateException e -> new Failure(Failure.Kind.HOST_CALL, e.getMessage());
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
