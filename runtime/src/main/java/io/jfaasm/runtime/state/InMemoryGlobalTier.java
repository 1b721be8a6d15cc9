package io.jfaasm.runtime.state;

import static io.jfaasm.runtime.state.TierArguments.checkKey;
import static io.jfaasm.runtime.state.TierArguments.checkRange;
import static io.jfaasm.runtime.state.TierArguments.checkSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * The embedded global tier: every value, appended list and lock in this JVM's heap. It is the
 * default for a single host, and what a Java service embedding JFaasm gets with no network at all.
 *
 * <p><b>In memory only.</b> Nothing is persisted: the state is gone when the tier is closed or the
 * process ends. Hosts in other processes cannot see it; use the Redis tier of the cluster module
 * for that.
 *
 * <p>Guarantees (see {@code docs/state-consistency.md}):
 *
 * <ul>
 *   <li>Every method is atomic for its key: each key has one read/write lock guarding its value and
 *       its appended list together, so a reader sees a {@link #setRanges} entirely or not at all,
 *       and {@link #delete} removes the value and the list in one step.
 *   <li>Appends to one key are totally ordered; each writer's elements keep its own order.
 *   <li>Locks are leases: {@link #tryLock} hands out a random token valid until the lease ends
 *       (measured on {@link System#nanoTime()}); after that anyone may take the lock, and
 *       {@link #unlock} with the old token returns false and changes nothing.
 * </ul>
 *
 * <p>Values and elements are copied in and out: a caller may reuse its arrays. {@link #stats()}
 * counts bytes and "round trips" (one per method call) exactly as the Redis tier does, so tests and
 * benchmarks can compare the two.
 */
public final class InMemoryGlobalTier implements GlobalTier {

    /** The largest value, as in Redis: 512 MiB. */
    public static final long MAX_VALUE_SIZE = TierArguments.MAX_VALUE_SIZE;

    private static final byte[] EMPTY = new byte[0];

    /** One key: its value and its appended list, under one lock. */
    private static final class Entry {
        final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        /** The value, or null when the key has none (it may still have an appended list). */
        byte[] value;
        final ArrayList<byte[]> appended = new ArrayList<>();
        /** Set (under the write lock) when this entry left the map; writers then retry. */
        boolean removed;

        boolean isEmpty() {
            return value == null && appended.isEmpty();
        }
    }

    private record Lease(String token, long expiresAtNanos) {}

    private final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, Lease> locks = new ConcurrentHashMap<>();
    private final TierStats stats = new TierStats();
    private final LongSupplier nanoClock;
    private volatile boolean closed;

    public InMemoryGlobalTier() {
        this(System::nanoTime);
    }

    /** With a clock of its own (nanoseconds, like {@link System#nanoTime()}), for lease tests. */
    public InMemoryGlobalTier(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    // ---- values ----

    @Override
    public byte[] get(String key) {
        checkKey(key);
        byte[] copy = read(key, e -> e.value == null ? null : e.value.clone());
        stats.read(copy == null ? 0 : copy.length);
        return copy;
    }

    @Override
    public long size(String key) {
        checkKey(key);
        Long size = read(key, e -> e.value == null ? null : (long) e.value.length);
        stats.call();
        return size == null ? -1 : size;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        checkKey(key);
        checkRange(offset, length);
        byte[] bytes = read(key, e -> {
            byte[] v = e.value;
            if (v == null || offset >= v.length) {
                return EMPTY;
            }
            int end = (int) Math.min(v.length, offset + length);
            return Arrays.copyOfRange(v, (int) offset, end);
        });
        if (bytes == null) {
            bytes = EMPTY;
        }
        stats.read(bytes.length);
        return bytes;
    }

    @Override
    public void set(String key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        checkSize(value.length);
        byte[] copy = value.clone();
        write(key, e -> {
            e.value = copy;
            return null;
        });
        stats.wrote(copy.length);
    }

    @Override
    public void setRanges(String key, List<Chunk> chunks) {
        checkKey(key);
        Objects.requireNonNull(chunks, "chunks");
        long end = 0;
        long bytes = 0;
        // copy first: the caller may change its arrays once we return, or while we wait for the lock
        List<Chunk> copies = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            Objects.requireNonNull(c, "chunk");
            Objects.requireNonNull(c.data(), "chunk data");
            checkRange(c.offset(), c.data().length);
            checkSize(c.offset() + c.data().length);
            end = Math.max(end, c.offset() + c.data().length);
            bytes += c.data().length;
            copies.add(new Chunk(c.offset(), c.data().clone()));
        }
        long needed = end;
        write(key, e -> {
            byte[] v = e.value == null ? EMPTY : e.value;
            if (needed > v.length) {
                v = Arrays.copyOf(v, (int) needed); // zero-extends
            } else if (e.value == null) {
                v = new byte[0];
            }
            for (Chunk c : copies) {
                System.arraycopy(c.data(), 0, v, (int) c.offset(), c.data().length);
            }
            e.value = v;
            return null;
        });
        stats.wrote(bytes);
    }

    @Override
    public boolean delete(String key) {
        checkKey(key);
        checkOpen();
        boolean had = false;
        while (true) {
            Entry e = entries.get(key);
            if (e == null) {
                break;
            }
            e.rw.writeLock().lock();
            try {
                if (e.removed) {
                    continue; // someone else removed it; look again
                }
                had = !e.isEmpty();
                e.removed = true;
                entries.remove(key, e);
                break;
            } finally {
                e.rw.writeLock().unlock();
            }
        }
        stats.call();
        return had;
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        checkOpen();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.tailMap(prefix, true).entrySet()) {
            if (!me.getKey().startsWith(prefix)) {
                break; // sorted: nothing further can match
            }
            Entry e = me.getValue();
            e.rw.readLock().lock();
            try {
                if (!e.removed && !e.isEmpty()) {
                    keys.add(me.getKey());
                }
            } finally {
                e.rw.readLock().unlock();
            }
        }
        stats.call();
        return keys;
    }

    // ---- appended lists ----

    @Override
    public void append(String key, byte[] element) {
        checkKey(key);
        Objects.requireNonNull(element, "element");
        checkSize(element.length);
        byte[] copy = element.clone();
        write(key, e -> e.appended.add(copy));
        stats.wrote(copy.length);
    }

    @Override
    public List<byte[]> readAppended(String key, int count) {
        checkKey(key);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        List<byte[]> out = read(key, e -> {
            int n = Math.min(count, e.appended.size());
            List<byte[]> copies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                copies.add(e.appended.get(i).clone());
            }
            return copies;
        });
        if (out == null) {
            out = new ArrayList<>();
        }
        long bytes = 0;
        for (byte[] b : out) {
            bytes += b.length;
        }
        stats.read(bytes);
        return out;
    }

    @Override
    public void clearAppended(String key) {
        checkKey(key);
        checkOpen();
        Entry e = entries.get(key);
        if (e != null) {
            e.rw.writeLock().lock();
            try {
                if (!e.removed) {
                    e.appended.clear();
                    e.appended.trimToSize();
                    if (e.isEmpty()) {
                        e.removed = true;
                        entries.remove(key, e);
                    }
                }
            } finally {
                e.rw.writeLock().unlock();
            }
        }
        stats.call();
    }

    // ---- locks ----

    @Override
    public String tryLock(String key, Duration lease) {
        checkKey(key);
        checkLease(lease);
        checkOpen();
        String token = UUID.randomUUID().toString();
        long now = nanoClock.getAsLong();
        long expires = now + leaseNanos(lease);
        Lease got = locks.compute(key, (k, cur) ->
                cur == null || cur.expiresAtNanos() - now <= 0 ? new Lease(token, expires) : cur);
        stats.call();
        return got.token().equals(token) ? token : null;
    }

    @Override
    public boolean unlock(String key, String token) {
        checkKey(key);
        Objects.requireNonNull(token, "token");
        checkOpen();
        boolean[] released = {false};
        long now = nanoClock.getAsLong();
        locks.computeIfPresent(key, (k, cur) -> {
            if (!cur.token().equals(token)) {
                return cur; // someone else's lease
            }
            released[0] = cur.expiresAtNanos() - now > 0;
            return null; // ours: gone either way (an ended lease is dropped too)
        });
        stats.call();
        return released[0];
    }

    // ---- the rest ----

    @Override
    public TierStats stats() {
        return stats;
    }

    /** Drops every value, list and lock; later calls throw {@link GlobalTierException}. */
    @Override
    public void close() {
        closed = true;
        entries.clear();
        locks.clear();
    }

    @Override
    public String toString() {
        return "InMemoryGlobalTier[" + entries.size() + " keys]";
    }

    private interface EntryFunction<T> {
        T apply(Entry e);
    }

    /** Runs {@code f} under the key's read lock; null when the key has no entry. */
    private <T> T read(String key, EntryFunction<T> f) {
        checkOpen();
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        e.rw.readLock().lock();
        try {
            // removed: a delete ran after we looked the entry up; the read then counts as after it
            return e.removed ? null : f.apply(e);
        } finally {
            e.rw.readLock().unlock();
        }
    }

    /** Runs {@code f} under the key's write lock, creating the entry when it has none. */
    private <T> T write(String key, EntryFunction<T> f) {
        checkOpen();
        while (true) {
            Entry e = entries.computeIfAbsent(key, k -> new Entry());
            e.rw.writeLock().lock();
            try {
                if (e.removed) {
                    continue; // deleted between lookup and lock: take the new entry
                }
                return f.apply(e);
            } finally {
                e.rw.writeLock().unlock();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new GlobalTierException("the in-memory global tier is closed");
        }
    }

    /** The lease in nanoseconds, capped at about 73 years so that clock arithmetic cannot wrap. */
    private static long leaseNanos(Duration lease) {
        long cap = Long.MAX_VALUE / 4;
        return lease.compareTo(Duration.ofNanos(cap)) >= 0 ? cap : lease.toNanos();
    }

    private static void checkLease(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero() || lease.toMillis() < 1) {
            throw new IllegalArgumentException("a lease must be at least 1 ms, not " + lease);
        }
    }
}
