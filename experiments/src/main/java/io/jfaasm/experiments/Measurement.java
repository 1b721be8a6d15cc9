package io.jfaasm.experiments;

import java.util.Map;

/**
 * One figure of an experiment.
 *
 * @param name   what was measured, e.g. {@code epoch_time}
 * @param system which system or mode produced it, e.g. {@code jfaasm}, {@code isolated},
 *               {@code process-per-function}; {@code ratio} for a comparison between them
 * @param at     the parameters of this point, e.g. {@code {"workers": 16}} (empty if none)
 * @param value  the figure
 * @param unit   its unit, e.g. {@code s}, {@code ms}, {@code MiB}, {@code calls/s}, {@code x}
 */
public record Measurement(String name, String system, Map<String, Object> at, double value, String unit) {
    public Measurement {
        at = Map.copyOf(at);
    }
}
