package io.jfaasm.runtime.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a host makes the private, writable scratch directory of each call: a new empty directory
 * under {@code root}, seen by the guest at {@code guestPath}, deleted when the call ends however it
 * ends. A host that was killed leaves its calls' directories behind; whoever creates the space
 * next on the same root removes them.
 *
 * @param root a directory of this host only, holding nothing else
 * @param guestPath where the guest sees its scratch directory, e.g. {@code /tmp}
 * @param maxBytes how many bytes the files of one call's directory may hold together
 */
public record ScratchSpace(Path root, String guestPath, long maxBytes) {
    public static final String DEFAULT_GUEST_PATH = "/tmp";
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    /** Opens the space at {@code root}, emptying it of what a previous process left. */
    public static ScratchSpace at(Path root, String guestPath, long maxBytes) {
        try {
            if (Files.exists(root)) {
                deleteTree(root);
            }
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the scratch directory " + root, e);
        }
        return new ScratchSpace(root.toAbsolutePath().normalize(), guestPath, maxBytes);
    }

    /** A new empty directory for one call. */
    public Path create() {
        try {
            return Files.createTempDirectory(root, "call-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory under " + root, e);
        }
    }

    /**
     * Deletes a directory and all it holds. Symbolic links are deleted, never followed, so a link
     * a guest planted cannot make this delete anything outside the directory.
     */
    public static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (!(e instanceof NoSuchFileException)) {
                    Files.deleteIfExists(file); // an entry that cannot be read can still be unlinked
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
