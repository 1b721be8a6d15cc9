package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import io.jfaasm.runtime.memory.LinearMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Loads and stores of compiled code, straight on the memory's segment. Small static methods:
 * HotSpot inlines them, so an access is one address computation, the segment's own bounds check
 * (one compare against its length, which C2 keeps in a register in loops) and the load.
 *
 * <p>Address semantics mirror Chicory's interpreter, the reference: the effective address is
 * {@code (int) (offset + addr)}; a negative base address (the upper 2 GiB, which our memories
 * never have) traps as "out of bounds memory access" before the sum, as the interpreter's
 * {@code readMemPtr} does; everything else traps with {@link LinearMemory}'s own message, because
 * the reference runs on the same memory class. The generated code checks the static offset.
 */
public final class Mem {
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private Mem() {}

    /** The trap for an offset or base address that no memory can satisfy. */
    public static WasmRuntimeException oob() {
        return new WasmRuntimeException("out of bounds memory access");
    }

    private static WasmRuntimeException oob(MemorySegment m, int p, int size) {
        return LinearMemory.outOfBounds(p, size, m.byteSize());
    }

    private static int addr(int base, int offset) {
        if (base < 0) {
            throw oob();
        }
        return base + offset;
    }

    public static int i32(int base, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            return m.get(INT, p);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 4);
        }
    }

    public static long i64(int base, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            return m.get(LONG, p);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 8);
        }
    }

    public static float f32(int base, int offset, MemorySegment m) {
        return Float.intBitsToFloat(i32(base, offset, m));
    }

    public static double f64(int base, int offset, MemorySegment m) {
        return Double.longBitsToDouble(i64(base, offset, m));
    }

    public static int s8(int base, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            return m.get(BYTE, p);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 1);
        }
    }

    public static int u8(int base, int offset, MemorySegment m) {
        return s8(base, offset, m) & 0xFF;
    }

    public static int s16(int base, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            return m.get(SHORT, p);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 2);
        }
    }

    public static int u16(int base, int offset, MemorySegment m) {
        return s16(base, offset, m) & 0xFFFF;
    }

    public static long u32(int base, int offset, MemorySegment m) {
        return i32(base, offset, m) & 0xFFFFFFFFL;
    }

    // Argument order is the wasm stack's (base, value), then what the generated code pushes.

    public static void i32(int base, int value, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            m.set(INT, p, value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 4);
        }
    }

    public static void i64(int base, long value, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            m.set(LONG, p, value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 8);
        }
    }

    public static void f32(int base, float value, int offset, MemorySegment m) {
        i32(base, Float.floatToRawIntBits(value), offset, m);
    }

    public static void f64(int base, double value, int offset, MemorySegment m) {
        i64(base, Double.doubleToRawLongBits(value), offset, m);
    }

    public static void i8(int base, int value, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            m.set(BYTE, p, (byte) value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 1);
        }
    }

    /**
     * The interpreter's store8 and i64.store32 skip the negative-base check of its other accesses
     * (the address is just {@code (int) (offset + base)}), so their traps name the address.
     * Where that sum wraps into the memory, the interpreter writes there; the spec, and this tier,
     * trap.
     */
    private static int wrappingAddr(int base, int offset) {
        int p = base + offset;
        if (base < 0 && p >= 0) {
            throw oob();
        }
        return p;
    }

    public static void i8n(int base, int value, int offset, MemorySegment m) {
        int p = wrappingAddr(base, offset);
        try {
            m.set(BYTE, p, (byte) value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 1);
        }
    }

    public static void i32n(int base, int value, int offset, MemorySegment m) {
        int p = wrappingAddr(base, offset);
        try {
            m.set(INT, p, value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 4);
        }
    }

    public static void i16(int base, int value, int offset, MemorySegment m) {
        int p = addr(base, offset);
        try {
            m.set(SHORT, p, (short) value);
        } catch (IndexOutOfBoundsException e) {
            throw oob(m, p, 2);
        }
    }
}
