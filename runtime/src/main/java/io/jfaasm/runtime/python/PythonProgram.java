package io.jfaasm.runtime.python;

import io.jfaasm.runtime.files.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One Python function on a host: its source and the directory the interpreter sees as
 * {@code /faasm} ({@code faasm.py}, the SDK, and {@code function.py}, the function), and, once its
 * zygote ran, the {@link Entry} every call starts at.
 */
public final class PythonProgram implements AutoCloseable {
    /** Where the interpreter sees this program's directory. */
    public static final String GUEST_DIR = "/faasm";

    /**
     * What the zygote runs: the interpreter's own start-up, then the SDK's, which imports the
     * function and stops the interpreter at its snapshot point.
     */
    public static final List<String> ZYGOTE_ARGS = List.of("python", "-c",
            "import sys; sys.path.insert(0, '/faasm'); import faasm; faasm._zygote()");

    /**
     * Where each call enters the initialised interpreter: {@code PyVectorcall_Call} (the
     * {@code tp_call} of Python functions), as a function index, on the zygote's function object and
     * empty tuple (addresses in the snapshot's memory).
     */
    public record Entry(int function, int callable, int args) {}

    private final String sha256;
    private final Path dir;
    private volatile Entry entry;

    private PythonProgram(String sha256, Path dir) {
        this.sha256 = sha256;
        this.dir = dir;
    }

    /** Writes the program's directory; {@code source} is the function's {@code function.py}. */
    public static PythonProgram create(byte[] source) {
        String sha = PythonRuntime.sha256(("python:" + PythonRuntime.SHA256 + ":"
                + new String(source, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jfaasm-python-");
            try (InputStream sdk = PythonProgram.class.getResourceAsStream("faasm.py")) {
                if (sdk == null) {
                    throw new IllegalStateException("faasm.py is missing from the runtime's resources");
                }
                Files.write(dir.resolve("faasm.py"), sdk.readAllBytes());
            }
            Files.write(dir.resolve("function.py"), source);
            return new PythonProgram(sha, dir);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot prepare a Python function's directory", e);
        }
    }

    /** Identity of the function: the interpreter's and the source's digest together. */
    public String sha256() {
        return sha256;
    }

    /** The host directory seen as {@link #GUEST_DIR}. */
    public Path dir() {
        return dir;
    }

    /** Where calls start, or null before the zygote ran. */
    public Entry entry() {
        return entry;
    }

    public void setEntry(Entry e) {
        entry = e;
    }

    @Override
    public void close() {
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            // a temporary directory left behind costs only disk
        }
    }
}
