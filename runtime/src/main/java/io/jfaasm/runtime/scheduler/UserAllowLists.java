package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.NetworkPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' network allow-lists, read through from the function store and cached, so a call does not
 * cost a store read. A store only this host writes is cached until this host changes it; a
 * {@link FunctionStore#shared() shared} one (a cluster) is read again after {@link #SHARED_TTL_MS},
 * so a change made through another host applies here within that time.
 */
final class UserAllowLists {
    private static final Logger LOG = LoggerFactory.getLogger(UserAllowLists.class);
    static final long SHARED_TTL_MS = 1000;

    private record Entry(NetworkPolicy allow, long readAtNanos) {}

    private final FunctionStore store;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    UserAllowLists(FunctionStore store) {
        this.store = store;
    }

    /** The user's list as a policy (only its patterns matter); a store that cannot be read gives none. */
    NetworkPolicy of(String user) {
        Entry e = cache.get(user);
        if (e != null && (!store.shared() || System.nanoTime() - e.readAtNanos < SHARED_TTL_MS * 1_000_000)) {
            return e.allow;
        }
        try {
            Entry fresh = new Entry(NetworkPolicy.allowing(store.userAllowList(user)), System.nanoTime());
            cache.put(user, fresh);
            return fresh.allow;
        } catch (RuntimeException ex) {
            // fail closed, but keep what was known: a store hiccup must not open or close the network abruptly
            LOG.warn("cannot read the network allow-list of {}: {}", user, ex.toString());
            return e != null ? e.allow : NetworkPolicy.DENY_ALL;
        }
    }

    /** Checks and stores a user's list (empty clears it). */
    void set(String user, List<String> patterns) {
        NetworkPolicy checked = NetworkPolicy.declared(patterns, NetworkPolicy.DENY_ALL.bytesPerSecond(),
                NetworkPolicy.DENY_ALL.maxSockets());
        store.setUserAllowList(user, checked.allow());
        cache.put(user, new Entry(checked, System.nanoTime()));
    }

    /** As stored now (not cached): what the API shows. */
    List<String> stored(String user) {
        return store.userAllowList(user);
    }
}
