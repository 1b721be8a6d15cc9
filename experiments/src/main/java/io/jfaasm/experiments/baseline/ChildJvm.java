package io.jfaasm.experiments.baseline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Starts a {@link FunctionProcess} (the current java, its class path), feeds it input, reads its result. */
final class ChildJvm {
    private ChildJvm() {}

    static List<String> command(Setup setup, String role, List<String> args) {
        List<String> roleArgs = new ArrayList<>(List.of(role));
        roleArgs.addAll(args);
        return command(setup, FunctionProcess.class, roleArgs);
    }

    /** The command line of a child JVM running {@code main} with the set-up and {@code args}. */
    static List<String> command(Setup setup, Class<?> main, List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(setup.jvmFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(setup.toArgs());
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the child to its end; a child that dies without a result line is a failed result. */
    static ChildResult run(Setup setup, String role, List<String> args, byte[] input) {
        try {
            Process p = new ProcessBuilder(command(setup, role, args))
                    .redirectError(ProcessBuilder.Redirect.appendTo(setup.log().toFile())).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            }
            ChildResult result = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(ChildResult.MARK)) {
                        result = ChildResult.parse(line);
                    }
                }
            }
            int exit = p.waitFor();
            return result != null ? result
                    : ChildResult.failed(role + " process exited " + exit + " without a result (see " + setup.log() + ")");
        } catch (IOException e) {
            return ChildResult.failed("cannot start a " + role + " process: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ChildResult.failed("interrupted");
        }
    }
}
