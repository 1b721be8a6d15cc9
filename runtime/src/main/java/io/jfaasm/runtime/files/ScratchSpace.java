package io.jfaasm.runtime.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        FileTrees.empty(root);
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
}
