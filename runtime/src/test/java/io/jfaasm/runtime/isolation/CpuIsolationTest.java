package io.jfaasm.runtime.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.CallStatus;
import io.jfaasm.runtime.scheduler.DirectoryFunctionStore;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant with many busy calls cannot starve another tenant's call of CPU: through cgroups where
 * they are writable, and through the scheduler's fair slots in every mode (tested here with
 * cgroups forced off, as on a host without them).
 */
class CpuIsolationTest {
    static final FunctionId GREEDY = new FunctionId("greedy", "spin");
    static final FunctionId MODEST = new FunctionId("modest", "spin");

    /** A host without cgroups and a scheduler of {@code slots} slots, the spin function uploaded for both tenants. */
    record Rig(FaasletHost host, Scheduler scheduler, List<CallRecord> finished) implements AutoCloseable {
        static Rig start(Path dir, int slots) {
            FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withCpuGroups(false));
            List<CallRecord> finished = new CopyOnWriteArrayList<>();
            Scheduler s = new Scheduler(host, new DirectoryFunctionStore(dir),
                    Scheduler.Config.defaults("h").withSlots(slots, 1000), (record, result) -> finished.add(record));
            s.upload(GREEDY, Examples.bytes("spin"));
            s.upload(MODEST, Examples.bytes("spin"));
            return new Rig(host, s, finished);
        }

        List<CallRecord> submit(FunctionId f, int n, int ms) {
            List<CallRecord> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(scheduler.submit(f, Integer.toString(ms).getBytes(StandardCharsets.UTF_8)));
            }
            return out;
        }

        @Override
        public void close() {
            scheduler.close();
            host.close();
        }
    }

    static void awaitAll(List<CallRecord> calls) throws Exception {
        for (CallRecord r : calls) {
            assertThat(r.done().get(120, TimeUnit.SECONDS).status()).isEqualTo(CallStatus.DONE);
        }
    }

    @Test
    void withoutCgroupsAQueuedTenantGetsEveryOtherSlot(@TempDir Path dir) throws Exception {
        try (Rig rig = Rig.start(dir, 1)) {
            assertThat(rig.host().cpuMode()).isEqualTo(CpuControl.Mode.NONE);
            List<CallRecord> greedy = rig.submit(GREEDY, 8, 20);
            List<CallRecord> modest = rig.submit(MODEST, 3, 20);
            awaitAll(greedy);
            awaitAll(modest);
            // one slot: calls finish in the order they start. First come, first served would run
            // modest's calls 9th to 11th; fair slots run each within two of greedy's.
            List<String> order = rig.finished().stream().map(r -> r.function().user()).toList();
            assertThat(order).hasSize(11);
            assertThat(order.subList(0, 7)).as("start order %s", order).filteredOn("modest"::equals).hasSize(3);
        }
    }

    @Test
    void withoutCgroupsTwoBusyTenantsShareTheSlotsEvenly(@TempDir Path dir) throws Exception {
        try (Rig rig = Rig.start(dir, 2)) {
            List<CallRecord> greedy = rig.submit(GREEDY, 12, 40);
            List<CallRecord> modest = rig.submit(MODEST, 6, 40);
            awaitAll(greedy);
            awaitAll(modest);
            // while both had calls queued (the first 12 to finish), each tenant's CPU time
            List<CallRecord> contended = rig.finished().subList(0, 12);
            long greedyCpu = cpu(contended, "greedy");
            long modestCpu = cpu(contended, "modest");
            double modestShare = modestCpu / (double) (greedyCpu + modestCpu);
            System.out.printf("fair slots, no cgroups: modest %.0f%% of the CPU while both queued"
                    + " (greedy %d ms, modest %d ms); first come, first served would give it 0%%%n",
                    modestShare * 100, greedyCpu / 1_000_000, modestCpu / 1_000_000);
            // greedy took both slots before modest's calls arrived, then each holds one: 7 greedy and
            // 5 modest finish first when calls take equal time; first come, first served gives 0.
            // One call of margin for a noisy machine.
            assertThat(contended).filteredOn(r -> r.function().user().equals("modest")).hasSizeGreaterThanOrEqualTo(4);
            assertThat(modestShare).as("5 of 12 calls is fair; a generous margin for a loaded machine").isGreaterThan(0.25);
        }
    }

    static long cpu(List<CallRecord> calls, String user) {
        return calls.stream().filter(r -> r.function().user().equals(user)).mapToLong(r -> r.result().cpuNanos()).sum();
    }

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
