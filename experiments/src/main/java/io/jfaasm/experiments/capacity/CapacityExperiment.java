package io.jfaasm.experiments.capacity;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.os.Posix;
import io.jfaasm.experiments.process.JvmProcess;
import io.jfaasm.experiments.stats.Sample;
import io.jfaasm.experiments.wasm.Resources;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How many idle instances of a function fit in a memory budget. JFaasm: idle Faaslets of a no-op
 * function, restored from its Proto-Faaslet or created new, kept in this process; the marginal PSS
 * per Faaslet is the process's PSS growth over the Faaslets added. Baseline: idle JVM processes,
 * one per instance, each having loaded and called the same function (a warm container); their
 * PSS, each from {@code /proc/PID/smaps_rollup}. Capacity = budget / per-instance PSS.
 */
public final class CapacityExperiment implements Experiment {
    static final String NOOP = "examples/noop.wasm";
    static final long BUDGET_MIB = 8192;
    /** Small, so the address space reservations of 100,000s of Faaslets fit (nothing is touched). */
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS.withMaxMemoryBytes(16L << 20);
    private static final int BATCHES = 5;

    record Plan(int faaslets, int processes) {
        static Plan of(boolean quick) {
            return quick ? new Plan(5000, 2) : new Plan(30000, 4);
        }
    }

    private final Plan fixedPlan;

    public CapacityExperiment() {
        this(null);
    }

    CapacityExperiment(Plan plan) {
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public String summary() {
        return "idle instances in a memory budget: PSS per idle Faaslet vs a JVM process per function";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        Plan plan = fixedPlan != null ? fixedPlan : Plan.of(ctx.quick());
        // readAllLines: Files.readString returned only the first byte of this procfs file on JDK 25
        long maxMapCount = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).getFirst().trim());
        // each restored Faaslet costs 2 mappings; stay clear of the kernel's per-process limit
        int n = (int) Math.min(plan.faaslets(), (maxMapCount - Posix.mappings() - 5000) / 2);
        Report report = new Report(name())
                .parameter("function", NOOP)
                .parameter("faaslets", n)
                .parameter("processes", plan.processes())
                .parameter("budget_MiB", BUDGET_MIB)
                .parameter("faaslet_memory_limit_MiB", LIMITS.maxMemoryBytes() >> 20)
                .parameter("vm.max_map_count", maxMapCount);
        if (n < plan.faaslets()) {
            report.note("vm.max_map_count " + maxMapCount + " caps this process at " + n + " restored Faaslets");
        }
        CompiledModule noop = new WasmEngine(null, 64 * 1024 * 1024).load(Resources.bytes(NOOP));
        double restoredKib;
        try (ProtoFaaslet proto = ProtoFaaslet.capture(noop, LIMITS, () -> false)) {
            restoredKib = faaslets(ctx, report, "restored", () -> proto.restore(LIMITS), n);
        }
        double freshKib = faaslets(ctx, report, "new-faaslet", () -> Faaslet.fresh(noop, LIMITS), n);
        double processKib = processes(ctx, report, plan.processes());

