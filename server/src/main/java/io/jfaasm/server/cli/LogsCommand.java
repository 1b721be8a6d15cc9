package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm logs CALL_ID}: {@code GET /calls/{id}/logs}. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Print what a call wrote to its stdout and stderr.",
            "",
            "The function's stdout goes to this command's stdout and its stderr to stderr, byte",
            "for byte (each up to the server's log limit). With --json: the server's JSON",
            "{id, status, stdout, stderr} instead.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the logs were printed (nothing if the call wrote nothing, or has not run yet)",
            "1:no such call (404: unknown, or its record expired), 401/403 key, or the server could not be reached",
            "2:bad usage"
        })
final class LogsCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CALL_ID", description = "The call's id.")
    String callId;

    @Option(names = "--json", description = "Print the server's JSON form of the logs.")
    boolean json;

    @Override
    int run(ServerClient client) {
        String path = "/calls/" + seg(callId) + "/logs";
        if (json) {
            printJson(client.expect("GET", path, null, new int[] {200}, "Accept", "application/json"));
            return 0;
        }
        byte[] stdout = client.expect("GET", path + "?stream=stdout", null, 200).body();
        byte[] stderr = client.expect("GET", path + "?stream=stderr", null, 200).body();
        writeOut(stdout);
        PrintStream err = System.err;
        err.write(stderr, 0, stderr.length);
        err.flush();
        return 0;
    }
}
