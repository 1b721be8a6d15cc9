package io.jfaasm.bench;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.compiler.JfaasmCode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compile time of JFaasm's tier against Chicory's compiler, on the same parsed modules, in one
 * JVM, alternating, after a warm-up round: the median CPU time of the compiling thread per module
 * and per MB of wasm. Both compile every function eagerly (Chicory's {@code compile()} generates
 * and loads all its classes; the tier generates and defines its classes).
 *
 * <pre>java -Xss64m -cp bench/target/benchmarks.jar io.jfaasm.bench.TierCompileTime ROUNDS MODULE.wasm...</pre>
 */
public final class TierCompileTime {
    private TierCompileTime() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.println("| module | MB | functions | jfaasm ms | chicory ms | jfaasm ms/MB | chicory ms/MB | chicory/jfaasm |");
        System.out.println("|---|--:|--:|--:|--:|--:|--:|--:|");
        for (int a = 1; a < args.length; a++) {
            Path file = Path.of(args[a]);
            byte[] bytes = Files.readAllBytes(file);
            WasmModule module = Parser.parse(bytes);
            long[] tier = new long[rounds];
            long[] chicory = new long[rounds];
            int functions = module.functionSection().functionCount();
            for (int r = -1; r < rounds; r++) { // round -1 warms both compilers up
                long t0 = cpu.getCurrentThreadCpuTime();
                JfaasmCode code = JfaasmCode.compile(module, null);
                long t1 = cpu.getCurrentThreadCpuTime();
                MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.SILENT).compile();
                long t2 = cpu.getCurrentThreadCpuTime();
                if (r >= 0) {
                    tier[r] = t1 - t0;
                    chicory[r] = t2 - t1;
                }
                if (code.compiledFunctions() == 0) {
                    throw new IllegalStateException(file + ": the tier compiled nothing");
                }
            }
            double mb = bytes.length / 1e6;
            double t = median(tier) / 1e6;
            double c = median(chicory) / 1e6;
            System.out.printf("| %s | %.2f | %d | %.0f | %.0f | %.0f | %.0f | %.2f |%n", file.getFileName(), mb,
                    functions, t, c, t / mb, c / mb, c / t);
        }
    }

    private static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
