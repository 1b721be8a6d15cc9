package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python functions (examples/python) under the pinned CPython WASI interpreter, through a scheduler. */
class PythonFunctionsTest {
    @TempDir
    static Path dataDir;
    static FaasletHost host;
    static Scheduler scheduler;
    static final java.util.List<CallRecord> finished = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        if (!PythonRuntime.available()) {
            return; // each test is then reported skipped, with the reason (see needsTheInterpreter)
        }
        // the interpreter's compiled code is cached next to it: compiled once per machine, not per run
        host = FaasletHost.create(FaasletHost.Config.defaults()
                .withCodeCacheDir(PythonRuntime.location().resolveSibling("code-cache")));
        scheduler = new Scheduler(host, new DirectoryFunctionStore(dataDir.resolve("functions")),
                Scheduler.Config.defaults("h1").withLimits(FunctionLimits.DEFAULTS.withMaxOutputBytes(1024 * 1024)),
                (record, result) -> finished.add(record));
        // one after the other: on 2 cores, zygotes side by side took longer in all (measured)
        for (String name : java.util.List.of("hello", "counter", "fanout", "square", "fails", "isolated",
                "refusals", "exit_codes")) {
            upload(name);
        }
    }

    static FunctionId id(String name) {
        return new FunctionId("py", name);
    }

    /** An aborted @BeforeAll would show as no test at all: each test says why it is skipped. */
    @BeforeEach
    void needsTheInterpreter() {
        assumeTrue(host != null, () -> "skipped: the Python interpreter (" + PythonRuntime.NPM_PACKAGE
                + ") is not at " + PythonRuntime.location() + ": run sdk/python/fetch-python.sh (needs npm)");
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
            host.close();
        }
    }

    static FunctionId upload(String name) {
        FunctionId id = new FunctionId("py", name);
        FunctionInfo info = scheduler.upload(id, PythonPackage.of(source(name)));
        System.err.println("python " + name + ": loaded in " + info.compileMillis() + " ms");
        return id;
    }

    static byte[] source(String name) {
        try (java.io.InputStream test = PythonFunctionsTest.class.getResourceAsStream("/python/" + name + ".py")) {
            if (test != null) {
                return test.readAllBytes();
            }
            return java.nio.file.Files.readAllBytes(Examples.dir().resolve("python").resolve(name + ".py"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static CallRecord call(FunctionId id, String input) throws Exception {
        return scheduler.submit(id, input.getBytes(StandardCharsets.UTF_8)).done().get(60, TimeUnit.SECONDS);
    }

    static String out(CallRecord r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @Test
    void helloAnswers() throws Exception {
        FunctionId hello = id("hello");
        CallRecord r = call(hello, "world");
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).isZero();
        assertThat(out(r)).isEqualTo("Hello world");
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).as("print goes to the call's logs")
                .isEqualTo("hello from a Python Faaslet\n");
    }

    @Test
    void counterCountsExactlyUnderConcurrency() throws Exception {
        FunctionId counter = id("counter");
        int n = 20;
        java.util.List<CallRecord> calls = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(scheduler.submit(counter, new byte[0]));
        }
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        for (CallRecord c : calls) {
            CallRecord r = c.done().get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.error() + " " + new String(r.stderr(), StandardCharsets.UTF_8))
                    .isEqualTo(CallStatus.DONE);
            assertThat(r.returnCode()).isZero();
            seen.add(Integer.parseInt(out(r)));
        }
        // each call saw a distinct count: no two read the same value under the global lock
        assertThat(seen).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
        assertThat(out(call(counter, ""))).as("the pushed count").isEqualTo(String.valueOf(n + 1));
    }

    @Test
    void fanoutChainsOtherFunctions() throws Exception {
        FunctionId fanout = id("fanout");
        // square.py: Python chaining Python, 20 Faaslets of square while fanout waits
        CallRecord r = call(fanout, "20");
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).as(new String(r.stderr(), StandardCharsets.UTF_8)).isZero();
        assertThat(out(r)).isEqualTo("2870"); // 1^2 + ... + 20^2

        scheduler.upload(new FunctionId("py", "square"), Examples.bytes("square")); // now the C example
        CallRecord c = call(fanout, "20");
        assertThat(c.returnCode()).as(new String(c.stderr(), StandardCharsets.UTF_8)).isZero();
        assertThat(out(c)).isEqualTo("2870");
    }

    @Test
    void anExceptionFailsTheCallWithItsTraceback() throws Exception {
        FunctionId fails = id("fails");
        CallRecord r = call(fails, "not a number");
        assertThat(r.returnCode()).isEqualTo(1);
        // as for C: the function ran to its end and failed with return code 1 (a trap would be FAILED)
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        String logs = new String(r.stderr(), StandardCharsets.UTF_8);
        assertThat(logs).startsWith("Traceback (most recent call last):")
                .contains("function.py\", line 6, in parse")
                .endsWith("ValueError: invalid literal for int() with base 10: b'not a number'\n")
                .doesNotContain("faasm.py");
        CallRecord ok = call(fails, "12");
        assertThat(ok.returnCode()).as("the next call starts clean").isZero();
        assertThat(ok.stderr()).isEmpty();
    }

    @Test
    void nothingPersistsBetweenCalls() throws Exception {
        FunctionId isolated = id("isolated");
        for (int i = 0; i < 3; i++) {
            CallRecord r = call(isolated, "x" + i);
            assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
            assertThat(out(r)).isEqualTo("calls=1 seen=1");
        }
    }

    @Test
    void refusalsArePythonExceptions() throws Exception {
        CallRecord r = call(id("refusals"), "");
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).as(new String(r.stderr(), StandardCharsets.UTF_8)).isZero();
        assertThat(out(r)).isEqualTo("""
                state: no state value no_such_key for user py
                op: unknown operation 'bogus'
                ready: ready is the zygote's: a call cannot stop the interpreter
                raw: 1 a request has 1 to 8 fields, not -1""");
    }

    @Test
    void aModuleThatDoesNotImportFailsItsUploadWithTheTraceback() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> upload("broken"))
                .hasMessageContaining("initialisation failed")
                .hasMessageContaining("SyntaxError");
    }

    @Test
    void returnCodesAndOutputs() throws Exception {
        FunctionId f = id("exit_codes");
        for (String[] c : new String[][] {{"0", "0"}, {"-7", "-7"}, {"70000", "70000"}, {"exit", "42"},
                {"huge", String.valueOf(Integer.MAX_VALUE)}}) {
            CallRecord r = call(f, c[0]);
            assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
            assertThat(r.returnCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(out(r)).isEqualTo("é " + c[0]);
        }
        CallRecord big = call(f, "big-output");
        assertThat(big.status()).isEqualTo(CallStatus.FAILED);
        assertThat(big.error()).contains("is over the output limit");
    }

    @Test
    void aRunawayLoopStopsAtItsDeadline() throws Exception {
        var fn = host.load(PythonPackage.of("def main():\n    while True:\n        pass\n"
                .getBytes(StandardCharsets.UTF_8)), "py");
        var r = host.call(fn, io.jfaasm.runtime.faaslet.CallRequest.of(new byte[0]),
                FunctionLimits.DEFAULTS.withTimeout(java.time.Duration.ofSeconds(1)));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(io.jfaasm.runtime.faaslet.Failure.Kind.TIMEOUT);
        host.unload(fn);
    }
}
