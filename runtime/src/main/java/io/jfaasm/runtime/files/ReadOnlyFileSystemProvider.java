package io.jfaasm.runtime.files;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The provider of a {@link ReadOnlyFileSystem}: reads go to the host directory, and everything
 * that would create, change or remove a file throws {@link ReadOnlyFileSystemException}.
 */
final class ReadOnlyFileSystemProvider extends FileSystemProvider {
    /** Open options that change nothing on disk; any other one is a write. */
    private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ,
            StandardOpenOption.SYNC, StandardOpenOption.DSYNC, LinkOption.NOFOLLOW_LINKS);

    private static Path host(Path p) throws IOException {
        if (p instanceof ReadOnlyPath r) {
            return r.getFileSystem().confined(r);
        }
        throw new ProviderMismatchException();
    }

    private static Set<OpenOption> readOnly(Set<? extends OpenOption> options, FileAttribute<?>[] attrs) {
        for (OpenOption o : options) {
            if (!READ_OPTIONS.contains(o)) {
                throw new ReadOnlyFileSystemException();
            }
        }
        if (attrs.length > 0) {
            throw new ReadOnlyFileSystemException();
        }
        Set<OpenOption> out = new java.util.HashSet<>(options);
        out.add(StandardOpenOption.READ);
        return out;
    }

    @Override
    public String getScheme() {
        return "jfaasm-readonly";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("create views with ReadOnlyFileSystem.view");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("views are not looked up by URI");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("views are not looked up by URI");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return Files.newByteChannel(host(path), readOnly(options, attrs));
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return FileChannel.open(host(path), readOnly(options, attrs));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        ReadOnlyFileSystem fs = ((ReadOnlyPath) dir).getFileSystem();
        DirectoryStream<Path> entries = Files.newDirectoryStream(host(dir));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = entries.iterator();
                return new Iterator<>() {
                    private Path next = advance();

                    private Path advance() {
                        while (it.hasNext()) {
                            Path p = new ReadOnlyPath(fs, it.next());
                            try {
                                if (filter.accept(p)) {
                                    return p;
                                }
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                        return null;
                    }

                    @Override
                    public boolean hasNext() {
                        return next != null;
                    }

                    @Override
                    public Path next() {
                        if (next == null) {
                            throw new java.util.NoSuchElementException();
                        }
                        Path p = next;
                        next = advance();
                        return p;
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void createLink(Path link, Path existing) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void delete(Path path) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
        throw new ReadOnlyFileSystemException();
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return new ReadOnlyPath(((ReadOnlyPath) link).getFileSystem(), Files.readSymbolicLink(host(link)));
    }

    @Override
    public boolean isSameFile(Path a, Path b) throws IOException {
        return a instanceof ReadOnlyPath && b instanceof ReadOnlyPath && Files.isSameFile(host(a), host(b));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(host(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return Files.getFileStore(host(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Path h = host(path);
        for (AccessMode m : modes) {
            if (m == AccessMode.WRITE) {
                throw new AccessDeniedException(path.toString(), null, "read-only");
            }
        }
        h.getFileSystem().provider().checkAccess(h, modes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null; // the views that could change owners or permissions are not offered
        }
        return (V) new BasicFileAttributeView() {
            @Override
            public String name() {
                return "basic";
            }

            @Override
            public BasicFileAttributes readAttributes() throws IOException {
                return Files.readAttributes(host(path), BasicFileAttributes.class, options);
            }

            @Override
            public void setTimes(FileTime modified, FileTime access, FileTime create) {
                throw new ReadOnlyFileSystemException();
            }
        };
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return Files.readAttributes(host(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return Files.readAttributes(host(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new ReadOnlyFileSystemException();
    }
}
