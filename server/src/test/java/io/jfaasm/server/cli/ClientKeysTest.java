package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.server.JfaasmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --key against a real server that requires API keys. */
class ClientKeysTest {
    @TempDir static Path dataDir;
    static JfaasmServer server;
    static String url;
    static String aliceKey;
    static String bobKey;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeAll
    static void startServer() {
        server = ClientTestServers.start(dataDir, true);
        url = "http://127.0.0.1:" + server.port();
        aliceKey = createKey("alice");
        bobKey = createKey("bob");
    }

    /** A user's key, made with the admin key through the API. */
    private static String createKey(String user) {
        try (ServerClient admin = ServerClient.connect(url, server.adminKey())) {
            Map<?, ?> created = admin.expect("POST", "/keys/" + user, null, 201).jsonObject();
            return ClientJson.str(created, "key");
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

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

    /** {@code jfaasm COMMAND --server URL [--key KEY] ARGS...} with what it prints captured. */
    int jfaasm(String key, String command, String... args) {
        out.reset();
        err.reset();
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        argv.add("--server");
        argv.add(url);
        if (key != null) {
            argv.add("--key");
            argv.add(key);
        }
        argv.addAll(List.of(args));
        return JfaasmCommand.execute(argv.toArray(String[]::new));
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAKeyEveryCommandIsRefusedWith401() {
        String hello = RunCommandTest.example("hello");
        List<List<String>> commands = List.of(
                List.of("upload", "alice", "hello", hello),
                List.of("invoke", "alice", "hello"),
                List.of("status", "some-call"),
                List.of("logs", "some-call"),
                List.of("functions"),
                List.of("state get", "alice", "k"),
                List.of("state set", "alice", "k", "--value", "v"),
                List.of("state delete", "alice", "k"),
                List.of("state list", "alice"));
        for (List<String> c : commands) {
            assertThat(jfaasm(null, c.getFirst(), c.subList(1, c.size()).toArray(String[]::new))).as(c.toString()).isEqualTo(1);
            assertThat(stderr()).as(c.toString()).startsWith("error: 401 unauthorized: ");
            assertThat(stdout()).as(c.toString()).isEmpty();
        }
        assertThat(jfaasm("jfk_not-a-real-key", "functions")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 401 unauthorized: ").contains("unknown or revoked");
    }

    @Test
    void aUsersKeyWorksForThatUserOnly() {
        assertThat(jfaasm(aliceKey, "upload", "alice", "hello", RunCommandTest.example("hello")))
                .as(stderr()).isZero();
        assertThat(jfaasm(aliceKey, "invoke", "alice", "hello", "--input", "key")).as(stderr()).isZero();
        assertThat(stdout()).isEqualTo("Hello key");
        assertThat(jfaasm(aliceKey, "functions")).isZero();
        assertThat(stdout()).containsPattern("(?m)^alice +hello ");
        assertThat(jfaasm(aliceKey, "state set", "alice", "k", "--value", "v")).isZero();
        assertThat(jfaasm(aliceKey, "state get", "alice", "k")).isZero();
        assertThat(stdout()).isEqualTo("v");

        assertThat(jfaasm(aliceKey, "invoke", "alice", "hello", "--async")).isZero();
        String id = stdout().strip();

        assertThat(jfaasm(bobKey, "invoke", "alice", "hello")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 403 forbidden: ").contains("bob", "alice");
        assertThat(jfaasm(bobKey, "upload", "alice", "evil", RunCommandTest.example("hello"))).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 403 forbidden: ");
        assertThat(jfaasm(bobKey, "state get", "alice", "k")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 403 forbidden: ");
        assertThat(jfaasm(bobKey, "status", id)).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 403 forbidden: ");
        assertThat(jfaasm(bobKey, "functions", "--user", "alice")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 403 forbidden: ");
        assertThat(jfaasm(bobKey, "functions")).isZero();
        assertThat(stdout()).doesNotContain("alice");

        assertThat(jfaasm(server.adminKey(), "state list", "alice")).isZero();
        assertThat(stdout()).isEqualTo("k\n");
    }
}
