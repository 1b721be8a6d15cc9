package io.jfaasm.bench;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
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
 * A no-op call end to end, in process: Faaslet creation, running the entry point, close, result.
 *
 * <ul>
 *   <li>{@code direct*}: {@link Faaslet#call} on the benchmark thread itself;
 *   <li>{@code host*}: {@link FaasletHost#call}, which adds the hand-off to a call thread (a cached
 *       pool with 16 MiB stacks), the deadline watchdog (schedule + cancel) and the wait for the
 *       result on the caller.
 * </ul>
 * Each runs with 1 and with 2 benchmark threads: {@code latency*} in SampleTime (us per call,
 * percentiles: read p0.50) and {@code throughput*} in Throughput (calls/s, all threads together).
 * Every call's result is checked: a failed call would be a fast, wrong number.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods"})
public class NoopCallBenchmark {
    private static final CallRequest REQUEST = CallRequest.of(new byte[0]);
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS;

    @State(Scope.Benchmark)
    public static class Host {
        @Param({"noop", "noop_faasm"})
        public String module;

        FaasletHost host;
        CompiledModule compiled;

        @Setup(Level.Trial)
        public void setup() {
            host = FaasletHost.create(FaasletHost.Config.defaults());
            compiled = host.load(Wasm.bytes(module));
            check(host.call(compiled, REQUEST, LIMITS));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            host.close();
        }
    }

    static CallResult check(CallResult r) {
        if (r.failure() != null || r.returnCode() != 0) {
            throw new IllegalStateException("the no-op call failed: " + r);
        }
        return r;
    }

    private static CallResult direct(Host s) {
        return check(Faaslet.callFresh(s.compiled, LIMITS, REQUEST, null, () -> false));
    }

    private static CallResult viaHost(Host s) {
        return check(s.host.call(s.compiled, REQUEST, LIMITS));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public CallResult latencyDirect1T(Host s) {
        return direct(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public CallResult latencyDirect2T(Host s) {
        return direct(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public CallResult latencyHost1T(Host s) {
        return viaHost(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public CallResult latencyHost2T(Host s) {
        return viaHost(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public CallResult throughputDirect1T(Host s) {
        return direct(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public CallResult throughputDirect2T(Host s) {
        return direct(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(1)
    public CallResult throughputHost1T(Host s) {
        return viaHost(s);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public CallResult throughputHost2T(Host s) {
        return viaHost(s);
    }
}
