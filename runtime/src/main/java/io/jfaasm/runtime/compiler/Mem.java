package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import io.jfaasm.runtime.memory.LinearMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Loads and stores of compiled code. Small static methods: HotSpot inlines them. Each access does
 * one check, {@code Objects.checkIndex(base, limit - offset - size + 1)}, where {@code limit} is the
 * memory's size as an int held in a local of the generated method: the shape C2's range-check
 * elimination hoists out of loops (the base is typically the loop's induction variable plus an
 * invariant). The access itself then goes through {@link #ALL}, a segment over every address, at
 * {@code (memory address & ADDRESS_MASK) + base + offset}, the masked address held in another
 * local ({@link #address}): C2 knows that sum's range from the mask and the check, proves ALL's
 * own bounds check always passes and drops it. The same accesses with a {@code long} limit check
 * in a shape C2 leaves in the loop, for short loops' twins (see below). Accessing the
 * memory's own segment instead costs a second check per access, against its length, which C2
 * cannot relate to the first (measured side by side: spmv 1.65x and gemm 1.4x slower, see
 * docs/results/kernels/ab-2026-11-28-one-check.md).
 *
 * <p>Why this is safe: the check bounds {@code base + offset + size} by {@code limit}, which is
 * never more than the memory's mapped size (the generated code reloads it from the segment after
 * anything that may grow or replace the memory), so the address is always inside the memory.
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

    /** Every address: accesses through it are checked by {@link #at} alone (see the class comment). */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** User-space addresses are below 2^62: masking tells C2 so, and it drops ALL's own check. */
    private static final long ADDRESS_MASK = (1L << 62) - 1;

    /** The trap for an offset or base address that no memory can satisfy. */
    public static WasmRuntimeException oob() {
        return new WasmRuntimeException("out of bounds memory access");
    }

    /** The int limit the generated code keeps for a segment (memories stay below 2 GiB). */
    public static int limit(MemorySegment m) {
        return (int) Math.min(m.byteSize(), Integer.MAX_VALUE);
    }

    /**
     * The address the generated code keeps for a segment, in a local next to its {@link #limit}:
     * one register in a loop instead of a load of the segment's field per access.
     */
    public static long address(MemorySegment m) {
        return m.address() & ADDRESS_MASK;
    }

    /** How many base addresses an access can use: loop-invariant, so C2 computes it once. */
    private static int room(int offset, int size, int limit) {
        return (int) room(offset, size, (long) limit);
    }

    private static long room(int offset, int size, long limit) {
        return Math.max(0, limit - offset - size + 1);
    }

    /** The trap of {@link #at}: as the interpreter's, see the class comment. */
    private static RuntimeException outOfBounds(int base, int offset, int size, long limit) {
        return base < 0 ? oob() : LinearMemory.outOfBounds(base + offset, size, limit);
    }

    /** The trap of {@link #wrappingAt}, which names the wrapped address. */
    private static RuntimeException wrappingOutOfBounds(int base, int offset, int size, long limit) {
        int p = base + offset;
        return base < 0 && p >= 0 ? oob() : LinearMemory.outOfBounds(p, size, limit);
    }

    /**
     * The checked address {@code base + offset} of a {@code size}-byte access. The interpreter
     * (the reference) traps on a negative base before the sum, with a plain message; everything
     * else traps with {@link LinearMemory}'s message naming the address.
     */
    private static long at(int base, int offset, int size, long address, int limit) {
        try {
            int at = Objects.checkIndex(base, room(offset, size, limit));
            return address + at + offset;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(base, offset, size, limit);
        }
    }

    public static int i32(int base, int offset, long address, int limit) {
        return ALL.get(INT, at(base, offset, 4, address, limit));
    }

    public static long i64(int base, int offset, long address, int limit) {
        return ALL.get(LONG, at(base, offset, 8, address, limit));
    }

    public static float f32(int base, int offset, long address, int limit) {
        return Float.intBitsToFloat(i32(base, offset, address, limit));
    }

    public static double f64(int base, int offset, long address, int limit) {
        return Double.longBitsToDouble(i64(base, offset, address, limit));
    }

    public static int s8(int base, int offset, long address, int limit) {
        return ALL.get(BYTE, at(base, offset, 1, address, limit));
    }

    public static int u8(int base, int offset, long address, int limit) {
        return s8(base, offset, address, limit) & 0xFF;
    }

    public static int s16(int base, int offset, long address, int limit) {
        return ALL.get(SHORT, at(base, offset, 2, address, limit));
    }

    public static int u16(int base, int offset, long address, int limit) {
        return s16(base, offset, address, limit) & 0xFFFF;
    }

    public static long u32(int base, int offset, long address, int limit) {
        return i32(base, offset, address, limit) & 0xFFFFFFFFL;
    }

    // Argument order is the wasm stack's (base, value), then what the generated code pushes.

    public static void i32(int base, int value, int offset, long address, int limit) {
        ALL.set(INT, at(base, offset, 4, address, limit), value);
    }

    public static void i64(int base, long value, int offset, long address, int limit) {
        ALL.set(LONG, at(base, offset, 8, address, limit), value);
    }

    public static void f32(int base, float value, int offset, long address, int limit) {
        i32(base, Float.floatToRawIntBits(value), offset, address, limit);
    }

    public static void f64(int base, double value, int offset, long address, int limit) {
        i64(base, Double.doubleToRawLongBits(value), offset, address, limit);
    }

    public static void i8(int base, int value, int offset, long address, int limit) {
        ALL.set(BYTE, at(base, offset, 1, address, limit), (byte) value);
    }

    public static void i16(int base, int value, int offset, long address, int limit) {
        ALL.set(SHORT, at(base, offset, 2, address, limit), (short) value);
    }

    /**
     * The interpreter's store8 and i64.store32 skip the negative-base check of its other accesses
     * (the address is just {@code (int) (offset + base)}), so their traps name the address.
     * Where that sum wraps into the memory, the interpreter writes there; the spec, and this tier,
     * trap.
     */
    private static long wrappingAt(int base, int offset, int size, long address, int limit) {
        try {
            int at = Objects.checkIndex(base, room(offset, size, limit));
            return address + at + offset;
        } catch (IndexOutOfBoundsException e) {
            throw wrappingOutOfBounds(base, offset, size, limit);
        }
    }

    public static void i8n(int base, int value, int offset, long address, int limit) {
        ALL.set(BYTE, wrappingAt(base, offset, 1, address, limit), (byte) value);
    }

    public static void i32n(int base, int value, int offset, long address, int limit) {
        ALL.set(INT, wrappingAt(base, offset, 4, address, limit), value);
    }

    // The same accesses for a loop that runs a few iterations per entry (see
    // FunctionCompiler#shortLoop): the limit is a long and the check a long one on the
    // zero-extended base, a shape C2 neither predicates nor range-check-eliminates, so it does not
    // split the loop into pre, main and post loops whose setup costs more than such a loop's
    // iterations. The results and traps are the same as above.

    private static long at(int base, int offset, int size, long address, long limit) {
        try {
            long at = Objects.checkIndex(Integer.toUnsignedLong(base), room(offset, size, limit));
            return address + at + offset;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(base, offset, size, limit);
        }
    }

    private static long wrappingAt(int base, int offset, int size, long address, long limit) {
        try {
            long at = Objects.checkIndex(Integer.toUnsignedLong(base), room(offset, size, limit));
            return address + at + offset;
        } catch (IndexOutOfBoundsException e) {
            throw wrappingOutOfBounds(base, offset, size, limit);
        }
    }

    public static int i32(int base, int offset, long address, long limit) {
        return ALL.get(INT, at(base, offset, 4, address, limit));
    }

    public static long i64(int base, int offset, long address, long limit) {
        return ALL.get(LONG, at(base, offset, 8, address, limit));
    }

    public static float f32(int base, int offset, long address, long limit) {
        return Float.intBitsToFloat(i32(base, offset, address, limit));
    }

    public static double f64(int base, int offset, long address, long limit) {
        return Double.longBitsToDouble(i64(base, offset, address, limit));
    }

    public static int s8(int base, int offset, long address, long limit) {
        return ALL.get(BYTE, at(base, offset, 1, address, limit));
    }

    public static int u8(int base, int offset, long address, long limit) {
        return s8(base, offset, address, limit) & 0xFF;
    }

    public static int s16(int base, int offset, long address, long limit) {
        return ALL.get(SHORT, at(base, offset, 2, address, limit));
    }

    public static int u16(int base, int offset, long address, long limit) {
        return s16(base, offset, address, limit) & 0xFFFF;
    }

    public static long u32(int base, int offset, long address, long limit) {
        return i32(base, offset, address, limit) & 0xFFFFFFFFL;
    }

    public static void i32(int base, int value, int offset, long address, long limit) {
        ALL.set(INT, at(base, offset, 4, address, limit), value);
    }

    public static void i64(int base, long value, int offset, long address, long limit) {
        ALL.set(LONG, at(base, offset, 8, address, limit), value);
    }

    public static void f32(int base, float value, int offset, long address, long limit) {
        i32(base, Float.floatToRawIntBits(value), offset, address, limit);
    }

    public static void f64(int base, double value, int offset, long address, long limit) {
        i64(base, Double.doubleToRawLongBits(value), offset, address, limit);
    }

    public static void i8(int base, int value, int offset, long address, long limit) {
        ALL.set(BYTE, at(base, offset, 1, address, limit), (byte) value);
    }

    public static void i16(int base, int value, int offset, long address, long limit) {
        ALL.set(SHORT, at(base, offset, 2, address, limit), (short) value);
    }

    public static void i8n(int base, int value, int offset, long address, long limit) {
        ALL.set(BYTE, wrappingAt(base, offset, 1, address, limit), (byte) value);
    }

    public static void i32n(int base, int value, int offset, long address, long limit) {
        ALL.set(INT, wrappingAt(base, offset, 4, address, limit), value);
    }
}
