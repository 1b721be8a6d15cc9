package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.server.TestHttp.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network allow-lists declared at upload and per user, over real HTTP, against a real TCP server
 * on loopback: what is allowed connects, everything else is refused with EACCES and a clear line
 * on the call's stderr, and hostile declarations are refused before anything is stored.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NetworkApiTest {
    static final int EACCES = 13;

    @TempDir
    static Path tmp;

    static JfaasmServer server;
    static TestHttp http;
    static EchoServer echo;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoServer();
        server = JfaasmServer.start(TestHttp.config(tmp.resolve("data")));
        http = new TestHttp(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        echo.close();
    }

    static String here() {
        return "127.0.0.1:" + echo.port();
    }

    static String connectInput(String message) {
        return "127.0.0.1 " + echo.port() + " 0 " + message;
    }

    static void upload(TestHttp h, String path, String example, String query) {
        Response r = h.put(path + query, example(example));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    static void assertRefused(Response r) {
        assertThat(r.header("X-Return-Code")).as(r.toString()).isEqualTo(Integer.toString(EACCES));
        String logs = http.get("/calls/" + r.header("X-Call-Id") + "/logs?stream=stderr").text();
        assertThat(logs).contains("not in the function's network allow-list");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void aFunctionUploadedWithTheAllowListConnects() {
        upload(http, "/f/alice/net", "net_client", "?allow=" + here() + "&bandwidth=1048576&sockets=2");
        Response r = http.post("/f/alice/net", connectInput("hello"));
        assertThat(r.header("X-Call-Status")).isEqualTo("done");
        assertThat(r.text()).isEqualTo("echo:hello");

        JsonNode n = http.get("/f/alice/net").json().get("network");
        assertThat(n.get("allow")).extracting(JsonNode::asText).containsExactly(here());
        assertThat(n.get("bandwidth").asLong()).isEqualTo(1048576);
        assertThat(n.get("sockets").asInt()).isEqualTo(2);
        assertThat(n.get("effectiveAllow")).extracting(JsonNode::asText).containsExactly(here());
    }

    @Test
    void withoutAnAllowListTheConnectionIsRefused() {
        long before = echo.connections.get();
        upload(http, "/f/bob/net", "net_client", "");
        assertRefused(http.post("/f/bob/net", connectInput("hi")));
        upload(http, "/f/bob/other_port", "net_client", "?allow=127.0.0.1:" + (echo.port() == 65535 ? 1 : echo.port() + 1));
        assertRefused(http.post("/f/bob/other_port", connectInput("hi")));
        assertThat(echo.connections.get()).as("nothing reached the server").isEqualTo(before);
        assertThat(http.get("/f/bob/net").json().get("network").get("allow")).isEmpty();
    }

    @Test
    void aUsersAllowListAppliesToAllItsFunctionsAndNoOneElses() {
        upload(http, "/f/carol/net", "net_client", "");
        upload(http, "/f/dave/net", "net_client", "");
        assertRefused(http.post("/f/carol/net", connectInput("x")));

        Response set = http.put("/net/carol", utf8("{\"allow\": [\"" + here() + "\"]}"));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(http.get("/net/carol").json().get("allow")).extracting(JsonNode::asText).containsExactly(here());
        assertThat(http.post("/f/carol/net", connectInput("mine")).text()).isEqualTo("echo:mine");
        assertThat(http.get("/f/carol/net").json().get("network").get("effectiveAllow"))
                .extracting(JsonNode::asText).containsExactly(here());

        assertRefused(http.post("/f/dave/net", connectInput("not mine")));
        assertThat(http.get("/net/dave").json().get("allow")).isEmpty();

        assertThat(http.delete("/net/carol").status()).isEqualTo(204);
        assertRefused(http.post("/f/carol/net", connectInput("cleared")));
    }

    @Test
    void aChainedCallRunsUnderTheCalleesPolicy() {
        // the callee may connect, its caller may not: the connection works
        upload(http, "/f/erin/chain_call", "chain_call", "");
        upload(http, "/f/erin/net_client", "net_client", "?allow=" + here());
        Response ok = http.post("/f/erin/chain_call", "net_client " + connectInput("chained"));
        assertThat(ok.text()).isEqualTo("echo:chained");
        // the caller may connect, its callee may not: refused
        upload(http, "/f/frank/chain_call", "chain_call", "?allow=" + here());
        upload(http, "/f/frank/net_client", "net_client", "");
        Response refused = http.post("/f/frank/chain_call", "net_client " + connectInput("chained"));
        assertThat(refused.header("X-Return-Code")).isEqualTo(Integer.toString(EACCES));
    }

    @Test
    void hostileOrMalformedDeclarationsAre400AndStoreNothing() {
        String tooMany = IntStream.range(0, 65).mapToObj(i -> "allow=h" + i + ":80").collect(Collectors.joining("&"));
        List<String> queries = List.of("?allow=no-port", "?allow=host:http", "?allow=host:99999", "?allow=host:0",
                "?allow=host:90-80", "?allow=" + enc("a b:80"), "?allow=" + enc("evil\n:80"), "?allow=",
                "?allow=" + enc("x:80,") , "?allow=" + enc("../../etc:80"), "?allow=" + "h".repeat(300) + ":80",
                "?" + tooMany, "?allow=" + here() + "&sockets=-1", "?allow=" + here() + "&sockets=100000",
                "?allow=" + here() + "&bandwidth=abc", "?allow=" + here() + "&bandwidth=0");
        for (String q : queries) {
            Response r = http.put("/f/mallory/net" + q, example("net_client"));
            assertThat(r.status()).as(q + " -> " + r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad network policy");
            assertThat(r.json().get("detail").asText()).as(q).isNotBlank().doesNotContain("\n");
        }
        assertThat(http.get("/f/mallory/net").status()).as("nothing was stored").isEqualTo(404);

        assertThat(http.put("/net/mallory", utf8("{\"allow\": [\"" + here() + "\"]}")).status()).isEqualTo(200);
        for (String body : List.of("{\"allow\": [\"no-port\"]}", "{\"allow\": [80]}", "{\"allow\": \"x:80\"}",
                "[\"x:80\"]", "{\"allow\": [], \"more\": 1}", "not json")) {
            Response r = http.put("/net/mallory", utf8(body));
            assertThat(r.status()).as(body + " -> " + r).isEqualTo(400);
        }
        assertThat(http.get("/net/mallory").json().get("allow")).as("the old list is kept")
                .extracting(JsonNode::asText).containsExactly(here());
        assertThat(http.put("/net/..", utf8("{\"allow\": []}")).status()).isEqualTo(400);
    }

    @Test
    void aRestartKeepsFunctionAndUserPolicies() throws Exception {
        Path data = tmp.resolve("restart");
        try (JfaasmServer first = JfaasmServer.start(TestHttp.config(data))) {
            TestHttp h = new TestHttp(first);
            upload(h, "/f/gina/net", "net_client", "?allow=" + here() + "&sockets=3");
            upload(h, "/f/hank/net", "net_client", "");
            assertThat(h.put("/net/hank", utf8("{\"allow\": [\"" + here() + "\"]}")).status()).isEqualTo(200);
        }
        try (JfaasmServer second = JfaasmServer.start(TestHttp.config(data))) {
            TestHttp h = new TestHttp(second);
            assertThat(h.post("/f/gina/net", connectInput("again")).text()).isEqualTo("echo:again");
            assertThat(h.get("/f/gina/net").json().get("network").get("sockets").asInt()).isEqualTo(3);
            assertThat(h.post("/f/hank/net", connectInput("user list kept")).text()).isEqualTo("echo:user list kept");
        }
    }

    @Test
    void theOperatorsDenyListWinsOverEveryAllowList() {
        try (JfaasmServer guarded = JfaasmServer.start(TestHttp.config(tmp.resolve("guarded"))
                .withNetworkDeny(List.of("127.0.0.1:" + echo.port())))) {
            TestHttp h = new TestHttp(guarded);
            upload(h, "/f/ivan/net", "net_client", "?allow=*:*");
            assertThat(h.put("/net/ivan", utf8("{\"allow\": [\"" + here() + "\"]}")).status()).isEqualTo(200);
            Response r = h.post("/f/ivan/net", connectInput("blocked"));
            assertThat(r.header("X-Return-Code")).isEqualTo(Integer.toString(EACCES));
            assertThat(h.get("/calls/" + r.header("X-Call-Id") + "/logs?stream=stderr").text())
                    .contains("refused: the host denies it");
        }
        // a host of a cluster denies its Redis by every local name
        assertThat(ClusterConfig.of("redis://127.0.0.1:6379").redisNetworkDeny())
                .contains("127.0.0.1:6379", "127.*:6379", "localhost:6379", "::1:6379");
        assertThat(ClusterConfig.of("redis://10.0.0.2:7000").redisNetworkDeny()).containsExactly("10.0.0.2:7000");
        assertThat(ServerConfig.defaults().networkDeny()).contains("169.254.*:*");
    }

    @Test
    void healthSaysHowSlotsAreShared() {
        JsonNode h = http.get("/health").json();
        assertThat(h.get("callQueue").asText()).isEqualTo("fair_per_user");
        assertThat(h.get("cpuIsolation").asText()).isIn("cgroup_v1", "cgroup_v2", "none");
    }
}
