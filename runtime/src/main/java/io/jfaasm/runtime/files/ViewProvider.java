package io.jfaasm.runtime.files;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The provider of one {@link DirectoryView}: every operation goes to the host directory, confined
 * to it, and only between paths of this same view. {@link ReadOnly} refuses everything that would
 * create, change or remove a file; {@link Quota} counts the bytes written.
 */
abstract sealed class ViewProvider extends FileSystemProvider {

    /** Throws {@link ReadOnlyFileSystemException} for every change. */
    static final class ReadOnly extends ViewProvider {
        /** Open options that change nothing on disk; any other one is a write. */
        private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ,
                StandardOpenOption.SYNC, StandardOpenOption.DSYNC, LinkOption.NOFOLLOW_LINKS);

        @Override
        FileChannel open(Path host, Set<? extends OpenOption> options, FileAttribute<?>[] attrs) throws IOException {
            for (OpenOption o : options) {
                if (!READ_OPTIONS.contains(o)) {
                    throw new ReadOnlyFileSystemException();
                }
            }
            if (attrs.length > 0) {
                throw new ReadOnlyFileSystemException();
            }
            Set<OpenOption> read = new java.util.HashSet<>(options);
            read.add(StandardOpenOption.READ);
            return FileChannel.open(host, read);
        }

        @Override
        void change() {
            throw new ReadOnlyFileSystemException();
        }
    }

    /**
     * A writable view whose files may hold at most {@code maxBytes} together. A file's bytes are
     * counted once, whatever number of names (hard links) it has: they are charged as the file
     * grows and given back as it shrinks, or when its last name goes.
     */
    static final class Quota extends ViewProvider {
        private final QuotaUsage usage;

        Quota(long maxBytes) {
            this.usage = new QuotaUsage(maxBytes);
        }

        @Override
        FileChannel open(Path host, Set<? extends OpenOption> options, FileAttribute<?>[] attrs) throws IOException {
            long truncated = options.contains(StandardOpenOption.TRUNCATE_EXISTING)
                    && (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND))
                    && Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS) ? Files.size(host) : 0;
            FileChannel ch = FileChannel.open(host, options, attrs);
            usage.release(truncated);
            return new QuotaChannel(ch, usage, options.contains(StandardOpenOption.APPEND));
        }

        @Override
        void change() {
            // allowed: what changes sizes is counted where it happens
        }

        @Override
        public void delete(Path path) throws IOException {
            Path h = host(path);
            long freed = lastNameSize(h);
            Files.delete(h);
            usage.release(freed);
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            Path t = host(target);
            long replaced = lastNameSize(t); // a rename over a file removes that file's name
            Files.move(host(source), t, sameView(source, target, options));
            usage.release(replaced);
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) throws IOException {
            Path s = host(source);
            long needed = Files.isRegularFile(s, LinkOption.NOFOLLOW_LINKS) ? Files.size(s) : 0;
            usage.reserve(needed);
            try {
                Files.copy(s, host(target), sameView(source, target, options));
            } catch (IOException | RuntimeException e) {
                usage.release(needed);
                throw e;
            }
        }

        /** The size of a regular file whose only name this is (so removing it frees the bytes), else 0. */
        private static long lastNameSize(Path host) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(host, "unix:size,nlink,isRegularFile",
                        LinkOption.NOFOLLOW_LINKS);
                return (boolean) a.get("isRegularFile") && ((Number) a.get("nlink")).intValue() == 1
                        ? (long) a.get("size") : 0;
            } catch (java.nio.file.NoSuchFileException e) {
                return 0;
            }
        }
    }

    /** Opens a file of the view, the host path already confined. */
    abstract FileChannel open(Path host, Set<? extends OpenOption> options, FileAttribute<?>[] attrs)
            throws IOException;

    /** Called before every change of the namespace or of attributes: throws if none is allowed. */
    abstract void change();

    static Path host(Path p) throws IOException {
        if (p instanceof ViewPath r) {
            return r.getFileSystem().confined(r);
        }
        throw new ProviderMismatchException();
    }

    /** Refuses an operation between two views: each is its own file system. */
    static CopyOption[] sameView(Path a, Path b, CopyOption[] options) {
        if (!(a instanceof ViewPath x && b instanceof ViewPath y && x.getFileSystem() == y.getFileSystem())) {
            throw new ProviderMismatchException();
        }
        return options;
    }

    @Override
    public String getScheme() {
        return "jfaasm-view";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("create views with DirectoryView");
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
        return open(host(path), options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return open(host(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryView fs = ((ViewPath) dir).getFileSystem();
        DirectoryStream<Path> entries = Files.newDirectoryStream(host(dir));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = entries.iterator();
                return new Iterator<>() {
                    private Path next = advance();

                    private Path advance() {
                        while (it.hasNext()) {
                            Path p = new ViewPath(fs, it.next());
                            try {
                                if (filter.accept(p)) {
                                    return p;
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
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
                            throw new NoSuchElementException();
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
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        change();
        Files.createDirectory(host(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        change();
        sameView(link, target, new CopyOption[0]);
        Files.createSymbolicLink(host(link), host(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        change();
        sameView(link, existing, new CopyOption[0]);
        Files.createLink(host(link), host(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        change();
        Files.delete(host(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        change();
        Files.copy(host(source), host(target), sameView(source, target, options));
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        change();
        Files.move(host(source), host(target), sameView(source, target, options));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return new ViewPath(((ViewPath) link).getFileSystem(), Files.readSymbolicLink(host(link)));
    }

    @Override
    public boolean isSameFile(Path a, Path b) throws IOException {
        return a instanceof ViewPath && b instanceof ViewPath && Files.isSameFile(host(a), host(b));
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
            if (m == AccessMode.WRITE && this instanceof ReadOnly) {
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
            public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
                change();
                Files.getFileAttributeView(host(path), BasicFileAttributeView.class, options)
                        .setTimes(modified, access, create);
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
        throw new ReadOnlyFileSystemException(); // WASI never sets attributes other than times
    }
}
