package io.jfaasm.experiments.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a baseline function process: this JVM's {@code java}, the flags
 * {@code ./jfaasm} gives a Faaslet host, this JVM's class path, and {@link WasmProcess}.
 */
public final class JvmProcess {
    /** As in the {@code jfaasm} launcher. */
    static final List<String> FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "-XX:-DontCompileHugeMethods", "-Xss16m");

    private JvmProcess() {}

    /** argv for {@code WasmProcess MODE FUNCTION CACHE}. */
    public static List<String> argv(String mode, String function, Path codeCache) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        argv.addAll(FLAGS);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), WasmProcess.class.getName(), mode,
                function, codeCache.toString()));
        return argv;
    }
}
