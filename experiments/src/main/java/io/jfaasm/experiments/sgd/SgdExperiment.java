package io.jfaasm.experiments.sgd;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.baseline.Mode;
import io.jfaasm.experiments.baseline.ModeRunner;
import io.jfaasm.experiments.baseline.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD training with HOGWILD! after the paper's section 6.2: sparse logistic regression over an
 * RCV1-shaped data set, the weights in one state value updated in place by N parallel workers
 * chained by a driver each epoch, in JFaasm, in JFaasm with shared regions off (isolated) and with
 * a process per function. Each run starts fresh processes; see docs/results.md.
 */
public final class SgdExperiment implements Experiment {
    static final String REDIS = System.getProperty("jfaasm.redis", "redis://127.0.0.1:6379");
    private static final List<String> CHILD_JVM = List.of("-XX:+UseSerialGC", "-Xmx1g");

    private final SgdSettings fixed;

    /** Sized by the context: {@link SgdSettings#quick()} or {@link SgdSettings#full()}. */
    public SgdExperiment() {
        this(null);
    }

    /** A run of exactly this size, whatever the context says. */
    public SgdExperiment(SgdSettings settings) {
        this.fixed = settings;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String summary() {
        return "HOGWILD! SGD on RCV1-shaped data: N workers share weights in state; JFaasm vs isolated vs process per function";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        SgdSettings s = fixed != null ? fixed : ctx.quick() ? SgdSettings.quick() : SgdSettings.full();
        Report report = new Report(name());
        report.parameter("examples", s.examples()).parameter("test_examples", s.testExamples())
                .parameter("features", s.features()).parameter("label_noise", s.noise())
                .parameter("epochs", s.epochs()).parameter("rate", s.rate())
                .parameter("baseline_sync_examples", s.sync()).parameter("workers", s.workers())
                .parameter("repeats", s.repeats()).parameter("seed", ctx.seed())
                .parameter("child_jvm_flags", CHILD_JVM);

        ctx.progress().phase("generate data", 2);
        SparseDataset train = SparseDataset.generate(ctx.seed(), 0, s.examples(), s.features(), s.noise());
        ctx.progress().advance(1);
        SparseDataset test = SparseDataset.generate(ctx.seed(), 1, s.testExamples(), s.features(), s.noise());
        ctx.progress().advance(1);
        int trainNnz = train.nnz();
        report.parameter("nnz", trainNnz);

        Map<Mode, Map<Integer, Point>> points = new EnumMap<>(Mode.class);
        try (ModeRunner runner = new ModeRunner(ctx.workDir(), REDIS, "sgd", Duration.ofMinutes(30), 1536L << 20,
                CHILD_JVM)) {
            runner.addFunction("sgd_driver", function("sgd_driver"));
            runner.addFunction("sgd_worker", function("sgd_worker"));
            store(runner, "train", train);
            store(runner, "test", test);
            train = null; // the data lives in the global tier now

            ctx.progress().phase("train", (long) s.workers().size() * Mode.values().length * s.repeats());
            for (int n : s.workers()) {
                for (int rep = 0; rep < s.repeats(); rep++) {
                    for (Mode mode : Mode.values()) { // interleaved, so load drifts hit every mode alike
                        runner.setState("sgd-weights", new byte[s.features() * 4]);
                        String input = String.format(java.util.Locale.ROOT, "%d %d %g %d %d %d %d %d %d", n,
                                s.epochs(), s.rate(), mode == Mode.JFAASM ? 0 : s.sync(), s.features(),
                                s.examples(), trainNnz, s.testExamples(), test.nnz());
                        RunResult r = runner.run(mode, "sgd_driver", input.getBytes());
                        if (!r.call().succeeded()) {
                            throw new IllegalStateException("sgd in " + mode.label() + " with " + n
                                    + " workers failed: rc " + r.call().returnCode() + " " + r.call().failure()
                                    + " (child processes log to " + runner.log() + ")");
                        }
                        points.computeIfAbsent(mode, m -> new LinkedHashMap<>())
                                .computeIfAbsent(n, k -> new Point()).add(r);
                        ctx.progress().advance(1);
                    }
                }
            }
        }
        SgdReport.fill(report, s, points);
        return report;
    }

    private static void store(ModeRunner runner, String set, SparseDataset d) {
        runner.setState("sgd-" + set + "-rows", d.rowsBytes());
        runner.setState("sgd-" + set + "-cols", d.colsBytes());
        runner.setState("sgd-" + set + "-vals", d.valsBytes());
        runner.setState("sgd-" + set + "-labels", d.labelsBytes());
    }

    static byte[] function(String name) {
        try (InputStream in = SgdExperiment.class.getResourceAsStream("/experiments/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalStateException("no /experiments/" + name + ".wasm on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repeats of one (mode, workers) point. */
    static final class Point {
        final List<RunResult> runs = new ArrayList<>();

        void add(RunResult r) {
            runs.add(r);
        }
    }
}
