package io.jfaasm.server.cli;

import io.jfaasm.server.project.Language;
import io.jfaasm.server.project.ProjectTemplate;
import io.jfaasm.server.project.Sdk;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm new}: a function project in one of the languages, ready to build. */
@Command(
        name = "new",
        mixinStandardHelpOptions = true,
        description = {
            "Create a function project: a 'Hello <input>' function in the language asked,",
            "that 'jfaasm build' builds into NAME.wasm (Python: NAME.py, nothing to build),",
            "and a README saying how to build, run, upload and invoke it.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the project was created",
            "2:bad usage, an unsupported language, a bad name, a directory that is not empty, or no SDK"
        })
public final class NewCommand implements Callable<Integer> {
    static final int EXIT_USAGE = 2;

    @Option(names = "--lang", required = true, paramLabel = "LANG",
            description = "c, cpp, rust, assemblyscript or python.")
    String lang;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "The project directory (default: ./NAME); must not exist, or be empty.")
    Path dir;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "The function's name: a letter, then letters, digits, '-' or '_'.")
    String name;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        Optional<Language> language = Language.of(lang);
        if (language.isEmpty()) {
            err.println("error: --lang " + lang + ": unknown language (want one of " + Language.ids() + ")");
            return EXIT_USAGE;
        }
        Optional<Sdk> sdk = Sdk.find();
        if (sdk.isEmpty()) {
            err.println("error: " + Sdk.NOT_FOUND);
            return EXIT_USAGE;
        }
        Path target = (dir != null ? dir : Path.of(name)).toAbsolutePath().normalize();
        try {
            new ProjectTemplate(language.get()).write(name, target, sdk.get());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
        System.out.println("created " + language.get().id() + " function " + name + " in " + target);
        System.out.println("build it with: jfaasm build " + target + "   (see its README.md)");
        return 0;
    }
}
