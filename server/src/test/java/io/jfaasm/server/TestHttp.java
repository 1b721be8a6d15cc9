package io.jfaasm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/** A small HTTP client for the tests, and the configuration of test servers. */
final class TestHttp {
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    /** One answer, whatever its status. */
    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    TestHttp(String base, String key) {
        this.base = base;
        this.key = key;
    }

    TestHttp(JfaasmServer server) {
        this(server.url(), null);
    }

    /** The same server with another key (null: none). */
    TestHttp as(String otherKey) {
        return new TestHttp(base, otherKey);
    }

    static ServerConfig config(Path dataDir) {
        return ServerConfig.defaults().withPort(0).withDataDir(dataDir).withHostId("test").withSlots(8, 500)
                .withLimits(FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(3)))
                .withShutdownGrace(Duration.ofSeconds(10));
    }

    static byte[] example(String name) {
        try {
            return Files.readAllBytes(EXAMPLES.resolve(name + ".wasm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response delete(String path) {
        return send("DELETE", path, null);
    }

    Response put(String path, byte[] body) {
        return send("PUT", path, body);
    }

    Response post(String path, byte[] body) {
        return send("POST", path, body);
    }

    Response post(String path, String body) {
        return send("POST", path, utf8(body));
    }

    Response send(String method, String path, byte[] body, String... headers) {
        return exchange(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** A body of unknown length: sent chunked, with no Content-Length. */
    Response sendStream(String method, String path, Supplier<InputStream> body) {
        return exchange(method, path, HttpRequest.BodyPublishers.ofInputStream(body));
    }

    private Response exchange(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls a call's record until it has finished. */
    JsonNode awaitCall(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Response r = get("/calls/" + id);
            if (r.status() != 200) {
                throw new AssertionError("GET /calls/" + id + ": " + r);
            }
            JsonNode n = r.json();
            String s = n.path("status").asText();
            if (s.equals("done") || s.equals("failed")) {
                return n;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("call " + id + " still " + s);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
