package io.jfaasm.runtime.files;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;

/**
 * A read-only view of one host directory, as a {@link FileSystem} of its own.
 *
 * <p>Why a file system: Chicory's WASI maps a preopened directory to a {@link Path} and does every
 * file operation through {@code java.nio.file.Files} on paths resolved from it, but it has no
 * read-only preopens (and ignores WASI rights). A preopen whose path belongs to this file system
 * sends every one of those operations through {@link ReadOnlyFileSystemProvider}, which refuses
 * each that would change anything, whatever WASI call asked for it; and a link, rename or copy
 * between this view and a writable directory fails because the two are different providers. File
 * permissions cannot do this: the host may run as root.
 *
 * <p>Every operation is also confined to the directory: a path that normalises to anything outside
 * it does not exist here.
 */
public final class ReadOnlyFileSystem extends FileSystem {
    private final ReadOnlyFileSystemProvider provider = new ReadOnlyFileSystemProvider();
    private final Path root;

    private ReadOnlyFileSystem(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The root of a new read-only view of {@code dir}: give it to WASI as the preopen's path. */
    public static Path view(Path dir) {
        ReadOnlyFileSystem fs = new ReadOnlyFileSystem(dir);
        return new ReadOnlyPath(fs, fs.root);
    }

    /** The host path of a path of this view, refused when it leads outside the viewed directory. */
    Path confined(ReadOnlyPath p) throws NoSuchFileException {
        Path host = p.host().toAbsolutePath().normalize();
        if (!host.startsWith(root)) {
            throw new NoSuchFileException(p.toString(), null, "outside the read-only directory");
        }
        return host;
    }

    @Override
    public ReadOnlyFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // nothing to release: the view holds no resources of its own
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public String getSeparator() {
        return root.getFileSystem().getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(new ReadOnlyPath(this, root));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return root.getFileSystem().supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return new ReadOnlyPath(this, root.getFileSystem().getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = root.getFileSystem().getPathMatcher(syntaxAndPattern);
        return p -> p instanceof ReadOnlyPath r && m.matches(r.host());
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("a read-only view has no principals");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("a read-only view cannot be watched");
    }
}
