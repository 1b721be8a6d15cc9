package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.server.TestHttp.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restarts on the same data directory, exclusive use of it, and graceful shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {
    @TempDir
    Path tmp;

    @Test
    void aRestartOnTheSameDataDirKeepsFunctionsStateAndKeys() {
        Path data = tmp.resolve("data");
        ServerConfig config = TestHttp.config(data).withRequireKeys(true);
        String adminKey;
        String aliceKey;
        try (JfaasmServer first = JfaasmServer.start(config)) {
            adminKey = first.adminKey();
            TestHttp admin = new TestHttp(first.url(), adminKey);
            aliceKey = admin.post("/keys/alice", "").json().get("key").asText();
            TestHttp alice = admin.as(aliceKey);
            assertThat(alice.put("/f/alice/counter", example("counter")).status()).isEqualTo(201);
            assertThat(alice.put("/f/alice/hello", example("hello")).status()).isEqualTo(201);
            for (int i = 1; i <= 3; i++) {
                assertThat(alice.post("/f/alice/counter", "").text()).isEqualTo(Integer.toString(i));
            }
            assertThat(alice.put("/s/alice/note", utf8("kept")).status()).isEqualTo(200);
            assertThat(alice.put("/s/alice/gone", utf8("x")).status()).isEqualTo(200);
            assertThat(alice.delete("/s/alice/gone").status()).isEqualTo(204);
        }
        try (JfaasmServer second = JfaasmServer.start(config)) {
            assertThat(second.adminKey()).isEqualTo(adminKey);
            TestHttp alice = new TestHttp(second.url(), aliceKey);
            List<String> names = new ArrayList<>();
            alice.get("/f").json().get("functions").forEach(f -> names.add(f.get("function").asText()));
            assertThat(names).containsExactly("counter", "hello");
            assertThat(alice.post("/f/alice/hello", "again").text()).isEqualTo("Hello again");
            assertThat(alice.post("/f/alice/counter", "").text()).as("state kept across the restart").isEqualTo("4");
            assertThat(alice.get("/s/alice/note").text()).isEqualTo("kept");
            assertThat(alice.get("/s/alice/gone").status()).isEqualTo(404);
            List<String> keys = new ArrayList<>();
            alice.get("/s/alice").json().forEach(k -> keys.add(k.asText()));
            assertThat(keys).containsExactly("counter", "note");
        }
    }

    @Test
    void aDataDirServesOneServerAtATime() {
        ServerConfig config = TestHttp.config(tmp.resolve("data"));
        try (JfaasmServer first = JfaasmServer.start(config)) {
            assertThatThrownBy(() -> JfaasmServer.start(config)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another jfaasm server");
            assertThat(new TestHttp(first).get("/health").status()).isEqualTo(200);
        }
        try (JfaasmServer again = JfaasmServer.start(config)) {
            assertThat(new TestHttp(again).get("/health").status()).as("released at close").isEqualTo(200);
        }
    }

    @Test
    void aPortInUseIsAClearError() {
        try (JfaasmServer first = JfaasmServer.start(TestHttp.config(tmp.resolve("a")))) {
            assertThatThrownBy(() -> JfaasmServer.start(TestHttp.config(tmp.resolve("b")).withPort(first.port())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
            // the failed start released its data directory
            JfaasmServer.start(TestHttp.config(tmp.resolve("b"))).close();
        }
    }

    @Test
    void closeLetsARunningCallFinishAndAnswer() throws Exception {
        JfaasmServer server = JfaasmServer.start(TestHttp.config(tmp.resolve("data"))
                .withLimits(FunctionLimits.DEFAULTS.withTimeout(Duration.ofMillis(1500))));
        TestHttp http = new TestHttp(server);
        assertThat(http.put("/f/demo/loop", example("loop_forever")).status()).isEqualTo(201);
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(() -> http.post("/f/demo/loop", ""));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.scheduler().running() == 0) {
            assertThat(System.nanoTime() - deadline).isNegative();
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        server.close();
        Response r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).as("the call's answer arrived").isEqualTo(200);
        assertThat(r.header("X-Call-Status")).isEqualTo("failed");
        assertThat(r.header("X-Error")).startsWith("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThatThrownBy(() -> http.get("/health")).as("no longer accepting")
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void serveWithDemoUploadsTheExamplesAndSaysHowToCallThem() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var cmd = new io.jfaasm.server.cli.ServeCommand();
        new picocli.CommandLine(cmd).parseArgs(
                "--port", "0", "--data-dir", tmp.resolve("data").toString(), "--host-id", "demo-host", "--demo",
                "--examples", TestHttp.EXAMPLES.toString(), "--slots", "4");
        try (JfaasmServer server = cmd.start(new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("serving on " + server.url()).contains("not required")
                    .contains("curl --data-binary world " + server.url() + "/f/demo/hello")
                    .contains("./jfaasm invoke demo hello --input world");
            assertThat(server.config().slots()).isEqualTo(4);
            TestHttp http = new TestHttp(server);
            assertThat(http.post("/f/demo/hello", "world").text()).isEqualTo("Hello world");
            assertThat(http.post("/f/demo/fanout", "20").text()).isEqualTo("2870");
            assertThat(http.get("/f?user=demo").json().get("functions").size()).isGreaterThanOrEqualTo(20);
            assertThat(http.post("/f/demo/hello", "").header("X-Call-Id")).startsWith("demo-host-");
        }
    }
}
