package io.jfaasm.runtime.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The isolated-state baseline: no page of a state value is shared between two calls' Faaslets. */
class IsolatedStateTest {
    private static final String KEY = new StateKey(CallRequest.DEFAULT_USER, "shared").globalName();

    @Test
    void normalModeSharesThePagesOfAValue() {
        try (InMemoryGlobalTier global = new InMemoryGlobalTier();
                FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(global))) {
            global.set(KEY, bytes("old!"));
            assertThat(call(host, "shared_put", "new!").failure()).isNull();
            assertThat(call(host, "shared_get", "").outputText()).as("the same pages, no push").isEqualTo("new!");
            assertThat(host.state().regionCount()).isEqualTo(1);
        }
    }

    @Test
    void isolatedModeGivesEachCallAPrivateCopy() {
        try (InMemoryGlobalTier global = new InMemoryGlobalTier();
                FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(global)
                        .withIsolatedState(true))) {
            global.set(KEY, bytes("old!"));
            assertThat(call(host, "shared_put", "new!").failure()).isNull();
            CallResult r = call(host, "shared_get", "");
            assertThat(r.failure()).isNull();
            assertThat(r.outputText()).as("a pointer write stays in the writer's copy").isEqualTo("old!");
            assertThat(host.state().regionCount()).as("nothing in the host's shared tier").isZero();

            assertThat(call(host, "shared_put", "push:new!").failure()).isNull();
            assertThat(call(host, "shared_get", "").outputText()).as("pushed, then pulled by the reader")
                    .isEqualTo("new!");
        }
    }

    private static CallResult call(FaasletHost host, String example, String input) {
        return host.call(host.load(Examples.bytes(example)), CallRequest.of(bytes(input)), FunctionLimits.DEFAULTS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
