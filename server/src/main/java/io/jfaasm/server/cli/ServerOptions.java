package io.jfaasm.server.cli;

import picocli.CommandLine.Option;

/** {@code --server URL} and {@code --key KEY}: the options every client command takes (a picocli mixin). */
final class ServerOptions {
    @Option(names = "--server", paramLabel = "URL",
            description = {"The JFaasm server (default: $JFAASM_SERVER, else",
                ServerClient.DEFAULT_SERVER + ")."})
    String server;

    @Option(names = "--key", paramLabel = "KEY",
            description = {"API key, sent as 'Authorization: Bearer KEY' (default:",
                "$JFAASM_KEY, else none)."})
    String key;

    /** The server URL: the option, else $JFAASM_SERVER, else the default. */
    String serverUrl() {
        if (server != null) {
            return server;
        }
        String env = System.getenv("JFAASM_SERVER");
        return env == null || env.isBlank() ? ServerClient.DEFAULT_SERVER : env;
    }

    /** The API key: the option, else $JFAASM_KEY, else null. */
    String apiKey() {
        return key != null ? key : System.getenv("JFAASM_KEY");
    }

    ServerClient connect() {
        return ServerClient.connect(serverUrl(), apiKey());
    }
}
