package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.OpcodeImpl;
import com.dylibso.chicory.runtime.TableInstance;

/**
 * Table and element segment instructions of compiled code. Each makes the calls Chicory's
 * interpreter makes, in its order and through the same {@link OpcodeImpl} methods, so bounds,
 * dropped segments and growth behave, and trap, alike. References are longs as on its stack
 * (see {@link Vt#REF}); a table holds them as ints, converted by its {@code boxForTable} and
 * {@code unboxFromTable}.
 */
public final class Tables {
    private Tables() {}

    public static long get(int index, int table, Ctx c) {
        Instance instance = c.instance;
        int ref = OpcodeImpl.TABLE_GET(instance, table, index);
        return OpcodeImpl.unboxFromTable(ref, instance, instance.table(table).elementType());
    }

    public static void set(int index, long value, int table, Ctx c) {
        Instance instance = c.instance;
        TableInstance t = instance.table(table);
        t.setRef(index, OpcodeImpl.boxForTable(value, instance), instance);
    }

    public static int size(int table, Ctx c) {
        return c.instance.table(table).size();
    }

    public static int grow(long value, int delta, int table, Ctx c) {
        Instance instance = c.instance;
        TableInstance t = instance.table(table);
        return t.grow(delta, OpcodeImpl.boxForTable(value, instance), instance);
    }

    public static void fill(int offset, long value, int size, int table, Ctx c) {
        Instance instance = c.instance;
        OpcodeImpl.TABLE_FILL(instance, table, size, OpcodeImpl.boxForTable(value, instance), offset);
    }

    public static void copy(int destination, int source, int size, int destinationTable, int sourceTable, Ctx c) {
        OpcodeImpl.TABLE_COPY(c.instance, sourceTable, destinationTable, size, source, destination);
    }

    public static void init(int offset, int elementOffset, int size, int segment, int table, Ctx c) {
        OpcodeImpl.TABLE_INIT(c.instance, table, segment, size, elementOffset, offset);
    }

    /** elem.drop: the instance's own copy of the segment is forgotten, as the interpreter does. */
    public static void elemDrop(int segment, Ctx c) {
        c.instance.setElement(segment, null);
    }
}
