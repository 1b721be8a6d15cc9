package io.jfaasm.runtime.wasm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Compiled JVM bytecode of modules on disk, one jar per module keyed by the module's sha-256, in a
 * directory per engine version so an upgrade never loads code compiled by another compiler.
 * Writes are atomic (temp file, then rename): concurrent hosts and a crash mid-write are safe.
 */
public final class CodeCache implements Cache {
    private final Path dir;

    public CodeCache(Path root) {
        this.dir = root.resolve("chicory-" + engineVersion());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create code cache directory " + dir + ": " + e, e);
        }
    }

    public Path directory() {
        return dir;
    }

    /** The file for a module digest ("sha-256:BASE64" as Chicory names it). */
    Path fileFor(String key) {
        int colon = key.indexOf(':');
        byte[] digest = java.util.Base64.getDecoder().decode(key.substring(colon + 1));
        return dir.resolve(HexFormat.of().formatHex(digest) + ".jar");
    }

    @Override
    public byte[] get(String key) throws IOException {
        Path file = fileFor(key);
        return Files.exists(file) ? Files.readAllBytes(file) : null;
    }

    @Override
    public void putIfAbsent(String key, byte[] data) throws IOException {
        Path file = fileFor(key);
        if (Files.exists(file)) {
            return;
        }
        Path tmp = Files.createTempFile(dir, "compiling-", ".tmp");
        try {
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // another host or thread published first: theirs is as good as ours
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes an entry that failed to load (a truncated or foreign file). */
    void evict(String key) throws IOException {
        Files.deleteIfExists(fileFor(key));
    }

    boolean contains(String key) {
        return Files.exists(fileFor(key));
    }

    static String engineVersion() {
        try (InputStream in = CodeCache.class.getResourceAsStream(
                "/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}
