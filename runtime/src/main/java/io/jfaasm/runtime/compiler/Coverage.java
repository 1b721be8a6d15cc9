package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The subset this tier compiles: which functions it takes, and for the others why not (the reason
 * is logged and counted; those functions run on Chicory's compiler).
 */
final class Coverage {
    private Coverage() {}

    /** Instructions with no operand beyond what {@link FunctionCompiler} reads itself. */
    static final Set<OpCode> SUPPORTED = EnumSet.noneOf(OpCode.class);

    static {
        for (OpCode op : OpCode.values()) {
            int code = op.opcode();
            // MVP numeric, parametric, variable, memory and control instructions (0x00-0xC4
            // includes the sign-extension operators 0xC0-0xC4)...
            if (code >= 0x00 && code <= 0xC4) {
                SUPPORTED.add(op);
            }
        }
        // ...except exception handling, tail calls and typed function references.
        SUPPORTED.removeAll(EnumSet.of(OpCode.THROW, OpCode.THROW_REF, OpCode.TRY_TABLE,
                OpCode.RETURN_CALL, OpCode.RETURN_CALL_INDIRECT, OpCode.CALL_REF,
                OpCode.RETURN_CALL_REF));
        for (OpCode op : OpCode.values()) {
            if (op.name().startsWith("I32_TRUNC_SAT") || op.name().startsWith("I64_TRUNC_SAT")) {
                SUPPORTED.add(op);
            }
        }
        // bulk memory, and reference types on funcref and externref
        SUPPORTED.addAll(EnumSet.of(OpCode.MEMORY_COPY, OpCode.MEMORY_FILL, OpCode.MEMORY_INIT,
                OpCode.DATA_DROP, OpCode.REF_NULL, OpCode.REF_IS_NULL, OpCode.REF_FUNC, OpCode.REF_AS_NON_NULL, OpCode.TABLE_SIZE,
                OpCode.TABLE_GROW, OpCode.TABLE_FILL, OpCode.TABLE_COPY, OpCode.TABLE_INIT, OpCode.ELEM_DROP));
    }

    /** Null when the function can be compiled, else why not. */
    static String unsupported(WasmModule module, List<ValType> globals, int localIndex, FunctionType type, FunctionBody body) {
        if (!terminated(body)) {
            // Chicory accepts a body whose last end closes a block, not the function (a fuzzer's
            // mutant); its interpreter then returns there, and so does its compiler
            return "a body whose last end closes a block";
        }
        for (ValType t : type.params()) {
            if (Vt.of(t) == null) {
                return "parameter of type " + t;
            }
        }
        for (ValType t : type.returns()) {
            if (Vt.of(t) == null) {
                return "result of type " + t;
            }
        }
        for (ValType t : body.localTypes()) {
            if (Vt.of(t) == null) {
                return "local of type " + t;
            }
        }
        for (AnnotatedInstruction ins : body.instructions()) {
            OpCode op = ins.opcode();
            if (!SUPPORTED.contains(op)) {
                return "instruction " + op;
            }
            switch (op) {
                case BLOCK, LOOP, IF -> {
                    long bt = ins.operand(0);
                    if (bt != 0x40) {
                        if (ValType.isValid(bt)) {
                            if (Vt.ofBlockTypeId(bt) == null) {
                                return "block of type " + bt;
                            }
                        } else if (!representable(module.typeSection().getType((int) bt))) {
                            return "block of type " + module.typeSection().getType((int) bt);
                        }
                    }
                }
                case SELECT_T -> {
                    if (ins.operandCount() != 1 || Vt.ofBlockTypeId(ins.operand(0)) == null) {
                        return "typed select of a type other than numeric, funcref, externref";
                    }
                }
                case GLOBAL_GET, GLOBAL_SET -> {
                    ValType t = globals.get((int) ins.operand(0));
                    if (Vt.of(t) == null) {
                        return "global of type " + t;
                    }
                }
                case CALL -> {
                    FunctionType callee = functionType(module, (int) ins.operand(0));
                    if (!representable(callee)) {
                        return "call of a function of type " + callee;
                    }
                }
                case CALL_INDIRECT -> {
                    FunctionType callee = module.typeSection().getType((int) ins.operand(0));
                    if (!representable(callee)) {
                        return "call_indirect of type " + callee;
                    }
                }
                case MEMORY_COPY -> {
                    if (ins.operand(0) != 0 || ins.operand(1) != 0) {
                        return "multi-memory";
                    }
                }
                case MEMORY_FILL, MEMORY_SIZE, MEMORY_GROW -> {
                    if (ins.operand(0) != 0) {
                        return "multi-memory";
                    }
                }
                case MEMORY_INIT -> {
                    if (ins.operand(1) != 0) {
                        return "multi-memory";
                    }
                }
                default -> {
                    if (op.name().contains("LOAD") || op.name().contains("STORE")) {
                        if (ins.operandCount() > 2 && ins.operand(2) != 0) {
                            return "multi-memory";
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Whether the body's last instruction is the end of the function itself. */
    private static boolean terminated(FunctionBody body) {
        int depth = 0;
        List<AnnotatedInstruction> code = body.instructions();
        for (int i = 0; i < code.size(); i++) {
            switch (code.get(i).opcode()) {
                case BLOCK, LOOP, IF, TRY_TABLE -> depth++;
                case END -> {
                    if (depth-- == 0) {
                        return i == code.size() - 1;
                    }
                }
                default -> { }
            }
        }
        return false;
    }

    /**
     * Whether every parameter and result is of a type this tier handles ({@link Vt}): then a
     * function of this type has a JVM method of its own, compiled or a stub.
     */
    static boolean representable(FunctionType t) {
        for (ValType v : t.params()) {
            if (Vt.of(v) == null) {
                return false;
            }
        }
        for (ValType v : t.returns()) {
            if (Vt.of(v) == null) {
                return false;
            }
        }
        return true;
    }

    /** The types of the module's globals, imported then defined, by global index. */
    static List<ValType> globalTypes(WasmModule module) {
        List<ValType> types = new ArrayList<>();
        for (int k = 0; k < module.importSection().importCount(); k++) {
            if (module.importSection().getImport(k) instanceof com.dylibso.chicory.wasm.types.GlobalImport gi) {
                types.add(gi.type());
            }
        }
        for (var g : module.globalSection().globals()) {
            types.add(g.valueType());
        }
        return types;
    }

    /** The type of function {@code funcIdx}, imported or defined. */
    static FunctionType functionType(WasmModule module, int funcIdx) {
        int imported = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        if (funcIdx < imported) {
            int n = 0;
            for (int k = 0; k < module.importSection().importCount(); k++) {
                if (module.importSection().getImport(k)
                        instanceof com.dylibso.chicory.wasm.types.FunctionImport fi) {
                    if (n++ == funcIdx) {
                        return module.typeSection().getType(fi.typeIndex());
                    }
                }
            }
        }
        return module.functionSection().getFunctionType(funcIdx - imported, module.typeSection());
    }
}
