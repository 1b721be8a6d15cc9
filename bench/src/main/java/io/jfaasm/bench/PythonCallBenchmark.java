package io.jfaasm.bench;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Python call (examples/python/hello.py: reads the input, prints a line, sets the output; or
 * noop.py, an empty main)
 * from its Proto-Faaslet, through {@link FaasletHost#call}: restore of the zygote's snapshot, the
 * interpreter entered at the function, the Faasm API over /faasm/api, reset. Setup compiles the
 * interpreter (or loads it from the code cache next to it) and runs the zygote once.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods"})
public class PythonCallBenchmark {
    private static final CallRequest REQUEST = CallRequest.of("world".getBytes())
            .withSinks(OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS;

    @State(Scope.Benchmark)
    public static class Host {
        /** examples/python/NAME.py: hello (input, a print, output) or noop (the call alone). */
        @Param({"hello", "noop"})
        public String function;

        FaasletHost host;
        CompiledModule compiled;

        @Setup(Level.Trial)
        public void setup() {
            if (!PythonRuntime.available()) {
                throw new IllegalStateException("no Python interpreter at " + PythonRuntime.location()
                        + ": run sdk/python/fetch-python.sh");
            }
            host = FaasletHost.create(FaasletHost.Config.defaults()
                    .withCodeCacheDir(PythonRuntime.location().resolveSibling("code-cache")));
            long t0 = System.nanoTime();
            compiled = host.load(PythonPackage.of(source(function)));
            System.err.printf("interpreter loaded and zygote run in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            check(host.call(compiled, REQUEST, LIMITS), function);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            host.close();
        }
    }

    private static byte[] source(String function) {
        try (InputStream in = PythonCallBenchmark.class.getResourceAsStream("/wasm/python/" + function + ".py")) {
            if (in == null) {
                throw new IllegalStateException("no python/" + function + ".py in the benchmarks jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CallResult check(CallResult r, String function) {
        String expected = function.equals("hello") ? "Hello world" : "";
        if (r.failure() != null || r.returnCode() != 0 || !new String(r.output()).equals(expected)) {
            throw new IllegalStateException("the Python hello call failed: " + r);
        }
        return r;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public CallResult latencyHost1T(Host s) {
        return check(s.host.call(s.compiled, REQUEST, LIMITS), s.function);
    }
}
