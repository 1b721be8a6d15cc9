package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jfaasm file put|get|ls|rm}: a user's shared files, {@code /file/{user}/{path}}. */
@Command(
        name = "file",
        mixinStandardHelpOptions = true,
        description = {
            "Upload, read, list and delete a user's shared files on a JFaasm server.",
            "",
            "Every function of the user sees these files, read-only, under /shared (PATH",
            "a/b.txt is /shared/a/b.txt); no other user's function does. 'jfaasm file",
            "SUBCOMMAND --help' explains each subcommand.",
            ""
        },
        subcommands = {FileCommand.Put.class, FileCommand.Get.class, FileCommand.ListFiles.class,
            FileCommand.Remove.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:no such file (404), bad path (400), path conflict (409), 401/403 key, 413 too large,",
            "  or the server could not be reached",
            "2:bad usage (a subcommand is required), or an unreadable local file"
        })
final class FileCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: put, get, ls or rm");
    }

    /** The route of one file: each segment of the path encoded, the slashes kept. */
    static String route(String user, String path) {
        return "/file/" + seg(user) + "/" + Arrays.stream(path.split("/", -1))
                .map(ServerClient::seg).collect(Collectors.joining("/"));
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Upload a file (creating it, or replacing it) from LOCAL ('-' for stdin).", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:stored",
                "1:bad path (400), path conflict (409), 401/403 key, 413 too large, or the server could not be reached",
                "2:bad usage, or LOCAL could not be read"})
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the file belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "PATH", description = "Its path under /shared, e.g. models/m1.bin.")
        String path;

        @Parameters(index = "2", paramLabel = "LOCAL", description = "The local file to upload ('-' for stdin).")
        Path local;

        @Option(names = "--json", description = "Print the server's JSON answer as it is.")
        boolean json;

        @Override
        int run(ServerClient client) {
            ServerClient.Response r = client.expect("PUT", route(user, path), readLocal(local), 200);
            if (json) {
                printJson(r);
                return 0;
            }
            Map<?, ?> m = ClientJson.tryParse(r.text()) instanceof Map<?, ?> o ? o : Map.of();
            System.out.println("stored " + user + "/" + path + ": " + ClientJson.str(m, "sizeBytes")
                    + " bytes, sha256 " + ClientJson.str(m, "sha256"));
            System.out.flush();
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Write a file's bytes, raw, to stdout.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the bytes were written",
                "1:no such file (404), bad path (400), 401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the file belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "PATH", description = "Its path under /shared.")
        String path;

        @Override
        int run(ServerClient client) {
            writeOut(client.expect("GET", route(user, path), null, 200).body());
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"List a user's files: size, hash and path, one a line.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the files were listed (nothing printed for none)",
                "1:401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class ListFiles extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user whose files to list.")
        String user;

        @Option(names = "--json", description = "Print the server's JSON answer as it is.")
        boolean json;

        @Override
        int run(ServerClient client) {
            ServerClient.Response r = client.expect("GET", "/file/" + seg(user), null, 200);
            if (json) {
                printJson(r);
                return 0;
            }
            if (!(ClientJson.tryParse(r.text()) instanceof Map<?, ?> m && m.get("files") instanceof List<?> files)) {
                throw new ServerClient.ClientException("unexpected answer from the server: "
                        + ServerClient.abbreviate(r.text()), ServerClient.EXIT_FAILED);
            }
            List<String[]> table = new ArrayList<>();
            table.add(new String[] {"BYTES", "SHA256", "PATH"});
            for (Object o : files) {
                if (o instanceof Map<?, ?> f) {
                    String sha = String.valueOf(ClientJson.str(f, "sha256"));
                    table.add(new String[] {String.valueOf(ClientJson.str(f, "sizeBytes")),
                        sha.substring(0, Math.min(12, sha.length())), String.valueOf(ClientJson.str(f, "path"))});
                }
            }
            if (table.size() > 1) {
                System.out.print(FunctionsCommand.format(table));
            }
            System.out.flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Delete a file: functions called from now on no longer see it.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:deleted",
                "1:no such file (404), bad path (400), 401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the file belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "PATH", description = "Its path under /shared.")
        String path;

        @Override
        int run(ServerClient client) {
            client.expect("DELETE", route(user, path), null, 204);
            return 0;
        }
    }
}
