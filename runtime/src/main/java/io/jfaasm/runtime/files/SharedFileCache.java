package io.jfaasm.runtime.files;

import io.jfaasm.runtime.state.GlobalTierException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This host's copy of users' shared files, as one directory per user and manifest version that
 * calls mount read-only.
 *
 * <p>Each call reads the user's manifest from the store (one read of the global tier) and gets the
 * directory of that version, built on first use: the bytes of each file are fetched once per host
 * by their hash ({@code blobs/USER/SHA256}, checked against it) and hard-linked into a new
 * directory ({@code views/USER/DIGEST}). A changed file makes a new manifest, so a new directory;
 * a deleted file is absent from it. A directory is removed once a newer version exists and no call
 * uses it, and with it the bytes no directory still links.
 */
public final class SharedFileCache {
    /** A call's use of one version of a user's files; close it when the call ends. */
    public final class Lease implements AutoCloseable {
        private final String user;
        private final String digest;
        private final Path dir;
        private boolean closed;

        private Lease(String user, String digest, Path dir) {
            this.user = user;
            this.digest = digest;
            this.dir = dir;
        }

        /** The directory holding the files, to mount read-only. */
        public Path dir() {
            return dir;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(user, digest);
            }
        }
    }

    private static final class View {
        final Path dir;
        final Set<String> blobs;
        int users;

        View(Path dir, Set<String> blobs) {
            this.dir = dir;
            this.blobs = blobs;
        }
    }

    /** One user's versions; guarded by itself. */
    private static final class UserFiles {
        final Map<String, View> views = new HashMap<>();
        String current;
    }

    private final SharedFileStore store;
    private final Path root;
    private final Map<String, UserFiles> users = new ConcurrentHashMap<>();

    /** A cache in {@code root}, a directory of this host only; what a previous process left there is removed. */
    public SharedFileCache(SharedFileStore store, Path root) {
        this.store = store;
        this.root = root.toAbsolutePath().normalize();
        FileTrees.empty(this.root);
    }

    /** The user's current files for one call. */
    public Lease acquire(String user) {
        if (user.isEmpty() || user.contains("/") || user.equals(".") || user.equals("..")) {
            throw new IllegalArgumentException("bad user name " + user);
        }
        UserFiles u = users.computeIfAbsent(user, k -> new UserFiles());
        for (int attempt = 0; attempt < 3; attempt++) {
            SharedManifest manifest = store.manifest(user);
            String digest = manifest.digest();
            synchronized (u) {
                View v = u.views.get(digest);
                if (v == null) {
                    v = build(user, digest, manifest);
                    if (v == null) {
                        continue; // a file changed while we fetched it: read the manifest again
                    }
                    u.views.put(digest, v);
                }
                v.users++;
                u.current = digest;
                dropUnused(user, u);
                return new Lease(user, digest, v.dir);
            }
        }
        throw new GlobalTierException("the shared files of " + user + " keep changing; try again");
    }

    private void release(String user, String digest) {
        UserFiles u = users.get(user);
        synchronized (u) {
            u.views.get(digest).users--;
            dropUnused(user, u);
        }
    }

    /** Removes the versions no call uses and that are not current, then the bytes none links. */
    private void dropUnused(String user, UserFiles u) {
        boolean dropped = u.views.entrySet().removeIf(e -> {
            if (e.getValue().users > 0 || e.getKey().equals(u.current)) {
                return false;
            }
            delete(e.getValue().dir);
            return true;
        });
        if (!dropped) {
            return;
        }
        Set<String> linked = new HashSet<>();
        u.views.values().forEach(v -> linked.addAll(v.blobs));
        try (var blobs = Files.list(root.resolve("blobs").resolve(user))) {
            blobs.filter(b -> !linked.contains(b.getFileName().toString())).forEach(SharedFileCache::delete);
        } catch (IOException e) {
            // nothing fetched yet, or already gone
        }
    }

    /** The directory of one version, or null when a file's bytes vanished from the store meanwhile. */
    private View build(String user, String digest, SharedManifest manifest) {
        Path dir = root.resolve("views").resolve(user).resolve(digest);
        Path blobs = root.resolve("blobs").resolve(user);
        try {
            Files.createDirectories(blobs);
            if (Files.exists(dir)) {
                FileTrees.deleteTree(dir); // a half-built directory of an earlier failed attempt
            }
            Files.createDirectories(dir);
            Set<String> used = new HashSet<>();
            for (SharedManifest.Entry e : manifest.entries()) {
                Path blob = blobs.resolve(e.sha256());
                if (!Files.exists(blob) && !fetch(user, e.sha256(), blob)) {
                    FileTrees.deleteTree(dir);
                    return null;
                }
                Path target = dir.resolve(SharedFileStore.checkPath(e.path()));
                Files.createDirectories(target.getParent());
                try {
                    Files.createLink(target, blob);
                } catch (UnsupportedOperationException | IOException noLinks) {
                    Files.copy(blob, target);
                }
                used.add(e.sha256());
            }
            return new View(dir, used);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the shared files of " + user + " in " + dir, e);
        }
    }

    private boolean fetch(String user, String sha256, Path blob) throws IOException {
        byte[] bytes = store.blob(user, sha256);
        if (bytes == null) {
            return false;
        }
        if (!SharedManifest.sha256(bytes).equals(sha256)) {
            throw new GlobalTierException("the stored bytes of shared file " + sha256 + " of " + user
                    + " do not match their hash");
        }
        Path tmp = Files.createTempFile(blob.getParent(), "fetch-", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static void delete(Path p) {
        try {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.deleteTree(p);
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // left for the next start, which empties the cache
        }
    }
}
