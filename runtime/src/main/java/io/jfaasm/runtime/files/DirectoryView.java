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
 * One host directory seen as a {@link FileSystem} of its own: what the guest's WASI gets for
 * {@code /shared} ({@link #readOnly}) and for its scratch {@code /tmp} ({@link #withQuota}).
 *
 * <p>Why a file system: Chicory's WASI maps a preopened directory to a {@link Path} and does every
 * file operation through {@code java.nio.file.Files} on paths resolved from it, but it has no
 * read-only preopens (it ignores WASI rights) and no size limits. A preopen whose path belongs to
 * a view sends every one of those operations through the view's {@link ViewProvider}, which
 * refuses what its policy forbids whatever WASI call asked for it; and a link, rename or copy
 * between two views fails because they are different file systems. File permissions could not do
 * this: the host may run as root.
 *
 * <p>Every operation is also confined to the directory: a path that normalises to anything outside
 * it does not exist here.
 */
public final class DirectoryView extends FileSystem {
    private final ViewProvider provider;
    private final Path root;

    private DirectoryView(Path root, ViewProvider provider) {
        this.root = root.toAbsolutePath().normalize();
        this.provider = provider;
    }

    /** The root of a new read-only view of {@code dir}: give it to WASI as the preopen's path. */
    public static Path readOnly(Path dir) {
        return new DirectoryView(dir, new ViewProvider.ReadOnly()).rootPath();
    }

    /**
     * The root of a new writable view of {@code dir}, which must be empty: the bytes of its files
     * together may not pass {@code maxBytes}; a write that would is refused with nothing written.
     */
    public static Path withQuota(Path dir, long maxBytes) {
        return new DirectoryView(dir, new ViewProvider.Quota(maxBytes)).rootPath();
    }

    private Path rootPath() {
        return new ViewPath(this, root);
    }

    /** The host path of a path of this view, refused when it leads outside the viewed directory. */
    Path confined(ViewPath p) throws NoSuchFileException {
        Path host = p.host().toAbsolutePath().normalize();
        if (!host.startsWith(root)) {
            throw new NoSuchFileException(p.toString(), null, "outside the read-only directory");
        }
        return host;
    }

    @Override
    public ViewProvider provider() {
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
        return provider instanceof ViewProvider.ReadOnly;
    }

    @Override
    public String getSeparator() {
        return root.getFileSystem().getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(new ViewPath(this, root));
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
        return new ViewPath(this, root.getFileSystem().getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = root.getFileSystem().getPathMatcher(syntaxAndPattern);
        return p -> p instanceof ViewPath r && m.matches(r.host());
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
