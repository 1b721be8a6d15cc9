package io.jfaasm.runtime.snapshot;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.MutabilityType;
import io.jfaasm.runtime.memory.LinearMemory;
import io.jfaasm.runtime.memory.MemoryImage;

/**
 * The state of an initialised instance, from which Faaslets are restored: its memory (as a
 * copy-on-write image), the values of its mutable globals, and the contents of its tables.
 *
 * @param moduleSha256 the module it was taken from: a snapshot never restores another module
 * @param memory the memory image
 * @param globalIndices indices of the module's own mutable globals
 * @param globalValues their values, in the same order
 * @param tables function references of each of the module's own tables
 */
public record Snapshot(String moduleSha256, MemoryImage memory, int[] globalIndices,
        long[] globalValues, int[][] tables) implements AutoCloseable {

    /** Captures an instance and its memory, as they are now. */
    public static Snapshot capture(String moduleSha256, Instance instance, LinearMemory memory) {
        int firstOwn = instance.imports().globalCount();
        int count = instance.globalCount() - firstOwn;
        int[] indices = new int[count];
        long[] values = new long[count];
        int n = 0;
        for (int i = firstOwn; i < instance.globalCount(); i++) {
            GlobalInstance g = instance.global(i);
            if (g.getMutabilityType() == MutabilityType.Var) {
                indices[n] = i;
                values[n] = g.getValue();
                n++;
            }
        }
        int[][] tables = new int[instance.tableCount()][];
        for (int t = 0; t < tables.length; t++) {
            TableInstance table = instance.table(t);
            tables[t] = new int[table.size()];
            for (int i = 0; i < table.size(); i++) {
                tables[t][i] = table.ref(i);
            }
        }
        MemoryImage image = memory == null ? MemoryImage.fromHostPages(0, i -> null) : MemoryImage.capture(memory);
        return new Snapshot(moduleSha256, image, java.util.Arrays.copyOf(indices, n),
                java.util.Arrays.copyOf(values, n), tables);
    }

    /**
     * Sets an instance's mutable globals and tables to the snapshot's. Instantiation already set
     * them to the module's initial values, so usually only what initialisation changed differs.
     */
    public void restoreGlobalsAndTables(Instance instance) {
        for (int i = 0; i < globalIndices.length; i++) {
            instance.global(globalIndices[i]).setValue(globalValues[i]);
        }
        for (int t = 0; t < tables.length; t++) {
            TableInstance table = instance.table(t);
            int[] refs = tables[t];
            if (table.size() > refs.length) {
                throw new IllegalStateException("table " + t + " grew past the snapshot: the instance"
                        + " cannot be reset and must be discarded");
            }
            if (table.size() < refs.length) {
                table.grow(refs.length - table.size(), com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE,
                        instance);
            }
            for (int i = 0; i < refs.length; i++) {
                if (table.ref(i) != refs[i]) {
                    table.setRef(i, refs[i], instance);
                }
            }
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
