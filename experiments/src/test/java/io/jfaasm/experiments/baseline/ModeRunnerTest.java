package io.jfaasm.experiments.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three modes run the same chained function to the same result; only the processes differ. */
class ModeRunnerTest {
    @TempDir
    Path work;

    @Test
    void fanoutGivesTheSameResultInEveryMode() throws Exception {
        try (ModeRunner runner = new ModeRunner(work, "redis://127.0.0.1:6379", "test", Duration.ofSeconds(300),
                64L << 20, List.of("-Xmx256m"))) {
            for (String f : List.of("fanout", "square")) {
                runner.addFunction(f, Files.readAllBytes(Path.of("../examples", f + ".wasm")));
            }
            for (Mode mode : Mode.values()) {
                RunResult r = runner.run(mode, "fanout", "3".getBytes());
                assertThat(r.call().succeeded()).as(mode + ": " + r.call().failure()).isTrue();
                assertThat(r.call().outputText()).isEqualTo("14");
                assertThat(r.call().processes()).isEqualTo(mode == Mode.PROCESS ? 4 : 1);
                assertThat(r.peakPssKb()).isPositive();
            }
        }
    }
}
