package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.objectweb.asm.Type;

/**
 * A wasm {@code loop} that is compiled as a method of its own (outlined), called from the method
 * around it.
 *
 * <p>Why: HotSpot compiles a method that is called once, such as a kernel with its loop nests, only
 * "on stack" (OSR) at one loop, and those compiles are thrown away at the first path they have not
 * seen. An inner loop in its own method is called once per outer iteration, so it is compiled as a
 * normal method with a full profile, and inlined back where it is small. The outlined method takes
 * the locals live on entry as parameters and hands back the ones it writes that are live after it
 * in {@link Ctx#spill}; it returns an exit code: 0 when the loop falls through its end, {@code 1 +
 * d} when it branches to the label {@code d} levels outside the loop (the function's own frame
 * included: a return). A loop that only falls through and hands back at most one local returns
 * that local instead (see {@link #direct()}).
 */
final class LoopRegion {
    /** JVM parameter slots left for the locals (255 minus the Ctx, with room to spare). */
    private static final int MAX_PARAM_SLOTS = 200;

    /** Index of the {@code loop} instruction and of its {@code end}. */
    final int start;
    final int end;
    /** Locals live on entry (its parameters), and those it writes that are live after it (handed back). */
    final int[] used;
    final int[] written;
    /** The labels outside the loop it branches to, as depths counted from just outside it. */
    final TreeSet<Integer> exits;

    private LoopRegion(int start, int end, int[] used, int[] written, TreeSet<Integer> exits) {
        this.start = start;
        this.end = end;
        this.used = used;
        this.written = written;
        this.exits = exits;
    }

    /**
     * Scans the loop starting at {@code start}. Returns null when it cannot be outlined: a loop with
     * a block type (params or results), or too many locals for a JVM method's parameters.
     * {@code outsideDepth} is how many labels enclose the loop (the function's frame included): a
     * {@code return} is a branch to the outermost one.
     */
    static LoopRegion scan(List<AnnotatedInstruction> code, int start, int outsideDepth, Vt[] localType,
            Liveness liveness) {
        if (code.get(start).operand(0) != 0x40) {
            return null;
        }
        BitSet used = new BitSet();
        BitSet written = new BitSet();
        TreeSet<Integer> exits = new TreeSet<>();
        int depth = 0; // open constructs inside the region, the loop itself included
        int i = start;
        for (; i < code.size(); i++) {
            AnnotatedInstruction ins = code.get(i);
            OpCode op = ins.opcode();
            switch (op) {
                case BLOCK, LOOP, IF -> depth++;
                case END -> depth--;
                case BR, BR_IF -> exit((int) ins.operand(0), depth, exits);
                case BR_TABLE -> {
                    for (int k = 0; k < ins.operandCount(); k++) {
                        exit((int) ins.operand(k), depth, exits);
                    }
                }
                case RETURN -> exits.add(outsideDepth - 1);
                case LOCAL_GET -> used.set((int) ins.operand(0));
                case LOCAL_SET, LOCAL_TEE -> {
                    used.set((int) ins.operand(0));
                    written.set((int) ins.operand(0));
                }
                default -> { }
            }
            if (depth == 0) {
                break;
            }
        }
        used.and(liveness.liveIn(start));
        written.and(liveness.liveOut(start, i));
        int slots = 0;
        for (int l = used.nextSetBit(0); l >= 0; l = used.nextSetBit(l + 1)) {
            slots += localType[l].size;
        }
        if (slots > MAX_PARAM_SLOTS) {
            return null;
        }
        return new LoopRegion(start, i, used.stream().toArray(), written.stream().toArray(), exits);
    }

    private static void exit(int label, int depth, TreeSet<Integer> exits) {
        if (label >= depth) {
            exits.add(label - depth);
        }
    }

    String methodName(int funcIdx) {
        return FunctionCompiler.methodName(funcIdx) + "_" + start;
    }

    String descriptor(Vt[] localType) {
        StringBuilder sb = new StringBuilder("(");
        for (int l : used) {
            sb.append(localType[l].jvm.getDescriptor());
        }
        sb.append(CTX_DESC).append(')');
        if (!direct()) {
            return sb.append('I').toString();
        }
        return sb.append(written.length == 0 ? "V" : localType[written[0]].jvm.getDescriptor()).toString();
    }

    /**
     * Whether the method returns the one local it hands back (or nothing) instead of an exit code:
     * a loop that only falls through its end, such as a reduction. The common case, and the
     * cheap one: no {@link Ctx#spill} round trip.
     */
    boolean direct() {
        return exits.isEmpty() && written.length <= 1;
    }

    private static final String CTX_DESC = Type.getDescriptor(Ctx.class);
}
