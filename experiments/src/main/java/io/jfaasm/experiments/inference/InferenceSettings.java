package io.jfaasm.experiments.inference;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of an inference run.
 *
 * @param trainExamples digits the model is trained on (of the 8,000 training digits)
 * @param epochs        passes of SGD over them
 * @param rates         offered request rates, per second, in increasing order
 * @param coldFractions shares of calls forced to start a new Faaslet or process
 * @param warmup        load before each measured window
 * @param window        the measured window at each rate
 * @param drain         how long after the window the measured requests may still finish
 * @param workers       concurrent calls: load threads, and the baseline's warm processes
 * @param warmupCalls   warm calls each system serves before it is measured
 */
public record InferenceSettings(int trainExamples, int epochs, List<Double> rates, List<Double> coldFractions,
        Duration warmup, Duration window, Duration drain, int workers, int warmupCalls) {

    public static final int TRAIN_DIGITS = 8000;

    /** The full run: the documented model (3 epochs over 8,000 digits) and eight rates. */
    public static InferenceSettings full() {
        return new InferenceSettings(TRAIN_DIGITS, 3, List.of(25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0),
                List.of(0.0, 0.02, 0.2), Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(10), 4, 2000);
    }

    /** {@code --quick}: a smaller model and two short rates (its time is mostly JVM starts and training). */
    public static InferenceSettings quick() {
        return new InferenceSettings(2000, 1, List.of(100.0, 800.0), List.of(0.0, 0.2),
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 300);
    }
}
