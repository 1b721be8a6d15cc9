package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.ValType;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The wasm value types this tier handles, with their JVM shapes: the four numeric ones, and
 * funcref and externref as {@link #REF}.
 */
enum Vt {
    I32(Type.INT_TYPE, Opcodes.ILOAD, Opcodes.ISTORE, Opcodes.IRETURN, 1),
    I64(Type.LONG_TYPE, Opcodes.LLOAD, Opcodes.LSTORE, Opcodes.LRETURN, 2),
    F32(Type.FLOAT_TYPE, Opcodes.FLOAD, Opcodes.FSTORE, Opcodes.FRETURN, 1),
    F64(Type.DOUBLE_TYPE, Opcodes.DLOAD, Opcodes.DSTORE, Opcodes.DRETURN, 2),
    /**
     * A funcref or externref: a long holding exactly what Chicory's interpreter keeps on its stack
     * (a function index, the host's value, or {@link #NULL_REF}), so values pass between the
     * engines, tables and host functions unchanged.
     */
    REF(Type.LONG_TYPE, Opcodes.LLOAD, Opcodes.LSTORE, Opcodes.LRETURN, 2);

    /** The null reference, as Chicory encodes it ({@code Value.REF_NULL_VALUE}). */
    static final long NULL_REF = com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE;

    final Type jvm;
    final int load;
    final int store;
    final int ret;
    /** JVM slots and stack words: 1 or 2. */
    final int size;

    Vt(Type jvm, int load, int store, int ret, int size) {
        this.jvm = jvm;
        this.load = load;
        this.store = store;
        this.ret = ret;
        this.size = size;
    }

    /** The type, or null when it is not one this tier handles. */
    static Vt of(ValType t) {
        if (t.equals(ValType.FuncRef) || t.equals(ValType.ExternRef)) {
            return REF;
        } else if (t.equals(ValType.I32)) {
            return I32;
        } else if (t.equals(ValType.I64)) {
            return I64;
        } else if (t.equals(ValType.F32)) {
            return F32;
        } else if (t.equals(ValType.F64)) {
            return F64;
        }
        return null;
    }

    /** A block type's or typed select's value type operand; null if not one of ours. */
    static Vt ofBlockTypeId(long id) {
        if (id == ValType.I32.id()) {
            return I32;
        } else if (id == ValType.I64.id()) {
            return I64;
        } else if (id == ValType.F32.id()) {
            return F32;
        } else if (id == ValType.F64.id()) {
            return F64;
        } else if (id == ValType.FuncRef.id() || id == ValType.ExternRef.id()
                || id == ValType.ID.FuncRef || id == ValType.ID.ExternRef) {
            return REF; // the parser keeps the short encodings (0x70, 0x6F) as they are
        }
        return null;
    }

    /** Converts a value of this type on the JVM stack to Chicory's long encoding (its stack and long[] arguments). */
    void toLong(MethodVisitor mv) {
        switch (this) {
            case I32 -> mv.visitInsn(Opcodes.I2L);
            case I64, REF -> { }
            case F32 -> {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                mv.visitInsn(Opcodes.I2L);
            }
            case F64 -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
        }
    }

    /** The inverse of {@link #toLong}. */
    void fromLong(MethodVisitor mv) {
        switch (this) {
            case I32 -> mv.visitInsn(Opcodes.L2I);
            case I64, REF -> { }
            case F32 -> {
                mv.visitInsn(Opcodes.L2I);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            }
            case F64 -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
        }
    }

    /** Pushes the value of a fresh local of this type: zero, or the null reference. */
    void zero(MethodVisitor mv) {
        switch (this) {
            case I32 -> mv.visitInsn(Opcodes.ICONST_0);
            case I64 -> mv.visitInsn(Opcodes.LCONST_0);
            case F32 -> mv.visitInsn(Opcodes.FCONST_0);
            case F64 -> mv.visitInsn(Opcodes.DCONST_0);
            case REF -> mv.visitLdcInsn(NULL_REF);
        }
    }

    /** Pushes an int constant in the shortest form. */
    static void iconst(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }
}
