package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.state.GlobalTier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots kept in the global tier under {@code snapshot/<module sha-256>}, so that a host that
 * has a function's module but not its Proto-Faaslet restores it instead of initialising it again.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private final GlobalTier tier;

    public SnapshotStore(GlobalTier tier) {
        this.tier = tier;
    }

    static String key(String moduleSha256) {
        return "snapshot/" + moduleSha256;
    }

    public void save(Snapshot snapshot) {
        tier.set(key(snapshot.moduleSha256()), SnapshotCodec.encode(snapshot));
    }

    /** The stored snapshot of the module, or null when there is none or it is unusable. */
    public Snapshot find(String moduleSha256) {
        byte[] bytes = tier.get(key(moduleSha256));
        if (bytes == null) {
            return null;
        }
        try {
            return SnapshotCodec.decode(bytes, moduleSha256);
        } catch (IllegalArgumentException e) {
            LOG.warn("stored snapshot of {} is unusable ({}); initialising instead", moduleSha256, e.getMessage());
            return null;
        }
    }

    public void delete(String moduleSha256) {
        tier.delete(key(moduleSha256));
    }
}
