package io.jfaasm.runtime.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of a {@link DirectoryView}: a host path wrapped so that every operation on it goes
 * through the read-only provider, and every path derived from it (resolve, parent, directory
 * entries) stays in that file system.
 */
final class ViewPath implements Path {
    private final DirectoryView fs;
    private final Path host;

    ViewPath(DirectoryView fs, Path host) {
        this.fs = fs;
        this.host = host;
    }

    /** The host path this one stands for (not yet checked against the view's root). */
    Path host() {
        return host;
    }

    private Path wrap(Path p) {
        return p == null ? null : new ViewPath(fs, p);
    }

    /** The host path of another path of this file system; a foreign path is a caller's mistake. */
    private Path unwrap(Path other) {
        if (other instanceof ViewPath p && p.fs == fs) {
            return p.host;
        }
        throw new java.nio.file.ProviderMismatchException();
    }

    @Override
    public DirectoryView getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return host.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(host.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(host.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(host.getParent());
    }

    @Override
    public int getNameCount() {
        return host.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(host.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(host.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof ViewPath p && p.fs == fs && host.startsWith(p.host);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof ViewPath p && p.fs == fs && host.endsWith(p.host);
    }

    @Override
    public Path normalize() {
        return wrap(host.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(host.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(host.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return URI.create(fs.provider().getScheme() + ":" + host.toUri().getRawPath());
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(host.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(fs.confined(this).toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("a read-only view cannot be watched");
    }

    @Override
    public int compareTo(Path other) {
        return host.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViewPath p && p.fs == fs && p.host.equals(host);
    }

    @Override
    public int hashCode() {
        return host.hashCode();
    }

    @Override
    public String toString() {
        return host.toString();
    }
}
