package io.jfaasm.experiments.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jfaasm.experiments.Measurement;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A run as machine-readable JSON: what ran (experiment, quick, seed, parameters), where (the
 * {@link Machine}), every figure with its unit, the plot series and the notes.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    /** @param run how the run was asked for and how long it took */
    public record Run(boolean quick, long seed, Duration took) {}

    public static ObjectNode toJson(Report report, Machine machine, Run run) {
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", report.experiment());
        root.put("quick", run.quick());
        root.put("seed", run.seed());
        root.put("duration_s", run.took().toMillis() / 1000.0);
        root.set("parameters", JSON.valueToTree(report.parameters()));
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("memory_bytes", machine.memoryBytes());
        m.put("os", machine.os());
        m.put("jdk", machine.jdk());
        m.put("cpu_model", machine.cpuModel());
        m.put("git_commit", machine.gitCommit());
        m.put("date", machine.date().toString());
        m.put("load_average", machine.loadAverage());
        ArrayNode ms = root.putArray("measurements");
        for (Measurement x : report.measurements()) {
            ObjectNode o = ms.addObject();
            o.put("name", x.name());
            o.put("system", x.system());
            o.set("at", JSON.valueToTree(x.at()));
            putNumber(o, "value", x.value());
            o.put("unit", x.unit());
        }
        ArrayNode ss = root.putArray("series");
        for (Series s : report.series()) {
            ObjectNode o = ss.addObject();
            o.put("plot", s.plot());
            o.put("name", s.name());
            o.put("x_label", s.xLabel());
            o.put("y_label", s.yLabel());
            o.set("x", JSON.valueToTree(s.xs()));
            o.set("y", JSON.valueToTree(s.ys()));
            if (s.categorical()) {
                o.set("categories", JSON.valueToTree(s.categories()));
            }
        }
        root.set("notes", JSON.valueToTree(report.notes()));
        return root;
    }

    public static void write(Report report, Machine machine, Run run, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), toJson(report, machine, run));
    }

    /** JSON has no NaN or infinity: such a figure is written as null rather than as invalid JSON. */
    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
