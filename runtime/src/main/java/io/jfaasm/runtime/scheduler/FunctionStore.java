package io.jfaasm.runtime.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where uploaded functions' modules are kept, so a restart (or another host) finds them.
 *
 * <p>A {@link #shared()} store is shared by the hosts of a cluster: a function uploaded to one
 * host is in it for all. A scheduler on a shared store deploys a function it lacks when it is first
 * called, and redeploys one it has when the store says it changed ({@link #watch}).
 */
public interface FunctionStore {
    void put(FunctionId id, byte[] wasm);

    /** The module's bytes, or null. */
    byte[] get(FunctionId id);

    boolean delete(FunctionId id);

    /** Every stored function, of every user. */
    List<FunctionId> list();

    /** A stored function's module with its description (null when the store keeps none). */
    record Stored(byte[] wasm, FunctionInfo info) {}

    /** Whether other hosts share this store (a cluster), so it can change behind this host's back. */
    default boolean shared() {
        return false;
    }

    /** Stores a module with its description; stores that keep no description ignore it. */
    default void put(FunctionInfo info, byte[] wasm) {
        put(info.id(), wasm);
    }

    /** A module and its description, read together (one version of both); null when unknown. */
    default Stored fetch(FunctionId id) {
        byte[] wasm = get(id);
        return wasm == null ? null : new Stored(wasm, null);
    }

    /** The stored description of a function, or null (unknown, or the store keeps none). */
    default FunctionInfo describe(FunctionId id) {
        return null;
    }

    /** Every stored function's description, where the store keeps them. */
    default List<FunctionInfo> describeAll() {
        List<FunctionInfo> out = new ArrayList<>();
        for (FunctionId id : list()) {
            FunctionInfo info = describe(id);
            if (info != null) {
                out.add(info);
            }
        }
        return out;
    }

    /**
     * The allow-list of {@code host:port} patterns a user declared for all of its functions (added
     * to each function's own when a call runs); empty when none.
     */
    default List<String> userAllowList(String user) {
        return List.of();
    }

    /**
     * Replaces a user's allow-list (an empty list clears it). The patterns are checked by the
     * caller ({@link io.jfaasm.runtime.faaslet.NetworkPolicy#declared}).
     *
     * @throws UnsupportedOperationException when this store keeps no per-user lists
     */
    default void setUserAllowList(String user, List<String> patterns) {
        throw new UnsupportedOperationException("this function store keeps no per-user network allow-lists");
    }

    /**
     * Tells {@code changed} (on a thread of the store's, never concurrently with itself) of each
     * function uploaded, replaced or deleted through another host. Only shared stores call it.
     */
    default void watch(Consumer<FunctionId> changed) {}
}
