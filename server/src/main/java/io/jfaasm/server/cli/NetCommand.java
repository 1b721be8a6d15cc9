package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jfaasm net show|allow|set|clear USER}: a user's network allow-list, {@code /net/{user}}. */
@Command(
        name = "net",
        mixinStandardHelpOptions = true,
        description = {
            "Show or change a user's network allow-list on a JFaasm server.",
            "",
            "The list's host:port patterns apply to every function of the user, in addition",
            "to each function's own (jfaasm upload --allow). 'jfaasm net SUBCOMMAND --help'",
            "explains each subcommand.",
            ""
        },
        subcommands = {NetCommand.Show.class, NetCommand.Allow.class, NetCommand.Set.class, NetCommand.Clear.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:refused by the server (400 bad pattern, 401/403 key), or it could not be reached",
            "2:bad usage (a subcommand is required)"
        })
final class NetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: show, allow, set or clear");
    }

    static String path(String user) {
        return "/net/" + seg(user);
    }

    /** The user's list as the server has it. */
    static List<String> current(ServerClient client, String user) {
        Map<?, ?> m = client.expect("GET", path(user), null, 200).jsonObject();
        List<String> out = new ArrayList<>();
        if (m.get("allow") instanceof List<?> l) {
            l.forEach(p -> out.add(String.valueOf(p)));
        }
        return out;
    }

    static void store(ServerClient client, String user, List<String> patterns) {
        StringBuilder json = new StringBuilder("{\"allow\": [");
        for (int i = 0; i < patterns.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(ClientJson.quote(patterns.get(i)));
        }
        client.expect("PUT", path(user), ClientCommand.utf8(json.append("]}").toString()), 200);
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the user's patterns, one a line (nothing: no list).", ""})
    static final class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user.")
        String user;

        @Option(names = "--json", description = "Print the server's JSON answer as it is.")
        boolean json;

        @Override
        int run(ServerClient client) {
            if (json) {
                printJson(client.expect("GET", path(user), null, 200));
                return 0;
            }
            current(client, user).forEach(System.out::println);
            System.out.flush();
            return 0;
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true,
            description = {"Add patterns to the user's list (those already there are kept).", ""})
    static final class Allow extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user.")
        String user;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "HOST:PORT",
                description = "Patterns: a host or address with '*' wildcards, a port, range LOW-HIGH or '*'.")
        List<String> patterns;

        @Override
        int run(ServerClient client) {
            LinkedHashSet<String> all = new LinkedHashSet<>(current(client, user));
            all.addAll(patterns);
            store(client, user, new ArrayList<>(all));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Replace the user's list with these patterns.", ""})
    static final class Set extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user.")
        String user;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "HOST:PORT", description = "The patterns.")
        List<String> patterns;

        @Override
        int run(ServerClient client) {
            store(client, user, patterns);
            return 0;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = {"Remove the user's list: its functions keep only their own.", ""})
    static final class Clear extends ClientCommand {
        @Parameters(index = "0", paramLabel = "USER", description = "The user.")
        String user;

        @Override
        int run(ServerClient client) {
            client.expect("DELETE", path(user), null, 204);
            return 0;
        }
    }
}
