package io.jfaasm.experiments.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files packed in the experiments jar under {@code /experiments/}: example functions
 * ({@code examples/noop.wasm}), the compute kernels ({@code kernels/wasm/gemm.wasm},
 * {@code kernels/src/gemm.c}), so a run needs no checkout.
 */
public final class Resources {
    private Resources() {}

    public static byte[] bytes(String path) {
        try (InputStream in = Resources.class.getResourceAsStream("/experiments/" + path)) {
            if (in == null) {
                throw new IllegalStateException("no /experiments/" + path + " in the experiments jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a packed file to {@code dir/path} (for processes that need it on disk). */
    public static Path extract(String path, Path dir) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes(path));
        return file;
    }
}
