package io.jfaasm.runtime.state;

import java.util.List;

/**
 * State from Java, for the server and for services embedding JFaasm: the same values functions
 * see, by user and key. Reads and writes go to the global tier (the authoritative copy); a write
 * or delete also marks this host's local copy stale, so the next read by a function on this host
 * pulls the new value. Faaslets on other hosts see it after they pull.
 */
public final class StateApi {
    private final LocalTier local;

    public StateApi(LocalTier local) {
        this.local = local;
    }

    /** The value, or null when the user has no such key. */
    public byte[] get(String user, String key) {
        return local.global().get(new StateKey(user, key).globalName());
    }

    public void set(String user, String key, byte[] value) {
        StateKey k = new StateKey(user, key);
        local.global().set(k.globalName(), value);
        local.invalidate(k);
    }

    /** Deletes the value and its appended list; true if anything was there. */
    public boolean delete(String user, String key) {
        StateKey k = new StateKey(user, key);
        boolean existed = local.global().delete(k.globalName());
        if (!local.drop(k)) {
            local.invalidate(k);
        }
        return existed;
    }

    /** The user's keys, sorted. */
    public List<String> keys(String user) {
        String prefix = StateKey.prefixOf(new StateKey(user, "x").user());
        return local.global().keys(prefix).stream().map(k -> k.substring(prefix.length())).toList();
    }
}
