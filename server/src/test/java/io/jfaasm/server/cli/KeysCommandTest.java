package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.server.JfaasmServer;
import io.jfaasm.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jfaasm keys} against a real server, and {@code jfaasm serve}'s refusals. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeysCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void createListAndRevoke() throws Exception {
        try (JfaasmServer server = JfaasmServer.start(ServerConfig.defaults().withPort(0).withDataDir(tmp)
                .withRequireKeys(true))) {
            String url = server.url();
            assertThat(JfaasmCommand.execute("keys", "create", "alice", "--label", "ci", "--server", url,
                    "--key", server.adminKey())).isZero();
            String key = out.toString(StandardCharsets.UTF_8).strip();
            assertThat(key).startsWith("jfk_");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("shown once");

            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/s/alice"))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("the new key works").isEqualTo(200);
            }

            out.reset();
            assertThat(JfaasmCommand.execute("keys", "list", "--server", url, "--key", server.adminKey())).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("alice").contains("ci").doesNotContain(key);

            err.reset();
            assertThat(JfaasmCommand.execute("keys", "create", "bob", "--server", url, "--key", key)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: 403 forbidden");

            err.reset();
            assertThat(JfaasmCommand.execute("keys", "create", "bob", "--server", url)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: 401 unauthorized");

            out.reset();
            assertThat(JfaasmCommand.execute("keys", "revoke", "alice", "--server", url, "--key", server.adminKey()))
                    .isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("revoked 1 key(s) of alice");
        }
    }

    @Test
    void anUnreachableServerIsExitCode1() {
        assertThat(JfaasmCommand.execute("keys", "create", "alice", "--server", "http://127.0.0.1:1", "--key", "k"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: cannot reach http://127.0.0.1:1");
    }

    @Test
    void serveExplainsItsOptionsAndRefusesBadClusterOptions() {
        assertThat(JfaasmCommand.execute("serve", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--demo").contains("--require-keys")
                .contains("--data-dir").contains("--redis").contains("--advertise").contains("--redis-namespace");
        assertThat(JfaasmCommand.execute("serve", "--port", "70000", "--data-dir", tmp.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("port must be");
        assertThat(JfaasmCommand.execute("serve", "--advertise", "http://10.0.0.1:8080", "--data-dir", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("need --redis");
        assertThat(JfaasmCommand.execute("serve", "--redis", "redis-cluster://127.0.0.1:7000", "--port", "0",
                "--data-dir", tmp.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Redis Cluster URI is not supported");
        assertThat(JfaasmCommand.execute("serve", "--redis", "redis://127.0.0.1:1", "--port", "0",
                "--data-dir", tmp.toString())).as("no Redis there").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach Redis at redis://127.0.0.1:1");
    }
}
