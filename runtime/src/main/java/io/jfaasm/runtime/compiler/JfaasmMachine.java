package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import io.jfaasm.runtime.memory.LinearMemory;

/**
 * Chicory's {@link Machine} for an instance of a module compiled by this tier: runs compiled
 * functions in the generated class, host imports through the instance (as the interpreter does),
 * and the rest on Chicory's compiler.
 */
public final class JfaasmMachine implements Machine {
    private final Instance instance;
    private final JfaasmCode code;
    private Ctx ctx;
    private Machine fallback;

    JfaasmMachine(Instance instance, JfaasmCode code) {
        this.instance = instance;
        this.code = code;
    }

    private Ctx ctx() {
        Ctx c = ctx;
        if (c == null) {
            // the memory exists only once the instance is built, after its machine
            c = new Ctx(instance, memory(), code.needsFallback() ? fallback() : null);
            ctx = c;
        }
        return c;
    }

    private LinearMemory memory() {
        if (!code.hasMemory()) {
            return null;
        }
        return (LinearMemory) instance.memory();
    }

    private Machine fallback() {
        if (fallback == null) {
            fallback = code.fallbackFactory().apply(instance);
        }
        return fallback;
    }

    @Override
    public long[] call(int funcId, long[] args) throws ChicoryException {
        if (funcId < code.importedFunctions()) {
            return Rt.callHost(args, funcId, ctx());
        }
        if (!code.isCompiled(funcId)) {
            return fallback().call(funcId, args);
        }
        try {
            return code.code(funcId).call(funcId, args, ctx());
        } catch (StackOverflowError e) {
            // what the interpreter reports, so callers classify both tiers' overflows alike
            throw new ChicoryException("call stack exhausted", e);
        }
    }
}
