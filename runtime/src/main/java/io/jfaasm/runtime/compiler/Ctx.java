package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import io.jfaasm.runtime.memory.LinearMemory;

/**
 * What compiled code of one instance needs at run time, passed as the last argument of every
 * generated method: the instance (host imports, tables), its memory, its globals, and the machines
 * to call for what this tier does not run. Fields are public for the generated class.
 */
public final class Ctx {
    public final Instance instance;
    /** Null when the module has no memory. */
    public final LinearMemory memory;
    public final GlobalInstance[] globals;
    /** Chicory's machine, for functions this tier left to it; null when there are none. */
    public final Machine fallback;
    /**
     * The target of a call_indirect into another instance (a dynamically loaded library), set by
     * {@link Rt#resolveIndirect} and used at once by {@link Rt#callAny}: an instance runs one call
     * at a time, and nothing runs between the two.
     */
    private static final long[] NO_SPILL = new long[0];

    Instance foreignOwner;
    /**
     * What an outlined region hands back to the method around it (see Region): the locals it
     * wrote, and the value of a return taken inside it. Read at once after the call.
     */
    public long[] spill = NO_SPILL;
    public long ret;
    /** As {@link #ret} for several values (multi-value), in Chicory's encoding. */
    public long[] rets;
    int foreignFunction;

    Ctx(Instance instance, LinearMemory memory, Machine fallback) {
        this.instance = instance;
        this.memory = memory;
        this.fallback = fallback;
        this.globals = new GlobalInstance[instance.globalCount()];
        for (int i = 0; i < globals.length; i++) {
            globals[i] = instance.global(i);
        }
    }
}
