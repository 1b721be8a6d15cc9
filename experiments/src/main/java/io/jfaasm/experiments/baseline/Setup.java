package io.jfaasm.experiments.baseline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the processes of a run find everything: the functions ({@code functionsDir/USER/NAME.wasm},
 * the layout of {@code DirectoryFunctionStore}), the Redis global tier and the namespace of this
 * run's keys, the shared code cache, the limits of each call, the JVM flags of each child process,
 * and the file their stderr goes to. Passed to child processes as arguments.
 */
public record Setup(Path functionsDir, String redisUri, String namespace, String user, Path codeCacheDir,
        Duration timeout, long maxMemoryBytes, List<String> jvmFlags, Path log) {

    public Setup {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /** The flags every JFaasm host needs (see docs/configuration.md). */
    public static final List<String> HOST_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods", "-Xss16m");

    List<String> toArgs() {
        return List.of("--functions", functionsDir.toString(), "--redis", redisUri, "--namespace", namespace,
                "--user", user, "--cache", codeCacheDir.toString(), "--timeout-ms", Long.toString(timeout.toMillis()),
                "--memory", Long.toString(maxMemoryBytes), "--jvm", String.join(" ", jvmFlags), "--log", log.toString());
    }

    /** Parses what {@link #toArgs()} wrote; the other arguments are left in {@code rest}. */
    static Setup fromArgs(String[] args, List<String> rest) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                o.put(args[i], args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        String jvm = o.get("--jvm");
        return new Setup(Path.of(o.get("--functions")), o.get("--redis"), o.get("--namespace"), o.get("--user"),
                Path.of(o.get("--cache")), Duration.ofMillis(Long.parseLong(o.get("--timeout-ms"))),
                Long.parseLong(o.get("--memory")),
                jvm.isBlank() ? List.of() : new ArrayList<>(List.of(jvm.split(" "))), Path.of(o.get("--log")));
    }
}
