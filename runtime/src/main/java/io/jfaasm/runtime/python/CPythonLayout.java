package io.jfaasm.runtime.python;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the host knows of CPython 3.12's objects on wasm32, to find where a call enters the
 * interpreter without a name section: a Python function object's type ({@code ob_type}, 4 bytes in),
 * whose {@code tp_name} (12 bytes in) must read "function" and whose {@code tp_call} (64 bytes in)
 * is a function pointer, i.e. a table index, of type {@code (i32, i32, i32) -> i32}
 * ({@code PyVectorcall_Call(callable, args, kwargs)}); and how to read what the entry returns, a
 * tuple ({@code ob_size} 8 bytes in, items from 12) of an int and bytes ({@code ob_size} 8 bytes in,
 * the bytes from 16) or None.
 * Every step is checked, so a different build
 * fails the function's initialisation with a clear message instead of calling a wrong function.
 */
public final class CPythonLayout {
    private static final int OB_TYPE = 4;
    private static final int TP_NAME = 12;
    private static final int TP_CALL = 64;
    private static final int OB_SIZE = 8;
    private static final int TUPLE_ITEMS = 12;
    private static final int BYTES_DATA = 16;
    private static final int LV_TAG = 8;
    private static final int LV_DIGITS = 12;
    private static final FunctionType TP_CALL_TYPE =
            FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32));

    private CPythonLayout() {}

    /** The entry for calling the Python function at {@code callable} with the tuple at {@code args}. */
    public static PythonProgram.Entry entry(Instance instance, int callable, int args) {
        Memory mem = instance.memory();
        int type = mem.readInt(callable + OB_TYPE);
        String name = cString(mem, mem.readInt(type + TP_NAME), 16);
        if (!"function".equals(name)) {
            throw new IllegalStateException("the zygote's entry is not a Python function (its type is '"
                    + name + "'): is the interpreter the pinned build?");
        }
        int slot = mem.readInt(type + TP_CALL);
        if (instance.tableCount() == 0 || slot <= 0 || slot >= instance.table(0).size()) {
            throw new IllegalStateException("tp_call of Python functions (" + slot + ") is not a function pointer");
        }
        int function = instance.table(0).requiredRef(slot);
        FunctionType t = instance.type(instance.functionType(function));
        if (!t.equals(TP_CALL_TYPE)) {
            throw new IllegalStateException("tp_call of Python functions has type " + t + ", not " + TP_CALL_TYPE);
        }
        return new PythonProgram.Entry(function, callable, args);
    }

    /** What a call's entry returned: {@code (return code, output bytes or None)}. */
    public record Result(int returnCode, byte[] output) {}

    /** Reads the entry's result tuple at {@code ptr}; {@code maxOutput} bounds the bytes copied. */
    public static Result result(Instance instance, int ptr, int maxOutput) {
        Memory mem = instance.memory();
        expectType(mem, ptr, "tuple");
        if (mem.readInt(ptr + OB_SIZE) != 2) {
            throw new IllegalStateException("the Python entry returned a tuple of " + mem.readInt(ptr + OB_SIZE));
        }
        int rc = intValue(instance, mem.readInt(ptr + TUPLE_ITEMS));
        int out = mem.readInt(ptr + TUPLE_ITEMS + 4);
        if (typeName(mem, out).equals("NoneType")) {
            return new Result(rc, null);
        }
        expectType(mem, out, "bytes");
        int size = mem.readInt(out + OB_SIZE);
        if (size < 0 || size > maxOutput) {
            throw new IllegalStateException("output of " + Integer.toUnsignedString(size)
                    + " bytes is over the output limit of " + maxOutput + " bytes");
        }
        return new Result(rc, mem.readBytes(out + BYTES_DATA, size));
    }

    private static String typeName(Memory mem, int object) {
        return cString(mem, mem.readInt(mem.readInt(object + OB_TYPE) + TP_NAME), 16);
    }

    private static void expectType(Memory mem, int object, String type) {
        String name = typeName(mem, object);
        if (!type.equals(name)) {
            throw new IllegalStateException("the Python entry returned a '" + name + "' where a " + type + " belongs");
        }
    }

    /**
     * The value of the Python int at {@code ptr} (what the entry returns: the call's return code,
     * within i32): {@code lv_tag} 8 bytes in (sign in its low 2 bits, digit count above bit 3),
     * then 30-bit digits in u32s, least significant first.
     */
    static int intValue(Instance instance, int ptr) {
        Memory mem = instance.memory();
        expectType(mem, ptr, "int");
        int tag = mem.readInt(ptr + LV_TAG);
        int digits = tag >>> 3;
        if (digits > 2) {
            throw new IllegalStateException("the Python entry returned an int of " + digits + " digits");
        }
        long value = 0;
        for (int i = digits - 1; i >= 0; i--) {
            value = (value << 30) | Integer.toUnsignedLong(mem.readInt(ptr + LV_DIGITS + 4 * i));
        }
        value = (tag & 3) == 2 ? -value : value;
        if (value != (int) value) {
            throw new IllegalStateException("the Python entry returned " + value + ", outside i32");
        }
        return (int) value;
    }

    private static String cString(Memory mem, int ptr, int max) {
        byte[] b = mem.readBytes(ptr, max);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }
}
