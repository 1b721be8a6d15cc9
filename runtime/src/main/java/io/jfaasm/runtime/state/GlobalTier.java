package io.jfaasm.runtime.state;

import java.time.Duration;
import java.util.List;

/**
 * The global tier of state: the authoritative copy of every value, shared by all hosts. Hosts keep
 * local copies (the local tier) and move bytes through this interface explicitly: pull, push,
 * append, and leases for global locks.
 *
 * <p>Keys are full names (the state layer scopes them by user before they get here). Values are
 * byte strings up to 512 MiB. Every method is thread-safe and atomic for its one key; nothing is
 * atomic across keys. Implementations: {@link InMemoryGlobalTier} (one host, the embedded default)
 * and the Redis tier of the cluster module.
 */
public interface GlobalTier extends AutoCloseable {

    /** Bytes at one offset of a value: what a partial push sends. */
    record Chunk(long offset, byte[] data) {}

    /** The whole value, or null when the key does not exist. */
    byte[] get(String key);

    /** The value's size in bytes, or -1 when the key does not exist. */
    long size(String key);

    /**
     * Bytes {@code [offset, offset + length)} of the value; shorter when the value ends first,
     * empty when the key does not exist or the offset is past its end.
     */
    byte[] getRange(String key, long offset, int length);

    /** Replaces the whole value. */
    void set(String key, byte[] value);

    /**
     * Writes each chunk at its offset in one round trip, atomically for the key: a reader sees all
     * of them or none. A value shorter than a chunk's end is extended with zero bytes first;
     * a missing key is created.
     */
    void setRanges(String key, List<Chunk> chunks);

    /** Deletes the value and its appended list; true if anything was there. */
    boolean delete(String key);

    /** Keys starting with the prefix, sorted; values and appended lists alike. */
    List<String> keys(String prefix);

    /** Appends one element to the key's appended list (kept apart from its value). */
    void append(String key, byte[] element);

    /** The first {@code count} elements of the key's appended list, in append order (fewer if short). */
    List<byte[]> readAppended(String key, int count);

    /** Empties the key's appended list. */
    void clearAppended(String key);

    /**
     * Takes the global lock of a key if free, for at most {@code lease}: a holder that dies without
     * unlocking blocks others only until its lease ends. Returns the holder's token, or null when
     * someone else holds it.
     */
    String tryLock(String key, Duration lease);

    /** Releases the lock if {@code token} still holds it; false when the lease had ended. */
    boolean unlock(String key, String token);

    /** Counters of traffic through this tier, for tests and benchmarks. */
    TierStats stats();

    @Override
    void close();
}
