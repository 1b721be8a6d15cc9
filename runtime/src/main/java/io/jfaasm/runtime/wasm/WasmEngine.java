package io.jfaasm.runtime.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import io.jfaasm.runtime.compiler.JfaasmCode;
import io.jfaasm.runtime.host.FaasmAbi;
import io.jfaasm.runtime.host.WasiImports;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads modules: checks the bytes, validates, checks imports and entry point against what the
 * host offers, and compiles to JVM bytecode once, through the on-disk code cache when there is one.
 * Every refusal is an {@link InvalidModuleException} whose message names the problem.
 */
public final class WasmEngine {
    private static final Logger LOG = LoggerFactory.getLogger(WasmEngine.class);
    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};

    private final CodeCache cache;
    /** JFaasm's tier's compiled classes, next to Chicory's; null without a cache. */
    private final CodeCache tierCache;
    private final int maxModuleBytes;
    private final Engine engine;

    /** With the {@link Engine#defaultEngine() default engine}. */
    public WasmEngine(CodeCache cache, int maxModuleBytes) {
        this(cache, maxModuleBytes, Engine.defaultEngine());
    }

    /**
     * @param cache where compiled code persists across restarts, or null for none
     * @param maxModuleBytes largest module accepted
     * @param engine which code runs the functions
     */
    public WasmEngine(CodeCache cache, int maxModuleBytes, Engine engine) {
        this.cache = cache;
        this.tierCache = cache == null || engine != Engine.JFAASM ? null
                : new CodeCache(cache.root(), "jfaasm-tier-" + JfaasmCode.version());
        this.maxModuleBytes = maxModuleBytes;
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    public CodeCache cache() {
        return cache;
    }

    /** Validates and compiles; the result instantiates any number of Faaslets. */
    public CompiledModule load(byte[] bytes) {
        try {
            return checkAndCompile(bytes);
        } catch (InvalidModuleException e) {
            throw e;
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            // Chicory's validator let something through that its compiler cannot take: a bad module
            // all the same, never a fault of the host.
            LOG.debug("module refused after parsing", e);
            throw new InvalidModuleException(ModuleProblem.INVALID, "invalid module: it passed"
                    + " validation but could not be compiled (" + e + ")", e);
        }
    }

    private CompiledModule checkAndCompile(byte[] bytes) {
        long start = System.nanoTime();
        checkHeader(bytes);
        WasmModule module = parse(bytes);
        checkNoSimd(module);
        checkImports(module);
        EntryPoint entry = entryPoint(module);
        boolean hasInitialize = checkInitialize(module);
        boolean hasZygote = checkZygote(module, entry);
        String sha256 = hex(module.digest());
        Compiled compiled = compile(module);
        long nanos = System.nanoTime() - start;
        LOG.debug("module {} loaded in {} ms ({})", sha256, nanos / 1_000_000,
                compiled.fromCache() ? "code cache" : "compiled");
        return new CompiledModule(module, compiled.factory(), sha256, bytes.length, entry,
                hasInitialize, hasZygote, nanos, compiled.fromCache());
    }

    private void checkHeader(byte[] bytes) {
        if (bytes.length > maxModuleBytes) {
            throw new InvalidModuleException(ModuleProblem.TOO_LARGE, "module is " + bytes.length
                    + " bytes, over the limit of " + maxModuleBytes + " bytes");
        }
        if (bytes.length < 4 || !java.util.Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
            throw new InvalidModuleException(ModuleProblem.NOT_WASM,
                    "not a WebAssembly module: it does not start with the bytes \\0asm");
        }
        if (bytes.length < 8) {
            throw new InvalidModuleException(ModuleProblem.TRUNCATED,
                    "module is truncated: " + bytes.length + " bytes, the header alone takes 8");
        }
        int version = (bytes[4] & 0xFF) | (bytes[5] & 0xFF) << 8 | (bytes[6] & 0xFF) << 16
                | (bytes[7] & 0xFF) << 24;
        if (version != 1) {
            throw new InvalidModuleException(ModuleProblem.NOT_WASM, "unsupported WebAssembly binary"
                    + " version " + version + " (a core module has version 1; components are not"
                    + " supported)");
        }
        InvalidModuleException framing = SectionWalk.check(bytes);
        if (framing != null) {
            throw framing;
        }
    }

    private static WasmModule parse(byte[] bytes) {
        try {
            return Parser.parse(bytes);
        } catch (ChicoryException e) {
            throw new InvalidModuleException(ModuleProblem.INVALID,
                    "invalid module: " + e.getMessage(), e);
        } catch (RuntimeException | AssertionError e) {
            // The parser's own checks missed it and something broke inside: still a bad module.
            throw new InvalidModuleException(ModuleProblem.INVALID,
                    "invalid module: malformed (" + e.getClass().getSimpleName() + " while parsing)", e);
        } catch (StackOverflowError e) {
            throw new InvalidModuleException(ModuleProblem.INVALID,
                    "invalid module: nesting too deep to validate", e);
        } catch (OutOfMemoryError e) {
            throw new InvalidModuleException(ModuleProblem.INVALID,
                    "invalid module: declares sizes too large to load", e);
        }
    }

    private static void checkNoSimd(WasmModule module) {
        for (FunctionType t : module.typeSection().types()) {
            if (usesV128(t.params()) || usesV128(t.returns())) {
                throw simd("a function type with v128 values");
            }
        }
        FunctionBody[] bodies = module.codeSection().functionBodies();
        for (int f = 0; f < bodies.length; f++) {
            if (usesV128(bodies[f].localTypes())) {
                throw simd("v128 locals in function " + f);
            }
            for (AnnotatedInstruction ins : bodies[f].instructions()) {
                if (ins.opcode().opcode() >>> 8 == 0xFD) {
                    throw simd("instruction " + ins.opcode() + " in function " + f);
                }
            }
        }
    }

    private static boolean usesV128(List<ValType> types) {
        for (ValType t : types) {
            if (t.equals(ValType.V128)) {
                return true;
            }
        }
        return false;
    }

    private static InvalidModuleException simd(String where) {
        return new InvalidModuleException(ModuleProblem.UNSUPPORTED_FEATURE,
                "module uses the SIMD proposal (" + where + "), which JFaasm's compiler does not run:"
                        + " build the function without -msimd128");
    }

    private static void checkImports(WasmModule module) {
        Map<String, FunctionType> faasm = FaasmAbi.signatures();
        Map<String, FunctionType> wasi = WasiImports.signatures();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String name = imp.module() + "." + imp.name();
            if (!(imp instanceof FunctionImport fi)) {
                problems.add(name + " (a " + imp.importType().name().toLowerCase(java.util.Locale.ROOT)
                        + " import: the host provides only functions; memory must be the module's own)");
                continue;
            }
            Map<String, FunctionType> offered = switch (imp.module()) {
                case FaasmAbi.MODULE -> faasm;
                case WasiImports.MODULE -> wasi;
                default -> Map.of();
            };
            FunctionType wanted = module.typeSection().getType(fi.typeIndex());
            FunctionType have = offered.get(imp.name());
            if (have == null) {
                problems.add(name + " (no such host function)");
            } else if (!have.equals(wanted)) {
                problems.add(name + " (imported as " + wanted + " but the host provides " + have + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidModuleException(ModuleProblem.UNKNOWN_IMPORT,
                    "module imports what the host does not provide: " + String.join(", ", problems));
        }
    }

    private static final FunctionType NOTHING = FunctionType.of(List.of(), List.of());
    private static final FunctionType RETURNS_I32 = FunctionType.of(List.of(), List.of(ValType.I32));

    private static EntryPoint entryPoint(WasmModule module) {
        for (EntryPoint e : EntryPoint.values()) {
            FunctionType type = exportedFunctionType(module, e.exportName());
            if (type != null) {
                FunctionType wanted = e == EntryPoint.COMMAND ? NOTHING : RETURNS_I32;
                requireSignature(e.exportName(), type, wanted);
                return e;
            }
        }
        throw new InvalidModuleException(ModuleProblem.NO_ENTRY_POINT, "module has no entry point:"
                + " export _start (a WASI command, i.e. main) or faasm_main (the SDK's FAASM_MAIN)");
    }

    private static boolean checkInitialize(WasmModule module) {
        FunctionType type = exportedFunctionType(module, "_initialize");
        if (type != null) {
            requireSignature("_initialize", type, NOTHING);
        }
        return type != null;
    }

    private static boolean checkZygote(WasmModule module, EntryPoint entry) {
        FunctionType type = exportedFunctionType(module, "faasm_zygote");
        if (type == null) {
            return false;
        }
        if (entry != EntryPoint.FAASM_MAIN) {
            throw new InvalidModuleException(ModuleProblem.UNSUPPORTED_FEATURE, "faasm_zygote needs a"
                    + " FAASM_MAIN function (a reactor): in a WASI command, constructors run inside"
                    + " _start, after the snapshot, and would undo the zygote's set-up");
        }
        requireSignature("faasm_zygote", type, RETURNS_I32);
        return true;
    }

    private static void requireSignature(String export, FunctionType have, FunctionType wanted) {
        if (!have.equals(wanted)) {
            throw new InvalidModuleException(ModuleProblem.NO_ENTRY_POINT, "entry point " + export
                    + " has type " + have + " but must be " + wanted);
        }
    }

    /** The type of an exported function, or null when there is no such export. */
    private static FunctionType exportedFunctionType(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            if (e.name().equals(name) && e.exportType() == ExternalType.FUNCTION) {
                int index = (int) e.index();
                if (index < 0 || index >= module.importSection().count(ExternalType.FUNCTION)
                        + module.functionSection().functionCount()) {
                    throw new InvalidModuleException(ModuleProblem.INVALID, "invalid module: export "
                            + name + " names function " + index + ", which does not exist");
                }
                int imported = 0;
                for (int k = 0; k < module.importSection().importCount(); k++) {
                    if (module.importSection().getImport(k) instanceof FunctionImport fi) {
                        if (imported++ == index) {
                            return module.typeSection().getType(fi.typeIndex());
                        }
                    }
                }
                return module.functionSection().getFunctionType(index - imported, module.typeSection());
            }
        }
        return null;
    }

    private record Compiled(Function<Instance, Machine> factory, boolean fromCache) {}

    private Compiled compile(WasmModule module) {
        switch (engine) {
            case CHICORY_INTERPRETER -> {
                return new Compiled(com.dylibso.chicory.runtime.InterpreterMachine::new, false);
            }
            case JFAASM -> {
                // Chicory's compiler (through the code cache) only for functions our tier leaves.
                JfaasmCode code = JfaasmCode.compile(module, () -> compileChicory(module).factory(), tierCache);
                return new Compiled(code.machineFactory(), code.fromCache());
            }
            default -> {
                return compileChicory(module);
            }
        }
    }

    private Compiled compileChicory(WasmModule module) {
        MachineFactoryCompiler.Builder builder = MachineFactoryCompiler.builder(module)
                .withInterpreterFallback(InterpreterFallback.WARN);
        if (cache == null) {
            return new Compiled(builder.compile(), false);
        }
        try {
            boolean cached = cache.hasValidEntry(module.digest());
            return new Compiled(builder.withCache(cache).compile(), cached);
        } catch (RuntimeException | LinkageError | java.io.IOException e) {
            // A damaged cache entry must cost a recompile, never a refused module.
            LOG.warn("code cache entry for {} unusable ({}); recompiling", hex(module.digest()), e.toString());
            try {
                cache.evict(module.digest());
            } catch (java.io.IOException io) {
                LOG.warn("cannot evict code cache entry: {}", io.toString());
            }
            return new Compiled(MachineFactoryCompiler.builder(module)
                    .withInterpreterFallback(InterpreterFallback.WARN).withCache(cache).compile(), false);
        }
    }

    private static String hex(String chicoryDigest) {
        return HexFormat.of().formatHex(
                Base64.getDecoder().decode(chicoryDigest.substring(chicoryDigest.indexOf(':') + 1)));
    }
}
