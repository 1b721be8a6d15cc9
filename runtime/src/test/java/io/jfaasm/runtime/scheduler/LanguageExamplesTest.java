package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Rust and AssemblyScript examples (examples/rust, examples/assemblyscript, built from their
 * sources by sdk/build-language-examples.sh; CI checks the committed modules match) through a
 * scheduler: hello answers, the counter counts exactly under concurrency, fanout chains.
 */
class LanguageExamplesTest {
    @TempDir
    Path dataDir;
    FaasletHost host;
    Scheduler scheduler;
    final List<CallRecord> finished = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        scheduler = new Scheduler(host, new DirectoryFunctionStore(dataDir.resolve("functions")),
                Scheduler.Config.defaults("h1"), (record, result) -> finished.add(record));
    }

    @AfterEach
    void stop() {
        scheduler.close();
        host.close();
    }

    CallRecord call(FunctionId id, String input) throws Exception {
        return scheduler.submit(id, input.getBytes(StandardCharsets.UTF_8)).done().get(60, TimeUnit.SECONDS);
    }

    static String out(CallRecord r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rust", "assemblyscript"})
    void helloAnswers(String lang) throws Exception {
        FunctionId hello = new FunctionId("demo", "hello");
        scheduler.upload(hello, Examples.bytes(lang + "/hello"));
        CallRecord r = call(hello, "world");
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).isZero();
        assertThat(out(r)).isEqualTo("Hello world");
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).as("its stdout, in the call's logs")
                .startsWith("hello from a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rust", "assemblyscript"})
    void counterCountsExactlyUnderConcurrency(String lang) throws Exception {
        FunctionId counter = new FunctionId("demo", "counter");
        scheduler.upload(counter, Examples.bytes(lang + "/counter"));
        int n = 40;
        List<CallRecord> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(scheduler.submit(counter, new byte[0]));
        }
        List<Integer> seen = new ArrayList<>();
        for (CallRecord c : calls) {
            CallRecord r = c.done().get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
            seen.add(Integer.parseInt(out(r)));
        }
        // Each call saw a distinct value: no two read the same count under the lock.
        assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
        assertThat(out(call(counter, ""))).as("the pushed count").isEqualTo(String.valueOf(n + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rust", "assemblyscript"})
    void fanoutChainsByNameAndByPointer(String lang) throws Exception {
        FunctionId fanout = new FunctionId("demo", "fanout");
        scheduler.upload(new FunctionId("demo", "square"), Examples.bytes("square")); // the C example
        scheduler.upload(fanout, Examples.bytes(lang + "/fanout"));
        CallRecord byName = call(fanout, "20");
        assertThat(byName.status()).as(byName.error()).isEqualTo(CallStatus.DONE);
        assertThat(out(byName)).isEqualTo("2870");
        CallRecord byPointer = call(fanout, "ptr:20");
        assertThat(byPointer.status()).as(byPointer.error()).isEqualTo(CallStatus.DONE);
        assertThat(out(byPointer)).isEqualTo("2870");
        assertThat(byPointer.returnCode()).isZero();
        assertThat(finished).as("40 chained calls and their 2 parents").hasSize(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rust", "assemblyscript"})
    void fanoutReportsAFailedChild(String lang) throws Exception {
        FunctionId fanout = new FunctionId("demo", "fanout");
        scheduler.upload(new FunctionId("demo", "square"), Examples.bytes("trap")); // every child traps
        scheduler.upload(fanout, Examples.bytes(lang + "/fanout"));
        CallRecord r = call(fanout, "3");
        assertThat(r.status()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).isEqualTo(1);
    }
}
