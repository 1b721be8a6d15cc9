package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.HostCallException;
import io.jfaasm.runtime.state.LocalTier;
import io.jfaasm.runtime.state.StateMappings;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.EntryPoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A function initialised once and frozen: every Faaslet of it starts from this snapshot instead of
 * running the module's initialisation again.
 *
 * <p>What runs before the snapshot: instantiation (data segments, the module's start function)
 * and, for a FAASM_MAIN reactor, {@code _initialize} (constructors) and the optional
 * {@code faasm_zygote} (expensive set-up such as loading a model). A WASI command is snapshotted
 * right after instantiation: its constructors run inside {@code _start}, on every call. A Python
 * function runs the interpreter's start-up and its module's top level, then is snapshotted with the
 * interpreter stopped inside (see {@link Faaslet#startPython}).
 *
 * <p>A zygote may map state ({@code __faasm_read_state_ptr}, e.g. a model's weights): those
 * regions stay mapped for the life of the Proto-Faaslet and are mapped again at the same addresses
 * in every Faaslet restored or reset from it, so all of them read the host's one shared copy.
 */
public final class ProtoFaaslet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProtoFaaslet.class);

    private final CompiledModule module;
    private final Snapshot snapshot;
    private final long initNanos;
    private final StateMappings mappings;

    public ProtoFaaslet(CompiledModule module, Snapshot snapshot, long initNanos) {
        this(module, snapshot, initNanos, StateMappings.NONE);
    }

    private ProtoFaaslet(CompiledModule module, Snapshot snapshot, long initNanos, StateMappings mappings) {
        if (!module.sha256().equals(snapshot.moduleSha256())) {
            throw new IllegalArgumentException("snapshot of module " + snapshot.moduleSha256()
                    + " cannot restore module " + module.sha256());
        }
        this.module = module;
        this.snapshot = snapshot;
        this.initNanos = initNanos;
        this.mappings = mappings;
    }

    /**
     * Initialises the module in a fresh Faaslet on this thread and snapshots it.
     *
     * @throws InitialisationException when initialisation traps, hits a limit or the zygote
     *     returns non-zero
     */
    public static ProtoFaaslet capture(CompiledModule module, FunctionLimits limits,
            BooleanSupplier timedOut) {
        return capture(module, limits, timedOut, null, CallRequest.DEFAULT_USER, true);
    }

    /**
     * As {@link #capture(CompiledModule, FunctionLimits, BooleanSupplier)}, with the zygote given
     * the state of {@code user} in {@code state} (null: no state during initialisation). With
     * {@code keepMapped} false, what the zygote mapped is frozen into the snapshot as private pages
     * instead (the isolated baseline: every Faaslet starts with its own copy).
     */
    public static ProtoFaaslet capture(CompiledModule module, FunctionLimits limits,
            BooleanSupplier timedOut, LocalTier state, String user, boolean keepMapped) {
        long start = System.nanoTime();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CallRequest init = CallRequest.of(new byte[0]).withArgs(List.of("faasm_zygote"))
                .withSinks(log, log).withUser(user);
        StateMappings kept = StateMappings.NONE;
        Faaslet faaslet;
        try {
            faaslet = Faaslet.fresh(module, limits);
        } catch (Throwable t) {
            throw new InitialisationException(Faaslet.failureOf(t, null, limits, timedOut));
        }
        try (faaslet) {
            if (module.python() != null) {
                try {
                    module.python().setEntry(faaslet.startPython(init, limits, state));
                } catch (HostCallException | IllegalStateException e) {
                    // the interpreter's stderr (a traceback) says why; it is the useful part
                    String wrote = log.toString(StandardCharsets.UTF_8).strip();
                    throw new InitialisationException(new Failure(Failure.Kind.TRAP, e.getMessage()
                            + (wrote.isEmpty() ? "" : ":\n" + wrote)));
                }
            } else if (module.entryPoint() == EntryPoint.FAASM_MAIN) {
                if (module.hasInitialize()) {
                    faaslet.initialise("_initialize", init, limits);
                }
                if (module.hasZygote()) {
                    Faaslet.Initialised z = faaslet.initialise("faasm_zygote", init, limits, state);
                    kept = z.mappings();
                    long[] rc = z.result();
                    if (rc[0] != 0) {
                        throw new InitialisationException(new Failure(Failure.Kind.TRAP,
                                "faasm_zygote returned " + rc[0]));
                    }
                }
            }
            Snapshot snapshot = Snapshot.capture(module.sha256(), faaslet.instance(), faaslet.memory());
            if (!keepMapped) {
                kept.close();
                kept = StateMappings.NONE;
            }
            long nanos = System.nanoTime() - start;
            if (log.size() > 0) {
                LOG.info("initialisation of {} wrote: {}", module.sha256(),
                        log.toString(StandardCharsets.UTF_8).strip());
            }
            return new ProtoFaaslet(module, snapshot, nanos, kept);
        } catch (InitialisationException e) {
            kept.close();
            throw e;
        } catch (Throwable t) {
            kept.close();
            throw new InitialisationException(Faaslet.failureOf(t, faaslet.memory(), limits, timedOut));
        }
    }

    public CompiledModule module() {
        return module;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** How long initialisation and capture took. */
    public long initNanos() {
        return initNanos;
    }

    /** Whether the zygote left state mapped: such a snapshot is only good on this host. */
    public boolean mapsState() {
        return !mappings.isEmpty();
    }

    /** A new Faaslet in the snapshot's state. */
    public Faaslet restore(FunctionLimits limits) {
        Faaslet f = Faaslet.restore(module, snapshot, limits);
        try {
            mappings.mapInto(f.memory());
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** Puts a Faaslet of this function back to the snapshot, ready for its next call. */
    public void reset(Faaslet faaslet) {
        faaslet.reset(snapshot);
        mappings.mapInto(faaslet.memory());
    }

    @Override
    public void close() {
        mappings.close();
        snapshot.close();
    }
}
