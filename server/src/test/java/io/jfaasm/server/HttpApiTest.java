package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.server.TestHttp.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API over real HTTP on loopback, keys not required: every route and its errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiTest {
    @TempDir
    static Path tmp;

    static JfaasmServer server;
    static TestHttp http;

    @BeforeAll
    static void start() {
        server = JfaasmServer.start(TestHttp.config(tmp.resolve("data"))
                .withSizeLimits(1024 * 1024, 256 * 1024, 128 * 1024));
        http = new TestHttp(server);
        for (String f : List.of("hello", "echo", "square", "fanout", "trap", "loop_forever", "exit_code", "counter")) {
            Response r = http.put("/f/demo/" + f, example(f));
            assertThat(r.status()).as(f + ": " + r).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- functions ----

    @Test
    void uploadAnswersWithTheFunctionsDescription() throws Exception {
        byte[] wasm = example("reverse");
        Response r = http.put("/f/alice/reverse", wasm);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode n = r.json();
        assertThat(n.get("user").asText()).isEqualTo("alice");
        assertThat(n.get("function").asText()).isEqualTo("reverse");
        assertThat(n.get("sha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(wasm)));
        assertThat(n.get("sizeBytes").asInt()).isEqualTo(wasm.length);
        assertThat(n.get("compileMillis").isNumber()).isTrue();

        Response got = http.get("/f/alice/reverse");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("sha256")).isEqualTo(n.get("sha256"));
        assertThat(http.post("/f/alice/reverse", "abc").text()).isEqualTo("cba");
    }

    @Test
    void theEngineIsChosenPerFunctionAtUploadAndABadOneIsRefused() {
        Response r = http.put("/f/carol/hello?engine=chicory-interpreter", example("hello"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("engine").asText()).isEqualTo("chicory-interpreter");
        assertThat(http.get("/f/carol/hello").json().get("engine").asText()).isEqualTo("chicory-interpreter");
        assertThat(http.post("/f/carol/hello", "x").text()).isEqualTo("Hello x");
        assertThat(http.get("/f/demo/hello").json().get("engine").asText()).as("the host's")
                .isEqualTo(server.scheduler().host().engine().engine().id());

        Response bad = http.put("/f/carol/other?engine=v8", example("hello"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).contains("unknown engine 'v8'");
        assertThat(http.get("/f/carol/other").status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void aReuploadReplacesTheFunction() {
        assertThat(http.put("/f/bob/swap", example("hello")).status()).isEqualTo(201);
        assertThat(http.post("/f/bob/swap", "x").text()).isEqualTo("Hello x");
        Response r = http.put("/f/bob/swap", example("reverse"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(http.post("/f/bob/swap", "xyz").text()).isEqualTo("zyx");
        assertThat(http.get("/f?user=bob").json().get("functions")).hasSize(1);
    }

    @Test
    void callsDuringReuploadsRunOnOneVersionOrTheOther() throws Exception {
        assertThat(http.put("/f/bob/flip", example("hello")).status()).isEqualTo(201);
        List<java.util.concurrent.Future<Response>> calls = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                calls.add(pool.submit(() -> http.post("/f/bob/flip", "ab")));
                if (i % 10 == 5) {
                    assertThat(http.put("/f/bob/flip", example(i % 20 == 5 ? "reverse" : "hello")).status())
                            .isEqualTo(201);
                }
            }
            for (var c : calls) {
                Response r = c.get();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Call-Status")).isEqualTo("done");
                assertThat(r.text()).isIn("Hello ab", "ba");
            }
        }
    }

    @Test
    void invalidModulesAre400WithTheLoadersMessage() {
        Response r = http.put("/f/demo/junk", utf8("this is not wasm"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid wasm");
        assertThat(r.json().get("detail").asText()).contains("not a WebAssembly module");
        assertThat(r.json().get("problem").asText()).isEqualTo("not_wasm");

        byte[] truncated = java.util.Arrays.copyOf(example("hello"), 100);
        Response t = http.put("/f/demo/junk", truncated);
        assertThat(t.status()).isEqualTo(400);
        assertThat(t.json().get("error").asText()).isEqualTo("invalid wasm");

        Response empty = http.put("/f/demo/junk", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(http.get("/f/demo/junk").status()).as("nothing was deployed").isEqualTo(404);
    }

    @Test
    void listingAndDeletingFunctions() {
        assertThat(http.put("/f/carol/a", example("hello")).status()).isEqualTo(201);
        assertThat(http.put("/f/carol/b", example("echo")).status()).isEqualTo(201);
        JsonNode carol = http.get("/f?user=carol").json().get("functions");
        assertThat(carol).hasSize(2);
        assertThat(carol.get(0).get("function").asText()).isEqualTo("a");
        assertThat(carol.get(0).get("uploadedAt").asText()).isNotEmpty();
        List<String> all = new ArrayList<>();
        http.get("/f").json().get("functions").forEach(f -> all.add(f.get("user").asText() + "/" + f.get("function").asText()));
        assertThat(all).contains("carol/a", "carol/b", "demo/hello");

        assertThat(http.delete("/f/carol/a").status()).isEqualTo(204);
        assertThat(http.delete("/f/carol/a").status()).isEqualTo(404);
        Response gone = http.post("/f/carol/a", "x");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("error").asText()).isEqualTo("not found");
        assertThat(http.get("/f?user=carol").json().get("functions")).hasSize(1);
        assertThat(http.get("/f?user=no.such.user").json().get("functions")).isEmpty();
        assertThat(http.get("/f?user=..").status()).isEqualTo(400);
    }

    // ---- calls ----

    @Test
    void aSyncCallAnswersWithItsOutputAndHeaders() {
        Response r = http.post("/f/demo/hello", "world");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("Hello world");
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.header("X-Return-Code")).isEqualTo("0");
        assertThat(r.header("X-Call-Status")).isEqualTo("done");
        assertThat(r.header("X-Call-Id")).startsWith("test-");
        assertThat(r.header("X-Error")).isNull();

        JsonNode rec = http.get("/calls/" + r.header("X-Call-Id")).json();
        assertThat(rec.get("id").asText()).isEqualTo(r.header("X-Call-Id"));
        assertThat(rec.get("user").asText()).isEqualTo("demo");
        assertThat(rec.get("function").asText()).isEqualTo("hello");
        assertThat(rec.get("status").asText()).isEqualTo("done");
        assertThat(rec.get("returnCode").asInt()).isZero();
        assertThat(rec.get("error").isNull()).isTrue();
        assertThat(rec.get("host").asText()).isEqualTo("test");
        assertThat(rec.get("outputBytes").asInt()).isEqualTo(11);
        for (String t : List.of("submittedAt", "startedAt", "finishedAt")) {
            assertThat(java.time.Instant.parse(rec.get(t).asText())).as(t).isNotNull();
        }
        assertThat(http.get("/calls/" + rec.get("id").asText() + "/output").text()).isEqualTo("Hello world");
        Response logs = http.get("/calls/" + rec.get("id").asText() + "/logs");
        assertThat(logs.header("Content-Type")).startsWith("text/plain");
        assertThat(logs.text()).isEqualTo("hello from a Faaslet\n");
    }

    @Test
    void aNonZeroReturnCodeIsAnAnswerNotAnError() {
        Response r = http.post("/f/demo/exit_code", "7");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Return-Code")).isEqualTo("7");
        assertThat(r.header("X-Call-Status")).isEqualTo("done");
    }

    @Test
    void binaryInputAndOutputRoundTrip() {
        byte[] in = new byte[200_000];
        new java.util.Random(3).nextBytes(in);
        Response r = http.post("/f/demo/echo", in);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(in);
        assertThat(http.post("/f/demo/echo", new byte[0]).body()).isEmpty();
        // what curl --data sends: a form content type, which must not be parsed as a form
        byte[] form = utf8("a=1&b=" + "x".repeat(250_000));
        Response f = http.send("POST", "/f/demo/echo?async=false&timeout=10", form,
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(f.status()).isEqualTo(200);
        assertThat(f.body()).isEqualTo(form);
    }

    @Test
    void anAsyncCallAnswers202AndIsPolledById() {
        Response r = http.post("/f/demo/hello?async=true", "async");
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().get("callId").asText();
        assertThat(r.header("X-Call-Id")).isEqualTo(id);
        assertThat(r.header("Location")).isEqualTo("/calls/" + id);
        JsonNode rec = http.awaitCall(id);
        assertThat(rec.get("status").asText()).isEqualTo("done");
        Response out = http.get("/calls/" + id + "/output");
        assertThat(out.text()).isEqualTo("Hello async");
        assertThat(out.header("X-Return-Code")).isEqualTo("0");
        JsonNode logs = http.send("GET", "/calls/" + id + "/logs", null, "Accept", "application/json").json();
        assertThat(logs.get("stdout").asText()).isEqualTo("hello from a Faaslet\n");
        assertThat(logs.get("stderr").asText()).isEmpty();
        assertThat(http.get("/calls/" + id + "/logs?stream=stderr").body()).isEmpty();
        assertThat(http.get("/calls/" + id + "/logs?stream=bogus").status()).isEqualTo(400);
        assertThat(http.post("/f/demo/hello?async=maybe", "x").status()).isEqualTo(400);
    }

    @Test
    void fanoutOf20Is2870OverHttp() {
        Response r = http.post("/f/demo/fanout", "20");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("2870");
        assertThat(r.header("X-Return-Code")).isEqualTo("0");
        assertThat(http.post("/f/demo/fanout", "ptr:20").text()).as("chained by pointer").isEqualTo("2870");
    }

    @Test
    void aTrapFailsTheCallAndTheHostGoesOn() {
        Response r = http.post("/f/demo/trap", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Call-Status")).isEqualTo("failed");
        assertThat(r.header("X-Return-Code")).isEqualTo("-1");
        assertThat(r.header("X-Error")).startsWith("trap:");
        JsonNode rec = http.get("/calls/" + r.header("X-Call-Id")).json();
        assertThat(rec.get("status").asText()).isEqualTo("failed");
        assertThat(rec.get("returnCode").asInt()).isEqualTo(-1);
        assertThat(rec.get("error").asText()).startsWith("trap:");
        assertThat(http.get("/calls/" + rec.get("id").asText() + "/logs").text()).contains("trap: about to trap");
        assertThat(http.get("/calls/" + rec.get("id").asText() + "/output").header("X-Error")).startsWith("trap:");
        assertThat(http.post("/f/demo/hello", "again").text()).isEqualTo("Hello again");
    }

    @Test
    void aSyncCallPastItsTimeoutIs504AndGoesOn() {
        Response r = http.post("/f/demo/loop_forever?timeout=0.2", "");
        assertThat(r.status()).isEqualTo(504);
        JsonNode n = r.json();
        assertThat(n.get("error").asText()).isEqualTo("timeout");
        String id = n.get("callId").asText();
        assertThat(r.header("X-Call-Id")).isEqualTo(id);
        assertThat(http.get("/calls/" + id).json().get("status").asText()).isIn("queued", "running");
        Response early = http.get("/calls/" + id + "/output");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.json().get("error").asText()).isEqualTo("not finished");
        JsonNode done = http.awaitCall(id); // the wall-time limit of the test server: 3 s
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("error").asText()).startsWith("timeout");
        assertThat(http.post("/f/demo/hello?timeout=abc", "").status()).isEqualTo(400);
        assertThat(http.post("/f/demo/hello?timeout=-1", "").status()).isEqualTo(400);
    }

    @Test
    void unknownThingsAre404() {
        assertThat(http.post("/f/demo/nope", "").status()).isEqualTo(404);
        assertThat(http.get("/f/demo/nope").status()).isEqualTo(404);
        for (String p : List.of("/calls/nope", "/calls/nope/output", "/calls/nope/logs", "/s/demo/nope", "/nope",
                "/f/a/b/c")) {
            Response r = http.get(p);
            assertThat(r.status()).as(p).isEqualTo(404);
            assertThat(r.json().get("error").asText()).as(p).isEqualTo("not found");
        }
        assertThat(http.delete("/s/demo/nope").status()).isEqualTo(404);
    }

    // ---- state ----

    @Test
    void stateValuesByUserAndKey() {
        assertThat(http.get("/s/dora").json()).isEmpty();
        Response put = http.put("/s/dora/greeting", utf8("hi"));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("sizeBytes").asInt()).isEqualTo(2);
        assertThat(http.get("/s/dora/greeting").text()).isEqualTo("hi");
        assertThat(http.get("/s/dora/greeting").header("Content-Type")).isEqualTo("application/octet-stream");
        byte[] bin = {0, 1, 2, (byte) 255};
        assertThat(http.put("/s/dora/nested/path%20with%20space", bin).status()).isEqualTo(200);
        assertThat(http.get("/s/dora/nested/path%20with%20space").body()).isEqualTo(bin);
        assertThat(http.put("/s/dora/%D0%BA%D0%BB%D1%8E%D1%87", utf8("u")).status()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        http.get("/s/dora").json().forEach(k -> keys.add(k.asText()));
        assertThat(keys).containsExactly("greeting", "nested/path with space", "ключ");
        assertThat(http.get("/s/erin").json()).as("another user's keys").isEmpty();

        assertThat(http.delete("/s/dora/greeting").status()).isEqualTo(204);
        assertThat(http.get("/s/dora/greeting").status()).isEqualTo(404);
        assertThat(http.put("/s/dora/empty", new byte[0]).status()).isEqualTo(200);
        assertThat(http.get("/s/dora/empty").body()).isEmpty();
    }

    @Test
    void functionsAndTheApiShareState() {
        Response first = http.post("/f/demo/counter", "");
        assertThat(first.status()).isEqualTo(200);
        int n = Integer.parseInt(first.text());
        byte[] v = http.get("/s/demo/counter").body();
        assertThat(v).hasSize(4);
        assertThat(v[0] & 0xff | (v[1] & 0xff) << 8).isEqualTo(n);
        http.put("/s/demo/counter", new byte[] {41, 0, 0, 0});
        assertThat(http.post("/f/demo/counter", "").text()).isEqualTo("42");
    }

    // ---- health and metrics ----

    @Test
    void healthSaysWhatTheHostIsDoing() {
        JsonNode h = http.get("/health").json();
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("hostId").asText()).isEqualTo("test");
        assertThat(h.get("slots").asInt()).isEqualTo(8);
        assertThat(h.get("auth").asText()).isEqualTo("open");
        for (String f : List.of("running", "queued", "idleFaaslets", "functions")) {
            assertThat(h.get(f).isInt()).as(f).isTrue();
        }
    }

    @Test
    void metricsHaveTheExpectedSeries() {
        http.post("/f/demo/hello", "m");
        http.post("/f/demo/hello", "m");
        http.post("/f/demo/trap", "");
        http.put("/s/metrics/k", new byte[1000]);
        Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        String m = r.text();
        assertThat(m).contains("jfaasm_calls_total{function=\"demo/hello\",outcome=\"done\"}")
                .contains("jfaasm_calls_total{function=\"demo/trap\",outcome=\"failed\"}")
                .contains("jfaasm_call_failures_total{function=\"demo/trap\",kind=\"trap\"}")
                .contains("jfaasm_call_duration_seconds_bucket{function=\"demo/hello\",le=\"0.001\"}")
                .contains("jfaasm_call_duration_seconds_count{function=\"demo/hello\"}")
                .contains("jfaasm_call_queue_wait_seconds_count")
                .contains("jfaasm_call_starts_total{kind=\"restored\"}")
                .contains("jfaasm_queue_length ")
                .contains("jfaasm_calls_running ")
                .contains("jfaasm_faaslets_alive ")
                .contains("jfaasm_faaslets_idle ")
                .contains("jfaasm_functions ")
                .contains("jfaasm_uploads_total{outcome=\"ok\"}")
                .contains("jfaasm_tier_functions_total{outcome=\"fallback\"}")
                .contains("jvm_memory_used_bytes");
        assertThat(value(m, "jfaasm_state_bytes")).isGreaterThanOrEqualTo(1000);
        assertThat(value(m, "jfaasm_tier_functions_total{outcome=\"compiled\"}")).as("the uploaded examples' functions")
                .isGreaterThan(10);
        assertThat(value(m, "jfaasm_calls_total{function=\"demo/hello\",outcome=\"done\"}")).isGreaterThanOrEqualTo(2);
    }

    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(series));
    }

    // ---- malformed requests ----

    @Test
    void wrongMethodsAre405() {
        for (String[] mp : List.of(new String[] {"PATCH", "/f/demo/hello"}, new String[] {"DELETE", "/health"},
                new String[] {"PUT", "/calls/x"}, new String[] {"POST", "/s/demo/k"}, new String[] {"POST", "/f"},
                new String[] {"PUT", "/metrics"}, new String[] {"GET", "/keys/demo"})) {
            Response r = http.send(mp[0], mp[1], null);
            assertThat(r.status()).as(mp[0] + " " + mp[1]).isEqualTo(405);
            assertThat(r.json().get("error").asText()).isEqualTo("method not allowed");
            assertThat(r.header("Allow")).as(mp[0] + " " + mp[1]).isNotBlank();
        }
    }

    @Test
    void bodiesOverTheLimitAre413() {
        Response upload = http.put("/f/demo/big", new byte[1024 * 1024 + 1]);
        assertThat(upload.status()).isEqualTo(413);
        assertThat(upload.json().get("error").asText()).isEqualTo("too large");
        assertThat(http.post("/f/demo/echo", new byte[256 * 1024 + 1]).status()).isEqualTo(413);
        assertThat(http.post("/f/demo/echo", new byte[256 * 1024]).status()).as("at the limit").isEqualTo(200);
        assertThat(http.put("/s/demo/big", new byte[128 * 1024 + 1]).status()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() {
        // 64 MiB without a Content-Length; the server stops reading at 256 KiB
        long[] sent = {0};
        Response r = http.sendStream("POST", "/f/demo/echo", () -> new InputStream() {
            @Override
            public int read() {
                return sent[0]++ < 64L * 1024 * 1024 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long left = 64L * 1024 * 1024 - sent[0];
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                sent[0] += n;
                return n;
            }
        });
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).isEqualTo("too large");
        assertThat(sent[0]).as("the client was not made to send it all").isLessThan(64L * 1024 * 1024);
        Response small = http.sendStream("POST", "/f/demo/echo", () -> new ByteArrayInputStream(utf8("chunked")));
        assertThat(small.text()).isEqualTo("chunked");
    }

    @Test
    void aFalseContentLengthCannotSmuggleABigBody() throws IOException {
        // declares 10 bytes and sends a megabyte: only 10 are the body, the rest is garbage
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            String head = "POST /f/demo/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[1024 * 1024]);
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readNBytes(200), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200");
        } catch (java.net.SocketException e) {
            // the server may close the connection on the garbage that follows: fine too
        }
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    @Test
    void hostileNamesAre4xxAndTouchNothingOutsideTheDataDir() throws IOException {
        List<String> paths = List.of(
                "/f/demo/..", "/f/demo/%2e%2e", "/f/%2e%2e/x", "/f/..%2F..%2Ftmp/x", "/f/demo/..%2F..%2Fescape",
                "/f/demo%2F..%2F..%2Fescape/x", "/f/demo/a%00b", "/f/demo/%C3%28", "/f/%FF/x", "/f/demo/a%20b",
                "/f/" + "u".repeat(129) + "/x", "/f/demo/" + "f".repeat(129), "/f/demo/" + "f".repeat(20_000),
                "/f/demo/.", "/f/./x");
        for (String p : paths) {
            for (String method : List.of("PUT", "POST", "GET", "DELETE")) {
                Response r = http.send(method, p, method.equals("PUT") ? example("hello") : null);
                assertThat(r.status()).as(method + " " + p + ": " + r).isBetween(400, 499);
                if (r.body().length > 0) {
                    assertThat(r.json().has("error")).as(method + " " + p).isTrue();
                }
            }
        }
        List<String> statePaths = List.of("/s/%2e%2e/k", "/s/../k", "/s/demo/a%00b", "/s/" + "u".repeat(129) + "/k",
                "/s/demo/" + "k".repeat(1025));
        for (String p : statePaths) {
            Response r = http.put(p, utf8("v"));
            assertThat(r.status()).as("PUT " + p + ": " + r).isBetween(400, 499);
        }
        // keys may hold any characters: they never become paths
        assertThat(http.put("/s/demo/..%2F..%2F..%2Fescape", utf8("v")).status()).isEqualTo(200);
        assertThat(http.get("/s/demo/..%2F..%2F..%2Fescape").text()).isEqualTo("v");
        assertThat(http.put("/s/demo/../../../escape2", utf8("v")).status()).isBetween(200, 499);

        Path data = tmp.resolve("data").toRealPath();
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertThat(p.toRealPath()).as("a file outside the data directory").startsWith(data);
                assertThat(p.getFileName().toString()).doesNotContain("escape");
            }
        }
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    @Test
    void theKeysEndpointRefusesBadJson() {
        for (String bad : List.of("{", "[1,2", "{\"label\": }", "\"just a string\"", "[]", "{\"label\": 5}",
                "\u00ff\u00fe")) {
            Response r = http.post("/keys/frank", bad);
            assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(bad).isEqualTo("bad json");
        }
        Response ok = http.post("/keys/frank", "{\"label\": \"ci\"}");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().get("key").asText()).startsWith("jfk_");
        assertThat(ok.json().get("label").asText()).isEqualTo("ci");
        assertThat(http.post("/keys/frank", "").status()).as("no body at all").isEqualTo(201);
        assertThat(http.post("/keys/%2e%2e", "").status()).isEqualTo(400);
    }

    @Test
    void aQueueAtItsBoundIs429() throws Exception {
        try (JfaasmServer small = JfaasmServer.start(TestHttp.config(tmp.resolve("small")).withSlots(1, 1)
                .withLimits(io.jfaasm.runtime.faaslet.FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(1)))
                .withShutdownGrace(Duration.ZERO))) {
            TestHttp h = new TestHttp(small);
            assertThat(h.put("/f/demo/loop", example("loop_forever")).status()).isEqualTo(201);
            String running = h.post("/f/demo/loop?async=true", "").json().get("callId").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!h.get("/calls/" + running).json().get("status").asText().equals("running")) {
                assertThat(System.nanoTime() - deadline).isNegative();
                Thread.sleep(10);
            }
            assertThat(h.post("/f/demo/loop?async=true", "").status()).as("queued").isEqualTo(202);
            Response full = h.post("/f/demo/loop?async=true", "");
            assertThat(full.status()).isEqualTo(429);
            assertThat(full.json().get("error").asText()).isEqualTo("queue full");
            assertThat(full.header("Retry-After")).isEqualTo("1");
            assertThat(h.get("/metrics").text()).contains("jfaasm_calls_refused_total{reason=\"queue_full\"} 1.0");
        }
    }

    @Test
    void noAnswerCarriesAStackTrace() {
        for (Response r : List.of(http.put("/f/demo/junk2", utf8("\0asm garbage")), http.post("/f/demo/nope", ""),
                http.get("/calls/%FF"), http.send("TRACE", "/f", null), http.get("/s/demo/%00"))) {
            assertThat(r.status()).as(r.toString()).isBetween(400, 499);
            assertThat(r.text()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("<html");
        }
    }
}
