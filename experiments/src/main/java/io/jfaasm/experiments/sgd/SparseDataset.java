package io.jfaasm.experiments.sgd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A sparse binary classification data set shaped like Reuters RCV1 (47,236 features, about 75
 * non-zeros per example, L2-normalised positive values, feature frequencies skewed towards a few
 * common terms), labelled by a hidden linear model with label noise. Deterministic: the same seed,
 * stream and size give the same bytes on any machine (SplitMix64, no library randomness). Example
 * {@code i} of a stream depends only on (seed, stream, i), so the training and held-out sets are
 * two streams of the same model.
 *
 * <p>Layout (CSR), as {@code experiments/functions/sgd.h} reads it: rows int32[m+1], cols
 * uint16[nnz], vals float32[nnz], labels int8[m], all little-endian.
 */
public record SparseDataset(int features, int[] rows, short[] cols, float[] vals, byte[] labels) {
    public static final int RCV1_FEATURES = 47_236;
    public static final int RCV1_EXAMPLES = 781_265;
    public static final int MEAN_NNZ = 75;

    public int examples() {
        return labels.length;
    }

    public int nnz() {
        return rows[rows.length - 1];
    }

    /**
     * @param stream which set of the model (0 training, 1 held-out)
     * @param noise  the probability that a label is flipped
     */
    public static SparseDataset generate(long seed, int stream, int examples, int features, double noise) {
        if (features > 65_536) {
            throw new IllegalArgumentException("feature indices are 16-bit: at most 65536 features");
        }
        float[] hidden = hiddenModel(seed, features);
        int[] rows = new int[examples + 1];
        int cap = examples * (MEAN_NNZ + 26);
        short[] cols = new short[cap];
        float[] vals = new float[cap];
        byte[] labels = new byte[examples];
        int at = 0;
        for (int i = 0; i < examples; i++) {
            long s = mix(seed ^ mix(0x5EEDL + stream) ^ mix(0xC0FFEEL + i));
            int n = MEAN_NNZ - 25 + (int) (51 * unit(s = next(s))); // 50..100, mean 75
            double norm = 0;
            double dot = 0;
            for (int k = 0; k < n; k++) {
                // u^3 skews the indices towards the low (common) features, as term frequencies are
                double u = unit(s = next(s));
                int col = (int) (features * u * u * u);
                float v = (float) (0.1 + 0.9 * unit(s = next(s)));
                cols[at + k] = (short) col;
                vals[at + k] = v;
                norm += (double) v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < n; k++) {
                vals[at + k] *= inv;
                dot += hidden[cols[at + k] & 0xFFFF] * vals[at + k];
            }
            boolean flip = unit(s = next(s)) < noise;
            labels[i] = (byte) ((dot >= 0) != flip ? 1 : -1);
            at += n;
            rows[i + 1] = at;
        }
        return new SparseDataset(features, rows, java.util.Arrays.copyOf(cols, at),
                java.util.Arrays.copyOf(vals, at), labels);
    }

    /**
     * The hidden model: normal weights (Box-Muller), scaled down on rare features so that the
     * labels depend mostly on the common ones (as topics do on frequent terms): learnable from a
     * few thousand examples, which the quick run needs.
     */
    static float[] hiddenModel(long seed, int features) {
        float[] w = new float[features];
        long s = mix(seed ^ 0x41DDE7L);
        for (int j = 0; j < features; j++) {
            double u1 = Math.max(unit(s = next(s)), 1e-12);
            double u2 = unit(s = next(s));
            w[j] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) / (1 + j / 100.0));
        }
        return w;
    }

    public byte[] rowsBytes() {
        ByteBuffer b = le(rows.length * 4);
        b.asIntBuffer().put(rows);
        return b.array();
    }

    public byte[] colsBytes() {
        ByteBuffer b = le(cols.length * 2);
        b.asShortBuffer().put(cols);
        return b.array();
    }

    public byte[] valsBytes() {
        ByteBuffer b = le(vals.length * 4);
        b.asFloatBuffer().put(vals);
        return b.array();
    }

    public byte[] labelsBytes() {
        return labels.clone();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    // SplitMix64: a state step and its output mix
    private static long next(long s) {
        return s + 0x9E3779B97F4A7C15L;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) from state s. */
    private static double unit(long s) {
        return (mix(s) >>> 11) * 0x1.0p-53;
    }
}
