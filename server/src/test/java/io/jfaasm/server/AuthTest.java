package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.server.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** API keys: a server that requires them refuses every route without one, and keeps users apart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTest {
    @TempDir
    static Path tmp;

    static JfaasmServer server;
    static TestHttp admin;
    static TestHttp alice;
    static TestHttp bob;
    static String aliceKey;
    static String aliceCall;

    @BeforeAll
    static void start() {
        server = JfaasmServer.start(TestHttp.config(tmp.resolve("data")).withRequireKeys(true));
        assertThat(server.keysRequired()).isTrue();
        admin = new TestHttp(server.url(), server.adminKey());
        aliceKey = admin.post("/keys/alice", "{\"label\": \"laptop\"}").json().get("key").asText();
        alice = admin.as(aliceKey);
        bob = admin.as(admin.post("/keys/bob", "").json().get("key").asText());
        assertThat(alice.put("/f/alice/hello", example("hello")).status()).isEqualTo(201);
        assertThat(alice.put("/s/alice/k", utf8("secret")).status()).isEqualTo(200);
        assertThat(alice.put("/file/alice/data/f.txt", utf8("alice's file")).status()).isEqualTo(200);
        aliceCall = alice.post("/f/alice/hello", "a").header("X-Call-Id");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Every route, on alice's resources: method, path, body. */
    static List<Object[]> routes() {
        List<Object[]> r = new ArrayList<>();
        r.add(new Object[] {"PUT", "/f/alice/hello", example("hello")});
        r.add(new Object[] {"POST", "/f/alice/hello", utf8("x")});
        r.add(new Object[] {"POST", "/f/alice/hello?async=true", utf8("x")});
        r.add(new Object[] {"GET", "/f/alice/hello", null});
        r.add(new Object[] {"DELETE", "/f/alice/nothing", null});
        r.add(new Object[] {"GET", "/f?user=alice", null});
        r.add(new Object[] {"GET", "/calls/" + aliceCall, null});
        r.add(new Object[] {"GET", "/calls/" + aliceCall + "/output", null});
        r.add(new Object[] {"GET", "/calls/" + aliceCall + "/logs", null});
        r.add(new Object[] {"GET", "/s/alice", null});
        r.add(new Object[] {"GET", "/s/alice/k", null});
        r.add(new Object[] {"PUT", "/s/alice/k2", utf8("v")});
        r.add(new Object[] {"DELETE", "/s/alice/k2", null});
        r.add(new Object[] {"GET", "/net/alice", null});
        r.add(new Object[] {"PUT", "/net/alice", utf8("{\"allow\": [\"127.0.0.1:1\"]}")});
        r.add(new Object[] {"DELETE", "/net/alice", null});
        r.add(new Object[] {"GET", "/file/alice", null});
        r.add(new Object[] {"GET", "/file/alice/data/f.txt", null});
        r.add(new Object[] {"PUT", "/file/alice/data/f.txt", utf8("overwritten")});
        r.add(new Object[] {"PUT", "/file/alice/new.txt", utf8("v")});
        r.add(new Object[] {"DELETE", "/file/alice/data/f.txt", null});
        r.add(new Object[] {"DELETE", "/file/alice/nothing", null});
        r.add(new Object[] {"POST", "/keys/alice", null});
        r.add(new Object[] {"GET", "/keys", null});
        r.add(new Object[] {"DELETE", "/keys/carol", null});
        r.add(new Object[] {"GET", "/metrics", null});
        return r;
    }

    @Test
    void withoutAKeyEveryRouteIs401() {
        TestHttp none = admin.as(null);
        TestHttp wrong = admin.as("jfk_not-a-key");
        for (Object[] route : routes()) {
            for (TestHttp h : List.of(none, wrong)) {
                Response r = h.send((String) route[0], (String) route[1], (byte[]) route[2]);
                assertThat(r.status()).as(route[0] + " " + route[1]).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
                assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
            }
        }
        Response basic = admin.as(null).send("GET", "/s/alice/k", null, "Authorization", "Basic YTpi");
        assertThat(basic.status()).isEqualTo(401);
        assertThat(admin.as(null).get("/health").status()).as("health is open").isEqualTo(200);
        assertThat(admin.as(null).get("/health").json().get("auth").asText()).isEqualTo("keys");
    }

    @Test
    void anotherUsersKeyIs403OnEveryRoute() {
        for (Object[] route : routes()) {
            Response r = bob.send((String) route[0], (String) route[1], (byte[]) route[2]);
            assertThat(r.status()).as(route[0] + " " + route[1] + ": " + r).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
        }
        // and nothing changed for alice
        assertThat(alice.get("/s/alice/k").text()).isEqualTo("secret");
        assertThat(alice.get("/f/alice/hello").status()).isEqualTo(200);
        assertThat(alice.get("/file/alice/data/f.txt").text()).isEqualTo("alice's file");
        assertThat(alice.get("/file/alice").json().get("files")).hasSize(1);
    }

    @Test
    void aUsersKeyWorksOnItsOwnResources() {
        assertThat(alice.post("/f/alice/hello", "me").text()).isEqualTo("Hello me");
        assertThat(alice.get("/calls/" + aliceCall).json().get("user").asText()).isEqualTo("alice");
        assertThat(alice.get("/calls/" + aliceCall + "/output").text()).isEqualTo("Hello a");
        assertThat(alice.get("/s/alice").json()).hasSize(1);
        JsonNode mine = alice.get("/f").json().get("functions");
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("user").asText()).isEqualTo("alice");
        assertThat(bob.get("/f").json().get("functions")).as("bob sees only his own").isEmpty();
        assertThat(bob.put("/f/bob/hello", example("hello")).status()).isEqualTo(201);
        assertThat(alice.put("/net/alice", utf8("{\"allow\": [\"127.0.0.1:9\"]}")).status()).isEqualTo(200);
        assertThat(alice.get("/net/alice").json().get("allow").get(0).asText()).isEqualTo("127.0.0.1:9");
        assertThat(alice.delete("/net/alice").status()).isEqualTo(204);
        assertThat(bob.post("/f/bob/hello", "b").text()).isEqualTo("Hello b");
    }

    @Test
    void theAdminKeyCanDoEverything() {
        assertThat(admin.post("/f/alice/hello", "admin").text()).isEqualTo("Hello admin");
        assertThat(admin.get("/calls/" + aliceCall).status()).isEqualTo(200);
        assertThat(admin.get("/s/alice/k").text()).isEqualTo("secret");
        assertThat(admin.get("/metrics").status()).isEqualTo(200);
        assertThat(admin.get("/f").json().get("functions").size()).isGreaterThanOrEqualTo(1);
        JsonNode keys = admin.get("/keys").json().get("keys");
        assertThat(keys.size()).isGreaterThanOrEqualTo(2);
        assertThat(keys.toString()).doesNotContain(aliceKey).doesNotContain("sha256");
    }

    @Test
    void revokedKeysStopWorking() {
        TestHttp carol = admin.as(admin.post("/keys/carol", "").json().get("key").asText());
        assertThat(carol.get("/s/carol").status()).isEqualTo(200);
        Response revoked = admin.delete("/keys/carol");
        assertThat(revoked.json().get("revoked").asInt()).isEqualTo(1);
        assertThat(carol.get("/s/carol").status()).isEqualTo(401);
        assertThat(admin.delete("/keys/carol").status()).isEqualTo(404);
    }

    @Test
    void keysAreStoredHashedAndPrivate() throws Exception {
        Path data = tmp.resolve("data");
        String store = Files.readString(data.resolve("keys.json"));
        assertThat(store).contains("alice").doesNotContain(aliceKey);
        assertThat(Files.readString(data.resolve("admin.key")).strip()).isEqualTo(server.adminKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("keys.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void keysAreRequiredByDefaultOnlyOffLoopback() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.keysRequired()).as("127.0.0.1").isFalse();
        assertThat(c.withBindAddress("localhost").keysRequired()).isFalse();
        assertThat(c.withBindAddress("::1").keysRequired()).isFalse();
        assertThat(c.withBindAddress("0.0.0.0").keysRequired()).isTrue();
        assertThat(c.withBindAddress("::").keysRequired()).isTrue();
        assertThat(c.withBindAddress("192.0.2.1").keysRequired()).isTrue();
        assertThat(c.withRequireKeys(true).keysRequired()).isTrue();
        assertThat(c.withBindAddress("0.0.0.0").withRequireKeys(false).keysRequired()).isFalse();
    }
}