        long budgetKib = BUDGET_MIB * 1024;
        report.add("capacity_in_budget", "restored", Map.of("budget_MiB", BUDGET_MIB),
                capacity(budgetKib, restoredKib, "restored", report), "instances");
        report.add("capacity_in_budget", "new-faaslet", Map.of("budget_MiB", BUDGET_MIB),
                capacity(budgetKib, freshKib, "new-faaslet", report), "instances");
        report.add("capacity_in_budget", "process-per-function", Map.of("budget_MiB", BUDGET_MIB),
                capacity(budgetKib, processKib, "process-per-function", report), "instances");
        List<String> systems = List.of("restored", "new-faaslet", "process-per-function");
        report.add(Series.bars("pss-per-idle-instance", "PSS per idle instance", "instance", "KiB", systems,
                List.of(restoredKib, freshKib, processKib)));
        report.add("pss_per_instance_ratio", "process-per-function/restored", Map.of(), processKib / restoredKib, "x");
        report.add("pss_per_instance_ratio", "process-per-function/new-faaslet", Map.of(), processKib / freshKib, "x");
        report.note("capacity = budget / marginal PSS per idle instance; the Faaslet host's own JVM (its fixed "
                + "PSS, in the table) comes on top once per host; restored Faaslets are further capped by "
                + "vm.max_map_count/2 per process (2 mappings each)");
        return report;
    }

    /** Keeps n idle Faaslets, measuring the process at each batch; returns the marginal KiB each. */
    private static double faaslets(ExperimentContext ctx, Report report, String system, Supplier<Faaslet> create,
            int n) throws InterruptedException {
        for (int i = 0; i < Math.min(2000, n); i++) {
            create.get().close(); // warm-up: JIT, and the heap's first growth
        }
        List<Faaslet> idle = new ArrayList<>(n);
        List<Double> counts = new ArrayList<>();
        List<Double> pssMib = new ArrayList<>();
        ctx.progress().phase("idle Faaslets, " + system, n);
        Posix.Mem base = settledMemory();
        counts.add(0.0);
        pssMib.add(base.pssKb() / 1024.0);
        Posix.Mem last = base;
        try {
            for (int b = 1; b <= BATCHES; b++) {
                int upTo = (int) ((long) n * b / BATCHES);
                while (idle.size() < upTo) {
                    idle.add(create.get());
                    ctx.progress().advance(1);
                }
                last = settledMemory();
                counts.add((double) idle.size());
                pssMib.add(last.pssKb() / 1024.0);
            }
        } finally {
            idle.forEach(Faaslet::close);
        }
        double kib = (double) (last.pssKb() - base.pssKb()) / n;
        Map<String, Object> at = Map.of("instances", n);
        report.add("pss_per_idle_instance", system, at, kib, "KiB");
        report.add("rss_per_idle_instance", system, at, (double) (last.rssKb() - base.rssKb()) / n, "KiB");
        report.add("page_tables_per_idle_instance", system, at, (double) (last.pteKb() - base.pteKb()) / n, "KiB");
        report.add("host_fixed_pss", system, Map.of(), base.pssKb() / 1024.0, "MiB");
        report.add(new Series("faaslet-host-pss", system, "idle Faaslets", "PSS of the host process (MiB)",
                counts, pssMib));
        return kib;
    }

    /** k idle JVMs, each after loading and calling the function; returns their median PSS in KiB (medians of all). */
    private static double processes(ExperimentContext ctx, Report report, int k) throws IOException,
            InterruptedException {
        List<String> argv = JvmProcess.argv("idle", NOOP, ctx.workDir().resolve("code-cache"));
        ctx.progress().phase("idle JVM processes (warm-up)", 1);
        new ProcessBuilder(JvmProcess.argv("call", NOOP, ctx.workDir().resolve("code-cache")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).inheritIO().start().waitFor(); // fills the code cache
        ctx.progress().advance(1);
        ctx.progress().phase("idle JVM processes", k);
        List<Process> ps = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                ps.add(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (Process p : ps) {
                String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException("function process said " + line);
                }
                ctx.progress().advance(1);
            }
            Thread.sleep(500); // let start-up threads (JIT, GC) settle
            double[] pss = new double[k];
            double[] rss = new double[k];
            double[] pte = new double[k];
            for (int i = 0; i < k; i++) {
                Posix.Mem m = Posix.mem(ps.get(i).pid());
                pss[i] = m.pssKb();
                rss[i] = m.rssKb();
                pte[i] = m.pteKb();
            }
            double median = Sample.of(pss).median();
            Map<String, Object> at = Map.of("instances", k);
            report.add("pss_per_idle_instance", "process-per-function", at, median, "KiB");
            report.add("rss_per_idle_instance", "process-per-function", at, Sample.of(rss).median(), "KiB");
            report.add("page_tables_per_idle_instance", "process-per-function", at, Sample.of(pte).median(), "KiB");
            return median;
        } finally {
            for (Process p : ps) {
                p.getOutputStream().close(); // EOF: the process exits
            }
            for (Process p : ps) {
                p.waitFor();
            }
        }
    }

    /** The process's memory after a full GC has returned what it can. */
    private static Posix.Mem settledMemory() throws InterruptedException {
        System.gc();
        System.gc();
        Thread.sleep(300);
        return Posix.mem(-1);
    }

    /**
     * Instances of {@code perInstanceKib} in the budget; NaN (JSON null) when too few instances were
     * measured for the host's PSS to have grown measurably (a small run), said in a note.
     */
    private static double capacity(long budgetKib, double perInstanceKib, String system, Report report) {
        if (!(perInstanceKib > 0)) {
            report.note(system + ": PSS did not grow measurably with the instances of this run, so no"
                    + " capacity is given; measure more instances");
            return Double.NaN;
        }
        return Math.floor(budgetKib / perInstanceKib);
    }
}
