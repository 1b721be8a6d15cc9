package io.jfaasm.runtime.compiler;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.runtime.OpcodeImpl;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Generates the JVM method of one wasm function.
 *
 * <p>Mapping: wasm locals are JVM locals of their own types; the wasm value stack is the JVM
 * operand stack, whose shape at every point is known statically (a type stack is kept alongside).
 * Structured control flow becomes labels and gotos: a branch carrying a value stores it in a
 * temporary, pops whatever lies between the target's entry height and the value, and reloads it,
 * so every JVM merge point sees one stack shape. Code after an unconditional branch is not emitted
 * (it is dead, and its wasm stack is polymorphic). Memory is a {@code MemorySegment} in a JVM
 * local, fetched on entry and again after {@code memory.grow} and after every call (which may
 * grow it). Calls inside the module are static calls passing the {@link Ctx} last.
 */
final class FunctionCompiler {
    private static final String MEM = Type.getInternalName(Mem.class);
    private static final String RT = Type.getInternalName(Rt.class);
    private static final String OPS = Type.getInternalName(OpcodeImpl.class);
    private static final String CTX = Type.getInternalName(Ctx.class);
    private static final String CTX_DESC = Type.getDescriptor(Ctx.class);
    private static final String SEG_DESC = "Ljava/lang/foreign/MemorySegment;";
    private static final String LINMEM = "io/jfaasm/runtime/memory/LinearMemory";

    /**
     * Whether loop headers check for interruption (the wall-time limit). Only for measuring what the
     * check costs ({@code -Djfaasm.compiler.loopChecks=false}): without it a runaway loop cannot be
     * stopped.
     */
    private static final boolean LOOP_CHECKS =
            !"false".equals(System.getProperty("jfaasm.compiler.loopChecks"));

    /** Whether inner loops are outlined (see Region); off only to measure what that gives. */
    private static final boolean OUTLINE = !"false".equals(System.getProperty("jfaasm.compiler.outline"));

    /** Thrown for anything this tier does not compile: the function falls back. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    /** EXIT: a label outside the loop an outlined method compiles; branching there returns. */
    private enum Kind { FUNC, BLOCK, LOOP, IF, EXIT }

    private static final class Frame {
        final Kind kind;
        final Label label = new Label(); // block/if: end; loop: start
        final Label elseLabel = new Label();
        final List<Vt> results;
        final int height;
        boolean branchedTo;
        boolean hasElse;
        /** EXIT frames: the code the outlined method returns for a branch here. */
        int exitCode;

        Frame(Kind kind, List<Vt> results, int height) {
            this.kind = kind;
            this.results = results;
            this.height = height;
        }

        /** What a branch to this frame carries. */
        List<Vt> arity() {
            return kind == Kind.LOOP ? List.of() : results;
        }
    }

    private final WasmModule module;
    private final ModuleCompiler owner;
    private final int funcIdx;
    private final FunctionType type;
    private final FunctionBody body;
    private final List<AnnotatedInstruction> code;
    /** The region this method compiles when it is an outlined one; null for the whole function. */
    private final Region region;
    /** For an outlined loop: the results of the labels around it, innermost first. */
    private final List<List<Vt>> outside;
    private ClassVisitor cw;
    private MethodVisitor mv;
    /** Loops open at the current point: a loop inside another is outlined. */
    private int openLoops;
    /** Where the main loop resumes after an outlined region. */
    private int resumeAt = -1;
    /** Regions to outline in a function too big for one method; null for none. */
    private SplitPlan plan;
    /** Set while measuring (see {@link #stackHeights}): the stack height before each instruction. */
    private int[] heights;
    /** Whether control reached the end of the region this method compiles (see {@link #outline}). */
    private boolean fellThrough;
    /** The function's liveness, computed at its first outlined loop and shared with those inside. */
    private Liveness liveness;
    /** The local counting down to the next interruption check (see loopCheck). */
    private int budgetSlot = -1;
    private static final int CHECK_EVERY = 1 << 12;

    private final List<Vt> stack = new ArrayList<>();
    /** The function's results. */
    private final List<Vt> results = new ArrayList<>();
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final int[] localSlot;
    private final Vt[] localType;
    private int ctxSlot;
    private int memSlot = -1;
    private int nextSlot;
    private final Map<Vt, List<Integer>> temps = new EnumMap<>(Vt.class);
    /**
     * A comparison whose 0/1 result is not materialised yet: the JVM branch opcode that is taken
     * when it is 1 (0 = none). A following br_if or if branches on it directly.
     */
    private int pendingBranch;
    /** -1 while emitting live code; else the nesting depth inside dead code being skipped. */
    private int dead = -1;

    FunctionCompiler(WasmModule module, ModuleCompiler owner, int funcIdx, FunctionType type,
            FunctionBody body) {
        this(module, owner, funcIdx, type, body, null, List.of());
    }

    private FunctionCompiler(WasmModule module, ModuleCompiler owner, int funcIdx, FunctionType type,
            FunctionBody body, Region region, List<List<Vt>> outside) {
        this.module = module;
        this.owner = owner;
        this.funcIdx = funcIdx;
        this.type = type;
        this.body = body;
        this.code = body.instructions();
        this.region = region;
        this.outside = outside;
        int n = type.params().size() + body.localTypes().size();
        this.localSlot = new int[n];
        this.localType = new Vt[n];
        int i = 0;
        for (ValType p : type.params()) {
            localType[i++] = Vt.of(p);
        }
        for (ValType l : body.localTypes()) {
            localType[i++] = Vt.of(l);
        }
    }

    static String descriptor(FunctionType t) {
        StringBuilder sb = new StringBuilder("(");
        for (ValType p : t.params()) {
            sb.append(Vt.of(p).jvm.getDescriptor());
        }
        sb.append(CTX_DESC).append(')');
        sb.append(t.returns().isEmpty() ? "V" : Vt.of(t.returns().get(0)).jvm.getDescriptor());
        return sb.toString();
    }

    static String methodName(int funcIdx) {
        return "f" + funcIdx;
    }

