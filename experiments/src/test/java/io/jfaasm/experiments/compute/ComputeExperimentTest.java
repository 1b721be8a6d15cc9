package io.jfaasm.experiments.compute;

import static io.jfaasm.experiments.QuickRuns.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.experiments.QuickRuns;
import io.jfaasm.experiments.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComputeExperimentTest {
    @TempDir Path tmp;

    @Test
    void reportsEveryEngineThatIsInstalledAndTheirRatios() throws Exception {
        Report r = QuickRuns.run(new ComputeExperiment(new ComputeExperiment.Plan(List.of("xxhash"), 1)), tmp);

        Map<String, Object> at = Map.of("kernel", "xxhash");
        assertThat(value(r, "time_steady", "jfaasm", at)).isPositive();
        boolean gcc = !"n/a".equals(r.parameters().get("native"));
        if (gcc) {
            assertThat(value(r, "time_ratio", "jfaasm/native", at)).isPositive();
            value(r, "time_ratio_geomean", "jfaasm/native", Map.of());
        }
        assertThat(r.notes()).noneMatch(n -> n.contains("MISMATCH"));
    }

    @Test
    void parsesAKernelsOutput() {
        KernelRun run = KernelRun.parse("x", "k", "kernel=k rep=0 ns=300\nkernel=k rep=1 ns=100\n"
                + "kernel=k rep=2 ns=200\nchecksum=00ff\n");
        assertThat(run.nanos()).containsExactly(300L, 100L, 200L);
        assertThat(run.firstMillis()).isEqualTo(300e-6);
        assertThat(run.steadyMillis()).isEqualTo(150e-6); // median of the last half: reps 1, 2
        assertThat(run.checksum()).isEqualTo("00ff");
    }
}
