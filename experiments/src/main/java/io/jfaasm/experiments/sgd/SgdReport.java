package io.jfaasm.experiments.sgd;

import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.baseline.Mode;
import io.jfaasm.experiments.baseline.RunResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Turns the runs of the SGD sweep into the report: medians per point, ratios, series, the target. */
final class SgdReport {
    private static final double MIB = 1024 * 1024;

    private SgdReport() {}

    static void fill(Report report, SgdSettings s, Map<Mode, Map<Integer, SgdExperiment.Point>> points) {
        for (Mode mode : Mode.values()) {
            for (int n : s.workers()) {
                List<RunResult> runs = points.get(mode).get(n).runs;
                Map<String, Object> at = Map.of("workers", n);
                String sys = mode.label();
                report.add("train_time", sys, at, median(runs, r -> r.call().callNanos() / 1e9), "s");
                report.add("final_loss", sys, at, median(runs, r -> figure(r, "loss")), "logistic loss");
                report.add("accuracy", sys, at, median(runs, r -> figure(r, "accuracy")), "fraction");
                report.add("test_loss", sys, at, median(runs, r -> figure(r, "test_loss")), "logistic loss");
                report.add("peak_pss", sys, at, median(runs, r -> r.peakPssKb() / 1024.0), "MiB");
                report.add("peak_rss", sys, at, median(runs, r -> r.peakRssKb() / 1024.0), "MiB");
                report.add("tier_bytes", sys, at, median(runs, SgdReport::tierMib), "MiB");
                report.add("processes", sys, at, median(runs, r -> r.call().processes()), "processes");
                report.add("peak_processes", sys, at, median(runs, RunResult::peakProcesses), "processes");
            }
        }
        for (Mode baseline : List.of(Mode.ISOLATED, Mode.PROCESS)) {
            for (int n : s.workers()) {
                Map<String, Object> at = Map.of("workers", n, "vs", baseline.label());
                report.add("speedup", "ratio", at, ratio(points, baseline, n, r -> r.call().callNanos()), "x");
                report.add("memory_saving", "ratio", at, ratio(points, baseline, n, RunResult::peakPssKb), "x");
                report.add("tier_bytes_saving", "ratio", at, ratio(points, baseline, n, SgdReport::tierMib), "x");
            }
        }
        series(report, s, points, "sgd-time", "training time (s)", r -> r.call().callNanos() / 1e9);
        series(report, s, points, "sgd-memory", "peak PSS, all processes (MiB)", r -> r.peakPssKb() / 1024.0);
        series(report, s, points, "sgd-tier-bytes", "bytes through Redis (MiB)", SgdReport::tierMib);
        series(report, s, points, "sgd-accuracy", "held-out accuracy", r -> figure(r, "accuracy"));
        target(report, s, points);
    }

    /** The paper's claim at N >= 16: at least 2x faster and 10x less memory than a process per function. */
    private static void target(Report report, SgdSettings s, Map<Mode, Map<Integer, SgdExperiment.Point>> points) {
        for (int n : s.workers()) {
            if (n < 16) {
                continue;
            }
            double speed = ratio(points, Mode.PROCESS, n, r -> r.call().callNanos());
            double mem = ratio(points, Mode.PROCESS, n, RunResult::peakPssKb);
            double acc = median(points.get(Mode.JFAASM).get(n).runs, r -> figure(r, "accuracy"));
            double accP = median(points.get(Mode.PROCESS).get(n).runs, r -> figure(r, "accuracy"));
            boolean met = speed >= 2 && mem >= 10 && acc >= accP - 0.01;
            report.note(String.format(java.util.Locale.ROOT,
                    "N=%d: JFaasm %.1fx faster, %.1fx less memory (PSS) than a process per function, accuracy %.3f vs %.3f: target (2x, 10x, same accuracy) %s",
                    n, speed, mem, acc, accP, met ? "met" : "NOT met"));
        }
    }

    private static void series(Report report, SgdSettings s, Map<Mode, Map<Integer, SgdExperiment.Point>> points,
            String plot, String yLabel, ToDoubleFunction<RunResult> f) {
        for (Mode mode : Mode.values()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int n : s.workers()) {
                xs.add((double) n);
                ys.add(median(points.get(mode).get(n).runs, f));
            }
            report.add(new Series(plot, mode.label(), "workers", yLabel, xs, ys));
        }
    }

    /** baseline / jfaasm of the medians: how many times better JFaasm is. */
    private static double ratio(Map<Mode, Map<Integer, SgdExperiment.Point>> points, Mode baseline, int n,
            ToDoubleFunction<RunResult> f) {
        return median(points.get(baseline).get(n).runs, f) / median(points.get(Mode.JFAASM).get(n).runs, f);
    }

    private static double tierMib(RunResult r) {
        return (r.call().tierBytesRead() + r.call().tierBytesWritten()) / MIB;
    }

    /** A figure of the driver's output "loss=.. accuracy=.. test_loss=..". */
    static double figure(RunResult r, String name) {
        Map<String, String> f = new HashMap<>();
        for (String kv : r.call().outputText().trim().split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String v = f.get(name);
        if (v == null) {
            throw new IllegalStateException("the driver's output has no " + name + ": " + r.call().outputText());
        }
        return Double.parseDouble(v);
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] xs = runs.stream().mapToDouble(f).sorted().toArray();
        int n = xs.length;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
}
