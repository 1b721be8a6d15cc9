package io.jfaasm.runtime.compiler;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Compiles a validated module to JVM classes: functions in chunks of {@link #CHUNK}, one class per
 * chunk (a class holds at most 65,535 constants, and big modules such as CPython have over 11,000
 * functions), each with a static method per function, the methods of its outlined loops, and its
 * {@link ModuleCode#call} entry; plus one class of call_indirect dispatchers. A function this tier
 * does not take (see {@link Coverage}), or whose method the JVM would refuse as too large, gets a
 * stub of the same signature that calls Chicory's compiler through {@link Ctx#fallback}: callers
 * never depend on which functions compiled, so one function's fallback costs no other recompile.
 */
public final class ModuleCompiler {
    static final String PACKAGE = "io/jfaasm/generated/";
    /** Functions per generated class. */
    static final int CHUNK = 200;
    /** The JVM's limit on a method's bytecode. */
    private static final int MAX_METHOD_BYTES = 65535;
    /** HotSpot leaves methods over this many bytes of bytecode to its interpreter (-XX:+DontCompileHugeMethods). */
    private static final int HUGE_METHOD_BYTES = 8000;

    /**
     * When a function is split into methods: over {@code aboveBytes} of bytecode in one method, into
     * methods of about {@code budget} wasm instructions. {@link #DEFAULT} is what HotSpot needs;
     * tests split far more to exercise the splitting on every module.
     */
    record Splitting(int aboveBytes, int budget) {
        static final Splitting DEFAULT = new Splitting(HUGE_METHOD_BYTES, SplitPlan.BUDGET);
    }

    private final WasmModule module;
    private final int importedFunctions;
    private final List<ValType> globalTypes;
    private final boolean[] compiled;
    /** Functions with a JVM method (compiled or stub): defined, with values of types this tier handles. */
    private final boolean[] hasMethod;
    private final Map<Integer, String> fallbackReasons = new TreeMap<>();
    /** call_indirect dispatchers wanted: name to {type index, table index}. */
    private final Map<String, int[]> dispatchers = new TreeMap<>();
    private final String prefix;
    private final Splitting splitting;

    private ModuleCompiler(WasmModule module, Splitting splitting) {
        this.module = module;
        this.splitting = splitting;
        this.importedFunctions = module.importSection().count(ExternalType.FUNCTION);
        this.globalTypes = Coverage.globalTypes(module);
        int n = importedFunctions + module.functionSection().functionCount();
        this.compiled = new boolean[n];
        this.hasMethod = new boolean[n];
        for (int f = importedFunctions; f < n; f++) {
            hasMethod[f] = Coverage.representable(Coverage.functionType(module, f));
        }
        this.prefix = PACKAGE + "WasmModule";
    }

    /**
     * The result: one entry per chunk (null when no function could be compiled), which functions
     * compiled and why the others did not, and the class files by internal name.
     */
    public record Result(ModuleCode[] chunks, boolean[] compiled, Map<Integer, String> fallbackReasons,
            int importedFunctions, Map<String, byte[]> classFiles) {

        /** The entry for a compiled function. */
        ModuleCode chunkOf(int funcIdx) {
            return chunks[(funcIdx - importedFunctions) / CHUNK];
        }
    }

    public static Result compile(WasmModule module) {
        return compile(module, Splitting.DEFAULT);
    }

    static Result compile(WasmModule module, Splitting splitting) {
        return new ModuleCompiler(module, splitting).run();
    }

    private Result run() {
        FunctionBody[] bodies = module.codeSection().functionBodies();
        int chunkCount = (bodies.length + CHUNK - 1) / CHUNK;
        ClassWriter[] writers = new ClassWriter[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            writers[c] = newWriter(chunkClass(c), new String[] {Type.getInternalName(ModuleCode.class)});
        }
        for (int i = 0; i < bodies.length; i++) {
            int funcIdx = importedFunctions + i;
            FunctionType type = Coverage.functionType(module, funcIdx);
            String why = Coverage.unsupported(module, globalTypes, i, type, bodies[i]);
            if (why == null) {
                ClassNode methods = new ClassNode();
                try {
                    new FunctionCompiler(module, this, funcIdx, type, bodies[i]).compile(methods);
                    if (largestMethod(methods) > splitting.aboveBytes()) {
                        methods = split(funcIdx, type, bodies[i], 1);
                    } else if (SplitPlan.straightAccesses(bodies[i].instructions()) > SplitPlan.STRAIGHT_ACCESSES) {
                        methods = split(funcIdx, type, bodies[i], SplitPlan.ACCESS_WEIGHT);
                    }
                    why = largestMethod(methods) > MAX_METHOD_BYTES
                            ? "JVM method too large (" + largestMethod(methods) + " bytes)" : null;
                } catch (FunctionCompiler.Unsupported e) {
                    why = e.getMessage();
                }
                if (why == null) {
                    compiled[funcIdx] = true;
                    for (MethodNode m : methods.methods) {
                        m.accept(writers[i / CHUNK]);
                    }
                }
            }
            if (why != null) {
                fallbackReasons.put(funcIdx, why);
                if (hasMethod[funcIdx]) {
                    emitStub(writers[i / CHUNK], funcIdx, type);
                }
            }
        }
        if (fallbackReasons.size() == bodies.length) {
            return new Result(null, compiled, fallbackReasons, importedFunctions, Map.of());
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int c = 0; c < chunkCount; c++) {
            emitLocalDispatchers(writers[c], c);
            emitEntry(writers[c], c);
            writers[c].visitEnd();
            classes.put(chunkClass(c), writers[c].toByteArray());
        }
        ClassWriter d = newWriter(dispatchClass(), null);
        emitDispatchers(d);
        d.visitEnd();
        classes.put(dispatchClass(), d.toByteArray());
        return new Result(load(classes, chunkCount, this::chunkClass), compiled, fallbackReasons,
                importedFunctions, classes);
    }

    /**
     * Recompiles a function with parts of it as methods of their own: one too big for one method,
     * or (with a memory access weighing {@code accessWeight} instructions) one C2 would not inline
     * every access of.
     */
    private ClassNode split(int funcIdx, FunctionType type, FunctionBody body, int accessWeight) {
        int[] heights = FunctionCompiler.stackHeights(module, this, funcIdx, type, body);
        SplitPlan plan = SplitPlan.of(body.instructions(), heights, Liveness.of(body.instructions()),
                splitting.budget(), accessWeight);
        ClassNode methods = new ClassNode();
        new FunctionCompiler(module, this, funcIdx, type, body).compile(methods, plan);
        return methods;
    }

    /** The bytecode size of the largest of the methods. */
    private static int largestMethod(ClassNode methods) {
        int largest = 0;
        for (MethodNode m : methods.methods) {
            if (m.instructions.size() < 1000) {
                largest = Math.max(largest, m.instructions.size()); // under 8,000 bytes whatever they are
                continue;
            }
            ClassWriter probe = new ClassWriter(0);
            probe.visit(V21, ACC_PUBLIC, "Probe", null, "java/lang/Object", null);
            m.accept(probe);
            try {
                byte[] bytes = probe.toByteArray();
                largest = Math.max(largest, codeLength(bytes));
            } catch (MethodTooLargeException e) {
                return e.getCodeSize();
            }
        }
        return largest;
    }

    /** The code length of the one method of a probe class (no interfaces, no fields), from its Code attribute. */
    private static int codeLength(byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        int method = r.header + 12; // access, this, super, 0 interfaces, 0 fields, 1 method
        int attributes = r.readUnsignedShort(method + 6);
        char[] buffer = new char[r.getMaxStringLength()];
        for (int k = 0, a = method + 8; k < attributes; k++) {
            if ("Code".equals(r.readUTF8(a, buffer))) {
                return r.readInt(a + 10); // after the name, the length, max_stack and max_locals
            }
            a += 6 + r.readInt(a + 2);
        }
        return 0;
    }

    private static ClassWriter newWriter(String name, String[] interfaces) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // frames only ever merge our own few reference types
            }
        };
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", interfaces);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }

    /** Defines a module's classes in a loader of their own, where they find each other. */
    private static final class Loader extends ClassLoader {
        Loader() {
            super(ModuleCompiler.class.getClassLoader());
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }

    static ModuleCode[] load(Map<String, byte[]> classes, int chunkCount, java.util.function.IntFunction<String> chunkClass) {
        if (VectorPlan.AVAILABLE && !vectorsWarm && classes.values().stream().anyMatch(ModuleCompiler::usesVectors)) {
            warmVectors();
        }
        Loader loader = new Loader();
        Map<String, Class<?>> defined = new java.util.HashMap<>();
        classes.forEach((name, bytes) -> defined.put(name, loader.define(bytes)));
        ModuleCode[] chunks = new ModuleCode[chunkCount];
        try {
            for (int c = 0; c < chunkCount; c++) {
                chunks[c] = (ModuleCode) defined.get(chunkClass.apply(c)).getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated module class", e);
        }
        return chunks;
    }

    private static final byte[] VEC_NAME = "io/jfaasm/runtime/compiler/Vec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether {@link Vec#warmUp} has run in this JVM: then loads skip looking for vector code. */
    private static volatile boolean vectorsWarm;

    private static synchronized void warmVectors() {
        if (!vectorsWarm) {
            Vec.warmUp();
            vectorsWarm = true;
        }
    }

    /** Whether a class file names {@link Vec} (in its constant pool): it has vector code. */
    private static boolean usesVectors(byte[] classFile) {
        outer:
        for (int i = 0; i + VEC_NAME.length <= classFile.length; i++) {
            for (int k = 0; k < VEC_NAME.length; k++) {
                if (classFile[i + k] != VEC_NAME[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- what FunctionCompiler asks ------------------------------------------------------------

    /** The class holding function {@code funcIdx}'s method (and its outlined loops). */
    String classOf(int funcIdx) {
        return chunkClass((funcIdx - importedFunctions) / CHUNK);
    }

    private String chunkClass(int chunk) {
        return prefix + "_" + chunk;
    }

    String dispatchClass() {
        return prefix + "_dispatch";
    }

    /** Whether a direct call reaches the function: it has a method, compiled or a stub. */
    boolean hasMethod(int funcIdx) {
        return hasMethod[funcIdx];
    }

    boolean isImport(int funcIdx) {
        return funcIdx < importedFunctions;
    }

    ValType globalType(int g) {
        return globalTypes.get(g);
    }

    /** The name of the dispatcher (in {@link #dispatchClass()}) for call_indirect of this type through this table. */
    String indirectDispatcher(int typeIdx, int tableIdx) {
        String name = "ci" + typeIdx + "_" + tableIdx;
        dispatchers.putIfAbsent(name, new int[] {typeIdx, tableIdx});
        return name;
    }

    // ---- generated glue ------------------------------------------------------------------------

    private static final String CTX_DESC = Type.getDescriptor(Ctx.class);
    private static final String RT = Type.getInternalName(Rt.class);

    /** {@code static R fN(params..., Ctx c)} of a function left to Chicory: boxes, calls it there, unboxes. */
    private void emitStub(ClassWriter cw, int funcIdx, FunctionType ft) {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, FunctionCompiler.methodName(funcIdx),
                FunctionCompiler.descriptor(ft), null, null);
        mv.visitCode();
        int[] paramSlots = paramSlots(ft);
        int ctxSlot = slotsOf(ft);
        boxedCall(mv, ft, paramSlots, () -> Vt.iconst(mv, funcIdx), ctxSlot, "callFallback");
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The JVM slots a function's parameters take: the first free slot after them. */
    private static int slotsOf(FunctionType ft) {
        return ft.params().stream().mapToInt(p -> Vt.of(p).size).sum();
    }

    private static int[] paramSlots(FunctionType ft) {
        int[] slots = new int[ft.params().size()];
        int slot = 0;
        for (int k = 0; k < slots.length; k++) {
            slots[k] = slot;
            slot += Vt.of(ft.params().get(k)).size;
        }
        return slots;
    }

    /** {@code return unbox(Rt.helper(new long[] {params...}, funcId, c))}; several results stay a long[]. */
    private static void boxedCall(MethodVisitor mv, FunctionType ft, int[] paramSlots, Runnable pushFuncId,
            int ctxSlot, String helper) {
        Vt.iconst(mv, paramSlots.length);
        mv.visitIntInsn(NEWARRAY, T_LONG);
        for (int k = 0; k < paramSlots.length; k++) {
            Vt t = Vt.of(ft.params().get(k));
            mv.visitInsn(DUP);
            Vt.iconst(mv, k);
            mv.visitVarInsn(t.load, paramSlots[k]);
            t.toLong(mv);
            mv.visitInsn(LASTORE);
        }
        pushFuncId.run();
        mv.visitVarInsn(ALOAD, ctxSlot);
        mv.visitMethodInsn(INVOKESTATIC, RT, helper, "([JI" + CTX_DESC + ")[J", false);
        if (ft.returns().isEmpty()) {
            mv.visitInsn(POP);
            mv.visitInsn(RETURN);
        } else if (ft.returns().size() > 1) {
            mv.visitInsn(ARETURN);
        } else {
            Vt r = Vt.of(ft.returns().get(0));
            mv.visitInsn(ICONST_0);
            mv.visitInsn(LALOAD);
            r.fromLong(mv);
            mv.visitInsn(r.ret);
        }
    }

    /** The descriptor of a dispatcher: the function's parameters, the element or function index, the Ctx. */
    private static String dispatcherDescriptor(FunctionType ft) {
        return FunctionCompiler.descriptor(ft).replace(CTX_DESC + ")", "I" + CTX_DESC + ")");
    }

    /**
     * {@code static R ciT_N(params..., int element, Ctx c)}: resolves the element with the
     * reference's checks, then hands the function to its chunk's dispatcher for this signature,
     * and anything else (a host import, another instance's function) to the instance's machine.
     */
    private void emitDispatchers(ClassWriter cw) {
        for (Map.Entry<String, int[]> d : dispatchers.entrySet()) {
            int typeIdx = d.getValue()[0];
            int tableIdx = d.getValue()[1];
            FunctionType ft = module.typeSection().getType(typeIdx);
            MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, d.getKey(), dispatcherDescriptor(ft), null, null);
            mv.visitCode();
            int[] paramSlots = paramSlots(ft);
            int elementSlot = slotsOf(ft);
            int ctxSlot = elementSlot + 1;
            int funcSlot = elementSlot + 2;
            mv.visitVarInsn(ILOAD, elementSlot);
            Vt.iconst(mv, typeIdx);
            Vt.iconst(mv, tableIdx);
            mv.visitVarInsn(ALOAD, ctxSlot);
            mv.visitMethodInsn(INVOKESTATIC, RT, "resolveIndirect", "(III" + CTX_DESC + ")I", false);
            mv.visitVarInsn(ISTORE, funcSlot);
            List<Integer> chunks = new ArrayList<>();
            for (int c = 0; c * CHUNK < compiled.length - importedFunctions; c++) {
                if (!targets(ft, c).isEmpty()) {
                    chunks.add(c);
                }
            }
            Label generic = new Label();
            if (!chunks.isEmpty()) {
                Label inRange = new Label();
                mv.visitVarInsn(ILOAD, funcSlot);
                Vt.iconst(mv, importedFunctions);
                mv.visitJumpInsn(IF_ICMPGE, inRange);
                mv.visitJumpInsn(GOTO, generic); // an import, or FOREIGN
                mv.visitLabel(inRange);
                int[] keys = chunks.stream().mapToInt(Integer::intValue).toArray();
                Label[] labels = new Label[keys.length];
                for (int k = 0; k < keys.length; k++) {
                    labels[k] = new Label();
                }
                mv.visitVarInsn(ILOAD, funcSlot);
                Vt.iconst(mv, importedFunctions);
                mv.visitInsn(ISUB);
                Vt.iconst(mv, CHUNK);
                mv.visitInsn(IDIV);
                mv.visitLookupSwitchInsn(generic, keys, labels);
                for (int k = 0; k < keys.length; k++) {
                    mv.visitLabel(labels[k]);
                    loadParams(mv, ft, paramSlots);
                    mv.visitVarInsn(ILOAD, funcSlot);
                    mv.visitVarInsn(ALOAD, ctxSlot);
                    mv.visitMethodInsn(INVOKESTATIC, chunkClass(keys[k]), localDispatcher(ft), dispatcherDescriptor(ft), false);
                    returnValue(mv, ft);
                }
            }
            mv.visitLabel(generic);
            boxedCall(mv, ft, paramSlots, () -> mv.visitVarInsn(ILOAD, funcSlot), ctxSlot, "callAny");
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
    }

    /** The functions of chunk {@code c} with a method and exactly the signature {@code ft}. */
    private List<Integer> targets(FunctionType ft, int c) {
        List<Integer> targets = new ArrayList<>();
        int from = importedFunctions + c * CHUNK;
        for (int f = from; f < Math.min(from + CHUNK, compiled.length); f++) {
            if (hasMethod[f] && Coverage.functionType(module, f).equals(ft)) {
                targets.add(f);
            }
        }
        return targets;
    }

    /**
     * The name of the chunks' dispatchers for a signature: after the first type index of that
     * signature (not after its JVM shape: i64 and funcref, say, share one and are distinct types).
     */
    private String localDispatcher(FunctionType ft) {
        for (int k = 0; ; k++) {
            if (ft.equals(module.typeSection().getType(k))) {
                return "d_" + k;
            }
        }
    }

    /**
     * In chunk {@code c}, {@code static R d_SIG(params..., int funcId, Ctx c)} for each signature a
     * dispatcher wants: a switch over the chunk's functions of that signature.
     */
    private void emitLocalDispatchers(ClassWriter cw, int c) {
        Map<String, FunctionType> signatures = new TreeMap<>();
        for (int[] d : dispatchers.values()) {
            FunctionType ft = module.typeSection().getType(d[0]);
            signatures.putIfAbsent(localDispatcher(ft), ft);
        }
        for (Map.Entry<String, FunctionType> e : signatures.entrySet()) {
            FunctionType ft = e.getValue();
            List<Integer> targets = targets(ft, c);
            if (targets.isEmpty()) {
                continue;
            }
            MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PUBLIC, e.getKey(), dispatcherDescriptor(ft), null, null);
            mv.visitCode();
            int[] paramSlots = paramSlots(ft);
            int funcSlot = slotsOf(ft);
            int ctxSlot = funcSlot + 1;
            int[] keys = targets.stream().mapToInt(Integer::intValue).toArray();
            Label[] labels = new Label[keys.length];
            for (int k = 0; k < keys.length; k++) {
                labels[k] = new Label();
            }
            Label generic = new Label();
            mv.visitVarInsn(ILOAD, funcSlot);
            mv.visitLookupSwitchInsn(generic, keys, labels);
            for (int k = 0; k < keys.length; k++) {
                mv.visitLabel(labels[k]);
                loadParams(mv, ft, paramSlots);
                mv.visitVarInsn(ALOAD, ctxSlot);
                mv.visitMethodInsn(INVOKESTATIC, chunkClass(c), FunctionCompiler.methodName(keys[k]),
                        FunctionCompiler.descriptor(ft), false);
                returnValue(mv, ft);
            }
            mv.visitLabel(generic);
            boxedCall(mv, ft, paramSlots, () -> mv.visitVarInsn(ILOAD, funcSlot), ctxSlot, "callAny");
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
    }

    /** Chunk {@code c}'s {@code long[] call(int funcId, long[] args, Ctx c)}: unboxes, calls, boxes. */
    private void emitEntry(ClassWriter cw, int c) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "call", "(I[J" + CTX_DESC + ")[J", null, null);
        mv.visitCode();
        List<Integer> funcs = new ArrayList<>();
        int from = importedFunctions + c * CHUNK;
        for (int f = from; f < Math.min(from + CHUNK, compiled.length); f++) {
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
                Vt.iconst(mv, p);
                mv.visitInsn(LALOAD);
                Vt.of(ft.params().get(p)).fromLong(mv);
            }
            mv.visitVarInsn(ALOAD, 3);
            mv.visitMethodInsn(INVOKESTATIC, chunkClass(c), FunctionCompiler.methodName(keys[k]),
                    FunctionCompiler.descriptor(ft), false);
            if (ft.returns().isEmpty()) {
                mv.visitInsn(ACONST_NULL); // as the interpreter returns for no results
            } else if (ft.returns().size() > 1) {
                // the method's long[] already
            } else {
                Vt r = Vt.of(ft.returns().get(0));
                r.toLong(mv);
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
        mv.visitInsn(switch (ft.returns().size()) {
            case 0 -> RETURN;
            case 1 -> Vt.of(ft.returns().get(0)).ret;
            default -> ARETURN;
        });
    }
}
