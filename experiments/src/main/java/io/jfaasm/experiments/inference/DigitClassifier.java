package io.jfaasm.experiments.inference;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The digit classifier's two wasm functions (experiments/functions/mnist_*.c) on a host: training
 * writes the weights to state; the inference function, loaded after, maps them in its zygote.
 */
public final class DigitClassifier {
    /** The state keys of mnist_model.h. */
    public static final String WEIGHTS_KEY = "mnist_weights";
    public static final String TRAIN_KEY = "mnist_train";
    /** Size of the weights value: 784x128 + 128 + 128x10 + 10 float32. */
    public static final int WEIGHT_BYTES = (784 * 128 + 128 + 128 * 10 + 10) * 4;
    static final FunctionLimits TRAINING_LIMITS = FunctionLimits.DEFAULTS.withTimeout(Duration.ofMinutes(20));

    /** What training reported: mean loss and accuracy on the training digits in its last epoch. */
    public record Training(double loss, double trainAccuracy, double seconds) {}

    private DigitClassifier() {}

    /** A function of experiments/functions, from the classpath. */
    public static byte[] wasm(String name) {
        try (InputStream in = DigitClassifier.class.getResourceAsStream("/experiments/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalStateException("experiments/" + name + ".wasm is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Trains on the first {@code examples} digits of {@code train} in a Faaslet of {@code host}
     * (user {@code user}); the weights end up in that user's state, pushed to the global tier.
     */
    public static Training train(FaasletHost host, String user, MnistDigits train, long seed, int epochs,
            int examples) {
        host.stateApi().set(user, TRAIN_KEY, train.records(examples));
        CompiledModule fn = host.load(wasm("mnist_train"), user);
        try {
            long start = System.nanoTime();
            CallResult r = host.call(fn, CallRequest.of((seed + " " + epochs + " " + examples)
                    .getBytes(StandardCharsets.US_ASCII)).withUser(user), TRAINING_LIMITS);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (r.failed() || r.returnCode() != 0) {
                throw new IllegalStateException("training failed: " + r + " " + r.stderrText());
            }
            String[] f = r.outputText().split("[ =]");
            return new Training(Double.parseDouble(f[1]), Double.parseDouble(f[3]), seconds);
        } finally {
            host.unload(fn);
        }
    }

    /** The weights training left in {@code user}'s state. */
    public static byte[] weights(FaasletHost host, String user) {
        return host.stateApi().get(user, WEIGHTS_KEY);
    }

    /** Loads the inference function for {@code user}: its zygote maps that user's weights. */
    public static CompiledModule loadInference(FaasletHost host, String user) {
        return host.load(wasm("mnist_infer"), user);
    }

    /** The digit an inference call answered, or a failure. */
    public static int digitOf(CallResult r) {
        if (r.failed() || r.returnCode() != 0) {
            throw new IllegalStateException("inference call failed: " + r + " " + r.stderrText());
        }
        return digitOf(r.output());
    }

    /** The digit in an inference call's output (one ASCII digit). */
    static int digitOf(byte[] output) {
        if (output.length != 1 || output[0] < '0' || output[0] > '9') {
            throw new IllegalStateException("not a digit: " + output.length + " bytes of output");
        }
        return output[0] - '0';
    }

    /** The share of {@code test} the inference function classifies right, one call per digit. */
    public static double accuracy(FaasletHost host, CompiledModule infer, String user, MnistDigits test) {
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            CallResult r = host.call(infer, CallRequest.of(test.pixels().get(i)).withUser(user), FunctionLimits.DEFAULTS);
            right += digitOf(r) == test.labels()[i] ? 1 : 0;
        }
        return (double) right / test.size();
    }
}
