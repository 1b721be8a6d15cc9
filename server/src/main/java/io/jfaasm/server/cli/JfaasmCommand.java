package io.jfaasm.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jfaasm}: the command line of JFaasm. */
@Command(
        name = "jfaasm",
        mixinStandardHelpOptions = true,
        versionProvider = JfaasmCommand.Version.class,
        description = {
            "JFaasm: stateful serverless WebAssembly functions on the JVM.",
            "Functions are wasm32-wasi modules; each call runs in a Faaslet, an isolated wasm",
            "instance with its own memory and limits on memory and time."
        },
        subcommands = {RunCommand.class, NewCommand.class, BuildCommand.class,
            UploadCommand.class, InvokeCommand.class, StatusCommand.class, LogsCommand.class,
            FunctionsCommand.class, StateCommand.class, NetCommand.class, FileCommand.class,
            ServeCommand.class, KeysCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class JfaasmCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line as {@code main} would, returning the exit code. */
    public static int execute(String... args) {
        return new CommandLine(new JfaasmCommand()).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = JfaasmCommand.class.getPackage().getImplementationVersion();
            return new String[] {"jfaasm " + (v == null ? "development build" : v)};
        }
    }
}
