package io.jfaasm.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm keys create|list|revoke}: the admin's side of API keys ({@code /keys}). */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {"Manage users' API keys on a JFaasm server (needs the admin key).", ""},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {
    static final ObjectMapper JSON = new ObjectMapper();

    /** --server and --key, as every client command takes them. */
    static final class Connection {
        @Option(names = "--server", paramLabel = "URL",
                description = "The JFaasm server (default: $JFAASM_SERVER, else http://127.0.0.1:8080).")
        String server;

        @Option(names = "--key", paramLabel = "ADMIN_KEY",
                description = "The admin key (default: $JFAASM_KEY); printed by 'jfaasm serve', kept in DATA_DIR/admin.key.")
        String key;

        /** Sends one request; the body of a 2xx answer, else an error line and exit code 1. */
        JsonNode send(String method, String path, String jsonBody) throws Failure {
            String base = server != null ? server : env("JFAASM_SERVER", "http://127.0.0.1:8080");
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            String k = key != null ? key : env("JFAASM_KEY", null);
            URI uri;
            try {
                uri = URI.create(base + path);
            } catch (IllegalArgumentException e) {
                throw new Failure(2, "bad server URL '" + base + "'");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            if (jsonBody != null) {
                b.header("Content-Type", "application/json");
            }
            if (k != null && !k.isBlank()) {
                b.header("Authorization", "Bearer " + k.strip());
            }
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = parse(r.body());
                if (r.statusCode() / 100 != 2) {
                    String error = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP error";
                    String detail = body != null && body.hasNonNull("detail") ? ": " + body.get("detail").asText() : "";
                    throw new Failure(1, r.statusCode() + " " + error + detail);
                }
                return body;
            } catch (IOException e) {
                throw new Failure(1, "cannot reach " + base + ": " + (e.getMessage() == null ? e : e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(1, "interrupted");
            }
        }

        private static JsonNode parse(String s) {
            try {
                return s == null || s.isBlank() ? null : JSON.readTree(s);
            } catch (IOException e) {
                return null;
            }
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }

    static final class Failure extends Exception {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Connection connection = new Connection();

        @Override
        public final Integer call() {
            try {
                return run();
            } catch (Failure f) {
                System.err.println("error: " + f.getMessage());
                return f.exitCode;
            }
        }

        abstract int run() throws Failure;

        static String seg(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an API key for a user and print it (it is shown only this once).", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the key was printed", "1:refused (401/403: not the admin key) or unreachable",
                "2:bad usage"})
    static final class Create extends Sub {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the key acts for.")
        String user;

        @Option(names = "--label", paramLabel = "TEXT", description = "A note kept with the key (e.g. where it is used).")
        String label;

        @Override
        int run() throws Failure {
            ObjectNode body = JSON.createObjectNode();
            if (label != null) {
                body.put("label", label);
            }
            JsonNode r = connection.send("POST", "/keys/" + seg(user), body.toString());
            if (r == null || !r.hasNonNull("key")) {
                throw new Failure(1, "unexpected answer from the server");
            }
            System.out.println(r.get("key").asText());
            System.err.println("key for user " + r.path("user").asText(user)
                    + " (shown once; use it as --key, $JFAASM_KEY, or 'Authorization: Bearer KEY')");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the keys (their ids, users, labels; never the keys themselves).", ""})
    static final class ListKeys extends Sub {
        @Override
        int run() throws Failure {
            JsonNode r = connection.send("GET", "/keys", null);
            System.out.printf("%-14s %-20s %-26s %s%n", "ID", "USER", "CREATED", "LABEL");
            for (JsonNode k : r == null ? JSON.createArrayNode() : r.path("keys")) {
                System.out.printf("%-14s %-20s %-26s %s%n", k.path("id").asText(), k.path("user").asText(),
                        k.path("createdAt").asText(), k.hasNonNull("label") ? k.get("label").asText() : "");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke every key of a user.", ""})
    static final class Revoke extends Sub {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        int run() throws Failure {
            JsonNode r = connection.send("DELETE", "/keys/" + seg(user), null);
            System.out.println("revoked " + (r == null ? "?" : r.path("revoked").asText()) + " key(s) of " + user);
            return 0;
        }
    }
}
