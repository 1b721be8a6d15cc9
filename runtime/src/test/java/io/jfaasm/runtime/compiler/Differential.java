package io.jfaasm.runtime.compiler;

import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import io.jfaasm.runtime.memory.LinearMemory;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs a module the same way under two machines and records everything observable: each call's
 * results (exact bits) or trap (exception class and message), every host call with its arguments,
 * WASI output and exit code, and at the end all of memory and every global.
 */
final class Differential {
    private Differential() {}

    /** What one run showed. */
    record Outcome(List<String> events, byte[] memory, long[] globals) {}

    /** How the module is driven. */
    enum Script {
        /** A WASI command or a Faasm function: its entry point. */
        ENTRY,
        /** A binaryen fuzz module: every export, twice (zero and non-zero arguments). */
        EXPORTS
    }

    static Outcome run(WasmModule module, Function<Instance, Machine> machines, Script script) {
        List<String> events = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder()
                .withArguments(List.of("module", "1"))
                .withClock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC))
                .withRandom(new Random(42))
                .withStdout(out).withStderr(out).build()).build();
        List<HostFunction> imports = new ArrayList<>();
        HostFunction[] wasiFunctions = wasi.toHostFunctions();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!(imp instanceof FunctionImport fi)) {
                continue;
            }
            HostFunction real = null;
            if (imp.module().equals("wasi_snapshot_preview1")) {
                for (HostFunction h : wasiFunctions) {
                    if (h.name().equals(imp.name())) {
                        real = h;
                    }
                }
            }
            if (imp.name().equals("clock_time_get") && real != null) {
                // System.nanoTime behind CLOCK_MONOTONIC: a fixed time instead, so runs compare
                imports.add(new HostFunction(imp.module(), imp.name(), module.typeSection().getType(fi.typeIndex()), (inst, args) -> {
                    inst.memory().writeLong((int) args[2], 1_000_000_000L);
                    return new long[] {0};
                }));
            } else if (real != null) {
                imports.add(real);
            } else {
                FunctionType t = module.typeSection().getType(fi.typeIndex());
                String name = imp.module() + "." + imp.name();
                imports.add(new HostFunction(imp.module(), imp.name(), t, (inst, args) -> {
                    events.add("host " + name + " " + hex(canonical(t.params(), args)));
                    return t.returns().isEmpty() ? null : new long[t.returns().size()];
                }));
            }
        }
        // imported globals (binaryen's fuzz modules import an externref): a fixed host value for an
        // externref, null for other references, zero for numbers
        List<ImportGlobal> globalImports = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            if (module.importSection().getImport(i) instanceof GlobalImport gi) {
                ValType t = gi.type();
                long v = t.equals(ValType.ExternRef) ? 42 : t.isReference() ? Value.REF_NULL_VALUE : 0;
                globalImports.add(new ImportGlobal(gi.module(), gi.name(), new GlobalInstance(new Value(t, v))));
            }
        }
        LinearMemory[] memory = new LinearMemory[1];
        Instance instance;
        try {
            instance = Instance.builder(module)
                    .withMachineFactory(machines)
                    .withMemoryFactory(l -> memory[0] = new LinearMemory(l.initialPages(),
                            Math.min(l.maximumPages(), 2048)))
                    .withTableFactory((table, init) -> new TableInstance(new Table(table.elementType(),
                            new TableLimits(table.limits().min(), table.limits().max()),
                            table.initialize()), init))
                    .withImportValues(ImportValues.builder().addFunction(imports.toArray(HostFunction[]::new))
                            .addGlobal(globalImports.toArray(ImportGlobal[]::new)).build())
                    .withStart(false)
                    .build();
        } catch (RuntimeException e) {
            // e.g. an element segment out of its table's bounds: both engines must refuse alike
            if (memory[0] != null) {
                memory[0].close();
            }
            wasi.close();
            events.add("instantiate trap " + e.getClass().getName() + ": " + e.getMessage());
            return new Outcome(events, new byte[0], new long[0]);
        }
        try {
            if (script == Script.ENTRY) {
                String entry = has(module, "_start") ? "_start" : "faasm_main";
                if (has(module, "_initialize")) {
                    call(instance, "_initialize", new long[0], events);
                }
                call(instance, entry, new long[0], events);
            } else {
                for (long[] pattern : new long[][] {{0}, {-1, 7, 0x7FC00000L, 0x4010000000000000L, 3}}) {
                    for (int i = 0; i < module.exportSection().exportCount(); i++) {
                        Export e = module.exportSection().getExport(i);
                        if (e.exportType() != ExternalType.FUNCTION || e.name().equals("hangLimitInitializer")) {
                            continue;
                        }
                        if (has(module, "hangLimitInitializer")) {
                            call(instance, "hangLimitInitializer", new long[0], events);
                        }
                        int n = instance.type(instance.functionType((int) e.index())).params().size();
                        long[] args = new long[n];
                        for (int k = 0; k < n; k++) {
                            args[k] = pattern[k % pattern.length];
                        }
                        call(instance, e.name(), args, events);
                    }
                }
            }
            events.add("output " + HexFormat.of().formatHex(out.toByteArray()));
            byte[] mem = memory[0] == null ? new byte[0] : memory[0].readBytes(0, (int) memory[0].sizeInBytes());
            long[] globals = new long[instance.globalCount()];
            for (int g = 0; g < globals.length; g++) {
                globals[g] = canonical(instance.global(g).getType(), instance.global(g).getValue());
            }
            return new Outcome(events, mem, globals);
        } finally {
            if (memory[0] != null) {
                memory[0].close();
            }
            wasi.close();
        }
    }

    private static void call(Instance instance, String name, long[] args, List<String> events) {
        ExportFunction f = instance.export(name);
        try {
            long[] r = f.apply(args);
            events.add("call " + name + " " + hex(args) + " -> " + hex(canonical(instance.exportType(name).returns(), r)));
        } catch (WasiExitException e) {
            events.add("call " + name + " exit " + e.exitCode());
        } catch (ExecutionCompletedException e) {
            events.add("call " + name + " completed");
        } catch (RuntimeException | StackOverflowError e) {
            events.add("call " + name + " " + hex(args) + " trap " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static boolean has(WasmModule module, String export) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            if (e.name().equals(export) && e.exportType() == ExternalType.FUNCTION) {
                return true;
            }
        }
        return false;
    }

    /** A value as its type's bits: i32 and f32 are the low 32 (the interpreter may leave junk above). */
    static long canonical(ValType t, long v) {
        return t.equals(ValType.I32) || t.equals(ValType.F32) ? v & 0xFFFFFFFFL : v;
    }

    private static long[] canonical(List<ValType> types, long[] v) {
        if (v == null) {
            return null;
        }
        long[] r = v.clone();
        for (int i = 0; i < r.length && i < types.size(); i++) {
            r[i] = canonical(types.get(i), r[i]);
        }
        return r;
    }

    private static String hex(long[] v) {
        if (v == null) {
            return "()";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? " " : "").append(Long.toHexString(v[i]));
        }
        return sb.append(')').toString();
    }

    /** Chicory's interpreter, the reference. */
    static Function<Instance, Machine> reference() {
        return InterpreterMachine::new;
    }

    static WasmModule parse(byte[] bytes) {
        return Parser.parse(bytes);
    }
}
