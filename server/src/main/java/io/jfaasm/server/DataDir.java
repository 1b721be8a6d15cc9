package io.jfaasm.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A server's data directory, held exclusively while the server runs (a lock on {@code .lock}): the
 * state tier and the key store assume one process per directory.
 *
 * <pre>
 *   admin.key     the admin key (mode 0600)
 *   keys.json     users' API keys, as SHA-256 hashes (mode 0600)
 *   functions/    USER/FUNCTION.wasm, as uploaded
 *   state/        the global tier of state (see DirectoryGlobalTier)
 *   code-cache/   compiled modules, by sha-256
 * </pre>
 */
final class DataDir implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDir open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        FileChannel ch = null;
        try {
            Files.createDirectories(root);
            ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another jfaasm server is using the data directory " + root);
            }
            return new DataDir(root, ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot use the data directory " + root + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    Path root() {
        return root;
    }

    Path codeCache() {
        return root.resolve("code-cache");
    }

    Path adminKey() {
        return root.resolve("admin.key");
    }

    Path keys() {
        return root.resolve("keys.json");
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
