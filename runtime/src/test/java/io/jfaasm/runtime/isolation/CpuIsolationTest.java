package io.jfaasm.runtime.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A tenant with many busy calls cannot starve another tenant's call of CPU. */
class CpuIsolationTest {

    @Test
    void aBusyTenantDoesNotStarveAnother() throws Exception {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            assumeTrue(host.cpuMode() != CpuControl.Mode.NONE,
                    "no writable cgroup on this machine: CPU is shared per thread, not per tenant");
            CompiledModule spin = host.load(Examples.bytes("loop_forever"));
            FunctionLimits threeSeconds = FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(3));
            List<CompletableFuture<CallResult>> greedy = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                greedy.add(host.submit(spin, CallRequest.of(new byte[0]).withUser("greedy"), threeSeconds));
            }
            CallResult modest = host.submit(spin, CallRequest.of(new byte[0]).withUser("modest"), threeSeconds).get();
            long greedyTotal = 0;
            for (var f : greedy) {
                CallResult r = f.get();
                assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TIMEOUT);
                greedyTotal += r.cpuNanos();
            }
            long greedyEach = greedyTotal / 8;
            // Equal shares per tenant: the modest tenant's one call gets about what the greedy
            // tenant's eight share between them. Without tenant groups it would get one ninth.
            assertThat(modest.cpuNanos()).as("modest %d ms vs each greedy call %d ms",
                    modest.cpuNanos() / 1_000_000, greedyEach / 1_000_000)
                    .isGreaterThan(3 * greedyEach);
        }
    }
}
