package io.jfaasm.runtime.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.memory.MemoryImage;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proto-Faaslets: every call starts from the snapshot taken after initialisation. */
class ProtoFaasletTest {
    FaasletHost host;

    @BeforeEach
    void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
    }

    @AfterEach
    void stop() {
        host.close();
    }

    CallResult call(CompiledModule m, String input) {
        CallResult r = host.call(m, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)), FunctionLimits.DEFAULTS);
        assertThat(r.failure()).as(r.toString()).isNull();
        return r;
    }

    @Test
    void aStaticCounterIsOneOnEveryCall() {
        CompiledModule m = host.load(Examples.bytes("static_counter"));
        for (int i = 0; i < 50; i++) {
            assertThat(call(m, "").outputText()).isEqualTo("1");
        }
        // a Faaslet goes back to its pool just after its caller has the result: wait for that
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (host.idleFaaslets() == 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(host.idleFaaslets()).as("Faaslets are reused, reset between calls").isPositive();
    }

    @Test
    void aSecretWrittenByOneCallIsNeverSeenByTheNext() throws Exception {
        CompiledModule m = host.load(Examples.bytes("secret"));
        assertThat(call(m, "alice's secret").outputText()).isEmpty();
        for (int i = 0; i < 20; i++) {
            String user = i % 2 == 0 ? "alice" : "bob"; // the same user and another one
            CallResult r = host.call(m, CallRequest.of(("secret " + i).getBytes()).withUser(user),
                    FunctionLimits.DEFAULTS);
            assertThat(r.outputText()).as("call %d by %s", i, user).isEmpty();
        }
        // concurrently too: several Faaslets of the pool in use at once
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<CallResult>>();
        for (int i = 0; i < 40; i++) {
            futures.add(host.submit(m, CallRequest.of(("tenant " + i).getBytes()), FunctionLimits.DEFAULTS));
        }
        for (var f : futures) {
            assertThat(f.get().outputText()).isEmpty();
        }
    }

    @Test
    void theZygoteRunsOncePerLoadNotPerCall() {
        CompiledModule m = host.load(Examples.bytes("zygote"));
        for (int i = 0; i < 30; i++) {
            assertThat(call(m, "").outputText()).isEqualTo("setups=1 calls=1 primes=148933");
        }
        assertThat(host.initialisations()).isEqualTo(1);
        assertThat(host.proto(m).initNanos()).isPositive();
    }

    @Test
    void aRestoredFaasletEqualsTheSnapshotBeforeAndAfterACall() {
        CompiledModule m = host.load(Examples.bytes("zygote"));
        Snapshot snapshot = host.proto(m).snapshot();
        try (Faaslet f = host.proto(m).restore(FunctionLimits.DEFAULTS)) {
            assertEqualsSnapshot(f, snapshot);
            assertThat(f.call(CallRequest.of(new byte[0]), FunctionLimits.DEFAULTS, null, () -> false).failure()).isNull();
            f.reset(snapshot);
            assertEqualsSnapshot(f, snapshot);
        }
    }

    static void assertEqualsSnapshot(Faaslet f, Snapshot s) {
        assertThat(f.memory().pages()).isEqualTo(s.memory().pages());
        Map<Integer, byte[]> pages = new HashMap<>();
        s.memory().forEachNonZeroPage((bytes, index) -> pages.put(index, bytes));
        byte[] zero = new byte[MemoryImage.HOST_PAGE];
        for (int i = 0; i < f.memory().sizeInBytes() / MemoryImage.HOST_PAGE; i++) {
            byte[] actual = f.memory().readBytes(i * MemoryImage.HOST_PAGE, MemoryImage.HOST_PAGE);
            assertThat(actual).as("host page %d", i).isEqualTo(pages.getOrDefault(i, zero));
        }
        Instance instance = f.instance();
        for (int i = 0; i < s.globalIndices().length; i++) {
            assertThat(instance.global(s.globalIndices()[i]).getValue()).isEqualTo(s.globalValues()[i]);
        }
        for (int t = 0; t < s.tables().length; t++) {
            TableInstance table = instance.table(t);
            assertThat(table.size()).isEqualTo(s.tables()[t].length);
            for (int i = 0; i < table.size(); i++) {
                assertThat(table.ref(i)).isEqualTo(s.tables()[t][i]);
            }
        }
    }

    @Test
    void aReloadedDifferentModuleNeverRestoresTheOldSnapshot() {
        CompiledModule counter = host.load(Examples.bytes("static_counter"));
        CompiledModule hello = host.load(Examples.bytes("hello"));
        assertThat(host.proto(counter).snapshot().moduleSha256()).isEqualTo(counter.sha256());
        assertThat(host.proto(hello).snapshot().moduleSha256()).isEqualTo(hello.sha256());
        assertThatThrownBy(() -> new ProtoFaaslet(hello, host.proto(counter).snapshot(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot restore");
        assertThat(call(hello, "x").outputText()).isEqualTo("Hello x");
        host.unload(counter);
        assertThat(host.proto(counter)).isNull();
    }

    @Test
    void aSnapshotSharedThroughTheGlobalTierIsRestoredWithoutInitialising() {
        InMemoryGlobalTier tier = new InMemoryGlobalTier();
        FaasletHost.Config shared = FaasletHost.Config.defaults().withSnapshotTier(tier);
        try (FaasletHost first = FaasletHost.create(shared); FaasletHost second = FaasletHost.create(shared)) {
            CompiledModule a = first.load(Examples.bytes("zygote"));
            CompiledModule b = second.load(Examples.bytes("zygote"));
            assertThat(first.initialisations()).isEqualTo(1);
            assertThat(second.initialisations()).as("the second host restored, not initialised").isZero();
            CallResult ra = first.call(a, CallRequest.of(new byte[0]), FunctionLimits.DEFAULTS);
            CallResult rb = second.call(b, CallRequest.of(new byte[0]), FunctionLimits.DEFAULTS);
            assertThat(rb.outputText()).isEqualTo(ra.outputText()).isEqualTo("setups=1 calls=1 primes=148933");
        }
    }

    @Test
    void snapshotsRoundTripThroughBytesAndRefuseOtherModulesAndDamage() {
        CompiledModule m = host.load(Examples.bytes("zygote"));
        Snapshot original = host.proto(m).snapshot();
        byte[] bytes = SnapshotCodec.encode(original);
        assertThat((long) bytes.length).as("compressed, zero pages left out")
                .isLessThan(original.memory().sizeInBytes() / 4);
        try (Snapshot copy = SnapshotCodec.decode(bytes, m.sha256());
                Faaslet f = Faaslet.restore(m, copy, FunctionLimits.DEFAULTS)) {
            assertEqualsSnapshot(f, original);
        }
        assertThatThrownBy(() -> SnapshotCodec.decode(bytes, "0".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of");
        byte[] damaged = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> SnapshotCodec.decode(damaged, m.sha256()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SnapshotCodec.decode("junk".getBytes(), m.sha256()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idleFaasletsAreTrimmedAfterTheirTimeout() throws Exception {
        try (FaasletHost quick = FaasletHost.create(FaasletHost.Config.defaults()
                .withIdle(4, Duration.ofMillis(200)))) {
            CompiledModule m = quick.load(Examples.bytes("hello"));
            quick.call(m, CallRequest.of("x".getBytes()), FunctionLimits.DEFAULTS);
            assertThat(waitFor(() -> quick.idleFaaslets() == 1)).as("returned to the pool").isTrue();
            assertThat(waitFor(() -> quick.idleFaaslets() == 0)).as("trimmed when idle").isTrue();
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    void aFailedCallsFaasletIsNotReused() {
        CompiledModule trap = host.load(Examples.bytes("trap"));
        CallResult r = host.call(trap, CallRequest.of(new byte[0]), FunctionLimits.DEFAULTS);
        assertThat(r.failed()).isTrue();
        assertThat(host.idleFaaslets()).isZero();
    }
}
