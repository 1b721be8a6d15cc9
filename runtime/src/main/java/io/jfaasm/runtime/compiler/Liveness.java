package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;

/**
 * Which locals of a function are live (may be read before being written) at each instruction:
 * the classic backward data-flow over the function's control flow, which wasm's structured blocks
 * give directly. Used for outlined regions (see {@link Region}): only the locals live on entry
 * are passed in, and only those written and live after the loop are handed back.
 */
final class Liveness {
    private final BitSet[] liveIn;
    private int[][] succ;
    /** For each block, if and loop instruction, its matching end; for an if, its else (or -1). */
    private final int[] end;
    private final int[] elseAt;

    private Liveness(int n) {
        liveIn = new BitSet[n + 1];
        end = new int[n];
        elseAt = new int[n];
    }

    static Liveness of(List<AnnotatedInstruction> code) {
        int n = code.size();
        Liveness l = new Liveness(n);
        l.match(code);
        int[][] succ = l.succ = l.successors(code);
        for (int i = 0; i <= n; i++) {
            l.liveIn[i] = new BitSet();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                BitSet live = new BitSet();
                for (int s : succ[i]) {
                    live.or(l.liveIn[s]);
                }
                AnnotatedInstruction ins = code.get(i);
                switch (ins.opcode()) {
                    case LOCAL_SET, LOCAL_TEE -> live.clear((int) ins.operand(0));
                    case LOCAL_GET -> live.set((int) ins.operand(0));
                    default -> { }
                }
                if (!live.equals(l.liveIn[i])) {
                    l.liveIn[i] = live;
                    changed = true;
                }
            }
        }
        return l;
    }

    /** The {@code end} of the block, loop or if at {@code i}. */
    int endOf(int i) {
        return end[i];
    }

    /** The {@code else} of the if at {@code i}, or -1. */
    int elseOf(int i) {
        return elseAt[i];
    }

    /** Locals live just before instruction {@code i} runs. */
    BitSet liveIn(int i) {
        return liveIn[i];
    }

    /** Locals live wherever control leaves the instructions {@code start..end} for. */
    BitSet liveOut(int start, int end) {
        BitSet live = new BitSet();
        for (int i = start; i <= end; i++) {
            for (int s : succ[i]) {
                if (s < start || s > end) {
                    live.or(liveIn[s]);
                }
            }
        }
        return live;
    }

    private void match(List<AnnotatedInstruction> code) {
        ArrayDeque<Integer> open = new ArrayDeque<>();
        open.push(-1); // the function's own block
        java.util.Arrays.fill(elseAt, -1);
        for (int i = 0; i < code.size(); i++) {
            switch (code.get(i).opcode()) {
                case BLOCK, LOOP, IF -> open.push(i);
                case ELSE -> elseAt[open.peek()] = i;
                case END -> {
                    int start = open.pop();
                    if (start >= 0) {
                        end[start] = i;
                    }
                }
                default -> { }
            }
        }
    }

    /** Successors of each instruction; index n is the function's exit. */
    private int[][] successors(List<AnnotatedInstruction> code) {
        int n = code.size();
        int[][] succ = new int[n][];
        ArrayDeque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            AnnotatedInstruction ins = code.get(i);
            switch (ins.opcode()) {
                case BLOCK, LOOP -> {
                    open.push(i);
                    succ[i] = new int[] {i + 1};
                }
                case IF -> {
                    open.push(i);
                    succ[i] = new int[] {i + 1, elseAt[i] >= 0 ? elseAt[i] + 1 : end[i]};
                }
                case ELSE -> succ[i] = new int[] {end[open.peek()]};
                case END -> {
                    if (!open.isEmpty()) {
                        open.pop();
                    }
                    succ[i] = new int[] {i + 1};
                }
                case BR -> succ[i] = new int[] {target(code, open, (int) ins.operand(0), n)};
                case BR_IF -> succ[i] = new int[] {i + 1, target(code, open, (int) ins.operand(0), n)};
                case BR_TABLE -> {
                    succ[i] = new int[ins.operandCount()];
                    for (int k = 0; k < succ[i].length; k++) {
                        succ[i][k] = target(code, open, (int) ins.operand(k), n);
                    }
                }
                case RETURN, UNREACHABLE -> succ[i] = new int[0];
                default -> succ[i] = new int[] {i + 1};
            }
        }
        return succ;
    }

    /** Where a branch to a label goes: a loop's start, or just past a block's or if's end. */
    private int target(List<AnnotatedInstruction> code, ArrayDeque<Integer> open, int label, int n) {
        int k = 0;
        for (int start : open) {
            if (k++ == label) {
                return code.get(start).opcode() == OpCode.LOOP ? start : end[start];
            }
        }
        return n; // the function's own label: a return
    }
}
