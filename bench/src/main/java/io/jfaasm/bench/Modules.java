package io.jfaasm.bench;

import io.jfaasm.experiments.wasm.DataModule;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;

/**
 * The modules of the snapshot benchmarks: those packed in the jar (see {@link Wasm}), plus
 * {@code dataNm}, a {@link DataModule} of N MiB of non-zero data.
 */
final class Modules {
    private Modules() {}

    static byte[] bytes(String name) {
        if (name.startsWith("data") && name.endsWith("m")) {
            return DataModule.of(Integer.parseInt(name.substring(4, name.length() - 1)) * 1024 * 1024);
        }
        return Wasm.bytes(name);
    }

    static CompiledModule compile(String name) {
        return new WasmEngine(null, Wasm.MAX_MODULE_BYTES).load(bytes(name));
    }
}
