package io.jfaasm.runtime.compiler;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The method that runs a loop of an {@link OuterVectorPlan} {@value OuterVectorPlan#LANES}
 * iterations at a time: it takes the loop's live locals (as the region's method does), the context
 * and a number of groups of iterations, and returns how many iterations it ran. It runs the body
 * once per group: i32 values as the first lane's, in ints, f64 values and locals as vectors of
 * four lanes; after each group it steps the inductions over the three other lanes' iterations.
 * The caller steps its inductions by the count it returns and runs the rest with the scalar loop.
 *
 * <p>A group stops before its store (returning the iterations before it) where an access would
 * leave memory or a tracked load overlaps what the group stores ({@link Vec#within},
 * {@link Vec#apart}): the scalar loop then runs that group in order, with its traps. A plan with
 * an extent (a loop without an inner loop) has every access proved by the call: none is checked
 * here. The method is padded past HotSpot's inlining limit, as the inner vector loops are.
 */
final class OuterVectorMethod {
    private static final String VEC = "io/jfaasm/runtime/compiler/Vec";
    private static final String DV = "Ljdk/incubator/vector/DoubleVector;";
    private static final int LANE_BYTES = 8 * OuterVectorPlan.LANES;

    private final List<AnnotatedInstruction> code;
    private final OuterVectorPlan plan;
    private final Vt[] localType;
    private final int[] slot;
    private MethodVisitor mv;
    /** The memory's address (a long), then its int limit. */
    private int address;
    private int done;
    private int budget;
    /** Per tracked load (by instruction index), the slots of the lowest and highest byte it read in this group. */
    private final java.util.Map<Integer, Integer> seen = new java.util.TreeMap<>();
    /** Per inner induction of a span, the slot of its value at the inner loop's entry. */
    private final java.util.Map<Integer, Integer> entryValue = new java.util.TreeMap<>();
    private int at;
    private int value;
    /** With a {@link OuterVectorPlan.Slide}: the previous group's lanes of its local (lane 3 enters the next). */
    private int previous;
    private final Label innerHead = new Label();

    private OuterVectorMethod(List<AnnotatedInstruction> code, OuterVectorPlan plan, Vt[] localType) {
        this.code = code;
        this.plan = plan;
        this.localType = localType;
        this.slot = new int[localType.length];
    }

    /** Its descriptor: the region's parameters, then the number of groups; it returns the iterations run. */
    static String descriptor(Region r, Vt[] localType) {
        return r.parameters(localType) + "I)I";
    }

    static void generate(ClassVisitor cw, String name, Region r, List<AnnotatedInstruction> code, Vt[] localType,
            OuterVectorPlan plan) {
        new OuterVectorMethod(code, plan, localType).emit(cw, name, r);
    }

    private void emit(ClassVisitor cw, String name, Region r) {
        mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, name, descriptor(r, localType), null, null);
        mv.visitCode();
        java.util.Arrays.fill(slot, -1);
        int next = 0;
        int[] param = new int[localType.length];
        for (int l : r.used) {
            param[l] = next;
            next += localType[l].size;
        }
        int ctx = next++;
        int groups = next++;
        // i32 locals in ints (the parameter's own slot), f64 locals as vectors (an object slot of their own)
        for (int i = r.start; i <= r.end; i++) {
            OpCode op = code.get(i).opcode();
            if (op != OpCode.LOCAL_GET && op != OpCode.LOCAL_SET && op != OpCode.LOCAL_TEE) {
                continue;
            }
            int l = (int) code.get(i).operand(0);
            if (slot[l] >= 0) {
                continue;
            }
            boolean isParam = contains(r.used, l);
            if (localType[l] == Vt.I32) {
                if (isParam) {
                    slot[l] = param[l];
                } else {
                    slot[l] = next++;
                    mv.visitInsn(ICONST_0);
                    mv.visitVarInsn(ISTORE, slot[l]);
                }
            } else {
                slot[l] = next++;
                if (isParam) {
                    mv.visitVarInsn(DLOAD, param[l]);
                    mv.visitMethodInsn(INVOKESTATIC, VEC, "broadcast4", "(D)" + DV, false);
                } else {
                    mv.visitInsn(ACONST_NULL);
                }
                mv.visitVarInsn(ASTORE, slot[l]);
            }
        }
        address = next;
        at = next + 4;
        done = next + 6;
        budget = next + 7;
        value = next + 8;
        previous = next + 9;
        next += 10;
        if (plan.slide != null) {
            mv.visitVarInsn(DLOAD, param[plan.slide.local()]);
            mv.visitMethodInsn(INVOKESTATIC, VEC, "broadcast4", "(D)" + DV, false);
            mv.visitVarInsn(ASTORE, previous);
        }
        for (int load : plan.tracked) {
            seen.put(load, next);
            next += 4; // lowest byte, then highest (longs)
        }
        for (OuterVectorPlan.Span span : plan.spans.values()) {
            if (span.induction() >= 0 && !entryValue.containsKey(span.induction())) {
                entryValue.put(span.induction(), next++);
            }
        }
        FunctionCompiler.loadMemory(mv, ctx, address); // the int limit at address + 2
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, done);
        mv.visitLdcInsn(FunctionCompiler.CHECK_EVERY);
        mv.visitVarInsn(ISTORE, budget);

        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label stopped = new Label();
        mv.visitTryCatchBlock(tryStart, tryEnd, stopped, VEC + "$Stop");
        mv.visitLabel(tryStart);
        Label group = new Label();
        mv.visitLabel(group);
        for (int lo : seen.values()) {
            mv.visitLdcInsn(Long.MAX_VALUE);
            mv.visitVarInsn(LSTORE, lo);
            mv.visitLdcInsn(Long.MIN_VALUE);
            mv.visitVarInsn(LSTORE, lo + 2);
        }
        if (plan.slide != null) {
            slideIn();
        }
        for (int i = r.start + 1; i < r.end; i++) {
            instruction(i, r.end);
        }
        if (plan.slide != null) {
            mv.visitVarInsn(ALOAD, slot[plan.slide.local()]);
            mv.visitVarInsn(ASTORE, previous);
        }
        // the next group's first lane: the body stepped each induction once, three lanes to go
        for (var e : plan.inductions.entrySet()) {
            mv.visitVarInsn(ILOAD, slot[e.getKey()]);
            mv.visitLdcInsn(e.getValue() * (OuterVectorPlan.LANES - 1));
            mv.visitInsn(IADD);
            mv.visitVarInsn(ISTORE, slot[e.getKey()]);
        }
        mv.visitIincInsn(done, OuterVectorPlan.LANES);
        loopCheck();
        mv.visitIincInsn(groups, -1);
        mv.visitVarInsn(ILOAD, groups);
        mv.visitJumpInsn(IFNE, group);
        mv.visitLabel(tryEnd);
        Label out = new Label();
        mv.visitJumpInsn(GOTO, out);
        mv.visitLabel(stopped);
        mv.visitInsn(POP);
        mv.visitLabel(out);
        if (plan.slide != null) { // its local's value after the last iteration run, in ret
            mv.visitVarInsn(ALOAD, ctx);
            mv.visitVarInsn(ALOAD, previous);
            mv.visitMethodInsn(INVOKESTATIC, VEC, "last", "(" + DV + ")D", false);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
            mv.visitFieldInsn(PUTFIELD, FunctionCompiler.CTX, "ret", "J");
        }
        mv.visitVarInsn(ILOAD, done);
        mv.visitInsn(IRETURN);
        // unreachable padding past HotSpot's inlining limit, as for the inner vector loops: inlined
        // into the loop around it, C2 unrolled jacobi-2d's group loop with its addresses spilled
        for (int k = 0; k < FunctionCompiler.NOT_INLINED; k++) {
            mv.visitInsn(NOP);
        }
        mv.visitInsn(ACONST_NULL);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * A slide's local as the group's lanes enter it: lane k > 0 what its load reads in lane k - 1
     * (that load made early, at the same address, before the group's store, which the plan showed
     * does not reach it), lane 0 the previous group's last lane.
     */
    private void slideIn() {
        VectorPlan.Bound e = plan.extent;
        mv.visitVarInsn(ALOAD, previous);
        mv.visitVarInsn(ILOAD, slot[e.a()]);
        if (e.b() >= 0) {
            mv.visitVarInsn(ILOAD, slot[e.b()]);
            mv.visitInsn(IADD);
        }
        iconst(plan.slide.c());
        mv.visitInsn(IADD);
        address(code.get(plan.slide.load()).operand(1), LANE_BYTES, -1);
        mv.visitMethodInsn(INVOKESTATIC, VEC, "load4", "(J)" + DV, false);
        mv.visitMethodInsn(INVOKESTATIC, VEC, "following", "(" + DV + DV + ")" + DV, false);
        mv.visitVarInsn(ASTORE, slot[plan.slide.local()]);
    }

    private static boolean contains(int[] xs, int x) {
        for (int y : xs) {
            if (y == x) {
                return true;
            }
        }
        return false;
    }

    private void loopCheck() {
        if (FunctionCompiler.LOOP_CHECKS) {
            FunctionCompiler.loopCheck(mv, budget);
        }
    }

    private void instruction(int i, int end) {
        AnnotatedInstruction ins = code.get(i);
        OpCode op = ins.opcode();
        switch (op) {
            case NOP -> { }
            case LOOP -> {
                for (var e : entryValue.entrySet()) {
                    mv.visitVarInsn(ILOAD, slot[e.getKey()]);
                    mv.visitVarInsn(ISTORE, e.getValue());
                }
                mv.visitLabel(innerHead);
                loopCheck();
            }
            case END -> {
                for (var e : plan.spans.entrySet()) {
                    spanSeen(e.getKey(), e.getValue());
                }
            }
            case BR_IF -> {
                if (i == end - 1) {
                    mv.visitInsn(POP); // the outer back-edge: the groups are counted instead
                } else {
                    mv.visitJumpInsn(IFNE, innerHead);
                }
            }
            case LOCAL_GET -> {
                int l = (int) ins.operand(0);
                mv.visitVarInsn(localType[l] == Vt.I32 ? ILOAD : ALOAD, slot[l]);
            }
            case LOCAL_SET, LOCAL_TEE -> {
                int l = (int) ins.operand(0);
                if (op == OpCode.LOCAL_TEE) {
                    mv.visitInsn(DUP);
                }
                mv.visitVarInsn(localType[l] == Vt.I32 ? ISTORE : ASTORE, slot[l]);
            }
            case I32_CONST -> mv.visitLdcInsn((int) ins.operand(0));
            case I32_ADD -> mv.visitInsn(IADD);
            case I32_SUB -> mv.visitInsn(ISUB);
            case I32_MUL -> mv.visitInsn(IMUL);
            case I32_AND -> mv.visitInsn(IAND);
            case I32_OR -> mv.visitInsn(IOR);
            case I32_XOR -> mv.visitInsn(IXOR);
            case I32_SHL -> mv.visitInsn(ISHL);
            case I32_SHR_S -> mv.visitInsn(ISHR);
            case I32_SHR_U -> mv.visitInsn(IUSHR);
            case I32_ROTL -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateLeft", "(II)I", false);
            case I32_ROTR -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateRight", "(II)I", false);
            case I32_EQZ -> flag(IFEQ);
            case I32_EQ -> flag(IF_ICMPEQ);
            case I32_NE -> flag(IF_ICMPNE);
            case I32_LT_S -> flag(IF_ICMPLT);
            case I32_GT_S -> flag(IF_ICMPGT);
            case I32_LE_S -> flag(IF_ICMPLE);
            case I32_GE_S -> flag(IF_ICMPGE);
            case I32_LT_U, I32_GT_U, I32_LE_U, I32_GE_U -> {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
                flag(switch (op) {
                    case I32_LT_U -> IFLT;
                    case I32_GT_U -> IFGT;
                    case I32_LE_U -> IFLE;
                    default -> IFGE;
                });
            }
            case F64_CONST -> {
                mv.visitLdcInsn(ins.operand(0));
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                mv.visitMethodInsn(INVOKESTATIC, VEC, "broadcast4", "(D)" + DV, false);
            }
            case F64_ADD -> binary("add");
            case F64_SUB -> binary("sub");
            case F64_MUL -> binary("mul");
            case F64_DIV -> binary("div");
            case F64_SQRT -> mv.visitMethodInsn(INVOKESTATIC, VEC, "sqrt", "(" + DV + ")" + DV, false);
            case F64_LOAD -> {
                boolean lanes = plan.loads.get(i) == OuterVectorPlan.Access.LANES;
                address(ins.operand(1), lanes ? LANE_BYTES : 8,
                        plan.spans.containsKey(i) ? -1 : seen.getOrDefault(i, -1));
                mv.visitMethodInsn(INVOKESTATIC, VEC, lanes ? "load4" : "broadcast4", "(J)" + DV, false);
            }
            case F64_STORE -> {
                mv.visitVarInsn(ASTORE, value);
                address(ins.operand(1), LANE_BYTES, -1);
                for (int lo : seen.values()) {
                    // no tracked load of this group read what its lanes store
                    mv.visitVarInsn(LLOAD, at);
                    mv.visitLdcInsn((long) LANE_BYTES);
                    mv.visitVarInsn(LLOAD, lo);
                    mv.visitVarInsn(LLOAD, lo + 2);
                    mv.visitMethodInsn(INVOKESTATIC, VEC, "apart", "(JJJJ)V", false);
                }
                mv.visitVarInsn(ALOAD, value);
                mv.visitInsn(DUP_X2);
                mv.visitInsn(POP);
                mv.visitMethodInsn(INVOKESTATIC, VEC, "store", "(" + DV + "J)V", false);
            }
            default -> throw new IllegalStateException("not in an outer vector plan: " + op);
        }
    }

    /**
     * From the i32 base on the stack, the absolute address of an access {@code width} bytes wide
     * at {@code offset}: it stops the group unless those bytes are all in memory (the exact sum,
     * so lanes 8 bytes apart do not wrap), unless the call proved the plan's extent. Leaves the
     * offset in memory in {@link #at}, and a tracked load's bytes in its two slots from {@code lo}
     * (-1: not tracked).
     */
    private void address(long offset, int width, int lo) {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        mv.visitLdcInsn(offset);
        mv.visitInsn(LADD);
        if (plan.extent == null) {
            mv.visitLdcInsn((long) width);
            mv.visitVarInsn(ILOAD, address + 2);
            mv.visitInsn(I2L);
            mv.visitMethodInsn(INVOKESTATIC, VEC, "within", "(JJJ)J", false);
        }
        mv.visitVarInsn(LSTORE, at);
        if (lo >= 0) {
            seen(lo, width);
        }
        mv.visitVarInsn(LLOAD, address);
        mv.visitVarInsn(LLOAD, at);
        mv.visitInsn(LADD);
    }

    /**
     * After the inner loop, what load {@code i} at {@code span} read in it: from its address in the
     * first iteration to that in the last. Every one was in memory, so their i32 sums did not wrap
     * (a step is at most 2^16, memory below 2^31 bytes), and the addresses between are in order.
     */
    private void spanSeen(int i, OuterVectorPlan.Span span) {
        int lo = seen.get(i);
        long offset = code.get(i).operand(1);
        int width = plan.loads.get(i) == OuterVectorPlan.Access.LANES ? LANE_BYTES : 8;
        for (int last = 0; last < 2; last++) {
            iconst(span.c());
            if (span.invariant() >= 0) {
                mv.visitVarInsn(ILOAD, slot[span.invariant()]);
                mv.visitInsn(IADD);
            }
            if (span.induction() >= 0) {
                if (last == 0) {
                    mv.visitVarInsn(ILOAD, entryValue.get(span.induction()));
                } else {
                    mv.visitVarInsn(ILOAD, slot[span.induction()]);
                    iconst(-plan.innerSteps.get(span.induction()));
                    mv.visitInsn(IADD);
                }
                mv.visitInsn(IADD);
            }
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
            mv.visitLdcInsn(offset);
            mv.visitInsn(LADD);
            mv.visitVarInsn(LSTORE, at);
            seen(lo, width);
        }
    }

    private void iconst(int v) {
        mv.visitLdcInsn(v);
    }

    /** Widens the bytes seen, in the slots from {@code lo}, by {@code width} bytes from {@link #at}. */
    private void seen(int lo, int width) {
        mv.visitVarInsn(LLOAD, lo);
        mv.visitVarInsn(LLOAD, at);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(JJ)J", false);
        mv.visitVarInsn(LSTORE, lo);
        mv.visitVarInsn(LLOAD, lo + 2);
        mv.visitVarInsn(LLOAD, at);
        mv.visitLdcInsn((long) width);
        mv.visitInsn(LADD);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", "(JJ)J", false);
        mv.visitVarInsn(LSTORE, lo + 2);
    }

    private void binary(String name) {
        mv.visitMethodInsn(INVOKESTATIC, VEC, name, "(" + DV + DV + ")" + DV, false);
    }

    private void flag(int jump) {
        FunctionCompiler.flag(mv, jump);
    }
}
