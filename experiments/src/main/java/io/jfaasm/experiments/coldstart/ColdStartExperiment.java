package io.jfaasm.experiments.coldstart;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.process.ProcessPerCall;
import io.jfaasm.experiments.stats.Sample;
import io.jfaasm.experiments.wasm.DataModule;
import io.jfaasm.experiments.wasm.Resources;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.WasmEngine;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long a function takes to get a ready instance, four ways (the paper's Table 3): a new
 * Faaslet from the compiled module, a Proto-Faaslet restore, a pooled Faaslet's reset after a call,
 * and a fresh JVM process per call running the same wasm (the container-like baseline). Median and
 * p99 of each, for a no-op function; then fresh vs restore for modules whose initialised memory
 * grows (a data segment of 1 to 64 MiB), where the snapshot's advantage is.
 */
public final class ColdStartExperiment implements Experiment {
    static final String NOOP = "examples/noop.wasm";
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS;
    private static final CallRequest REQUEST = CallRequest.of(new byte[0]).withArgs(List.of("noop"))
            .withSinks(OutputStream.nullOutputStream(), OutputStream.nullOutputStream());

    /** Sizes of the run; tests use smaller ones. */
    record Plan(int samples, int processCalls, List<Integer> dataMiB) {
        static Plan of(boolean quick) {
            return quick ? new Plan(3000, 5, List.of(1, 4)) : new Plan(30000, 20, List.of(1, 4, 16, 64));
        }
    }

    private final Plan fixedPlan;

    public ColdStartExperiment() {
        this(null);
    }

    ColdStartExperiment(Plan plan) {
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public String summary() {
        return "new Faaslet vs Proto-Faaslet restore vs pool reuse vs a fresh JVM per call (median, p99)";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        Plan plan = fixedPlan != null ? fixedPlan : Plan.of(ctx.quick());
        Report report = new Report(name())
                .parameter("function", NOOP)
                .parameter("samples_in_process", plan.samples())
                .parameter("process_calls", plan.processCalls())
                .parameter("data_segment_MiB", plan.dataMiB())
                .parameter("memory_limit_MiB", LIMITS.maxMemoryBytes() >> 20);
        WasmEngine engine = new WasmEngine(null, 256 * 1024 * 1024);

        // the no-op function, four ways
        CompiledModule noop = engine.load(Resources.bytes(NOOP));
        Map<String, Sample> starts = new java.util.LinkedHashMap<>();
        try (ProtoFaaslet proto = ProtoFaaslet.capture(noop, LIMITS, () -> false)) {
            starts.put("new-faaslet", time(ctx, "new Faaslet", plan.samples(), () -> fresh(noop)));
            starts.put("restore", time(ctx, "Proto-Faaslet restore", plan.samples(), () -> restore(proto)));
            starts.put("pool-reuse", poolReuse(ctx, proto, plan.samples()));
        }
        ProcessPerCall processes = new ProcessPerCall(NOOP, ctx.workDir().resolve("code-cache"));
        ctx.progress().phase("JVM process per call (warm-up)", 1);
        processes.call(); // fills the code cache, as a deployed function's would be
        ctx.progress().advance(1);
        starts.put("process-per-call", time(ctx, "JVM process per call", plan.processCalls(), processes::call));

        for (var e : starts.entrySet()) {
            Map<String, Object> at = Map.of("function", "noop");
            report.add("start_median", e.getKey(), at, e.getValue().median() / 1e3, "us");
            report.add("start_p99", e.getKey(), at, e.getValue().percentile(99) / 1e3, "us");
            double[][] cdf = e.getValue().cdf(200);
            report.add(new Series("noop-start-cdf", e.getKey(), "time to a ready instance (us)", "percentile",
                    Arrays.stream(cdf[0]).map(v -> v / 1e3).boxed().toList(), Arrays.stream(cdf[1]).boxed().toList()));
        }
        double process = starts.get("process-per-call").median();
        for (String s : List.of("new-faaslet", "restore", "pool-reuse")) {
            report.add("start_median_ratio", "process-per-call/" + s, Map.of("function", "noop"),
                    process / starts.get(s).median(), "x");
        }

        // restore stays flat as initialised memory grows; a new Faaslet copies it all
        List<Double> sizes = new ArrayList<>();
        List<Double> freshMedians = new ArrayList<>();
        List<Double> restoreMedians = new ArrayList<>();
        for (int mib : plan.dataMiB()) {
            CompiledModule data = engine.load(DataModule.of(mib * 1024 * 1024));
            int n = Math.max(20, plan.samples() / (4 * mib)); // a fresh 64 MiB instance takes ~50 ms
            Sample f = time(ctx, "new Faaslet, " + mib + " MiB data", n, () -> fresh(data));
            Sample r;
            try (ProtoFaaslet proto = ProtoFaaslet.capture(data, LIMITS, () -> false)) {
                r = time(ctx, "restore, " + mib + " MiB data", n, () -> restore(proto));
            }
            Map<String, Object> at = Map.of("data_MiB", mib);
            report.add("start_median", "new-faaslet", at, f.median() / 1e3, "us");
            report.add("start_median", "restore", at, r.median() / 1e3, "us");
            report.add("start_p99", "new-faaslet", at, f.percentile(99) / 1e3, "us");
            report.add("start_p99", "restore", at, r.percentile(99) / 1e3, "us");
            report.add("start_median_ratio", "new-faaslet/restore", at, f.median() / r.median(), "x");
            sizes.add((double) mib);
            freshMedians.add(f.median() / 1e3);
            restoreMedians.add(r.median() / 1e3);
        }
        report.add(new Series("start-vs-initialised-memory", "new-faaslet", "data segment (MiB)",
                "median time to a ready instance (us)", sizes, freshMedians));
        report.add(new Series("start-vs-initialised-memory", "restore", "data segment (MiB)",
                "median time to a ready instance (us)", sizes, restoreMedians));
        report.note("in-process times are create + close of an instance on the calling thread; pool-reuse is "
                + "faaslet.reset(snapshot) after a no-op call; process-per-call is spawn to exit of a JVM that "
                + "loads the function from a warm code cache and calls it once");
        return report;
    }

    private static long fresh(CompiledModule m) {
        long s = System.nanoTime();
        try (Faaslet f = Faaslet.fresh(m, LIMITS)) {
            f.instance();
        }
        return System.nanoTime() - s;
    }

    private static long restore(ProtoFaaslet proto) {
        long s = System.nanoTime();
        try (Faaslet f = proto.restore(LIMITS)) {
            f.instance();
        }
        return System.nanoTime() - s;
    }

    /** The pool's path: a Faaslet that has just run a call is reset to the snapshot (call untimed). */
    private static Sample poolReuse(ExperimentContext ctx, ProtoFaaslet proto, int n) {
        try (Faaslet f = proto.restore(LIMITS)) {
            return time(ctx, "pool reuse (reset)", n, () -> {
                CallResult r = f.call(REQUEST, LIMITS, null, () -> false);
                if (r.failed()) {
                    throw new IllegalStateException("noop failed: " + r.failure());
                }
                long s = System.nanoTime();
                f.reset(proto.snapshot());
                return System.nanoTime() - s;
            });
        }
    }

    /** Runs {@code op} a tenth of n times as warm-up (JIT), then n times; op returns its own time. */
    private static Sample time(ExperimentContext ctx, String phase, int n, LongSupplier op) {
        int warmup = n >= 100 ? n / 10 : 0;
        ctx.progress().phase(phase, warmup + n);
        long[] nanos = new long[n];
        for (int i = -warmup; i < n; i++) {
            long t = op.getAsLong();
            if (i >= 0) {
                nanos[i] = t;
            }
            ctx.progress().advance(1);
        }
        return Sample.of(nanos);
    }
}
