package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an inner loop runs as f64 vector code (see {@link Vec}): a straight-line loop body
 * whose every memory access is an f64 load or store at an affine address, and whose stores come in
 * pairs 8 bytes apart storing isomorphic values: the shape clang leaves when it unrolls a loop
 * such as gemm's {@code C[i][j] += alpha * A[i][k] * B[k][j]} twice. Each pair becomes one vector
 * statement, lane 0 the first store's value and lane 1 the second's, computed by the same IEEE
 * operations in the same order, so the results are bit for bit the scalar ones; with one pair
 * whose bases all step 16 bytes, two iterations make one four-lane statement ({@link #wide}).
 *
 * <p>The plan is found by running the body once symbolically: an i32 value is unknown or a
 * {@link Sym}, the sum of at most two locals' values at the start of this iteration plus a
 * constant; an f64 value is a tree of loads, loop-invariant locals, constants and arithmetic. The locals the body writes must end each
 * iteration affine in the ones it does not write and in induction variables ({@code i = i + k},
 * once per iteration), so the vector loop can set them without running the scalar body.
 *
 * <p>What the caller checks at the loop's entry before running it (FunctionCompiler#outline): that
 * the loop runs an exact number of iterations; that every access of every iteration is in bounds
 * ({@link #bounds}), so no trap can come in the middle; and that no lane's store writes what a
 * later lane's loads read ({@link #hazards}), which the vector statement reads first.
 */
final class VectorPlan {
    /** Whether this JVM has the Vector API: an incubator module, resolved only on request. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("jfaasm.compiler.vectors"));

    /** An f64 value of the body. */
    sealed interface Node {}

    /**
     * A load at the i32 sum {@code a + b + c} (b -1: none) plus the access's {@code offset}; the
     * pair's second lane 8 bytes on.
     */
    record Load(int a, int b, long c, long offset) implements Node {}

    /** A local the loop does not write, the same in both lanes. */
    record Scalar(int local) implements Node {}

    record Const(long bits) implements Node {}

    record Binary(OpCode op, Node a, Node b) implements Node {}

    record Sqrt(Node a) implements Node {}

    /** A pair of stores: the first at {@code a + b + c} plus {@code offset}, as a load; the second 8 bytes on. */
    record Pair(int a, int b, long c, long offset, Node value) {}

    /**
     * In one iteration, the accesses at {@code a + b} (zero-extended, b -1: none) plus an i32
     * constant have that constant at least {@code low} and reach at most {@code high} with their
     * offset and both lanes; {@code step}: how much {@code a + b} grows per iteration.
     */
    record Bound(int a, int b, long low, long high, long step) {}

    /**
     * A pair's first store at {@code (sa + sb) + storeAt} and a first-lane load of its value at
     * {@code (la + lb) + loadAt} (byte distances from the zero-extended sums): the vector statement
     * loads every lane before it stores, so the load, {@code d} bytes from the store, must not read
     * what an earlier lane stores: d not within {@code (-8 * lanes, 0)}.
     */
    record Hazard(int sa, int sb, long storeAt, int la, int lb, long loadAt) {}

    final List<Pair> pairs;
    /**
     * Whether two iterations run as one four-lane statement: one pair, and every address base
     * steps 16 bytes per iteration, so the next iteration's pair follows this one's in memory.
     */
    final boolean wide;

    /** The lanes of its vector statements. */
    int lanes() {
        return wide ? 4 : 2;
    }

    /**
     * Whether a load {@code d} bytes from a store reads what an earlier lane of {@code lanes}
     * stores (see {@link Hazard}).
     */
    static boolean overlaps(long d, int lanes) {
        return d > -8L * lanes && d < 0;
    }
    final List<Bound> bounds;
    final List<Hazard> hazards;
    /** Each local the body writes, with its value at the end of an iteration. */
    final Map<Integer, Sym> ends;
    /** Every induction variable of the body with its step: the loop's last iteration starts at x + last * step. */
    final Map<Integer, Long> steps;

    private VectorPlan(List<Pair> pairs, boolean wide, List<Bound> bounds, List<Hazard> hazards,
            Map<Integer, Sym> ends, Map<Integer, Long> steps) {
        this.pairs = pairs;
        this.wide = wide;
        this.bounds = bounds;
        this.hazards = hazards;
        this.ends = ends;
        this.steps = steps;
    }

    /** An i32: {@code a + b + c}, locals at the start of the iteration (b -1: none; a -1: a constant). */
    record Sym(int a, int b, long c) {}

    /** An i32 value the analysis does not follow (a comparison, a product). */
    private static final Object UNKNOWN = new Object();

    private record Store(Sym address, long offset, Node value) {}

    /**
     * The plan of loop {@code start..end}, or null when it does not have the shape described
     * above. Its back-edge counts local {@code counter} by {@code step} to a bound in local
     * {@code bound} (-1: a constant): the plan also checks that these are the only writes of the
     * counter and that the bound is not written, so the count its caller computes is the loop's.
     */
    static VectorPlan of(List<AnnotatedInstruction> code, int start, int end, Vt[] localType, int counter, long step,
            int bound) {
        if (code.get(start).operand(0) != 0x40) {
            return null; // a loop with parameters or results
        }
        Map<Integer, Integer> writes = new LinkedHashMap<>();
        for (int i = start + 1; i < end; i++) {
            OpCode op = code.get(i).opcode();
            if (op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                writes.merge((int) code.get(i).operand(0), 1, Integer::sum);
            }
        }
        Set<Integer> inductions = new HashSet<>();
        writes.forEach((l, n) -> {
            if (n == 1) {
                inductions.add(l);
            }
        });
        while (true) {
            Map<Integer, Long> steps = new HashMap<>();
            Map<Integer, Object> locals = new HashMap<>();
            List<Store> stores = run(code, start, end, writes.keySet(), inductions, steps, localType, locals);
            if (stores == null) {
                return null;
            }
            if (steps.size() == inductions.size()) {
                boolean counted = steps.getOrDefault(counter, 0L) == step && !writes.containsKey(bound);
                return counted ? plan(stores, writes.keySet(), steps, locals) : null;
            }
            inductions.retainAll(steps.keySet()); // the others' one write was not i = i + k
        }
    }

    private static List<Store> run(List<AnnotatedInstruction> code, int start, int end, Set<Integer> written,
            Set<Integer> inductions, Map<Integer, Long> steps, Vt[] localType, Map<Integer, Object> locals) {
        for (int l : written) {
            if (localType[l] != Vt.I32) {
                return null; // an f64 carried across iterations, or another type
            }
            if (!inductions.contains(l)) {
                locals.put(l, UNKNOWN); // carried from the previous iteration
            }
        }
        List<Object> stack = new ArrayList<>();
        List<Store> stores = new ArrayList<>();
        for (int i = start + 1; i < end; i++) {
            AnnotatedInstruction ins = code.get(i);
            OpCode op = ins.opcode();
            switch (op) {
                case LOCAL_GET -> {
                    int l = (int) ins.operand(0);
                    if (localType[l] == Vt.F64) {
                        stack.add(new Scalar(l)); // not written: checked above
                    } else if (localType[l] == Vt.I32) {
                        stack.add(locals.containsKey(l) ? locals.get(l) : new Sym(l, -1, 0));
                    } else {
                        return null;
                    }
                }
                case LOCAL_SET, LOCAL_TEE -> {
                    int l = (int) ins.operand(0);
                    Object v = op == OpCode.LOCAL_SET ? pop(stack) : stack.get(stack.size() - 1);
                    if (v instanceof Sym s && inductions.contains(l) && s.a() == l && s.b() < 0 && s.c() != 0) {
                        steps.put(l, s.c());
                    }
                    locals.put(l, v);
                }
                case I32_CONST -> stack.add(new Sym(-1, -1, (int) ins.operand(0)));
                case I32_ADD, I32_SUB -> {
                    Object b = pop(stack);
                    Object a = pop(stack);
                    stack.add(add(a, b, op == OpCode.I32_SUB));
                }
                case F64_CONST -> stack.add(new Const(ins.operand(0)));
                case F64_LOAD -> {
                    if (!(pop(stack) instanceof Sym s) || s.a() < 0) {
                        return null;
                    }
                    stack.add(new Load(s.a(), s.b(), s.c(), ins.operand(1)));
                }
                case F64_STORE -> {
                    Object value = pop(stack);
                    if (!(pop(stack) instanceof Sym s) || s.a() < 0 || !(value instanceof Node n)) {
                        return null;
                    }
                    stores.add(new Store(s, ins.operand(1), n));
                }
                case F64_ADD, F64_SUB, F64_MUL, F64_DIV -> {
                    Object b = pop(stack);
                    Object a = pop(stack);
                    if (!(a instanceof Node na) || !(b instanceof Node nb)) {
                        return null;
                    }
                    stack.add(new Binary(op, na, nb));
                }
                case F64_SQRT -> {
                    if (!(pop(stack) instanceof Node n)) {
                        return null;
                    }
                    stack.add(new Sqrt(n));
                }
                case BR_IF -> {
                    if (i != end - 1 || ins.operand(0) != 0) {
                        return null;
                    }
                    pop(stack);
                }
                case NOP -> { }
                default -> {
                    // i32 arithmetic and comparisons: values not followed
                    if (I32_BINARY.contains(op)) {
                        pop(stack);
                        pop(stack);
                    } else if (op != OpCode.I32_EQZ) {
                        return null;
                    } else {
                        pop(stack);
                    }
                    stack.add(UNKNOWN);
                }
            }
        }
        return stack.isEmpty() ? stores : null;
    }

    private static VectorPlan plan(List<Store> stores, Set<Integer> written, Map<Integer, Long> steps,
            Map<Integer, Object> locals) {
        if (stores.isEmpty() || stores.size() % 2 != 0) {
            return null;
        }
        Map<Integer, Sym> ends = new LinkedHashMap<>();
        for (int l : written) {
            if (!(locals.get(l) instanceof Sym s) || s.a() < 0) {
                return null; // the loop cannot set it without running the scalar body
            }
            ends.put(l, s);
        }
        List<Pair> pairs = new ArrayList<>();
        List<Hazard> hazards = new ArrayList<>();
        Map<List<Integer>, long[]> extremes = new LinkedHashMap<>();
        boolean wide = stores.size() == 2;
        for (int k = 0; k < stores.size(); k += 2) {
            Store a = stores.get(k);
            Store b = stores.get(k + 1);
            Sym sa = a.address();
            Sym sb = b.address();
            if (sa.a() != sb.a() || sa.b() != sb.b() || sb.c() + b.offset() != sa.c() + a.offset() + 8
                    || !isomorphic(a.value(), b.value())) {
                return null;
            }
            pairs.add(new Pair(sa.a(), sa.b(), sa.c(), a.offset(), a.value()));
            extend(extremes, sa.a(), sa.b(), sa.c(), a.offset());
            List<Load> loads = new ArrayList<>();
            loads(a.value(), loads);
            for (Load l : loads) {
                extend(extremes, l.a(), l.b(), l.c(), l.offset());
                // a later lane's load reads 8 bytes per lane on, after the earlier lanes' stores
                long store = sa.c() + a.offset();
                long load = l.c() + l.offset();
                if (l.a() == sa.a() && l.b() == sa.b()) {
                    if (overlaps(load - store, 2)) {
                        return null;
                    }
                    wide &= !overlaps(load - store, 4);
                } else if (step(steps, l.a(), l.b()) != step(steps, sa.a(), sa.b())) {
                    return null; // their distance changes from iteration to iteration
                } else {
                    hazards.add(new Hazard(sa.a(), sa.b(), store, l.a(), l.b(), load));
                }
            }
        }
        List<Bound> bounds = new ArrayList<>();
        for (Map.Entry<List<Integer>, long[]> e : extremes.entrySet()) {
            long step = step(steps, e.getKey().get(0), e.getKey().get(1));
            bounds.add(new Bound(e.getKey().get(0), e.getKey().get(1), e.getValue()[0], e.getValue()[1], step));
            wide &= step == 16;
        }
        return new VectorPlan(pairs, wide, bounds, hazards, ends, steps);
    }

    private static long step(Map<Integer, Long> steps, int a, int b) {
        return steps.getOrDefault(a, 0L) + (b < 0 ? 0 : steps.getOrDefault(b, 0L));
    }

    /** Both lanes of an access at i32 constant c plus offset: c at least 0 from its base, 16 bytes from c + offset. */
    private static void extend(Map<List<Integer>, long[]> extremes, int a, int b, long c, long offset) {
        long[] e = extremes.computeIfAbsent(List.of(a, b), x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        e[0] = Math.min(e[0], c);
        e[1] = Math.max(e[1], c + offset + 16);
    }

    private static boolean isomorphic(Node a, Node b) {
        return switch (a) {
            case Load la -> b instanceof Load lb && lb.a() == la.a() && lb.b() == la.b()
                    && lb.c() + lb.offset() == la.c() + la.offset() + 8;
            case Scalar sa -> b instanceof Scalar sb && sb.local() == sa.local();
            case Const ca -> b instanceof Const cb && cb.bits() == ca.bits();
            case Binary ba -> b instanceof Binary bb && bb.op() == ba.op() && isomorphic(ba.a(), bb.a())
                    && isomorphic(ba.b(), bb.b());
            case Sqrt sa -> b instanceof Sqrt sb && isomorphic(sa.a(), sb.a());
        };
    }

    private static void loads(Node n, List<Load> out) {
        switch (n) {
            case Load l -> out.add(l);
            case Binary b -> {
                loads(b.a(), out);
                loads(b.b(), out);
            }
            case Sqrt s -> loads(s.a(), out);
            case Scalar s -> { }
            case Const c -> { }
        }
    }

    private static Object add(Object x, Object y, boolean subtract) {
        if (!(x instanceof Sym a) || !(y instanceof Sym b)) {
            return UNKNOWN;
        }
        if (subtract) {
            return b.a() < 0 ? new Sym(a.a(), a.b(), a.c() - b.c()) : UNKNOWN;
        }
        if (b.a() < 0) {
            return new Sym(a.a(), a.b(), a.c() + b.c());
        }
        if (a.a() < 0) {
            return new Sym(b.a(), b.b(), a.c() + b.c());
        }
        // two locals at most, kept in order so that equal sums compare equal
        return a.b() < 0 && b.b() < 0 ? new Sym(Math.min(a.a(), b.a()), Math.max(a.a(), b.a()), a.c() + b.c()) : UNKNOWN;
    }

    private static Object pop(List<Object> stack) {
        if (stack.isEmpty()) {
            throw new IllegalStateException("stack underflow"); // validated wasm never does this
        }
        return stack.remove(stack.size() - 1);
    }

    /** i32 instructions taking two values and leaving one i32, none of which traps. */
    private static final Set<OpCode> I32_BINARY = java.util.EnumSet.noneOf(OpCode.class);

    static {
        I32_BINARY.addAll(java.util.EnumSet.range(OpCode.I32_EQ, OpCode.I32_GE_U));
        I32_BINARY.addAll(java.util.EnumSet.range(OpCode.I32_ADD, OpCode.I32_ROTR));
        // they can trap, and the vector loop does not run them
        I32_BINARY.removeAll(java.util.EnumSet.of(OpCode.I32_DIV_S, OpCode.I32_DIV_U, OpCode.I32_REM_S, OpCode.I32_REM_U));
    }
}
