package io.jfaasm.runtime.state;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.jfaasm.runtime.memory.LinearMemory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;

/**
 * The state side of one call: its user (every key it names is that user's), the regions it has
 * mapped into its memory, and the locks it holds — all released when the call ends, however it
 * ends, so a trapped or timed-out call never leaves a key locked.
 */
public final class StateSession implements AutoCloseable {
    private final String user;
    private final LocalTier tier;
    private final Duration globalLockLease;
    private record Mapping(SharedRegion region, int address) {}

    private final Map<StateKey, Mapping> mapped = new HashMap<>();
    private final Deque<Lock> localLocks = new ArrayDeque<>();
    private final Map<StateKey, Deque<Lock>> localLocksByKey = new HashMap<>();
    private final Map<StateKey, String> globalLocks = new HashMap<>();

    public StateSession(String user, LocalTier tier, Duration globalLockLease) {
        this.user = user;
        this.tier = tier;
        this.globalLockLease = globalLockLease;
    }

    public StateKey key(String name) {
        try {
            return new StateKey(user, name);
        } catch (IllegalArgumentException e) {
            throw new StateException(e.getMessage());
        }
    }

    public LocalTier tier() {
        return tier;
    }

    /** Where the region sits in this call's memory, mapping it on first use. */
    public int addressOf(SharedRegion region, LinearMemory memory) {
        Mapping m = mapped.get(region.key());
        if (m == null) {
            m = new Mapping(region, memory.mapShared(region.file()));
            region.mapped();
            mapped.put(region.key(), m);
        }
        return m.address();
    }

    /**
     * Hands the regions this session mapped to the caller, who keeps them mapped (the zygote's, for
     * its snapshot); closing the session then no longer releases them.
     */
    public StateMappings detachMappings() {
        StateMappings out = new StateMappings(mapped.values().stream()
                .map(m -> new StateMappings.Mapping(m.region(), m.address())).toList());
        mapped.clear();
        return out;
    }

    public boolean isMappedHere(StateKey key) {
        return mapped.containsKey(key);
    }

    public void lockLocal(StateKey key, boolean write) {
        SharedRegion r = tier.existing(key);
        Lock lock = write ? r.lock().writeLock() : r.lock().readLock();
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("interrupted waiting for the local lock of " + key.key());
        }
        localLocksByKey.computeIfAbsent(key, k -> new ArrayDeque<>()).push(lock);
        localLocks.push(lock);
    }

    public void unlockLocal(StateKey key, boolean write) {
        SharedRegion r = tier.existing(key);
        Lock wanted = write ? r.lock().writeLock() : r.lock().readLock();
        Deque<Lock> held = localLocksByKey.get(key);
        if (held == null || !held.remove(wanted)) {
            throw new StateException("unlock of " + key.key() + " that this call does not hold ("
                    + (write ? "write" : "read") + " lock)");
        }
        localLocks.removeFirstOccurrence(wanted);
        wanted.unlock();
    }

    public void lockGlobal(StateKey key) {
        if (globalLocks.containsKey(key)) {
            throw new StateException("this call already holds the global lock of " + key.key());
        }
        globalLocks.put(key, tier.lockGlobal(key, globalLockLease));
    }

    public void unlockGlobal(StateKey key) {
        String token = globalLocks.remove(key);
        if (token == null) {
            throw new StateException("unlock of the global lock of " + key.key() + " that this call does not hold");
        }
        if (!tier.unlockGlobal(key, token)) {
            throw new StateException("the global lock of " + key.key() + " had expired (lease of "
                    + globalLockLease.toMillis() + " ms) before it was released");
        }
    }

    /** Releases everything the call still holds. */
    @Override
    public void close() {
        while (!localLocks.isEmpty()) {
            localLocks.pop().unlock();
        }
        localLocksByKey.clear();
        globalLocks.forEach(tier::unlockGlobal);
        globalLocks.clear();
        mapped.values().forEach(m -> m.region().unmapped());
        mapped.clear();
    }
}
