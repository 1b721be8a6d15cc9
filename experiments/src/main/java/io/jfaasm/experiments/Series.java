package io.jfaasm.experiments;

import java.util.List;

/**
 * One line of a plot: {@code ys} against {@code xs}. Series with the same {@code plot} name are
 * drawn in one PNG.
 */
public record Series(String plot, String name, String xLabel, String yLabel, List<Double> xs, List<Double> ys) {
    public Series {
        if (xs.size() != ys.size()) {
            throw new IllegalArgumentException("a series needs as many x values as y values");
        }
        xs = List.copyOf(xs);
        ys = List.copyOf(ys);
    }
}
