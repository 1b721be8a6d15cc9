package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm upload USER FUNCTION FILE.wasm}: {@code PUT /f/{user}/{function}}. */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = {
            "Upload a function to a JFaasm server, or replace it: a wasm module, or a Python",
            "function's source (--python, or a FILE ending in .py).",
            "",
            "The server validates and compiles the module before it answers; a module it",
            "refuses is reported with the loader's reason. A re-upload replaces the function",
            "atomically: calls in flight finish on the old version. Its calls reach no network",
            "unless --allow (or the user's list, 'jfaasm net') names where. Prints one line",
            "  uploaded USER/FUNCTION: N bytes, sha256 HASH, compiled in N ms by ENGINE",
            "or, with --json, the server's answer as it is.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:uploaded",
            "1:refused by the server (400 invalid wasm or network policy, 401/403 key, 413 too large),"
                + " or the server could not be reached",
            "2:bad usage, or FILE.wasm could not be read"
        })
final class UploadCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "USER", description = "The user the function belongs to.")
    String user;

    @Parameters(index = "1", paramLabel = "FUNCTION", description = "The function's name.")
    String function;

    @Parameters(index = "2", paramLabel = "FILE.wasm", description = "The module, or with --python the"
            + " Python source ('-' reads stdin).")
    Path file;

    @Option(names = "--python", description = "FILE is a Python function's source (function.py defining main()),"
            + " run under the server's Python interpreter (implied by a FILE ending in .py).")
    boolean python;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    @Option(names = "--idempotent", description = "Mark the function safe to run twice: in a cluster, a call "
            + "lost with a host that died runs again elsewhere instead of failing.")
    boolean idempotent;

    @Option(names = "--allow", paramLabel = "HOST:PORT", description = "A host:port pattern the function's calls "
            + "may connect to (repeatable; '*' wildcards, port ranges LOW-HIGH). None: no network.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--bandwidth", paramLabel = "BYTES_PER_S",
            description = "Bandwidth of each call, sent and received together (server default: 10 MiB/s).")
    Long bandwidth;

    @Option(names = "--sockets", paramLabel = "N", description = "Sockets a call may hold open at once (server default: 16).")
    Integer sockets;

    @Option(names = "--engine", paramLabel = "ENGINE", description = {
            "What runs this function: jfaasm (JFaasm's compiler tier), chicory-compiler or",
            "chicory-interpreter (server default: its own engine, see 'jfaasm serve --help')."})
    String engine;

    @Override
    int run(ServerClient client) {
        byte[] wasm = readLocal(file);
        ServerClient.Response r = client.expect("PUT", "/f/" + seg(user) + "/" + seg(function) + query(), wasm, 200, 201);
        if (json) {
            printJson(r);
            return 0;
        }
        Map<?, ?> m = r.jsonObject();
        System.out.printf("uploaded %s/%s: %s bytes, sha256 %s, compiled in %s ms by %s%n",
                or(m, "user", user), or(m, "function", function), or(m, "sizeBytes", String.valueOf(wasm.length)),
                or(m, "sha256", "?"), or(m, "compileMillis", "?"), or(m, "engine", "?"));
        System.out.flush();
        return 0;
    }

    /** {@code ?lang=python&idempotent=true&allow=...&bandwidth=...&sockets=...&engine=...}, as the options say; "" for none. */
    private String query() {
        List<String> q = new ArrayList<>();
        if (python || file.toString().endsWith(".py")) {
            q.add("lang=python");
        }
        if (idempotent) {
            q.add("idempotent=true");
        }
        allow.forEach(a -> q.add("allow=" + seg(a)));
        if (bandwidth != null) {
            q.add("bandwidth=" + bandwidth);
        }
        if (sockets != null) {
            q.add("sockets=" + sockets);
        }
        if (engine != null) {
            q.add("engine=" + seg(engine));
        }
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }

    static String or(Map<?, ?> m, String key, String otherwise) {
        String v = ClientJson.str(m, key);
        return v == null ? otherwise : v;
    }
}
