package io.jfaasm.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

/** Helpers for the experiments' small runs in tests: no timing is asserted, only what is reported. */
public final class QuickRuns {
    private QuickRuns() {}

    public static Report run(Experiment e, Path workDir) throws Exception {
        Report r = e.run(new ExperimentContext(true, 42, workDir, Progress.NONE));
        assertThat(r.experiment()).isEqualTo(e.name());
        for (Measurement m : r.measurements()) {
            assertThat(m.unit()).as(m.name() + " has a unit").isNotBlank();
        }
        return r;
    }

    /** The figure {@code name} of {@code system} at {@code at}; fails if it is missing or not finite. */
    public static double value(Report r, String name, String system, Map<String, Object> at) {
        var found = r.measurements().stream()
                .filter(m -> m.name().equals(name) && m.system().equals(system) && m.at().equals(at)).toList();
        assertThat(found).as(name + " of " + system + " at " + at).hasSize(1);
        double v = found.getFirst().value();
        assertThat(Double.isFinite(v)).as(name + " of " + system + " is finite").isTrue();
        return v;
    }
}