    void compile(ClassVisitor cw) {
        this.cw = cw;
        if (region != null) {
            compileRegion();
            return;
        }
        mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, methodName(funcIdx), descriptor(type), null, null);
        mv.visitCode();
        int slot = 0;
        int n = type.params().size();
        for (int i = 0; i < n; i++) {
            localSlot[i] = slot;
            slot += localType[i].size;
        }
        ctxSlot = slot++;
        for (int i = n; i < localSlot.length; i++) {
            localSlot[i] = slot;
            slot += localType[i].size;
        }
        slot = memorySlot(0, code.size() - 1, slot);
        nextSlot = slot;
        startBudget(0, code.size() - 1);
        // wasm locals start at zero
        for (int k = n; k < localSlot.length; k++) {
            zero(localType[k]);
            mv.visitVarInsn(localType[k].store, localSlot[k]);
        }
        if (code.stream().anyMatch(ins -> ins.opcode() == OpCode.CALL || ins.opcode() == OpCode.CALL_INDIRECT)) {
            // a recursion with no loop must still see the wall-time limit
            mv.visitMethodInsn(INVOKESTATIC, RT, "checkInterrupted", "()V", false);
        }
        reloadMemory();
        for (ValType r : type.returns()) {
            results.add(Vt.of(r));
        }
        frames.push(new Frame(Kind.FUNC, results, 0));
        emitRange(0, code.size() - 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The method of an outlined loop: the locals it uses are its parameters. */
    private void compileRegion() {
        mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, region.methodName(funcIdx), region.descriptor(localType),
                null, null);
        mv.visitCode();
        java.util.Arrays.fill(localSlot, -1);
        int slot = 0;
        for (int l : region.used) {
            localSlot[l] = slot;
            slot += localType[l].size;
        }
        ctxSlot = slot++;
        // the other locals it touches are written before they are read: slots of their own
        for (int i = region.start; i <= region.end; i++) {
            OpCode op = code.get(i).opcode();
            int l = op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE
                    ? (int) code.get(i).operand(0) : -1;
            if (l >= 0 && localSlot[l] < 0) {
                localSlot[l] = slot;
                slot += localType[l].size;
                zero(localType[l]);
                mv.visitVarInsn(localType[l].store, localSlot[l]);
            }
        }
        nextSlot = memorySlot(region.start, region.end, slot);
        startBudget(region.start, region.end);
        reloadMemory();
        for (ValType r : type.returns()) {
            results.add(Vt.of(r));
        }
        for (int d = outside.size() - 1; d >= 0; d--) {
            Frame f = new Frame(Kind.EXIT, outside.get(d), 0);
            f.exitCode = 1 + d;
            frames.push(f);
        }
        emitRange(region.start, region.end);
        fellThrough = dead < 0;
        if (fellThrough) {
            for (Vt t : region.results) { // the block's result, on top
                int tmp = temp(t, 0);
                mv.visitVarInsn(t.store, tmp);
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitVarInsn(t.load, tmp);
                toLong(t);
                mv.visitFieldInsn(PUTFIELD, CTX, "ret", "J");
            }
            exitRegion(0);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void zero(Vt t) {
        switch (t) {
            case I32 -> mv.visitInsn(ICONST_0);
            case I64 -> mv.visitInsn(LCONST_0);
            case F32 -> mv.visitInsn(FCONST_0);
            case F64 -> mv.visitInsn(DCONST_0);
        }
    }

    /** Reserves the memory segment's local if instructions from..to access memory. */
    private int memorySlot(int from, int to, int slot) {
        for (int i = from; i <= to; i++) {
            String name = code.get(i).opcode().name();
            if (name.contains("LOAD") || name.contains("STORE")) {
                memSlot = slot; // the segment, then its int limit
                return slot + 2;
            }
        }
        return slot;
    }

    private void emitRange(int from, int to) {
        for (int i = from; i <= to; i++) {
            if (frames.isEmpty()) {
                break;
            }
            AnnotatedInstruction ins = code.get(i);
            if (heights != null) {
                heights[i] = dead >= 0 ? -1 : stack.size() - frames.peek().height;
            }
            if (dead < 0 && plan != null && outlinePlanned(i)) {
                i = resumeAt;
                resumeAt = -1;
                continue;
            }
            if (dead >= 0) {
                switch (ins.opcode()) {
                    case BLOCK, LOOP, IF -> dead++;
                    case END -> {
                        if (dead == 0) {
                            end(false);
                        } else {
                            dead--;
                        }
                    }
                    case ELSE -> {
                        if (dead == 0) {
                            elseBranch(false);
                        }
                    }
                    default -> { }
                }
                continue;
            }
            instruction(i, ins);
            if (resumeAt >= 0) {
                i = resumeAt;
                resumeAt = -1;
            }
        }
    }

    // ---- stack model ---------------------------------------------------------------------------

    private void push(Vt t) {
        stack.add(t);
    }

    private Vt pop() {
        return stack.remove(stack.size() - 1);
    }

    private Vt peek() {
        return stack.get(stack.size() - 1);
    }

    private int temp(Vt t, int k) {
        List<Integer> list = temps.computeIfAbsent(t, x -> new ArrayList<>());
        while (list.size() <= k) {
            list.add(nextSlot);
            nextSlot += t.size;
        }
        return list.get(k);
    }

    private void reloadMemory() {
        if (memSlot >= 0) {
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitFieldInsn(GETFIELD, CTX, "memory", "L" + LINMEM + ";");
            mv.visitMethodInsn(INVOKEVIRTUAL, LINMEM, "segment", "()" + SEG_DESC, false);
            mv.visitVarInsn(ASTORE, memSlot);
            mv.visitVarInsn(ALOAD, memSlot);
            mv.visitMethodInsn(INVOKESTATIC, MEM, "limit", "(" + SEG_DESC + ")I", false);
            mv.visitVarInsn(ISTORE, memSlot + 1);
        }
    }

    private void popJvm(Vt t) {
        mv.visitInsn(t.size == 2 ? POP2 : POP);
    }

    // ---- control -------------------------------------------------------------------------------

    private List<Vt> blockResults(long bt) {
        if (bt == 0x40) {
            return List.of();
        }
        if (ValType.isValid(bt)) {
            Vt t = Vt.ofBlockTypeId(bt);
            if (t == null) {
                throw new Unsupported("block type " + bt);
            }
            return List.of(t);
        }
        FunctionType ft = module.typeSection().getType((int) bt);
        if (!ft.params().isEmpty() || ft.returns().size() > 1) {
            throw new Unsupported("multi-value block");
        }
        return ft.returns().isEmpty() ? List.of() : List.of(Vt.of(ft.returns().get(0)));
    }

    private Frame target(int depth) {
        int k = 0;
        for (Frame f : frames) { // ArrayDeque iterates from the top (most recent push)
            if (k++ == depth) {
                return f;
            }
        }
        throw new Unsupported("branch depth " + depth);
    }

    /** Emits the jump to {@code f} from the current stack, which stays as it is in the model. */
    private void branchTo(Frame f) {
        if (f.kind == Kind.FUNC) {
            emitReturn();
            return;
        }
        if (f.kind == Kind.EXIT) {
            if (!f.results.isEmpty()) { // only the function's own frame: a return's value
                Vt t = f.results.get(0);
                int tmp = temp(t, 0);
                mv.visitVarInsn(t.store, tmp);
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitVarInsn(t.load, tmp);
                toLong(t);
                mv.visitFieldInsn(PUTFIELD, CTX, "ret", "J");
            }
            exitRegion(f.exitCode);
            return;
        }
        f.branchedTo = true;
        List<Vt> arity = f.arity();
        int junk = stack.size() - f.height - arity.size();
        if (junk == 0) {
            mv.visitJumpInsn(GOTO, f.label);
            return;
        }
        // keep the carried values, drop what lies between them and the target's entry height
        int[] saved = new int[arity.size()];
        Map<Vt, Integer> used = new EnumMap<>(Vt.class);
        for (int k = arity.size() - 1; k >= 0; k--) {
            Vt t = stack.get(stack.size() - arity.size() + k);
            int n = used.merge(t, 1, Integer::sum) - 1;
            saved[k] = temp(t, n);
            mv.visitVarInsn(t.store, saved[k]);
        }
        for (int k = stack.size() - arity.size() - 1; k >= f.height; k--) {
            popJvm(stack.get(k));
        }
        for (int k = 0; k < arity.size(); k++) {
            mv.visitVarInsn(arity.get(k).load, saved[k]);
        }
        mv.visitJumpInsn(GOTO, f.label);
    }

    private void emitReturn() {
        if (results.isEmpty()) {
            mv.visitInsn(RETURN);
        } else {
            mv.visitInsn(results.get(0).ret); // the value is on top; anything below is discarded
        }
    }

    private void end(boolean reachable) {
        Frame f = frames.pop();
        if (f.kind == Kind.FUNC) {
            if (reachable) {
                emitReturn();
            }
            dead = 0;
            return;
        }
        if (f.kind == Kind.LOOP) {
            openLoops--;
        }
        while (stack.size() > f.height) {
            pop();
        }
        stack.addAll(f.results);
        boolean after = reachable || f.branchedTo;
        if (f.kind == Kind.IF && !f.hasElse) {
            mv.visitLabel(f.elseLabel);
            after = true;
        }
        if (f.kind != Kind.LOOP) {
            mv.visitLabel(f.label);
        }
        dead = after ? -1 : 0;
    }

    private void elseBranch(boolean reachable) {
        Frame f = frames.peek();
        if (reachable) {
            f.branchedTo = true;
            mv.visitJumpInsn(GOTO, f.label);
        }
        mv.visitLabel(f.elseLabel);
        f.hasElse = true;
        while (stack.size() > f.height) {
            pop();
        }
        dead = -1;
    }

    /**
     * The wall-time limit's check at a loop header, every {@link #CHECK_EVERY} back-edges of the
     * method's loops: a volatile read per iteration would cost 10-30% and keep C2 from optimising
     * the loop body across it. The countdown is a local of the method; an outer loop checks too,
     * so a runaway nest is seen within that many iterations of some loop.
     */
    private void startBudget(int from, int to) {
        if (LOOP_CHECKS && code.subList(from, to + 1).stream().anyMatch(i -> i.opcode() == OpCode.LOOP)) {
            budgetSlot = nextSlot++;
            mv.visitLdcInsn(CHECK_EVERY);
            mv.visitVarInsn(ISTORE, budgetSlot);
        }
    }

    private void loopCheck() {
        Label skip = new Label();
        mv.visitIincInsn(budgetSlot, -1);
        mv.visitVarInsn(ILOAD, budgetSlot);
        mv.visitJumpInsn(IFGT, skip);
        mv.visitMethodInsn(INVOKESTATIC, RT, "checkInterrupted", "()V", false);
        mv.visitLdcInsn(CHECK_EVERY);
        mv.visitVarInsn(ISTORE, budgetSlot);
        mv.visitLabel(skip);
    }

    // ---- outlined regions (see Region) ---------------------------------------------------------

    /**
     * The stack height before each instruction relative to its innermost block (-1 where dead), as
     * this compiler models it: where a run of instructions can be cut into a method of its own.
     */
    static int[] stackHeights(WasmModule module, ModuleCompiler owner, int funcIdx, FunctionType type,
            FunctionBody body) {
        FunctionCompiler measure = new FunctionCompiler(module, owner, funcIdx, type, body);
        measure.heights = new int[body.instructions().size() + 1];
        java.util.Arrays.fill(measure.heights, -1);
        measure.compile(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {}; // emits nothing
            }
        });
        return measure.heights;
    }

