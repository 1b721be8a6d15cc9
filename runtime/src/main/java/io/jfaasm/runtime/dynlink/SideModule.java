package io.jfaasm.runtime.dynlink;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import com.dylibso.chicory.wasm.types.ValType;
import io.jfaasm.runtime.compiler.JfaasmCode;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A library as uploaded: a wasm side module (the {@code dylink.0} section of the WebAssembly tool
 * conventions), checked once at upload. It is compiled once per calling module, after its type
 * indices are renumbered to that module's ({@link TypeIndexRewriter}).
 */
public final class SideModule {
    /** Largest data and table sizes a library may declare: more fails the upload, not a call. */
    static final long MAX_MEM_SIZE = 1L << 31;
    static final int MAX_TABLE_SIZE = 1 << 16;

    /** A compilation of the library for one caller. */
    record Compiled(WasmModule module, Function<Instance, Machine> factory) {}

    private final String name;
    private final byte[] bytes;
    private final String sha256;
    private final long memSize;
    private final int memAlignLog2;
    private final int tableSize;
    private final int tableAlignLog2;
    private final boolean needsStack;
    private final Map<String, Compiled> byCaller = new ConcurrentHashMap<>();

    private SideModule(String name, byte[] bytes, long memSize, int memAlignLog2, int tableSize,
            int tableAlignLog2, boolean needsStack) {
        this.name = name;
        this.bytes = bytes;
        this.sha256 = sha256(bytes);
        this.memSize = memSize;
        this.memAlignLog2 = memAlignLog2;
        this.tableSize = tableSize;
        this.tableAlignLog2 = tableAlignLog2;
        this.needsStack = needsStack;
    }

    /** Checks a library; every refusal is a {@link LibraryException} naming the problem. */
    public static SideModule of(String name, byte[] bytes, int maxBytes) {
        if (bytes.length > maxBytes) {
            throw new LibraryException(name + " is " + bytes.length + " bytes, over the limit of "
                    + maxBytes + " bytes");
        }
        WasmModule module = parse(bytes, name);
        UnknownCustomSection dylink = null;
        for (CustomSection c : module.customSections()) {
            if (c.name().equals("dylink.0") && c instanceof UnknownCustomSection u) {
                dylink = u;
            }
        }
        if (dylink == null) {
            throw new LibraryException(name + " is not a library: it has no dylink.0 section (build it"
                    + " with sdk/build-library.sh)");
        }
        long[] info = memInfo(dylink.bytes(), name);
        boolean stack = checkImports(module, name);
        for (DataSegment s : module.dataSection().dataSegments()) {
            if (s instanceof PassiveDataSegment) {
                // The Memory interface resolves memory.init by segment index alone, in the memory:
                // a library's passive segments would collide with the caller's.
                throw new LibraryException(name + " has passive data segments (bulk memory), which a"
                        + " library cannot have here: build it without -mbulk-memory");
            }
        }
        try {
            TypeIndexRewriter.rewrite(bytes, List.of()); // refuses unsupported instructions now
        } catch (IndexOutOfBoundsException e) {
            throw new LibraryException(name + " is truncated inside a section");
        }
        return new SideModule(name, bytes.clone(), info[0], (int) info[1], (int) info[2], (int) info[3], stack);
    }

    public String name() {
        return name;
    }

    public String sha256() {
        return sha256;
    }

    long memSize() {
        return memSize;
    }

    int memAlignLog2() {
        return memAlignLog2;
    }

    int tableSize() {
        return tableSize;
    }

    int tableAlignLog2() {
        return tableAlignLog2;
    }

    /** Whether it imports {@code __stack_pointer}: then it gets a stack of its own. */
    boolean needsStack() {
        return needsStack;
    }

    /** This library compiled for a caller (once per caller module and engine). */
    Compiled compiledFor(CompiledModule caller) {
        boolean tier = JfaasmCode.compiledByTier(caller.machineFactory());
        return byCaller.computeIfAbsent(caller.sha256() + (tier ? "/jfaasm" : "/chicory"), k -> compile(caller, tier));
    }

