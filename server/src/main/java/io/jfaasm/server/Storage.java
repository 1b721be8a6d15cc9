package io.jfaasm.server;

import io.jfaasm.runtime.scheduler.DirectoryFunctionStore;
import io.jfaasm.runtime.scheduler.FunctionStore;
import io.jfaasm.runtime.state.DirectoryGlobalTier;
import io.jfaasm.runtime.state.GlobalTier;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a server keeps what must outlive it: uploaded functions, the global tier of state, and
 * (optionally) shared snapshots. {@link #embedded} is one self-contained host, everything in files
 * under its data directory; a cluster passes tiers and a function store shared by all its hosts
 * through {@link #shared}.
 *
 * @param state the global tier of state
 * @param snapshots where Proto-Faaslet snapshots are shared with other hosts, or null (kept local)
 * @param functions where uploaded modules are kept
 * @param owned whether the server closes the tiers when it stops
 */
public record Storage(GlobalTier state, GlobalTier snapshots, FunctionStore functions, boolean owned) {
    public Storage {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(functions, "functions");
    }

    /** One host on its own: state in {@code dataDir/state}, functions in {@code dataDir/functions}. */
    public static Storage embedded(Path dataDir) {
        return new Storage(new DirectoryGlobalTier(dataDir.resolve("state")), null,
                new DirectoryFunctionStore(dataDir.resolve("functions")), true);
    }

    /** Tiers and a store shared with other hosts; the caller closes them after the server. */
    public static Storage shared(GlobalTier state, GlobalTier snapshots, FunctionStore functions) {
        return new Storage(state, snapshots, functions, false);
    }

    /** Bytes of state held, when the tier can tell cheaply; else -1. */
    public long stateBytes() {
        return state instanceof DirectoryGlobalTier d ? d.storedBytes() : -1;
    }

    void close() {
        if (owned) {
            state.close();
            if (snapshots != null && snapshots != state) {
                snapshots.close();
            }
        }
    }
}
