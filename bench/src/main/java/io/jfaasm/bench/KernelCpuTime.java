package io.jfaasm.bench;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.Engine;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a bench kernel (bench/kernels) like {@code jfaasm run}, except that the kernel's clock
 * ({@code clock_time_get}) reads the CPU time of the thread running the guest instead of the wall
 * clock: on a machine shared with other work, its ns lines then measure the guest's own work (JIT
 * compiler threads excluded), not its share of the CPUs. Pair with bench/kernels/cputime.c
 * (LD_PRELOAD) for native.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods -Xss16m \
 *   -cp bench/target/benchmarks.jar io.jfaasm.bench.KernelCpuTime ENGINE KERNEL.wasm REPS</pre>
 */
public final class KernelCpuTime {
    private KernelCpuTime() {}

    /** (clock id, precision, result pointer) -> errno */
    private static final FunctionType CLOCK_TIME_GET =
            FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I32), List.of(ValType.I32));

    public static void main(String[] args) throws Exception {
        Engine engine = Engine.parse(args[0]);
        byte[] bytes = Files.readAllBytes(Path.of(args[1]));
        CompiledModule module = new WasmEngine(null, Wasm.MAX_MODULE_BYTES, engine).load(bytes);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder()
                .withArguments(List.of(Path.of(args[1]).getFileName().toString(), args[2]))
                .withStdout(System.out).withStderr(System.err).build()).build();
        List<HostFunction> imports = new ArrayList<>();
        for (HostFunction h : wasi.toHostFunctions()) {
            if (h.name().equals("clock_time_get")) {
                imports.add(new HostFunction(h.module(), h.name(), CLOCK_TIME_GET, (inst, a) -> {
                    inst.memory().writeLong((int) a[2], cpu.getCurrentThreadCpuTime());
                    return new long[] {0};
                }));
            } else {
                imports.add(h);
            }
        }
        LinearMemory[] memory = new LinearMemory[1];
        Instance instance = Instance.builder(module.module())
                .withMachineFactory(module.machineFactory())
                .withMemoryFactory(l -> memory[0] = new LinearMemory(l.initialPages(), 32767))
                .withImportValues(ImportValues.builder().addFunction(imports.toArray(HostFunction[]::new)).build())
                .withStart(false)
                .build();
        int rc = 0;
        try {
            instance.export("_start").apply();
        } catch (WasiExitException e) {
            rc = e.exitCode();
        }
        System.out.flush();
        System.exit(rc);
    }
}
