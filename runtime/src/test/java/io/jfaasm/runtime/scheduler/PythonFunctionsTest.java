package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
        assumeTrue(PythonRuntime.available(), "skipped: the Python interpreter (" + PythonRuntime.NPM_PACKAGE
                + ") is not at " + PythonRuntime.location() + ": run sdk/python/fetch-python.sh (needs npm)");
        host = FaasletHost.create(FaasletHost.Config.defaults());
        scheduler = new Scheduler(host, new DirectoryFunctionStore(dataDir.resolve("functions")),
                Scheduler.Config.defaults("h1"), (record, result) -> finished.add(record));
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
        scheduler.upload(id, PythonPackage.of(source(name)));
        return id;
    }

    static byte[] source(String name) {
        try {
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
        FunctionId hello = upload("hello");
        CallRecord r = call(hello, "world");
        assertThat(r.status()).as(r.error()).isEqualTo(CallStatus.DONE);
        assertThat(r.returnCode()).isZero();
        assertThat(out(r)).isEqualTo("Hello world");
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).as("print goes to the call's logs")
                .isEqualTo("hello from a Python Faaslet\n");
    }
}
