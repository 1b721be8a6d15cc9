package io.jfaasm.experiments;

import java.util.List;

/**
 * One line of a plot: {@code ys} against {@code xs}. Series with the same {@code plot} name are
 * drawn in one PNG. With {@code categories} (one label per x), the plot is a bar chart whose bars
 * are those labels (the xs are then only their order).
 */
public record Series(String plot, String name, String xLabel, String yLabel, List<Double> xs, List<Double> ys,
        List<String> categories) {
    public Series {
        if (xs.size() != ys.size()) {
            throw new IllegalArgumentException("a series needs as many x values as y values");
        }
        if (!categories.isEmpty() && categories.size() != xs.size()) {
            throw new IllegalArgumentException("a categorical series needs one label per value");
        }
        xs = List.copyOf(xs);
        ys = List.copyOf(ys);
        categories = List.copyOf(categories);
    }

    /** A line of numeric points. */
    public Series(String plot, String name, String xLabel, String yLabel, List<Double> xs, List<Double> ys) {
        this(plot, name, xLabel, yLabel, xs, ys, List.of());
    }

    /** One bar per label, e.g. per kernel. */
    public static Series bars(String plot, String name, String xLabel, String yLabel, List<String> labels,
            List<Double> ys) {
        List<Double> order = java.util.stream.IntStream.range(0, labels.size()).mapToObj(i -> (double) i).toList();
        return new Series(plot, name, xLabel, yLabel, order, ys, labels);
    }

    public boolean categorical() {
        return !categories.isEmpty();
    }
}
