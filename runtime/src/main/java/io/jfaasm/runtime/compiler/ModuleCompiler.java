package io.jfaasm.runtime.compiler;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Compiles a validated module to one JVM class: a static method per function this tier takes, a
 * dispatcher per call_indirect signature, and the {@link ModuleCode#call} entry. Functions it does
 * not take (see {@link Coverage}), or whose method the JVM would refuse as too large, are left to
 * Chicory's compiler and called through {@link Ctx#fallback}.
 */
public final class ModuleCompiler {
    static final String CLASS_NAME = "io/jfaasm/generated/WasmModule";

    private final WasmModule module;
    private final int importedFunctions;
    private final List<ValType> globalTypes = new ArrayList<>();
    private final boolean[] compiled;
    private final Map<Integer, String> fallbackReasons = new TreeMap<>();
    private final Map<String, int[]> dispatchers = new LinkedHashMap<>();

    private ModuleCompiler(WasmModule module) {
        this.module = module;
        this.importedFunctions = module.importSection().count(ExternalType.FUNCTION);
        for (int k = 0; k < module.importSection().importCount(); k++) {
            Import imp = module.importSection().getImport(k);
            if (imp instanceof GlobalImport gi) {
                globalTypes.add(gi.type());
            }
        }
        for (Global g : module.globalSection().globals()) {
            globalTypes.add(g.valueType());
        }
        this.compiled = new boolean[importedFunctions + module.functionSection().functionCount()];
    }

    /** The result: the class (null when no function could be compiled) and what fell back. */
    public record Result(ModuleCode code, boolean[] compiled, Map<Integer, String> fallbackReasons,
            int importedFunctions, byte[] classBytes) {}

    public static Result compile(WasmModule module) {
        return new ModuleCompiler(module).run();
    }

    private Result run() {
        FunctionBody[] bodies = module.codeSection().functionBodies();
        for (int i = 0; i < bodies.length; i++) {
            int funcIdx = importedFunctions + i;
            String why = tablesImported() ? "the module imports a table"
                    : Coverage.unsupported(module, i, Coverage.functionType(module, funcIdx), bodies[i]);
            if (why == null) {
                compiled[funcIdx] = true;
            } else {
                fallbackReasons.put(funcIdx, why);
            }
        }
        // A function that turns out too large or unsupported is marked and the class regenerated:
        // its callers then call it through the fallback instead of directly.
        while (true) {
            dispatchers.clear();
            ClassWriter cw = newWriter();
            boolean retry = false;
            for (int i = 0; i < bodies.length && !retry; i++) {
                int funcIdx = importedFunctions + i;
                if (!compiled[funcIdx]) {
                    continue;
                }
                try {
                    new FunctionCompiler(module, this, funcIdx, Coverage.functionType(module, funcIdx), bodies[i])
                            .compile(cw);
                } catch (FunctionCompiler.Unsupported e) {
                    compiled[funcIdx] = false;
                    fallbackReasons.put(funcIdx, e.getMessage());
                    retry = true;
                }
            }
            if (retry) {
                continue;
            }
            emitDispatchers(cw);
            emitEntry(cw);
            cw.visitEnd();
            byte[] bytes;
            try {
                bytes = cw.toByteArray();
            } catch (MethodTooLargeException e) {
                if (!e.getMethodName().matches("f[0-9]+(_[0-9]+)?")) {
                    // the entry or a dispatcher: too many functions for one switch in this increment
                    for (int f = importedFunctions; f < compiled.length; f++) {
                        if (compiled[f]) {
                            compiled[f] = false;
                            fallbackReasons.put(f, "module too large for this tier's dispatch method");
                        }
                    }
                    return new Result(null, compiled, fallbackReasons, importedFunctions, null);
                }
                int funcIdx = Integer.parseInt(e.getMethodName().replaceAll("^f([0-9]+).*", "$1"));
                compiled[funcIdx] = false;
                fallbackReasons.put(funcIdx, "JVM method too large (" + e.getCodeSize() + " bytes)");
                continue;
            }
            if (fallbackReasons.size() == bodies.length) {
                return new Result(null, compiled, fallbackReasons, importedFunctions, null);
            }
            return new Result(load(bytes), compiled, fallbackReasons, importedFunctions, bytes);
        }
    }

    private boolean tablesImported() {
        return module.importSection().count(ExternalType.TABLE) > 0;
    }

    private static ClassWriter newWriter() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // frames only ever merge our own few reference types
            }
        };
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, CLASS_NAME, null, "java/lang/Object",
                new String[] {Type.getInternalName(ModuleCode.class)});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }

    private static final class Loader extends ClassLoader {
        Loader() {
            super(ModuleCompiler.class.getClassLoader());
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }

    static ModuleCode load(byte[] bytes) {
        try {
            return (ModuleCode) new Loader().define(bytes).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated module class", e);
        }
    }

    // ---- what FunctionCompiler asks ------------------------------------------------------------

    String className() {
        return CLASS_NAME;
    }

    boolean isCompiled(int funcIdx) {
        return compiled[funcIdx];
    }

    boolean isImport(int funcIdx) {
        return funcIdx < importedFunctions;
    }

    ValType globalType(int g) {
        return globalTypes.get(g);
    }

    /** The name of the dispatcher for call_indirect of this type through this table. */
    String indirectDispatcher(int typeIdx, int tableIdx) {
        String name = "ci" + typeIdx + "_" + tableIdx;
        dispatchers.putIfAbsent(name, new int[] {typeIdx, tableIdx});
        return name;
    }

    // ---- generated glue ------------------------------------------------------------------------

    private static final String CTX_DESC = Type.getDescriptor(Ctx.class);
    private static final String RT = Type.getInternalName(Rt.class);

    /**
     * {@code static R ciT_N(params..., int element, Ctx c)}: resolves the element with the
     * reference's checks, then calls directly any compiled function of exactly this signature,
     * and anything else through the instance's machine.
     */
    private void emitDispatchers(ClassWriter cw) {
        for (Map.Entry<String, int[]> d : dispatchers.entrySet()) {
            int typeIdx = d.getValue()[0];
            int tableIdx = d.getValue()[1];
            FunctionType ft = module.typeSection().getType(typeIdx);
            String desc = FunctionCompiler.descriptor(ft).replace(CTX_DESC + ")", "I" + CTX_DESC + ")");
            MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, d.getKey(), desc, null, null);
            mv.visitCode();
            int slot = 0;
            int[] paramSlots = new int[ft.params().size()];
            for (int k = 0; k < paramSlots.length; k++) {
                paramSlots[k] = slot;
                slot += Vt.of(ft.params().get(k)).size;
            }
            int elementSlot = slot++;
            int ctxSlot = slot++;
            int funcSlot = slot++;
            mv.visitVarInsn(ILOAD, elementSlot);
            pushInt(mv, typeIdx);
            pushInt(mv, tableIdx);
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitMethodInsn(INVOKESTATIC, RT, "resolveIndirect", "(III" + CTX_DESC + ")I", false);
            mv.visitVarInsn(ISTORE, funcSlot);
            List<Integer> targets = new ArrayList<>();
            for (int f = importedFunctions; f < compiled.length; f++) {
                if (compiled[f] && Coverage.functionType(module, f).equals(ft)) {
                    targets.add(f);
                }
            }
            Label generic = new Label();
            if (!targets.isEmpty()) {
                int[] keys = targets.stream().mapToInt(Integer::intValue).toArray();
                Label[] labels = new Label[keys.length];
                for (int k = 0; k < keys.length; k++) {
                    labels[k] = new Label();
                }
                mv.visitVarInsn(ILOAD, funcSlot);
                mv.visitLookupSwitchInsn(generic, keys, labels);
                for (int k = 0; k < keys.length; k++) {
                    mv.visitLabel(labels[k]);
                    loadParams(mv, ft, paramSlots);
                    mv.visitVarInsn(ALOAD, ctxSlot);
                    mv.visitMethodInsn(INVOKESTATIC, CLASS_NAME, FunctionCompiler.methodName(keys[k]),
                            FunctionCompiler.descriptor(ft), false);
                    returnValue(mv, ft);
                }
            }
            mv.visitLabel(generic);
            // long[] args = {params...}; return unbox(Rt.callAny(args, func, c))
            pushInt(mv, paramSlots.length);
            mv.visitIntInsn(NEWARRAY, T_LONG);
            for (int k = 0; k < paramSlots.length; k++) {
                Vt t = Vt.of(ft.params().get(k));
                mv.visitInsn(DUP);
                pushInt(mv, k);
                mv.visitVarInsn(t.load, paramSlots[k]);
                toLong(mv, t);
                mv.visitInsn(LASTORE);
            }
            mv.visitVarInsn(ILOAD, funcSlot);
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitMethodInsn(INVOKESTATIC, RT, "callAny", "([JI" + CTX_DESC + ")[J", false);
            if (ft.returns().isEmpty()) {
                mv.visitInsn(POP);
                mv.visitInsn(RETURN);
            } else {
                Vt r = Vt.of(ft.returns().get(0));
                mv.visitInsn(ICONST_0);
                mv.visitInsn(LALOAD);
                fromLong(mv, r);
                mv.visitInsn(r.ret);
            }
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
    }

    /** {@code long[] call(int funcId, long[] args, Ctx c)}: unboxes, calls, boxes. */
    private void emitEntry(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "call", "(I[J" + CTX_DESC + ")[J", null, null);
        mv.visitCode();
        List<Integer> funcs = new ArrayList<>();
        for (int f = importedFunctions; f < compiled.length; f++) {
            if (compiled[f]) {
                funcs.add(f);
            }
        }
        int[] keys = funcs.stream().mapToInt(Integer::intValue).toArray();
        Label[] labels = new Label[keys.length];
        for (int k = 0; k < keys.length; k++) {
            labels[k] = new Label();
        }
        Label dflt = new Label();
        mv.visitVarInsn(ILOAD, 1);
        mv.visitLookupSwitchInsn(dflt, keys, labels);
        for (int k = 0; k < keys.length; k++) {
            mv.visitLabel(labels[k]);
            FunctionType ft = Coverage.functionType(module, keys[k]);
            for (int p = 0; p < ft.params().size(); p++) {
                mv.visitVarInsn(ALOAD, 2);
                pushInt(mv, p);
                mv.visitInsn(LALOAD);
                fromLong(mv, Vt.of(ft.params().get(p)));
            }
            mv.visitVarInsn(ALOAD, 3);
            mv.visitMethodInsn(INVOKESTATIC, CLASS_NAME, FunctionCompiler.methodName(keys[k]),
                    FunctionCompiler.descriptor(ft), false);
            if (ft.returns().isEmpty()) {
                mv.visitInsn(ACONST_NULL); // as the interpreter returns for no results
            } else {
                Vt r = Vt.of(ft.returns().get(0));
                toLong(mv, r);
                int tmp = 4;
                mv.visitVarInsn(LSTORE, tmp);
                mv.visitInsn(ICONST_1);
                mv.visitIntInsn(NEWARRAY, T_LONG);
                mv.visitInsn(DUP);
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(LLOAD, tmp);
                mv.visitInsn(LASTORE);
            }
            mv.visitInsn(ARETURN);
        }
        mv.visitLabel(dflt);
        mv.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(DUP);
        mv.visitLdcInsn("function not compiled by this tier");
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void loadParams(MethodVisitor mv, FunctionType ft, int[] slots) {
        for (int k = 0; k < slots.length; k++) {
            mv.visitVarInsn(Vt.of(ft.params().get(k)).load, slots[k]);
        }
    }

    private static void returnValue(MethodVisitor mv, FunctionType ft) {
        mv.visitInsn(ft.returns().isEmpty() ? RETURN : Vt.of(ft.returns().get(0)).ret);
    }

    private static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static void toLong(MethodVisitor mv, Vt t) {
        switch (t) {
            case I32 -> mv.visitInsn(I2L);
            case I64 -> { }
            case F32 -> {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                mv.visitInsn(I2L);
            }
            case F64 -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
        }
    }

    private static void fromLong(MethodVisitor mv, Vt t) {
        switch (t) {
            case I32 -> mv.visitInsn(L2I);
            case I64 -> { }
            case F32 -> {
                mv.visitInsn(L2I);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            }
            case F64 -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
        }
    }
}
