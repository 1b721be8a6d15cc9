package io.jfaasm.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfaasm functions}: {@code GET /f}. */
@Command(
        name = "functions",
        mixinStandardHelpOptions = true,
        description = {
            "List the functions uploaded to a JFaasm server.",
            "",
            "One line per function: user, name, size, sha256 (first 12 digits), upload time.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the list was printed (possibly empty)",
            "1:401/403 key, or the server could not be reached",
            "2:bad usage"
        })
final class FunctionsCommand extends ClientCommand {
    @Option(names = "--user", paramLabel = "USER", description = "Only the functions of this user.")
    String user;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    @Override
    int run(ServerClient client) {
        ServerClient.Response r = client.expect("GET", user == null ? "/f" : "/f?user=" + ServerClient.seg(user),
                null, 200);
        if (json) {
            printJson(r);
            return 0;
        }
        List<Map<?, ?>> rows = new ArrayList<>();
        collect(ClientJson.tryParse(r.text()), rows);
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"USER", "FUNCTION", "BYTES", "SHA256", "UPLOADED"});
        for (Map<?, ?> f : rows) {
            String u = ClientJson.str(f, "user");
            if (user != null && !user.equals(u)) {
                continue;
            }
            String sha = ClientJson.str(f, "sha256");
            table.add(new String[] {
                dash(u), dash(firstNonNull(ClientJson.str(f, "function"), ClientJson.str(f, "name"))),
                dash(ClientJson.str(f, "sizeBytes")), sha == null ? "-" : sha.substring(0, Math.min(12, sha.length())),
                dash(ClientJson.str(f, "uploadedAt"))});
        }
        if (table.size() > 1) {
            System.out.print(format(table));
        }
        System.out.flush();
        return 0;
    }

    /** The function objects of {"functions": [...]}. */
    private static void collect(Object v, List<Map<?, ?>> out) {
        if (v instanceof Map<?, ?> m && m.get("functions") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> f) {
                    out.add(f);
                }
            }
            return;
        }
        throw new ServerClient.ClientException("unexpected answer from the server: "
                + ServerClient.abbreviate(String.valueOf(v)), ServerClient.EXIT_FAILED);
    }

    static String format(List<String[]> table) {
        int[] w = new int[table.getFirst().length];
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (w[i] + 2) + "s", row[i]));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
