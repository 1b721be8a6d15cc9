package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.InvalidModuleException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    @TempDir
    Path dataDir;
    FaasletHost host;
    Scheduler scheduler;
    final List<CallResult> finished = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        scheduler = newScheduler(Scheduler.Config.defaults("h1"));
    }

    Scheduler newScheduler(Scheduler.Config config) {
        return new Scheduler(host, new DirectoryFunctionStore(dataDir.resolve("functions")), config,
                (record, result) -> finished.add(result));
    }

    @AfterEach
    void stop() {
        scheduler.close();
        host.close();
    }

    static final FunctionId SQUARE = new FunctionId("demo", "square");
    static final FunctionId FANOUT = new FunctionId("demo", "fanout");

    CallRecord callAndWait(FunctionId id, String input) throws Exception {
        CallRecord r = scheduler.submit(id, input.getBytes(StandardCharsets.UTF_8));
        return r.done().get(60, TimeUnit.SECONDS);
    }

    static String out(CallRecord r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @Test
    void uploadThenCallKeepsARecord() throws Exception {
        FunctionInfo info = scheduler.upload(SQUARE, Examples.bytes("square"));
        assertThat(info.sha256()).hasSize(64);
        CallRecord r = callAndWait(SQUARE, "12");
        assertThat(r.status()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).isZero();
        assertThat(out(r)).isEqualTo("144");
        assertThat(r.host()).isEqualTo("h1");
        assertThat(r.startedAt()).isAfterOrEqualTo(r.submittedAt());
        assertThat(scheduler.record(r.id())).containsSame(r);
        assertThat(finished).hasSize(1);
    }

    @Test
    void fanoutChainsByNameAndByPointer() throws Exception {
        scheduler.upload(SQUARE, Examples.bytes("square"));
        scheduler.upload(FANOUT, Examples.bytes("fanout"));
        assertThat(out(callAndWait(FANOUT, "20"))).isEqualTo("2870");
        assertThat(out(callAndWait(FANOUT, "ptr:20"))).isEqualTo("2870");
        long children = finished.size() - 2;
        assertThat(children).as("every chained call is a real call with its own record").isEqualTo(40);
    }

    @Test
    void fanoutOnAFullHostDoesNotDeadlock() throws Exception {
        scheduler.close();
        scheduler = newScheduler(Scheduler.Config.defaults("h1").withSlots(2, 1000));
        scheduler.upload(SQUARE, Examples.bytes("square"));
        scheduler.upload(FANOUT, Examples.bytes("fanout"));
        List<CallRecord> parents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            parents.add(scheduler.submit(FANOUT, "30".getBytes()));
        }
        for (CallRecord p : parents) {
            assertThat(out(p.done().get(60, TimeUnit.SECONDS))).isEqualTo("9455");
        }
    }

    @Test
    void aFailedChildGivesTheParentANonZeroAwaitCode() throws Exception {
        scheduler.upload(FANOUT, Examples.bytes("fanout"));
        scheduler.upload(SQUARE, Examples.bytes("trap")); // every "square" traps
        CallRecord r = callAndWait(FANOUT, "3");
        assertThat(r.status()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).as("fanout returns 1 when a child failed").isEqualTo(1);
    }

    @Test
    void chainingAnUnknownFunctionFailsTheParentClearly() throws Exception {
        scheduler.upload(FANOUT, Examples.bytes("fanout"));
        CallRecord r = callAndWait(FANOUT, "2");
        assertThat(r.status()).isEqualTo(CallStatus.FAILED);
        assertThat(r.error()).contains("no function square for user demo");
    }

    @Test
    void aTrapGivesAFailedRecordAndTheSchedulerGoesOn() throws Exception {
        FunctionId trap = new FunctionId("demo", "trap");
        scheduler.upload(trap, Examples.bytes("trap"));
        scheduler.upload(SQUARE, Examples.bytes("square"));
        CallRecord r = callAndWait(trap, "");
        assertThat(r.status()).isEqualTo(CallStatus.FAILED);
        assertThat(r.returnCode()).isEqualTo(-1);
        assertThat(r.error()).containsIgnoringCase("unreachable");
        assertThat(out(callAndWait(SQUARE, "3"))).isEqualTo("9");
    }

    @Test
    void declarationsSurviveARestartAndOldOrDamagedDescriptionsLoadWithTheDefaults() throws Exception {
        NetworkPolicy declared = new NetworkPolicy(List.of("127.0.0.1:8000-8099"), 4096, 2);
        scheduler.upload(SQUARE, Examples.bytes("square"), true, declared);
        scheduler.setUserAllowList("demo", List.of("db.internal:5432"));
        FunctionId old = new FunctionId("demo", "old");
        FunctionId damaged = new FunctionId("demo", "damaged");
        Path functions = dataDir.resolve("functions/demo");
        Files.write(functions.resolve("old.wasm"), Examples.bytes("square")); // stored before descriptions were kept
        scheduler.upload(damaged, Examples.bytes("square"), true, declared);
        Files.writeString(functions.resolve("damaged.wasm.info"), "v1 not a description");
        scheduler.close();

        scheduler = newScheduler(Scheduler.Config.defaults("h1"));
        FunctionInfo kept = scheduler.function(SQUARE).orElseThrow();
        assertThat(kept.network()).isEqualTo(declared);
        assertThat(kept.idempotent()).isTrue();
        assertThat(scheduler.network(kept).allow()).containsExactly("127.0.0.1:8000-8099", "db.internal:5432");
        for (FunctionId f : List.of(old, damaged)) {
            FunctionInfo info = scheduler.function(f).orElseThrow();
            assertThat(info.network()).as(f.name()).isEqualTo(NetworkPolicy.DENY_ALL);
            assertThat(info.idempotent()).isFalse();
            assertThat(out(callAndWait(f, "5"))).isEqualTo("25");
        }
        assertThatThrownBy(() -> scheduler.setUserAllowList("demo", List.of("no-port")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected HOST:PORT");
        assertThat(scheduler.userAllowList("demo")).as("the old list is kept").containsExactly("db.internal:5432");
    }

    @Test
    void unknownFunctionsAndBadModulesAreRefused() {
        assertThatThrownBy(() -> scheduler.submit(new FunctionId("demo", "nope"), new byte[0]))
                .isInstanceOf(UnknownFunctionException.class).hasMessageContaining("no function nope");
        assertThatThrownBy(() -> scheduler.upload(SQUARE, "not wasm".getBytes()))
                .isInstanceOf(InvalidModuleException.class);
        assertThat(scheduler.functions("demo")).isEmpty();
        assertThatThrownBy(() -> new FunctionId("demo", "../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FunctionId("..", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullQueueRefusesNewCalls() throws Exception {
        scheduler.close();
        scheduler = newScheduler(new Scheduler.Config("h1", 1, 2, 1, Duration.ofMinutes(1),
                FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(2))));
        FunctionId loop = new FunctionId("demo", "loop");
        scheduler.upload(loop, Examples.bytes("loop_forever"));
        List<CallRecord> accepted = new ArrayList<>();
        accepted.add(scheduler.submit(loop, new byte[0]));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (scheduler.running() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        accepted.add(scheduler.submit(loop, new byte[0]));
        accepted.add(scheduler.submit(loop, new byte[0]));
        assertThatThrownBy(() -> scheduler.submit(loop, new byte[0])).isInstanceOf(QueueFullException.class);
        for (CallRecord r : accepted) {
            assertThat(r.done().get(30, TimeUnit.SECONDS).error()).contains("wall-time limit");
        }
    }

    @Test
    void aReUploadReplacesTheFunctionAndARestartLosesNothing() throws Exception {
        scheduler.upload(SQUARE, Examples.bytes("square"));
        assertThat(out(callAndWait(SQUARE, "5"))).isEqualTo("25");
        scheduler.upload(SQUARE, Examples.bytes("echo")); // a new version under the same name
        assertThat(out(callAndWait(SQUARE, "5"))).isEqualTo("5");
        scheduler.close();
        scheduler = newScheduler(Scheduler.Config.defaults("h1")); // a restart on the same data dir
        assertThat(scheduler.functions("demo")).extracting(i -> i.id().name()).containsExactly("square");
        assertThat(out(callAndWait(SQUARE, "7"))).isEqualTo("7");
        assertThat(scheduler.delete(SQUARE)).isTrue();
        assertThat(scheduler.functions(null)).isEmpty();
    }
}
