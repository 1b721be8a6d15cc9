package io.jfaasm.server;

import static io.jfaasm.server.TestHttp.example;
import static io.jfaasm.server.TestHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.server.TestHttp.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Users' shared files over real HTTP: upload, then a function reads them; every refusal. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedFilesHttpTest {
    @TempDir
    static Path tmp;

    static JfaasmServer server;
    static TestHttp http;

    @BeforeAll
    static void start() {
        server = JfaasmServer.start(TestHttp.config(tmp.resolve("data"))
                .withSizeLimits(1024 * 1024, 256 * 1024, 64 * 1024));
        http = new TestHttp(server);
        for (String user : List.of("alice", "bob")) {
            assertThat(http.put("/f/" + user + "/shared_read", example("shared_read")).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadThenAFunctionReadsTheFile() {
        Response put = http.put("/file/alice/models/m1.txt", utf8("weights v1"));
        assertThat(put.status()).isEqualTo(200);
        JsonNode n = put.json();
        assertThat(n.get("user").asText()).isEqualTo("alice");
        assertThat(n.get("path").asText()).isEqualTo("models/m1.txt");
        assertThat(n.get("sizeBytes").asLong()).isEqualTo(10);
        assertThat(n.get("sha256").asText()).hasSize(64);

        assertThat(http.post("/f/alice/shared_read", "models/m1.txt").text()).isEqualTo("weights v1");
        assertThat(http.get("/file/alice/models/m1.txt").body()).isEqualTo(utf8("weights v1"));
        assertThat(http.get("/file/alice/models%2Fm1.txt").text()).isEqualTo("weights v1");

        // replaced: the next call reads the new bytes
        assertThat(http.put("/file/alice/models/m1.txt", utf8("weights v2")).status()).isEqualTo(200);
        assertThat(http.post("/f/alice/shared_read", "models/m1.txt").text()).isEqualTo("weights v2");
        JsonNode list = http.get("/file/alice").json().get("files");
        assertThat(list.toString()).contains("\"path\":\"models/m1.txt\"", "\"sizeBytes\":10");

        // deleted: gone for functions and for the API
        assertThat(http.delete("/file/alice/models/m1.txt").status()).isEqualTo(204);
        Response after = http.post("/f/alice/shared_read", "models/m1.txt");
        assertThat(after.header("X-Return-Code")).isEqualTo("1");
        assertThat(http.get("/file/alice/models/m1.txt").status()).isEqualTo(404);
        assertThat(http.delete("/file/alice/models/m1.txt").status()).isEqualTo(404);
    }

    @Test
    void anotherUsersFunctionCannotReadTheFiles() {
        assertThat(http.put("/file/alice/private.txt", utf8("alice only")).status()).isEqualTo(200);
        Response r = http.post("/f/bob/shared_read", "private.txt");
        assertThat(r.header("X-Return-Code")).isEqualTo("1");
        assertThat(r.body()).isEmpty();
        assertThat(http.post("/f/bob/shared_read", "").text()).doesNotContain("private.txt");
        assertThat(http.get("/file/bob").json().get("files")).isEmpty();
    }

    @Test
    void theFunctionCannotChangeTheFilesNorEscape() {
        assertThat(http.put("/f/alice/files_hostile", example("files_hostile")).status()).isEqualTo(201);
        assertThat(http.put("/file/alice/f", utf8("original")).status()).isEqualTo(200);
        assertThat(http.put("/file/alice/sub/g", utf8("inner")).status()).isEqualTo(200);
        Response r = http.post("/f/alice/files_hostile", "");
        assertThat(r.header("X-Call-Status")).isEqualTo("done");
        assertThat(r.text()).isEqualTo("0");
        assertThat(http.get("/calls/" + r.header("X-Call-Id") + "/logs?stream=stdout").text())
                .contains("BLOCKED open O_WRONLY").doesNotContain("ALLOWED");
        assertThat(http.get("/file/alice/f").text()).isEqualTo("original");
    }

    @Test
    void scratchIsPrivateAndGoneAfterTheCall() throws Exception {
        assertThat(http.put("/f/alice/scratch", example("scratch")).status()).isEqualTo(201);
        assertThat(http.post("/f/alice/scratch", "one").text()).isEqualTo("before=0 files=dir,link,one content=one");
        assertThat(http.post("/f/alice/scratch", "two").text()).isEqualTo("before=0 files=dir,link,two content=two");
        try (Stream<Path> left = Files.list(tmp.resolve("data/scratch"))) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void badPathsAre400AndChangeNothing() {
        for (String bad : List.of("%2E%2E/x", "a/%2e%2e/%2e%2e/x", "%2Fetc%2Fpasswd", "a%2F%2Fb", "sp%20ace",
                "a/./b", "x".repeat(256))) {
            Response r = http.put("/file/alice/" + bad, utf8("v"));
            assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(bad + ": " + r.text()).isEqualTo("bad name");
            assertThat(r.json().get("detail").asText()).isNotBlank();
        }
        assertThat(http.put("/file/alice/nul%00", utf8("v")).status()).as("Jetty refuses NUL itself").isEqualTo(400);
        Response raw = http.put("/file/alice/a/../../x", utf8("v"));
        assertThat(raw.status()).as(raw.toString()).isBetween(400, 404);
        assertThat(http.put("/file/bad%20user/x", utf8("v")).status()).isEqualTo(400);
        assertThat(http.get("/file/alice").json().get("files").toString()).doesNotContain("x\"");
    }

    @Test
    void conflictsAre409AndOversizedFilesAre413() {
        assertThat(http.put("/file/carol/d/f", utf8("kept")).status()).isEqualTo(200);
        Response dir = http.put("/file/carol/d", utf8("v"));
        assertThat(dir.status()).isEqualTo(409);
        assertThat(dir.json().get("error").asText()).isEqualTo("path conflict");
        assertThat(http.put("/file/carol/d/f/g", utf8("v")).status()).isEqualTo(409);

        Response big = http.put("/file/carol/big", new byte[64 * 1024 + 1]);
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().get("limitBytes").asLong()).isEqualTo(64 * 1024);
        assertThat(http.put("/file/carol/exact", new byte[64 * 1024]).status()).isEqualTo(200);
        assertThat(http.get("/file/carol").json().get("files").size()).isEqualTo(2);
        assertThat(http.get("/file/carol/d/f").text()).isEqualTo("kept");
    }

    @Test
    void aLibraryUploadedAsASharedFileIsOpenedByItsUsersFunctionsOnly() {
        for (String user : List.of("dave", "erin")) {
            assertThat(http.put("/f/" + user + "/dl_main", example("dl_main")).status()).isEqualTo(201);
        }
        assertThat(http.put("/file/dave/lib/libscale.wasm", example("libs/libscale")).status()).isEqualTo(200);
        Response r = http.post("/f/dave/dl_main", "/shared/lib/libscale.wasm");
        assertThat(r.header("X-Return-Code")).isEqualTo("0");
        assertThat(r.text()).startsWith("fill=abcdefghij sum=100 scale(7)=26 scale(1)=103 apply=43 calls=2");

        Response other = http.post("/f/erin/dl_main", "/shared/lib/libscale.wasm");
        assertThat(other.header("X-Return-Code")).isEqualTo("1");
        assertThat(other.text()).contains("not found");
        assertThat(http.post("/f/dave/dl_main", "/shared/../dave/lib/libscale.wasm").text())
                .contains("bad library path");
        assertThat(http.post("/f/dave/dl_main", "/shared/lib/").text()).contains("bad library path");

        assertThat(http.put("/file/dave/lib/notalib.wasm", example("hello")).status()).isEqualTo(200);
        assertThat(http.post("/f/dave/dl_main", "/shared/lib/notalib.wasm").text()).contains("not a library");

        assertThat(http.delete("/file/dave/lib/libscale.wasm").status()).isEqualTo(204);
        assertThat(http.post("/f/dave/dl_main", "/shared/lib/libscale.wasm").text()).contains("not found");
        assertThat(http.put("/file/dave/lib/libscale.wasm", example("libs/libscale")).status()).isEqualTo(200);
        assertThat(http.post("/f/dave/dl_main", "/shared/lib/libscale.wasm").text())
                .as("a good call after the refusals").startsWith("fill=abcdefghij sum=100");
    }
}
