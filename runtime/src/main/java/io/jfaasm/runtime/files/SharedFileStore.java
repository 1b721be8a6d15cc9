package io.jfaasm.runtime.files;

import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.GlobalTierException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Users' shared files in the global tier, so that every host of a cluster sees the same ones: a
 * manifest per user ({@code files/USER/manifest}) and the bytes of each file under their hash
 * ({@code files/USER/blob/SHA256}). Changes to one user's files are serialised by the global lock
 * of the manifest; the bytes are written before the manifest names them and removed only after it
 * stops naming them, so a reader that finds a name finds its bytes (or, racing a change, reads the
 * manifest again).
 */
public final class SharedFileStore {
    public static final int MAX_PATH_LENGTH = 1024;
    public static final int MAX_DEPTH = 16;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Duration LOCK_LEASE = Duration.ofSeconds(30);
    private static final long LOCK_WAIT_MS = 10_000;

    private final GlobalTier tier;

    public SharedFileStore(GlobalTier tier) {
        this.tier = tier;
    }

    /**
     * Checks a file's path under the shared directory: 1 to {@value #MAX_DEPTH} segments joined by
     * {@code /}, each 1 to 255 of {@code A-Z a-z 0-9 _ . -} and not {@code .} or {@code ..}; no
     * leading, trailing or double slash.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("a file path must not be empty");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException("a file path may be at most " + MAX_PATH_LENGTH + " characters");
        }
        String[] segments = path.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw new IllegalArgumentException("a file path may have at most " + MAX_DEPTH + " segments");
        }
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a file path must be relative, without empty segments "
                        + "(no leading, trailing or double '/')");
            }
            if (s.equals(".") || s.equals("..") || !SEGMENT.matcher(s).matches()) {
                throw new IllegalArgumentException("bad file path segment '" + s + "': use 1 to 255 of "
                        + "A-Z a-z 0-9 _ . - (not '.' or '..')");
            }
        }
        return path;
    }

    /** A file and a directory of the same name cannot both exist. */
    public static final class PathConflictException extends RuntimeException {
        PathConflictException(String message) {
            super(message);
        }
    }

    /** The user's files now. One read of the global tier. */
    public SharedManifest manifest(String user) {
        return SharedManifest.decode(tier.get(manifestKey(user)));
    }

    /** The bytes of a file by their hash, or null once no manifest names them. */
    public byte[] blob(String user, String sha256) {
        return tier.get(blobKey(user, sha256));
    }

    /** The bytes of the file at {@code path}, or null when there is none. */
    public byte[] get(String user, String path) {
        for (int attempt = 0; attempt < 3; attempt++) {
            var entry = manifest(user).find(checkPath(path));
            if (entry.isEmpty()) {
                return null;
            }
            byte[] bytes = blob(user, entry.get().sha256());
            if (bytes != null) {
                return bytes;
            }
            // replaced or deleted between the two reads: look again
        }
        throw new GlobalTierException("the shared file " + path + " keeps changing; try again");
    }

    /**
     * Creates or replaces a file.
     *
     * @throws PathConflictException when a directory has the path, or a file has one of its parents
     */
    public SharedManifest.Entry put(String user, String path, byte[] bytes) {
        checkPath(path);
        SharedManifest.Entry entry = new SharedManifest.Entry(path, SharedManifest.sha256(bytes), bytes.length);
        return locked(user, () -> {
            SharedManifest m = manifest(user);
            for (SharedManifest.Entry e : m.entries()) {
                if (e.path().startsWith(path + "/")) {
                    throw new PathConflictException(path + " is a directory (it holds " + e.path() + ")");
                }
                if (path.startsWith(e.path() + "/")) {
                    throw new PathConflictException(e.path() + " is a file, so " + path + " cannot be under it");
                }
            }
            tier.set(blobKey(user, entry.sha256()), bytes);
            SharedManifest.Entry old = m.find(path).orElse(null);
            SharedManifest next = m.with(entry);
            tier.set(manifestKey(user), next.encode());
            dropUnreferenced(user, old, next);
            return entry;
        });
    }

    /** Deletes a file; false when there was none. */
    public boolean delete(String user, String path) {
        checkPath(path);
        return locked(user, () -> {
            SharedManifest m = manifest(user);
            SharedManifest.Entry old = m.find(path).orElse(null);
            if (old == null) {
                return false;
            }
            SharedManifest next = m.without(path);
            tier.set(manifestKey(user), next.encode());
            dropUnreferenced(user, old, next);
            return true;
        });
    }

    private void dropUnreferenced(String user, SharedManifest.Entry old, SharedManifest now) {
        if (old != null && !now.references(old.sha256())) {
            tier.delete(blobKey(user, old.sha256()));
        }
    }

    private <T> T locked(String user, java.util.function.Supplier<T> change) {
        String key = manifestKey(user);
        long until = System.currentTimeMillis() + LOCK_WAIT_MS;
        String token;
        while ((token = tier.tryLock(key, LOCK_LEASE)) == null) {
            if (System.currentTimeMillis() > until) {
                throw new GlobalTierException("the shared files of " + user + " are locked by another change; try again");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GlobalTierException("interrupted waiting for the lock of " + user + "'s shared files");
            }
        }
        try {
            return change.get();
        } finally {
            tier.unlock(key, token);
        }
    }

    private static String manifestKey(String user) {
        return "files/" + user + "/manifest";
    }

    private static String blobKey(String user, String sha256) {
        return "files/" + user + "/blob/" + sha256;
    }
}
