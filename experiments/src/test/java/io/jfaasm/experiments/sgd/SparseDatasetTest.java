package io.jfaasm.experiments.sgd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparseDatasetTest {
    private static byte[] bytes(SparseDataset d) {
        byte[][] parts = {d.rowsBytes(), d.colsBytes(), d.valsBytes(), d.labelsBytes()};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        byte[] a = bytes(SparseDataset.generate(42, 0, 2000, SparseDataset.RCV1_FEATURES, 0.1));
        byte[] b = bytes(SparseDataset.generate(42, 0, 2000, SparseDataset.RCV1_FEATURES, 0.1));
        byte[] c = bytes(SparseDataset.generate(43, 0, 2000, SparseDataset.RCV1_FEATURES, 0.1));
        byte[] heldOut = bytes(SparseDataset.generate(42, 1, 2000, SparseDataset.RCV1_FEATURES, 0.1));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).isNotEqualTo(heldOut);
    }

    @Test
    void itIsShapedLikeRcv1() {
        SparseDataset d = SparseDataset.generate(7, 0, 5000, SparseDataset.RCV1_FEATURES, 0.1);
        assertThat(d.nnz() / 5000.0).isBetween(70.0, 80.0);
        int positive = 0;
        for (byte l : d.labels()) {
            assertThat(l).isIn((byte) 1, (byte) -1);
            positive += l > 0 ? 1 : 0;
        }
        assertThat(positive / 5000.0).as("classes roughly balanced").isBetween(0.3, 0.7);
        for (short c : d.cols()) {
            assertThat(c & 0xFFFF).isLessThan(SparseDataset.RCV1_FEATURES);
        }
    }
}
