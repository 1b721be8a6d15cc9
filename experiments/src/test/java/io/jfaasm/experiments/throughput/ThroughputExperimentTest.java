package io.jfaasm.experiments.throughput;

import static io.jfaasm.experiments.QuickRuns.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.experiments.QuickRuns;
import io.jfaasm.experiments.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputExperimentTest {
    @TempDir Path tmp;

    @Test
    void reportsCallsPerSecondAndLatencyOfEachSystem() throws Exception {
        Report r = QuickRuns.run(new ThroughputExperiment(new ThroughputExperiment.Plan(1, 0.2, 0.5, 1)), tmp);

        for (String fn : List.of("noop", "reverse")) {
            Map<String, Object> at = Map.of("function", fn);
            for (String s : List.of("jfaasm", "process-per-function")) {
                assertThat(value(r, "calls_per_second", s, at)).isPositive();
                value(r, "latency_p50", s, at);
                value(r, "latency_p99", s, at);
                value(r, "latency_p999", s, at);
            }
            value(r, "calls_per_second_ratio", "jfaasm/process-per-function", at);
        }
        assertThat(value(r, "calls_per_second", "process-per-call", Map.of("function", "noop"))).isPositive();
        assertThat(r.series()).extracting(s -> s.plot()).contains("calls-per-second", "latency-p99");
    }
}
