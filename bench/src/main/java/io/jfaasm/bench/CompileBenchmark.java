package io.jfaasm.bench;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CodeCache;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.Engine;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a module: compiling it to JVM bytecode with no cache, against loading the compiled code
 * from a pre-populated on-disk {@link CodeCache}, for a small module (examples/hello.wasm, 14 KB)
 * and a big one (bench/modules/big.wasm, ~1 MB, 1600 generated functions).
 *
 * <p>What one operation includes, honestly:
 * <ul>
 *   <li>{@link #compile}: {@code new WasmEngine(null, ..).load(bytes)}: header checks, parse and
 *       validate, the SIMD and import checks, compiling every function to bytecode (ASM), and
 *       defining, verifying and initialising the generated classes in a new class loader (Chicory
 *       loads them eagerly with {@code Class.forName(.., true, ..)}).
 *   <li>{@link #cacheLoad}: a fresh {@code WasmEngine} over the pre-populated cache directory, then
 *       the same {@code load(bytes)}: the same parse/validate/checks, reading the cached jar, and
 *       defining, verifying and initialising its classes in a new class loader. So a cache hit
 *       still pays for parsing and for the JVM's class loading; it saves only code generation.
 *   <li>{@code *ThenCall}: the same, then one call of the module in a Faaslet (for big.wasm, main
 *       calls each of its 1600 functions once): the first instantiation and the first run of code
 *       that the JVM has never executed (interpreted bytecode).
 *   <li>{@link #parseOnly}: Chicory's {@code Parser.parse} alone (parse and validate), the share of
 *       both of the above that the code cache cannot save.
 * </ul>
 * Each iteration loads into new class loaders, so nothing generated is reused between iterations.
 * What the JVM does keep across iterations is itself: Chicory's parser and compiler and JFaasm's
 * code are loaded and, after the warmup iterations, JIT-compiled; the cache file is in the OS page
 * cache. The measured iterations are therefore a warm host's cost to load a new module; the
 * first warmup iteration (printed by JMH) is closer to the cost in a just-started JVM.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods", "-Xss16m"})
@State(Scope.Benchmark)
public class CompileBenchmark {
    private static final CallRequest REQUEST = CallRequest.of("bench".getBytes());

    @Param({"hello", "big"})
    public String module;

    private byte[] bytes;
    private Path cacheRoot;

    @Setup
    public void setup() throws IOException {
        bytes = Wasm.bytes(module);
        cacheRoot = Files.createTempDirectory("jfaasm-bench-cache");
        CompiledModule first = new WasmEngine(new CodeCache(cacheRoot), Wasm.MAX_MODULE_BYTES,
                Engine.CHICORY_COMPILER).load(bytes); // the cache holds Chicory's code
        if (first.fromCache()) {
            throw new IllegalStateException("a new cache directory already had " + module);
        }
        check(Faaslet.callFresh(first, FunctionLimits.DEFAULTS, REQUEST, null, () -> false));
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(cacheRoot)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static CallResult check(CallResult r) {
        if (!r.succeeded()) {
            throw new IllegalStateException("the call failed: " + r);
        }
        return r;
    }

    private CompiledModule loadFromCache() {
        CompiledModule m = new WasmEngine(new CodeCache(cacheRoot), Wasm.MAX_MODULE_BYTES,
                Engine.CHICORY_COMPILER).load(bytes); // the cache holds Chicory's code
        if (!m.fromCache()) {
            throw new IllegalStateException("expected a code cache hit for " + module);
        }
        return m;
    }

    /** Reference point: Chicory's parse and validation alone, a part of both compile and cacheLoad. */
    @Benchmark
    public WasmModule parseOnly() {
        return Parser.parse(bytes);
    }

    @Benchmark
    public CompiledModule compile() {
        return new WasmEngine(null, Wasm.MAX_MODULE_BYTES, Engine.CHICORY_COMPILER).load(bytes);
    }

    @Benchmark
    public CompiledModule cacheLoad() {
        return loadFromCache();
    }

    @Benchmark
    public CallResult compileThenCall() {
        return check(Faaslet.callFresh(compile(), FunctionLimits.DEFAULTS, REQUEST, null, () -> false));
    }

    @Benchmark
    public CallResult cacheLoadThenCall() {
        return check(Faaslet.callFresh(loadFromCache(), FunctionLimits.DEFAULTS, REQUEST, null, () -> false));
    }
}
