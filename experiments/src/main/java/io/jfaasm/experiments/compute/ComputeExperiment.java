package io.jfaasm.experiments.compute;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.stats.Sample;
import io.jfaasm.experiments.wasm.Resources;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compute-bound code: the C kernels of bench/kernels, each built natively ({@code gcc -O2}, here,
 * from the sources packed in the jar) and to wasm ({@code clang -O2 --target=wasm32-wasi}, the
 * committed modules), run natively, under Node's V8 and in a JFaasm Faaslet (in this process). The
 * same flags as {@code bench/kernels/compare.sh}; every engine must print the same checksum. A
 * missing {@code gcc} or {@code node} drops that column with a note.
 */
public final class ComputeExperiment implements Experiment {
    /** The kernels of bench/kernels/src (packed under /experiments/kernels/). */
    static final List<String> KERNELS =
            List.of("2mm", "floyd-warshall", "gemm", "jacobi-2d", "lu", "nbody", "spmv", "xxhash");
    private static final List<String> NATIVE_FLAGS = List.of("-O2", "-fno-math-errno", "-std=c11");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    record Plan(List<String> kernels, int reps) {
        static Plan of(boolean quick) {
            return quick ? new Plan(List.of("xxhash", "spmv"), 3) : new Plan(KERNELS, 10);
        }
    }

    private final Plan fixedPlan;

    public ComputeExperiment() {
        this(null);
    }

    ComputeExperiment(Plan plan) {
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "compute";
    }

    @Override
    public String summary() {
        return "C kernels (PolyBench, nbody, spmv, xxhash): JFaasm vs native gcc -O2 vs Node";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        Plan plan = fixedPlan != null ? fixedPlan : Plan.of(ctx.quick());
        Path work = ctx.workDir();
        Path dir = work.resolve("kernels");
        Resources.extract("kernels/src/bench.h", work);
        Resources.extract("kernels/run-node.mjs", work);
        boolean gcc = onPath("gcc");
        boolean node = onPath("node");
        Report report = new Report(name())
                .parameter("kernels", plan.kernels())
                .parameter("repetitions", plan.reps())
                .parameter("native", gcc ? "gcc " + String.join(" ", NATIVE_FLAGS) + " (" + version("gcc") + ")" : "n/a")
                .parameter("node", node ? version("node") : "n/a")
                .parameter("wasm", "clang -O2 --target=wasm32-wasi, committed bench/kernels/wasm");
        if (!gcc) {
            report.note("gcc not found: no native column, so no ratios to native");
        }
        if (!node) {
            report.note("node not found: no Node column");
        }

        Map<String, Map<String, KernelRun>> runs = new LinkedHashMap<>(); // engine -> kernel -> run
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            ctx.progress().phase("kernels", (long) plan.kernels().size() * (1 + (gcc ? 1 : 0) + (node ? 1 : 0)));
            for (String k : plan.kernels()) {
                Path wasm = Resources.extract("kernels/wasm/" + k + ".wasm", work);
                if (gcc) {
                    Path src = Resources.extract("kernels/src/" + k + ".c", work);
                    Path bin = dir.resolve("native").resolve(k);
                    Files.createDirectories(bin.getParent());
                    List<String> cc = new ArrayList<>(List.of("gcc"));
                    cc.addAll(NATIVE_FLAGS);
                    cc.addAll(List.of("-o", bin.toString(), src.toString(), "-lm"));
                    exec(cc, dir);
                    runs.computeIfAbsent("native", e -> new LinkedHashMap<>())
                            .put(k, KernelRun.parse("native", k, exec(List.of(bin.toString(), "" + plan.reps()), dir)));
                    ctx.progress().advance(1);
                }
                if (node) {
                    String out = exec(List.of("node", "--no-warnings", dir.resolve("run-node.mjs").toString(),
                            wasm.toString(), "" + plan.reps()), dir);
                    runs.computeIfAbsent("node", e -> new LinkedHashMap<>()).put(k, KernelRun.parse("node", k, out));
                    ctx.progress().advance(1);
                }
                runs.computeIfAbsent("jfaasm", e -> new LinkedHashMap<>())
                        .put(k, jfaasm(host, Files.readAllBytes(wasm), k, plan.reps()));
                ctx.progress().advance(1);
            }
        }

        for (var e : runs.entrySet()) {
            for (var k : e.getValue().entrySet()) {
                Map<String, Object> at = Map.of("kernel", k.getKey());
                report.add("time_steady", e.getKey(), at, k.getValue().steadyMillis(), "ms");
                report.add("time_first_rep", e.getKey(), at, k.getValue().firstMillis(), "ms");
            }
        }
        for (String k : plan.kernels()) {
            var sums = runs.values().stream().map(r -> r.get(k).checksum()).distinct().toList();
            if (sums.size() != 1) {
                report.note("checksum MISMATCH for " + k + ": " + sums + " (a correctness bug, not a timing)");
            }
        }
        ratios(report, runs, "jfaasm", "native", plan.kernels());
        ratios(report, runs, "node", "native", plan.kernels());
        ratios(report, runs, "jfaasm", "node", plan.kernels());
        report.note("steady = median of the last half of the repetitions in one process; each process times its "
                + "own repetitions (module compilation and start-up excluded); JFaasm runs in this JVM");
        return report;
    }

    /** engine/base per kernel and their geometric mean, as measurements and as one bar series. */
    private static void ratios(Report report, Map<String, Map<String, KernelRun>> runs, String engine, String base,
            List<String> kernels) {
        if (!runs.containsKey(engine) || !runs.containsKey(base)) {
            return;
        }
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String k : kernels) {
            double r = runs.get(engine).get(k).steadyMillis() / runs.get(base).get(k).steadyMillis();
            report.add("time_ratio", engine + "/" + base, Map.of("kernel", k), r, "x");
            labels.add(k);
            values.add(r);
        }
        double geomean = Sample.geomean(values);
        report.add("time_ratio_geomean", engine + "/" + base, Map.of(), geomean, "x");
        labels.add("geomean");
        values.add(geomean);
        if (base.equals("native")) {
            report.add(Series.bars("time-vs-native", engine, "kernel", "steady time / native (x)", labels, values));
        }
    }

    private static KernelRun jfaasm(FaasletHost host, byte[] wasm, String kernel, int reps) {
        CompiledModule m = host.load(wasm);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CallResult r = host.call(m, CallRequest.of(new byte[0]).withArgs(List.of(kernel, Integer.toString(reps)))
                .withSinks(out, OutputStream.nullOutputStream()), FunctionLimits.DEFAULTS.withTimeout(TIMEOUT));
        if (r.failed() || r.returnCode() != 0) {
            throw new IllegalStateException("jfaasm " + kernel + ": " + (r.failed() ? r.failure() : "rc " + r.returnCode()));
        }
        return KernelRun.parse("jfaasm", kernel, out.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command to completion; its stdout, or an exception with its stderr. */
    private static String exec(List<String> argv, Path dir) throws IOException, InterruptedException {
        Path err = Files.createTempFile("jfaasm-compute-", ".stderr");
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.getFirst() + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " exited " + p.exitValue() + ": " + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static String version(String tool) {
        try {
            return exec(List.of(tool, "--version"), Path.of(System.getProperty("java.io.tmpdir"))).lines().findFirst().orElse("?").trim();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
