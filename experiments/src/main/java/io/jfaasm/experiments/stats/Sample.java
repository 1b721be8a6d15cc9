package io.jfaasm.experiments.stats;

import java.util.Arrays;

/**
 * A sorted sample of durations or sizes, for medians and tail percentiles (nearest rank: the
 * value at or below which p percent of the sample lies, never an interpolation).
 */
public final class Sample {
    private final double[] sorted;

    private Sample(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    public static Sample of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("an empty sample has no percentiles");
        }
        return new Sample(values);
    }

    public static Sample of(long[] values) {
        return of(Arrays.stream(values).asDoubleStream().toArray());
    }

    public int size() {
        return sorted.length;
    }

    public double median() {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The p-th percentile, 0 < p <= 100. */
    public double percentile(double p) {
        int rank = (int) Math.ceil(sorted.length * p / 100.0);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    /** The geometric mean of positive values (for ratios). */
    public static double geomean(java.util.Collection<Double> values) {
        return Math.exp(values.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    /** The distribution as (value, percentile) pairs at {@code points} percentiles from 1 to 100, to plot. */
    public double[][] cdf(int points) {
        double[][] xy = new double[2][points];
        for (int i = 0; i < points; i++) {
            double p = points == 1 ? 100 : 1 + 99.0 * i / (points - 1);
            xy[0][i] = percentile(p);
            xy[1][i] = p;
        }
        return xy;
    }
}
