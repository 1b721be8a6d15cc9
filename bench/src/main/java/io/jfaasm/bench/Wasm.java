package io.jfaasm.bench;

import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The benchmark modules, packaged in the jar under /wasm/ (from examples/ and bench/modules/). */
final class Wasm {
    static final int MAX_MODULE_BYTES = 64 * 1024 * 1024;

    private Wasm() {}

    /** The bytes of /wasm/NAME.wasm. */
    static byte[] bytes(String name) {
        String path = "/wasm/" + name + ".wasm";
        try (InputStream in = Wasm.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no module " + path + " in the benchmarks jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads and compiles NAME.wasm in memory (no code cache). */
    static CompiledModule compile(String name) {
        return new WasmEngine(null, MAX_MODULE_BYTES).load(bytes(name));
    }
}
