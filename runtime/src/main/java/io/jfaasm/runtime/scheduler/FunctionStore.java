package io.jfaasm.runtime.scheduler;

import java.util.List;

/** Where uploaded functions' modules are kept, so a restart (or another host) finds them. */
public interface FunctionStore {
    void put(FunctionId id, byte[] wasm);

    /** The module's bytes, or null. */
    byte[] get(FunctionId id);

    boolean delete(FunctionId id);

    /** Every stored function, of every user. */
    List<FunctionId> list();
}
