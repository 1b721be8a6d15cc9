package io.jfaasm.runtime.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.state.LocalTier;
import io.jfaasm.runtime.state.SharedRegion;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state half of the ABI, through real functions, with the in-process global tier. The cluster
 * module runs the same tests against Redis by overriding {@link #newGlobalTier()}.
 */
public class StateAbiTest {
    protected GlobalTier global;
    protected FaasletHost host;

    @BeforeEach
    void start() {
        global = newGlobalTier();
        host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(global));
    }

    /** The global tier the tests share between hosts. */
    protected GlobalTier newGlobalTier() {
        return new InMemoryGlobalTier();
    }

    /** A user name unique to this test run, so a shared Redis starts clean. */
    protected String user(String name) {
        return name;
    }

    @AfterEach
    void stop() {
        host.close();
        global.close();
    }

    static CallResult call(FaasletHost h, String example, String input, String user) {
        CompiledModule m = h.load(Examples.bytes(example));
        return h.call(m, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)).withUser(user),
                FunctionLimits.DEFAULTS);
    }

    CallResult call(String example, String input) {
        return call(host, example, input, user("alice"));
    }

    String globalValue(String user, String key) {
        byte[] v = global.get(new StateKey(user(user), key).globalName());
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    @Test
    void pointerWritesAreSharedOnOneHostWithoutPushOrPull() {
        assertThat(call("shared_put", "written by one Faaslet").failure()).isNull();
        CallResult r = call("shared_get", "");
        assertThat(r.failure()).as(r.toString()).isNull();
        assertThat(r.outputText()).isEqualTo("written by one Faaslet");
        assertThat(globalValue("alice", "shared")).as("nothing was pushed").isNull();
    }

    @Test
    void twoLiveFaasletsMapTheSamePages() {
        SharedRegion region = host.state().region(new StateKey(user("alice"), "pages"), 100_000);
        CompiledModule noop = host.load(Examples.bytes("noop"));
        try (Faaslet a = Faaslet.fresh(noop, FunctionLimits.DEFAULTS);
                Faaslet b = Faaslet.fresh(noop, FunctionLimits.DEFAULTS)) {
            int atA = a.memory().mapShared(region.file());
            int atB = b.memory().mapShared(region.file());
            a.memory().writeLong(atA + 99_992, 0x1122334455667788L);
            assertThat(b.memory().readLong(atB + 99_992)).isEqualTo(0x1122334455667788L);
            assertThat(region.copyOut(99_992, 8)).containsExactly(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        }
    }

    @Test
    void anotherHostSeesStateOnlyAfterPushThenPull() {
        try (FaasletHost second = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(global))) {
            call("shared_put", "v1");
            CallResult before = call(second, "shared_get", "", user("alice"));
            assertThat(before.failure()).isNotNull();
            assertThat(before.failure().message()).contains("no state value shared");

            call("shared_put", "push:v2");
            assertThat(globalValue("alice", "shared")).isEqualTo("v2");
            assertThat(call(second, "shared_get", "", user("alice")).outputText()).isEqualTo("v2");

            // the second host has its copy now: a later push is seen only after a pull there
            call("shared_put", "push:v3");
            assertThat(call(second, "shared_get", "", user("alice")).outputText()).as("no pull yet").isEqualTo("v2");
            second.state().pull(second.state().existing(new StateKey(user("alice"), "shared")));
            assertThat(call(second, "shared_get", "", user("alice")).outputText()).isEqualTo("v3");
        }
    }

    @Test
    void concurrentCountersUnderTheGlobalLockCountExactly() throws Exception {
        CompiledModule counter = host.load(Examples.bytes("counter"));
        try (FaasletHost second = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(global))) {
            CompiledModule counter2 = second.load(Examples.bytes("counter"));
            List<CompletableFuture<CallResult>> calls = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                FaasletHost h = i % 2 == 0 ? host : second; // two hosts share the global tier
                calls.add(h.submit(i % 2 == 0 ? counter : counter2,
                        CallRequest.of(new byte[0]).withUser(user("alice")), FunctionLimits.DEFAULTS));
                if (calls.size() >= 8) { // 8 in flight at a time
                    calls.get(calls.size() - 8).get();
                }
            }
            Set<String> seen = new HashSet<>();
            for (var c : calls) {
                CallResult r = c.get();
                assertThat(r.failure()).as(r.toString()).isNull();
                seen.add(r.outputText());
            }
            assertThat(seen).as("every call saw a distinct count").hasSize(800);
            byte[] v = global.get(new StateKey(user("alice"), "counter").globalName());
            assertThat(ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(800);
        }
    }

    @Test
    void partialPushSendsOnlyDirtyChunks() {
        LocalTier tier = host.state();
        SharedRegion r = tier.region(new StateKey(user("alice"), "big"), 64 * SharedRegion.CHUNK);
        tier.push(r);
        long before = global.stats().bytesWritten();
        r.copyIn(5 * SharedRegion.CHUNK + 10, new byte[] {1, 2, 3});
        r.markDirtyRange(5 * SharedRegion.CHUNK + 10, 3);
        r.copyIn(40 * SharedRegion.CHUNK, new byte[SharedRegion.CHUNK + 1]);
        r.markDirtyRange(40 * SharedRegion.CHUNK, SharedRegion.CHUNK + 1);
        tier.pushPartial(r);
        assertThat(global.stats().bytesWritten() - before).isEqualTo(3L * SharedRegion.CHUNK);
        tier.pushPartial(r);
        assertThat(global.stats().bytesWritten() - before).as("nothing dirty: nothing sent")
                .isEqualTo(3L * SharedRegion.CHUNK);
    }

    @Test
    void appendedElementsKeepTheirOrder() {
        assertThat(call("state_uses", "append_state").failure()).isNull();
        CallResult oneOnly = call("state_uses", "read_appended_state");
        assertThat(oneOnly.failure().message()).contains("has 1 appended elements, not 2");
        assertThat(call("state_uses", "append_state").failure()).isNull();
        assertThat(call("state_uses", "read_appended_state").failure()).isNull();
        assertThat(global.readAppended(new StateKey(user("alice"), "k").globalName(), 5))
                .extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("value", "value");
        assertThat(call("state_uses", "clear_appended_state").failure()).isNull();
        assertThat(global.readAppended(new StateKey(user("alice"), "k").globalName(), 5)).isEmpty();
    }

    @Test
    void usersCannotNameEachOthersKeys() {
        call(host, "shared_put", "push:alice's", user("alice"));
        CallResult bob = call(host, "shared_get", "", user("bob"));
        assertThat(bob.failure().message()).contains("no state value shared for user " + user("bob"));
        call(host, "shared_put", "push:bob's!", user("bob"));
        assertThat(globalValue("alice", "shared")).isEqualTo("alice's");
        assertThat(globalValue("bob", "shared")).isEqualTo("bob's!");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_key_pointer", "unterminated_key", "negative_length",
        "data_outside_memory", "offset_out_of_range", "wrong_total_length", "read_wrong_size",
        "read_unknown_key", "unlock_not_held", "global_unlock_not_held"})
    void misuseTrapsOneCallAndLeavesTheValueIntact(String op) {
        assertThat(call("state_hostile", "write_push").failure()).isNull();
        CallResult bad = call("state_hostile", op);
        assertThat(bad.failure()).as(op).isNotNull();
        assertThat(bad.failure().kind()).as(bad.failure().toString())
                .isIn(Failure.Kind.HOST_CALL, Failure.Kind.TRAP);
        assertThat(bad.failure().message()).contains("__faasm_");
        assertThat(globalValue("alice", "v")).isEqualTo("0123456789abcdef");
        CallResult read = call("state_hostile", "read");
        assertThat(read.outputText()).as("local value intact").isEqualTo("0123456789abcdef");
    }

    @Test
    void locksHeldByATrappedCallAreReleased() {
        assertThat(call("state_hostile", "write_push").failure()).isNull();
        CallResult trapped = call("state_hostile", "lock_then_trap");
        assertThat(trapped.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        CallResult next = call("state_hostile", "lock_and_unlock");
        assertThat(next.failure()).as("locks were released when the trapped call ended").isNull();
    }

    @Test
    void theJavaApiSeesWhatFunctionsPushAndFunctionsSeeWhatItSets() {
        var api = host.stateApi();
        call("shared_put", "push:from wasm");
        assertThat(new String(api.get(user("alice"), "shared"), StandardCharsets.UTF_8)).isEqualTo("from wasm");
        assertThat(call("shared_get", "").outputText()).isEqualTo("from wasm");
        api.set(user("alice"), "shared", "from java".getBytes(StandardCharsets.UTF_8));
        assertThat(call("shared_get", "").outputText()).as("set marks the local copy stale").isEqualTo("from java");
        assertThat(api.keys(user("alice"))).contains("shared");
        assertThat(api.keys(user("bob"))).doesNotContain("shared");
        assertThat(api.delete(user("alice"), "shared")).isTrue();
        assertThat(api.get(user("alice"), "shared")).isNull();
        assertThat(call("shared_get", "").failure().message()).contains("no state value shared");
    }

    @Test
    void sgdWorkersUpdateSharedWeightsInPlace() throws Exception {
        CompiledModule sgd = host.load(Examples.bytes("sgd_step"));
        List<CompletableFuture<CallResult>> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(host.submit(sgd, CallRequest.of(((i + 1) + " 2000 256").getBytes()).withUser(user("alice")),
                    FunctionLimits.DEFAULTS));
        }
        for (var w : workers) {
            assertThat(w.get().outputText()).startsWith("updates=2000 hinge=");
        }
        // a later worker pushes: the weights every worker trained are in the global tier
        CallResult last = host.call(sgd, CallRequest.of("9 2000 256 push".getBytes()).withUser(user("alice")),
                FunctionLimits.DEFAULTS);
        double hinge = Double.parseDouble(last.outputText().replaceAll(".*hinge=", ""));
        assertThat(hinge).as("trained weights give a low loss on new examples").isLessThan(0.9);
        assertThat(global.size(new StateKey(user("alice"), "weights").globalName())).isEqualTo(256 * 4);
    }
}
