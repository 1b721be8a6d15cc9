package io.jfaasm.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The registry finds the experiments through the services file. */
class ExperimentsTest {
    @Test
    void registryListsTheExperimentsByName() {
        assertThat(Experiments.names()).contains("cold-start", "compute", "capacity", "throughput");
        assertThat(Experiments.find("capacity")).isPresent();
        assertThat(Experiments.find("no-such")).isEmpty();
    }
}
