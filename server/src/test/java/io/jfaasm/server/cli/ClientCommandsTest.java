package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.server.EchoServer;
import io.jfaasm.server.JfaasmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands in process against a real server on loopback (no keys required). */
class ClientCommandsTest {
    @TempDir static Path dataDir;
    @TempDir Path tmp;
    static JfaasmServer server;
    static String url;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeAll
    static void startServer() throws Exception {
        server = ClientTestServers.start(dataDir, false);
        url = "http://127.0.0.1:" + server.port();
        assertThat(upload("demo", "hello")).isZero();
        assertThat(upload("demo", "exit_code")).isZero();
        assertThat(upload("demo", "reverse")).isZero();
        assertThat(upload("demo", "trap")).isZero();
        assertThat(upload("demo", "loop_forever")).isZero();
    }

    private static int upload(String user, String function) {
        PrintStream saved = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return JfaasmCommand.execute("upload", "--server", url, user, function, RunCommandTest.example(function));
        } finally {
            System.setOut(saved);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
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

    /** Runs {@code jfaasm COMMAND --server URL ARGS...}, output captured; resets what was captured before. */
    int jfaasm(String command, String... args) {
        out.reset();
        err.reset();
        List<String> argv = new ArrayList<>();
        for (String part : command.split(" ")) {
            argv.add(part);
        }
        argv.add("--server");
        argv.add(url);
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
    void uploadPrintsASummaryOrTheJson() {
        assertThat(jfaasm("upload", "demo", "hello2", RunCommandTest.example("hello"))).as(stderr()).isZero();
        assertThat(stdout()).startsWith("uploaded demo/hello2: ").contains("bytes, sha256 ", "compiled in ");
        assertThat(jfaasm("upload", "--json", "demo", "hello2", RunCommandTest.example("hello"))).isZero();
        assertThat(stdout()).contains("\"sha256\"", "\"sizeBytes\"", "\"compileMillis\"", "\"hello2\"")
                .contains("\"idempotent\":false");
        assertThat(jfaasm("upload", "--json", "--idempotent", "demo", "hello2", RunCommandTest.example("hello"))).isZero();
        assertThat(stdout()).contains("\"idempotent\":true");
        assertThat(jfaasm("upload", "--engine", "chicory-compiler", "demo", "hello3", RunCommandTest.example("hello")))
                .as(stderr()).isZero();
        assertThat(stdout()).contains("compiled in ").endsWith(" ms by chicory-compiler\n");
        assertThat(jfaasm("upload", "--engine", "v8", "demo", "hello4", RunCommandTest.example("hello"))).isNotZero();
        assertThat(stderr()).contains("unknown engine 'v8'");
    }

    @Test
    void uploadWithAllowAndTheNetCommands() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            String here = "127.0.0.1:" + echo.port();
            String input = "127.0.0.1 " + echo.port() + " 0 cli";
            String wasm = RunCommandTest.example("net_client");
            assertThat(jfaasm("upload", "--json", "--allow", here, "--sockets", "2", "netcli", "net", wasm)).as(stderr()).isZero();
            assertThat(stdout()).contains("\"allow\":[\"" + here + "\"]", "\"sockets\":2");
            assertThat(jfaasm("invoke", "netcli", "net", "--input", input)).as(stderr()).isZero();
            assertThat(stdout()).isEqualTo("echo:cli");
            assertThat(jfaasm("upload", "--allow", "no-port", "netcli", "net", wasm)).isEqualTo(1);
            assertThat(stderr()).startsWith("error: 400 bad network policy: network pattern 'no-port'");

            assertThat(jfaasm("upload", "netcli", "bare", wasm)).isZero();
            assertThat(jfaasm("invoke", "netcli", "bare", "--input", input)).as("EACCES").isEqualTo(13);
            assertThat(jfaasm("net allow", "netcli", here, "*.example.com:443")).as(stderr()).isZero();
            assertThat(jfaasm("net allow", "netcli", here)).as(stderr()).isZero();
            assertThat(jfaasm("net show", "netcli")).isZero();
            assertThat(stdout().lines().toList()).as("each pattern once").containsExactly(here, "*.example.com:443");
            assertThat(jfaasm("invoke", "netcli", "bare", "--input", input)).as(stderr()).isZero();
            assertThat(jfaasm("net set", "netcli", "bad pattern")).isEqualTo(1);
            assertThat(stderr()).startsWith("error: 400 bad network policy: ");
            assertThat(jfaasm("net set", "netcli", "10.0.0.1:80")).isZero();
            assertThat(jfaasm("net show", "netcli")).isZero();
            assertThat(stdout().lines().toList()).containsExactly("10.0.0.1:80");
            assertThat(jfaasm("net clear", "netcli")).isZero();
            assertThat(jfaasm("net show", "netcli")).isZero();
            assertThat(stdout()).isEmpty();
            assertThat(jfaasm("net")).as("a subcommand is required").isEqualTo(2);
        }
    }

