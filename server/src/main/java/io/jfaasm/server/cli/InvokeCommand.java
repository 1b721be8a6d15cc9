package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm invoke USER FUNCTION}: {@code POST /f/{user}/{function}}. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = {
            "Call a function on a JFaasm server.",
            "",
            "Waits for the call, writes its output bytes raw to stdout and exits with its",
            "return code. A call that fails (a trap, a limit) prints 'error: <reason>' on",
            "stderr and exits with 134, as 'jfaasm run' does. A call that passes the",
            "server's timeout goes on running: the error names its id, for 'jfaasm status'.",
            "With --async: prints the call's id and exits at once.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "n:the function's return code (the shell sees it modulo 256)",
            "0:with --async: the call was accepted",
            "1:refused by the server (404 unknown function, 401/403 key, 413 too large, 429 full),"
                + " the call passed its timeout (504), or the server could not be reached",
            "2:bad usage, or the input file could not be read",
            "134:the call failed: it trapped or hit a limit"
        })
final class InvokeCommand extends ClientCommand {
    static final int EXIT_TRAP = RunCommand.EXIT_TRAP;

    static final class InputSource {
        @Option(names = "--input", paramLabel = "TEXT",
                description = "Input bytes of the call, as UTF-8 text (default: none).")
        String text;

        @Option(names = "--input-file", paramLabel = "PATH",
                description = "Read the call's input bytes from a file ('-' for stdin).")
        Path file;
    }

    @ArgGroup(exclusive = true)
    InputSource input;

    @Option(names = "--async", description = "Do not wait: print the call id (then use status, logs).")
    boolean async;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Wait at most this long (fractions allowed; at most the server's sync timeout, the"
                    + " default). The call goes on after it.")
    Double timeoutSeconds;

    @Option(names = {"-v", "--verbose"},
            description = "Also print the call id and return code on stderr.")
    boolean verbose;

    @Parameters(index = "0", paramLabel = "USER", description = "The user the function belongs to.")
    String user;

    @Parameters(index = "1", paramLabel = "FUNCTION", description = "The function's name.")
    String function;

    @Override
    int run(ServerClient client) {
        byte[] in = input == null ? new byte[0]
                : input.text != null ? utf8(input.text) : readLocal(input.file);
        String path = "/f/" + seg(user) + "/" + seg(function);
        if (timeoutSeconds != null && (!(timeoutSeconds > 0) || timeoutSeconds.isInfinite())) {
            throw new ServerClient.ClientException("--timeout must be a positive number of seconds",
                    ServerClient.EXIT_USAGE);
        }
        if (async) {
            ServerClient.Response r = client.expect("POST", path + "?async=true", in, 202, 200);
            String id = ClientJson.str(r.jsonObject(), "callId");
            if (id == null) {
                throw new ServerClient.ClientException("unexpected answer from the server: "
                        + ServerClient.abbreviate(r.text()), ServerClient.EXIT_FAILED);
            }
            System.out.println(id);
            System.out.flush();
            return 0;
        }
        ServerClient.Response r = client.send("POST",
                timeoutSeconds == null ? path : path + "?timeout=" + timeoutSeconds, in);
        String callId = r.header("X-Call-Id");
        if (r.status() == 504) {
            Object v = ClientJson.tryParse(r.text());
            String id = callId != null ? callId
                    : v instanceof Map<?, ?> m ? firstNonNull(ClientJson.str(m, "callId"), ClientJson.str(m, "id"))
                    : null;
            String message = ServerClient.describe(r);
            throw new ServerClient.ClientException(id == null ? message : message + " (jfaasm status " + id + ")",
                    ServerClient.EXIT_FAILED);
        }
        if (r.status() != 200) {
            throw ServerClient.httpError(r);
        }
        writeOut(r.body());
        String error = r.header("X-Error");
        if (error == null && "failed".equalsIgnoreCase(r.header("X-Call-Status"))) {
            error = "the call failed";
        }
        String rcHeader = r.header("X-Return-Code");
        if (verbose) {
            System.err.println("call " + callId + ": " + (error != null ? "failed" : "return code " + rcHeader));
        }
        if (error != null) {
            System.err.println("error: " + error);
            return EXIT_TRAP;
        }
        if (rcHeader == null) {
            throw new ServerClient.ClientException("the server's answer has no X-Return-Code header",
                    ServerClient.EXIT_FAILED);
        }
        try {
            return Integer.parseInt(rcHeader.strip());
        } catch (NumberFormatException e) {
            throw new ServerClient.ClientException("bad X-Return-Code from the server: " + rcHeader,
                    ServerClient.EXIT_FAILED);
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
