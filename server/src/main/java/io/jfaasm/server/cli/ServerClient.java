package io.jfaasm.server.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A small client of the JFaasm HTTP API (docs/http-api.md) for the command line: one request at a
 * time, the key sent as {@code Authorization: Bearer}, failures turned into {@link ClientException}s
 * whose message is the line the CLI prints after {@code error: }.
 */
final class ServerClient implements AutoCloseable {
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Exit code of a command that could not reach the server or got an HTTP error. */
    static final int EXIT_FAILED = 1;
    /** Exit code of bad usage: a bad option value, an unreadable local file. */
    static final int EXIT_USAGE = 2;

    /** A failure the CLI reports as one line {@code error: <message>} and an exit code. */
    static final class ClientException extends RuntimeException {
        private final int exitCode;

        ClientException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /** An HTTP answer, whatever its status. */
    record Response(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as a JSON object, or an exception naming the route when it is not one. */
        Map<?, ?> jsonObject() {
            Object v = ClientJson.tryParse(text());
            if (v instanceof Map<?, ?> m) {
                return m;
            }
            throw new ClientException("unexpected answer from the server (status " + status + "): "
                    + abbreviate(text()), EXIT_FAILED);
        }
    }

    private final URI base;
    private final String key;
    private final HttpClient http;

    private ServerClient(URI base, String key) {
        this.base = base;
        this.key = key;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A client of the server at {@code url} (http or https, no query), sending {@code key} if not null. */
    static ServerClient connect(String url, String key) {
        return new ServerClient(parseBase(url), key == null || key.isBlank() ? null : key.strip());
    }

    static URI parseBase(String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ClientException("bad server URL '" + url + "': " + e.getReason(), EXIT_USAGE);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new ClientException("bad server URL '" + url + "': expected http://HOST[:PORT]", EXIT_USAGE);
        }
        String s = u.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** The server's URL, as given (without a trailing slash). */
    URI base() {
        return base;
    }

    /** One path segment, percent-encoded (a user, function, key or call id). */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends a request and returns the answer whatever its status; throws {@link ClientException}
     * only when the server cannot be reached or the exchange breaks.
     *
     * @param pathAndQuery starts with '/', segments already encoded with {@link #seg}
     * @param body the request body, or null for none
     * @param headers more request headers: name, value, name, value...
     */
    Response send(String method, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", "application/octet-stream");
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted", EXIT_FAILED);
        } catch (IOException | IllegalArgumentException e) {
            throw new ClientException("cannot reach " + base + ": " + reason(e), EXIT_FAILED);
        }
    }

    /**
     * Sends a request and returns the answer when its status is one of {@code ok}; any other status
     * becomes a {@link ClientException} with the message {@code <status> <error>: <detail>}.
     */
    Response expect(String method, String pathAndQuery, byte[] body, int... ok) {
        return expect(method, pathAndQuery, body, ok, new String[0]);
    }

    /** As {@link #expect(String, String, byte[], int...)}, with more request headers (name, value...). */
    Response expect(String method, String pathAndQuery, byte[] body, int[] ok, String... headers) {
        Response r = send(method, pathAndQuery, body, headers);
        if (Arrays.stream(ok).noneMatch(s -> s == r.status())) {
            throw httpError(r);
        }
        return r;
    }

    /** The error of a non-success answer: {@code <status> <error>: <detail>} from its JSON body. */
    static ClientException httpError(Response r) {
        return new ClientException(describe(r), EXIT_FAILED);
    }

    static String describe(Response r) {
        Object v = ClientJson.tryParse(r.text());
        if (v instanceof Map<?, ?> m && m.get("error") != null) {
            String error = ClientJson.str(m, "error");
            String detail = ClientJson.str(m, "detail");
            return r.status() + " " + error + (detail == null || detail.isBlank() ? "" : ": " + detail);
        }
        String text = r.text().strip();
        return r.status() + " " + reasonPhrase(r.status()) + (text.isEmpty() ? "" : ": " + abbreviate(text));
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out after " + CONNECT_TIMEOUT.toSeconds() + " s";
            }
            if (t instanceof HttpTimeoutException) {
                return "timed out";
            }
            if (t instanceof ConnectException) {
                String m = t.getMessage();
                return m == null || m.isBlank() || m.equalsIgnoreCase("connection refused") ? "connection refused"
                        : m;
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 409 -> "conflict";
            case 413 -> "payload too large";
            case 429 -> "too many requests";
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            default -> "HTTP error";
        };
    }

    static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
