package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code jfaasm bench}: listing, and refusing what it does not know. */
class BenchCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "bench";
        System.arraycopy(args, 0, full, 1, args.length);
        return new CommandLine(new JfaasmCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(full);
    }

    @Test
    void listNamesEveryRegisteredExperiment() {
        assertThat(bench("--list")).isZero();
        assertThat(out.toString()).contains("cold-start", "compute", "capacity", "throughput");
    }

    @Test
    void unknownExperimentIsAUsageErrorThatNamesTheKnownOnes() {
        assertThat(bench("no-such-experiment", "--quick")).isEqualTo(BenchCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown experiment 'no-such-experiment'", "cold-start", "capacity");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void noExperimentIsAUsageError() {
        assertThat(bench()).isEqualTo(BenchCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("name an experiment");
    }
}
