package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.objectweb.asm.Type;

/**
 * Instructions of a function compiled as a method of their own (outlined), called from the method
 * around them: a {@code loop} or {@code block} with its {@code end}, or a run of instructions
 * that leaves the operand stack as it found it.
 *
 * <p>Why: HotSpot compiles a method that is called once, such as a kernel with its loop nests, only
 * "on stack" (OSR) at one loop, and those compiles are thrown away at the first path they have not
 * seen. An inner loop in its own method is called once per outer iteration, so it is compiled as a
 * normal method with a full profile, and inlined back where it is small. And a function too big
 * for one JVM method (64 KiB), or for HotSpot to compile at all (8,000 bytes), such as CPython's
 * interpreter loop, is split into methods that fit (see {@link SplitPlan}).
 *
 * <p>The method takes the locals live on entry as parameters and hands back the ones it writes that
 * are live after it in {@link Ctx#spill}; it returns an exit code: 0 when control falls through
 * its end, {@code 1 + d} when it branches to the label {@code d} levels outside it (the function's
 * own frame included: a return). A value a branch out carries, or that a block leaves when it
 * falls through, travels in {@link Ctx#ret}. A region that only falls through, leaving nothing,
 * and hands back at most one local returns that local instead (see {@link #direct()}).
 */
final class Region {
    /** JVM parameter slots left for the locals (255 minus the Ctx, with room to spare). */
    private static final int MAX_PARAM_SLOTS = 200;

    /** Its first and last instruction. */
    final int start;
    final int end;
    /** Locals live on entry (its parameters), and those it writes that are live after it (handed back). */
    final int[] used;
    final int[] written;
    /** The labels outside it that it branches to, as depths counted from just outside it. */
    final TreeSet<Integer> exits;
    /** What it leaves on the stack when it falls through: a block's or loop's result, or nothing. */
    final List<Vt> results;

    private Region(int start, int end, int[] used, int[] written, TreeSet<Integer> exits, List<Vt> results) {
        this.start = start;
        this.end = end;
        this.used = used;
        this.written = written;
        this.exits = exits;
        this.results = results;
    }

    /**
     * Scans instructions {@code start..end}, which leave {@code results} when they fall through.
     * Returns null when they cannot be outlined: too many locals for a JVM method's parameters.
     * {@code outsideDepth} is how many labels enclose it (the function's frame included): a
     * {@code return} is a branch to the outermost one.
     */
    static Region scan(List<AnnotatedInstruction> code, int start, int end, int outsideDepth, Vt[] localType,
            Liveness liveness, List<Vt> results) {
        BitSet used = new BitSet();
        BitSet written = new BitSet();
        TreeSet<Integer> exits = new TreeSet<>();
        int depth = 0; // constructs open inside the region
        for (int i = start; i <= end; i++) {
            AnnotatedInstruction ins = code.get(i);
            switch (ins.opcode()) {
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
        }
        used.and(liveness.liveIn(start));
        written.and(liveness.liveOut(start, end));
        int slots = 0;
        for (int l = used.nextSetBit(0); l >= 0; l = used.nextSetBit(l + 1)) {
            slots += localType[l].size;
        }
        if (slots > MAX_PARAM_SLOTS) {
            return null;
        }
        return new Region(start, end, used.stream().toArray(), written.stream().toArray(), exits, results);
    }

    private static void exit(int label, int depth, TreeSet<Integer> exits) {
        if (label >= depth) {
            exits.add(label - depth);
        }
    }

    /** Its method's name, or with {@code variant} (a suffix) that of one of its variants (see FunctionCompiler#outline). */
    String methodName(int funcIdx, String variant) {
        return FunctionCompiler.methodName(funcIdx) + "_" + start + "_" + end + variant;
    }

    String descriptor(Vt[] localType) {
        String parameters = parameters(localType) + ")";
        if (!direct()) {
            return parameters + "I";
        }
        return parameters + (written.length == 0 ? "V" : localType[written[0]].jvm.getDescriptor());
    }

    /** The start of its method's descriptor: "(", the locals live on entry, the Ctx. */
    String parameters(Vt[] localType) {
        StringBuilder sb = new StringBuilder("(");
        for (int l : used) {
            sb.append(localType[l].jvm.getDescriptor());
        }
        return sb.append(CTX_DESC).toString();
    }

    /**
     * Whether the method returns the one local it hands back (or nothing) instead of an exit code:
     * a region that only falls through its end, such as a reduction loop. The common case, and the
     * cheap one: no {@link Ctx#spill} round trip.
     */
    boolean direct() {
        return exits.isEmpty() && written.length <= 1 && results.isEmpty();
    }

    private static final String CTX_DESC = Type.getDescriptor(Ctx.class);
}
