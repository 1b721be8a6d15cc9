package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's JSON reading, error lines and record formatting, without a server. */
class ClientJsonTest {
    @Test
    @SuppressWarnings("unchecked")
    void parsesWhatTheServerSends() {
        Object v = ClientJson.parse(" {\"id\":\"a\\\"b\\u00e9\",\"n\":-12,\"x\":1.5e3,\"ok\":true,\"e\":null,"
                + "\"l\":[1,{\"k\":[]},\"s\"]} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(m.get("id")).isEqualTo("a\"bé");
        assertThat(m.get("n")).isEqualTo(-12L);
        assertThat(m.get("x")).isEqualTo(1500.0);
        assertThat(m.get("ok")).isEqualTo(true);
        assertThat(m.containsKey("e")).isTrue();
        assertThat(m.get("e")).isNull();
        assertThat((List<Object>) m.get("l")).hasSize(3).contains(1L, "s");
        assertThat(ClientJson.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "tru", "\"open", "{} x", "<html>")) {
            assertThatThrownBy(() -> ClientJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThat(ClientJson.tryParse(bad)).isNull();
        }
    }

    @Test
    void errorLinesComeFromTheJsonErrorOrTheStatus() {
        assertThat(ServerClient.describe(response(404, "{\"error\":\"not found\",\"detail\":\"no function demo/x\"}")))
                .isEqualTo("404 not found: no function demo/x");
        assertThat(ServerClient.describe(response(401, "{\"error\":\"unauthorized\"}"))).isEqualTo("401 unauthorized");
        assertThat(ServerClient.describe(response(502, "<html>bad\n gateway</html>")))
                .isEqualTo("502 bad gateway: <html>bad gateway</html>");
        assertThat(ServerClient.describe(response(500, ""))).isEqualTo("500 internal server error");
    }

    @Test
    void serverUrls() {
        assertThat(ServerClient.parseBase("http://127.0.0.1:8080/").toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerClient.parseBase("https://faasm.example/api").toString())
                .isEqualTo("https://faasm.example/api");
        for (String bad : List.of("127.0.0.1:8080", "ftp://x", "http://", "http://h/?q=1", "http://h h")) {
            assertThatThrownBy(() -> ServerClient.parseBase(bad)).as(bad)
                    .isInstanceOf(ServerClient.ClientException.class)
                    .hasMessageStartingWith("bad server URL");
        }
        assertThat(ServerClient.seg("a b/c")).isEqualTo("a%20b%2Fc");
    }

    @Test
    void statusRecordAsAlignedLines() {
        Map<?, ?> record = (Map<?, ?>) ClientJson.parse("{\"id\":\"c1\",\"user\":\"demo\",\"function\":\"hello\","
                + "\"status\":\"done\",\"returnCode\":0,\"error\":null,\"host\":\"h1\","
                + "\"submittedAt\":\"2026-01-01T00:00:00Z\",\"startedAt\":\"2026-01-01T00:00:00.001Z\","
                + "\"finishedAt\":\"2026-01-01T00:00:00.250Z\",\"outputBytes\":7,\"extra\":\"x\"}");
        String text = StatusCommand.format(record);
        assertThat(text).containsPattern("(?m)^id: +c1$").containsPattern("(?m)^return code: +0$")
                .containsPattern("(?m)^error: +-$").containsPattern("(?m)^took: +249 ms$")
                .containsPattern("(?m)^extra: +x$");
        assertThat(text.lines().map(l -> l.length() - l.substring(l.indexOf(':') + 1).stripLeading().length())
                .distinct().count()).as("values start in one column:%n%s", text).isEqualTo(1);
    }

    private static ServerClient.Response response(int status, String body) {
        return new ServerClient.Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
