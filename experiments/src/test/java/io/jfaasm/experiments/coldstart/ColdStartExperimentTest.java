package io.jfaasm.experiments.coldstart;

import static io.jfaasm.experiments.QuickRuns.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.experiments.QuickRuns;
import io.jfaasm.experiments.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdStartExperimentTest {
    @TempDir Path tmp;

    @Test
    void reportsMedianAndP99OfEveryWayToStartAndTheRatios() throws Exception {
        Report r = QuickRuns.run(new ColdStartExperiment(new ColdStartExperiment.Plan(200, 1, List.of(1))), tmp);

        Map<String, Object> noop = Map.of("function", "noop");
        for (String s : List.of("new-faaslet", "restore", "pool-reuse", "process-per-call")) {
            assertThat(value(r, "start_median", s, noop)).isPositive();
            assertThat(value(r, "start_p99", s, noop)).isGreaterThanOrEqualTo(value(r, "start_median", s, noop));
        }
        assertThat(value(r, "start_median_ratio", "process-per-call/restore", noop)).isPositive();
        assertThat(value(r, "start_median_ratio", "new-faaslet/restore", Map.of("data_MiB", 1))).isPositive();
        assertThat(r.series()).extracting(s -> s.plot()).contains("noop-start-cdf", "start-vs-initialised-memory");
    }
}
