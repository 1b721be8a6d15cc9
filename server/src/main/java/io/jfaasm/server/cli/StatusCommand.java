package io.jfaasm.server.cli;

import static io.jfaasm.server.cli.ServerClient.seg;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm status CALL_ID}: {@code GET /calls/{id}}. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the record of a call.",
            "",
            "Its function, status (queued, running, done, failed), return code, error, the",
            "host that ran it, its times and the size of its output. With --json: the",
            "server's record as it is. With --output: the call's output bytes, raw, instead.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the record was printed, whatever the call's status",
            "1:no such call (404: unknown, or its record expired), 401/403 key, or the server could not be reached",
            "2:bad usage"
        })
final class StatusCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "CALL_ID", description = "The call's id (printed by 'invoke --async').")
    String callId;

    @Option(names = "--json", description = "Print the server's JSON record as it is.")
    boolean json;

    @Option(names = "--output", description = "Print the call's output bytes instead of its record.")
    boolean output;

    private static final Map<String, String> LABELS = new LinkedHashMap<>();

    static {
        LABELS.put("id", "id");
        LABELS.put("user", "user");
        LABELS.put("function", "function");
        LABELS.put("status", "status");
        LABELS.put("returnCode", "return code");
        LABELS.put("error", "error");
        LABELS.put("host", "host");
        LABELS.put("submittedAt", "submitted");
        LABELS.put("startedAt", "started");
        LABELS.put("finishedAt", "finished");
        LABELS.put("outputBytes", "output bytes");
        LABELS.put("parentId", "parent");
    }

    @Override
    int run(ServerClient client) {
        if (output) {
            writeOut(client.expect("GET", "/calls/" + seg(callId) + "/output", null, 200).body());
            return 0;
        }
        ServerClient.Response r = client.expect("GET", "/calls/" + seg(callId), null, 200);
        if (json) {
            printJson(r);
            return 0;
        }
        System.out.print(format(r.jsonObject()));
        System.out.flush();
        return 0;
    }

    /** The record as aligned 'label: value' lines; fields the server adds later follow under their names. */
    static String format(Map<?, ?> m) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (var e : LABELS.entrySet()) {
            if (m.containsKey(e.getKey())) {
                Object v = m.get(e.getKey());
                lines.put(e.getValue(), v == null ? "-" : v.toString());
            }
        }
        String took = took(m.get("startedAt"), m.get("finishedAt"));
        if (took != null) {
            lines.put("took", took);
        }
        for (var e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!LABELS.containsKey(k)) {
                lines.put(k, e.getValue() == null ? "-" : e.getValue().toString());
            }
        }
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
        StringBuilder b = new StringBuilder();
        lines.forEach((k, v) -> b.append(String.format("%-" + width + "s %s%n", k + ":", v)));
        return b.toString();
    }

    private static String took(Object started, Object finished) {
        Instant s = instant(started);
        Instant f = instant(finished);
        if (s == null || f == null) {
            return null;
        }
        Duration d = Duration.between(s, f);
        return d.toNanos() < 10_000_000 ? String.format("%.2f ms", d.toNanos() / 1e6) : d.toMillis() + " ms";
    }

    private static Instant instant(Object v) {
        if (v instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        if (v instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
