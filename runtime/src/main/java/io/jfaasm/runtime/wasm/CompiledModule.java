package io.jfaasm.runtime.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.python.PythonProgram;
import java.util.function.Function;

/**
 * A validated module compiled to JVM bytecode, ready to instantiate many Faaslets.
 *
 * <p>The parsed {@link WasmModule} and the machine factory compiled from it stay together: the
 * factory refuses instances of any other {@code WasmModule} object, and a new one would mean a
 * recompile.
 *
 * @param sha256 hex digest of the module bytes: its identity in caches and snapshots
 * @param sizeBytes size of the module binary
 * @param hasInitialize exports {@code _initialize} (a reactor's constructors)
 * @param hasZygote exports {@code faasm_zygote}: set-up to run once, before the snapshot
 * @param compileNanos time spent compiling, or loading from the code cache
 * @param fromCache whether the compiled code came from the on-disk cache
 * @param python for a Python function, its program (this module is then the shared interpreter's
 *     compiled code under the function's own identity); null for a wasm function
 */
public record CompiledModule(
        WasmModule module,
        Function<Instance, Machine> machineFactory,
        String sha256,
        int sizeBytes,
        EntryPoint entryPoint,
        boolean hasInitialize,
        boolean hasZygote,
        long compileNanos,
        boolean fromCache,
        PythonProgram python) {

    public CompiledModule(WasmModule module, Function<Instance, Machine> machineFactory, String sha256,
            int sizeBytes, EntryPoint entryPoint, boolean hasInitialize, boolean hasZygote,
            long compileNanos, boolean fromCache) {
        this(module, machineFactory, sha256, sizeBytes, entryPoint, hasInitialize, hasZygote,
                compileNanos, fromCache, null);
    }

    /**
     * A Python function run by this interpreter: the same compiled code (compiled once per host),
     * with the function's identity, so it gets a Proto-Faaslet of its own.
     */
    public CompiledModule forPython(PythonProgram program) {
        return new CompiledModule(module, machineFactory, program.sha256(), sizeBytes, EntryPoint.COMMAND,
                false, false, 0, true, program);
    }

    /** Pages the module's memory starts with; 0 when it has no memory. */
    public int initialPages() {
        return module.memorySection().filter(s -> s.memoryCount() > 0)
                .map(s -> s.getMemory(0).limits().initialPages()).orElse(0);
    }

    /** The module's own maximum pages (the wasm limit when it declares none); 0 without memory. */
    public int maximumPages() {
        return module.memorySection().filter(s -> s.memoryCount() > 0)
                .map(s -> s.getMemory(0).limits().maximumPages()).orElse(0);
    }

    /** Identity: a compiled module is one object (its hash must not walk the module's code). */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
