package io.jfaasm.experiments.sgd;

import java.util.List;

/**
 * The size of an SGD run.
 *
 * @param examples     training examples (RCV1: 781,265)
 * @param testExamples held-out examples
 * @param features     features (RCV1: 47,236)
 * @param noise        probability that a label is flipped (the best accuracy is about 1 - noise)
 * @param epochs       passes over the training set
 * @param rate         learning rate of the first epoch (then rate / (1 + epoch))
 * @param sync         examples between a baseline worker's push-and-pull of the weights
 * @param workers      the sweep of parallel workers
 * @param repeats      runs of each (mode, workers) point; the report gives medians
 */
public record SgdSettings(int examples, int testExamples, int features, double noise, int epochs, float rate,
        int sync, List<Integer> workers, int repeats) {

    public SgdSettings {
        workers = List.copyOf(workers);
    }

    /** The paper's size (section 6.2): the whole sweep. */
    public static SgdSettings full() {
        return new SgdSettings(SparseDataset.RCV1_EXAMPLES, 50_000, SparseDataset.RCV1_FEATURES, 0.1, 3, 1.0f,
                1000, List.of(1, 2, 4, 8, 16, 32), 3);
    }

    /** What {@code --quick} runs: small data, two points of the sweep (1 and 16 workers), once each. */
    public static SgdSettings quick() {
        return new SgdSettings(20_000, 5_000, SparseDataset.RCV1_FEATURES, 0.1, 1, 1.0f, 1000, List.of(1, 16), 1);
    }
}
