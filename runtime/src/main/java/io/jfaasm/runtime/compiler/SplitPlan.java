package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which parts of a big function become methods of their own (see {@link Region}), so that every
 * method stays within about {@link #BUDGET} wasm instructions (the default): small enough for HotSpot to compile
 * (it leaves methods over 8,000 bytes of bytecode to its interpreter) and far from the JVM's
 * 64 KiB limit.
 *
 * <p>Bottom-up over the function's blocks: a body (the instructions at one nesting level) over
 * budget first gives up the runs of instructions between its big blocks (an interpreter's case
 * bodies: its dispatch then stays one switch, each case one call), then its biggest blocks and
 * loops, then runs across everything (long straight-line code). Runs start and end at points where
 * the operand stack is as the body found it. The plan is advice: the compiler checks each region
 * again and compiles inline any it cannot outline.
 */
final class SplitPlan {
    /** Wasm instructions per method the plan aims at by default: a few bytes of bytecode each. */
    static final int BUDGET = 1000;
    /** Instructions per method this plan aims at. */
    private final int budget;
    /**
     * What a memory access weighs, in instructions, in a plan against C2's inlining limit: C2
     * inlines each accessor's ~35 methods and some 300 IR nodes into the method, and past 18,000
     * nodes (NodeCountInliningCutoff, not a product flag) leaves the remaining accesses as calls.
     * Only code that runs straight through all of them reaches that (C2 parses no branch that never
     * ran), so only a function with a long straight run of accesses is planned so
     * ({@link #straightAccesses}); such a plan leaves about {@code BUDGET / ACCESS_WEIGHT} per method.
     */
    static final int ACCESS_WEIGHT = 25;
    /** Accesses in one straight run above which a function is split for C2's inlining. */
    static final int STRAIGHT_ACCESSES = 32;
    /** The shortest run worth a method of its own where it ends at a block's end or before a big block. */
    static final int MIN_RUN = 16;

    private final List<AnnotatedInstruction> code;
    /** Operand stack height at each instruction relative to its innermost block, -1 where dead. */
    private final int[] heights;
    private final Liveness structure;
    /** What one memory access weighs in this plan: 1, or {@link #ACCESS_WEIGHT}. */
    private final int accessWeight;
    /** Region starts to their ends (one start can begin a run and, inside it, a block). */
    private final Map<Integer, NavigableSet<Integer>> regions = new HashMap<>();

    private SplitPlan(List<AnnotatedInstruction> code, int[] heights, Liveness structure, int budget,
            int accessWeight) {
        this.budget = budget;
        this.accessWeight = accessWeight;
        this.code = code;
        this.heights = heights;
        this.structure = structure;
    }

    static SplitPlan of(List<AnnotatedInstruction> code, int[] heights, Liveness structure, int budget,
            int accessWeight) {
        SplitPlan plan = new SplitPlan(code, heights, structure, budget, accessWeight);
        plan.body(0, code.size() - 2); // the last instruction is the function's end
        return plan;
    }

    /** The ends of the regions planned to start at {@code start}, longest first; empty if none. */
    NavigableSet<Integer> endsAt(int start) {
        NavigableSet<Integer> ends = regions.get(start);
        return ends == null ? Collections.emptyNavigableSet() : ends.descendingSet();
    }

    /** Whether a region is planned inside {@code start..end} (not counting one starting at start). */
    boolean plansWithin(int start, int end) {
        return regions.keySet().stream().anyMatch(k -> k > start && k <= end);
    }

    private record Item(int start, int end, int weight, boolean construct) {}

    /** Plans instructions {@code from..to}, all at one nesting level; returns how many stay in the method. */
    private int body(int from, int to) {
        List<Item> items = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            OpCode op = code.get(i).opcode();
            if (op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF) {
                int end = structure.endOf(i);
                int other = op == OpCode.IF ? structure.elseOf(i) : -1;
                int inside = other >= 0 ? 1 + body(i + 1, other - 1) + body(other + 1, end - 1) : body(i + 1, end - 1);
                items.add(new Item(i, end, inside + 2, op != OpCode.IF));
                i = end;
            } else {
                items.add(new Item(i, i, isAccess(op) ? accessWeight : 1, false));
            }
        }
        if (weight(items) <= budget) {
            return weight(items);
        }
        // runs of instructions between big blocks: an interpreter's case bodies, each then one call
        List<Item> kept = runs(items, false);
        int total = weight(kept);
        if (total <= budget) {
            return total;
        }
        // whole blocks and loops, biggest first
        List<Item> byWeight = new ArrayList<>(kept);
        byWeight.sort(Comparator.comparingInt(Item::weight).reversed());
        for (Item c : byWeight) {
            if (total <= budget || c.weight() <= budget / 8) {
                break;
            }
            int call = c.construct() ? callWeight(c.start(), c.end()) : -1;
            if (call >= 0 && call < c.weight()) {
                plan(c.start(), c.end());
                total -= c.weight() - call;
                kept.set(kept.indexOf(c), new Item(c.start(), c.end(), call, true));
            }
        }
        if (total <= budget) {
            return total;
        }
        // runs across everything left: long straight-line code
        return weight(runs(kept, true));
    }

    /** Whether op loads or stores linear memory through the accessors of {@link Mem}. */
    static boolean isAccess(OpCode op) {
        String name = op.name();
        return name.contains("LOAD") || name.contains("STORE");
    }

    /** The most memory accesses between two control instructions (branches, block bounds) of code. */
    static int straightAccesses(List<AnnotatedInstruction> code) {
        int most = 0;
        int run = 0;
        for (AnnotatedInstruction ins : code) {
            switch (ins.opcode()) {
                case BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, BR_TABLE, RETURN -> run = 0;
                default -> {
                    if (isAccess(ins.opcode())) {
                        most = Math.max(most, ++run);
                    }
                }
            }
        }
        return most;
    }

    private static int weight(List<Item> items) {
        return items.stream().mapToInt(Item::weight).sum();
    }

    /**
     * Plans runs of consecutive items that start where the stack is as the body found it, and
     * returns the items with each run as one. A run closes at such a point once it is half the
     * budget; at the body's end, or (unless {@code acrossBig}) before a big block, once it is
     * {@link #MIN_RUN} long: there it may also end in dead code (a case body ending in a branch).
     */
    private List<Item> runs(List<Item> items, boolean acrossBig) {
        List<Item> out = new ArrayList<>();
        int first = -1; // index in items of the open run's first item
        int runWeight = 0;
        for (int k = 0; k <= items.size(); k++) {
            Item it = k < items.size() ? items.get(k) : null;
            boolean barrier = it == null || !acrossBig && it.construct() && it.weight() > budget / 4;
            if (first >= 0 && barrier) {
                Item last = items.get(k - 1);
                int next = last.end() + 1;
                boolean closable = heights[next] == 0 || it == null && heights[next] < 0;
                int call = runWeight >= MIN_RUN && closable ? callWeight(items.get(first).start(), last.end()) : -1;
                if (call >= 0 && call < runWeight) {
                    plan(items.get(first).start(), last.end());
                    out.add(new Item(items.get(first).start(), last.end(), call, false));
                } else {
                    out.addAll(items.subList(first, k));
                }
                first = -1;
            }
            if (it == null) {
                break;
            }
            if (barrier) {
                out.add(it);
                continue;
            }
            if (first < 0) {
                if (heights[it.start()] != 0) {
                    out.add(it);
                    continue;
                }
                first = k;
                runWeight = 0;
            }
            runWeight += it.weight();
            int next = it.end() + 1;
            int call = runWeight >= budget / 2 && heights[next] == 0 ? callWeight(items.get(first).start(), it.end()) : -1;
            if (call >= 0) {
                plan(items.get(first).start(), it.end());
                out.add(new Item(items.get(first).start(), it.end(), call, false));
                first = -1;
            }
        }
        return out;
    }

    private void plan(int start, int end) {
        regions.computeIfAbsent(start, k -> new TreeSet<>()).add(end);
    }

    /**
     * What calling {@code start..end} as a method costs where it stood, in instructions: the call and
     * a switch case per label it branches out to.
     */
    private int callWeight(int start, int end) {
        java.util.Set<Integer> exits = new java.util.HashSet<>();
        int depth = 0;
        for (int i = start; i <= end; i++) {
            AnnotatedInstruction ins = code.get(i);
            switch (ins.opcode()) {
                case BLOCK, LOOP, IF -> depth++;
                case END -> depth--;
                case BR, BR_IF -> exits.add((int) ins.operand(0) - depth);
                case BR_TABLE -> {
                    for (int k = 0; k < ins.operandCount(); k++) {
                        exits.add((int) ins.operand(k) - depth);
                    }
                }
                case RETURN -> exits.add(Integer.MAX_VALUE);
                default -> { }
            }
        }
        exits.removeIf(d -> d < 0); // branches that stay inside
        return 4 + 3 * exits.size();
    }
}
