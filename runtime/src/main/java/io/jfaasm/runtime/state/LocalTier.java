package io.jfaasm.runtime.state;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local tier of state on one host: one {@link SharedRegion} per key, shared by every Faaslet
 * of the host, kept in step with the {@link GlobalTier} only when asked (pull, push). See
 * docs/state-consistency.md for exactly what a function sees when.
 */
public final class LocalTier implements AutoCloseable {
    private final GlobalTier global;
    private final Map<StateKey, SharedRegion> regions = new ConcurrentHashMap<>();

    public LocalTier(GlobalTier global) {
        this.global = global;
    }

    public GlobalTier global() {
        return global;
    }

    /**
     * The key's region, created zero-filled at {@code size} bytes when the key exists nowhere yet.
     *
     * @throws StateException when the value exists with another size
     */
    public SharedRegion region(StateKey key, long size) {
        checkSize(size);
        SharedRegion r = regions.computeIfAbsent(key, k -> {
            long globalSize = global.size(k.globalName());
            if (globalSize >= 0 && globalSize != size) {
                throw new StateException("state " + k.key() + " has " + globalSize + " bytes, not " + size);
            }
            SharedRegion created = new SharedRegion(k, size);
            if (globalSize < 0) {
                created.markPulled(0, created.chunkCount()); // new value: nothing to pull
            }
            return created;
        });
        if (r.size() != size) {
            throw new StateException("state " + key.key() + " has " + r.size() + " bytes, not " + size);
        }
        return r;
    }

    /** The key's region at its existing size, local or global. */
    public SharedRegion existing(StateKey key) {
        SharedRegion r = regions.get(key);
        if (r != null) {
            return r;
        }
        long globalSize = global.size(key.globalName());
        if (globalSize < 0) {
            throw new StateException("no state value " + key.key() + " for user " + key.user());
        }
        return region(key, globalSize);
    }

    /** Pulls the chunks of {@code [offset, offset+length)} that were not pulled yet. */
    public void ensurePulled(SharedRegion r, long offset, long length) {
        for (int[] run : r.unpulled(offset, length)) {
            long from = (long) run[0] * SharedRegion.CHUNK;
            int n = (int) (Math.min(r.size(), (long) run[1] * SharedRegion.CHUNK) - from);
            byte[] bytes = global.getRange(r.key().globalName(), from, n);
            r.copyIn(from, bytes); // a shorter global value leaves the rest as it was: zeros
            r.markPulled(run[0], run[1]);
        }
    }

    /** Overwrites the local copy with the global value, if there is one. */
    public void pull(SharedRegion r) {
        byte[] value = global.get(r.key().globalName());
        if (value == null) {
            return;
        }
        if (value.length != r.size()) {
            throw new StateException("state " + r.key().key() + " has " + value.length
                    + " bytes in the global tier, not " + r.size() + ": pull it with that size");
        }
        r.copyIn(0, value);
        r.markPulled(0, r.chunkCount());
        r.clearDirty();
    }

    /** Sends the whole local value to the global tier. */
    public void push(SharedRegion r) {
        r.clearDirty();
        global.set(r.key().globalName(), r.copyOut(0, (int) r.size()));
    }

    /** Sends only the chunks written since the last push. */
    public void pushPartial(SharedRegion r) {
        List<GlobalTier.Chunk> chunks = new ArrayList<>();
        for (int[] run : r.takeDirty()) {
            long from = (long) run[0] * SharedRegion.CHUNK;
            long to = Math.min(r.size(), (long) run[1] * SharedRegion.CHUNK);
            chunks.add(new GlobalTier.Chunk(from, r.copyOut(from, (int) (to - from))));
        }
        if (!chunks.isEmpty()) {
            global.setRanges(r.key().globalName(), chunks);
        }
    }

    /** Replaces the local value (resizing it if no call holds a pointer to it); push to publish. */
    public SharedRegion write(StateKey key, byte[] value) {
        SharedRegion r = regions.computeIfAbsent(key, k -> new SharedRegion(k, value.length));
        try {
            if (r.size() != value.length) {
                r.resize(value.length);
            }
        } catch (IllegalStateException e) {
            throw new StateException(e.getMessage());
        }
        r.copyIn(0, value);
        r.markPulled(0, r.chunkCount());
        r.markDirtyRange(0, value.length);
        return r;
    }

    /** Takes the key's global lock, waiting for it; returns the token that releases it. */
    public String lockGlobal(StateKey key, Duration lease) {
        long backoffMs = 1;
        while (true) {
            String token = global.tryLock(key.globalName(), lease);
            if (token != null) {
                return token;
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChicoryInterruptedException("interrupted waiting for the global lock of " + key.key());
            }
            backoffMs = Math.min(50, backoffMs * 2);
        }
    }

    public boolean unlockGlobal(StateKey key, String token) {
        return global.unlock(key.globalName(), token);
    }

    /** Marks the local copy stale: the next read on this host pulls from the global tier. */
    public void invalidate(StateKey key) {
        SharedRegion r = regions.get(key);
        if (r != null) {
            r.markAllUnpulled();
        }
    }

    /** Forgets the local copy; refused (false) while a call holds a pointer to it. */
    public boolean drop(StateKey key) {
        SharedRegion r = regions.get(key);
        if (r == null) {
            return true;
        }
        if (r.isMapped()) {
            return false;
        }
        regions.remove(key, r);
        r.close();
        return true;
    }

    public int regionCount() {
        return regions.size();
    }

    private static void checkSize(long size) {
        if (size < 0 || size > (1L << 31) - 65536) {
            throw new StateException("state size " + size + " out of range");
        }
    }

    @Override
    public void close() {
        regions.values().forEach(SharedRegion::close);
        regions.clear();
    }
}
