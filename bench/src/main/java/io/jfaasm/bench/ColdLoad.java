package io.jfaasm.bench;

import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CodeCache;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.nio.file.Path;

/**
 * Not a JMH benchmark: the load of one module in a JVM that has loaded nothing before, i.e. what a
 * freshly started host pays, which {@link CompileBenchmark}'s warmed-up iterations do not show.
 * Run it twice with the same cache directory: the first run compiles (and fills the cache), the
 * second loads from the cache.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.ColdLoad big /tmp/jfaasm-cold-cache
 * </pre>
 */
public final class ColdLoad {
    private ColdLoad() {}

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "big";
        CodeCache cache = args.length > 1 ? new CodeCache(Path.of(args[1])) : null;
        byte[] bytes = Wasm.bytes(name);
        long t0 = System.nanoTime();
        CompiledModule m = new WasmEngine(cache, Wasm.MAX_MODULE_BYTES).load(bytes);
        long t1 = System.nanoTime();
        CallResult r = Faaslet.callFresh(m, FunctionLimits.DEFAULTS, CallRequest.of("cold".getBytes()), null, () -> false);
        long t2 = System.nanoTime();
        System.out.printf("%s (%d bytes): %s in %.1f ms, then first call in %.1f ms (%s)%n", name,
                bytes.length, m.fromCache() ? "code cache load" : "compile", (t1 - t0) / 1e6,
                (t2 - t1) / 1e6, r.succeeded() ? "ok" : "FAILED: " + r.failure());
    }
}
