package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a loop around one inner loop runs {@link #LANES} of its iterations at once, one per lane of
 * f64 vectors (see {@link OuterVectorMethod}): outer-loop vectorisation. The shape is a dot product
 * per outer iteration, as clang leaves 2mm's {@code for j: tmp[i][j] = sum_k A[i][k] * B[k][j]}: the
 * inner loop reads rows (one address for every lane: a broadcast) and columns (the lanes' addresses
 * 8 bytes apart: one vector load), and the outer iteration stores its result once, after the inner
 * loop, 8 bytes from the previous iteration's. Each lane runs the f64 operations of one iteration in
 * the scalar order, so its results are bit for bit the scalar ones.
 *
 * <p>Found by running the body once abstractly: each i32 value is the first lane's value plus the
 * lane's index times a stride (an inner loop's carried values to a fixed point), or varies in
 * another way; the inner loop's exit must be the same in all lanes. Every local the body writes
 * is an induction ({@code i = i + k}, once per iteration, outside the inner loop) or is written
 * before it is read, so the lanes share nothing but inductions, and after any whole number of
 * iterations the scalar loop can carry on from the inductions alone.
 *
 * <p>Running four iterations together moves every lane's loads before the earlier lanes' store.
 * A load at the store's own address (the same i32 value, not one that changes in the inner
 * loop) reads only its own lane's or later lanes' targets unless it is up to 32 bytes below the
 * store: such a plan is refused. Every other load is tracked at run time, with the bounds of
 * every access: where one overlaps the iterations' stores or leaves memory, the vector method
 * stops before that group's store and the scalar loop runs the rest, with its traps.
 *
 * <p>A loop without an inner loop (jacobi-2d's rows) gets a plan when every access is at one base
 * plus a constant: then which lanes' loads meet which stores follows from the constants, and the
 * call proves the whole {@link #extent} in memory instead, leaving every access unchecked. It may
 * carry one f64 value to the next iteration ({@link Slide}), and may write every other local only
 * before reading it.
 */
final class OuterVectorPlan {
    static final int LANES = 4;
    private static final int LANE_BYTES = 8 * LANES;

    /** How a load's lanes read: all at one address, or at addresses 8 bytes apart. */
    enum Access { UNIFORM, LANES }

    /** The inner loop's {@code loop} and {@code end}. */
    final int innerStart;
    final int innerEnd;
    /** Each load's instruction index, with how its lanes read. */
    final Map<Integer, Access> loads;
    /** The loads that may read what the store writes: checked against it at run time. */
    final Set<Integer> tracked;
    /**
     * The tracked loads of the inner loop whose address is a {@link Span}: what they read in a
     * group is known from the inner loop's first and last iteration, checked once after it
     * instead of at every load.
     */
    final Map<Integer, Span> spans;
    /** The inner loop's inductions ({@code i = i + k} once per inner iteration) with their steps. */
    final Map<Integer, Integer> innerSteps;
    /** A loop without an inner loop may carry one f64 local as a {@link Slide}; null: none. */
    final Slide slide;
    /**
     * For a loop without an inner loop: its accesses' extent, proved in memory at the call, which
     * then leaves every access unchecked ({@link #tracked} is empty: no load can read what a
     * lane stores); null for a loop with one.
     */
    final VectorPlan.Bound extent;
    /** The store's instruction index. */
    final int store;
    /** Each induction local with its step per iteration. */
    final Map<Integer, Integer> inductions;

    private OuterVectorPlan(int innerStart, int innerEnd, Map<Integer, Access> loads, Set<Integer> tracked,
            Map<Integer, Span> spans, Map<Integer, Integer> innerSteps, Slide slide, VectorPlan.Bound extent,
            int store, Map<Integer, Integer> inductions) {
        this.slide = slide;
        this.extent = extent;
        this.innerStart = innerStart;
        this.innerEnd = innerEnd;
        this.loads = loads;
        this.tracked = tracked;
        this.spans = spans;
        this.innerSteps = innerSteps;
        this.store = store;
        this.inductions = inductions;
    }

    /**
     * An i32 address in the inner loop: the sum of local {@code invariant} (one the inner loop does
     * not write; -1: none), of inner induction {@code induction} at the start of the iteration
     * (-1: none) and of {@code c}.
     */
    record Span(int invariant, int induction, int c) {}

    /**
     * f64 local {@code local}, set once per iteration to what load {@code load} reads at lanes 8
     * bytes apart: it enters lane k > 0 as what that load reads in lane k - 1, and lane 0 as the
     * previous group's last lane left it (jacobi-2d keeps A[i][j+1] for the next iteration's
     * A[i][j]). The load's i32 address is the plan's {@link #extent} base plus {@code c}.
     */
    record Slide(int local, int load, int c) {}

    /**
     * The plan of loop {@code start..end}, or null when it does not have the shape described
     * above. Its back-edge counts local {@code counter} by {@code step} to a bound in local
     * {@code bound} (-1: a constant), which the plan checks the body does not otherwise write.
     */
    static OuterVectorPlan of(List<AnnotatedInstruction> code, int start, int end, Vt[] localType, int counter,
            int step, int bound) {
        if (code.get(start).operand(0) != 0x40) {
            return null;
        }
        int innerStart = -1;
        int innerEnd = -1;
        int branches = 0;
        for (int i = start + 1; i < end; i++) {
            AnnotatedInstruction ins = code.get(i);
            OpCode op = ins.opcode();
            if (op == OpCode.LOOP) {
                if (innerStart >= 0 || ins.operand(0) != 0x40) {
                    return null;
                }
                innerStart = i;
            } else if (op == OpCode.END) {
                if (innerStart < 0 || innerEnd >= 0) {
                    return null;
                }
                innerEnd = i;
            } else if (op == OpCode.BR_IF) {
                branches++;
                if (ins.operand(0) != 0) {
                    return null;
                }
            } else if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                int l = (int) ins.operand(0);
                if (localType[l] != Vt.I32 && localType[l] != Vt.F64) {
                    return null;
                }
            } else if (!ALLOWED.contains(op)) {
                return null;
            }
        }
        // the back-edges are the only branches: the outer one and the inner loop's, if any
        boolean inner = innerStart >= 0;
        if ((inner && (innerEnd < 0 || code.get(innerEnd - 1).opcode() != OpCode.BR_IF))
                || branches != (inner ? 2 : 1) || code.get(end - 1).opcode() != OpCode.BR_IF) {
            return null;
        }
        // a local read before it is written carries a value from the previous iteration: only
        // inductions may, written once outside the inner loop as i = i + k
        LocalUse body = LocalUse.of(code, start, end);
        Map<Integer, Integer> inductions = new HashMap<>();
        int slid = -1;
        for (int l : body.carried()) {
            int at = body.writeAt().get(l);
            if (!inner && slid < 0 && localType[l] == Vt.F64 && body.writes().get(l) == 1
                    && code.get(at - 1).opcode() == OpCode.F64_LOAD) {
                slid = l; // a Slide, if its load has the shape
                continue;
            }
            Integer k = body.step(code, l);
            if (k == null || (at > innerStart && at < innerEnd)) {
                return null;
            }
            inductions.put(l, k);
        }
        if (inductions.getOrDefault(counter, 0) != step || body.writes().containsKey(bound)) {
            return null;
        }
        // the inner loop's inductions: steps of at most 2^16 (see OuterVectorMethod#spanSeen)
        Map<Integer, Integer> innerSteps = new HashMap<>();
        if (inner) {
            LocalUse loop = LocalUse.of(code, innerStart, innerEnd);
            for (int l : loop.carried()) {
                Integer k = loop.step(code, l);
                if (k != null && Math.abs(k) <= 1 << 16) {
                    innerSteps.put(l, k);
                }
            }
        }
        return new Analysis(code, localType).run(start, end, innerStart, innerEnd, inductions, body.readFirst(),
                innerSteps, slid, slid < 0 ? -1 : body.writeAt().get(slid) - 1);
    }

    /**
     * How loop {@code start..end}'s body uses each local: whether its first access reads it, how
     * many times it is written and where last.
     */
    private record LocalUse(Map<Integer, Boolean> readFirst, Map<Integer, Integer> writes, Map<Integer, Integer> writeAt) {
        static LocalUse of(List<AnnotatedInstruction> code, int start, int end) {
            LocalUse use = new LocalUse(new HashMap<>(), new HashMap<>(), new HashMap<>());
            for (int i = start + 1; i < end; i++) {
                OpCode op = code.get(i).opcode();
                if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                    int l = (int) code.get(i).operand(0);
                    use.readFirst.putIfAbsent(l, op == OpCode.LOCAL_GET);
                    if (op != OpCode.LOCAL_GET) {
                        use.writes.merge(l, 1, Integer::sum);
                        use.writeAt.put(l, i);
                    }
                }
            }
            return use;
        }

        /** The locals written that carry a value from the previous iteration (read before written). */
        List<Integer> carried() {
            return writes.keySet().stream().filter(readFirst::get).toList();
        }

        /** k where local {@code l}'s one write is {@code l = l + k}; else null. */
        Integer step(List<AnnotatedInstruction> code, int l) {
            int at = writeAt.get(l);
            boolean shape = writes.get(l) == 1 && code.get(at - 1).opcode() == OpCode.I32_ADD
                    && code.get(at - 2).opcode() == OpCode.I32_CONST && code.get(at - 3).opcode() == OpCode.LOCAL_GET
                    && code.get(at - 3).operand(0) == l;
            return shape ? (int) code.get(at - 2).operand(0) : null;
        }
    }

    /** The instructions the vector method emits, besides locals, the inner loop and its two branches. */
    private static final Set<OpCode> ALLOWED = EnumSet.of(OpCode.NOP, OpCode.I32_CONST, OpCode.I32_EQZ,
            OpCode.F64_CONST, OpCode.F64_LOAD, OpCode.F64_STORE, OpCode.F64_ADD, OpCode.F64_SUB, OpCode.F64_MUL,
            OpCode.F64_DIV, OpCode.F64_SQRT);

    static {
        ALLOWED.addAll(EnumSet.range(OpCode.I32_EQ, OpCode.I32_GE_U));
        ALLOWED.addAll(EnumSet.of(OpCode.I32_ADD, OpCode.I32_SUB, OpCode.I32_MUL, OpCode.I32_AND, OpCode.I32_OR,
                OpCode.I32_XOR, OpCode.I32_SHL, OpCode.I32_SHR_S, OpCode.I32_SHR_U, OpCode.I32_ROTL, OpCode.I32_ROTR));
    }

    /**
     * An i32 value: lane k holds the first lane's value plus k * stride (mod 2^32), unless it
     * varies otherwise; {@code id} names the value (equal ids: the same value), {@code inner}
     * whether it is made in the inner loop (a different value each inner iteration); {@code konst}
     * its value when it is a constant.
     */
    private record I32(int stride, boolean varying, int id, boolean inner, Integer konst, Span span) {
        I32 withSpan(Span s) {
            return new I32(stride, varying, id, inner, konst, s);
        }
    }

    /** An f64 value: a vector of lanes. */
    private static final Object F64 = new Object();

    private static final class Analysis {
        private final List<AnnotatedInstruction> code;
        private final Vt[] localType;
        private int ids;
        private boolean inInner;
        /** Whether i32 values get spans: in the inner loop, or in a loop without one. */
        private boolean spanning;
        private final Map<Integer, Access> loads = new HashMap<>();
        private final Map<Integer, I32> loadAddress = new HashMap<>();
        private int store = -1;
        private I32 storeAddress;

        Analysis(List<AnnotatedInstruction> code, Vt[] localType) {
            this.code = code;
            this.localType = localType;
        }

        private I32 fresh(int stride, boolean varying, Integer konst) {
            return new I32(stride, varying, ids++, inInner, konst,
                    spanning && konst != null ? new Span(-1, -1, konst) : null);
        }

        OuterVectorPlan run(int start, int end, int innerStart, int innerEnd, Map<Integer, Integer> inductions,
                Map<Integer, Boolean> readFirst, Map<Integer, Integer> innerSteps, int slid, int slideLoad) {
            Map<Integer, Object> env = new HashMap<>();
            for (Map.Entry<Integer, Boolean> e : readFirst.entrySet()) {
                int l = e.getKey();
                if (e.getValue()) { // live into each iteration: an induction or loop-invariant
                    env.put(l, localType[l] == Vt.F64 ? F64 : fresh(inductions.getOrDefault(l, 0), false, null));
                }
            }
            if (innerStart < 0) {
                return withoutInner(start, end, env, inductions, slid, slideLoad);
            }
            if (!step(start + 1, innerStart, env)) {
                return null;
            }
            // the inner loop: the values it carries to a fixed point (a stride, then "varies"),
            // each a new value per inner iteration
            Set<Integer> carried = new HashSet<>();
            for (int i = innerStart + 1; i < innerEnd; i++) {
                OpCode op = code.get(i).opcode();
                if (op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                    carried.add((int) code.get(i).operand(0));
                }
            }
            Map<Integer, Object> entry = env;
            Map<Integer, Object> head = new HashMap<>(entry);
            // in the inner loop, an i32 local it does not write is its own span
            head.replaceAll((l, v) -> v instanceof I32 x && !carried.contains(l) ? x.withSpan(new Span(l, -1, 0)) : v);
            for (int l : carried) {
                head.computeIfPresent(l, (k, v) -> headValue(k, join(v, v), innerSteps));
            }
            inInner = true;
            spanning = true;
            Map<Integer, Object> after = null;
            for (int pass = 0; pass < 4 && after == null; pass++) {
                loads.keySet().removeIf(i -> i > innerStart && i < innerEnd);
                loadAddress.keySet().removeIf(i -> i > innerStart && i < innerEnd);
                Map<Integer, Object> end1 = new HashMap<>(head);
                if (!step(innerStart + 1, innerEnd, end1)) {
                    return null;
                }
                Map<Integer, Object> next = new HashMap<>(head);
                boolean same = true;
                for (int l : carried) {
                    Object v = end1.get(l);
                    Object joined = headValue(l, entry.containsKey(l) ? join(entry.get(l), v) : join(v, v), innerSteps);
                    same &= head.containsKey(l) && sameClass(head.get(l), joined);
                    next.put(l, joined);
                }
                if (same) {
                    after = end1;
                }
                head = next;
            }
            inInner = false;
            spanning = false;
            if (after == null || !step(innerEnd + 1, end, after) || store < 0) {
                return null;
            }
            Set<Integer> tracked = new HashSet<>();
            long storeOffset = code.get(store).operand(1);
            for (Map.Entry<Integer, I32> l : loadAddress.entrySet()) {
                if (l.getKey() > store) {
                    return null; // it would read the later lanes' stores early
                }
                I32 a = l.getValue();
                if (a.id() == storeAddress.id() && !a.inner()) {
                    long d = code.get(l.getKey()).operand(1) - storeOffset;
                    if (VectorPlan.overlaps(d, LANES)) {
                        return null;
                    }
                } else {
                    tracked.add(l.getKey());
                }
            }
            Map<Integer, Span> spans = new HashMap<>();
            for (int l : tracked) {
                Span span = loadAddress.get(l).span();
                if (l > innerStart && l < innerEnd && span != null) {
                    spans.put(l, span);
                }
            }
            return new OuterVectorPlan(innerStart, innerEnd, loads, tracked, spans, innerSteps, null, null, store,
                    inductions);
        }

        /**
         * The plan of a loop without an inner loop: every access at lanes 8 bytes apart from one
         * sum of locals at the iteration's start (an invariant and an induction) plus a constant,
         * so that no load reads what another lane stores is known here, from the constants, and
         * what the call must prove is their extent ({@link #extent}).
         */
        private OuterVectorPlan withoutInner(int start, int end, Map<Integer, Object> env,
                Map<Integer, Integer> inductions, int slid, int slideLoad) {
            env.replaceAll((l, v) -> v instanceof I32 x
                    ? x.withSpan(inductions.containsKey(l) ? new Span(-1, l, 0) : new Span(l, -1, 0)) : v);
            spanning = true;
            if (!step(start + 1, end, env) || store < 0 || storeAddress.span() == null) {
                return null;
            }
            Span base = storeAddress.span();
            long storeAt = base.c() + code.get(store).operand(1);
            // the i32 sums must not wrap (low: the least constant), and the bytes stay in memory
            long low = base.c();
            long high = storeAt + LANE_BYTES;
            Slide slide = null;
            for (Map.Entry<Integer, I32> l : loadAddress.entrySet()) {
                Span span = l.getValue().span();
                if (l.getKey() > store || loads.get(l.getKey()) != Access.LANES || span == null
                        || span.invariant() != base.invariant() || span.induction() != base.induction()) {
                    return null;
                }
                long at = span.c() + code.get(l.getKey()).operand(1);
                if (VectorPlan.overlaps(at - storeAt, LANES)) {
                    return null; // a lane would read what an earlier lane stores
                }
                if (l.getKey() == slideLoad) {
                    slide = new Slide(slid, slideLoad, span.c());
                }
                low = Math.min(low, span.c());
                high = Math.max(high, at + LANE_BYTES);
            }
            if (base.induction() < 0 || (slid >= 0 && slide == null)) {
                return null;
            }
            int a = base.invariant() >= 0 ? base.invariant() : base.induction();
            int b = base.invariant() >= 0 ? base.induction() : -1;
            VectorPlan.Bound extent = new VectorPlan.Bound(a, b, low, high, inductions.get(base.induction()));
            return new OuterVectorPlan(-1, -1, loads, Set.of(), Map.of(), Map.of(), slide, extent, store, inductions);
        }

        /** An inner induction at the start of an inner iteration is its own span. */
        private static Object headValue(int l, Object v, Map<Integer, Integer> innerSteps) {
            return v instanceof I32 x && innerSteps.containsKey(l) ? x.withSpan(new Span(-1, l, 0)) : v;
        }

        private static Object join(Object a, Object b) {
            if (a == F64 || b == F64) {
                return F64;
            }
            I32 x = (I32) a;
            I32 y = (I32) b;
            boolean varying = x.varying() || y.varying() || x.stride() != y.stride();
            return new I32(varying ? 0 : x.stride(), varying, -1, true, null, null); // ids filled by the pass
        }

        private static boolean sameClass(Object a, Object b) {
            if (a == F64 || b == F64) {
                return a == b;
            }
            I32 x = (I32) a;
            I32 y = (I32) b;
            return x.varying() == y.varying() && x.stride() == y.stride();
        }

        /** Runs instructions {@code from..to-1} on {@code env}; false where the shape does not hold. */
        private boolean step(int from, int to, Map<Integer, Object> env) {
            // a carried value gets an id of its own per pass: a different value each inner iteration
            if (inInner) {
                env.replaceAll((l, v) -> v instanceof I32 x && x.id() < 0
                        ? new I32(x.stride(), x.varying(), ids++, true, null, x.span()) : v);
            }
            java.util.ArrayList<Object> stack = new java.util.ArrayList<>();
            for (int i = from; i < to; i++) {
                AnnotatedInstruction ins = code.get(i);
                OpCode op = ins.opcode();
                switch (op) {
                    case LOCAL_GET -> {
                        Object v = env.get((int) ins.operand(0));
                        if (v == null) {
                            return false;
                        }
                        stack.add(v);
                    }
                    case LOCAL_SET -> env.put((int) ins.operand(0), pop(stack));
                    case LOCAL_TEE -> env.put((int) ins.operand(0), stack.get(stack.size() - 1));
                    case I32_CONST -> stack.add(fresh(0, false, (int) ins.operand(0)));
                    case F64_CONST -> stack.add(F64);
                    case F64_LOAD -> {
                        if (!(pop(stack) instanceof I32 a) || a.varying() || (a.stride() != 0 && a.stride() != 8)) {
                            return false;
                        }
                        loads.put(i, a.stride() == 0 ? Access.UNIFORM : Access.LANES);
                        loadAddress.put(i, a);
                        stack.add(F64);
                    }
                    case F64_STORE -> {
                        Object v = pop(stack);
                        if (!(pop(stack) instanceof I32 a) || a.varying() || a.stride() != 8 || v != F64 || inInner
                                || store >= 0) {
                            return false;
                        }
                        store = i;
                        storeAddress = a;
                    }
                    case F64_ADD, F64_SUB, F64_MUL, F64_DIV -> {
                        pop(stack);
                        pop(stack);
                        stack.add(F64);
                    }
                    case F64_SQRT -> {
                        pop(stack);
                        stack.add(F64);
                    }
                    case I32_EQZ -> stack.add(uniformOrVarying((I32) pop(stack), null));
                    case BR_IF -> {
                        I32 c = (I32) pop(stack);
                        if (inInner && (c.varying() || c.stride() != 0)) {
                            return false; // the lanes would leave the inner loop at different times
                        }
                    }
                    case NOP -> { }
                    default -> {
                        I32 b = (I32) pop(stack);
                        I32 a = (I32) pop(stack);
                        stack.add(binary(op, a, b));
                    }
                }
            }
            return stack.isEmpty();
        }

        private I32 binary(OpCode op, I32 a, I32 b) {
            I32 r = classOf(op, a, b);
            return spanning && (op == OpCode.I32_ADD || op == OpCode.I32_SUB) ? r.withSpan(sum(a.span(), b.span(),
                    op == OpCode.I32_SUB)) : r;
        }

        /** The span of a + b (a - b: b a constant), or null. */
        private static Span sum(Span a, Span b, boolean subtract) {
            if (a == null || b == null) {
                return null;
            }
            if (subtract) {
                return b.invariant() < 0 && b.induction() < 0 ? new Span(a.invariant(), a.induction(), a.c() - b.c())
                        : null;
            }
            if ((a.invariant() >= 0 && b.invariant() >= 0) || (a.induction() >= 0 && b.induction() >= 0)) {
                return null;
            }
            return new Span(Math.max(a.invariant(), b.invariant()), Math.max(a.induction(), b.induction()),
                    a.c() + b.c());
        }

        private I32 classOf(OpCode op, I32 a, I32 b) {
            if (a.varying() || b.varying()) {
                return fresh(0, true, null);
            }
            return switch (op) {
                case I32_ADD -> fresh(a.stride() + b.stride(), false, null);
                case I32_SUB -> fresh(a.stride() - b.stride(), false, null);
                case I32_MUL -> a.konst() != null ? fresh(b.stride() * a.konst(), false, null)
                        : b.konst() != null ? fresh(a.stride() * b.konst(), false, null) : uniformOrVarying(a, b);
                case I32_SHL -> b.konst() != null ? fresh(a.stride() << b.konst(), false, null) : uniformOrVarying(a, b);
                default -> uniformOrVarying(a, b);
            };
        }

        /** Any operation of values the same in every lane is the same in every lane. */
        private I32 uniformOrVarying(I32 a, I32 b) {
            boolean uniform = !a.varying() && a.stride() == 0 && (b == null || (!b.varying() && b.stride() == 0));
            return fresh(0, !uniform, null);
        }

        private static Object pop(List<Object> stack) {
            return stack.remove(stack.size() - 1);
        }
    }
}