    private Compiled compile(CompiledModule caller, boolean tier) {
        List<com.dylibso.chicory.wasm.types.FunctionType> types =
                List.of(caller.module().typeSection().types());
        byte[] rewritten;
        try {
            rewritten = TypeIndexRewriter.rewrite(bytes, types);
        } catch (IndexOutOfBoundsException e) {
            throw new LibraryException(name + " is truncated inside a section");
        }
        WasmModule module = parse(rewritten, name);
        try {
            Supplier<Function<Instance, Machine>> chicory = () -> MachineFactoryCompiler.builder(module)
                    .withInterpreterFallback(InterpreterFallback.WARN).compile();
            // the caller's engine: JFaasm's tier (Chicory's compiler for what it leaves), or Chicory's
            return new Compiled(module, tier ? JfaasmCode.compile(module, chicory).machineFactory() : chicory.get());
        } catch (RuntimeException e) {
            throw new LibraryException(name + " cannot be compiled: " + e.getMessage(), e);
        }
    }

    private static WasmModule parse(byte[] bytes, String name) {
        try {
            return Parser.parse(bytes);
        } catch (ChicoryException e) {
            throw new LibraryException(name + " is not a valid wasm module: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new LibraryException(name + " is not a valid wasm module (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** mem_size, mem_align, table_size, table_align of the WASM_DYLINK_MEM_INFO subsection. */
    private static long[] memInfo(byte[] section, String name) {
        long[] info = new long[4];
        int[] pos = {0};
        while (pos[0] < section.length) {
            int type = section[pos[0]++] & 0xFF;
            long size = leb(section, pos, name);
            int end = (int) Math.min(section.length, pos[0] + size);
            if (pos[0] + size > section.length) {
                throw new LibraryException(name + ": dylink.0 section is truncated");
            }
            if (type == 1) {
                for (int i = 0; i < 4; i++) {
                    info[i] = leb(section, pos, name);
                }
            } else if (type == 2 && leb(section, pos, name) > 0) {
                throw new LibraryException(name + " needs other libraries (dylink.0 WASM_DYLINK_NEEDED):"
                        + " a library here cannot load others");
            }
            pos[0] = end;
        }
        if (info[0] > MAX_MEM_SIZE) {
            throw new LibraryException(name + " declares " + info[0] + " bytes of data, over the "
                    + MAX_MEM_SIZE + " a library may have");
        }
        if (info[1] > 16 || info[3] > 16) {
            throw new LibraryException(name + " asks for an alignment over 64 KiB");
        }
        if (info[2] > MAX_TABLE_SIZE) {
            throw new LibraryException(name + " declares " + info[2] + " table entries, over the "
                    + MAX_TABLE_SIZE + " a library may have");
        }
        return info;
    }

    private static long leb(byte[] b, int[] pos, String name) {
        long result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= b.length) {
                break;
            }
            int x = b[pos[0]++] & 0xFF;
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        throw new LibraryException(name + ": malformed number in its dylink.0 section");
    }

    /** Refuses imports the linker cannot give; true when the library imports a stack pointer. */
    private static boolean checkImports(WasmModule module, String name) {
        boolean stack = false;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String full = imp.module() + "." + imp.name();
            switch (imp) {
                case FunctionImport f when imp.module().equals("env")
                        || imp.module().equals("wasi_snapshot_preview1") -> { }
                case GlobalImport g when isI32(g) && imp.module().equals("env")
                        && (imp.name().equals("__memory_base") || imp.name().equals("__table_base"))
                        && g.mutabilityType() == MutabilityType.Const -> { }
                case GlobalImport g when isI32(g) && imp.module().equals("env")
                        && imp.name().equals("__stack_pointer") && g.mutabilityType() == MutabilityType.Var ->
                        stack = true;
                case GlobalImport g when isI32(g) && (imp.module().equals("GOT.mem")
                        || imp.module().equals("GOT.func")) && g.mutabilityType() == MutabilityType.Var -> { }
                default -> {
                    if (!(full.equals("env.memory") && imp instanceof MemoryImport)
                            && !(full.equals("env.__indirect_function_table") && imp instanceof TableImport)) {
                        problems.add(full);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new LibraryException(name + " imports what a library cannot have: "
                    + String.join(", ", problems));
        }
        return stack;
    }

    private static boolean isI32(GlobalImport g) {
        return g.type().equals(ValType.I32);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
