package io.jfaasm.bench;

import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiPreview1;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.CallContext;
import io.jfaasm.runtime.host.FaasmAbi;
import io.jfaasm.runtime.host.OutputCapture;
import io.jfaasm.runtime.host.WasiImports;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.EntryPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Not a JMH benchmark: a timing split of one no-op call into its phases, to see what dominates.
 * It repeats, step by step, what {@code Faaslet}'s constructor, {@code run()} and {@code close()}
 * do (as of this writing), timing each step with {@code System.nanoTime()}, and prints the median
 * and mean of each phase, next to whole {@code Faaslet.call} and {@code FaasletHost.call} calls
 * and the minor page faults per call.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.CallBreakdown [module] [calls]
 * </pre>
 */
public final class CallBreakdown {
    private static final String[] PHASES = {
        "1 WASI (options, captures, WasiPreview1)",
        "2a Faasm ABI host functions (30, bound to the call)",
        "2b WASI host functions (toHostFunctions)",
        "2c ImportValues.build",
        "3 LinearMemory (mmap reservation)",
        "4 Instance.build (rest: linking, globals, machine)",
        "5 run (entry point)",
        "6a WASI close",
        "6b LinearMemory close (munmap)",
    };

    private CallBreakdown() {}

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "noop";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        CompiledModule module = Wasm.compile(name);
        FunctionLimits limits = FunctionLimits.DEFAULTS;
        CallRequest request = CallRequest.of(new byte[0]);

        long[][] t = new long[PHASES.length][calls];
        split(module, limits, request, t, calls); // warmup: JIT
        long faults0 = minorFaults();
        split(module, limits, request, t, calls);
        long faults = minorFaults() - faults0;

        System.out.printf("module %s, %d calls, phases of a Faaslet call (us):%n", name, calls);
        long[] total = new long[calls];
        for (int p = 0; p < PHASES.length; p++) {
            for (int i = 0; i < calls; i++) {
                total[i] += t[p][i];
            }
            print(PHASES[p], t[p]);
        }
        print("sum of phases", total);
        System.out.printf("minor page faults per call (whole process): %.2f%n", (double) faults / calls);

        long[] whole = new long[calls];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < calls; i++) {
                long s = System.nanoTime();
                Faaslet.callFresh(module, limits, request, null, () -> false);
                whole[i] = System.nanoTime() - s;
            }
        }
        print("Faaslet.call (same thread)", whole);
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            CompiledModule m = host.load(Wasm.bytes(name));
            int hostCalls = Math.min(calls, 50_000);
            long[] viaHost = new long[hostCalls];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < hostCalls; i++) {
                    long s = System.nanoTime();
                    host.call(m, request, limits);
                    viaHost[i] = System.nanoTime() - s;
                }
            }
            print("FaasletHost.call", viaHost);
        }
    }

    private static void split(CompiledModule module, FunctionLimits limits, CallRequest request,
            long[][] t, int calls) {
        LinearMemory[] memory = new LinearMemory[1];
        long[] mmapNanos = new long[1];
        int maxPages = Math.min(limits.maxPages(), module.maximumPages());
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            CallContext context = new CallContext(request.input(), request.index(), request.confFlags(),
                    limits.maxOutputBytes(), null, null, null);
            OutputCapture out = new OutputCapture(limits.maxLogBytes(), request.stdoutSink());
            OutputCapture err = new OutputCapture(limits.maxLogBytes(), request.stderrSink());
            WasiPreview1 wasi = WasiImports.forCall(request.args(), request.env(), request.mounts(), out, err);
            long t1 = System.nanoTime();
            HostFunction[] faasm = FaasmAbi.hostFunctions(() -> context).toArray(new HostFunction[0]);
            long t1a = System.nanoTime();
            HostFunction[] wasiFunctions = wasi.toHostFunctions();
            long t1b = System.nanoTime();
            ImportValues imports = ImportValues.builder()
                    .addFunction(faasm)
                    .addFunction(wasiFunctions)
                    .build();
            long t2 = System.nanoTime();
            Instance instance = Instance.builder(module.module())
                    .withMachineFactory(module.machineFactory())
                    .withMemoryFactory(l -> {
                        long m0 = System.nanoTime();
                        memory[0] = new LinearMemory(l.initialPages(), maxPages);
                        mmapNanos[0] = System.nanoTime() - m0;
                        return memory[0];
                    })
                    .withImportValues(imports)
                    .withStart(false)
                    .build();
            long t3 = System.nanoTime();
            try {
                if (module.entryPoint() == EntryPoint.FAASM_MAIN) {
                    if (module.hasInitialize()) {
                        instance.export("_initialize").apply();
                    }
                    instance.export(EntryPoint.FAASM_MAIN.exportName()).apply();
                } else {
                    instance.export(EntryPoint.COMMAND.exportName()).apply();
                }
            } catch (ExecutionCompletedException e) {
                // proc_exit(0)
            }
            long t4 = System.nanoTime();
            wasi.close();
            long t4a = System.nanoTime();
            memory[0].close();
            long t5 = System.nanoTime();
            t[0][i] = t1 - t0;
            t[1][i] = t1a - t1;
            t[2][i] = t1b - t1a;
            t[3][i] = t2 - t1b;
            t[4][i] = mmapNanos[0];
            t[5][i] = t3 - t2 - mmapNanos[0];
            t[6][i] = t4 - t3;
            t[7][i] = t4a - t4;
            t[8][i] = t5 - t4a;
        }
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0);
        System.out.printf("  %-52s median %8.2f   mean %8.2f   p99 %8.2f%n", what,
                sorted[sorted.length / 2] / 1e3, mean / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
    }

    /** minflt of this process, from /proc/self/stat (Linux); -1 elsewhere. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]); // field 10 of stat(5); f[0] is field 3
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
