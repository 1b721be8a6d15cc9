package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
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
 * right after instantiation: its constructors run inside {@code _start}, on every call.
 */
public final class ProtoFaaslet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProtoFaaslet.class);

    private final CompiledModule module;
    private final Snapshot snapshot;
    private final long initNanos;

    public ProtoFaaslet(CompiledModule module, Snapshot snapshot, long initNanos) {
        if (!module.sha256().equals(snapshot.moduleSha256())) {
            throw new IllegalArgumentException("snapshot of module " + snapshot.moduleSha256()
                    + " cannot restore module " + module.sha256());
        }
        this.module = module;
        this.snapshot = snapshot;
        this.initNanos = initNanos;
    }

    /**
     * Initialises the module in a fresh Faaslet on this thread and snapshots it.
     *
     * @throws InitialisationException when initialisation traps, hits a limit or the zygote
     *     returns non-zero
     */
    public static ProtoFaaslet capture(CompiledModule module, FunctionLimits limits,
            BooleanSupplier timedOut) {
        long start = System.nanoTime();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CallRequest init = CallRequest.of(new byte[0]).withArgs(List.of("faasm_zygote"))
                .withSinks(log, log);
        Faaslet faaslet;
        try {
            faaslet = Faaslet.fresh(module, limits);
        } catch (Throwable t) {
            throw new InitialisationException(Faaslet.failureOf(t, null, limits, timedOut));
        }
        try (faaslet) {
            if (module.entryPoint() == EntryPoint.FAASM_MAIN) {
                if (module.hasInitialize()) {
                    faaslet.initialise("_initialize", init, limits);
                }
                if (module.hasZygote()) {
                    long[] rc = faaslet.initialise("faasm_zygote", init, limits);
                    if (rc[0] != 0) {
                        throw new InitialisationException(new Failure(Failure.Kind.TRAP,
                                "faasm_zygote returned " + rc[0]));
                    }
                }
            }
            Snapshot snapshot = Snapshot.capture(module.sha256(), faaslet.instance(), faaslet.memory());
            long nanos = System.nanoTime() - start;
            if (log.size() > 0) {
                LOG.info("initialisation of {} wrote: {}", module.sha256(),
                        log.toString(StandardCharsets.UTF_8).strip());
            }
            return new ProtoFaaslet(module, snapshot, nanos);
        } catch (InitialisationException e) {
            throw e;
        } catch (Throwable t) {
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

    /** A new Faaslet in the snapshot's state. */
    public Faaslet restore(FunctionLimits limits) {
        return Faaslet.restore(module, snapshot, limits);
    }

    @Override
    public void close() {
        snapshot.close();
    }
}
