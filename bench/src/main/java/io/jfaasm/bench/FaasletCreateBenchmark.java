package io.jfaasm.bench;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiPreview1;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.CallContext;
import io.jfaasm.runtime.host.FaasmAbi;
import io.jfaasm.runtime.host.OutputCapture;
import io.jfaasm.runtime.host.WasiImports;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Creating a Faaslet from an already compiled module: {@code Faaslet.fresh(...)} then {@code close()},
 * nothing run. The target is at most 100 us (the Faasm paper: 5.2 ms for a Faaslet).
 *
 * <p>{@link #faaslet} is the headline number. The {@code part*} benchmarks time the pieces of it
 * separately, to show what dominates:
 * <ul>
 *   <li>{@link #partWasi}: the call's WASI (options, stdout/stderr captures) and its host functions;
 *   <li>{@link #partLinearMemory}: the mmap reservation of the function's memory limit and munmap;
 *   <li>{@link #partInstantiate}: Chicory's {@code Instance.build()} with ready import values, i.e.
 *       import linking, memory with data segments, globals, tables, and the compiled machine.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods"})
@State(Scope.Thread)
public class FaasletCreateBenchmark {
    private static final CallRequest REQUEST = CallRequest.of(new byte[0]);
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS;

    @Param({"noop", "noop_faasm"})
    public String module;

    private CompiledModule compiled;
    private ImportValues imports;
    private int maxPages;

    @Setup
    public void setup() {
        compiled = Wasm.compile(module);
        // import values built once, as Faaslet builds them per call, for partInstantiate
        CallContext context = new CallContext(new byte[0], 0, java.util.Map.of(), LIMITS.maxOutputBytes(), null, null, null);
        WasiPreview1 wasi = WasiImports.forCall(REQUEST.args(), REQUEST.env(), REQUEST.mounts(),
                new OutputCapture(LIMITS.maxLogBytes(), null), new OutputCapture(LIMITS.maxLogBytes(), null));
        imports = ImportValues.builder()
                .addFunction(FaasmAbi.hostFunctions(() -> context).toArray(new HostFunction[0]))
                .addFunction(wasi.toHostFunctions())
                .build();
        maxPages = Math.min(LIMITS.maxPages(), compiled.maximumPages());
    }

    @Benchmark
    public Instance faaslet() {
        try (Faaslet f = Faaslet.fresh(compiled, LIMITS)) {
            return f.instance();
        }
    }

    @Benchmark
    public HostFunction[] partWasi() {
        OutputCapture out = new OutputCapture(LIMITS.maxLogBytes(), null);
        OutputCapture err = new OutputCapture(LIMITS.maxLogBytes(), null);
        try (WasiPreview1 wasi = WasiImports.forCall(REQUEST.args(), REQUEST.env(), REQUEST.mounts(), out, err)) {
            return wasi.toHostFunctions();
        }
    }

    @Benchmark
    public long partLinearMemory() {
        try (LinearMemory m = new LinearMemory(compiled.initialPages(), maxPages)) {
            return m.baseAddress();
        }
    }

    @Benchmark
    public Instance partInstantiate() {
        LinearMemory[] memory = new LinearMemory[1];
        try {
            return Instance.builder(compiled.module())
                    .withMachineFactory(compiled.machineFactory())
                    .withMemoryFactory(limits -> memory[0] = new LinearMemory(limits.initialPages(), maxPages))
                    .withImportValues(imports)
                    .withStart(false)
                    .build();
        } finally {
            if (memory[0] != null) {
                memory[0].close();
            }
        }
    }
}
