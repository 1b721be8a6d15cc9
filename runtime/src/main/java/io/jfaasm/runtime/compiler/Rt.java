package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

/**
 * Run-time helpers of generated code that are not memory accesses: calls leaving the tier, traps,
 * memory growth. Each mirrors what Chicory's interpreter (the reference) does, with its messages.
 */
public final class Rt {
    private Rt() {}

    /** Called on loop back-edges and on entry of functions that call: the wall-time limit's hook. */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
        }
    }

    /** Ctx.spill, with room for n values. */
    public static long[] spill(Ctx c, int n) {
        long[] s = c.spill;
        return s.length >= n ? s : (c.spill = new long[Math.max(n, 2 * s.length)]);
    }

    public static TrapException unreachable() {
        return new TrapException("Trapped on unreachable instruction");
    }

    /** A host import: through the instance's import values, as the interpreter calls them. */
    public static long[] callHost(long[] args, int funcId, Ctx c) {
        checkInterrupted();
        Instance instance = c.instance;
        return instance.imports().function(funcId).handle().apply(instance, args);
    }

    /** A function this tier left to Chicory's compiler. */
    public static long[] callFallback(long[] args, int funcId, Ctx c) {
        return c.fallback.call(funcId, args);
    }

    /** Any function, through the instance's machine (ours): call_indirect's generic path. */
    public static long[] callAny(long[] args, int funcId, Ctx c) {
        if (funcId == FOREIGN) {
            Instance owner = c.foreignOwner;
            c.foreignOwner = null;
            return owner.getMachine().call(c.foreignFunction, args);
        }
        return c.instance.getMachine().call(funcId, args);
    }

    /** What {@link #resolveIndirect} returns for a function of another instance (never a function index). */
    static final int FOREIGN = -1;

    /**
     * The function a call_indirect reaches, after the interpreter's checks in its order: a null
     * or out-of-range element, then the type.
     */
    public static int resolveIndirect(int element, int typeIdx, int tableIdx, Ctx c) {
        checkInterrupted();
        Instance instance = c.instance;
        TableInstance table = instance.table(tableIdx);
        int funcId = table.requiredRef(element);
        Instance owner = table.instance(element);
        if (owner != null && owner != instance) {
            // A library's function placed in this table (dynamic loading): types are compared by
            // structure, since the two modules number their types apart.
            FunctionType expected = instance.module().typeSection().getType(typeIdx);
            FunctionType actual = owner.module().typeSection().getType(owner.functionType(funcId));
            if (!expected.equals(actual)) {
                throw new ChicoryException("indirect call type mismatch");
            }
            c.foreignOwner = owner;
            c.foreignFunction = funcId;
            return FOREIGN;
        }
        int actual = instance.functionType(funcId);
        if (actual != typeIdx
                && !ValType.heapTypeSubtype(actual, typeIdx, instance.module().typeSection())) {
            throw new ChicoryException("indirect call type mismatch");
        }
        return funcId;
    }

    public static long refAsNonNull(long ref) {
        if (ref == Vt.NULL_REF) {
            throw new TrapException("Trapped on ref_as_non_null on null reference");
        }
        return ref;
    }

    public static int memoryGrow(int delta, Ctx c) {
        return c.memory.grow(delta);
    }

    public static int memorySize(Ctx c) {
        return c.memory.pages();
    }

    public static void memoryCopy(int destination, int source, int size, Ctx c) {
        c.memory.copy(destination, source, size);
    }

    public static void memoryFill(int offset, int value, int size, Ctx c) {
        c.memory.fill((byte) value, offset, size + offset);
    }

    /**
     * memory.init: the interpreter's call, on the instance's own copy of the segments (data.drop
     * empties a segment there), so bounds and dropped segments trap with its messages.
     */
    public static void memoryInit(int destination, int offset, int size, int segment, Ctx c) {
        c.instance.memory(0).initPassiveSegment(segment, destination, offset, size);
    }

    public static void dataDrop(int segment, Ctx c) {
        c.instance.dropDataSegment(segment);
    }
}
