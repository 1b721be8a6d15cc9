package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.types.ValType;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** The four numeric wasm value types this tier handles, with their JVM shapes. */
enum Vt {
    I32(Type.INT_TYPE, Opcodes.ILOAD, Opcodes.ISTORE, Opcodes.IRETURN, 1),
    I64(Type.LONG_TYPE, Opcodes.LLOAD, Opcodes.LSTORE, Opcodes.LRETURN, 2),
    F32(Type.FLOAT_TYPE, Opcodes.FLOAD, Opcodes.FSTORE, Opcodes.FRETURN, 1),
    F64(Type.DOUBLE_TYPE, Opcodes.DLOAD, Opcodes.DSTORE, Opcodes.DRETURN, 2);

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

    /** The type, or null when it is not a numeric type this tier handles. */
    static Vt of(ValType t) {
        if (t.equals(ValType.I32)) {
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

    /** A block type operand's single result ({@code 0x40} is none); null if not one of ours. */
    static Vt ofBlockTypeId(long id) {
        if (id == ValType.I32.id()) {
            return I32;
        } else if (id == ValType.I64.id()) {
            return I64;
        } else if (id == ValType.F32.id()) {
            return F32;
        } else if (id == ValType.F64.id()) {
            return F64;
        }
        return null;
    }

    /** Converts a value of this type on the JVM stack to Chicory's long encoding (its stack and long[] arguments). */
    void toLong(MethodVisitor mv) {
        switch (this) {
            case I32 -> mv.visitInsn(Opcodes.I2L);
            case I64 -> { }
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
            case I64 -> { }
            case F32 -> {
                mv.visitInsn(Opcodes.L2I);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            }
            case F64 -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
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
