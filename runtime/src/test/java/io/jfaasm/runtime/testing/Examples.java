package io.jfaasm.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example functions under examples/ at the repository root, built by sdk/build-examples.sh. */
public final class Examples {
    private Examples() {}

    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.isDirectory(p.resolve("sdk"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name + ".wasm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
