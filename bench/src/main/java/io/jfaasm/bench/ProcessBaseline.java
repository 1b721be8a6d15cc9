package io.jfaasm.bench;

import io.jfaasm.experiments.os.Posix;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not JMH: the container-like baseline of the Proto-Faaslet benchmarks, a new OS process per call.
 *
 * <ol>
 *   <li><b>native</b>: {@code examples/noop.c} compiled with {@code gcc -O2} (it is
 *       {@code int main(void) { return 0; }}, the very function {@code noop.wasm} is built from;
 *       dynamically linked against glibc), started with {@code posix_spawn} (glibc: a vfork-style
 *       clone, then exec) and reaped with {@code wait4}, through FFM;
 *   <li><b>native, ProcessBuilder</b>: the same binary through {@code java.lang.ProcessBuilder}, which
 *       on Linux spawns the JDK's {@code jspawnhelper} that then execs the binary (two execs);
 *   <li><b>JVM</b>: a fresh JVM per call ({@code java -cp benchmarks.jar ... child}, the flags of
 *       {@code ./jfaasm}) that does what {@code jfaasm run noop.wasm} does: a {@code FaasletHost}
 *       with a code cache (warm: the warm-up runs fill it), {@code load} (compile or cache load,
 *       initialise into a Proto-Faaslet), one {@code call}, exit. Started and reaped like (1);
 *   <li><b>jfaasm run</b> (only with {@code cli=DIR}, DIR = a built {@code server/target}): the real
 *       command line, {@code java ... -cp jfaasm-server.jar:lib/* JfaasmCommand run noop.wasm}, which
 *       is what {@code ./jfaasm run} execs after its shell checks.
 * </ol>
 *
 * <p>Per call: wall time from spawn to reaped exit; the child's CPU time (user + system, from
 * {@code wait4}'s rusage: the child's own, all its threads, exact to the microsecond; for
 * ProcessBuilder, the {@code getrusage(RUSAGE_CHILDREN)} delta, which the JDK's reaper updates before
 * {@code waitFor} returns); and the spawning thread's own CPU time. Not the child's peak RSS: a child
 * spawned vfork-style reports the JVM's RSS as its own peak (it ran in the JVM's address space until
 * exec), so memory is measured on idle instances instead.
 *
 * <p>Idle instances: K processes started and left waiting (native: {@code bench/native/noop_idle},
 * which is noop that {@code pause()}s; JVM: the child above after its call, blocked on stdin), all
 * alive at once, then PSS, RSS and page tables of each from {@code /proc/PID/smaps_rollup} and
 * {@code /proc/PID/status}. Capacity in 8 GiB is extrapolated from the per-instance PSS.
 *
 * <pre>
 * bench/native/build.sh
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.jfaasm.bench.ProcessBaseline \
 *      [native=bench/native/build] [nativeCalls=200] [jvmCalls=20] [idleNative=200] [idleJvm=3] \
 *      [cli=server/target] [module=noop]
 * </pre>
 */
public final class ProcessBaseline {
    private static final long GIB8_KB = 8L * 1024 * 1024;
    private static final List<String> JVM_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods", "-Xss16m");

    private ProcessBaseline() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            System.exit(child(args[1], Path.of(args[2]), args.length > 3 && args[3].equals("idle")));
        }
        Map<String, String> opt = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opt.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path nativeDir = Path.of(opt.getOrDefault("native", "bench/native/build")).toAbsolutePath();
        int nativeCalls = Integer.parseInt(opt.getOrDefault("nativeCalls", "200"));
        int jvmCalls = Integer.parseInt(opt.getOrDefault("jvmCalls", "20"));
        int idleNative = Integer.parseInt(opt.getOrDefault("idleNative", "200"));
        int idleJvm = Integer.parseInt(opt.getOrDefault("idleJvm", "3"));
        String module = opt.getOrDefault("module", "noop");
        Path noop = nativeDir.resolve("noop");
        Path noopIdle = nativeDir.resolve("noop_idle");
        if (!Files.isExecutable(noop) || !Files.isExecutable(noopIdle)) {
            throw new IllegalStateException("no " + noop + " / " + noopIdle + ": run bench/native/build.sh");
        }
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        String jar = new File(ProcessBaseline.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
        Path cache = Files.createTempDirectory("jfaasm-baseline-cache");
        try {
            run(opt, java, jar, cache, module, noop, noopIdle, nativeCalls, jvmCalls, idleNative, idleJvm);
        } finally {
            try (var files = Files.walk(cache)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void run(Map<String, String> opt, String java, String jar, Path cache, String module, Path noop,
            Path noopIdle, int nativeCalls, int jvmCalls, int idleNative, int idleJvm) throws Exception {
        List<String> jvmChild = new ArrayList<>(List.of(java));
        jvmChild.addAll(JVM_FLAGS);
        jvmChild.addAll(List.of("-cp", jar, ProcessBaseline.class.getName(), "child", module, cache.toString()));

        System.out.printf("ProcessBaseline: %d cores, load %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readAllLines(Path.of("/proc/loadavg")).get(0), System.getProperty("java.version"));
        System.out.println("per call: wall = spawn to reaped exit; child CPU = user+sys of the child;"
                + " spawner CPU = the spawning thread's own CPU time");
        header();
        perCall("native noop, posix_spawn+wait4", List.of(noop.toString()), nativeCalls, 20);
        perCallProcessBuilder("native noop, ProcessBuilder", List.of(noop.toString()), nativeCalls, 20);
        perCall("JVM per call (FaasletHost load+call)", jvmChild, jvmCalls, 2);
        if (opt.containsKey("cli")) {
            Path dir = Path.of(opt.get("cli")).toAbsolutePath();
            Path wasm = cache.resolve(module + ".wasm");
            Files.write(wasm, Modules.bytes(module));
            List<String> cli = new ArrayList<>(List.of(java));
            cli.addAll(JVM_FLAGS);
            cli.addAll(List.of("-cp", dir.resolve("jfaasm-server.jar") + File.pathSeparator + dir.resolve("lib") + "/*",
                    "io.jfaasm.server.cli.JfaasmCommand", "run", "--cache-dir", cache.toString(), wasm.toString()));
            perCall("jfaasm run (server CLI) per call", cli, jvmCalls, 2);
        }

        System.out.println();
        System.out.println("idle instances, all alive at once (KiB per instance; capacity in 8 GiB extrapolated"
                + " from the per-instance PSS, without and with page tables):");
        System.out.printf("  %-40s %6s %10s %10s %10s %12s %12s%n", "", "K", "PSS", "RSS", "PageTables",
                "8GiB/PSS", "8GiB/(PSS+PT)");
        idleNative(noopIdle, idleNative);
        List<String> jvmIdle = new ArrayList<>(jvmChild);
        jvmIdle.add("idle");
        idleJvm(jvmIdle, idleJvm);
        System.out.println("pid_max " + Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0)
                + " caps processes per host whatever their memory (kernel.pid_max raises it, to 4194304)");
    }

    // ---- per call ------------------------------------------------------------------------------

    private static void header() {
        System.out.printf("  %-40s %5s | %9s %9s | %9s %9s | %9s%n", "", "N", "wall p50", "p99",
                "CPU p50", "p99", "spawner");
        System.out.printf("  %-40s %5s | %9s %9s | %9s %9s | %9s%n", "", "", "ms", "ms", "ms", "ms", "ms/call");
    }

    private static void perCall(String what, List<String> argv, int n, int warmup) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, String> env = System.getenv();
        long[] wall = new long[n];
        long[] cpu = new long[n];
        long spawner = 0;
        for (int i = -warmup; i < n; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            long s = System.nanoTime();
            int pid = Posix.spawn(argv, env);
            Posix.Exit exit = Posix.await(pid);
            long w = System.nanoTime() - s;
            long t1 = threads.getCurrentThreadCpuTime();
            if (exit.status() != 0) {
                throw new IllegalStateException(what + ": child exited with status " + exit.status());
            }
            if (i >= 0) {
                wall[i] = w;
                cpu[i] = exit.usage().cpuNanos();
                spawner += t1 - t0;
            }
        }
        row(what, n, wall, cpu, spawner);
    }

    private static void perCallProcessBuilder(String what, List<String> argv, int n, int warmup)
            throws IOException, InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long[] wall = new long[n];
        long[] cpu = new long[n];
        long spawner = 0;
        for (int i = -warmup; i < n; i++) {
            Posix.Usage u0 = Posix.rusage(Posix.RUSAGE_CHILDREN);
            long t0 = threads.getCurrentThreadCpuTime();
            long s = System.nanoTime();
            int rc = pb.start().waitFor();
            long w = System.nanoTime() - s;
            long t1 = threads.getCurrentThreadCpuTime();
            Posix.Usage u = Posix.rusage(Posix.RUSAGE_CHILDREN);
            if (rc != 0) {
                throw new IllegalStateException(what + ": exit " + rc);
            }
            if (i >= 0) {
                wall[i] = w;
                cpu[i] = u.minus(u0).cpuNanos();
                spawner += t1 - t0;
            }
        }
        row(what, n, wall, cpu, spawner);
    }

    private static void row(String what, int n, long[] wall, long[] cpu, long spawner) {
        double[] w = Posix.medianP99(wall);
        double[] c = Posix.medianP99(cpu);
        System.out.printf("  %-40s %5d | %9.3f %9.3f | %9.3f %9.3f | %9.3f%n", what, n, w[0] / 1e6,
                w[1] / 1e6, c[0] / 1e6, c[1] / 1e6, spawner / 1e6 / n);
    }

    // ---- idle instances ------------------------------------------------------------------------

    private static void idleNative(Path binary, int k) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(binary.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        List<Process> ps = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                ps.add(pb.start());
            }
            String name = binary.getFileName().toString();
            for (Process p : ps) { // wait until each has exec'd and sleeps in pause()
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (true) {
                    String[] st = Posix.stateAndName(p.pid());
                    if (st != null && st[0].equals("S") && st[1].equals(name)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("idle child " + p.pid() + " not ready: "
                                + (st == null ? "gone" : String.join(" ", st)));
                    }
                    Thread.sleep(1);
                }
            }
            idleRow("native noop (idle in pause())", ps);
        } finally {
            ps.forEach(Process::destroyForcibly);
            for (Process p : ps) {
                p.waitFor();
            }
        }
    }

    private static void idleJvm(List<String> argv, int k) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        List<Process> ps = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                ps.add(pb.start());
            }
            for (Process p : ps) {
                String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException("JVM child said " + line);
                }
            }
            Thread.sleep(500);
            idleRow("JVM after load+call (idle on stdin)", ps);
        } finally {
            for (Process p : ps) {
                p.getOutputStream().close(); // EOF: the child exits
            }
            for (Process p : ps) {
                p.waitFor();
            }
        }
    }

    private static void idleRow(String what, List<Process> ps) {
        long pss = 0;
        long rss = 0;
        long pte = 0;
        for (Process p : ps) {
            Posix.Mem m = Posix.mem(p.pid());
            pss += m.pssKb();
            rss += m.rssKb();
            pte += m.pteKb();
        }
        int k = ps.size();
        System.out.printf("  %-40s %6d %10.0f %10.0f %10.0f %12.0f %12.0f%n", what, k, (double) pss / k,
                (double) rss / k, (double) pte / k, GIB8_KB / ((double) pss / k), GIB8_KB / ((double) (pss + pte) / k));
    }

    // ---- the JVM child ---------------------------------------------------------------------------

    /** What {@code jfaasm run MODULE} does, without the command line around it. */
    private static int child(String module, Path cache, boolean idle) throws IOException {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withCodeCacheDir(cache))) {
            CompiledModule m = host.load(Modules.bytes(module));
            CallResult r = host.call(m, CallRequest.of(new byte[0]).withArgs(List.of(module + ".wasm"))
                    .withSinks(System.out, System.err), FunctionLimits.DEFAULTS);
            if (idle) {
                System.out.println("ready");
                System.out.flush();
                while (System.in.read() != -1) {
                    // wait for EOF
                }
            }
            return r.failed() ? 134 : r.returnCode();
        }
    }
}
