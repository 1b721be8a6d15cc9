package io.jfaasm.runtime.wasm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Compiled JVM bytecode of modules on disk, one jar per module keyed by the module's sha-256, in a
 * directory per engine version so an upgrade never loads code compiled by another compiler.
 * Writes are atomic (temp file, then rename): concurrent hosts and a crash mid-write are safe.
 *
 * <p>Each entry starts with a header naming the module digest it was compiled from, checked on
 * every read: a file copied or renamed under another module's name is never loaded as that
 * module's code. The directory must still be private to the host's user: whoever can write it can
 * put JVM code into the host.
 */
public final class CodeCache implements Cache {
    private final Path root;
    private final Path dir;

    /** Chicory's compiled code, under {@code root}. */
    public CodeCache(Path root) {
        this(root, "chicory-" + engineVersion());
    }

    /** Another compiler's code, in a directory of its own under {@code root} (named with its version). */
    public CodeCache(Path root, String compiler) {
        this.root = root;
        this.dir = root.resolve(compiler);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create code cache directory " + dir + ": " + e, e);
        }
    }

    public Path directory() {
        return dir;
    }

    /** The directory holding every compiler's directory. */
    public Path root() {
        return root;
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
        if (!Files.exists(file)) {
            return null;
        }
        byte[] entry = Files.readAllBytes(file);
        byte[] header = header(key);
        if (entry.length < header.length || !Arrays.equals(entry, 0, header.length, header, 0, header.length)) {
            evict(key); // not compiled from this module: recompile
            return null;
        }
        return Arrays.copyOfRange(entry, header.length, entry.length);
    }

    private static byte[] header(String key) {
        return ("jfaasm-code-cache 1 " + key + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void putIfAbsent(String key, byte[] data) throws IOException {
        Path file = fileFor(key);
        if (Files.exists(file)) {
            return;
        }
        Path tmp = Files.createTempFile(dir, "compiling-", ".tmp");
        try {
            byte[] header = header(key);
            byte[] entry = Arrays.copyOf(header, header.length + data.length);
            System.arraycopy(data, 0, entry, header.length, data.length);
            Files.write(tmp, entry);
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

    /** Whether an entry for this key exists and says it was compiled from it; evicts one that does not. */
    boolean hasValidEntry(String key) throws IOException {
        Path file = fileFor(key);
        if (!Files.exists(file)) {
            return false;
        }
        byte[] header = header(key);
        byte[] start = new byte[header.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(start, 0, start.length);
        }
        if (n == header.length && Arrays.equals(start, header)) {
            return true;
        }
        evict(key);
        return false;
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
