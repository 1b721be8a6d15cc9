package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.server.TestHttp.Response;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts as three {@code jfaasm serve --redis} processes on one Redis (a namespace of their
 * own): functions, state, keys and records shared; calls handed to other hosts when one is full;
 * one host killed with {@code kill -9} while it runs calls for another.
 *
 * <p>Needs the Redis at {@code redis://127.0.0.1:6379} (or {@code -Djfaasm.test.redis=URI}); a
 * Redis that does not answer fails the tests, as in the cluster module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTest {
    static final String REDIS = System.getProperty("jfaasm.test.redis", "redis://127.0.0.1:6379");
    static final int SLOTS = 2;

    @TempDir
    static Path tmp;

    String namespace;
    final List<Host> hosts = new ArrayList<>();
    String adminKey;

    /** One host process and a client for it. */
    record Host(String id, int port, Process process, Path log, TestHttp http) {
        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    @BeforeAll
    void startThreeHosts() throws Exception {
        requireRedis();
        namespace = "jfaasm-test:" + UUID.randomUUID().toString().substring(0, 13) + ":";
        for (int i = 1; i <= 3; i++) {
            hosts.add(spawn("h" + i));
        }
        for (Host h : hosts) {
            awaitHealthy(h);
        }
        adminKey = adminKeyOf(hosts.get(0));
        for (Host h : hosts) {
            assertThat(adminKeyOf(h)).as("one admin key for the cluster").isEqualTo(adminKey);
        }
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            hosts.set(i, new Host(h.id(), h.port(), h.process(), h.log(), new TestHttp("http://127.0.0.1:" + h.port(), adminKey)));
        }
        // every host sees the other two before the tests start
        for (Host h : hosts) {
            await("host " + h.id() + " sees 3 hosts", Duration.ofSeconds(15),
                    () -> h.http().get("/health").json().path("clusterHosts").asInt() == 3);
        }
    }

    @AfterAll
    void stopHosts() {
        for (Host h : hosts) {
            h.process().destroy(); // SIGTERM: graceful, deregisters
        }
        for (Host h : hosts) {
            try {
                if (!h.process().waitFor(20, TimeUnit.SECONDS)) {
                    h.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                h.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (namespace != null) {
            deleteNamespace(namespace);
        }
    }

    Host host(int n) {
        return hosts.get(n - 1);
    }

    TestHttp http(int n) {
        return host(n).http();
    }

    @Test
    @Order(1)
    void aFunctionUploadedToOneHostRunsOnAnother() {
        Response up = http(1).put("/f/alice/hello", example("hello"));
        assertThat(up.status()).as(up.toString()).isEqualTo(201);

        Response r = http(3).post("/f/alice/hello", "cluster");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("Hello cluster");
        assertThat(r.header("X-Host")).isEqualTo("h3");

        List<String> listed = new ArrayList<>();
        http(2).get("/f?user=alice").json().get("functions").forEach(f -> listed.add(f.get("function").asText()));
        assertThat(listed).contains("hello");
        assertThat(http(2).get("/f/alice/hello").json().get("sha256").asText())
                .isEqualTo(up.json().get("sha256").asText());

        // the record, output and logs of a call are readable on every host
        String id = r.header("X-Call-Id");
        for (int n = 1; n <= 3; n++) {
            TestHttp h = http(n);
            await("record of " + id + " on h" + n, Duration.ofSeconds(5), () -> h.get("/calls/" + id).status() == 200);
            JsonNode rec = h.get("/calls/" + id).json();
            assertThat(rec.get("status").asText()).isEqualTo("done");
            assertThat(rec.get("host").asText()).isEqualTo("h3");
            assertThat(h.get("/calls/" + id + "/output").text()).isEqualTo("Hello cluster");
            assertThat(h.get("/calls/" + id + "/logs").text()).contains("hello from a Faaslet");
        }
        assertThat(http(1).get("/calls/h3-0000000000000000").status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aReuploadReachesTheOtherHostsPromptlyAndADeleteToo() {
        assertThat(http(1).put("/f/alice/flip", example("echo")).status()).isEqualTo(201);
        assertThat(http(2).post("/f/alice/flip", "abc").text()).isEqualTo("abc"); // h2 deploys it now
        assertThat(http(3).post("/f/alice/flip", "abc").text()).isEqualTo("abc");

        String newSha = http(1).put("/f/alice/flip", example("reverse")).json().get("sha256").asText();
        long t0 = System.nanoTime();
        await("h2 runs the new version", Duration.ofSeconds(3), () -> http(2).post("/f/alice/flip", "abc").text().equals("cba"));
        await("h3 runs the new version", Duration.ofSeconds(3), () -> http(3).post("/f/alice/flip", "abc").text().equals("cba"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(millis).as("a re-upload reaches the other hosts (pub/sub)").isLessThan(2500);
        assertThat(http(3).get("/f/alice/flip").json().get("sha256").asText()).isEqualTo(newSha);

        assertThat(http(2).delete("/f/alice/flip").status()).isEqualTo(204);
        await("h1 forgets the deleted function", Duration.ofSeconds(3), () -> http(1).post("/f/alice/flip", "abc").status() == 404);
        assertThat(http(3).post("/f/alice/flip", "abc").status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void stateAndKeysAreShared() {
        assertThat(http(1).put("/s/alice/greeting", utf8("hi from h1")).status()).isEqualTo(200);
        assertThat(http(2).get("/s/alice/greeting").text()).isEqualTo("hi from h1");

        String bobKey = http(2).post("/keys/bob", "").json().get("key").asText();
        TestHttp bobOn3 = http(3).as(bobKey);
        assertThat(bobOn3.get("/f?user=bob").status()).isEqualTo(200);
        assertThat(bobOn3.get("/s/alice").status()).isEqualTo(403);
        assertThat(http(1).delete("/keys/bob").status()).isEqualTo(200);
        assertThat(bobOn3.get("/f?user=bob").status()).as("revoked through h1, refused by h3").isEqualTo(401);
    }

    @Test
    @Order(3)
    void networkPoliciesAreTheClustersOnEveryHost() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            String here = "127.0.0.1:" + echo.port();
            String input = "127.0.0.1 " + echo.port() + " 0 ";
            assertThat(http(1).put("/f/ivy/net?allow=" + here, example("net_client")).status()).isEqualTo(201);
            assertThat(http(2).post("/f/ivy/net", input + "on h2").text()).isEqualTo("echo:on h2");
            assertThat(http(3).get("/f/ivy/net").json().get("network").get("allow").get(0).asText()).isEqualTo(here);
            // the same bytes again, without the list: a change of declarations only, and every host applies it
            assertThat(http(1).put("/f/ivy/net", example("net_client")).status()).isEqualTo(201);
            await("h2 applies the new declaration", Duration.ofSeconds(3),
                    () -> "13".equals(http(2).post("/f/ivy/net", input + "x").header("X-Return-Code")));
            // a user's list set through one host applies on the others within a second
            assertThat(http(3).put("/net/ivy", utf8("{\"allow\": [\"" + here + "\"]}")).status()).isEqualTo(200);
            assertThat(http(1).get("/net/ivy").json().get("allow").get(0).asText()).isEqualTo(here);
            await("h2 applies ivy's list", Duration.ofSeconds(3),
                    () -> http(2).post("/f/ivy/net", input + "by user").text().equals("echo:by user"));
        }
    }

    @Test
    @Order(3)
        void aFileUploadedToOneHostIsReadByAFunctionOnAnother() {
        assertThat(http(1).put("/f/alice/shared_read", example("shared_read")).status()).isEqualTo(201);
        assertThat(http(2).put("/file/alice/conf/app.txt", utf8("v1 from h2")).status()).isEqualTo(200);
        Response r = http(3).post("/f/alice/shared_read", "conf/app.txt");
        assertThat(r.header("X-Host")).isEqualTo("h3");
        assertThat(r.text()).isEqualTo("v1 from h2");

        // h3 has v1 cached: a change through another host is what its next call reads
        assertThat(http(1).put("/file/alice/conf/app.txt", utf8("v2 from h1")).status()).isEqualTo(200);
        assertThat(http(3).post("/f/alice/shared_read", "conf/app.txt").text()).isEqualTo("v2 from h1");
        assertThat(http(3).get("/file/alice").json().get("files").size()).isEqualTo(1);

        assertThat(http(2).delete("/file/alice/conf/app.txt").status()).isEqualTo(204);
        Response gone = http(3).post("/f/alice/shared_read", "conf/app.txt");
        assertThat(gone.header("X-Return-Code")).isEqualTo("1");
        assertThat(gone.text()).isEmpty();
    }

    @Test
    @Order(4)
    void internalRoutesNeedTheClusterSecret() {
        Response noSecret = http(1).as(null).send("POST", "/internal/calls/h2-1", utf8("x"),
                "X-Jfaasm-User", "alice", "X-Jfaasm-Function", "hello", "X-Jfaasm-Visited", "h2,h1");
        assertThat(noSecret.status()).isEqualTo(401);
        Response wrong = http(1).as(null).send("POST", "/internal/calls/h2-1", utf8("x"),
                ClusterNode.SECRET_HEADER, "guess", "X-Jfaasm-User", "alice", "X-Jfaasm-Function", "hello",
                "X-Jfaasm-Visited", "h2,h1");
        assertThat(wrong.status()).isEqualTo(401);
        // even the admin key is no cluster secret
        assertThat(http(1).get("/internal/calls/h2-1").status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void fanoutOnAFullHostSpreadsItsChainedCallsAcrossHosts() {
        assertThat(http(1).put("/f/alice/square", example("square")).status()).isEqualTo(201);
        assertThat(http(1).put("/f/alice/fanout", example("fanout")).status()).isEqualTo(201);
        Response r = http(1).post("/f/alice/fanout", "20");
        assertThat(r.text()).isEqualTo("2870");
        assertThat(r.header("X-Call-Status")).isEqualTo("done");

        JsonNode parent = http(1).get("/calls/" + r.header("X-Call-Id")).json();
        assertThat(parent.get("children")).hasSize(20);
        Map<String, Integer> byHost = new LinkedHashMap<>();
        Set<String> outputs = new HashSet<>();
        for (JsonNode c : parent.get("children")) {
            String id = c.asText();
            JsonNode child = http(2).awaitCall(id); // read through another host
            assertThat(child.get("status").asText()).isEqualTo("done");
            assertThat(child.get("parentId").asText()).isEqualTo(parent.get("id").asText());
            outputs.add(http(3).get("/calls/" + id + "/output").text());
            byHost.merge(child.get("host").asText(), 1, Integer::sum);
        }
        Set<String> squares = new HashSet<>();
        for (int i = 1; i <= 20; i++) {
            squares.add(Integer.toString(i * i));
        }
        assertThat(outputs).isEqualTo(squares);
        assertThat(byHost.keySet()).as("children ran on " + byHost).hasSizeGreaterThanOrEqualTo(2);

        // and the pointer variant, started on another host
        assertThat(http(2).post("/f/alice/fanout", "ptr:20").text()).isEqualTo("2870");
    }

    @Test
    @Order(6)
    void aHostKilledUnderLoadFailsItsCallsVisiblyAndLeavesTheCluster() throws Exception {
        assertThat(http(1).put("/f/alice/sleep", example("sleep")).status()).isEqualTo(201);
        assertThat(http(1).put("/f/alice/sleepi?idempotent=true", example("sleep")).status()).isEqualTo(201);
        assertThat(http(3).get("/f/alice/sleepi").json().get("idempotent").asBoolean()).isTrue();

        // more calls than the three hosts have slots: h1 keeps 2, hands the rest to h2 and h3
        List<String> calls = new ArrayList<>();
        Map<String, String> functionOf = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            String fn = i % 2 == 0 ? "sleep" : "sleepi";
            Response r = http(1).post("/f/alice/" + fn + "?async=true", "2500");
            assertThat(r.status()).isEqualTo(202);
            String id = r.json().get("callId").asText();
            calls.add(id);
            functionOf.put(id, fn);
        }
        Set<String> onH3 = new HashSet<>();
        await("calls running on h3", Duration.ofSeconds(10), () -> {
            onH3.clear();
            for (String id : calls) {
                JsonNode rec = http(1).get("/calls/" + id).json();
                if (rec.get("status").asText().equals("running") && "h3".equals(rec.path("host").asText(null))) {
                    onH3.add(id);
                }
            }
            return onH3.size() == SLOTS;
        });

        Host h3 = host(3);
        h3.process().destroyForcibly(); // kill -9
        assertThat(h3.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();

        // h3 leaves the host list and the warm sets within a few seconds
        await("h3 gone", Duration.ofSeconds(8), () -> {
            JsonNode c = http(1).get("/cluster").json();
            for (JsonNode h : c.get("hosts")) {
                if (h.get("id").asText().equals("h3")) {
                    return false;
                }
            }
            for (JsonNode set : c.get("warmSets")) {
                for (JsonNode m : set) {
                    if (m.asText().equals("h3")) {
                        return false;
                    }
                }
            }
            return true;
        });
        long goneAfter = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(goneAfter).as("ms until h3 left (heartbeat expiry: 3 s)").isLessThan(5000);


        // the others keep serving
        assertThat(http(2).post("/f/alice/hello", "still here").text()).isEqualTo("Hello still here");

        // every call ends; none is done without its output; h3's fail visibly, or ran again when idempotent
        for (String id : calls) {
            JsonNode rec = http(2).awaitCall(id);
            String status = rec.get("status").asText();
            if (status.equals("done")) {
                assertThat(http(2).get("/calls/" + id + "/output").text()).as(id).isEqualTo("slept 2500");
                // the host it was submitted to may lag the host that ran it by a few milliseconds
                assertThat(http(1).awaitCall(id).get("status").asText()).isEqualTo("done");
                assertThat(http(1).get("/calls/" + id + "/output").text()).as(id).isEqualTo("slept 2500");
                assertThat(rec.get("outputBytes").asInt()).isEqualTo("slept 2500".length());
            } else {
                assertThat(status).isEqualTo("failed");
                assertThat(rec.get("error").asText()).as(id).contains("host h3 stopped responding");
                assertThat(rec.get("host").asText()).isEqualTo("h3");
            }
            if (functionOf.get(id).equals("sleepi")) {
                assertThat(status).as("idempotent " + id + " is never lost").isEqualTo("done");
            }
            if (onH3.contains(id)) {
                if (functionOf.get(id).equals("sleepi")) {
                    assertThat(rec.get("host").asText()).as(id + " ran again elsewhere").isNotEqualTo("h3");
                } else {
                    assertThat(status).as(id + " was running on h3").isEqualTo("failed");
                }
            }
        }

        // new calls no longer go to h3, and chained calls still spread over the survivors
        Response r = http(1).post("/f/alice/fanout", "20");
        assertThat(r.text()).isEqualTo("2870");
        for (JsonNode c : http(1).get("/calls/" + r.header("X-Call-Id")).json().get("children")) {
            assertThat(http(1).awaitCall(c.asText()).get("host").asText()).isNotEqualTo("h3");
        }
    }

    // ---- processes ----

    Host spawn(String id) throws IOException {
        int port = freePort();
        Path log = tmp.resolve(id + ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods",
                "-Xss8m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.jfaasm.server.cli.JfaasmCommand", "serve",
                "--redis", REDIS, "--redis-namespace", namespace, "--port", Integer.toString(port),
                "--host-id", id, "--slots", Integer.toString(SLOTS), "--data-dir", tmp.resolve("data-" + id).toString(),
                "--require-keys", "--timeout", "30");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Host(id, port, p, log, new TestHttp("http://127.0.0.1:" + port, null));
    }

    void awaitHealthy(Host h) {
        await(h.id() + " healthy (log: " + h.log() + ")", Duration.ofSeconds(60), () -> {
            if (!h.process().isAlive()) {
                throw new AssertionError(h.id() + " exited with " + h.process().exitValue() + ":\n" + h.output());
            }
            try {
                return h.http().get("/health").status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    static String adminKeyOf(Host h) {
        Matcher m = Pattern.compile("Admin key: (\\S+)").matcher(h.output());
        assertThat(m.find()).as("admin key printed by " + h.id() + ":\n" + h.output()).isTrue();
        return m.group(1);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- Redis ----

    static void requireRedis() {
        RedisURI uri = RedisURI.create(REDIS);
        uri.setTimeout(Duration.ofSeconds(3));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            throw new AssertionError("No Redis answers at " + REDIS + ": the cluster tests need one. Start it with"
                    + " `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no`", e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static void deleteNamespace(String ns) {
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            ScanArgs args = ScanArgs.Builder.matches(ns.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*").limit(1000);
            KeyScanCursor<String> cursor = r.scan(args);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    r.del(cursor.getKeys().toArray(new String[0]));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = r.scan(cursor, args);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
