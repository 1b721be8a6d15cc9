package io.jfaasm.server.project;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How {@code jfaasm build} builds a function project: the SDK's build script for its language
 * (C/C++: {@code build-function.sh} per top-level source; Rust: {@code build-rust.sh}, which
 * runs cargo), or for AssemblyScript the project's own {@code npm run build}. Each writes
 * {@code NAME.wasm} into the project directory.
 */
public record ProjectBuild(Path dir, Language language, List<List<String>> commands) {
    /** Parses each file given (never runs it) and says there is nothing else to do. */
    static final String PYTHON_CHECK = String.join("\n",
            "import ast, sys",
            "for f in sys.argv[1:]:",
            "    ast.parse(open(f, encoding='utf-8').read(), f)",
            "print('syntax ok: ' + ' '.join(sys.argv[1:]) + '; nothing to compile: upload the .py itself')");

    /** The build of the project in {@code dir}, whose language was detected. */
    public static ProjectBuild of(Path dir, Language language, Sdk sdk) {
        List<List<String>> commands = new ArrayList<>();
        switch (language) {
            case C, CPP -> {
                for (String src : sources(dir, language)) {
                    String out = src.substring(0, src.lastIndexOf('.')) + ".wasm";
                    commands.add(List.of(sdk.script("build-function.sh").toString(), src, out));
                }
            }
            case RUST -> commands.add(List.of(sdk.script("build-rust.sh").toString(), "."));
            case ASSEMBLYSCRIPT -> commands.add(List.of("npm", "run", "--silent", "build"));
            case PYTHON -> {
                // nothing to compile (the server runs the source): a syntax check, if python3 is here
                List<String> check = new ArrayList<>(List.of("python3", "-c", PYTHON_CHECK));
                check.addAll(sources(dir, language));
                commands.add(check);
            }
        }
        return new ProjectBuild(dir, language, List.copyOf(commands));
    }

    /**
     * Runs the commands in the project directory, their output going to this process's; returns
     * the first non-zero exit code (which stops the build), else 0.
     */
    public int run() throws IOException, InterruptedException {
        for (List<String> command : commands) {
            if (language == Language.PYTHON && !onPath("python3")) {
                System.out.println("nothing to compile: upload the .py itself (no python3 here to check its syntax)");
                return 0;
            }
            Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
            int code = p.waitFor();
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** Python sources of a Python project; C sources of a C project; C++ (and any C next to them, as separate functions) of a C++ one. */
    private static List<String> sources(Path dir, Language language) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> language == Language.PYTHON ? n.endsWith(".py")
                            : n.endsWith(".c") || (language == Language.CPP && Language.isCppSource(n)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