    /** Compiles the whole function with the regions of {@code plan} as methods of their own. */
    void compile(ClassVisitor cw, SplitPlan plan) {
        this.plan = plan;
        compile(cw);
    }

    /** Outlines the longest planned region starting at {@code i}, other than this method's own. */
    private boolean outlinePlanned(int i) {
        for (int end : plan.endsAt(i)) {
            if (region != null && i == region.start && end >= region.end) {
                continue;
            }
            if (outline(i, end)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles instructions {@code start..end} as a method of their own and emits its call here,
     * with the branches its exit code selects. False (nothing emitted) when they cannot be outlined:
     * a branch out carrying a value, too many live locals, or a stack not at its block's height.
     */
    private boolean outline(int start, int end) {
        if (heights != null || stack.size() != frames.peek().height) {
            return false;
        }
        if (liveness == null) {
            liveness = Liveness.of(code);
        }
        OpCode first = code.get(start).opcode();
        List<Vt> produced = first == OpCode.BLOCK || first == OpCode.LOOP
                ? blockResults(code.get(start).operand(0)) : List.of();
        Region r = Region.scan(code, start, end, frames.size(), localType, liveness, produced);
        if (r == null) {
            return false;
        }
        List<List<Vt>> around = new ArrayList<>(); // what a branch to each label outside carries
        for (Frame f : frames) {
            around.add(f.arity());
        }
        FunctionCompiler inner = new FunctionCompiler(module, owner, funcIdx, type, body, r, around);
        inner.liveness = liveness;
        inner.plan = plan;
        inner.compile(cw);

        for (int l : r.used) {
            mv.visitVarInsn(localType[l].load, localSlot[l]);
        }
        mv.visitVarInsn(ALOAD, ctxSlot);
        mv.visitMethodInsn(INVOKESTATIC, owner.classOf(funcIdx), r.methodName(funcIdx), r.descriptor(localType), false);
        if (r.direct()) {
            if (r.written.length == 1) {
                mv.visitVarInsn(localType[r.written[0]].store, localSlot[r.written[0]]);
            }
            reloadMemory();
            continueAfter(r, inner.fellThrough);
            return true;
        }
        int exit = temp(Vt.I32, 0);
        mv.visitVarInsn(ISTORE, exit);
        if (r.written.length > 0) {
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitFieldInsn(GETFIELD, CTX, "spill", "[J");
            for (int k = 0; k < r.written.length; k++) {
                int l = r.written[k];
                mv.visitInsn(DUP);
                iconst(k);
                mv.visitInsn(LALOAD);
                fromLong(localType[l]);
                mv.visitVarInsn(localType[l].store, localSlot[l]);
            }
            mv.visitInsn(POP);
        }
        reloadMemory();
        if (!r.exits.isEmpty()) {
            Label after = new Label();
            int[] keys = r.exits.stream().mapToInt(d -> d + 1).toArray();
            Label[] labels = new Label[keys.length];
            for (int k = 0; k < keys.length; k++) {
                labels[k] = new Label();
            }
            mv.visitVarInsn(ILOAD, exit);
            mv.visitLookupSwitchInsn(after, keys, labels);
            for (int k = 0; k < keys.length; k++) {
                mv.visitLabel(labels[k]);
                Frame f = target(keys[k] - 1);
                if (!f.arity().isEmpty()) { // the value the branch carries
                    Vt t = f.arity().get(0);
                    mv.visitVarInsn(ALOAD, ctxSlot);
                    mv.visitFieldInsn(GETFIELD, CTX, "ret", "J");
                    fromLong(t);
                    stack.add(t);
                    branchTo(f);
                    stack.remove(stack.size() - 1);
                } else {
                    branchTo(f);
                }
            }
            mv.visitLabel(after);
        }
        for (Vt t : r.results) { // what a block with a result leaves when it falls through
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitFieldInsn(GETFIELD, CTX, "ret", "J");
            fromLong(t);
            push(t);
        }
        continueAfter(r, inner.fellThrough);
        return true;
    }

    /**
     * Resumes after an outlined region. Where control never reaches its end, what follows is dead
     * code (its stack may be wasm's polymorphic one), so nothing more is emitted until a block ends.
     */
    private void continueAfter(Region r, boolean fellThrough) {
        resumeAt = r.end;
        if (!fellThrough) {
            mv.visitMethodInsn(INVOKESTATIC, RT, "unreachable", "()Lcom/dylibso/chicory/runtime/TrapException;", false);
            mv.visitInsn(ATHROW);
            dead = 0;
        }
    }

    private int loopEnd(int index) {
        if (liveness == null) {
            liveness = Liveness.of(code);
        }
        return liveness.endOf(index);
    }

    /** Leaves an outlined region's method: hands back the locals it wrote, returns the exit code. */
    private void exitRegion(int exitCode) {
        if (region.direct()) {
            if (region.written.length == 0) {
                mv.visitInsn(RETURN);
            } else {
                Vt t = localType[region.written[0]];
                mv.visitVarInsn(t.load, localSlot[region.written[0]]);
                mv.visitInsn(t.ret);
            }
            return;
        }
        if (region.written.length > 0) {
            mv.visitVarInsn(ALOAD, ctxSlot);
            iconst(region.written.length);
            mv.visitMethodInsn(INVOKESTATIC, RT, "spill", "(" + CTX_DESC + "I)[J", false);
            for (int k = 0; k < region.written.length; k++) {
                int l = region.written[k];
                mv.visitInsn(DUP);
                iconst(k);
                mv.visitVarInsn(localType[l].load, localSlot[l]);
                toLong(localType[l]);
                mv.visitInsn(LASTORE);
            }
            mv.visitInsn(POP);
        }
        iconst(exitCode);
        mv.visitInsn(IRETURN);
    }

    // ---- instructions --------------------------------------------------------------------------

    private void instruction(int index, AnnotatedInstruction ins) {
        OpCode op = ins.opcode();
        if (pendingBranch != 0 && op != OpCode.BR_IF && op != OpCode.IF) {
            materialise();
        }
        switch (op) {
            case NOP -> { }
            case UNREACHABLE -> {
                mv.visitMethodInsn(INVOKESTATIC, RT, "unreachable",
                        "()Lcom/dylibso/chicory/runtime/TrapException;", false);
                mv.visitInsn(ATHROW);
                dead = 0;
            }
            case BLOCK -> frames.push(new Frame(Kind.BLOCK, blockResults(ins.operand(0)), stack.size()));
            case LOOP -> {
                if (OUTLINE && openLoops > 0 && outline(index, loopEnd(index))) {
                    return;
                }
                Frame f = new Frame(Kind.LOOP, blockResults(ins.operand(0)), stack.size());
                frames.push(f);
                openLoops++;
                mv.visitLabel(f.label);
                if (LOOP_CHECKS) {
                    loopCheck();
                }
            }
            case IF -> {
                pop();
                int whenFalse = pendingBranch != 0 ? inverse(pendingBranch) : IFEQ;
                pendingBranch = 0;
                Frame f = new Frame(Kind.IF, blockResults(ins.operand(0)), stack.size());
                frames.push(f);
                mv.visitJumpInsn(whenFalse, f.elseLabel);
            }
            case ELSE -> elseBranch(true);
            case END -> end(true);
            case BR -> {
                branchTo(target((int) ins.operand(0)));
                dead = 0;
            }
            case BR_IF -> {
                pop();
                int whenTrue = pendingBranch != 0 ? pendingBranch : IFNE;
                pendingBranch = 0;
                Frame f = target((int) ins.operand(0));
                int junk = stack.size() - f.height - f.arity().size();
                if (f.kind != Kind.FUNC && f.kind != Kind.EXIT && junk == 0) {
                    f.branchedTo = true;
                    mv.visitJumpInsn(whenTrue, f.label);
                } else {
                    Label skip = new Label();
                    mv.visitJumpInsn(inverse(whenTrue), skip);
                    branchTo(f);
                    mv.visitLabel(skip);
                }
            }
            case BR_TABLE -> {
                pop();
                int n = ins.operandCount();
                Label[] stubs = new Label[n - 1];
                Label dflt = new Label();
                for (int k = 0; k < n - 1; k++) {
                    stubs[k] = new Label();
                }
                if (n - 1 > 0) {
                    mv.visitTableSwitchInsn(0, n - 2, dflt, stubs);
                } else {
                    mv.visitInsn(POP);
                    mv.visitJumpInsn(GOTO, dflt);
                }
                for (int k = 0; k < n - 1; k++) {
                    mv.visitLabel(stubs[k]);
                    branchTo(target((int) ins.operand(k)));
                }
                mv.visitLabel(dflt);
                branchTo(target((int) ins.operand(n - 1)));
                dead = 0;
            }
            case RETURN -> {
                branchTo(frames.peekLast());
                dead = 0;
            }
            case CALL -> call((int) ins.operand(0));
            case CALL_INDIRECT -> callIndirect((int) ins.operand(0), (int) ins.operand(1));
            case DROP -> popJvm(pop());
            case SELECT, SELECT_T -> select();
            case LOCAL_GET -> {
                int l = (int) ins.operand(0);
                mv.visitVarInsn(localType[l].load, localSlot[l]);
                push(localType[l]);
            }
            case LOCAL_SET -> {
                int l = (int) ins.operand(0);
                pop();
                mv.visitVarInsn(localType[l].store, localSlot[l]);
            }
            case LOCAL_TEE -> {
                int l = (int) ins.operand(0);
                mv.visitInsn(localType[l].size == 2 ? DUP2 : DUP);
                mv.visitVarInsn(localType[l].store, localSlot[l]);
            }
            case GLOBAL_GET -> globalGet((int) ins.operand(0));
            case GLOBAL_SET -> globalSet((int) ins.operand(0));
            case MEMORY_SIZE -> {
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitMethodInsn(INVOKESTATIC, RT, "memorySize", "(" + CTX_DESC + ")I", false);
                push(Vt.I32);
            }
            case MEMORY_GROW -> {
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitMethodInsn(INVOKESTATIC, RT, "memoryGrow", "(I" + CTX_DESC + ")I", false);
                reloadMemory();
            }
            case MEMORY_COPY, MEMORY_FILL -> {
                pop();
                pop();
                pop();
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitMethodInsn(INVOKESTATIC, RT, op == OpCode.MEMORY_COPY ? "memoryCopy" : "memoryFill",
                        "(III" + CTX_DESC + ")V", false);
            }
            case I32_CONST -> {
                iconst((int) ins.operand(0));
                push(Vt.I32);
            }
            case I64_CONST -> {
                long v = ins.operand(0);
                if (v == 0 || v == 1) {
                    mv.visitInsn(v == 0 ? LCONST_0 : LCONST_1);
                } else {
                    mv.visitLdcInsn(v);
                }
                push(Vt.I64);
            }
            case F32_CONST -> {
                int bits = (int) ins.operand(0);
                float f = Float.intBitsToFloat(bits);
                if (Float.isNaN(f)) { // keep the payload exactly
                    iconst(bits);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                } else {
                    mv.visitLdcInsn(f);
                }
                push(Vt.F32);
            }
            case F64_CONST -> {
                long bits = ins.operand(0);
                double d = Double.longBitsToDouble(bits);
                if (Double.isNaN(d)) {
                    mv.visitLdcInsn(bits);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                } else {
                    mv.visitLdcInsn(d);
                }
                push(Vt.F64);
            }
            default -> {
                if (!memoryAccess(ins) && !numeric(op)) {
                    throw new Unsupported("instruction " + op);
                }
            }
        }
    }

    private void iconst(int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private void select() {
        pop(); // condition
        Vt t = pop();
        pop();
        push(t);
        Label pickSecond = new Label();
        Label done = new Label();
        mv.visitJumpInsn(IFEQ, pickSecond);
        popJvm(t); // condition true: the first value stays
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(pickSecond);
        if (t.size == 2) {
            mv.visitInsn(DUP2_X2);
            mv.visitInsn(POP2);
            mv.visitInsn(POP2);
        } else {
            mv.visitInsn(SWAP);
            mv.visitInsn(POP);
        }
        mv.visitLabel(done);
    }

    private void globalGet(int g) {
        Vt t = Vt.of(owner.globalType(g));
        if (t == null) {
            throw new Unsupported("global of non-numeric type");
        }
        mv.visitVarInsn(ALOAD, ctxSlot);
        mv.visitFieldInsn(GETFIELD, CTX, "globals", "[Lcom/dylibso/chicory/runtime/GlobalInstance;");
        iconst(g);
        mv.visitInsn(AALOAD);
        mv.visitMethodInsn(INVOKEVIRTUAL, "com/dylibso/chicory/runtime/GlobalInstance", "getValue", "()J", false);
        fromLong(t);
        push(t);
    }

    private void globalSet(int g) {
        Vt t = pop();
        toLong(t);
        mv.visitVarInsn(ALOAD, ctxSlot);
        mv.visitFieldInsn(GETFIELD, CTX, "globals", "[Lcom/dylibso/chicory/runtime/GlobalInstance;");
        iconst(g);
        mv.visitInsn(AALOAD);
        // stack: value(long), global -> global, value
        mv.visitInsn(DUP_X2);
        mv.visitInsn(POP);
        mv.visitMethodInsn(INVOKEVIRTUAL, "com/dylibso/chicory/runtime/GlobalInstance", "setValue", "(J)V", false);
    }

    /** A value in Chicory's long encoding (what its stack and long[] arguments hold). */
    private void toLong(Vt t) {
        switch (t) {
            case I32 -> mv.visitInsn(I2L);
            case I64 -> { }
            case F32 -> {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                mv.visitInsn(I2L);
            }
            case F64 -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
        }
    }

    private void fromLong(Vt t) {
        switch (t) {
            case I32 -> mv.visitInsn(L2I);
            case I64 -> { }
            case F32 -> {
                mv.visitInsn(L2I);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            }
            case F64 -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
        }
    }

    // ---- calls ---------------------------------------------------------------------------------

    private void call(int callee) {
        FunctionType ct = Coverage.functionType(module, callee);
        for (int k = 0; k < ct.params().size(); k++) {
            pop();
        }
        if (owner.hasMethod(callee)) {
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitMethodInsn(INVOKESTATIC, owner.classOf(callee), methodName(callee), descriptor(ct), false);
        } else {
            boxArgs(ct);
            iconst(callee);
            mv.visitVarInsn(ALOAD, ctxSlot);
            String helper = owner.isImport(callee) ? "callHost" : "callFallback";
            mv.visitMethodInsn(INVOKESTATIC, RT, helper, "([JI" + CTX_DESC + ")[J", false);
            unboxResult(ct);
        }
        for (ValType r : ct.returns()) {
            push(Vt.of(r));
        }
        reloadMemory();
    }

    private void callIndirect(int typeIdx, int tableIdx) {
        FunctionType ct = module.typeSection().getType(typeIdx);
        pop(); // element index
        for (int k = 0; k < ct.params().size(); k++) {
            pop();
        }
        mv.visitVarInsn(ALOAD, ctxSlot);
        String name = owner.indirectDispatcher(typeIdx, tableIdx);
        String desc = descriptor(ct).replace(CTX_DESC + ")", "I" + CTX_DESC + ")");
        mv.visitMethodInsn(INVOKESTATIC, owner.dispatchClass(), name, desc, false);
        for (ValType r : ct.returns()) {
            push(Vt.of(r));
        }
        reloadMemory();
    }

    /** Replaces the arguments on the JVM stack by a long[] of them. */
    private void boxArgs(FunctionType ct) {
        int n = ct.params().size();
        int[] slots = new int[n];
        Map<Vt, Integer> used = new EnumMap<>(Vt.class);
        for (int k = n - 1; k >= 0; k--) {
            Vt t = Vt.of(ct.params().get(k));
            slots[k] = temp(t, used.merge(t, 1, Integer::sum) - 1);
            mv.visitVarInsn(t.store, slots[k]);
        }
        iconst(n);
        mv.visitIntInsn(NEWARRAY, T_LONG);
        for (int k = 0; k < n; k++) {
            Vt t = Vt.of(ct.params().get(k));
            mv.visitInsn(DUP);
            iconst(k);
            mv.visitVarInsn(t.load, slots[k]);
            toLong(t);
            mv.visitInsn(LASTORE);
        }
    }

    private void unboxResult(FunctionType ct) {
        if (ct.returns().isEmpty()) {
            mv.visitInsn(POP);
        } else {
            mv.visitInsn(ICONST_0);
            mv.visitInsn(LALOAD);
            fromLong(Vt.of(ct.returns().get(0)));
        }
    }

    // ---- memory --------------------------------------------------------------------------------

    private boolean memoryAccess(AnnotatedInstruction ins) {
        String helper;
        Vt value = null; // stores: the value's type
        Vt result = null; // loads: the result's type
        boolean widen = false; // i64 loads of narrower ints
        switch (ins.opcode()) {
            case I32_LOAD -> { helper = "i32"; result = Vt.I32; }
            case I64_LOAD -> { helper = "i64"; result = Vt.I64; }
            case F32_LOAD -> { helper = "f32"; result = Vt.F32; }
            case F64_LOAD -> { helper = "f64"; result = Vt.F64; }
            case I32_LOAD8_S -> { helper = "s8"; result = Vt.I32; }
            case I32_LOAD8_U -> { helper = "u8"; result = Vt.I32; }
            case I32_LOAD16_S -> { helper = "s16"; result = Vt.I32; }
            case I32_LOAD16_U -> { helper = "u16"; result = Vt.I32; }
            case I64_LOAD8_S -> { helper = "s8"; result = Vt.I64; widen = true; }
            case I64_LOAD8_U -> { helper = "u8"; result = Vt.I64; widen = true; }
            case I64_LOAD16_S -> { helper = "s16"; result = Vt.I64; widen = true; }
            case I64_LOAD16_U -> { helper = "u16"; result = Vt.I64; widen = true; }
            case I64_LOAD32_S -> { helper = "i32"; result = Vt.I64; widen = true; }
            case I64_LOAD32_U -> { helper = "u32"; result = Vt.I64; }
            case I32_STORE -> { helper = "i32"; value = Vt.I32; }
            case I64_STORE -> { helper = "i64"; value = Vt.I64; }
            case F32_STORE -> { helper = "f32"; value = Vt.F32; }
            case F64_STORE -> { helper = "f64"; value = Vt.F64; }
            case I32_STORE8 -> { helper = "i8n"; value = Vt.I32; }
            case I32_STORE16 -> { helper = "i16"; value = Vt.I32; }
            case I64_STORE8 -> { helper = "i8n"; value = Vt.I64; }
            case I64_STORE16 -> { helper = "i16"; value = Vt.I64; }
            case I64_STORE32 -> { helper = "i32n"; value = Vt.I64; }
            default -> {
                return false;
            }
        }
        long offset = ins.operand(1);
        boolean store = value != null;
        if (offset < 0 || offset >= Integer.MAX_VALUE) {
            // the interpreter traps on such an offset whatever the address
            if (store) {
                popJvm(pop());
            }
            popJvm(pop());
            mv.visitMethodInsn(INVOKESTATIC, MEM, "oob", "()Lcom/dylibso/chicory/runtime/WasmRuntimeException;", false);
            mv.visitInsn(ATHROW);
            dead = 0;
            return true;
        }
        if (store) {
            pop();
            pop();
            Vt arg = value;
            if (value == Vt.I64 && !helper.equals("i64")) {
                mv.visitInsn(L2I); // narrow stores take the low bits
                arg = Vt.I32;
            }
            iconst((int) offset);
            mv.visitVarInsn(ALOAD, memSlot);
            mv.visitVarInsn(ILOAD, memSlot + 1);
            mv.visitMethodInsn(INVOKESTATIC, MEM, helper, "(I" + arg.jvm.getDescriptor() + "I" + SEG_DESC + "I)V", false);
        } else {
            pop();
            iconst((int) offset);
            mv.visitVarInsn(ALOAD, memSlot);
            mv.visitVarInsn(ILOAD, memSlot + 1);
            String ret = helper.equals("u32") || helper.equals("i64") ? "J"
                    : helper.equals("f32") ? "F" : helper.equals("f64") ? "D" : "I";
            mv.visitMethodInsn(INVOKESTATIC, MEM, helper, "(II" + SEG_DESC + "I)" + ret, false);
            if (widen) {
                mv.visitInsn(I2L);
            }
            push(result);
        }
        return true;
    }

    // ---- numeric -------------------------------------------------------------------------------

    private void ops(String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, OPS, name, desc, false);
    }

    /** Swaps the two top values, both of type t. */
    private void swap(Vt t) {
        if (t.size == 2) {
            mv.visitInsn(DUP2_X2);
            mv.visitInsn(POP2);
        } else {
            mv.visitInsn(SWAP);
        }
    }

    private void bin(int insn, Vt t) {
        pop();
        pop();
        mv.visitInsn(insn);
        push(t);
    }

    /** Pops {@code in}, pushes {@code out}, with a static call. */
    private void unary(Vt in, Vt out, String owner, String name, String desc) {
        pop();
        mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
        push(out);
    }

    /**
     * A comparison: the JVM instruction(s) before it are emitted; its 0/1 result is left pending
     * (see {@link #pendingBranch}) and materialised only if the next instruction is not a branch.
     */
    private void compare(int pops, int branch) {
        for (int k = 0; k < pops; k++) {
            pop();
        }
        push(Vt.I32);
        pendingBranch = branch;
    }

    private void materialise() {
        int branch = pendingBranch;
        pendingBranch = 0;
        Label yes = new Label();
        Label done = new Label();
        mv.visitJumpInsn(branch, yes);
        mv.visitInsn(ICONST_0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        mv.visitInsn(ICONST_1);
        mv.visitLabel(done);
    }

    private static int inverse(int branch) {
        return switch (branch) {
            case IFEQ -> IFNE;
            case IFNE -> IFEQ;
            case IFLT -> IFGE;
            case IFGE -> IFLT;
            case IFGT -> IFLE;
            case IFLE -> IFGT;
            case IF_ICMPEQ -> IF_ICMPNE;
            case IF_ICMPNE -> IF_ICMPEQ;
            case IF_ICMPLT -> IF_ICMPGE;
            case IF_ICMPGE -> IF_ICMPLT;
            case IF_ICMPGT -> IF_ICMPLE;
            case IF_ICMPLE -> IF_ICMPGT;
            default -> throw new IllegalArgumentException("not a branch: " + branch);
        };
    }

    private void unsignedCompare(boolean wide, int branch) {
        mv.visitMethodInsn(INVOKESTATIC, wide ? "java/lang/Long" : "java/lang/Integer",
                "compareUnsigned", wide ? "(JJ)I" : "(II)I", false);
        compare(2, branch);
    }

    private boolean numeric(OpCode op) {
        String name = op.name();
        switch (op) {
            // i32
            case I32_EQZ -> compare(1, IFEQ);
            case I32_EQ -> compare(2, IF_ICMPEQ);
            case I32_NE -> compare(2, IF_ICMPNE);
            case I32_LT_S -> compare(2, IF_ICMPLT);
            case I32_GT_S -> compare(2, IF_ICMPGT);
            case I32_LE_S -> compare(2, IF_ICMPLE);
            case I32_GE_S -> compare(2, IF_ICMPGE);
            case I32_LT_U -> unsignedCompare(false, IFLT);
            case I32_GT_U -> unsignedCompare(false, IFGT);
            case I32_LE_U -> unsignedCompare(false, IFLE);
            case I32_GE_U -> unsignedCompare(false, IFGE);
            case I32_CLZ -> unary(Vt.I32, Vt.I32, "java/lang/Integer", "numberOfLeadingZeros", "(I)I");
            case I32_CTZ -> unary(Vt.I32, Vt.I32, "java/lang/Integer", "numberOfTrailingZeros", "(I)I");
            case I32_POPCNT -> unary(Vt.I32, Vt.I32, "java/lang/Integer", "bitCount", "(I)I");
            case I32_ADD -> bin(IADD, Vt.I32);
            case I32_SUB -> bin(ISUB, Vt.I32);
            case I32_MUL -> bin(IMUL, Vt.I32);
            case I32_AND -> bin(IAND, Vt.I32);
            case I32_OR -> bin(IOR, Vt.I32);
            case I32_XOR -> bin(IXOR, Vt.I32);
            case I32_SHL -> bin(ISHL, Vt.I32);
            case I32_SHR_S -> bin(ISHR, Vt.I32);
            case I32_SHR_U -> bin(IUSHR, Vt.I32);
            case I32_DIV_S, I32_DIV_U, I32_REM_S, I32_REM_U -> {
                pop();
                pop();
                ops(name, "(II)I");
                push(Vt.I32);
            }
            case I32_ROTL -> { pop(); pop(); mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateLeft", "(II)I", false); push(Vt.I32); }
            case I32_ROTR -> { pop(); pop(); mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateRight", "(II)I", false); push(Vt.I32); }
            // i64
            case I64_EQZ -> { mv.visitInsn(LCONST_0); mv.visitInsn(LCMP); compare(1, IFEQ); }
            case I64_EQ -> { mv.visitInsn(LCMP); compare(2, IFEQ); }
            case I64_NE -> { mv.visitInsn(LCMP); compare(2, IFNE); }
            case I64_LT_S -> { mv.visitInsn(LCMP); compare(2, IFLT); }
            case I64_GT_S -> { mv.visitInsn(LCMP); compare(2, IFGT); }
            case I64_LE_S -> { mv.visitInsn(LCMP); compare(2, IFLE); }
            case I64_GE_S -> { mv.visitInsn(LCMP); compare(2, IFGE); }
            case I64_LT_U -> unsignedCompare(true, IFLT);
            case I64_GT_U -> unsignedCompare(true, IFGT);
            case I64_LE_U -> unsignedCompare(true, IFLE);
            case I64_GE_U -> unsignedCompare(true, IFGE);
            case I64_CLZ -> { unary(Vt.I64, Vt.I64, "java/lang/Long", "numberOfLeadingZeros", "(J)I"); mv.visitInsn(I2L); }
            case I64_CTZ -> { unary(Vt.I64, Vt.I64, "java/lang/Long", "numberOfTrailingZeros", "(J)I"); mv.visitInsn(I2L); }
            case I64_POPCNT -> { unary(Vt.I64, Vt.I64, "java/lang/Long", "bitCount", "(J)I"); mv.visitInsn(I2L); }
            case I64_ADD -> bin(LADD, Vt.I64);
            case I64_SUB -> bin(LSUB, Vt.I64);
            case I64_MUL -> bin(LMUL, Vt.I64);
            case I64_AND -> bin(LAND, Vt.I64);
            case I64_OR -> bin(LOR, Vt.I64);
            case I64_XOR -> bin(LXOR, Vt.I64);
            case I64_SHL -> { mv.visitInsn(L2I); bin(LSHL, Vt.I64); }
            case I64_SHR_S -> { mv.visitInsn(L2I); bin(LSHR, Vt.I64); }
            case I64_SHR_U -> { mv.visitInsn(L2I); bin(LUSHR, Vt.I64); }
            case I64_ROTL -> { mv.visitInsn(L2I); pop(); pop(); mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "rotateLeft", "(JI)J", false); push(Vt.I64); }
            case I64_ROTR -> { mv.visitInsn(L2I); pop(); pop(); mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "rotateRight", "(JI)J", false); push(Vt.I64); }
            case I64_DIV_S, I64_DIV_U, I64_REM_S, I64_REM_U -> {
                pop();
                pop();
                ops(name, "(JJ)J");
                push(Vt.I64);
            }
            // f32
            case F32_EQ -> { mv.visitInsn(FCMPL); compare(2, IFEQ); }
            case F32_NE -> { mv.visitInsn(FCMPL); compare(2, IFNE); }
            case F32_LT -> { mv.visitInsn(FCMPG); compare(2, IFLT); }
            case F32_GT -> { mv.visitInsn(FCMPL); compare(2, IFGT); }
            case F32_LE -> { mv.visitInsn(FCMPG); compare(2, IFLE); }
            case F32_GE -> { mv.visitInsn(FCMPL); compare(2, IFGE); }
            // With two NaN operands, which payload an add keeps depends on how HotSpot compiled it
            // (it commutes), in the interpreter as here: wasm allows either.
            case F32_ADD -> bin(FADD, Vt.F32);
            case F32_SUB -> bin(FSUB, Vt.F32);
            case F32_MUL -> bin(FMUL, Vt.F32);
            case F32_DIV -> bin(FDIV, Vt.F32);
            case F32_NEG -> { pop(); mv.visitInsn(FNEG); push(Vt.F32); }
            case F32_ABS, F32_CEIL, F32_FLOOR, F32_TRUNC, F32_NEAREST, F32_SQRT -> {
                pop();
                ops(name, "(F)F");
                push(Vt.F32);
            }
            // OpcodeImpl's min/max return a given operand for NaN: call them in the interpreter's order
            case F32_MIN, F32_MAX -> { swap(Vt.F32); pop(); pop(); ops(name, "(FF)F"); push(Vt.F32); }
            case F32_COPYSIGN -> { pop(); pop(); ops(name, "(FF)F"); push(Vt.F32); }
            // f64
            case F64_EQ -> { mv.visitInsn(DCMPL); compare(2, IFEQ); }
            case F64_NE -> { mv.visitInsn(DCMPL); compare(2, IFNE); }
            case F64_LT -> { mv.visitInsn(DCMPG); compare(2, IFLT); }
            case F64_GT -> { mv.visitInsn(DCMPL); compare(2, IFGT); }
            case F64_LE -> { mv.visitInsn(DCMPG); compare(2, IFLE); }
            case F64_GE -> { mv.visitInsn(DCMPL); compare(2, IFGE); }
            case F64_ADD -> bin(DADD, Vt.F64);
            case F64_SUB -> bin(DSUB, Vt.F64);
            case F64_MUL -> bin(DMUL, Vt.F64);
            case F64_DIV -> bin(DDIV, Vt.F64);
            case F64_NEG -> { pop(); mv.visitInsn(DNEG); push(Vt.F64); }
            case F64_ABS, F64_CEIL, F64_FLOOR, F64_TRUNC, F64_NEAREST, F64_SQRT -> {
                pop();
                ops(name, "(D)D");
                push(Vt.F64);
            }
            case F64_MIN, F64_MAX -> { swap(Vt.F64); pop(); pop(); ops(name, "(DD)D"); push(Vt.F64); }
            case F64_COPYSIGN -> { pop(); pop(); ops(name, "(DD)D"); push(Vt.F64); }
            // conversions
            case I32_WRAP_I64 -> { pop(); mv.visitInsn(L2I); push(Vt.I32); }
            case I64_EXTEND_I32_S -> { pop(); mv.visitInsn(I2L); push(Vt.I64); }
            case I64_EXTEND_I32_U -> { pop(); ops(name, "(I)J"); push(Vt.I64); }
            case I32_TRUNC_F32_S, I32_TRUNC_F32_U, I32_TRUNC_SAT_F32_S, I32_TRUNC_SAT_F32_U -> {
                pop(); ops(name, "(F)I"); push(Vt.I32);
            }
            case I32_TRUNC_F64_S, I32_TRUNC_F64_U, I32_TRUNC_SAT_F64_S, I32_TRUNC_SAT_F64_U -> {
                pop(); ops(name, "(D)I"); push(Vt.I32);
            }
            case I64_TRUNC_F32_S, I64_TRUNC_F32_U, I64_TRUNC_SAT_F32_S, I64_TRUNC_SAT_F32_U -> {
                pop(); ops(name, "(F)J"); push(Vt.I64);
            }
            case I64_TRUNC_F64_S, I64_TRUNC_F64_U, I64_TRUNC_SAT_F64_S, I64_TRUNC_SAT_F64_U -> {
                pop(); ops(name, "(D)J"); push(Vt.I64);
            }
            case F32_CONVERT_I32_S, F32_CONVERT_I32_U -> { pop(); ops(name, "(I)F"); push(Vt.F32); }
            case F32_CONVERT_I64_S, F32_CONVERT_I64_U -> { pop(); ops(name, "(J)F"); push(Vt.F32); }
            case F64_CONVERT_I32_S, F64_CONVERT_I32_U -> { pop(); ops(name, "(I)D"); push(Vt.F64); }
            case F64_CONVERT_I64_S, F64_CONVERT_I64_U -> { pop(); ops(name, "(J)D"); push(Vt.F64); }
            case F32_DEMOTE_F64 -> { pop(); mv.visitInsn(D2F); push(Vt.F32); }
            case F64_PROMOTE_F32 -> { pop(); mv.visitInsn(F2D); push(Vt.F64); }
            case I32_REINTERPRET_F32 -> unary(Vt.F32, Vt.I32, "java/lang/Float", "floatToRawIntBits", "(F)I");
            case I64_REINTERPRET_F64 -> unary(Vt.F64, Vt.I64, "java/lang/Double", "doubleToRawLongBits", "(D)J");
            case F32_REINTERPRET_I32 -> unary(Vt.I32, Vt.F32, "java/lang/Float", "intBitsToFloat", "(I)F");
            case F64_REINTERPRET_I64 -> unary(Vt.I64, Vt.F64, "java/lang/Double", "longBitsToDouble", "(J)D");
            case I32_EXTEND_8_S -> { pop(); mv.visitInsn(I2B); push(Vt.I32); }
            case I32_EXTEND_16_S -> { pop(); mv.visitInsn(I2S); push(Vt.I32); }
            case I64_EXTEND_8_S -> { pop(); mv.visitInsn(L2I); mv.visitInsn(I2B); mv.visitInsn(I2L); push(Vt.I64); }
            case I64_EXTEND_16_S -> { pop(); mv.visitInsn(L2I); mv.visitInsn(I2S); mv.visitInsn(I2L); push(Vt.I64); }
            case I64_EXTEND_32_S -> { pop(); mv.visitInsn(L2I); mv.visitInsn(I2L); push(Vt.I64); }
            default -> {
                return false;
            }
        }
        return true;
    }
}