    @Test
    void invokePrintsTheOutputAndExitsWithTheReturnCode() {
        assertThat(jfaasm("invoke", "demo", "hello", "--input", "x")).as(stderr()).isZero();
        assertThat(stdout()).isEqualTo("Hello x");
        assertThat(stderr()).isEmpty();
        assertThat(jfaasm("invoke", "demo", "exit_code", "--input", "7")).as(stderr()).isEqualTo(7);
        assertThat(stdout()).isEqualTo("exiting with 7");
    }

    @Test
    void verboseNamesTheCallOnStderr() {
        assertThat(jfaasm("invoke", "-v", "demo", "exit_code", "--input", "3")).isEqualTo(3);
        assertThat(stdout()).isEqualTo("exiting with 3");
        assertThat(stderr()).matches("call \\S+: return code 3\\R");
    }

    @Test
    void aSyncCallPastItsTimeoutIsExit1AndNamesTheCallWhichGoesOn() {
        assertThat(jfaasm("invoke", "demo", "loop_forever", "--timeout", "0.2")).isEqualTo(1);
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).startsWith("error: 504 timeout: ").contains("jfaasm status ");
        String id = stderr().substring(stderr().lastIndexOf("jfaasm status ") + 14, stderr().lastIndexOf(')'));
        assertThat(jfaasm("status", id)).as(stderr()).isZero();
        assertThat(stdout()).containsPattern("(?m)^status: +(queued|running|failed)$");
        assertThat(jfaasm("invoke", "demo", "hello", "--timeout", "-1")).isEqualTo(2);
        assertThat(stderr()).isEqualTo("error: --timeout must be a positive number of seconds" + System.lineSeparator());
    }

    @Test
    void invokeInputFromAFileIsRawBytes() throws Exception {
        Path in = Files.write(tmp.resolve("in.bin"), new byte[] {1, 2, (byte) 0xff});
        assertThat(jfaasm("invoke", "demo", "reverse", "--input-file", in.toString())).as(stderr()).isZero();
        assertThat(out.toByteArray()).containsExactly(0xff, 2, 1);
        assertThat(jfaasm("invoke", "demo", "reverse", "--input-file", tmp.resolve("none").toString()))
                .isEqualTo(2);
        assertThat(stderr()).startsWith("error: no such file: ");
    }

    @Test
    void aFailedCallIsOneErrorLineAndExit134AndTheServerGoesOn() {
        assertThat(jfaasm("invoke", "demo", "trap")).isEqualTo(134);
        assertThat(stderr().lines().filter(l -> l.startsWith("error: ")).toList())
                .singleElement().asString().containsIgnoringCase("unreachable");
        assertThat(jfaasm("invoke", "demo", "hello", "--input", "again")).isZero();
        assertThat(stdout()).isEqualTo("Hello again");
    }

    @Test
    void asyncThenStatusOutputAndLogs() throws Exception {
        assertThat(jfaasm("invoke", "demo", "hello", "--input", "later", "--async")).as(stderr()).isZero();
        String id = stdout().strip();
        assertThat(id).isNotEmpty().doesNotContain("\n");

        long deadline = System.nanoTime() + 30_000_000_000L;
        do {
            assertThat(jfaasm("status", "--json", id)).as(stderr()).isZero();
            Thread.sleep(20);
        } while (!stdout().contains("\"done\"") && System.nanoTime() < deadline);
        assertThat(stdout()).contains("\"done\"");

        assertThat(jfaasm("status", id)).isZero();
        assertThat(stdout()).contains("id:", id, "function:", "status:", "done", "return code:", "output bytes:");
        assertThat(stdout()).containsPattern("(?m)^status: +done$").containsPattern("(?m)^return code: +0$");

        assertThat(jfaasm("status", "--output", id)).isZero();
        assertThat(stdout()).isEqualTo("Hello later");

        assertThat(jfaasm("logs", id)).isZero();
        assertThat(stdout()).contains("hello from a Faaslet");
    }

    @Test
    void functionsListsWhatWasUploaded() {
        assertThat(jfaasm("functions")).as(stderr()).isZero();
        assertThat(stdout().lines().toList().getFirst()).startsWith("USER").contains("FUNCTION", "SHA256");
        assertThat(stdout()).containsPattern("(?m)^demo +hello ").containsPattern("(?m)^demo +exit_code ");
        assertThat(jfaasm("functions", "--user", "nobody")).isZero();
        assertThat(stdout()).isEmpty();
        assertThat(jfaasm("functions", "--json")).isZero();
        assertThat(stdout()).contains("\"hello\"");
    }

    @Test
    void stateSetGetListDelete() throws Exception {
        assertThat(jfaasm("state set", "alice", "greeting", "--value", "hi there")).as(stderr()).isZero();
        Path file = Files.write(tmp.resolve("v.bin"), new byte[] {0, 1, 2, (byte) 0x80});
        assertThat(jfaasm("state set", "alice", "blob", "--file", file.toString())).as(stderr()).isZero();

        assertThat(jfaasm("state get", "alice", "greeting")).isZero();
        assertThat(stdout()).isEqualTo("hi there");
        assertThat(jfaasm("state get", "alice", "blob")).isZero();
        assertThat(out.toByteArray()).containsExactly(0, 1, 2, 0x80);

        assertThat(jfaasm("state list", "alice")).isZero();
        assertThat(stdout().lines().toList()).containsExactlyInAnyOrder("greeting", "blob");

        assertThat(jfaasm("state delete", "alice", "greeting")).isZero();
        assertThat(jfaasm("state get", "alice", "greeting")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 404 ");
        assertThat(jfaasm("state list", "alice")).isZero();
        assertThat(stdout().lines().toList()).containsExactly("blob");

        assertThat(jfaasm("state set", "alice", "k")).isEqualTo(2);
        assertThat(JfaasmCommand.execute("state")).isEqualTo(2);
    }

    @Test
    void filePutGetLsRmAndAFunctionReadsTheFile() throws Exception {
        assertThat(upload("alice", "shared_read")).isZero();
        Path local = Files.write(tmp.resolve("m.bin"), new byte[] {7, 0, (byte) 0xff});
        assertThat(jfaasm("file put", "alice", "models/m 1.bin", local.toString())).isEqualTo(1);
        assertThat(stderr()).as("a space is not a valid path character").startsWith("error: 400 bad name: ");
        assertThat(jfaasm("file put", "alice", "models/m1.bin", local.toString())).as(stderr()).isZero();
        assertThat(stdout()).startsWith("stored alice/models/m1.bin: 3 bytes, sha256 ");

        assertThat(jfaasm("file get", "alice", "models/m1.bin")).isZero();
        assertThat(out.toByteArray()).containsExactly(7, 0, 0xff);
        assertThat(jfaasm("invoke", "alice", "shared_read", "--input", "models/m1.bin")).isZero();
        assertThat(out.toByteArray()).containsExactly(7, 0, 0xff);

        assertThat(jfaasm("file ls", "alice")).isZero();
        assertThat(stdout().lines().toList()).hasSize(2);
        assertThat(stdout()).startsWith("BYTES").contains("3      ").endsWith("models/m1.bin\n");

        assertThat(jfaasm("file put", "alice", "../escape", local.toString())).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 400 ");
        assertThat(jfaasm("file put", "alice", "x", tmp.resolve("missing").toString())).isEqualTo(2);
        assertThat(jfaasm("file rm", "alice", "models/m1.bin")).isZero();
        assertThat(jfaasm("file rm", "alice", "models/m1.bin")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 404 ");
        assertThat(jfaasm("file ls", "alice")).isZero();
        assertThat(stdout()).isEmpty();
        assertThat(JfaasmCommand.execute("file")).isEqualTo(2);
    }

    @Test
    void unknownFunctionIsExit1WithThe404() {
        assertThat(jfaasm("invoke", "demo", "nope", "--input", "x")).isEqualTo(1);
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).startsWith("error: 404 ").contains("nope");
        assertThat(stderr().lines().count()).isEqualTo(1);
        assertThat(jfaasm("status", "no-such-call")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 404 ");
        assertThat(jfaasm("logs", "no-such-call")).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 404 ");
    }

    @Test
    void aPythonSourceIsUploadedAsPython() throws Exception {
        // not UTF-8: refused by the server's Python check, so the CLI did ask for lang=python
        Path py = Files.write(tmp.resolve("bad.py"), new byte[] {'#', (byte) 0xff, '\n'});
        assertThat(jfaasm("upload", "demo", "pybad", py.toString())).as("a .py file").isEqualTo(1);
        assertThat(stderr()).startsWith("error: 400 bad request: a Python function's source must be UTF-8 text");
        Path txt = Files.write(tmp.resolve("bad.txt"), new byte[] {'#', (byte) 0xff, '\n'});
        assertThat(jfaasm("upload", "--python", "demo", "pybad", txt.toString())).as("--python").isEqualTo(1);
        assertThat(stderr()).startsWith("error: 400 bad request: a Python function's source must be UTF-8 text");
    }

    @Test
    void invalidWasmIsRefusedWithTheLoadersReason() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.wasm"), "not wasm at all");
        assertThat(jfaasm("upload", "demo", "junk", junk.toString())).isEqualTo(1);
        assertThat(stderr()).startsWith("error: 400 ").contains("not a WebAssembly module");
        assertThat(jfaasm("upload", "demo", "junk", tmp.resolve("missing.wasm").toString())).isEqualTo(2);
        assertThat(stderr()).isEqualTo("error: no such file: " + tmp.resolve("missing.wasm") + System.lineSeparator());
    }

    @Test
    void anUnreachableServerIsAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + port;
        assertThat(JfaasmCommand.execute("invoke", "--server", dead, "demo", "hello")).isEqualTo(1);
        assertThat(stderr()).isEqualTo("error: cannot reach " + dead + ": connection refused" + System.lineSeparator());
        err.reset();
        assertThat(JfaasmCommand.execute("functions", "--server", "ftp://x")).isEqualTo(2);
        assertThat(stderr()).startsWith("error: bad server URL 'ftp://x'");
    }

    @Test
    void helpListsTheCommandsAndTheirExitCodes() {
        out.reset();
        assertThat(JfaasmCommand.execute("--help")).isZero();
        assertThat(stdout()).contains("upload", "invoke", "status", "logs", "functions", "state");
        for (String c : List.of("upload", "invoke", "status", "logs", "functions", "state", "state get",
                "state set", "state delete", "state list")) {
            out.reset();
            List<String> argv = new ArrayList<>(List.of(c.split(" ")));
            argv.add("--help");
            assertThat(JfaasmCommand.execute(argv.toArray(String[]::new))).isZero();
            assertThat(stdout()).as(c).contains("Exit codes:");
            if (!c.equals("state")) {
                assertThat(stdout()).as(c).contains("--server", "--key");
            }
        }
        out.reset();
        JfaasmCommand.execute("invoke", "--help");
        assertThat(stdout()).contains("134", "--async", "--input-file");
    }
}
