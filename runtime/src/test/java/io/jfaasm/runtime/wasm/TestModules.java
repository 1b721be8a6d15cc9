package io.jfaasm.runtime.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Module bytes for the loader tests: the hand-written modules under src/test/resources/modules
 * (built from .wat by sdk/build-test-modules.sh) and the example functions under examples/.
 */
final class TestModules {
    private TestModules() {}

    /** A module from src/test/resources/modules, e.g. {@code resource("simd")}. */
    static byte[] resource(String name) {
        String path = "/modules/" + name + (name.contains(".") ? "" : ".wasm");
        try (InputStream in = TestModules.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " not on the test classpath"
                        + " (rebuild with sdk/build-test-modules.sh)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** examples/ at the repository root. */
    static Path examplesDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.isDirectory(p.resolve("sdk"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
    }

    /** examples/NAME.wasm */
    static byte[] example(String name) {
        return read(examplesDir().resolve(name + ".wasm"));
    }

    /** Every examples/*.wasm, sorted by name. */
    static List<Path> exampleFiles() {
        try (Stream<Path> files = Files.list(examplesDir())) {
            List<Path> out = files.filter(p -> p.getFileName().toString().endsWith(".wasm")).sorted().toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("no .wasm in " + examplesDir()
                        + " (build them with sdk/build-examples.sh)");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String nameOf(Path wasm) {
        String f = wasm.getFileName().toString();
        return f.substring(0, f.length() - ".wasm".length());
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
