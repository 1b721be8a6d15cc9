package io.jfaasm.experiments.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The inference function's zygote maps the weights once, and every Faaslet restored from its
 * snapshot reads the host's shared copy: a change to the state after load is seen by warm and
 * newly restored Faaslets alike (a private copy frozen into the snapshot would not see it).
 * Needs no digits: weights whose only non-zero value is one output bias answer that digit.
 */
class ZygoteWeightsTest {
    static final String USER = "tenant";

    static byte[] weightsAnswering(int digit) {
        ByteBuffer b = ByteBuffer.allocate(DigitClassifier.WEIGHT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int b2 = 784 * 128 + 128 + 128 * 10;
        b.putFloat((b2 + digit) * 4, 1.0f);
        return b.array();
    }

    @Test
    void restoredAndWarmFaasletsSeeTheSharedWeights() {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            host.stateApi().set(USER, DigitClassifier.WEIGHTS_KEY, weightsAnswering(3));
            CompiledModule infer = DigitClassifier.loadInference(host, USER);
            CallRequest digit = CallRequest.of(new byte[784]).withUser(USER);
            assertThat(DigitClassifier.digitOf(host.call(infer, digit, FunctionLimits.DEFAULTS))).isEqualTo(3);

            // a write to this host's copy, as a Faaslet's write_state would make
            host.state().write(new StateKey(USER, DigitClassifier.WEIGHTS_KEY), weightsAnswering(7));
            // a Faaslet goes back to its pool just after its caller has the result: wait for that
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (host.idleFaaslets() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            CallResult warm = host.call(infer, digit, FunctionLimits.DEFAULTS);
            assertThat(warm.start()).isEqualTo(CallResult.StartKind.WARM);
            assertThat(DigitClassifier.digitOf(warm)).isEqualTo(7);

            ProtoFaaslet proto = host.proto(infer);
            try (Faaslet fresh = proto.restore(FunctionLimits.DEFAULTS)) {
                CallResult r = fresh.call(digit, FunctionLimits.DEFAULTS, host.state(), () -> false);
                assertThat(DigitClassifier.digitOf(r)).isEqualTo(7);
            }
            assertThat(proto.mapsState()).isTrue();
        }
    }

    @Test
    void withoutWeightsTheLoadFailsWithTheReason() {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DigitClassifier.loadInference(host, USER))
                    .hasMessageContaining("no state value mnist_weights");
        }
    }
}
