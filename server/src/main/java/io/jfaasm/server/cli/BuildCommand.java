package io.jfaasm.server.cli;

import io.jfaasm.server.project.Language;
import io.jfaasm.server.project.ProjectBuild;
import io.jfaasm.server.project.Sdk;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jfaasm build}: builds a function project, whatever its language, into NAME.wasm. */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = {
            "Build the function project in DIR (default: the current directory) into",
            "NAME.wasm there. The language is detected: Cargo.toml is Rust (cargo, through",
            "the SDK's build-rust.sh), package.json is AssemblyScript ('npm run build'),",
            "else each top-level .c or .cpp file is one C or C++ function (the SDK's",
            "build-function.sh), else .py files are Python functions: nothing to build, their",
            "syntax is checked with the local python3 when there is one.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:built",
            "2:no function project in DIR, or no SDK",
            "n:the build failed with code n (a missing toolchain: 2, saying what to install)"
        })
public final class BuildCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The project directory.")
    Path dir = Path.of(".");

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream err = System.err;
        Path project = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(project)) {
            err.println("error: no such directory: " + project);
            return NewCommand.EXIT_USAGE;
        }
        Optional<Language> language = Language.detect(project);
        if (language.isEmpty()) {
            err.println("error: no function project in " + project
                    + " (want a Cargo.toml, a package.json, or .c/.cpp/.py sources; 'jfaasm new' makes one)");
            return NewCommand.EXIT_USAGE;
        }
        Optional<Sdk> sdk = Sdk.find();
        if (sdk.isEmpty()) {
            err.println("error: " + Sdk.NOT_FOUND);
            return NewCommand.EXIT_USAGE;
        }
        return ProjectBuild.of(project, language.get(), sdk.get()).run();
    }
}
