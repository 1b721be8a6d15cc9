package io.jfaasm.experiments.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON, PNG and table a run produces, from a hand-made report. */
class ReportWritersTest {
    @TempDir Path tmp;

    static Report sample() {
        return new Report("demo")
                .parameter("samples", 10)
                .add("start_median", "restore", Map.of("function", "noop"), 9.5, "us")
                .add("start_median", "process-per-call", Map.of("function", "noop"), 350_000, "us")
                .add("ratio", "process-per-call/restore", Map.of(), Double.NaN, "x")
                .add(new Series("cdf", "restore", "us", "percentile", List.of(8.0, 9.0, 20.0), List.of(1.0, 50.0, 100.0)))
                .add(new Series("cdf", "process", "us", "percentile", List.of(3e5, 3.5e5, 4e5), List.of(1.0, 50.0, 100.0)))
                .add(Series.bars("bars", "jfaasm", "kernel", "x", List.of("gemm", "lu"), List.of(9.3, 5.0)))
                .add(Series.bars("log-bars", "pss", "system", "KiB", List.of("faaslet", "process"), List.of(3.8, 74494.0)))
                .note("a note");
    }

    @Test
    void jsonParsesAndCarriesUnitsParametersAndTheMachine() throws Exception {
        Path file = tmp.resolve("out/demo.json");
        ReportJson.write(sample(), Machine.current(), new ReportJson.Run(true, 7, Duration.ofMillis(1500)), file);

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.path("experiment").asText()).isEqualTo("demo");
        assertThat(root.path("quick").asBoolean()).isTrue();
        assertThat(root.path("seed").asLong()).isEqualTo(7);
        assertThat(root.path("parameters").path("samples").asInt()).isEqualTo(10);
        JsonNode m = root.path("measurements");
        assertThat(m).hasSize(3);
        assertThat(m.get(0).path("unit").asText()).isEqualTo("us");
        assertThat(m.get(0).path("value").asDouble()).isEqualTo(9.5);
        assertThat(m.get(0).path("at").path("function").asText()).isEqualTo("noop");
        assertThat(m.get(2).path("value").isNull()).as("NaN is written as null, not invalid JSON").isTrue();
        JsonNode machine = root.path("machine");
        assertThat(machine.path("cores").asInt()).isPositive();
        assertThat(machine.path("memory_bytes").asLong()).isPositive();
        assertThat(machine.path("os").asText()).isNotBlank();
        assertThat(machine.path("jdk").asText()).contains(System.getProperty("java.runtime.version"));
        assertThat(machine.path("cpu_model").asText()).isNotBlank();
        assertThat(machine.has("git_commit")).isTrue();
        assertThat(machine.path("date").asText()).isNotBlank();
        assertThat(root.path("series")).hasSize(4);
        assertThat(root.path("series").get(2).path("categories").get(0).asText()).isEqualTo("gemm");
        assertThat(root.path("notes").get(0).asText()).isEqualTo("a note");
    }

    @Test
    void plotsAreValidPngsOnePerPlotName() throws Exception {
        List<Path> files = PlotWriter.write(sample(), tmp.resolve("plots"));

        assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("demo-cdf.png", "demo-bars.png", "demo-log-bars.png");
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
            var image = ImageIO.read(f.toFile());
            assertThat(image.getWidth()).isPositive();
            assertThat(image.getHeight()).isPositive();
        }
    }

    @Test
    void tableHasOneRowPerFigureWithItsUnit() {
        String table = SummaryTable.render(sample());
        assertThat(table.lines()).hasSize(2 + 3 + 1);
        assertThat(table).contains("start_median", "function=noop", "process-per-call", "350,000", "us", "note: a note");
    }
}
