package io.jfaasm.bench;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.util.concurrent.TimeUnit;
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
 * Memory-bound wasm loops (bench/modules/src/memkernel.c, over a 16 MiB buffer) run with JFaasm's
 * {@link LinearMemory} (FFM over an mmap reservation; what every Faaslet uses) against Chicory's
 * own {@link ByteArrayMemory} (pages of byte[]), with the same compiled machine factory: the only
 * difference is the {@code Memory} object behind the compiled code's loads and stores.
 *
 * <p>JMH runs each {@code memory} parameter in a JVM of its own, so the compiled code's calls to
 * {@code Memory} only ever see one implementation (monomorphic, as in production).
 * The kernels (one op = one pass over the 16 MiB buffer, except chase):
 * <ul>
 *   <li>{@code sumI32}: sequential i32 loads;
 *   <li>{@code rmwI64}: sequential i64 load + store;
 *   <li>{@code histogram}: one byte load per word, then an i32 load + store into a 1 KiB table;
 *   <li>{@code chase}: 4 Mi dependent loads at pseudo-random addresses within 256 KiB: cache-resident
 *       on purpose, so it measures the latency of the load path (bounds check, address, load) and
 *       not the machine's DRAM and TLB misses, which swamp any difference (and vary run to run).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods"})
@State(Scope.Thread)
public class MemoryAccessBenchmark {
    private static final int CHASE_STEPS = 4 << 20;

    @Param({"linear", "bytearray"})
    public String memory;

    private LinearMemory linear;
    private ExportFunction sumI32;
    private ExportFunction rmwI64;
    private ExportFunction histogram;
    private ExportFunction chase;

    @Setup
    public void setup() {
        CompiledModule compiled = Wasm.compile("memkernel");
        int maxPages = Math.min(FunctionLimits.DEFAULTS.maxPages(), compiled.maximumPages());
        Instance.Builder builder = Instance.builder(compiled.module())
                .withMachineFactory(compiled.machineFactory());
        builder = switch (memory) {
            case "linear" -> builder.withMemoryFactory(limits -> linear = new LinearMemory(limits.initialPages(), maxPages));
            case "bytearray" -> builder.withMemoryFactory(ByteArrayMemory::new);
            default -> throw new IllegalArgumentException("memory must be linear or bytearray: " + memory);
        };
        Instance instance = builder.build();
        Memory m = instance.memory();
        if (memory.equals("linear") != (m instanceof LinearMemory)) {
            throw new IllegalStateException("instance has the wrong memory: " + m.getClass());
        }
        instance.export("_initialize").apply();
        instance.export("fill").apply(12345);
        sumI32 = instance.export("sum_i32");
        rmwI64 = instance.export("rmw_i64");
        histogram = instance.export("histogram");
        chase = instance.export("chase");
    }

    @TearDown
    public void tearDown() {
        if (linear != null) {
            linear.close();
        }
    }

    @Benchmark
    public long sumI32() {
        return sumI32.apply()[0];
    }

    @Benchmark
    public long rmwI64() {
        return rmwI64.apply()[0];
    }

    @Benchmark
    public long histogram() {
        return histogram.apply()[0];
    }

    @Benchmark
    public long chase() {
        return chase.apply(CHASE_STEPS)[0];
    }
}
