package io.jfaasm.server.project;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A language JFaasm functions are written in, as {@code jfaasm new --lang} names it. */
public enum Language {
    C("c"),
    CPP("cpp"),
    RUST("rust"),
    ASSEMBLYSCRIPT("assemblyscript"),
    PYTHON("python");

    private final String id;

    Language(String id) {
        this.id = id;
    }

    /** The name {@code --lang} takes, and the template's resource directory. */
    public String id() {
        return id;
    }

    public static Optional<Language> of(String id) {
        return Arrays.stream(values()).filter(l -> l.id.equals(id)).findFirst();
    }

    /** The ids, for messages: {@code c, cpp, rust, assemblyscript}. */
    public static String ids() {
        return Arrays.stream(values()).map(Language::id).collect(Collectors.joining(", "));
    }

    /**
     * The language of the function project in {@code dir}, from the files a build needs: a
     * {@code Cargo.toml} (Rust), a {@code package.json} (AssemblyScript), else a C++ or C source
     * at its top level (C++ when there is any, as a C++ project may carry C files too), else a
     * Python source.
     */
    public static Optional<Language> detect(Path dir) {
        if (Files.isRegularFile(dir.resolve("Cargo.toml"))) {
            return Optional.of(RUST);
        }
        if (Files.isRegularFile(dir.resolve("package.json"))) {
            return Optional.of(ASSEMBLYSCRIPT);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            var names = files.map(p -> p.getFileName().toString()).toList();
            if (names.stream().anyMatch(Language::isCppSource)) {
                return Optional.of(CPP);
            }
            if (names.stream().anyMatch(n -> n.endsWith(".c"))) {
                return Optional.of(C);
            }
            return names.stream().anyMatch(n -> n.endsWith(".py")) ? Optional.of(PYTHON) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isCppSource(String fileName) {
        return fileName.endsWith(".cpp") || fileName.endsWith(".cc") || fileName.endsWith(".cxx");
    }
}
