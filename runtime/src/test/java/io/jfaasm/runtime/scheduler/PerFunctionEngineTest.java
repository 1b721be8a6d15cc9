package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine chosen per function at upload: it runs that function (seen in the code cache, where
 * each engine keeps its own entries), is stored with it, and survives a restart from the store.
 */
class PerFunctionEngineTest {
    @TempDir
    Path dir;

    static final FunctionId HELLO = new FunctionId("demo", "hello");
    static final FunctionId ECHO = new FunctionId("demo", "echo");

    private FaasletHost host() {
        return FaasletHost.create(FaasletHost.Config.defaults().withCodeCacheDir(dir.resolve("cache"))
                .withEngine(Engine.JFAASM));
    }

    private Scheduler scheduler(FaasletHost host) {
        return new Scheduler(host, new DirectoryFunctionStore(dir.resolve("functions")),
                Scheduler.Config.defaults("h1"), (record, result) -> { });
    }

    private static String call(Scheduler s, FunctionId id, String input) throws Exception {
        CallRecord r = s.submit(id, input.getBytes(StandardCharsets.UTF_8)).done().get(60, TimeUnit.SECONDS);
        assertThat(r.error()).as("%s failed", id).isNull();
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    /** The code cache entries of one engine's directory (chicory-VERSION or jfaasm-tier-VERSION). */
    private long entries(String directoryPrefix, String sha256) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            return files.filter(p -> p.getParent().getFileName().toString().startsWith(directoryPrefix))
                    .filter(p -> p.getFileName().toString().startsWith(sha256)).count();
        }
    }

    @Test
    void eachFunctionRunsOnTheEngineChosenAtUploadAndKeepsItAcrossARestart() throws Exception {
        FunctionInfo hello;
        FunctionInfo echo;
        try (FaasletHost host = host(); Scheduler s = scheduler(host)) {
            hello = s.upload(HELLO, Examples.bytes("hello"),
                    FunctionInfo.declared(HELLO, false, NetworkPolicy.DENY_ALL, Engine.CHICORY_COMPILER));
            echo = s.upload(ECHO, Examples.bytes("echo"), false, NetworkPolicy.DENY_ALL);
            assertThat(hello.engine()).isEqualTo(Engine.CHICORY_COMPILER);
            assertThat(echo.engine()).as("not chosen: the host's").isNull();
            assertThat(call(s, HELLO, "x")).isEqualTo("Hello x");
            assertThat(call(s, ECHO, "abc")).isEqualTo("abc");
        }
        assertThat(entries("chicory-", hello.sha256())).isEqualTo(1);
        assertThat(entries("jfaasm-tier-", hello.sha256())).isZero();
        assertThat(entries("jfaasm-tier-", echo.sha256())).isEqualTo(1);
        assertThat(entries("chicory-", echo.sha256())).isZero();

        try (FaasletHost host = host(); Scheduler s = scheduler(host)) {
            assertThat(call(s, HELLO, "again")).isEqualTo("Hello again");
            assertThat(s.function(HELLO).orElseThrow().engine()).isEqualTo(Engine.CHICORY_COMPILER);
            assertThat(s.function(ECHO).orElseThrow().engine()).isNull();
        }
    }

    @Test
    void theEngineTravelsInTheStoredDescriptionAndOldDescriptionsReadAsTheHosts() {
        FunctionInfo info = new FunctionInfo(HELLO, "ab", 3, 4, Instant.ofEpochMilli(5), true,
                NetworkPolicy.DENY_ALL, Engine.CHICORY_INTERPRETER);
        assertThat(FunctionInfoCodec.decode(HELLO, FunctionInfoCodec.encode(info))).isEqualTo(info);
        assertThat(FunctionInfoCodec.decode(HELLO, "v1 ab 3 4 5 1").engine()).isNull();
        assertThat(FunctionInfoCodec.decode(HELLO, "v1 ab 3 4 5 1 1000 16 -").engine()).isNull();
        assertThat(FunctionInfoCodec.decode(HELLO, "v1 ab 3 4 5 1 1000 16 - -").engine()).isNull();
        assertThatThrownBy(() -> FunctionInfoCodec.decode(HELLO, "v1 ab 3 4 5 1 1000 16 - v8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown engine");
    }
}
