package io.jfaasm.experiments.sgd;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Measurement;
import io.jfaasm.experiments.Progress;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.baseline.Mode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small run of the whole experiment: every promised figure, and learning in all three modes. */
class SgdExperimentTest {
    @TempDir
    Path work;

    @Test
    void aSmallRunLearnsInEveryModeAndReportsEveryFigure() throws Exception {
        SgdSettings small = new SgdSettings(8000, 2000, SparseDataset.RCV1_FEATURES, 0.1, 3, 1.0f, 1000,
                List.of(2), 1);
        Report r = new SgdExperiment(small).run(new ExperimentContext(true, 1, work, Progress.NONE));

        for (Mode mode : Mode.values()) {
            for (String name : List.of("train_time", "final_loss", "accuracy", "test_loss", "peak_pss", "peak_rss",
                    "tier_bytes", "processes", "peak_processes")) {
                assertThat(find(r, name, mode.label())).as(name + " of " + mode.label()).isNotNull();
            }
            double accuracy = find(r, "accuracy", mode.label()).value();
            assertThat(accuracy).as("held-out accuracy of " + mode.label() + " (chance is 0.5, noise allows 0.9)")
                    .isGreaterThan(0.75);
            assertThat(find(r, "peak_pss", mode.label()).value()).isPositive();
        }
        assertThat(find(r, "processes", Mode.JFAASM.label()).value()).isEqualTo(1);
        assertThat(find(r, "processes", Mode.PROCESS.label()).value()).as("a driver and 2 workers x 3 epochs")
                .isEqualTo(7);
        assertThat(r.measurements()).filteredOn(m -> m.system().equals("ratio")).extracting(Measurement::name)
                .contains("speedup", "memory_saving", "tier_bytes_saving");
        assertThat(r.series()).extracting(s -> s.plot()).contains("sgd-time", "sgd-memory", "sgd-accuracy");
    }

    private static Measurement find(Report r, String name, String system) {
        return r.measurements().stream().filter(m -> m.name().equals(name) && m.system().equals(system))
                .findFirst().orElse(null);
    }
}
