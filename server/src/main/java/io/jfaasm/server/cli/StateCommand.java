package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code jfaasm state get|set|delete|list}: {@code /s/{user}/{key}} and {@code /s/{user}}. */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = {
            "Read and write a user's state values on a JFaasm server.",
            "",
            "These are the values the user's functions see through the state API (the global",
            "tier), by key. 'jfaasm state SUBCOMMAND --help' explains each subcommand.",
            ""
        },
        subcommands = {StateCommand.Get.class, StateCommand.Set.class, StateCommand.Delete.class,
            StateCommand.ListKeys.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:no such key (404), 401/403 key, 413 too large, or the server could not be reached",
            "2:bad usage (a subcommand is required), or an unreadable --file"
        })
final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: get, set, delete or list");
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Write the value of a key, raw, to stdout.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the value was written",
                "1:no such key (404), 401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the state belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "KEY", description = "The state key.")
        String key;

        @Override
        int run(ServerClient client) {
            writeOut(client.expect("GET", "/s/" + seg(user) + "/" + seg(key), null, 200).body());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set the value of a key (creating it, or replacing its whole value).", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the value was stored",
                "1:401/403 key, 413 too large, or the server could not be reached",
                "2:bad usage, or the --file could not be read"})
    static final class Set extends ClientCommand {
        static final class Value {
            @Option(names = "--value", paramLabel = "TEXT", description = "The value, as UTF-8 text.")
            String text;

            @Option(names = "--file", paramLabel = "PATH", description = "Read the value from a file ('-' for stdin).")
            Path file;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Value value;

        @Parameters(index = "0", paramLabel = "USER", description = "The user the state belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "KEY", description = "The state key.")
        String key;

        @Override
        int run(ServerClient client) {
            byte[] bytes = value.text != null ? utf8(value.text) : readLocal(value.file);
            client.expect("PUT", "/s/" + seg(user) + "/" + seg(key), bytes, 200, 201, 204);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a key and its value.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:deleted",
                "1:no such key (404), 401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the state belongs to.")
        String user;

        @Parameters(index = "1", paramLabel = "KEY", description = "The state key.")
        String key;

        @Override
        int run(ServerClient client) {
            client.expect("DELETE", "/s/" + seg(user) + "/" + seg(key), null, 200, 204);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List a user's keys, one a line.", ""},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the keys were printed (possibly none)",
                "1:401/403 key, or the server could not be reached",
                "2:bad usage"})
    static final class ListKeys extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user the state belongs to.")
        String user;

        @Option(names = "--json", description = "Print the server's JSON answer as it is.")
        boolean json;

        @Override
        int run(ServerClient client) {
            ServerClient.Response r = client.expect("GET", "/s/" + seg(user), null, 200);
            if (json) {
                printJson(r);
                return 0;
            }
            Object v = ClientJson.tryParse(r.text());
            if (v instanceof Map<?, ?> m && m.get("keys") instanceof List<?> l) {
                v = l;
            }
            if (!(v instanceof List<?> keys)) {
                throw new ServerClient.ClientException("unexpected answer from the server: "
                        + ServerClient.abbreviate(r.text()), ServerClient.EXIT_FAILED);
            }
            for (Object k : keys) {
                System.out.println(k instanceof Map<?, ?> m && m.get("key") != null ? m.get("key") : k);
            }
            System.out.flush();
            return 0;
        }
    }
}
